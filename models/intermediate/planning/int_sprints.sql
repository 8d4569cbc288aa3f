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

board_teams as (
    {{ kpibridge.source_teams('jira', 'board', 'board_id_text') }}
),

project_teams as (
    {{ kpibridge.source_teams('jira', 'project', 'project_key') }}
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
