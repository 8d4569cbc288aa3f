with

source as (
    select * from {{ kpibridge.declared_source('raw_github', 'repositories') }}
),

renamed as (
    select
        cast(id as bigint) as repository_id,
        cast(name as {{ dbt.type_string() }}) as repo,
        cast(full_name as {{ dbt.type_string() }}) as full_name,
        cast(default_branch as {{ dbt.type_string() }}) as default_branch,
        cast(owner__type as {{ dbt.type_string() }}) as owner_type,
        cast(private as boolean) as is_private,
        cast(archived as boolean) as is_archived,
        cast(html_url as {{ dbt.type_string() }}) as html_url,
        {{ kpibridge.to_utc('created_at') }} as created_at,
        {{ kpibridge.to_utc('updated_at') }} as updated_at,
        {{ kpibridge.to_utc('pushed_at') }} as pushed_at,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
