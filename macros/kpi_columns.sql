{#- The ten columns every domain KPI model returns, cast to their contract types. -#}
{% macro kpi_value_columns() -%}
    cast(team_key as {{ dbt.type_string() }}) as team_key,
    cast(kpi_id as {{ dbt.type_string() }}) as kpi_id,
    cast(grain as {{ dbt.type_string() }}) as grain,
    cast(period_start as date) as period_start,
    cast(value as double precision) as value,
    cast(numerator as double precision) as numerator,
    cast(denominator as double precision) as denominator,
    cast(sample_size as bigint) as sample_size,
    cast(value_p50 as double precision) as value_p50,
    cast(value_p90 as double precision) as value_p90
{%- endmacro %}
