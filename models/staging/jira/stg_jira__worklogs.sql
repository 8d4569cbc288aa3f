with

source as (
    select * from {{ kpibridge.declared_source('raw_jira', 'worklogs') }}
),

issues as (
    select * from {{ kpibridge.declared_source('raw_jira', 'issues') }}
),

renamed as (
    select
        cast(source.id as {{ dbt.type_string() }}) as worklog_id,
        cast(source.issue_id as {{ dbt.type_string() }}) as issue_id,
        -- lookup of the issue key (the worklog payload carries only issueId)
        cast(issues.key as {{ dbt.type_string() }}) as issue_key,
        {{ kpibridge.pseudonymise('source.author__account_id') }} as author_key,
        {{ kpibridge.to_utc('source.started') }} as started_at,
        cast(source.time_spent_seconds as bigint) as time_spent_seconds,
        {{ kpibridge.to_utc('source.created') }} as created_at,
        {{ kpibridge.to_utc('source.updated') }} as updated_at,
        cast(source._dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
    left join issues
        on cast(source.issue_id as {{ dbt.type_string() }})
        = cast(issues.id as {{ dbt.type_string() }})
)

select * from renamed
