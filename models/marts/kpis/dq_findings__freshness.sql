-- Data-quality findings of freshness: a source whose latest successful dlt load (source_loads,
-- from each raw schema's _dlt_loads) is older than its limit in var source_freshness_hours.
-- Checked against var freshness_checked_at (null: the build time, UTC).
with

source_loads as (
    select * from {{ ref('source_loads') }}
),

limits as (
    {% for source_system, hours in var('source_freshness_hours').items() %}
        select
            '{{ source_system }}' as source_system,
            {{ hours }} as limit_hours
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

checked as (
    select
        {% if var('freshness_checked_at') %}
            cast('{{ var("freshness_checked_at") }}' as timestamp)
        {% else %}
            {{ kpibridge.to_utc(dbt.current_timestamp()) }}
        {% endif %} as checked_at
),

last_loads as (
    select
        source_system,
        max(last_loaded_at) as last_loaded_at
    from source_loads
    group by source_system
),

stale as (
    select
        'source_stale' as check_name,
        'source' as entity,
        last_loads.source_system as entity_id,
        cast(null as {{ dbt.type_string() }}) as team_key,
        'warning' as severity,
        last_loads.source_system || ' was last loaded '
        || {{ kpibridge.hours_text(kpibridge.seconds_between(
            'last_loads.last_loaded_at', 'checked.checked_at')) }}
        || ' h ago, over its limit of ' || cast(limits.limit_hours as {{ dbt.type_string() }})
        || ' h (var source_freshness_hours): run `kpibridge ingest`; recent periods may be'
        || ' missing events' as detail
    from last_loads
    inner join limits
        on last_loads.source_system = limits.source_system
    cross join checked
    where {{ kpibridge.seconds_between('last_loads.last_loaded_at', 'checked.checked_at') }}
        > limits.limit_hours * 3600
),

final as (
    select * from stale
)

select * from final
