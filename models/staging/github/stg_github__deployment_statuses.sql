{%- set bot_suffixes = var('bot_login_suffixes', []) -%}
with

source as (
    select * from {{ kpibridge.declared_source('raw_github', 'deployment_statuses') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as deployment_status_id,
        cast(deployment_id as bigint) as deployment_id,
        cast(repo as {{ dbt.type_string() }}) as repo,
        cast(state as {{ dbt.type_string() }}) as state,
        cast(environment as {{ dbt.type_string() }}) as environment,
        cast(description as {{ dbt.type_string() }}) as description,
        cast(environment_url as {{ dbt.type_string() }}) as environment_url,
        cast(log_url as {{ dbt.type_string() }}) as log_url,
        {{ kpibridge.pseudonymise('creator__login') }} as creator_key,
        (
            coalesce(creator__type, '') = 'Bot'
            {%- for suffix in bot_suffixes %}
                or coalesce(creator__login, '') like '%{{ suffix }}'
            {%- endfor %}
        ) as is_created_by_app_or_bot,
        {{ kpibridge.to_utc('created_at') }} as created_at,
        {{ kpibridge.to_utc('updated_at') }} as updated_at,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
