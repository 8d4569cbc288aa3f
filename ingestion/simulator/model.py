"""The synthetic organisation's entities, vendor-neutral.

The `org` package fills these from a seed; the API modules render them into each vendor's payload
shapes. All datetimes are timezone-aware UTC; each API module formats them the way its
vendor does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

DeploySource = Literal["deployments", "releases", "workflow"]


@dataclass
class Person:
    account_id: str  # Jira accountId
    login: str  # GitHub login
    display_name: str
    email: str
    team_key: str
    pagerduty_user_id: str
    github_user_id: int


@dataclass
class Team:
    key: str  # e.g. "payments"; the team key used by seeds and marts
    name: str
    jira_project_key: str
    jira_board_id: int
    repos: list[str]  # repo names (without owner)
    pagerduty_team_id: str
    pagerduty_service_ids: list[str]


# ---------------------------------------------------------------- GitHub
@dataclass
class Commit:
    sha: str
    message: str
    author_login: str
    authored_at: datetime
    committed_at: datetime
    parents: list[str] = field(default_factory=list)


@dataclass
class Review:
    id: int
    user_login: str
    state: Literal["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"]
    submitted_at: datetime
    commit_id: str


@dataclass
class PullRequest:
    id: int
    number: int
    repo: str
    title: str
    body: str | None
    head_ref: str
    base_ref: str
    author_login: str
    labels: list[str]
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    merged_at: datetime | None
    merge_commit_sha: str | None
    merge_method: Literal["merge", "squash", "rebase"] | None
    draft: bool
    additions: int
    deletions: int
    commits: list[Commit]
    reviews: list[Review]

    @property
    def state(self) -> str:
        return "closed" if self.closed_at else "open"


@dataclass
class DeploymentStatus:
    id: int
    state: Literal["queued", "pending", "in_progress", "success", "failure", "error", "inactive"]
    created_at: datetime
    creator_login: str
    description: str


@dataclass
class Deployment:
    id: int
    repo: str
    sha: str
    ref: str
    environment: str
    task: str
    description: str | None
    creator_login: str
    creator_is_bot: bool
    via_github_app: bool
    created_at: datetime
    updated_at: datetime
    statuses: list[DeploymentStatus]  # oldest first; the API lists newest first


@dataclass
class Release:
    id: int
    repo: str
    tag_name: str
    target_commitish: str  # a sha
    name: str
    author_login: str
    created_at: datetime
    published_at: datetime | None
    draft: bool
    prerelease: bool


@dataclass
class WorkflowRun:
    id: int
    repo: str
    workflow_id: int
    name: str
    path: str
    head_branch: str
    head_sha: str
    event: str
    status: Literal["queued", "in_progress", "completed"]
    conclusion: str | None
    actor_login: str
    run_number: int
    created_at: datetime
    run_started_at: datetime
    updated_at: datetime


@dataclass
class CommitStatus:
    id: int
    repo: str
    sha: str
    context: str
    state: Literal["error", "failure", "pending", "success"]
    description: str | None
    created_at: datetime
    updated_at: datetime
    creator_login: str


@dataclass
class Repo:
    id: int
    name: str
    team_key: str
    default_branch: str
    deploy_source: DeploySource
    created_at: datetime
    # commits on the default branch in order, oldest first; compare walks this list
    history: list[Commit] = field(default_factory=list)


# ---------------------------------------------------------------- Jira
@dataclass
class ChangeItem:
    field: str  # "status", "Sprint", "Fix Version", "labels", "resolution", ...
    fieldtype: str  # "jira" | "custom"
    field_id: str | None
    from_value: str | None
    from_string: str | None
    to_value: str | None
    to_string: str | None


@dataclass
class ChangelogEntry:
    id: str
    author_account_id: str
    created: datetime
    items: list[ChangeItem]


@dataclass
class Worklog:
    id: str
    issue_id: str
    author_account_id: str
    started: datetime
    time_spent_seconds: int
    created: datetime
    updated: datetime


@dataclass
class JiraStatus:
    id: str
    name: str
    category_key: Literal["new", "indeterminate", "done"]


@dataclass
class Issue:
    id: str
    key: str
    project_key: str
    issue_type: str  # "Story", "Bug", "Task", "Epic", "Incident", ...
    summary: str
    status: str  # current status name; history in changelog
    priority: str  # "Highest", "High", "Medium", "Low", "Lowest"
    labels: list[str]
    created: datetime
    updated: datetime
    resolution_date: datetime | None
    due_date: date | None
    story_points: float | None
    assignee_account_id: str | None
    reporter_account_id: str
    fix_version_ids: list[str]
    sprint_ids: list[int]  # current membership (customfield_10020)
    changelog: list[ChangelogEntry]  # oldest first
    worklogs: list[Worklog]


@dataclass
class Project:
    id: str
    key: str
    name: str
    lead_account_id: str


@dataclass
class Version:
    id: str
    project_id: int
    name: str
    description: str
    start_date: date | None
    release_date: date | None
    released: bool
    archived: bool
    # when the release was actually made (drives "released late"); not in the API payload
    actual_release_date: date | None


@dataclass
class Board:
    id: int
    name: str
    project_key: str
    type: Literal["scrum", "kanban"]


@dataclass
class Sprint:
    id: int
    board_id: int
    name: str
    state: Literal["future", "active", "closed"]
    start_date: datetime | None
    end_date: datetime | None
    complete_date: datetime | None
    goal: str


# ---------------------------------------------------------------- PagerDuty
@dataclass
class PagerDutyTeam:
    id: str
    name: str
    description: str


@dataclass
class Service:
    id: str
    name: str
    description: str
    team_id: str
    escalation_policy_id: str
    created_at: datetime
    status: str


@dataclass
class Priority:
    id: str
    name: str  # "P1".."P5"
    order: int


@dataclass
class LogEntry:
    id: str
    type: Literal[
        "trigger_log_entry",
        "acknowledge_log_entry",
        "annotate_log_entry",
        "escalate_log_entry",
        "resolve_log_entry",
        "notify_log_entry",
    ]
    created_at: datetime
    summary: str
    agent_user_id: str | None  # None: the service/integration did it
    note: str | None = None  # annotate entries carry the note text


@dataclass
class Incident:
    id: str
    incident_number: int
    title: str
    description: str
    service_id: str
    urgency: Literal["high", "low"]
    priority_id: str | None
    created_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    incident_key: str
    log_entries: list[LogEntry]  # oldest first

    @property
    def status(self) -> str:
        if self.resolved_at:
            return "resolved"
        return "acknowledged" if self.acknowledged_at else "triggered"


# ---------------------------------------------------------------- business
@dataclass
class OutcomeValue:
    month: date  # first day of the month
    team_key: str  # or a product key; "organisation" for company-wide measures
    measure: str  # "csat", "churn_rate", "revenue", "nps", "uptime", "infra_cost", "transactions"
    value: float
    unit: str


@dataclass
class PlantedStory:
    key: str
    summary: str  # what a stakeholder should see in the marts
    evidence: str  # the ids/keys/months that carry it


@dataclass
class Org:
    seed: int
    scale: int
    github_org: str
    jira_site: str
    start: datetime
    end: datetime
    people: list[Person]
    teams: list[Team]
    repos: list[Repo]
    pull_requests: list[PullRequest]
    deployments: list[Deployment]
    releases: list[Release]
    workflow_runs: list[WorkflowRun]
    commit_statuses: list[CommitStatus]
    jira_statuses: list[JiraStatus]
    projects: list[Project]
    versions: list[Version]
    boards: list[Board]
    sprints: list[Sprint]
    issues: list[Issue]
    pagerduty_teams: list[PagerDutyTeam]
    services: list[Service]
    priorities: list[Priority]
    incidents: list[Incident]
    outcomes: list[OutcomeValue]
    stories: list[PlantedStory]
