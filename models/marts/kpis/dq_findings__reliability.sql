-- Data-quality findings of the reliability layer (PagerDuty): incident spans that run backwards
-- (left out of the KPI they feed) and high-urgency incidents linked to no deployment.
with

incidents as (
    select * from {{ ref('int_incidents_enriched') }}
),

links as (
    select * from {{ ref('int_incident_deployment_links') }}
),

deployments as (
    select * from {{ ref('deployments') }}
),

linked_incidents as (
    select
        incidents.*,
        links.deployment_key,
        links.link_rule,
        deployments.deployed_at
    from incidents
    left join links
        on incidents.incident_id = links.incident_id
    left join deployments
        on links.deployment_key = deployments.deployment_key
),

incident_spans as (
    {%- set spans = [
        ('acknowledge', 'created_at', 'acknowledged_at', 'mtta'),
        ('resolve', 'created_at', 'resolved_at', 'mttr, availability, downtime_cost'),
        ('detect', 'deployed_at', 'created_at', 'mttd'),
        ('recovery', 'deployed_at', 'resolved_at', 'failed_deployment_recovery_time'),
    ] %}
    {% for span_name, span_start, span_end, kpis in spans %}
        select
            incident_id,
            incident_number,
            team_key,
            '{{ span_name }}' as span_name,
            '{{ span_start }}' as start_column,
            '{{ span_end }}' as end_column,
            '{{ kpis }}' as kpis
        from linked_incidents
        where {{ kpibridge.is_negative_span(span_start, span_end) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

negative_spans as (
    select
        'negative_span' as check_name,
        'incident' as entity,
        incident_id as entity_id,
        team_key,
        'warning' as severity,
        'incident ' || cast(incident_number as {{ dbt.type_string() }}) || ': '
        || span_name || ' span is negative (' || end_column || ' before ' || start_column
        || '): left out of ' || kpis as detail
    from incident_spans
),

unlinked_high_urgency as (
    select
        'unlinked_high_urgency_incident' as check_name,
        'incident' as entity,
        incident_id as entity_id,
        team_key,
        'warning' as severity,
        'incident ' || cast(incident_number as {{ dbt.type_string() }})
        || ': high-urgency incident linked to no production deployment (no sha, deployment id'
        || ' or shipped Jira key in its text, none within {{ var("incident_link_window_hours") }}'
        || ' h before it): not in change_failure_rate' as detail
    from linked_incidents
    where is_high_urgency
        and deployment_key is null
),

final as (
    select * from negative_spans
    union all
    select * from unlinked_high_urgency
)

select * from final
