{#- Seed 000, challenge 2: at most five active KPIs per team. -#}
{% test max_active_kpis_per_team(model, column_name, active_column='active', max_active=5) %}
select
    {{ column_name }} as team_key,
    count(*) as active_kpis
from {{ model }}
where {{ active_column }}
group by {{ column_name }}
having count(*) > {{ max_active }}
{% endtest %}
