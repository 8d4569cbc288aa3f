-- One row per Jira sprint with its team (the board's team from team_sources, else the team of
-- the project the board is located in) and the moment it ended (complete_at, else the planned
-- end_at).
with

sprints as (
    select * from {{ ref('stg_jira__sprints') }}
),

boards as (
    select * from {{ ref('stg_jira__boards') }}
),

team_sources as (
    select * from {{ ref('team_sources') }}
),

board_teams as (
    select
        cast(source_key as {{ dbt.type_string() }}) as board_id_text,
        cast(team_key as {{ dbt.type_string() }}) as team_key
    from team_sources
    where source_system = 'jira' and source_kind = 'board'
),

project_teams as (
    select
        cast(source_key as {{ dbt.type_string() }}) as project_key,
        cast(team_key as {{ dbt.type_string() }}) as team_key
    from team_sources
    where source_system = 'jira' and source_kind = 'project'
),

final as (
    select
        sprints.sprint_id,
        coalesce(board_teams.team_key, project_teams.team_key) as team_key,
        sprints.board_id,
        sprints.sprint_name,
        sprints.state,
        sprints.start_at,
        sprints.end_at,
        sprints.complete_at,
        coalesce(sprints.complete_at, sprints.end_at) as ended_at,
        sprints.complete_at is not null as is_closed
    from sprints
    left join board_teams
        on cast(sprints.board_id as {{ dbt.type_string() }}) = board_teams.board_id_text
    left join boards
        on sprints.board_id = boards.board_id
    left join project_teams
        on boards.project_key = project_teams.project_key
)

select * from final
