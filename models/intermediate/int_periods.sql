-- Every week / month / quarter the KPIs are reported for. The range is
-- var kpi_start_date .. var kpi_as_of_date (as_of is exclusive: data is complete before it);
-- a null var is derived from the data: first event day .. the day after the last event,
-- never more than var kpi_max_history_days back.
with

deployments as (
    select created_at as event_at from {{ ref('stg_github__deployments') }}
),

pull_requests as (
    select created_at as event_at from {{ ref('stg_github__pull_requests') }}
),

issues as (
    select created_at as event_at from {{ ref('stg_jira__issues') }}
),

incidents as (
    select created_at as event_at from {{ ref('stg_pagerduty__incidents') }}
),

events as (
    select event_at from deployments
    union all
    select event_at from pull_requests
    union all
    select event_at from issues
    union all
    select event_at from incidents
),

as_of as (
    select
        {% if var('kpi_as_of_date') %}
            cast('{{ var("kpi_as_of_date") }}' as date)
        {% else %}
            {{ kpibridge.days_after('cast(max(event_at) as date)', 1) }}
        {% endif %} as as_of_date,
        cast(min(event_at) as date) as first_event_date
    from events
),

bounds as (
    select
        as_of_date,
        {% if var('kpi_start_date') %}
            cast('{{ var("kpi_start_date") }}' as date)
        {% else %}
            greatest(
                first_event_date,
                {{ kpibridge.days_after('as_of_date', -var('kpi_max_history_days')) }}
            )
        {% endif %} as start_date
    from as_of
),

day_numbers as (
    {{ dbt.generate_series(var('kpi_max_history_days') + 1) }}
),

day_offsets as (
    select generated_number - 1 as day_offset from day_numbers
),

days as (
    select
        {{ kpibridge.days_after('bounds.start_date', 'day_offsets.day_offset') }} as day_date,
        bounds.start_date,
        bounds.as_of_date
    from day_offsets
    cross join bounds
    where
        {{ kpibridge.days_after('bounds.start_date', 'day_offsets.day_offset') }}
        < bounds.as_of_date
),

grains as (
    {% for grain in kpibridge.kpi_grains() %}
        select '{{ grain }}' as grain
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

period_starts as (
    select distinct
        grains.grain,
        {{ kpibridge.period_start('grains.grain', 'days.day_date') }} as period_start,
        days.start_date,
        days.as_of_date
    from days
    cross join grains
),

with_end as (
    select
        grain,
        period_start,
        cast(case grain
            when 'week' then {{ dbt.dateadd('day', 7, 'period_start') }}
            when 'month' then {{ dbt.dateadd('month', 1, 'period_start') }}
            when 'quarter' then {{ dbt.dateadd('month', 3, 'period_start') }}
        end as date) as period_end,
        start_date,
        as_of_date
    from period_starts
),

final as (
    select
        grain,
        period_start,
        period_end,
        {{ dbt.datediff('period_start', 'period_end', 'day') }} as days_in_period,  -- noqa: LT05
        period_start >= start_date and period_end <= as_of_date as is_complete
    from with_end
)

select * from final
