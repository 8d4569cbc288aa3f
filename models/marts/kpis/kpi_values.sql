-- Every team x glossary KPI/signal x grain x period, with the computed value where there is one
-- and the reason it is missing where there is not (no data is NULL, never 0).
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
    select * from {{ ref('business_outcomes') }}
),

computed as (
    {% for domain in ['delivery', 'reliability', 'planning', 'business'] %}
        select
            {{ kpibridge.kpi_value_columns() }}
        from {{ ref('int_kpi_values__' ~ domain) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

computed_kpis as (
    select distinct kpi_id from computed
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
        cast(business_outcomes.team_key as {{ dbt.type_string() }}) as team_key,
        periods.grain,
        periods.period_start
    from business_outcomes
    inner join periods
        on cast(business_outcomes.month as date) >= periods.period_start
        and cast(business_outcomes.month as date) < periods.period_end
),

spine as (
    select
        teams.team_key,
        glossary.kpi_id,
        glossary.sources,
        coalesce(glossary.aggregation like 'count%', false) as is_count,
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
        computed_kpis.kpi_id is not null as kpi_is_computed,
        (spine.sources like '%github%' and team_source_mapping.has_github = 0)
        or (spine.sources like '%jira%' and team_source_mapping.has_jira = 0)
        or (spine.sources like '%pagerduty%' and team_source_mapping.has_pagerduty = 0)
            as source_unmapped,
        spine.sources like '%business%' as needs_business,
        business_periods.team_key is not null as has_business_data
    from spine
    left join computed
        on spine.team_key = computed.team_key
        and spine.kpi_id = computed.kpi_id
        and spine.grain = computed.grain
        and spine.period_start = computed.period_start
    left join computed_kpis
        on spine.kpi_id = computed_kpis.kpi_id
    left join team_source_mapping
        on spine.team_key = team_source_mapping.team_key
    left join business_periods
        on spine.team_key = business_periods.team_key
        and spine.grain = business_periods.grain
        and spine.period_start = business_periods.period_start
),

-- a count over a mapped source with no events is a measured 0 (no deployments, no incidents
-- this week), not missing data; every other KPI without events stays NULL
zero_filled as (
    select
        *,
        value is null
        and is_count
        and kpi_is_computed
        and not coalesce(source_unmapped, false)
        and not needs_business as is_zero_count
    from joined
),

final as (
    select
        team_key,
        kpi_id,
        grain,
        period_start,
        period_end,
        case when is_zero_count then 0 else value end as value,
        case when is_zero_count then 0 else numerator end as numerator,
        denominator,
        case when is_zero_count then 0 else sample_size end as sample_size,
        value_p50,
        value_p90,
        is_complete,
        case
            when value is not null or is_zero_count then null
            when not kpi_is_computed then 'not computed by any model'
            when source_unmapped then 'source not mapped for team'
            when needs_business and grain = 'week' then 'business outcomes are monthly'
            when needs_business and not has_business_data then 'needs business_outcomes seed'
            when has_row and denominator = 0 then 'denominator is zero'
            else 'no events in period'
        end as null_reason
    from zero_filled
)

select * from final
