-- One row per Jira issue at team level (no person keys): category, flags and flow milestones.
with

work_items as (
    select * from {{ ref('int_work_items_enriched') }}
),

sites as (
    select
        issue_key as site_issue_key,
        nullif(regexp_extract(api_url, '^https?://[^/]+'), '') as site_url
    from {{ ref('stg_jira__issues') }}
),

final as (
    select
        work_items.issue_key,
        work_items.team_key,
        work_items.project_key,
        work_items.issue_type,
        work_items.priority_name,
        work_items.work_category,
        work_items.status_name,
        work_items.stage,
        work_items.is_defect,
        work_items.is_high_priority,
        work_items.is_found_in_production,
        work_items.is_requirement,
        cast(work_items.story_points as double precision) as story_points,
        work_items.created_at,
        work_items.first_active_at,
        work_items.done_at,
        cast(work_items.cycle_time_days as double precision) as cycle_time_days,
        cast(work_items.cycle_time_hours as double precision) as cycle_time_hours,
        cast(work_items.active_hours as double precision) as active_hours,
        cast(work_items.times_reopened as integer) as times_reopened,
        work_items.due_date,
        work_items.fix_version_release_date,
        cast(work_items.days_late as bigint) as days_late,
        sites.site_url || '/browse/' || work_items.issue_key as html_url
    from work_items
    left join sites
        on work_items.issue_key = sites.site_issue_key
)

select * from final
