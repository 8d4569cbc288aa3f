-- Per team repository and day with a coverage report, the day's latest percentage: the
-- semi-additive code_coverage measure takes each repository's last reported day of the
-- period, as kpi_values takes its latest report in the period.
with

coverage_reports as (
    select * from {{ ref('int_coverage_reports') }}
),

ranked as (
    select
        team_key,
        repo,
        cast(reported_at as date) as report_date,
        coverage_pct,
        row_number() over (
            partition by repo, cast(reported_at as date)
            order by reported_at desc
        ) as recency
    from coverage_reports
),

final as (
    select
        team_key,
        repo,
        report_date,
        coverage_pct
    from ranked
    where recency = 1
)

select * from final
