with

source as (
    select * from {{ kpibridge.declared_source('raw_github', 'commit_statuses') }}
),

renamed as (
    select
        cast(id as {{ dbt.type_string() }}) as commit_status_id,
        cast(repo as {{ dbt.type_string() }}) as repo,
        cast(sha as {{ dbt.type_string() }}) as sha,
        cast(context as {{ dbt.type_string() }}) as context,
        cast(state as {{ dbt.type_string() }}) as state,
        cast(description as {{ dbt.type_string() }}) as description,
        {{ kpibridge.to_utc('created_at') }} as created_at,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
