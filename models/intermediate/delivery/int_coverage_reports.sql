-- Coverage reports of the team repositories: commit statuses with context
-- var coverage_status_context, the percentage their description carries (kpi-catalogue "Code
-- coverage"); statuses whose description has no percentage are left out.
with

commit_statuses as (
    select * from {{ ref('stg_github__commit_statuses') }}
),

team_sources as (
    select * from {{ ref('team_sources') }}
),

parsed as (
    select
        team_sources.team_key,
        commit_statuses.repo,
        commit_statuses.created_at as reported_at,
        cast(
            nullif({{ kpibridge.first_percentage('commit_statuses.description') }}, '')
            as double precision
        ) as coverage_pct
    from commit_statuses
    inner join team_sources
        on {{ kpibridge.repo_key('commit_statuses.repo') }}
        = {{ kpibridge.repo_key('team_sources.source_key') }}
        and team_sources.source_system = 'github'
        and team_sources.source_kind = 'repo'
    where commit_statuses.context = '{{ var("coverage_status_context") }}'
),

final as (
    select * from parsed
    where coverage_pct is not null
)

select * from final
