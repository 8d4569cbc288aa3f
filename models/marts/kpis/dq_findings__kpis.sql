-- Data-quality findings of the KPI layer itself (the domain layers expose their own
-- dq_findings__<domain> models; data_quality_findings unions them all).
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

computed_kpis as (
    select distinct kpi_id from kpi_values
    where value is not null
),

kpi_never_computed as (
    select
        'kpi_never_computed' as check_name,
        'kpi' as entity,
        glossary.kpi_id as entity_id,
        cast(null as {{ dbt.type_string() }}) as team_key,
        'glossary KPI has no value for any team or period' as detail
    from glossary
    left join computed_kpis on glossary.kpi_id = computed_kpis.kpi_id
    where computed_kpis.kpi_id is null
),

target_for_unknown_team as (
    select
        'target_for_unknown_team' as check_name,
        'kpi_target' as entity,
        targets.kpi_id as entity_id,
        targets.team_key,
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
