"""Jira: each team's project, its sprints and versions, and the issues that move through them
(changelog, sprint and version planning, worklogs)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ingestion.simulator.model import (
    ChangeItem,
    ChangelogEntry,
    Issue,
    JiraStatus,
    Person,
    Project,
    Sprint,
    Version,
    Worklog,
)
from ingestion.simulator.org.context import (
    HISTORY_DAYS,
    ISSUE_SPACING_HOURS,
    ISSUES_PER_PROJECT,
    BuildContext,
    Crew,
)

STATUSES = [
    JiraStatus("1", "To Do", "new"),
    JiraStatus("2", "Selected for Development", "new"),
    JiraStatus("3", "In Progress", "indeterminate"),
    JiraStatus("4", "In Review", "indeterminate"),
    JiraStatus("5", "Blocked", "indeterminate"),
    JiraStatus("6", "Done", "done"),
    JiraStatus("7", "Won't Do", "done"),
]
STATUS_BY_NAME = {s.name: s for s in STATUSES}


@dataclass(frozen=True)
class _ProjectPlan:
    """What an issue is created against: its project, who works on it, and the sprints and
    versions it may be planned into."""

    project: Project
    people: list[Person]
    sprints: list[Sprint]
    versions: list[Version]


def build_jira(ctx: BuildContext, crew: Crew, project: Project) -> None:
    org, rng, ids, team = ctx.org, ctx.rng, ctx.ids, crew.team
    sprint_starts = [org.start + timedelta(days=14 * i) for i in range(HISTORY_DAYS // 14 + 1)]
    sprints = []
    for i, s_start in enumerate(sprint_starts):
        s_end = s_start + timedelta(days=14)
        state = "closed" if s_end <= org.end else ("active" if s_start <= org.end else "future")
        sprint = Sprint(
            ids.next("sprint"),
            team.jira_board_id,
            f"{project.key} Sprint {i + 1}",
            state,
            s_start,
            s_end,
            s_end if state == "closed" else None,
            f"Sprint goal {i + 1}",
        )
        sprints.append(sprint)
    org.sprints.extend(sprints)
    versions = []
    for q in range(3):
        v_start = (org.start + timedelta(days=60 * q)).date()
        planned = v_start + timedelta(days=55)
        versions.append(
            Version(
                str(ids.next("version", 10100)),
                int(project.id),
                f"{project.key} {q + 1}.0",
                f"Release {q + 1}",
                v_start,
                planned,
                planned < org.end.date(),
                False,
                None,
            )
        )
    org.versions.extend(versions)
    plan = _ProjectPlan(project, crew.people, sprints, versions)
    for n in range(1, ISSUES_PER_PROJECT + 1):
        # issues are numbered in creation order, spread evenly over the history
        created = org.start + timedelta(hours=(n - 1 + rng.uniform(0, 1)) * ISSUE_SPACING_HOURS)
        roll = rng.random()
        issue_type, labels = "Story", []
        if roll < 0.25:
            issue_type = "Bug"
            if rng.random() < 0.4:
                labels.append("found-in-production")
        elif roll < 0.35:
            issue_type, labels = "Task", ["tech-debt"]
        elif roll < 0.40:
            issue_type, labels = "Support", ["support"]
        elif roll < 0.45:
            labels = ["feature-flag"]
        elif roll < 0.50:
            issue_type, labels = "Task", [rng.choice(["security", "performance"])]
        org.issues.append(
            _make_issue(ctx, plan, n=n, created=created, issue_type=issue_type, labels=labels)
        )


def _is_late(version: Version) -> bool:
    """Each project's second version ships late; the others on time."""
    return version.name.endswith(" 2.0")


def _day_start(day: date | None) -> datetime:
    return datetime.combine(day or date.max, datetime.min.time(), UTC)


def _window(item: Sprint | Version) -> tuple[datetime | None, datetime | None]:
    if isinstance(item, Sprint):
        return item.start_date, item.end_date
    as_time = [
        datetime.combine(d, datetime.min.time(), UTC) if d else None
        for d in (item.start_date, item.release_date)
    ]
    return as_time[0], as_time[1]


def _planned_into(
    rng: random.Random,
    items: Sequence[Sprint | Version],
    *,
    created: datetime,
    end: datetime,
    late_share: float,
) -> Any:
    """The sprint or version an issue created at `created` joins: the next one to start,
    or (late_share of the time, or when none is left) the one already running."""
    running = next(
        (i for i in items if (w := _window(i))[0] and w[0] <= created < (w[1] or end)), None
    )
    upcoming = next((i for i in items if (w := _window(i))[0] and w[0] > created), None)
    if running and (upcoming is None or rng.random() < late_share):
        return running
    return upcoming


def _planning_time(created: datetime, starts: datetime | date | None) -> datetime:
    """When an issue was put into a sprint or version: at planning, two hours before it
    starts, unless it was created later than that."""
    if isinstance(starts, date) and not isinstance(starts, datetime):
        starts = datetime.combine(starts, datetime.min.time(), UTC)
    planning = starts - timedelta(hours=2) if starts else created
    return max(created + timedelta(minutes=30), planning)


def _make_issue(
    ctx: BuildContext,
    plan: _ProjectPlan,
    *,
    n: int,
    created: datetime,
    issue_type: str,
    labels: list[str],
) -> Issue:
    org, rng, ids, project, people = ctx.org, ctx.rng, ctx.ids, plan.project, plan.people
    sprints, versions = plan.sprints, plan.versions
    issue_id = str(ids.next("issue", 20000))
    reporter, assignee = rng.choice(people), rng.choice(people)
    changelog: list[ChangelogEntry] = []
    current = "To Do"
    t = created

    def move(to: str, at: datetime) -> None:
        nonlocal current
        changelog.append(
            ChangelogEntry(
                str(ids.next("history", 100000)),
                assignee.account_id,
                at,
                [
                    ChangeItem(
                        "status",
                        "jira",
                        "status",
                        STATUS_BY_NAME[current].id,
                        current,
                        STATUS_BY_NAME[to].id,
                        to,
                    )
                ],
            )
        )
        current = to

    # most work is planned into the next sprint and version before they start; some arrives
    # after the start: sprint scope added, change requests after the requirements deadline
    sprint = _planned_into(rng, sprints, created=created, end=org.end, late_share=0.15)
    sprint_ids = [sprint.id] if sprint else []
    if sprint:
        added = _planning_time(created, sprint.start_date)
        changelog.append(
            ChangelogEntry(
                str(ids.next("history", 100000)),
                reporter.account_id,
                added,
                [
                    ChangeItem(
                        "Sprint",
                        "custom",
                        "customfield_10020",
                        None,
                        None,
                        str(sprint.id),
                        sprint.name,
                    )
                ],
            )
        )
    version = _planned_into(rng, versions, created=created, end=org.end, late_share=0.2)
    if version:
        changelog.append(
            ChangelogEntry(
                str(ids.next("history", 100000)),
                reporter.account_id,
                _planning_time(created, version.start_date),
                [
                    ChangeItem(
                        "Fix Version", "jira", "fixVersions", None, None, version.id, version.name
                    )
                ],
            )
        )
    resolution = None
    if rng.random() < 0.8:
        t += timedelta(hours=rng.uniform(2, 72))
        move("In Progress", t)
        t += timedelta(hours=rng.uniform(4, 96))
        move("In Review", t)
        t += timedelta(hours=rng.uniform(2, 48))
        if version and version.released and _is_late(version) and rng.random() < 0.3:
            # late delivery: the last issues of the version land after its planned date
            t = max(
                t,
                datetime.combine(version.release_date, datetime.min.time(), UTC)
                + timedelta(days=3),
            )
        if (
            version
            and version.released
            and not _is_late(version)
            and t > _day_start(version.release_date)
        ):
            # an on-time version ships without what is not ready: the issue leaves it
            changelog[:] = [
                e for e in changelog if all(it.field != "Fix Version" for it in e.items)
            ]
            version = None
        if t < org.end:
            move("Done", t)
            resolution = t
            if issue_type == "Bug" and rng.random() < 0.2:  # reopened bug
                t += timedelta(days=2)
                if t + timedelta(days=2) < org.end:
                    move("In Progress", t)
                    t += timedelta(days=2)
                    move("Done", t)
                    resolution = t
    worklogs = []
    if resolution:
        for _ in range(rng.randint(1, 3)):
            w_at = resolution - timedelta(hours=rng.uniform(1, 24))
            worklogs.append(
                Worklog(
                    str(ids.next("worklog", 30000)),
                    issue_id,
                    assignee.account_id,
                    w_at,
                    rng.choice([3600, 7200, 14400]),
                    w_at,
                    w_at,
                )
            )
    changelog.sort(key=lambda entry: entry.created)
    updated = max([created, *[c.created for c in changelog]])
    return Issue(
        id=issue_id,
        key=f"{project.key}-{n}",
        project_key=project.key,
        issue_type=issue_type,
        summary=f"{issue_type} {n} of {project.key}",
        status=current,
        priority=rng.choice(["Highest", "High", "Medium", "Medium", "Low"]),
        labels=labels,
        created=created,
        updated=updated,
        resolution_date=resolution,
        due_date=(created + timedelta(days=21)).date() if issue_type == "Story" else None,
        story_points=float(rng.choice([1, 2, 3, 5, 8])) if issue_type == "Story" else None,
        assignee_account_id=assignee.account_id,
        reporter_account_id=reporter.account_id,
        fix_version_ids=[version.id] if version else [],
        sprint_ids=sprint_ids,
        changelog=changelog,
        worklogs=worklogs,
    )
