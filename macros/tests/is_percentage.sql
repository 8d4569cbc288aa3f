{#- Percent values are stored as 0-100, never 0-1. In long-format tables pass kpi_column:
    only rows whose glossary unit is 'pct' are checked. -#}
{% test is_percentage(model, column_name, kpi_column=none) %}
select checked.{{ column_name }} as failing_value
from {{ model }} as checked
{% if kpi_column %}
    inner join {{ ref('kpi_glossary') }} as glossary
        on checked.{{ kpi_column }} = glossary.kpi_id
        and glossary.unit = 'pct'
{% endif %}
where checked.{{ column_name }} < 0 or checked.{{ column_name }} > 100
{% endtest %}
