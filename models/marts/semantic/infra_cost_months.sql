-- Infrastructure cost and transactions per team and month (int_kpi_values__business, from
-- the business_outcomes seed), and per month the organisation's share no team carries: the
-- seed's organisation figure minus the teams' sum (no row's team), so the organisation's sum
-- over every row is the seed's figure where it gives one, as in kpi_values.
with

business_kpis as (
    select * from {{ ref('int_kpi_values__business') }}
),

month_values as (
    select
        team_key,
        period_start as month_start,
        numerator as infra_cost,
        denominator as transactions
    from business_kpis
    where kpi_id = 'infra_cost_per_transaction' and grain = 'month'
),

team_months as (
    select * from month_values
    where team_key != 'organisation'
),

team_totals as (
    select
        month_start,
        sum(infra_cost) as infra_cost,
        sum(transactions) as transactions
    from team_months
    group by month_start
),

unattributed as (
    select
        cast(null as {{ dbt.type_string() }}) as team_key,
        month_values.month_start,
        month_values.infra_cost - coalesce(team_totals.infra_cost, 0) as infra_cost,
        month_values.transactions - coalesce(team_totals.transactions, 0) as transactions
    from month_values
    left join team_totals
        on month_values.month_start = team_totals.month_start
    where month_values.team_key = 'organisation'
),

final as (
    select * from team_months
    union all
    select * from unattributed
)

select * from final
