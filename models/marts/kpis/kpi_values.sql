-- Every team x glossary KPI/signal x grain x period, with the computed value where there is one
-- and the precise reason it is missing where there is not (no data is NULL, never 0): no model,
-- a source the team has not mapped, unrecovered failed deployments, what the data must contain
-- when the team never gets a value (the glossary's data_needed), or simply no events in the period.
with

teams as (
    select * from {{ ref('int_teams') }}
),

glossary as (
    select * from {{ ref('kpi_glossary') }}
),

periods as (
    select * from {{ ref('int_periods') }}
),

team_sources as (
    select * from {{ ref('team_sources') }}
),

service_catalog as (
    select * from {{ ref('service_catalog') }}
),

business_outcomes as (
    select * from {{ ref('int_business_outcomes') }}
),

computed as (
    select * from {{ ref('kpi_metric_values') }}
),

kpi_metrics as (
    select * from {{ ref('kpi_metric_definitions') }}
),

-- the glossary KPIs a metric defines, and what the data must hold for each to have a value
modelled_kpis as (
    select
        glossary.kpi_id,
        glossary.data_needed as needs
    from glossary
    inner join kpi_metrics
        on glossary.kpi_id = kpi_metrics.kpi_id
),

-- a team is mapped to a source system when it owns a repo/project/board/service there;
-- the organisation is mapped wherever any team is
mapped_sources as (
    select distinct
        team_key,
        source_system
    from team_sources
    union
    select distinct
        team_key,
        'pagerduty' as source_system
    from service_catalog
),

team_source_mapping as (
    select
        teams.team_key,
        max(case when mapped_sources.source_system = 'github' then 1 else 0 end) as has_github,
        max(case when mapped_sources.source_system = 'jira' then 1 else 0 end) as has_jira,
        max(case when mapped_sources.source_system = 'pagerduty' then 1 else 0 end) as has_pagerduty
    from teams
    left join mapped_sources
        on teams.team_key = mapped_sources.team_key
        or (teams.is_organisation and mapped_sources.team_key is not null)
    group by teams.team_key
),

business_periods as (
    select distinct
        business_outcomes.team_key,
        periods.grain,
        periods.period_start
    from business_outcomes
    inner join periods
        on {{ kpibridge.in_period('business_outcomes.month_start') }}
),

spine as (
    select
        teams.team_key,
        glossary.kpi_id,
        glossary.sources,
        glossary.zero_without_events,
        periods.grain,
        periods.period_start,
        periods.period_end,
        periods.is_complete
    from teams
    cross join glossary
    cross join periods
),

joined as (
    select
        spine.*,
        computed.value,
        computed.numerator,
        computed.denominator,
        computed.sample_size,
        computed.value_p50,
        computed.value_p90,
        computed.kpi_id is not null as has_row,
        modelled_kpis.kpi_id is not null as is_modelled,
        modelled_kpis.needs,
        -- the first source the KPI reads that the team has nothing mapped in
        case
            when spine.sources like '%github%' and team_source_mapping.has_github = 0
                then 'no repository mapped to this team'
            when spine.sources like '%jira%' and team_source_mapping.has_jira = 0
                then 'no Jira project or board mapped to this team'
            when spine.sources like '%pagerduty%' and team_source_mapping.has_pagerduty = 0
                then 'no incident source mapped to this team'
        end as unmapped_source_reason,
        spine.sources like '%business%' as needs_business,
        business_periods.team_key is not null as has_business_data
    from spine
    left join computed
        on spine.team_key = computed.team_key
        and spine.kpi_id = computed.kpi_id
        and spine.grain = computed.grain
        and spine.period_start = computed.period_start
    left join modelled_kpis
        on spine.kpi_id = modelled_kpis.kpi_id
    left join team_source_mapping
        on spine.team_key = team_source_mapping.team_key
    left join business_periods
        on spine.team_key = business_periods.team_key
        and spine.grain = business_periods.grain
        and spine.period_start = business_periods.period_start
),

-- a KPI reading a source the team has not mapped cannot be measured for it: NULL, even where
-- a model computed a value from the sources it does have (a CFR without incidents is not 0 %)
mapped as (
    select
        *,
        unmapped_source_reason is not null as source_unmapped
    from joined
),

-- a KPI the glossary marks zero_without_events (the counts) over a mapped source with no
-- events is a measured 0 (no deployments, no incidents this week), not missing data; every
-- other KPI without events stays NULL
zero_filled as (
    select
        *,
        value is null
        and zero_without_events
        and is_modelled
        and not source_unmapped
        and not needs_business as is_zero_count
    from mapped
),

measured as (
    select
        *,
        not source_unmapped and (value is not null or is_zero_count) as has_value
    from zero_filled
),

team_coverage as (
    select
        *,
        max(case when has_value then 1 else 0 end) over (partition by team_key, kpi_id) = 1
            as team_has_any_value
    from measured
),

final as (
    select
        team_key,
        kpi_id,
        grain,
        period_start,
        period_end,
        case
            when source_unmapped then null
            when is_zero_count then 0
            else value
        end as value,
        case
            when source_unmapped then null
            when is_zero_count then 0
            else numerator
        end as numerator,
        case when not source_unmapped then denominator end as denominator,
        case
            when source_unmapped then null
            when is_zero_count then 0
            else sample_size
        end as sample_size,
        case when not source_unmapped then value_p50 end as value_p50,
        case when not source_unmapped then value_p90 end as value_p90,
        is_complete,
        case
            when has_value then null
            when not is_modelled then 'not computed by any model'
            when source_unmapped then unmapped_source_reason
            when needs_business and grain = 'week' then 'business outcomes are monthly'
            when needs_business and not has_business_data then 'needs business_outcomes seed'
            when has_row and denominator = 0 then 'denominator is zero'
            -- recovery: numerator = recovered failed deployments, denominator = all of them
            when kpi_id = 'failed_deployment_recovery_time' and has_row and denominator > numerator
                then cast(cast(denominator - numerator as bigint) as {{ dbt.type_string() }})
                    || case
                        when denominator - numerator = 1 then ' failed deployment'
                        else ' failed deployments'
                    end
                    || ' not yet recovered'
            when not team_has_any_value then 'no value in any period for this team: needs ' || needs
            else 'no events in period'
        end as null_reason
    from team_coverage
)

select * from final
