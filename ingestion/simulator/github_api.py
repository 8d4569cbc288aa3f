"""GitHub REST v3 as the simulator serves it: bare arrays, Link-header pagination, Bearer auth.
GraphQL (`POST /graphql`) lives in `github_graphql`; its route is re-exported here."""

from __future__ import annotations

import re
import time
import zlib
from datetime import datetime
from email.message import Message
from typing import Any
from urllib.parse import urlencode

from ingestion.simulator import common as server
from ingestion.simulator import github_graphql
from ingestion.simulator.model import Commit, Deployment, Org, PullRequest, Repo

UNAUTHORIZED = {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}
# The documented-fields mode leaves nothing out: every REST field served is in GitHub's own
# examples of its endpoint (sparser objects than those), and GraphQL is checked against the
# published schema.
UNDOCUMENTED: dict[str, tuple[str, ...]] = {}
PER_PAGE_DEFAULT, PER_PAGE_MAX = 30, 100


def authorized(headers: Message, creds: server.Credentials) -> bool:
    value = headers.get("Authorization", "")
    return value in (f"Bearer {creds.github_token}", f"token {creds.github_token}")


def rate_limited(retry_after: int) -> tuple[int, dict[str, str]]:
    """Primary rate limit: 403 with remaining 0 and the reset epoch (as GitHub answers)."""
    reset = int(time.time()) + retry_after
    return 403, {
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": str(reset),
        "x-ratelimit-used": "5000",
        "x-ratelimit-resource": "core",
    }


def default_headers() -> dict[str, str]:
    return {
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "4999",
        "x-ratelimit-reset": str(int(time.time()) + 3600),
        "x-ratelimit-used": "1",
        "x-ratelimit-resource": "core",
    }


def ts(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def _user(login: str) -> dict[str, Any]:
    bot = login.endswith("[bot]")
    return {
        "login": login,
        "id": zlib.crc32(login.encode()) % 10_000_000,
        "type": "Bot" if bot else "User",
        "site_admin": False,
        "url": f"https://api.github.com/users/{login}",
    }


def _repo(org: Org, name: str) -> Repo:
    repo = next((r for r in org.repos if r.name == name), None)
    if repo is None:
        raise server.NotFound(name)
    return repo


def _paginate(
    items: list[Any], query: server.Query, base_url: str, path: str
) -> tuple[list[Any], dict[str, str]]:
    per_page = server.page_bounds(query, "per_page", PER_PAGE_DEFAULT, PER_PAGE_MAX)
    page = max(1, int(server.param(query, "page", "1") or 1))
    last = max(1, -(-len(items) // per_page))
    links = []

    def url(p: int) -> str:
        params = {k: v[0] for k, v in query.items() if k != "page"}
        return f"{base_url}{path}?{urlencode({**params, 'page': p})}"

    if page < last:
        links.append(f'<{url(page + 1)}>; rel="next"')
        links.append(f'<{url(last)}>; rel="last"')
    if page > 1:
        links.append(f'<{url(1)}>; rel="first"')
        links.append(f'<{url(page - 1)}>; rel="prev"')
    return items[(page - 1) * per_page : page * per_page], (
        {"Link": ", ".join(links)} if links else {}
    )


def _repo_json(org: Org, repo: Repo) -> dict[str, Any]:
    return {
        "id": repo.id,
        "name": repo.name,
        "full_name": f"{org.github_org}/{repo.name}",
        "html_url": f"https://github.com/{org.github_org}/{repo.name}",
        "private": True,
        "owner": _user(org.github_org),
        "default_branch": repo.default_branch,
        "created_at": ts(repo.created_at),
        "updated_at": ts(org.end),
        "pushed_at": ts(repo.history[-1].committed_at if repo.history else repo.created_at),
        "archived": False,
        "language": None,
    }


def _pr_json(org: Org, pr: PullRequest, detail: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": pr.id,
        "number": pr.number,
        "html_url": f"https://github.com/{org.github_org}/{pr.repo}/pull/{pr.number}",
        "state": pr.state,
        "title": pr.title,
        "body": pr.body,
        "user": _user(pr.author_login),
        "labels": [{"name": n, "color": "ededed"} for n in pr.labels],
        "created_at": ts(pr.created_at),
        "updated_at": ts(pr.updated_at),
        "closed_at": ts(pr.closed_at),
        "merged_at": ts(pr.merged_at),
        "merge_commit_sha": pr.merge_commit_sha,
        "draft": pr.draft,
        "auto_merge": None,
        "head": {
            "ref": pr.head_ref,
            "sha": pr.commits[-1].sha,
            "label": f"{org.github_org}:{pr.head_ref}",
        },
        "base": {"ref": pr.base_ref, "sha": None, "label": f"{org.github_org}:{pr.base_ref}"},
    }
    if detail:
        body |= {
            "merged": pr.merged_at is not None,
            "additions": pr.additions,
            "deletions": pr.deletions,
            "changed_files": max(1, pr.additions // 40),
            "commits": len(pr.commits),
        }
    return body


def _commit_json(commit: Commit) -> dict[str, Any]:
    return {
        "sha": commit.sha,
        "commit": {
            "message": commit.message,
            "author": {"name": commit.author_login, "date": ts(commit.authored_at)},
            "committer": {"name": commit.author_login, "date": ts(commit.committed_at)},
        },
        "author": _user(commit.author_login),
        "parents": [{"sha": p} for p in commit.parents],
    }


def _deployment_json(d: Deployment) -> dict[str, Any]:
    return {
        "id": d.id,
        "sha": d.sha,
        "ref": d.ref,
        "task": d.task,
        "payload": {},
        "original_environment": d.environment,
        "environment": d.environment,
        "description": d.description,
        "creator": _user(d.creator_login),
        "created_at": ts(d.created_at),
        "updated_at": ts(d.updated_at),
        "transient_environment": False,
        "production_environment": d.environment == "production",
        "performed_via_github_app": {"id": 1, "slug": "deploy-bot", "name": "Deploy Bot"}
        if d.via_github_app
        else None,
    }


def list_repos(org: Org, m: re.Match[str], q: server.Query, base: str):
    return _paginate([_repo_json(org, r) for r in org.repos], q, base, m.group(0))


def get_repo(org: Org, m: re.Match[str], q: server.Query, base: str):
    return _repo_json(org, _repo(org, m["repo"])), {}


def list_pulls(org: Org, m: re.Match[str], q: server.Query, base: str):
    _repo(org, m["repo"])
    state = server.param(q, "state", "open")
    prs = [p for p in org.pull_requests if p.repo == m["repo"] and state in ("all", p.state)]
    key = {"created": lambda p: p.created_at}.get(
        server.param(q, "sort", "created") or "", lambda p: p.updated_at
    )
    prs.sort(
        key=lambda p: (key(p), p.number), reverse=server.param(q, "direction", "desc") != "asc"
    )
    return _paginate([_pr_json(org, p, False) for p in prs], q, base, m.group(0))


def _pr(org: Org, m: re.Match[str]) -> PullRequest:
    pr = next(
        (p for p in org.pull_requests if p.repo == m["repo"] and p.number == int(m["number"])), None
    )
    if pr is None:
        raise server.NotFound(m.group(0))
    return pr


def get_pull(org: Org, m: re.Match[str], q: server.Query, base: str):
    return _pr_json(org, _pr(org, m), True), {}


def list_reviews(org: Org, m: re.Match[str], q: server.Query, base: str):
    reviews = [
        {
            "id": r.id,
            "user": _user(r.user_login),
            "state": r.state,
            "body": "",
            "submitted_at": ts(r.submitted_at),
            "commit_id": r.commit_id,
        }
        for r in _pr(org, m).reviews
    ]
    return _paginate(reviews, q, base, m.group(0))


def list_pr_commits(org: Org, m: re.Match[str], q: server.Query, base: str):
    return _paginate([_commit_json(c) for c in _pr(org, m).commits], q, base, m.group(0))


def list_deployments(org: Org, m: re.Match[str], q: server.Query, base: str):
    _repo(org, m["repo"])
    env = server.param(q, "environment")
    deps = [d for d in org.deployments if d.repo == m["repo"] and env in (None, d.environment)]
    deps.sort(key=lambda d: d.id, reverse=True)
    return _paginate([_deployment_json(d) for d in deps], q, base, m.group(0))


def list_statuses(org: Org, m: re.Match[str], q: server.Query, base: str):
    dep = next((d for d in org.deployments if d.id == int(m["id"]) and d.repo == m["repo"]), None)
    if dep is None:
        raise server.NotFound(m.group(0))
    statuses = [
        {
            "id": s.id,
            "state": s.state,
            "description": s.description,
            "environment": dep.environment,
            "creator": _user(s.creator_login),
            "created_at": ts(s.created_at),
            "updated_at": ts(s.created_at),
            "log_url": "",
            "environment_url": "",
        }
        for s in reversed(dep.statuses)
    ]
    return _paginate(statuses, q, base, m.group(0))


def compare(org: Org, m: re.Match[str], q: server.Query, base: str):
    repo = _repo(org, m["repo"])
    shas = [c.sha for c in repo.history]
    if m["base"] not in shas or m["head"] not in shas:
        raise server.NotFound(m.group(0))
    lo, hi = shas.index(m["base"]), shas.index(m["head"])
    commits = repo.history[lo + 1 : hi + 1]
    status = "identical" if lo == hi else ("ahead" if hi > lo else "behind")
    return {
        "url": f"{base}{m.group(0)}",
        "status": status,
        "ahead_by": max(0, hi - lo),
        "behind_by": max(0, lo - hi),
        "total_commits": len(commits),
        "base_commit": _commit_json(repo.history[lo]),
        "merge_base_commit": _commit_json(repo.history[min(lo, hi)]),
        "commits": [_commit_json(c) for c in commits],
        "files": [],
    }, {}


def list_releases(org: Org, m: re.Match[str], q: server.Query, base: str):
    _repo(org, m["repo"])
    rels = sorted(
        (r for r in org.releases if r.repo == m["repo"]), key=lambda r: r.created_at, reverse=True
    )
    return _paginate(
        [
            {
                "id": r.id,
                "tag_name": r.tag_name,
                "target_commitish": r.target_commitish,
                "name": r.name,
                "draft": r.draft,
                "prerelease": r.prerelease,
                "author": _user(r.author_login),
                "created_at": ts(r.created_at),
                "published_at": ts(r.published_at),
                "body": None,
            }
            for r in rels
        ],
        q,
        base,
        m.group(0),
    )


def list_runs(org: Org, m: re.Match[str], q: server.Query, base: str):
    _repo(org, m["repo"])
    branch = server.param(q, "branch")
    runs = sorted(
        (r for r in org.workflow_runs if r.repo == m["repo"] and branch in (None, r.head_branch)),
        key=lambda r: r.created_at,
        reverse=True,
    )
    items = [
        {
            "id": r.id,
            "name": r.name,
            "path": r.path,
            "workflow_id": r.workflow_id,
            "head_branch": r.head_branch,
            "head_sha": r.head_sha,
            "event": r.event,
            "status": r.status,
            "conclusion": r.conclusion,
            "run_number": r.run_number,
            "run_attempt": 1,
            "actor": _user(r.actor_login),
            "triggering_actor": _user(r.actor_login),
            "created_at": ts(r.created_at),
            "updated_at": ts(r.updated_at),
            "run_started_at": ts(r.run_started_at),
            "display_title": r.name,
        }
        for r in runs
    ]
    page, headers = _paginate(items, q, base, m.group(0))
    return {"total_count": len(items), "workflow_runs": page}, headers


def combined_status(org: Org, m: re.Match[str], q: server.Query, base: str):
    """GET /repos/{owner}/{repo}/commits/{ref}/status: a sha (or prefix) or a branch name,
    which stands for the repository's latest status."""
    repo = _repo(org, m["repo"])
    statuses = [s for s in org.commit_statuses if s.repo == repo.name]
    by_sha = [s for s in statuses if s.sha.startswith(m["ref"])]
    if not by_sha and m["ref"] == repo.default_branch and statuses:
        latest = max(statuses, key=lambda s: s.created_at)
        by_sha = [s for s in statuses if s.sha == latest.sha]
    sha = by_sha[0].sha if by_sha else m["ref"]
    url = f"{base}/repos/{org.github_org}/{repo.name}"
    items = [
        {
            "url": f"{url}/statuses/{s.sha}",
            "id": s.id,
            "node_id": f"SC_{s.id}",
            "state": s.state,
            "description": s.description,
            "target_url": None,
            "context": s.context,
            "created_at": ts(s.created_at),
            "updated_at": ts(s.updated_at),
        }
        for s in sorted(by_sha, key=lambda s: s.created_at, reverse=True)
    ]
    states = {s.state for s in by_sha}
    state = (
        "failure"
        if states & {"failure", "error"}
        else "pending"
        if "pending" in states or not states
        else "success"
    )
    body = {
        "state": state,
        "statuses": items,
        "sha": sha,
        "total_count": len(items),
        "repository": _repo_json(org, repo),
        "commit_url": f"{url}/commits/{sha}",
        "url": f"{url}/commits/{sha}/status",
    }
    return body, {}


ROUTES: list[tuple[str, server.Handler]] = [
    (r"/orgs/(?P<org>[^/]+)/repos", list_repos),
    (r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)", get_repo),
    (r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/pulls", list_pulls),
    (r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/pulls/(?P<number>\d+)", get_pull),
    (r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/pulls/(?P<number>\d+)/reviews", list_reviews),
    (r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/pulls/(?P<number>\d+)/commits", list_pr_commits),
    (r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/deployments", list_deployments),
    (r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/deployments/(?P<id>\d+)/statuses", list_statuses),
    (
        r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/compare/(?P<base>[0-9a-f]+)\.\.\.(?P<head>[0-9a-f]+)",
        compare,
    ),
    (r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/releases", list_releases),
    (r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/commits/(?P<ref>[^/]+)/status", combined_status),
    (r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/actions/runs", list_runs),
]

POST_ROUTES = github_graphql.POST_ROUTES
