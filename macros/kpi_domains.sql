{#- The domains of the KPI models int_kpi_values__<domain>; the glossary's computed_by column
    names which of them computes each KPI. -#}
{% macro kpi_domains() -%}
    {{ return(['delivery', 'reliability', 'planning', 'business']) }}
{%- endmacro %}
