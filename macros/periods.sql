{#- The date a timestamp falls in for a grain ('week' = ISO Monday, 'month', 'quarter').
    grain_column is a SQL expression: a column name such as grain, or a quoted literal "'month'". -#}
{% macro period_start(grain_column, ts) -%}
    case {{ grain_column }}
        when 'week' then cast({{ dbt.date_trunc('week', ts) }} as date)
        when 'month' then cast({{ dbt.date_trunc('month', ts) }} as date)
        when 'quarter' then cast({{ dbt.date_trunc('quarter', ts) }} as date)
    end
{%- endmacro %}

{#- A join condition: the int_periods row (alias `periods`) whose grain's period the timestamp
    falls in. Every event is bucketed by period_start, here and where the KPI models compute
    it per grain, so all KPIs agree on which week, month or quarter an event belongs to. -#}
{% macro in_period(ts, periods='periods') -%}
    {{ periods }}.period_start = {{ kpibridge.period_start(periods ~ '.grain', ts) }}
{%- endmacro %}

{#- The grains every KPI is computed at; int_periods and the domain KPI models cross join it. -#}
{% macro kpi_grains() -%}
    {{ return(['week', 'month', 'quarter']) }}
{%- endmacro %}

{#- date + n days / months as a date (dbt.dateadd returns a timestamp on some adapters). -#}
{% macro days_after(date_expr, n) -%}
    cast({{ dbt.dateadd('day', n, date_expr) }} as date)
{%- endmacro %}

{% macro month_after(date_expr, n) -%}
    cast({{ dbt.dateadd('month', n, date_expr) }} as date)
{%- endmacro %}
