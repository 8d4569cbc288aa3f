-- Seed 000 step 5: for each business goal, the KPIs that drive it and the outcome measures it
-- should move. Per team and pair: is the KPI improving, did the outcome move the expected way,
-- and the Pearson correlation over complete months with the outcome lagged 0-2 months.
-- Fewer than var alignment_min_points months: no correlation is claimed (NULL).
with

goals as (
    select * from {{ ref('business_goals') }}
),

outcomes as (
    select * from {{ ref('int_business_outcomes') }}
),

kpi_months as (
    select
        team_key,
        kpi_id,
        period_start,
        value
    from {{ ref('kpi_values') }}
    where grain = 'month' and is_complete
),

scorecard as (
    select
        team_key,
        kpi_id,
        trend
    from {{ ref('kpi_scorecard') }}
),

teams as (
    select team_key from {{ ref('int_teams') }}
),

month_range as (
    select
        min(period_start) as first_month,
        max(period_start) as last_month
    from kpi_months
),

outcomes_in_range as (
    select outcomes.*
    from outcomes
    cross join month_range
    where outcomes.month_start between month_range.first_month and month_range.last_month
),

outcome_ends as (
    select
        team_key,
        measure,
        min(month_start) as first_month,
        max(month_start) as last_month
    from outcomes_in_range
    where outcome_value is not null
    group by team_key, measure
),

outcome_moves as (
    select
        outcome_ends.team_key,
        outcome_ends.measure,
        first_value.outcome_value as outcome_first_value,
        last_value.outcome_value as outcome_last_value
    from outcome_ends
    inner join outcomes_in_range as first_value
        on outcome_ends.team_key = first_value.team_key
        and outcome_ends.measure = first_value.measure
        and outcome_ends.first_month = first_value.month_start
    inner join outcomes_in_range as last_value
        on outcome_ends.team_key = last_value.team_key
        and outcome_ends.measure = last_value.measure
        and outcome_ends.last_month = last_value.month_start
),

lags as (
    select 0 as lag_months
    union all
    select 1 as lag_months
    union all
    select 2 as lag_months
),

pairs as (
    select
        goals.business_goal,
        goals.kpi_id,
        goals.outcome_measure,
        goals.expected_direction,
        teams.team_key,
        lags.lag_months
    from goals
    cross join teams
    cross join lags
),

paired_points as (
    select
        pairs.business_goal,
        pairs.kpi_id,
        pairs.outcome_measure,
        pairs.team_key,
        pairs.lag_months,
        kpi_months.value as kpi_value,
        outcomes_in_range.outcome_value
    from pairs
    inner join kpi_months
        on pairs.team_key = kpi_months.team_key
        and pairs.kpi_id = kpi_months.kpi_id
    inner join outcomes_in_range
        on pairs.team_key = outcomes_in_range.team_key
        and pairs.outcome_measure = outcomes_in_range.measure
        and outcomes_in_range.month_start
        = {{ kpibridge.month_after('kpi_months.period_start', 'pairs.lag_months') }}
    where kpi_months.value is not null
        and outcomes_in_range.outcome_value is not null
),

correlations as (
    select
        business_goal,
        kpi_id,
        outcome_measure,
        team_key,
        lag_months,
        -- a constant series has no correlation (duckdb answers NaN): null, not a number
        case
            when var_pop(kpi_value) > 0 and var_pop(outcome_value) > 0
                then corr(outcome_value, kpi_value)
        end as pearson,
        count(*) as n_points
    from paired_points
    group by business_goal, kpi_id, outcome_measure, team_key, lag_months
),

joined as (
    select
        pairs.*,
        outcome_moves.outcome_first_value,
        outcome_moves.outcome_last_value,
        correlations.pearson,
        coalesce(scorecard.trend, 'unknown') as kpi_trend,
        outcome_moves.outcome_last_value - outcome_moves.outcome_first_value as outcome_change,
        100.0 * (outcome_moves.outcome_last_value - outcome_moves.outcome_first_value)
        / nullif(abs(outcome_moves.outcome_first_value), 0) as outcome_change_pct,
        coalesce(correlations.n_points, 0) as n_points
    from pairs
    left join scorecard
        on pairs.team_key = scorecard.team_key
        and pairs.kpi_id = scorecard.kpi_id
    left join outcome_moves
        on pairs.team_key = outcome_moves.team_key
        and pairs.outcome_measure = outcome_moves.measure
    left join correlations
        on pairs.business_goal = correlations.business_goal
        and pairs.kpi_id = correlations.kpi_id
        and pairs.outcome_measure = correlations.outcome_measure
        and pairs.team_key = correlations.team_key
        and pairs.lag_months = correlations.lag_months
),

assessed as (
    select
        *,
        kpi_trend = 'improving' as kpi_improving,
        case
            when outcome_change is null then null
            when outcome_change_pct is not null
                and abs(outcome_change_pct) <= {{ var('trend_flat_tolerance_pct') }}
                then false
            when expected_direction = 'up' then outcome_change > 0
            else outcome_change < 0
        end as outcome_moved,
        n_points >= {{ var('alignment_min_points') }} and pearson is not null
            as correlation_claimed
    from joined
),

final as (
    select
        business_goal,
        kpi_id,
        outcome_measure,
        team_key,
        expected_direction,
        kpi_trend,
        kpi_improving,
        outcome_first_value,
        outcome_last_value,
        outcome_moved,
        lag_months,
        case when correlation_claimed then pearson end as correlation,
        n_points,
        correlation_claimed,
        case
            when outcome_first_value is null then 'no outcome data for team'
            when n_points < {{ var("alignment_min_points") }}
                then 'fewer than {{ var("alignment_min_points") }} paired months: '
                    || 'no correlation claimed'
            when not correlation_claimed
                then 'the KPI or the outcome did not vary: no correlation claimed'
            when kpi_improving and not outcome_moved
                then 'KPI improving but outcome did not move: revisit the goal-to-KPI link'
            when kpi_improving and outcome_moved then 'KPI improving and outcome moved as expected'
            else 'KPI not improving'
        end as note
    from assessed
)

select * from final
