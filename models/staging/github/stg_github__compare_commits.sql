with

commits as (
    select * from {{ kpibridge.declared_source('raw_github', 'compares__commits') }}
),

compares as (
    select * from {{ kpibridge.declared_source('raw_github', 'compares') }}
),

joined as (
    select
        cast(compares.repo as {{ dbt.type_string() }}) as repo,
        cast(compares.base as {{ dbt.type_string() }}) as base_sha,
        cast(compares.head as {{ dbt.type_string() }}) as head_sha,
        cast(compares.deployment_id as bigint) as deployment_id,
        cast(commits.sha as {{ dbt.type_string() }}) as sha,
        cast(commits._dlt_list_idx as bigint) as commit_position,
        cast(commits.message as {{ dbt.type_string() }}) as message,
        {{ kpibridge.to_utc('commits.authored_at') }} as authored_at,
        -- child rows have no load id: they are reloaded with their compare
        cast(compares._dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from commits
    inner join compares
        on commits._dlt_parent_id = compares._dlt_id
)

select * from joined
