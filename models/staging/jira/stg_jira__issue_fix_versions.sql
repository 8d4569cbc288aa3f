with

fix_versions as (
    select * from {{ kpibridge.declared_source('raw_jira', 'issues__fields__fix_versions') }}
),

issues as (
    select * from {{ kpibridge.declared_source('raw_jira', 'issues') }}
),

joined as (
    select
        cast(issues.id as {{ dbt.type_string() }}) as issue_id,
        cast(issues.key as {{ dbt.type_string() }}) as issue_key,
        cast(fix_versions.id as {{ dbt.type_string() }}) as version_id,
        cast(fix_versions.name as {{ dbt.type_string() }}) as version_name,
        cast(fix_versions.released as boolean) as is_released,
        cast(fix_versions._dlt_list_idx as bigint) as fix_version_position
    from fix_versions
    inner join issues
        on fix_versions._dlt_parent_id = issues._dlt_id
)

select * from joined
