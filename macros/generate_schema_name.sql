{#- Custom schema names are used as-is (staging, intermediate, marts, seeds) instead of dbt's
    default <target_schema>_<custom>, so BI tools and the publisher find stable names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
