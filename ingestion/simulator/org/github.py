"""GitHub: each repo's pull requests, the default branch they land on, and its deployments
(deployments API, releases or a deploy workflow) with the coverage status CI posts."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from ingestion.simulator.model import (
    Commit,
    CommitStatus,
    Deployment,
    DeploymentStatus,
    PullRequest,
    Release,
    Repo,
    Review,
    WorkflowRun,
)
from ingestion.simulator.org.context import (
    FAST_BUT_FRAGILE_TEAM,
    ISSUE_SPACING_HOURS,
    ISSUES_PER_PROJECT,
    SLOW_REVIEW_TEAM,
    BuildContext,
    Crew,
    month_index,
    stable_sha,
)

COVERAGE_CONTEXT = "coverage/codecov"
# how long before a production deployment its sha may be deployed to staging
STAGING_LEAD = timedelta(hours=1)


def build_repo_activity(ctx: BuildContext, crew: Crew, repo: Repo) -> None:
    org, rng = ctx.org, ctx.rng
    day = org.start + timedelta(hours=9)
    pending: list[PullRequest] = []
    last_deploy = org.start
    pr_n = 0
    while day < org.end - timedelta(days=1):
        month = month_index(org, day)
        # payments ships ever more often; everyone else steadily
        per_week = 4 + (2 * month if crew.archetype == FAST_BUT_FRAGILE_TEAM else 0)
        if rng.random() < per_week / 7:
            pr_n += 1
            pr = _make_pr(ctx, crew, repo, day=day, n=pr_n)
            org.pull_requests.append(pr)
            if pr.merged_at:
                pending.append(pr)
        deploy_at = day + timedelta(hours=6)
        # the release is cut when staging deploys, an hour before production
        _merge_until(repo, pending, deploy_at - STAGING_LEAD)
        deploy_every = 2 if crew.archetype == FAST_BUT_FRAGILE_TEAM and month >= 3 else 3
        if (day - last_deploy).days >= deploy_every and repo.history:
            _deploy(ctx, crew, repo, at=deploy_at, month=month)
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
                stable_sha(pr.repo, pr.number, "squash"),
                f"{pr.title} (#{pr.number})",
                pr.author_login,
                pr.commits[0].authored_at,
                merged,
                [],
            )
        ]
    if pr.merge_method == "merge":
        merge = Commit(
            stable_sha(pr.repo, pr.number, "merge"),
            f"Merge pull request #{pr.number}",
            pr.author_login,
            merged,
            merged,
            [pr.commits[-1].sha],
        )
        return [*pr.commits, merge]
    return [
        Commit(stable_sha(c.sha, "rebased"), c.message, c.author_login, c.authored_at, merged)
        for c in pr.commits
    ]


def _make_pr(ctx: BuildContext, crew: Crew, repo: Repo, *, day: datetime, n: int) -> PullRequest:
    org, rng, ids, people = ctx.org, ctx.rng, ctx.ids, crew.people
    project_key = crew.team.jira_project_key
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
            stable_sha(repo.name, n, c),
            f"{project_key}-{issue_no} step {c}",
            author.login,
            first_commit + timedelta(hours=c * 2),
            first_commit + timedelta(hours=c * 2),
        )
        for c in range(rng.randint(1, 4))
    ]
    opened = max(day, commits[-1].committed_at + timedelta(minutes=30))
    pickup = rng.uniform(30, 72) if crew.archetype == SLOW_REVIEW_TEAM else rng.uniform(1, 8)
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
            stable_sha(repo.name, n, "fix"),
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


def _deploy(ctx: BuildContext, crew: Crew, repo: Repo, *, at: datetime, month: int) -> None:
    org, rng, ids, people = ctx.org, ctx.rng, ctx.ids, crew.people
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
    fail_p = 0.04 + (0.05 * month if crew.archetype == FAST_BUT_FRAGILE_TEAM else 0)
    bot = rng.random() < 0.6
    creator = "deploy-bot[bot]" if bot else rng.choice(people).login
    # one sha, one creator: only the environment, time and result differ between attempts
    add = partial(_add_deployment, ctx, repo, sha=sha, creator=creator, bot=bot)
    if rng.random() < 0.25:  # a staging deployment first; excluded downstream
        add(environment="staging", at=at - STAGING_LEAD, result="success")
    result = "failure" if rng.random() < fail_p else "success"
    add(environment="production", at=at, result=result)
    if result == "failure":  # the same sha is redeployed and succeeds
        add(environment="production", at=at + timedelta(hours=1), result="success")


def _add_deployment(
    ctx: BuildContext,
    repo: Repo,
    *,
    sha: str,
    environment: str,
    creator: str,
    bot: bool,
    at: datetime,
    result: str,
) -> Deployment:
    org, ids = ctx.org, ctx.ids
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
        _add_coverage_status(ctx, repo, sha=sha, at=at - timedelta(minutes=20))
    return deployment


def _add_coverage_status(ctx: BuildContext, repo: Repo, *, sha: str, at: datetime) -> None:
    """The coverage report CI posted on a deployed commit (once per sha), as Codecov words it."""
    org, ids = ctx.org, ctx.ids
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
