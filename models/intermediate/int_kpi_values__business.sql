-- KPIs computed from the business_outcomes seed (monthly, so no week grain):
-- infra_cost_per_transaction = infra_cost / transactions, summed over the months of the period.
-- The organisation row is the seed's own 'organisation' figure where given, else the team sum.
with

outcomes as (
    select
        cast(month as date) as month_start,
        cast(team_key as {{ dbt.type_string() }}) as team_key,
        cast(measure as {{ dbt.type_string() }}) as measure,
        cast(value as double precision) as measure_value
    from {{ ref('business_outcomes') }}
),

cost_and_volume as (
    select
        team_key,
        month_start,
        sum(case when measure = 'infra_cost' then measure_value end) as infra_cost,
        sum(case when measure = 'transactions' then measure_value end) as transactions
    from outcomes
    where measure in ('infra_cost', 'transactions')
    group by team_key, month_start
),

complete_months as (
    select * from cost_and_volume
    where infra_cost is not null and transactions is not null
),

team_months as (
    select * from complete_months
    where team_key != 'organisation'
),

explicit_organisation as (
    select * from complete_months
    where team_key = 'organisation'
),

summed_organisation as (
    select
        'organisation' as team_key,
        team_months.month_start,
        sum(team_months.infra_cost) as infra_cost,
        sum(team_months.transactions) as transactions
    from team_months
    left join explicit_organisation
        on team_months.month_start = explicit_organisation.month_start
    where explicit_organisation.month_start is null
    group by team_months.month_start
),

all_months as (
    select * from team_months
    union all
    select * from explicit_organisation
    union all
    select * from summed_organisation
),

grains as (
    select 'month' as grain
    union all
    select 'quarter' as grain
),

final as (
    select
        all_months.team_key,
        'infra_cost_per_transaction' as kpi_id,
        grains.grain,
        {{ kpibridge.period_start('grains.grain', 'all_months.month_start') }} as period_start,
        {{ kpibridge.safe_divide('sum(all_months.infra_cost)', 'sum(all_months.transactions)') }}
            as value,
        sum(all_months.infra_cost) as numerator,
        sum(all_months.transactions) as denominator,
        count(*) as sample_size,
        cast(null as double precision) as value_p50,
        cast(null as double precision) as value_p90
    from all_months
    cross join grains
    group by
        all_months.team_key,
        grains.grain,
        {{ kpibridge.period_start('grains.grain', 'all_months.month_start') }}
)

select * from final
