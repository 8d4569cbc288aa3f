{%- set bot_suffixes = var('bot_login_suffixes', []) -%}
with

source as (
    select * from {{ kpibridge.declared_source('raw_github', 'pull_request_commits') }}
),

renamed as (
    select
        cast(sha as {{ dbt.type_string() }}) as sha,
        cast(pull_request_id as bigint) as pull_request_id,
        cast(repo as {{ dbt.type_string() }}) as repo,
        cast(pull_number as bigint) as pull_number,
        -- GitHub account of the commit author; null when the git author matches no account
        {{ kpibridge.pseudonymise('author__login') }} as author_key,
        (
            coalesce(author__type, '') = 'Bot'
            {%- for suffix in bot_suffixes %}
                or coalesce(author__login, '') like '%{{ suffix }}'
            {%- endfor %}
        ) as is_bot_author,
        -- git author name (not a GitHub account), pseudonymised
        {{ kpibridge.pseudonymise(kpibridge.json_text('commit__author', 'name')) }}
            as git_author_key,
        cast(commit__message as {{ dbt.type_string() }}) as message,
        {{ kpibridge.to_utc(kpibridge.json_text('commit__author', 'date')) }} as authored_at,
        {{ kpibridge.to_utc(kpibridge.json_text('commit__committer', 'date')) }} as committed_at,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
