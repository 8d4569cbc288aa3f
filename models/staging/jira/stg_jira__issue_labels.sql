with

labels as (
    select * from {{ kpibridge.declared_source('raw_jira', 'issues__fields__labels') }}
),

issues as (
    select * from {{ kpibridge.declared_source('raw_jira', 'issues') }}
),

joined as (
    select
        cast(issues.id as {{ dbt.type_string() }}) as issue_id,
        cast(issues.key as {{ dbt.type_string() }}) as issue_key,
        cast(labels.value as {{ dbt.type_string() }}) as label_name,
        cast(labels._dlt_list_idx as bigint) as label_position
    from labels
    inner join issues
        on labels._dlt_parent_id = issues._dlt_id
)

select * from joined
