{#- A raw timestamp as a naive UTC `timestamp`. Accepts timestamptz columns and ISO-8601
    strings with `Z`, `+00:00` or `+0000` offsets (Jira); null stays null. -#}
{% macro to_utc(column) -%}
    {{ return(adapter.dispatch('to_utc', 'kpibridge')(column)) }}
{%- endmacro %}

{% macro default__to_utc(column) -%}
    cast(timezone('UTC', cast({{ column }} as timestamptz)) as timestamp)
{%- endmacro %}

{#- Spark's session time zone is UTC (profiles.yml): a cast keeps the instant, offsets included -#}
{% macro spark__to_utc(column) -%}
    cast({{ column }} as timestamp)
{%- endmacro %}
