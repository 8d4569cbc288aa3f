{#- Set-returning expressions for a select list: one output row per piece. -#}

{#- The pieces of a delimited text, one row each ('' gives one empty piece). -#}
{% macro split_to_rows(text_expr, delimiter) -%}
    {{ return(adapter.dispatch('split_to_rows', 'kpibridge')(text_expr, delimiter)) }}
{%- endmacro %}

{% macro default__split_to_rows(text_expr, delimiter) -%}
    unnest(string_to_array({{ text_expr }}, '{{ delimiter }}'))
{%- endmacro %}

{% macro duckdb__split_to_rows(text_expr, delimiter) -%}
    unnest(string_split({{ text_expr }}, '{{ delimiter }}'))
{%- endmacro %}

{#- Spark's split takes a regex: the delimiter is quoted -#}
{% macro spark__split_to_rows(text_expr, delimiter) -%}
    explode(split({{ text_expr }}, '[{{ delimiter }}]'))
{%- endmacro %}

{#- Every whole word of a text matching a regex (no groups), one row each. -#}
{% macro regex_words_to_rows(text_expr, pattern) -%}
    {{ return(adapter.dispatch('regex_words_to_rows', 'kpibridge')(text_expr, pattern)) }}
{%- endmacro %}

{#- PostgreSQL's word boundaries are \m and \M -#}
{% macro default__regex_words_to_rows(text_expr, pattern) -%}
    (regexp_matches({{ text_expr }}, '\m{{ pattern }}\M', 'g'))[1]
{%- endmacro %}

{% macro duckdb__regex_words_to_rows(text_expr, pattern) -%}
    unnest(regexp_extract_all({{ text_expr }}, '\b{{ pattern }}\b'))
{%- endmacro %}

{#- Spark string literals treat a backslash as an escape: \\b reaches the regex as \b -#}
{% macro spark__regex_words_to_rows(text_expr, pattern) -%}
    explode(regexp_extract_all({{ text_expr }}, '\\b{{ pattern }}\\b', 0))
{%- endmacro %}
