{%- set bot_suffixes = var('bot_login_suffixes', []) -%}
with

source as (
    select * from {{ kpibridge.declared_source('raw_github', 'releases') }}
),

renamed as (
    select
        cast(id as bigint) as release_id,
        cast(repo as {{ dbt.type_string() }}) as repo,
        cast(tag_name as {{ dbt.type_string() }}) as tag_name,
        cast(name as {{ dbt.type_string() }}) as release_name,
        cast(target_commitish as {{ dbt.type_string() }}) as target_commitish,
        cast(draft as boolean) as is_draft,
        cast(prerelease as boolean) as is_prerelease,
        {{ kpibridge.pseudonymise('author__login') }} as author_key,
        (
            coalesce(author__type, '') = 'Bot'
            {%- for suffix in bot_suffixes %}
                or coalesce(author__login, '') like '%{{ suffix }}'
            {%- endfor %}
        ) as is_bot_author,
        {{ kpibridge.to_utc('created_at') }} as created_at,
        {{ kpibridge.to_utc('published_at') }} as published_at,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
