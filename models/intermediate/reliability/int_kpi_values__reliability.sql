-- Reliability KPIs in the KPI long format (catalogue "Reliability"), per team, the
-- organisation (recomputed from all teams' events) and week / month / quarter:
--   change_failure_rate             100 x successful production deployments deployed in the
--                                   period linked to >= 1 incident / those deployments; only
--                                   teams with a PagerDuty service in service_catalog (without
--                                   an incident source a deployment cannot be seen to fail)
--   failed_deployment_recovery_time median hours (latest resolved_at of the linked incidents -
--                                   deployed_at) over failed deployments deployed in the period;
--                                   one with an unresolved linked incident is left out
--                                   (numerator = recovered, denominator = all failed)
--   mttr                            mean hours (resolved - created) over incidents resolved in
--                                   the period; p50 / p90 beside
--   mtta                            mean minutes (first acknowledgement - created) over
--                                   acknowledged incidents created in the period
--   mttd                            mean hours (created - deployed_at) over deployment-linked
--                                   incidents created in the period
--   incident_count                  incidents created in the period
--   availability                    100 x (1 - merged high-urgency downtime minutes /
--                                   (period minutes x the team's services))
--   downtime_cost                   merged high-urgency downtime hours x service cost per hour
-- Only team-periods with events get a row; kpi_values fills the rest with NULL.
with

incidents as (
    select * from {{ ref('int_incidents_enriched') }}
),

links as (
    select * from {{ ref('int_incident_deployment_links') }}
),

deployment_failures as (
    select * from {{ ref('int_deployment_failures') }}
),

downtime_by_period as (
    select * from {{ ref('int_service_downtime_by_period') }}
),

periods as (
    select * from {{ ref('int_periods') }}
),

service_catalog as (
    select * from {{ ref('service_catalog') }}
),

-- service_catalog has one row per service x repo: one row per service x team here
service_teams as (
    select distinct
        cast(service_id as {{ dbt.type_string() }}) as service_id,
        cast(team_key as {{ dbt.type_string() }}) as team_key
    from service_catalog
),

mapped_incidents as (
    select * from incidents
    where team_key is not null
),

-- one row per event: the period is taken from event_at; span_value is the measured span
-- (null = left out of the mean / median); is_counted is the ratio's numerator flag
cfr_events as (
    select
        team_key,
        'change_failure_rate' as kpi_id,
        deployed_at as event_at,
        cast(null as double precision) as span_value,
        case when is_change_failure then 1 else 0 end as is_counted
    from deployment_failures
),

recovery_events as (
    select
        team_key,
        'failed_deployment_recovery_time' as kpi_id,
        deployed_at as event_at,
        hours_to_recover as span_value,
        case when is_recovered then 1 else 0 end as is_counted
    from deployment_failures
    where is_change_failure
),

mttr_events as (
    select
        team_key,
        'mttr' as kpi_id,
        resolved_at as event_at,
        {{ kpibridge.hours_between('created_at', 'resolved_at') }} as span_value,
        1 as is_counted
    from mapped_incidents
    where resolved_at is not null
),

mtta_events as (
    select
        team_key,
        'mtta' as kpi_id,
        created_at as event_at,
        {{ kpibridge.minutes_between('created_at', 'acknowledged_at') }} as span_value,
        1 as is_counted
    from mapped_incidents
    where acknowledged_at is not null
),

mttd_events as (
    select
        mapped_incidents.team_key,
        'mttd' as kpi_id,
        mapped_incidents.created_at as event_at,
        links.hours_from_deploy as span_value,
        1 as is_counted
    from mapped_incidents
    inner join links
        on mapped_incidents.incident_id = links.incident_id
),

incident_count_events as (
    select
        team_key,
        'incident_count' as kpi_id,
        created_at as event_at,
        cast(null as double precision) as span_value,
        1 as is_counted
    from mapped_incidents
),

team_events as (
    select * from cfr_events
    union all
    select * from recovery_events
    union all
    select * from mttr_events
    union all
    select * from mtta_events
    union all
    select * from mttd_events
    union all
    select * from incident_count_events
),

events as (
    {{ kpibridge.with_organisation(
        'team_events', ['kpi_id', 'event_at', 'span_value', 'is_counted']) }}
),

-- mean KPIs summarise only measured spans (a negative span is a data error: left out)
measured_events as (
    select * from events
    where kpi_id not in ('mttr', 'mtta', 'mttd') or span_value is not null
),

grains as (
    {% for grain in kpibridge.kpi_grains() %}
        select '{{ grain }}' as grain
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

event_periods as (
    select
        measured_events.*,
        grains.grain,
        {{ kpibridge.period_start('grains.grain', 'measured_events.event_at') }} as period_start
    from measured_events
    cross join grains
),

event_kpis as (
    select
        team_key,
        kpi_id,
        grain,
        period_start,
        case kpi_id
            when 'change_failure_rate'
                then 100 * {{ kpibridge.safe_divide('sum(is_counted)', 'count(*)') }}
            when 'failed_deployment_recovery_time'
                then {{ kpibridge.median('span_value') }}
            when 'incident_count' then cast(count(*) as double precision)
            else avg(span_value)
        end as value,
        sum(is_counted) as flagged,
        count(span_value) as measured,
        count(*) as events,
        {{ kpibridge.median('span_value') }} as span_p50,
        {{ kpibridge.percentile('span_value', 0.9) }} as span_p90
    from event_periods
    group by team_key, kpi_id, grain, period_start
),

event_kpi_values as (
    select
        team_key,
        kpi_id,
        grain,
        period_start,
        value,
        cast(case kpi_id
            when 'change_failure_rate' then flagged
            when 'failed_deployment_recovery_time' then flagged
            when 'incident_count' then events
            else measured
        end as double precision) as numerator,
        cast(case
            when kpi_id in ('change_failure_rate', 'failed_deployment_recovery_time') then events
        end as double precision) as denominator,
        cast(case
            when kpi_id in ('change_failure_rate', 'incident_count') then events
            else measured
        end as bigint) as sample_size,
        case when kpi_id = 'mttr' then span_p50 end as value_p50,
        case when kpi_id = 'mttr' then span_p90 end as value_p90
    from event_kpis
),

team_service_counts as (
    select
        team_key,
        count(distinct service_id) as services
    from service_teams
    group by team_key
    union all
    select
        'organisation' as team_key,
        count(distinct service_id) as services
    from service_teams
),

team_downtime as (
    select
        service_teams.team_key,
        downtime_by_period.*
    from downtime_by_period
    inner join service_teams
        on downtime_by_period.service_id = service_teams.service_id
),

all_downtime as (
    select * from team_downtime
    union all
    select
        'organisation' as team_key,
        downtime_by_period.*
    from downtime_by_period
    where downtime_by_period.service_id in (select service_teams.service_id from service_teams)
),

downtime_sums as (
    select
        team_key,
        grain,
        period_start,
        sum(downtime_minutes) as downtime_minutes,
        sum(downtime_cost) as downtime_cost,
        sum(incident_count) as incident_count
    from all_downtime
    group by team_key, grain, period_start
),

-- every period of every team with a service: no downtime is a measured 100 % (and 0 cost)
downtime_totals as (
    select
        team_service_counts.team_key,
        periods.grain,
        periods.period_start,
        coalesce(downtime_sums.downtime_minutes, 0) as downtime_minutes,
        coalesce(downtime_sums.downtime_cost, 0) as downtime_cost,
        coalesce(downtime_sums.incident_count, 0) as incident_count,
        periods.days_in_period * 24 * 60 * team_service_counts.services as service_minutes
    from team_service_counts
    cross join periods
    left join downtime_sums
        on team_service_counts.team_key = downtime_sums.team_key
        and periods.grain = downtime_sums.grain
        and periods.period_start = downtime_sums.period_start
),

-- incidents created, with 0 for the periods of a team with services that had none
incident_count_values as (
    select
        downtime_totals.team_key,
        'incident_count' as kpi_id,
        downtime_totals.grain,
        downtime_totals.period_start,
        cast(coalesce(event_kpi_values.numerator, 0) as double precision) as value,
        cast(coalesce(event_kpi_values.numerator, 0) as double precision) as numerator,
        cast(null as double precision) as denominator,
        cast(coalesce(event_kpi_values.sample_size, 0) as bigint) as sample_size,
        cast(null as double precision) as value_p50,
        cast(null as double precision) as value_p90
    from downtime_totals
    left join event_kpi_values
        on downtime_totals.team_key = event_kpi_values.team_key
        and downtime_totals.grain = event_kpi_values.grain
        and downtime_totals.period_start = event_kpi_values.period_start
        and event_kpi_values.kpi_id = 'incident_count'
),

availability_values as (
    select
        team_key,
        'availability' as kpi_id,
        grain,
        period_start,
        100 * (1 - {{ kpibridge.safe_divide('downtime_minutes', 'service_minutes') }}) as value,
        cast(downtime_minutes as double precision) as numerator,
        cast(service_minutes as double precision) as denominator,
        cast(incident_count as bigint) as sample_size,
        cast(null as double precision) as value_p50,
        cast(null as double precision) as value_p90
    from downtime_totals
),

downtime_cost_values as (
    select
        team_key,
        'downtime_cost' as kpi_id,
        grain,
        period_start,
        cast(downtime_cost as double precision) as value,
        cast(downtime_minutes / 60.0 as double precision) as numerator,
        cast(null as double precision) as denominator,
        cast(incident_count as bigint) as sample_size,
        cast(null as double precision) as value_p50,
        cast(null as double precision) as value_p90
    from downtime_totals
),

final as (
    select * from event_kpi_values
    where kpi_id != 'incident_count'
    union all
    select * from incident_count_values
    union all
    select * from availability_values
    union all
    select * from downtime_cost_values
)

select * from final
