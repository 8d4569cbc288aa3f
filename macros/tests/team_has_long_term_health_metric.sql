{#- Seed 000, challenge 3: every team with active KPIs tracks a long-term health metric, and
    tracking needs a value: an active health KPI that is NULL in every complete month of
    values_model (default kpi_values) for the team fails, as does a team without one.
    Severity follows var require_every_kpi_computed (a health KPI the data cannot compute is
    an uncomputable KPI: warned by default, an error in CI). -#}
{% test team_has_long_term_health_metric(
    model, column_name, active_column='active', values_model=none,
    health_kpis=['tech_debt_remediation_rate', 'innovation_time']
) %}
{{ config(severity='error' if var('require_every_kpi_computed') else 'warn') }}
{%- set values_relation = values_model if values_model is not none else ref('kpi_values') %}
with

active_teams as (
    select distinct {{ column_name }} as team_key
    from {{ model }}
    where {{ active_column }}
),

active_health_kpis as (
    select
        {{ column_name }} as team_key,
        kpi_id
    from {{ model }}
    where {{ active_column }}
        and kpi_id in ({{ kpibridge.sql_list(health_kpis) }})
),

measured_health_kpis as (
    select distinct
        active_health_kpis.team_key,
        active_health_kpis.kpi_id
    from active_health_kpis
    inner join {{ values_relation }} as kpi_values
        on active_health_kpis.team_key = kpi_values.team_key
        and active_health_kpis.kpi_id = kpi_values.kpi_id
    where kpi_values.grain = 'month'
        and kpi_values.is_complete
        and kpi_values.value is not null
),

final as (
    select
        active_teams.team_key,
        count(active_health_kpis.kpi_id) as active_health_kpis,
        count(measured_health_kpis.kpi_id) as measured_health_kpis
    from active_teams
    left join active_health_kpis
        on active_teams.team_key = active_health_kpis.team_key
    left join measured_health_kpis
        on active_health_kpis.team_key = measured_health_kpis.team_key
        and active_health_kpis.kpi_id = measured_health_kpis.kpi_id
    group by active_teams.team_key
    having count(measured_health_kpis.kpi_id) = 0
)

select * from final
{% endtest %}
