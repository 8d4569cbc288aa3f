-- Data-quality findings of the KPI layer itself: per team, each glossary KPI without a value in
-- any month and why; targets for unknown teams; teams without sources. (The other layers expose
-- their own dq_findings__<layer> models; data_quality_findings unions them all.)
with

glossary as (
    select * from {{ ref('kpi_glossary') }}
),

kpi_values as (
    select * from {{ ref('kpi_values') }}
),

targets as (
    select * from {{ ref('kpi_targets') }}
),

teams as (
    select * from {{ ref('int_teams') }}
),

team_sources as (
    select * from {{ ref('team_sources') }}
),

-- per team x KPI: does any month have a value, and why not (the reason of its first month)
team_kpi_coverage as (
    select
        kpi_values.team_key,
        kpi_values.kpi_id,
        max(case when kpi_values.value is not null then 1 else 0 end) as has_value,
        min(kpi_values.null_reason) as null_reason
    from kpi_values
    inner join glossary
        on kpi_values.kpi_id = glossary.kpi_id
    where kpi_values.grain = 'month'
    group by kpi_values.team_key, kpi_values.kpi_id
),

kpi_never_computed as (
    select
        'kpi_never_computed' as check_name,
        'kpi' as entity,
        kpi_id as entity_id,
        team_key,
        'warning' as severity,
        'NULL for this team in every month ('
        || coalesce(null_reason, 'no periods') || '): named here so it is never a silent gap'
            as detail
    from team_kpi_coverage
    where has_value = 0
),

target_for_unknown_team as (
    select
        'target_for_unknown_team' as check_name,
        'kpi_target' as entity,
        targets.kpi_id as entity_id,
        targets.team_key,
        'error' as severity,
        'kpi_targets names a team that is not in the teams seed' as detail
    from targets
    left join teams on targets.team_key = teams.team_key
    where teams.team_key is null
),

team_without_sources as (
    select
        'team_without_sources' as check_name,
        'team' as entity,
        teams.team_key as entity_id,
        teams.team_key,
        'error' as severity,
        'team has no row in team_sources: all its KPIs stay NULL' as detail
    from teams
    where not teams.is_organisation
        and teams.team_key not in (select team_sources.team_key from team_sources)
),

final as (
    select * from kpi_never_computed
    union all
    select * from target_for_unknown_team
    union all
    select * from team_without_sources
)

select * from final
