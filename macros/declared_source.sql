{#- A source table with every column its YAML declares, for staging to select from.

    dlt creates a column only once some payload carried a value for it, and a child table only
    once some list had an item: a real account may lack columns the simulator always fills
    (no GitHub App deployments, no labels yet). Declared columns that are missing come through
    as typed NULLs, and a missing table as an empty one, so staging never breaks on them.
    Columns that exist pass through unchanged, declared or not. -#}
{% macro declared_source(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ relation }}
    {%- else -%}
        {%- set node = graph.sources.values()
            | selectattr('source_name', 'equalto', source_name)
            | selectattr('name', 'equalto', table_name) | first -%}
        {%- set declared = node.columns.values() | list -%}
        {%- set existing = adapter.get_columns_in_relation(relation)
            | map(attribute='name') | map('lower') | list -%}
        {%- set missing = declared | rejectattr('name', 'in', existing) | list -%}
        {%- if existing -%}
            (
                select
                    *
                    {%- for column in missing %},
                    cast(null as {{ column.data_type }}) as {{ adapter.quote(column.name) }}
                    {%- endfor %}
                from {{ relation }}
            ) as {{ table_name }}
        {%- else -%}
            (
                select
                    {%- for column in declared %}
                    cast(null as {{ column.data_type }}) as {{ adapter.quote(column.name) }}
                    {{- "," if not loop.last }}
                    {%- endfor %}
                where false
            ) as {{ table_name }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
