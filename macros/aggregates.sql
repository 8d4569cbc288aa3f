{#- True (interpolated) percentiles: medians are never averaged. Engines interpolate with
    different last-bit errors (p90 of 2 and 6 is 5.200000000000001 on DuckDB, 5.2 on
    PostgreSQL): rounded to 9 decimals, every engine returns the hand-computed value. -#}
{% macro percentile(expr, fraction) -%}
    {{ kpibridge.round_double(adapter.dispatch('percentile', 'kpibridge')(expr, fraction), 9) }}
{%- endmacro %}

{% macro default__percentile(expr, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expr }})
{%- endmacro %}

{% macro duckdb__percentile(expr, fraction) -%}
    quantile_cont({{ expr }}, {{ fraction }})
{%- endmacro %}

{#- A double rounded to n decimals, as a double (PostgreSQL rounds numeric only). -#}
{% macro round_double(expr, n) -%}
    {{ return(adapter.dispatch('round_double', 'kpibridge')(expr, n)) }}
{%- endmacro %}

{% macro default__round_double(expr, n) -%}
    round({{ expr }}, {{ n }})
{%- endmacro %}

{% macro postgres__round_double(expr, n) -%}
    cast(round(cast({{ expr }} as numeric), {{ n }}) as double precision)
{%- endmacro %}

{% macro median(expr) -%}
    {{ kpibridge.percentile(expr, 0.5) }}
{%- endmacro %}

{#- A var list rendered as a SQL literal list for `in (...)`. -#}
{#- An empty list renders as null so `x in (null)` matches nothing instead of being invalid. -#}
{% macro sql_list(values) -%}
    {%- if values | length == 0 %}null{% endif -%}
    {%- for v in values -%}'{{ v | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{%- endfor -%}
{%- endmacro %}

{#- num / den as double; null when the denominator is 0 or null (no data is NULL, not 0). -#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as double precision) / nullif(cast({{ denominator }} as double precision), 0))
{%- endmacro %}
