-- Data-quality findings of the planning layer (Jira): issues whose last move into a done stage
-- comes before their first move into an active stage (a negative cycle-time span, left out of
-- jira_cycle_time and flow_efficiency).
with

work_items as (
    select * from {{ ref('int_work_items_enriched') }}
),

negative_spans as (
    select
        'negative_span' as check_name,
        'issue' as entity,
        issue_key as entity_id,
        team_key,
        'warning' as severity,
        issue_key || ': cycle_time span is negative (done_at before first_active_at): left out'
        || ' of jira_cycle_time, flow_efficiency' as detail
    from work_items
    where {{ kpibridge.is_negative_span('first_active_at', 'done_at') }}
),

final as (
    select * from negative_spans
)

select * from final
