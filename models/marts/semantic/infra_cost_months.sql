-- Infrastructure cost and transactions per team and month from the business_outcomes seed
-- (complete months only: both figures given), and per month where the seed gives the
-- organisation's own figure the share no team carries: that figure minus the teams' sum (no
-- row's team). The organisation's sum over every row of a month is so the seed's figure where
-- it gives one, else the teams' sum.
with

outcomes as (
    select * from {{ ref('int_business_outcomes') }}
),

cost_and_volume as (
    select
        team_key,
        month_start,
        sum(case when measure = 'infra_cost' then outcome_value end) as infra_cost,
        sum(case when measure = 'transactions' then outcome_value end) as transactions
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

organisation_months as (
    select * from complete_months
    where team_key = 'organisation'
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
        organisation_months.month_start,
        organisation_months.infra_cost - coalesce(team_totals.infra_cost, 0) as infra_cost,
        organisation_months.transactions - coalesce(team_totals.transactions, 0)
            as transactions
    from organisation_months
    left join team_totals
        on organisation_months.month_start = team_totals.month_start
),

final as (
    select
        team_key,
        month_start,
        infra_cost,
        transactions
    from team_months
    union all
    select * from unattributed
)

select * from final
