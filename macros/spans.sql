{#- Fractional hours / days from a to b. A negative span is a data error: it becomes null here
    and is counted by a data-quality model, never clamped to 0. -#}
{% macro seconds_between(a, b) -%}
    {{ return(adapter.dispatch('seconds_between', 'kpibridge')(a, b)) }}
{%- endmacro %}

{#- PostgreSQL's extract returns numeric: cast so spans are doubles on every engine -#}
{% macro default__seconds_between(a, b) -%}
    cast(extract(epoch from (cast({{ b }} as timestamp) - cast({{ a }} as timestamp))) as double precision)
{%- endmacro %}

{% macro duckdb__seconds_between(a, b) -%}
    (epoch(cast({{ b }} as timestamp)) - epoch(cast({{ a }} as timestamp)))
{%- endmacro %}

{% macro span_in(a, b, seconds_per_unit) -%}
    case
        when {{ kpibridge.seconds_between(a, b) }} >= 0
            then {{ kpibridge.seconds_between(a, b) }} / {{ seconds_per_unit }}.0
    end
{%- endmacro %}

{% macro hours_between(a, b) -%}
    {{ kpibridge.span_in(a, b, 3600) }}
{%- endmacro %}

{% macro days_between(a, b) -%}
    {{ kpibridge.span_in(a, b, 86400) }}
{%- endmacro %}

{% macro minutes_between(a, b) -%}
    {{ kpibridge.span_in(a, b, 60) }}
{%- endmacro %}

{#- True when b is before a: the data-quality models count these spans. -#}
{% macro is_negative_span(a, b) -%}
    ({{ kpibridge.seconds_between(a, b) }} < 0)
{%- endmacro %}

{#- A span in seconds as hours text with one decimal ('3.5'), for findings' detail. -#}
{% macro hours_text(seconds_expr) -%}
    {{ return(adapter.dispatch('hours_text', 'kpibridge')(seconds_expr)) }}
{%- endmacro %}

{% macro default__hours_text(seconds_expr) -%}
    cast(cast(round({{ seconds_expr }} / 3600.0, 1) as decimal(12, 1)) as {{ dbt.type_string() }})
{%- endmacro %}

{#- PostgreSQL rounds to a number of decimals only numerics, not doubles -#}
{% macro postgres__hours_text(seconds_expr) -%}
    cast(round(cast({{ seconds_expr }} / 3600.0 as numeric), 1) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__seconds_between(a, b) -%}
    (cast(unix_micros(cast({{ b }} as timestamp)) - unix_micros(cast({{ a }} as timestamp)) as double) / 1000000)
{%- endmacro %}
