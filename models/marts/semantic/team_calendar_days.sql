-- One row per team and calendar day of every week, month and quarter kpi_values reports
-- (int_periods), whole periods even where the range starts or ends inside one: the day count
-- MetricFlow divides the per-week rates by, the days_in_period kpi_values divides by, and the
-- team's nominal person-days (priority_defects_per_person_day's fallback when nobody logs).
with

teams as (
    select * from {{ ref('int_teams') }}
),

periods as (
    select * from {{ ref('int_periods') }}
),

-- a quarter, the longest period, has at most 92 days
day_numbers as (
    {{ dbt.generate_series(92) }}
),

period_days as (
    select distinct
        {{ kpibridge.days_after('periods.period_start', 'day_numbers.generated_number - 1') }}
            as calendar_date
    from periods
    cross join day_numbers
    where day_numbers.generated_number <= periods.days_in_period
),

final as (
    select
        teams.team_key,
        period_days.calendar_date,
        cast(teams.headcount * {{ var('working_days_per_week') }} / 7.0 as double precision)
            as nominal_person_days
    from teams
    cross join period_days
    where not teams.is_organisation
)

select * from final
