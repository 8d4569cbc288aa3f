-- Row count and last successful load per raw table landed by dlt (schemas raw_*), so readers
-- can judge freshness. Tables are listed from the information schema at run time because dlt
-- creates child tables (e.g. issues__fields__labels) that no source file declares (on Spark:
-- the lake's table folders, see kpibridge.raw_tables). Child tables carry no _dlt_load_id:
-- their last load is the schema's last successful load.
{%- set raw_tables = kpibridge.raw_tables() if execute else [] %}

with

{% for row in raw_tables %}
    {%- set schema = adapter.quote(row[0]) -%}
    {{ row[0] }}__{{ row[1] }} as (
        select
            '{{ row[0][4:] }}' as source_system,
            '{{ row[1] }}' as table_name,
            (select count(*) from {{ schema }}.{{ adapter.quote(row[1]) }}) as row_count,
            max({{ kpibridge.to_utc('loads.inserted_at') }}) as last_loaded_at
        from {{ schema }}._dlt_loads as loads
        where loads.status = 0
            {% if row[2] %}
                and loads.load_id in (
                    select landed._dlt_load_id
                    from {{ schema }}.{{ adapter.quote(row[1]) }} as landed
                )
            {% endif %}
    ),
{% endfor %}

no_tables as (
    select
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as table_name,
        cast(0 as bigint) as row_count,
        cast(null as timestamp) as last_loaded_at
    where 1 = 0
),

unioned as (
    {% for row in raw_tables %}
        select * from {{ row[0] }}__{{ row[1] }}
        union all
    {% endfor %}
    select * from no_tables
),

final as (
    select
        cast(source_system as {{ dbt.type_string() }}) as source_system,
        cast(table_name as {{ dbt.type_string() }}) as table_name,
        cast(row_count as bigint) as row_count,
        cast(last_loaded_at as timestamp) as last_loaded_at
    from unioned
)

select * from final
