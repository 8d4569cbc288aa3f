{#- The first Jira issue key (PROJ-123) in a text expression, or null. -#}
{% macro first_jira_key(text_expr) -%}
    {{ return(adapter.dispatch('first_jira_key', 'kpibridge')(text_expr)) }}
{%- endmacro %}

{% macro default__first_jira_key(text_expr) -%}
    substring({{ text_expr }} from '[A-Z][A-Z0-9]+-[0-9]+')
{%- endmacro %}

{% macro duckdb__first_jira_key(text_expr) -%}
    nullif(regexp_extract({{ text_expr }}, '[A-Z][A-Z0-9]+-[0-9]+'), '')
{%- endmacro %}

{#- The scheme and host of a URL ('https://x.atlassian.net/rest/...' -> 'https://x.atlassian.net'),
    or null. -#}
{% macro url_origin(url_expr) -%}
    {{ return(adapter.dispatch('url_origin', 'kpibridge')(url_expr)) }}
{%- endmacro %}

{% macro default__url_origin(url_expr) -%}
    substring({{ url_expr }} from '^https?://[^/]+')
{%- endmacro %}

{% macro duckdb__url_origin(url_expr) -%}
    nullif(regexp_extract({{ url_expr }}, '^https?://[^/]+'), '')
{%- endmacro %}

{#- The first percentage number in a text ("78.42% (+0.1%) ..." -> '78.42'), as text; '' or
    null when there is none. -#}
{% macro first_percentage(text_expr) -%}
    {{ return(adapter.dispatch('first_percentage', 'kpibridge')(text_expr)) }}
{%- endmacro %}

{% macro default__first_percentage(text_expr) -%}
    substring({{ text_expr }} from '([0-9]+(?:\.[0-9]+)?)%')
{%- endmacro %}

{% macro duckdb__first_percentage(text_expr) -%}
    regexp_extract({{ text_expr }}, '([0-9]+(\.[0-9]+)?)%', 1)
{%- endmacro %}

{#- Spark string literals unescape backslashes, so the regexes avoid them ([.] for a dot) -#}
{% macro spark__first_jira_key(text_expr) -%}
    nullif(regexp_extract({{ text_expr }}, '[A-Z][A-Z0-9]+-[0-9]+', 0), '')
{%- endmacro %}

{#- Spark's regexp_extract returns group 1 unless told 0 (the whole match) -#}
{% macro spark__url_origin(url_expr) -%}
    nullif(regexp_extract({{ url_expr }}, '^https?://[^/]+', 0), '')
{%- endmacro %}

{% macro spark__first_percentage(text_expr) -%}
    regexp_extract({{ text_expr }}, '([0-9]+([.][0-9]+)?)%', 1)
{%- endmacro %}

{#- One key of a JSON object column, as text (dlt lands nested objects it does not flatten as
    json; on the parquet lake they are JSON strings). -#}
{% macro json_text(column, key) -%}
    {{ return(adapter.dispatch('json_text', 'kpibridge')(column, key)) }}
{%- endmacro %}

{% macro default__json_text(column, key) -%}
    ({{ column }} ->> '{{ key }}')
{%- endmacro %}

{% macro spark__json_text(column, key) -%}
    get_json_object({{ column }}, '$.{{ key }}')
{%- endmacro %}
