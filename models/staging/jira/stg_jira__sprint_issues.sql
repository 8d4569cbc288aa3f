with

source as (
    select * from {{ kpibridge.declared_source('raw_jira', 'sprint_issues') }}
),

renamed as (
    select
        cast(sprint_id as bigint) as sprint_id,
        cast(issue_id as {{ dbt.type_string() }}) as issue_id,
        cast(issue_key as {{ dbt.type_string() }}) as issue_key,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
