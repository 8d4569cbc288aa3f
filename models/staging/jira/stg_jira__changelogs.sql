with

source as (
    select * from {{ kpibridge.declared_source('raw_jira', 'issue_changelogs') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as changelog_id,
        cast(issue_id as {{ dbt.type_string() }}) as issue_id,
        cast(issue_key as {{ dbt.type_string() }}) as issue_key,
        {{ kpibridge.pseudonymise('author__account_id') }} as author_key,
        coalesce(author__account_type = 'app', false) as is_app_author,
        {{ kpibridge.to_utc('created') }} as changed_at,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
