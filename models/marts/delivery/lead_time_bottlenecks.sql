-- Where changes wait on their way to production (kpi-catalogue "Bottlenecks"): per team and
-- period (by deployment time), each lead-time stage's median and its share of the total time
-- spent in stages, and the stage with the largest share.
with

periods as (
    select * from {{ ref('int_periods') }}
),

changes as (
    select * from {{ ref('int_changes_shipped') }}
),

-- changes with all four stages known (a change without a review has no pickup/review split)
staged as (
    select
        team_key,
        deployed_at,
        coding_hours,
        pickup_hours,
        review_hours,
        deploy_hours
    from changes
    where
        team_key is not null
        and coding_hours is not null
        and pickup_hours is not null
        and review_hours is not null
        and deploy_hours is not null
),

staged_rollup as (
    {{ kpibridge.with_organisation('staged', [
        'deployed_at', 'coding_hours', 'pickup_hours', 'review_hours', 'deploy_hours']) }}
),

per_period as (
    select
        staged_rollup.team_key,
        periods.grain,
        periods.period_start,
        count(*) as changes,
        {{ kpibridge.median('staged_rollup.coding_hours') }} as coding_hours_p50,
        {{ kpibridge.median('staged_rollup.pickup_hours') }} as pickup_hours_p50,
        {{ kpibridge.median('staged_rollup.review_hours') }} as review_hours_p50,
        {{ kpibridge.median('staged_rollup.deploy_hours') }} as deploy_hours_p50,
        sum(staged_rollup.coding_hours) as coding_hours_total,
        sum(staged_rollup.pickup_hours) as pickup_hours_total,
        sum(staged_rollup.review_hours) as review_hours_total,
        sum(staged_rollup.deploy_hours) as deploy_hours_total
    from staged_rollup
    inner join periods
        on {{ kpibridge.in_period('staged_rollup.deployed_at') }}
    group by staged_rollup.team_key, periods.grain, periods.period_start
),

shares as (
    select
        *,
        coding_hours_total + pickup_hours_total + review_hours_total + deploy_hours_total
            as stage_hours_total
    from per_period
),

final as (
    select
        team_key,
        grain,
        period_start,
        changes,
        coding_hours_p50,
        pickup_hours_p50,
        review_hours_p50,
        deploy_hours_p50,
        100 * {{ kpibridge.safe_divide('coding_hours_total', 'stage_hours_total') }}
            as coding_share_pct,
        100 * {{ kpibridge.safe_divide('pickup_hours_total', 'stage_hours_total') }}
            as pickup_share_pct,
        100 * {{ kpibridge.safe_divide('review_hours_total', 'stage_hours_total') }}
            as review_share_pct,
        100 * {{ kpibridge.safe_divide('deploy_hours_total', 'stage_hours_total') }}
            as deploy_share_pct,
        case greatest(
            coding_hours_total, pickup_hours_total, review_hours_total, deploy_hours_total
        )
            when coding_hours_total then 'coding'
            when pickup_hours_total then 'pickup'
            when review_hours_total then 'review'
            else 'deploy'
        end as bottleneck_stage
    from shares
)

select * from final
