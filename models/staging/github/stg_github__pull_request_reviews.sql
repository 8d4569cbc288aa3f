{%- set bot_suffixes = var('bot_login_suffixes', []) -%}
with

source as (
    select * from {{ kpibridge.declared_source('raw_github', 'pull_request_reviews') }}
),

renamed as (
    select
        cast(id as bigint) as review_id,
        cast(pull_request_id as bigint) as pull_request_id,
        cast(repo as {{ dbt.type_string() }}) as repo,
        cast(pull_number as bigint) as pull_number,
        {{ kpibridge.pseudonymise('user__login') }} as reviewer_key,
        (
            coalesce(user__type, '') = 'Bot'
            {%- for suffix in bot_suffixes %}
                or coalesce(user__login, '') like '%{{ suffix }}'
            {%- endfor %}
        ) as is_bot_reviewer,
        cast(state as {{ dbt.type_string() }}) as state,
        cast(body as {{ dbt.type_string() }}) as body,
        cast(commit_id as {{ dbt.type_string() }}) as commit_sha,
        {{ kpibridge.to_utc('submitted_at') }} as submitted_at,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
