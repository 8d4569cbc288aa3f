"""The deterministic synthetic organisation the simulator serves.

Only `random.Random(seed)` drives it: the same (seed, scale, end) always gives the same data.
The planted stories (see STORIES.md) are what the KPI marts must later find.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ingestion.simulator.model import (
    Board,
    ChangeItem,
    ChangelogEntry,
    Commit,
    CommitStatus,
    Deployment,
    DeploymentStatus,
    Incident,
    Issue,
    JiraStatus,
    LogEntry,
    Org,
    OutcomeValue,
    PagerDutyTeam,
    Person,
    PlantedStory,
    Priority,
    Project,
    PullRequest,
    Release,
    Repo,
    Review,
    Service,
    Sprint,
    Team,
    Version,
    WorkflowRun,
    Worklog,
)

DEFAULT_END = datetime(2026, 11, 1, tzinfo=UTC)
HISTORY_DAYS = 184  # six whole months: 2026-05-01 .. 2026-11-01 by default
GITHUB_OWNER = "acme-sim"
ISSUES_PER_PROJECT = 120
COVERAGE_CONTEXT = "coverage/codecov"
ISSUE_SPACING_HOURS = (HISTORY_DAYS - 10) * 24 / ISSUES_PER_PROJECT
BASE_TEAMS = (
    ("payments", "Payments", "PAY"),
    ("checkout", "Checkout", "CHK"),
    ("platform", "Platform", "PLT"),
    ("mobile", "Mobile", "MOB"),
)
# the team whose deployment frequency rises while its change failure rate worsens
FAST_BUT_FRAGILE_TEAM = "payments"
# the team whose pull requests wait long for a first review
SLOW_REVIEW_TEAM = "checkout"
# the team whose reliability improves from month 3, with CSAT and churn following
IMPROVING_TEAM = "platform"
# how long before a production deployment its sha may be deployed to staging
STAGING_LEAD = timedelta(hours=1)

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


class _Ids:
    """Monotonic id counters so every entity id is unique and stable."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def next(self, kind: str, start: int = 1) -> int:
        value = self._next.get(kind, start)
        self._next[kind] = value + 1
        return value


def _sha(*parts: object) -> str:
    return hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()


def _pd_id(rng: random.Random) -> str:
    return "P" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(6))


def build_org(seed: int = 7, scale: int = 1, end: datetime = DEFAULT_END) -> Org:
    """Build the synthetic organisation: scale 1 is 4 teams, 12 repos, 6 months."""
    if scale < 1:
        raise ValueError(f"scale must be >= 1, got {scale}")
    rng = random.Random(seed)
    ids = _Ids()
    start = end - timedelta(days=HISTORY_DAYS)
    org = Org(
        seed=seed,
        scale=scale,
        github_org=GITHUB_OWNER,
        jira_site="acme-sim.atlassian.net",
        start=start,
        end=end,
        people=[],
        teams=[],
        repos=[],
        pull_requests=[],
        deployments=[],
        releases=[],
        workflow_runs=[],
        commit_statuses=[],
        jira_statuses=list(STATUSES),
        projects=[],
        versions=[],
        boards=[],
        sprints=[],
        issues=[],
        pagerduty_teams=[],
        services=[],
        priorities=[Priority(f"PRI{i}", f"P{i}", i) for i in range(1, 6)],
        incidents=[],
        outcomes=[],
        stories=[],
    )
    for copy in range(1, scale + 1):
        for base_key, base_name, base_project in BASE_TEAMS:
            suffix = "" if copy == 1 else f"-{copy}"
            _build_team(org, rng, ids, base_key + suffix, base_name, base_project, copy, base_key)
    _build_outcomes(org, rng)
    _record_stories(org)
    return org


def _build_team(
    org: Org,
    rng: random.Random,
    ids: _Ids,
    key: str,
    name: str,
    project_base: str,
    copy: int,
    archetype: str,
) -> None:
    project_key = project_base if copy == 1 else f"{project_base}{copy}"
    people = []
    for _ in range(5):
        n = ids.next("person")
        people.append(
            Person(
                account_id=f"5b10ac8d82e05b22cc7d{n:04d}",
                login=f"dev{n}",
                display_name=f"Dev {n}",
                email=f"dev{n}@acme-sim.example",
                team_key=key,
                pagerduty_user_id=f"PU{n:05d}",
                github_user_id=1000 + n,
            )
        )
    org.people.extend(people)
    board_id = ids.next("board")
    pd_team = PagerDutyTeam(_pd_id(rng), f"{name} on-call", f"{name} team")
    service = Service(
        _pd_id(rng),
        f"{key}-api",
        f"{name} API",
        pd_team.id,
        _pd_id(rng),
        org.start - timedelta(days=400),
        "active",
    )
    team = Team(
        key,
        f"{name}{'' if copy == 1 else f' {copy}'}",
        project_key,
        board_id,
        [],
        pd_team.id,
        [service.id],
    )
    org.teams.append(team)
    org.pagerduty_teams.append(pd_team)
    org.services.append(service)
    project = Project(
        str(10000 + ids.next("project")), project_key, f"{team.name} project", people[0].account_id
    )
    org.projects.append(project)
    org.boards.append(Board(board_id, f"{project_key} board", project_key, "scrum"))

    deploy_sources = ["deployments", "deployments", "deployments"]
    if archetype == "mobile":
        deploy_sources = ["releases", "deployments", "deployments"]
    if archetype == "platform":
        deploy_sources = ["deployments", "workflow", "deployments"]
    for r, source in enumerate(deploy_sources):
        repo_name = f"{key}-{('api', 'web', 'worker')[r]}"
        repo = Repo(
            ids.next("repo", 500000),
            repo_name,
            key,
            "main",
            source,
            org.start - timedelta(days=300),
        )
        team.repos.append(repo_name)
        org.repos.append(repo)
        _build_repo_activity(org, rng, ids, team, repo, people, archetype)
    _build_jira(org, rng, ids, team, project, people, archetype)
    _build_incidents(org, rng, ids, team, service, archetype)


def _month_index(org: Org, at: datetime) -> int:
    return min(5, max(0, (at - org.start).days // 31))


def _build_repo_activity(
    org: Org,
    rng: random.Random,
    ids: _Ids,
    team: Team,
    repo: Repo,
    people: list[Person],
    archetype: str,
) -> None:
    project_key = team.jira_project_key
    day = org.start + timedelta(hours=9)
    pending: list[PullRequest] = []
    last_deploy = org.start
    pr_n = 0
    while day < org.end - timedelta(days=1):
        month = _month_index(org, day)
        # payments ships ever more often; everyone else steadily
        per_week = 4 + (2 * month if archetype == FAST_BUT_FRAGILE_TEAM else 0)
        if rng.random() < per_week / 7:
            pr_n += 1
            pr = _make_pr(org, rng, ids, repo, people, project_key, day, pr_n, archetype)
            org.pull_requests.append(pr)
            if pr.merged_at:
                pending.append(pr)
        deploy_at = day + timedelta(hours=6)
        # the release is cut when staging deploys, an hour before production
        _merge_until(repo, pending, deploy_at - STAGING_LEAD)
        deploy_every = 2 if archetype == FAST_BUT_FRAGILE_TEAM and month >= 3 else 3
        if (day - last_deploy).days >= deploy_every and repo.history:
            _deploy(org, rng, ids, repo, people, deploy_at, archetype, month)
            last_deploy = day
        day += timedelta(days=1)
    _merge_until(repo, pending, org.end)


def _merge_until(repo: Repo, pending: list[PullRequest], until: datetime) -> None:
    """Land on the default branch, in merge order, the pending PRs merged by `until`: a
    deployment can only ship what was merged before it."""
    pending.sort(key=lambda pr: pr.merged_at or until)
    while pending and (pending[0].merged_at or until) <= until:
        repo.history.extend(_landed_commits(pending.pop(0)))


def _landed_commits(pr: PullRequest) -> list[Commit]:
    """The commits a merged PR adds to the default branch; the last is its merge commit."""
    merged = pr.merged_at or pr.created_at
    if pr.merge_method == "squash":
        return [
            Commit(
                _sha(pr.repo, pr.number, "squash"),
                f"{pr.title} (#{pr.number})",
                pr.author_login,
                pr.commits[0].authored_at,
                merged,
                [],
            )
        ]
    if pr.merge_method == "merge":
        merge = Commit(
            _sha(pr.repo, pr.number, "merge"),
            f"Merge pull request #{pr.number}",
            pr.author_login,
            merged,
            merged,
            [pr.commits[-1].sha],
        )
        return [*pr.commits, merge]
    return [
        Commit(_sha(c.sha, "rebased"), c.message, c.author_login, c.authored_at, merged)
        for c in pr.commits
    ]


def _make_pr(
    org: Org,
    rng: random.Random,
    ids: _Ids,
    repo: Repo,
    people: list[Person],
    project_key: str,
    day: datetime,
    n: int,
    archetype: str,
) -> PullRequest:
    author = rng.choice(people)
    reviewer = rng.choice([p for p in people if p is not author])
    # a PR works on an issue created in the days before it
    recent_issue = int((day - org.start).total_seconds() / 3600 / ISSUE_SPACING_HOURS)
    issue_no = max(1, min(ISSUES_PER_PROJECT, recent_issue - rng.randint(0, 8)))
    kind = rng.random()
    labels: list[str] = []
    title = f"{project_key}-{issue_no} improve {repo.name} flow {n}"
    head_ref = f"feature/{project_key}-{issue_no}-change-{n}"
    if kind < 0.05:
        labels, head_ref = ["hotfix"], f"hotfix/{project_key}-{issue_no}-{n}"
        title = f"{project_key}-{issue_no} hotfix: guard null amount {n}"
    elif kind < 0.08:
        title, head_ref = f'Revert "{project_key}-{issue_no} improve flow"', f"revert-{n}-main"
    first_commit = day - timedelta(hours=rng.uniform(4, 40))
    commits = [
        Commit(
            _sha(repo.name, n, c),
            f"{project_key}-{issue_no} step {c}",
            author.login,
            first_commit + timedelta(hours=c * 2),
            first_commit + timedelta(hours=c * 2),
        )
        for c in range(rng.randint(1, 4))
    ]
    opened = max(day, commits[-1].committed_at + timedelta(minutes=30))
    pickup = rng.uniform(30, 72) if archetype == SLOW_REVIEW_TEAM else rng.uniform(1, 8)
    first_review = opened + timedelta(hours=pickup)
    reviews = [
        Review(
            ids.next("review", 80000000),
            reviewer.login,
            "APPROVED" if rng.random() < 0.8 else "CHANGES_REQUESTED",
            first_review,
            commits[-1].sha,
        )
    ]
    if reviews[0].state == "CHANGES_REQUESTED":
        fix = Commit(
            _sha(repo.name, n, "fix"),
            "address review",
            author.login,
            first_review + timedelta(hours=2),
            first_review + timedelta(hours=2),
        )
        commits.append(fix)
        reviews.append(
            Review(
                ids.next("review", 80000000),
                reviewer.login,
                "APPROVED",
                fix.committed_at + timedelta(hours=1),
                fix.sha,
            )
        )
    merged = reviews[-1].submitted_at + timedelta(hours=rng.uniform(0.5, 6))
    is_merged = merged < org.end - timedelta(hours=12) and rng.random() < 0.93
    method = rng.choice(["squash", "squash", "merge", "rebase"]) if is_merged else None
    closed = merged if is_merged else (opened + timedelta(days=3) if rng.random() < 0.5 else None)
    if closed and closed >= org.end:
        closed = None
    pr = PullRequest(
        id=ids.next("pr", 900000000),
        number=n,
        repo=repo.name,
        title=title,
        body=f"Implements {project_key}-{issue_no}.",
        head_ref=head_ref,
        base_ref="main",
        author_login=author.login,
        labels=labels,
        created_at=opened,
        updated_at=closed or opened + timedelta(hours=1),
        closed_at=closed,
        merged_at=merged if is_merged else None,
        merge_commit_sha=None,
        merge_method=method,
        draft=False,
        additions=rng.randint(5, 400),
        deletions=rng.randint(0, 150),
        commits=commits,
        reviews=reviews,
    )
    if is_merged:
        pr.merge_commit_sha = _landed_commits(pr)[-1].sha
    return pr


def _deploy(
    org: Org,
    rng: random.Random,
    ids: _Ids,
    repo: Repo,
    people: list[Person],
    at: datetime,
    archetype: str,
    month: int,
) -> None:
    sha = repo.history[-1].sha
    if repo.deploy_source == "releases":
        n = ids.next(f"release-{repo.name}")
        org.releases.append(
            Release(
                ids.next("release", 60000000),
                repo.name,
                f"v1.{n}.0",
                sha,
                f"Release 1.{n}",
                rng.choice(people).login,
                at,
                at + timedelta(minutes=20),
                False,
                False,
            )
        )
        return
    if repo.deploy_source == "workflow":
        ok = rng.random() > 0.1
        org.workflow_runs.append(
            WorkflowRun(
                ids.next("run", 30000000),
                repo.name,
                161335,
                "Deploy",
                ".github/workflows/deploy.yml",
                "main",
                sha,
                "push",
                "completed",
                "success" if ok else "failure",
                rng.choice(people).login,
                ids.next(f"run-{repo.name}"),
                at,
                at,
                at + timedelta(minutes=12),
            )
        )
        return
    # failure rate worsens month over month for the fast-but-fragile team
    fail_p = 0.04 + (0.05 * month if archetype == FAST_BUT_FRAGILE_TEAM else 0)
    bot = rng.random() < 0.6
    creator = "deploy-bot[bot]" if bot else rng.choice(people).login
    if rng.random() < 0.25:  # a staging deployment first; excluded downstream
        _add_deployment(org, ids, repo, sha, "staging", creator, bot, at - STAGING_LEAD, "success")
    result = "failure" if rng.random() < fail_p else "success"
    _add_deployment(org, ids, repo, sha, "production", creator, bot, at, result)
    if result == "failure":  # the same sha is redeployed and succeeds
        _add_deployment(
            org, ids, repo, sha, "production", creator, bot, at + timedelta(hours=1), "success"
        )


def _add_deployment(
    org: Org,
    ids: _Ids,
    repo: Repo,
    sha: str,
    environment: str,
    creator: str,
    bot: bool,
    at: datetime,
    result: str,
) -> Deployment:
    statuses = [
        DeploymentStatus(ids.next("dstatus", 70000000), "queued", at, creator, "queued"),
        DeploymentStatus(
            ids.next("dstatus", 70000000),
            "in_progress",
            at + timedelta(minutes=2),
            creator,
            "deploying",
        ),
        DeploymentStatus(
            ids.next("dstatus", 70000000),
            result,  # type: ignore[arg-type]
            at + timedelta(minutes=9),
            creator,
            f"deployment {result}",
        ),
    ]
    deployment = Deployment(
        ids.next("deployment", 40000000),
        repo.name,
        sha,
        "main",
        environment,
        "deploy",
        f"Deploy {sha[:7]}",
        creator,
        bot,
        bot,
        at,
        statuses[-1].created_at,
        statuses,
    )
    org.deployments.append(deployment)
    if environment == "production":
        _add_coverage_status(org, ids, repo, sha, at - timedelta(minutes=20))
    return deployment


def _add_coverage_status(org: Org, ids: _Ids, repo: Repo, sha: str, at: datetime) -> None:
    """The coverage report CI posted on a deployed commit (once per sha), as Codecov words it."""
    if any(s.sha == sha and s.context == COVERAGE_CONTEXT for s in org.commit_statuses):
        return
    coverage = 70 + int(sha[:4], 16) % 1500 / 100  # 70.00 .. 84.99, stable per sha
    org.commit_statuses.append(
        CommitStatus(
            ids.next("commit_status", 90000000),
            repo.name,
            sha,
            COVERAGE_CONTEXT,
            "success",
            f"{coverage:.2f}% (+0.00%) compared to {sha[:7]}",
            at,
            at,
            "codecov[bot]",
        )
    )


def _build_jira(
    org: Org,
    rng: random.Random,
    ids: _Ids,
    team: Team,
    project: Project,
    people: list[Person],
    archetype: str,
) -> None:
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
            _make_issue(
                org, rng, ids, project, people, sprints, versions, n, created, issue_type, labels
            )
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
    org: Org,
    rng: random.Random,
    ids: _Ids,
    project: Project,
    people: list[Person],
    sprints: list[Sprint],
    versions: list[Version],
    n: int,
    created: datetime,
    issue_type: str,
    labels: list[str],
) -> Issue:
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
    sprint = _planned_into(rng, sprints, created, org.end, late_share=0.15)
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
    version = _planned_into(rng, versions, created, org.end, late_share=0.2)
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


def _build_incidents(
    org: Org,
    rng: random.Random,
    ids: _Ids,
    team: Team,
    service: Service,
    archetype: str,
) -> None:
    team_prod = [
        d
        for d in org.deployments
        if d.repo in team.repos
        and d.environment == "production"
        and d.statuses[-1].state == "success"
    ]
    day = org.start + timedelta(days=2)
    while day < org.end - timedelta(days=1):
        month = _month_index(org, day)
        rate = 0.06
        if archetype == IMPROVING_TEAM:
            rate = 0.2 if month < 3 else 0.03
        if archetype == FAST_BUT_FRAGILE_TEAM:
            rate = 0.05 + 0.02 * month
        if rng.random() < rate:
            created = day + timedelta(hours=rng.uniform(0, 20))
            recent = [
                d
                for d in team_prod
                if timedelta(0) < created - d.statuses[-1].created_at <= timedelta(hours=24)
            ]
            title = f"{service.name}: elevated error rate"
            if recent and rng.random() < 0.5:
                title += f" after deploy {recent[-1].sha[:10]}"  # explicit reference
            _add_incident(org, rng, ids, service, created, title, archetype, month)
        day += timedelta(days=1)
    if archetype == FAST_BUT_FRAGILE_TEAM:
        # more of its deployments break production as it speeds up, half of them named
        for deployment in team_prod:
            month = _month_index(org, deployment.created_at)
            if rng.random() < 0.02 + 0.035 * month:
                created = deployment.statuses[-1].created_at + timedelta(hours=rng.uniform(1, 6))
                title = f"{service.name}: payment failures"
                if rng.random() < 0.5:
                    title += f" after deploy {deployment.sha[:10]}"
                if created < org.end:
                    _add_incident(org, rng, ids, service, created, title, archetype, month)


def _add_incident(
    org: Org,
    rng: random.Random,
    ids: _Ids,
    service: Service,
    created: datetime,
    title: str,
    archetype: str,
    month: int,
) -> Incident:
    slow = archetype == IMPROVING_TEAM and month < 3
    ack = created + timedelta(minutes=rng.uniform(2, 30))
    resolved = ack + timedelta(hours=rng.uniform(4, 12) if slow else rng.uniform(0.3, 3))
    if resolved >= org.end:
        resolved = None
    n = ids.next("incident")
    entries = [
        LogEntry(f"R{n:06d}T", "trigger_log_entry", created, "Triggered through the API", None),
        LogEntry(f"R{n:06d}A", "acknowledge_log_entry", ack, "Acknowledged", "PU00001"),
    ]
    if resolved:
        entries.append(LogEntry(f"R{n:06d}R", "resolve_log_entry", resolved, "Resolved", "PU00001"))
    incident = Incident(
        id=f"Q{n:05d}SIM",
        incident_number=n,
        title=title,
        description=title,
        service_id=service.id,
        urgency="high" if rng.random() < 0.6 else "low",
        priority_id=f"PRI{rng.randint(1, 4)}",
        created_at=created,
        updated_at=resolved or ack,
        acknowledged_at=ack,
        resolved_at=resolved,
        incident_key=f"sim-{n}",
        log_entries=entries,
    )
    org.incidents.append(incident)
    return incident


def _build_outcomes(org: Org, rng: random.Random) -> None:
    month = date(org.start.year, org.start.month, 1)
    i = 0
    while month < org.end.date():
        for team in org.teams:
            improving = team.key.startswith(IMPROVING_TEAM)
            # CSAT and churn follow the reliability improvement (from month 3) in the same month
            better = improving and i >= 3
            csat = 4.4 if better else 3.7 if improving else 4.1
            churn = 1.4 if better else 2.6 if improving else 2.0
            org.outcomes.append(
                OutcomeValue(
                    month, team.key, "csat", round(csat + rng.uniform(-0.05, 0.05), 2), "score"
                )
            )
            org.outcomes.append(
                OutcomeValue(
                    month, team.key, "churn_rate", round(churn + rng.uniform(-0.1, 0.1), 2), "pct"
                )
            )
        org.outcomes.append(
            OutcomeValue(
                month,
                "organisation",
                "infra_cost",
                round(42000 + rng.uniform(-1500, 1500), 0),
                "usd",
            )
        )
        org.outcomes.append(
            OutcomeValue(
                month,
                "organisation",
                "transactions",
                round(1_200_000 + 50_000 * i + rng.uniform(0, 9000)),
                "count",
            )
        )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        i += 1


def mutate_org(org: Org, n: int, at: datetime) -> dict[str, int]:
    """Change n records per source as a later read of the APIs would see them."""
    rng = random.Random(org.seed * 1000 + n)
    changed = {"jira_issues": 0, "github_pull_requests": 0, "pagerduty_incidents": 0}
    open_issues = [i for i in org.issues if i.status != "Done"]
    for issue in rng.sample(open_issues, min(n, len(open_issues))):
        issue.changelog.append(
            ChangelogEntry(
                f"m{issue.id}{len(issue.changelog)}",
                issue.reporter_account_id,
                at,
                [
                    ChangeItem(
                        "status",
                        "jira",
                        "status",
                        STATUS_BY_NAME[issue.status].id,
                        issue.status,
                        STATUS_BY_NAME["Done"].id,
                        "Done",
                    )
                ],
            )
        )
        issue.status, issue.updated, issue.resolution_date = "Done", at, at
        changed["jira_issues"] += 1
    for pr in rng.sample(org.pull_requests, min(n, len(org.pull_requests))):
        pr.title = f"{pr.title} (edited)"
        pr.updated_at = at
        changed["github_pull_requests"] += 1
    for incident in rng.sample(org.incidents, min(n, len(org.incidents))):
        # PagerDuty logs every change of an incident: here a responder's note
        note = "postmortem linked"
        entry_id = f"R{incident.incident_number:06d}N{len(incident.log_entries)}"
        incident.log_entries.append(
            LogEntry(entry_id, "annotate_log_entry", at, "Note added", "PU00001", note)
        )
        incident.title = f"{incident.title} [{note}]"
        incident.updated_at = at
        changed["pagerduty_incidents"] += 1
    return changed


def _record_stories(org: Org) -> None:
    def repos_of(team_key: str) -> list[str]:
        return next(t.repos for t in org.teams if t.key == team_key)

    explicit = [i.id for i in org.incidents if "after deploy" in i.title]
    reopened = [
        i.key
        for i in org.issues
        if sum(1 for c in i.changelog for it in c.items if it.to_string == "Done") > 1
    ]
    sprint_start = {sprint.id: sprint.start_date for sprint in org.sprints}
    added = [
        i.key
        for i in org.issues
        for c in i.changelog
        for it in c.items
        if it.field == "Sprint" and c.created > sprint_start[int(it.to_value or 0)]
    ]
    org.stories = [
        PlantedStory(
            "rising_deploys_worsening_cfr",
            f"{FAST_BUT_FRAGILE_TEAM} deploys more often every month while more of its "
            "production deployments fail",
            f"repos {repos_of(FAST_BUT_FRAGILE_TEAM)}",
        ),
        PlantedStory(
            "slow_first_review",
            f"{SLOW_REVIEW_TEAM} PRs wait 30-72 h for a first review (pickup is the "
            "bottleneck); other teams 1-8 h",
            f"repos {repos_of(SLOW_REVIEW_TEAM)}",
        ),
        PlantedStory(
            "incidents_naming_deployments",
            "incidents whose title names the deployed sha (10 chars); others only close "
            "in time to a deployment; others with no deployment in the 24 h before",
            f"{len(explicit)} explicit incidents, e.g. {explicit[:3]}",
        ),
        PlantedStory(
            "reliability_then_outcomes",
            f"{IMPROVING_TEAM} has many slow incidents in months 1-3, few fast ones after;"
            " its CSAT rises and churn falls from that month on",
            "business_outcomes csat/churn_rate per team",
        ),
        PlantedStory(
            "hotfix_and_revert_prs",
            "about 5% of PRs are hotfixes (label hotfix, branch hotfix/), 3% reverts "
            "(branch revert-)",
            "pull requests with label hotfix or branch revert-",
        ),
        PlantedStory(
            "squash_merges",
            "half of merged PRs are squash merges: the merge sha is not among the PR commits",
            "PullRequest.merge_method == squash",
        ),
        PlantedStory(
            "release_and_workflow_deploys",
            "mobile-api deploys through GitHub releases; platform-web through a 'Deploy' workflow",
            "repos mobile-api, platform-web",
        ),
        PlantedStory(
            "failed_then_succeeded",
            "a failed production deployment is followed an hour later by a successful one "
            "of the same sha",
            "deployments with a failure status",
        ),
        PlantedStory(
            "reopened_bugs",
            "bugs moved Done -> In Progress -> Done",
            f"{len(reopened)} issues, e.g. {reopened[:3]}",
        ),
        PlantedStory(
            "sprint_scope_added",
            "issues added to a sprint after it started (Sprint changelog item)",
            f"{len(added)} issues, e.g. {added[:3]}",
        ),
        PlantedStory(
            "late_versions",
            "versions whose last issues were done after the planned release date",
            "each project's released versions",
        ),
        PlantedStory(
            "worklogs",
            "every done issue has 1-3 worklogs of 1-4 h",
            f"{sum(len(i.worklogs) for i in org.issues)} worklogs",
        ),
    ]
