with

labels as (
    select * from {{ kpibridge.declared_source('raw_github', 'pull_requests__labels') }}
),

pull_requests as (
    select * from {{ kpibridge.declared_source('raw_github', 'pull_requests') }}
),

joined as (
    select
        cast(pull_requests.id as bigint) as pull_request_id,
        cast(pull_requests.repo as {{ dbt.type_string() }}) as repo,
        cast(pull_requests.number as bigint) as pull_number,
        cast(labels.name as {{ dbt.type_string() }}) as label_name,
        cast(labels.color as {{ dbt.type_string() }}) as label_color,
        cast(labels._dlt_list_idx as bigint) as label_position
    from labels
    inner join pull_requests
        on labels._dlt_parent_id = pull_requests._dlt_id
)

select * from joined
