{%- set bot_suffixes = var('bot_login_suffixes', []) -%}
with

source as (
    select * from {{ kpibridge.declared_source('raw_github', 'workflow_runs') }}
),

renamed as (
    select
        cast(id as bigint) as run_id,
        cast(workflow_id as bigint) as workflow_id,
        cast(repo as {{ dbt.type_string() }}) as repo,
        cast(name as {{ dbt.type_string() }}) as workflow_name,
        cast(path as {{ dbt.type_string() }}) as workflow_path,
        cast(display_title as {{ dbt.type_string() }}) as display_title,
        cast(event as {{ dbt.type_string() }}) as event,  -- noqa: RF04
        cast(status as {{ dbt.type_string() }}) as status,
        cast(conclusion as {{ dbt.type_string() }}) as conclusion,
        cast(head_branch as {{ dbt.type_string() }}) as head_branch,
        cast(head_sha as {{ dbt.type_string() }}) as head_sha,
        cast(run_number as bigint) as run_number,
        cast(run_attempt as bigint) as run_attempt,
        {{ kpibridge.pseudonymise('actor__login') }} as actor_key,
        {{ kpibridge.pseudonymise('triggering_actor__login') }} as triggering_actor_key,
        (
            coalesce(actor__type, '') = 'Bot'
            {%- for suffix in bot_suffixes %}
                or coalesce(actor__login, '') like '%{{ suffix }}'
            {%- endfor %}
        ) as is_bot_actor,
        {{ kpibridge.to_utc('created_at') }} as created_at,
        {{ kpibridge.to_utc('updated_at') }} as updated_at,
        {{ kpibridge.to_utc('run_started_at') }} as run_started_at,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
