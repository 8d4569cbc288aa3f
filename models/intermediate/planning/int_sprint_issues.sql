-- One row per started sprint x issue that was ever in it, with membership at the sprint's start
-- and end rebuilt from the Sprint changelog items (from_value / to_value hold sprint ids,
-- comma-separated when an issue is in several sprints) and the status stage at sprint end.
-- An issue with no Sprint changelog item for a sprint it is in (stg_jira__issue_sprints) is
-- counted as a member from its creation.
with

changelog_items as (
    select * from {{ ref('stg_jira__changelog_items') }}
),

issues as (
    select * from {{ ref('stg_jira__issues') }}
),

issue_sprints as (
    select * from {{ ref('stg_jira__issue_sprints') }}
),

sprints as (
    select * from {{ ref('int_sprints') }}
),

status_intervals as (
    select * from {{ ref('int_issue_status_intervals') }}
),

sprint_changes as (
    select
        issue_id,
        changelog_id,
        item_position,
        changed_at,
        coalesce(from_value, '') as from_value,
        coalesce(to_value, '') as to_value
    from changelog_items
    where field = 'Sprint'
),

-- every sprint id named before and after each change
sprint_id_pieces as (
    select
        changelog_id,
        item_position,
        'before' as side,
        {{ kpibridge.split_to_rows('from_value', ',') }} as sprint_id_piece
    from sprint_changes
    union all
    select
        changelog_id,
        item_position,
        'after' as side,
        {{ kpibridge.split_to_rows('to_value', ',') }} as sprint_id_piece
    from sprint_changes
),

sprint_ids as (
    select
        changelog_id,
        item_position,
        side,
        trim(sprint_id_piece) as sprint_id_text
    from sprint_id_pieces
),

-- a sprint id only after the change was added, one only before it was removed
membership_events as (
    select
        sprint_changes.issue_id,
        cast(sprint_ids.sprint_id_text as bigint) as sprint_id,
        sprint_changes.changed_at,
        sprint_changes.changelog_id,
        sprint_changes.item_position,
        max(case when sprint_ids.side = 'after' then 1 else 0 end) = 1 as is_member_after
    from sprint_ids
    inner join sprint_changes
        on sprint_ids.changelog_id = sprint_changes.changelog_id
        and sprint_ids.item_position = sprint_changes.item_position
    where sprint_ids.sprint_id_text != ''
    group by
        sprint_changes.issue_id,
        sprint_ids.sprint_id_text,
        sprint_changes.changed_at,
        sprint_changes.changelog_id,
        sprint_changes.item_position
    having count(distinct sprint_ids.side) = 1
),

ordered_events as (
    select
        *,
        row_number() over (
            partition by issue_id, sprint_id
            order by changed_at, changelog_id, item_position
        ) as event_number
    from membership_events
),

-- membership before the first event is its opposite (a first removal means it was a member),
-- from the issue's creation on; pairs without events come from the issue's sprint field
pairs as (
    select
        issue_id,
        sprint_id,
        bool_or(case when event_number = 1 then not is_member_after end) as is_member_initially
    from ordered_events
    group by issue_id, sprint_id
    union all
    select
        issue_sprints.issue_id,
        issue_sprints.sprint_id,
        true as is_member_initially
    from issue_sprints
    left join ordered_events
        on issue_sprints.issue_id = ordered_events.issue_id
        and issue_sprints.sprint_id = ordered_events.sprint_id
    where ordered_events.issue_id is null
),

sprint_pairs as (
    select
        pairs.issue_id,
        issues.issue_key,
        pairs.sprint_id,
        sprints.team_key,
        sprints.is_closed as is_sprint_closed,
        pairs.is_member_initially,
        issues.created_at as issue_created_at,
        sprints.start_at as sprint_start_at,
        sprints.ended_at as sprint_end_at
    from pairs
    inner join issues
        on pairs.issue_id = issues.issue_id
    inner join sprints
        on pairs.sprint_id = sprints.sprint_id
    where sprints.start_at is not null
),

-- the last membership event at or before the sprint's start and its end
sprint_moments as (
    select
        issue_id,
        sprint_id,
        'start' as moment,
        sprint_start_at as moment_at
    from sprint_pairs
    union all
    select
        issue_id,
        sprint_id,
        'end' as moment,
        sprint_end_at as moment_at
    from sprint_pairs
),

events_at_moments as (
    select
        sprint_moments.issue_id,
        sprint_moments.sprint_id,
        sprint_moments.moment,
        ordered_events.is_member_after,
        row_number() over (
            partition by sprint_moments.issue_id, sprint_moments.sprint_id, sprint_moments.moment
            order by ordered_events.event_number desc
        ) as recency
    from ordered_events
    inner join sprint_moments
        on ordered_events.issue_id = sprint_moments.issue_id
        and ordered_events.sprint_id = sprint_moments.sprint_id
    where ordered_events.changed_at <= sprint_moments.moment_at
),

additions_during_sprint as (
    select distinct
        ordered_events.issue_id,
        ordered_events.sprint_id
    from ordered_events
    inner join sprint_pairs
        on ordered_events.issue_id = sprint_pairs.issue_id
        and ordered_events.sprint_id = sprint_pairs.sprint_id
    where ordered_events.is_member_after
        and ordered_events.changed_at > sprint_pairs.sprint_start_at
        and ordered_events.changed_at <= sprint_pairs.sprint_end_at
),

stage_at_end as (
    select
        sprint_pairs.issue_id,
        sprint_pairs.sprint_id,
        status_intervals.stage
    from sprint_pairs
    inner join status_intervals
        on sprint_pairs.issue_id = status_intervals.issue_id
        and sprint_pairs.sprint_end_at >= status_intervals.valid_from
        and (
            sprint_pairs.sprint_end_at < status_intervals.valid_to
            or status_intervals.valid_to is null
        )
),

membership as (
    select
        sprint_pairs.*,
        case
            when sprint_pairs.sprint_start_at < sprint_pairs.issue_created_at then false
            else coalesce(events_at_start.is_member_after, sprint_pairs.is_member_initially)
        end as in_sprint_at_start,
        case
            when sprint_pairs.sprint_end_at < sprint_pairs.issue_created_at then false
            else coalesce(events_at_end.is_member_after, sprint_pairs.is_member_initially)
        end as in_sprint_at_end,
        additions_during_sprint.issue_id is not null
        or (
            sprint_pairs.is_member_initially
            and sprint_pairs.issue_created_at > sprint_pairs.sprint_start_at
            and sprint_pairs.issue_created_at <= sprint_pairs.sprint_end_at
        ) as was_added_during_sprint,
        coalesce(stage_at_end.stage = 'done', false) as done_at_sprint_end
    from sprint_pairs
    left join events_at_moments as events_at_start
        on sprint_pairs.issue_id = events_at_start.issue_id
        and sprint_pairs.sprint_id = events_at_start.sprint_id
        and events_at_start.moment = 'start'
        and events_at_start.recency = 1
    left join events_at_moments as events_at_end
        on sprint_pairs.issue_id = events_at_end.issue_id
        and sprint_pairs.sprint_id = events_at_end.sprint_id
        and events_at_end.moment = 'end'
        and events_at_end.recency = 1
    left join additions_during_sprint
        on sprint_pairs.issue_id = additions_during_sprint.issue_id
        and sprint_pairs.sprint_id = additions_during_sprint.sprint_id
    left join stage_at_end
        on sprint_pairs.issue_id = stage_at_end.issue_id
        and sprint_pairs.sprint_id = stage_at_end.sprint_id
),

final as (
    select
        sprint_id,
        issue_id,
        issue_key,
        team_key,
        is_sprint_closed,
        sprint_start_at,
        sprint_end_at,
        issue_created_at,
        in_sprint_at_start,
        not in_sprint_at_start and was_added_during_sprint as added_after_start,
        in_sprint_at_end,
        done_at_sprint_end,
        in_sprint_at_start and in_sprint_at_end and done_at_sprint_end as is_committed_and_done
    from membership
)

select * from final
