with

source as (
    select * from {{ kpibridge.declared_source('raw_github', 'compares') }}
),

renamed as (
    select
        cast(repo as {{ dbt.type_string() }}) as repo,
        cast(base as {{ dbt.type_string() }}) as base_sha,
        cast(head as {{ dbt.type_string() }}) as head_sha,
        -- the successful production deployment whose sha is head_sha
        cast(deployment_id as bigint) as deployment_id,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(total_commits as bigint) as total_commits,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
