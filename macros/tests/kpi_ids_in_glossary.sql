{#- Every kpi_id used anywhere must be defined in the glossary seed (one definition per KPI). -#}
{% test kpi_ids_in_glossary(model, column_name) %}
select distinct used.{{ column_name }} as unknown_kpi_id
from {{ model }} as used
left join {{ ref('kpi_glossary') }} as glossary
    on used.{{ column_name }} = glossary.kpi_id
where used.{{ column_name }} is not null
    and glossary.kpi_id is null
{% endtest %}
