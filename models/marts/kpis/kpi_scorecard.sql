-- One row per team x glossary KPI/signal for the latest complete month: value, baseline (mean of
-- the previous var baseline_months complete months), benchmark (mean of the var benchmark_months
-- complete months before it, seed 003), trend given the KPI's direction, targets met, DORA tier,
-- owner. The scored month is never part of its own baseline or benchmark (catalogue).
with

kpi_values as (
    select * from {{ ref('kpi_values') }}
),

glossary as (
    select * from {{ ref('kpi_glossary') }}
),

targets as (
    select * from {{ ref('kpi_targets') }}
),

dora_benchmarks as (
    select * from {{ ref('dora_benchmarks') }}
),

teams as (
    select * from {{ ref('int_teams') }}
),

complete_months as (
    select
        team_key,
        kpi_id,
        period_start,
        value,
        numerator,
        denominator,
        sample_size,
        null_reason,
        row_number() over (
            partition by team_key, kpi_id order by period_start desc
        ) as months_back
    from kpi_values
    where grain = 'month' and is_complete
),

latest as (
    select * from complete_months
    where months_back = 1
),

history as (
    select
        team_key,
        kpi_id,
        avg(
            case when months_back between 2 and {{ var('baseline_months') }} + 1 then value end
        ) as baseline,
        avg(
            case when months_back between 2 and {{ var('benchmark_months') }} + 1 then value end
        ) as benchmark
    from complete_months
    group by team_key, kpi_id
),

dora_tiers as (
    select
        latest.team_key,
        dora_benchmarks.metric as kpi_id,
        dora_benchmarks.tier as dora_tier
    from dora_benchmarks
    inner join latest
        on dora_benchmarks.measured_kpi_id = latest.kpi_id
    where latest.value >= coalesce(dora_benchmarks.lower_bound, latest.value)
        and latest.value < coalesce(dora_benchmarks.upper_bound, latest.value + 1)
),

spine as (
    select
        teams.team_key,
        glossary.kpi_id,
        glossary.name as kpi_name,
        glossary.kind,
        glossary.business_goal,
        glossary.unit,
        glossary.direction,
        glossary.default_owner_role
    from teams
    cross join glossary
),

compared as (
    select
        spine.*,
        latest.period_start,
        latest.value,
        latest.numerator,
        latest.denominator,
        latest.sample_size,
        latest.null_reason,
        history.baseline,
        history.benchmark,
        targets.short_term_target,
        targets.long_term_target,
        targets.owner,
        targets.active,
        dora_tiers.dora_tier,
        latest.value - history.baseline as change_abs,
        100.0 * (latest.value - history.baseline) / nullif(abs(history.baseline), 0)
            as change_vs_baseline
    from spine
    left join latest
        on spine.team_key = latest.team_key
        and spine.kpi_id = latest.kpi_id
    left join history
        on spine.team_key = history.team_key
        and spine.kpi_id = history.kpi_id
    left join targets
        on spine.team_key = targets.team_key
        and spine.kpi_id = targets.kpi_id
    left join dora_tiers
        on spine.team_key = dora_tiers.team_key
        and spine.kpi_id = dora_tiers.kpi_id
),

final as (
    select
        team_key,
        kpi_id,
        kpi_name,
        kind,
        business_goal,
        unit,
        direction,
        period_start,
        value,
        numerator,
        denominator,
        sample_size,
        baseline,
        benchmark,
        change_vs_baseline,
        case
            when value is null or baseline is null then 'unknown'
            when change_abs = 0
                or abs(change_vs_baseline) <= {{ var('trend_flat_tolerance_pct') }}
                then 'flat'
            when (change_abs > 0) = (direction = 'higher_is_better') then 'improving'
            else 'worsening'
        end as trend,
        short_term_target,
        long_term_target,
        case
            when direction = 'higher_is_better' then value >= short_term_target
            else value <= short_term_target
        end as short_term_met,
        case
            when direction = 'higher_is_better' then value >= long_term_target
            else value <= long_term_target
        end as long_term_met,
        dora_tier,
        coalesce(owner, default_owner_role) as owner,
        coalesce(active, false) as is_active,
        case
            when period_start is null then 'no complete month yet'
            else null_reason
        end as null_reason
    from compared
)

select * from final
