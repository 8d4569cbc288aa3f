{#- Spark SQL spells some types differently from DuckDB and PostgreSQL (double precision,
    float8, varchar without a length, text, timestamptz, json). The project writes the portable
    spelling; on Spark these overrides of dbt-spark's statement builders translate it before
    the SQL runs (dbt_project.yml `dispatch` puts this project first for the dbt namespace).
    Only `as <type>` in casts and column specs is rewritten, and decimal literals; string
    literals and comments are kept as written (a finding's text says '2.0 h'). -#}
{% macro spark_types(sql) -%}
    {#- odd parts: the string literals and comments, as re.split keeps its group -#}
    {%- set parts = modules.re.split("(--[^\\n]*|/[*][\\s\\S]*?[*]/|'(?:[^'\\\\]|\\\\.)*')", sql) -%}
    {%- set translated = [] -%}
    {%- for part in parts -%}
        {%- do translated.append(part if loop.index0 is odd else kpibridge.spark_code_types(part)) -%}
    {%- endfor -%}
    {{- return(translated | join('')) -}}
{%- endmacro %}

{#- spark_types on SQL code without string literals or comments -#}
{% macro spark_code_types(code) -%}
    {%- set re = modules.re -%}
    {%- set translated = re.sub('(?i)\\bas\\s+double\\s+precision\\b', 'as double', code) -%}
    {%- set translated = re.sub('(?i)\\bas\\s+float8\\b', 'as double', translated) -%}
    {%- set translated = re.sub('(?i)\\bas\\s+timestamp\\s+with\\s+time\\s+zone\\b', 'as timestamp', translated) -%}
    {%- set translated = re.sub('(?i)\\bas\\s+timestamptz\\b', 'as timestamp', translated) -%}
    {%- set translated = re.sub('(?i)\\bas\\s+(varchar|text|json)\\b(?!\\s*\\()', 'as string', translated) -%}
    {#- 7.0 is a DECIMAL literal on Spark (6 decimals after a division): make it a double -#}
    {%- set translated = re.sub("(?<![\\w.'])([0-9]+[.][0-9]+)(?![\\w.%'])", '\\1D', translated) -%}
    {{- return(translated) -}}
{%- endmacro %}

{#- One type name in Spark's spelling (seed column_types). -#}
{% macro spark_type(data_type) -%}
    {{- return(kpibridge.spark_types('as ' ~ data_type)[3:]) -}}
{%- endmacro %}

{#- Seeds declare column_types in the portable spelling too -#}
{% macro spark__create_csv_table(model, agate_table) -%}
    {%- set column_types = model['config'].get('column_types', {}) -%}
    {%- for column, data_type in column_types.items() -%}
        {%- do column_types.update({column: kpibridge.spark_type(data_type)}) -%}
    {%- endfor -%}
    {{ return(dbt.spark__create_csv_table(model, agate_table)) }}
{%- endmacro %}

{% macro spark__create_table_as(temporary, relation, compiled_code, language='sql') -%}
    {%- if language == 'sql' -%}
        {%- set compiled_code = kpibridge.spark_types(compiled_code) -%}
    {%- endif -%}
    {{ return(dbt.spark__create_table_as(temporary, relation, compiled_code, language)) }}
{%- endmacro %}

{% macro spark__create_view_as(relation, sql) -%}
    {{ return(dbt.spark__create_view_as(relation, kpibridge.spark_types(sql))) }}
{%- endmacro %}

{% macro spark__get_empty_subquery_sql(select_sql, select_sql_header=none) -%}
    {{ return(dbt.default__get_empty_subquery_sql(kpibridge.spark_types(select_sql), select_sql_header)) }}
{%- endmacro %}

{% macro spark__get_empty_schema_sql(columns) -%}
    {{ return(kpibridge.spark_types(dbt.default__get_empty_schema_sql(columns))) }}
{%- endmacro %}

{% macro spark__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
    {{ return(dbt.default__get_test_sql(kpibridge.spark_types(main_sql), fail_calc, warn_if, error_if, limit)) }}
{%- endmacro %}

{% macro spark__get_unit_test_sql(main_sql, expected_fixture_sql, expected_column_names) -%}
    {{ return(dbt.default__get_unit_test_sql(
        kpibridge.spark_types(main_sql),
        kpibridge.spark_types(expected_fixture_sql),
        expected_column_names)) }}
{%- endmacro %}

{#- Raw data on Spark: dlt's filesystem destination wrote each raw table as parquet files
    under var lake_root/<dataset>/<table>/ (the build passes lake_root and lake_tables, the
    folders that exist). Each becomes an external table over its folder, re-created every
    run so columns added by later loads are seen. A cluster would point LOCATION at object
    storage, or use Delta/Iceberg tables that dlt can merge into. -#}
{% macro register_lake_tables() -%}
    {{ return(adapter.dispatch('register_lake_tables', 'kpibridge')()) }}
{%- endmacro %}

{% macro default__register_lake_tables() -%}
{%- endmacro %}

{% macro spark__register_lake_tables() -%}
    {%- for dataset, tables in var('lake_tables', {}).items() -%}
        {%- do run_query('create database if not exists ' ~ dataset) -%}
        {%- for table, file_format in tables.items() -%}
            {%- set relation = dataset ~ '.' ~ adapter.quote(table) -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {%- do run_query(
                'create table ' ~ relation ~ ' using ' ~ file_format
                ~ " options (mergeSchema 'true') location '"
                ~ var('lake_root') ~ '/' ~ dataset ~ '/' ~ table ~ "'") -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endmacro %}

{#- Seed rows as literals: dbt-spark's session method binds values without escaping quotes
    (Won't Do breaks the statement) and binds None as the text 'None'. -#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_types = model['config'].get('column_types', {}) -%}
    {%- set rows = [] -%}
    {%- for row in agate_table.rows -%}
        {%- set values = [] -%}
        {%- for column in agate_table.column_names -%}
            {%- set data_type = column_types.get(column, adapter.convert_type(agate_table, loop.index0)) -%}
            {%- do values.append(
                'cast(' ~ kpibridge.spark_literal(row[loop.index0]) ~ ' as '
                ~ kpibridge.spark_type(data_type) ~ ')') -%}
        {%- endfor -%}
        {%- do rows.append('(' ~ values | join(', ') ~ ')') -%}
    {%- endfor -%}
    {%- set sql = 'insert into ' ~ this.render() ~ ' values ' ~ rows | join(', ') -%}
    {%- if rows -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- endif -%}
    {{ return(sql) }}
{%- endmacro %}

{% macro spark_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ value | string | lower }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}
