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
from ingestion.simulator.model import Deployment, Org, Repo

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


def list_deployments(org: Org, m: re.Match[str], q: server.Query, base: str):
    _repo(org, m["repo"])
    env = server.param(q, "environment")
    deps = [d for d in org.deployments if d.repo == m["repo"] and env in (None, d.environment)]
    deps.sort(key=lambda d: d.id, reverse=True)
    return _paginate([_deployment_json(d) for d in deps], q, base, m.group(0))


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


ROUTES: list[tuple[str, server.Handler]] = [
    (r"/orgs/(?P<org>[^/]+)/repos", list_repos),
    (r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/deployments", list_deployments),
    (r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/releases", list_releases),
    (r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/actions/runs", list_runs),
]

POST_ROUTES = github_graphql.POST_ROUTES
