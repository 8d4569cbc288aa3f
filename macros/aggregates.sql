{#- True (interpolated) percentiles: medians are never averaged. -#}
{% macro percentile(expr, fraction) -%}
    {{ return(adapter.dispatch('percentile', 'kpibridge')(expr, fraction)) }}
{%- endmacro %}

{% macro default__percentile(expr, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expr }})
{%- endmacro %}

{% macro duckdb__percentile(expr, fraction) -%}
    quantile_cont({{ expr }}, {{ fraction }})
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
