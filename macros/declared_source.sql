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

{#- The raw tables dlt landed, as rows (schema, table, has_load_id), child tables included,
    dlt's own _dlt_* tables and merge staging datasets left out. -#}
{% macro raw_tables() -%}
    {{ return(adapter.dispatch('raw_tables', 'kpibridge')()) }}
{%- endmacro %}

{% macro default__raw_tables() -%}
    {%- set listing -%}
        select
            tables.table_schema,
            tables.table_name,
            count(load_ids.column_name) > 0 as has_load_id
        from information_schema.tables as tables
        left join information_schema.columns as load_ids
            on tables.table_schema = load_ids.table_schema
            and tables.table_name = load_ids.table_name
            and load_ids.column_name = '_dlt_load_id'
        where tables.table_schema like 'raw\_%' escape '\'
            -- dlt's merge staging datasets (raw_<source>_staging) are not loads
            and tables.table_schema not like '%\_staging' escape '\'
            and tables.table_name not like '\_dlt\_%' escape '\'
            and tables.table_type = 'BASE TABLE'
        group by tables.table_schema, tables.table_name
        order by tables.table_schema, tables.table_name
    {%- endset -%}
    {{ return(run_query(listing).rows) }}
{%- endmacro %}

{#- Spark has no information schema: the lake's tables are the ones the build registered -#}
{% macro spark__raw_tables() -%}
    {%- set rows = [] -%}
    {%- for dataset, tables in var('lake_tables', {}).items() -%}
        {%- for table in tables if not table.startswith('_dlt_') -%}
            {%- set relation = api.Relation.create(schema=dataset, identifier=table) -%}
            {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
            {%- do rows.append((dataset, table, '_dlt_load_id' in columns)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(rows) }}
{%- endmacro %}
