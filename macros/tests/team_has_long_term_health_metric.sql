{#- Seed 000, challenge 3: every team with active KPIs tracks a long-term health metric. -#}
{% test team_has_long_term_health_metric(
    model, column_name, active_column='active',
    health_kpis=['tech_debt_remediation_rate', 'innovation_time']
) %}
select {{ column_name }} as team_key
from {{ model }}
where {{ active_column }}
group by {{ column_name }}
having sum(
    case when kpi_id in ({{ kpibridge.sql_list(health_kpis) }}) then 1 else 0 end
) = 0
{% endtest %}
