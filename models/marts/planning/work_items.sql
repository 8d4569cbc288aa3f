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
        issue_key,
        team_key,
        project_key,
        issue_type,
        priority_name,
        work_category,
        status_name,
        stage,
        is_defect,
        is_high_priority,
        is_found_in_production,
        is_requirement,
        cast(story_points as double precision) as story_points,
        created_at,
        first_active_at,
        done_at,
        cast(cycle_time_days as double precision) as cycle_time_days,
        cast(active_hours as double precision) as active_hours,
        cast(times_reopened as integer) as times_reopened,
        due_date,
        fix_version_release_date,
        cast(days_late as bigint) as days_late,
        sites.site_url || '/browse/' || issue_key as html_url
    from work_items
    left join sites
        on work_items.issue_key = sites.site_issue_key
)

select * from final
