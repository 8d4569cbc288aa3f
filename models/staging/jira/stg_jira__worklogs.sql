with

source as (
    select * from {{ kpibridge.declared_source('raw_jira', 'worklogs') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as worklog_id,
        cast(issue_id as {{ dbt.type_string() }}) as issue_id,
        cast(issue_key as {{ dbt.type_string() }}) as issue_key,
        {{ kpibridge.pseudonymise('author__account_id') }} as author_key,
        {{ kpibridge.to_utc('started') }} as started_at,
        cast(time_spent_seconds as bigint) as time_spent_seconds,
        {{ kpibridge.to_utc('created') }} as created_at,
        {{ kpibridge.to_utc('updated') }} as updated_at,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
