with

source as (
    select * from {{ kpibridge.declared_source('raw_jira', 'sprints') }}
),

renamed as (
    select
        cast(id as bigint) as sprint_id,
        -- the board the sprint was listed from; origin_board_id is the board that created it
        cast(board_id as bigint) as board_id,
        cast(origin_board_id as bigint) as origin_board_id,
        cast(name as {{ dbt.type_string() }}) as sprint_name,
        cast(state as {{ dbt.type_string() }}) as state,
        cast(goal as {{ dbt.type_string() }}) as goal,
        {{ kpibridge.to_utc('start_date') }} as start_at,
        {{ kpibridge.to_utc('end_date') }} as end_at,
        {{ kpibridge.to_utc('complete_date') }} as complete_at,
        cast(_dlt_load_id as {{ dbt.type_string() }}) as dlt_load_id
    from source
)

select * from renamed
