{%- set bot_suffixes = var('bot_login_suffixes', []) -%}
with

source as (
    select * from {{ kpibridge.declared_source('raw_github', 'pull_requests') }}
),

renamed as (
    select
        cast(id as bigint) as pull_request_id,
        cast(repo as {{ dbt.type_string() }}) as repo,
        cast(number as bigint) as pull_number,
        cast(title as {{ dbt.type_string() }}) as title,
        cast(body as {{ dbt.type_string() }}) as body,
        cast(state as {{ dbt.type_string() }}) as state,
        cast(head__ref as {{ dbt.type_string() }}) as head_ref,
        cast(head__sha as {{ dbt.type_string() }}) as head_sha,
        cast(base__ref as {{ dbt.type_string() }}) as base_ref,
        cast(merge_commit_sha as {{ dbt.type_string() }}) as merge_commit_sha,
        cast(html_url as {{ dbt.type_string() }}) as html_url,
        {{ kpibridge.pseudonymise('user__login') }} as author_key,
        (
            coalesce(user__type, '') = 'Bot'
            {%- for suffix in bot_suffixes %}
                or coalesce(user__login, '') like '%{{ suffix }}'
            {%- endfor %}
        ) as is_bot_author,
        cast(draft as boolean) as is_draft,
        cast(merged as boolean) as is_merged,
        cast(additions as bigint) as additions,
        cast(deletions as bigint) as deletions,
        cast(changed_files as bigint) as changed_files,
        cast(commits as bigint) as commits_count,
        {{ kpibridge.to_utc('created_at') }} as created_at,
        {{ kpibridge.to_utc('updated_at') }} as updated_at,
        {{ kpibridge.to_utc('closed_at') }} as closed_at,
        {{ kpibridge.to_utc('merged_at') }} as merged_at,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
