with

source as (
    select * from {{ kpibridge.declared_source('raw_jira', 'versions') }}
),

projects as (
    select * from {{ kpibridge.declared_source('raw_jira', 'projects') }}
),

renamed as (
    select
        cast(source.id as {{ dbt.type_string() }}) as version_id,
        cast(source.project_id as {{ dbt.type_string() }}) as project_id,
        -- lookup of the project key (the versions payload carries only projectId)
        cast(projects.key as {{ dbt.type_string() }}) as project_key,
        cast(source.name as {{ dbt.type_string() }}) as version_name,
        cast(source.description as {{ dbt.type_string() }}) as description,
        cast(source.released as boolean) as is_released,
        cast(source.archived as boolean) as is_archived,
        cast(source.overdue as boolean) as is_overdue,
        cast(source.start_date as date) as start_date,
        -- /versions sends releaseDate as a date string, but Atlassian's own example has epoch
        -- milliseconds: dlt lands those beside it in a variant column
        coalesce(
            cast(source.release_date as date),
            cast({{ dbt.dateadd(
                'second', 'source.release_date__v_bigint / 1000',
                "cast('1970-01-01' as timestamp)"
            ) }} as date)
        ) as release_date,
        cast(source._dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
    left join projects
        on cast(source.project_id as {{ dbt.type_string() }})
        = cast(projects.id as {{ dbt.type_string() }})
)

select * from renamed
