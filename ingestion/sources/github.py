"""GitHub REST: repositories, pull requests (+ reviews, commits), deployments (+ statuses,
compares between successive successful production deployments), releases, workflow runs."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import dlt
import requests
from dlt.sources import DltResource
from dlt.sources.helpers.rest_client import RESTClient

from ingestion.sources.http import is_not_found, source_client

STATUS_CACHE_SIZE = 4096  # deployments whose statuses are kept for the second reader
AUTH_KEY = "SOURCES__GITHUB__ACCESS_TOKEN (sources.github.access_token in .dlt/secrets.toml)"


def _pages(
    client: RESTClient, path: str, params: dict[str, Any], key: str | None = None
) -> Iterator[list[dict[str, Any]]]:
    """Follow the Link header's rel="next" until the last page."""
    url: str | None = path
    query: dict[str, Any] | None = params
    while url:
        response = client.get(url, query)
        body = response.json()
        yield body[key] if key else body
        url, query = response.links.get("next", {}).get("url"), None


@dlt.source(name="github", max_table_nesting=1)
def github_source(
    owner: str = dlt.config.value,
    access_token: str = dlt.secrets.value,
    base_url: str = "https://api.github.com",
    repos: list[str] | None = None,
    start_date: str = "2000-01-01T00:00:00Z",
    production_environments: list[str] | None = None,
    page_size: int = 100,
) -> list[DltResource]:
    client = source_client(
        "github",
        base_url,
        AUTH_KEY,
        headers={
            "Authorization": f"Bearer {access_token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        },
    )
    production = set(production_environments or ["production", "prod"])

    @dlt.resource(primary_key="id", write_disposition="merge")
    def repositories() -> Iterator[list[dict[str, Any]]]:
        for page in _pages(client, f"/orgs/{owner}/repos", {"per_page": page_size}):
            yield [r for r in page if not repos or r["name"] in repos]

    @dlt.transformer(
        data_from=repositories,
        primary_key="id",
        write_disposition="merge",
        columns={
            "merged_at": {"data_type": "timestamp"},
            "closed_at": {"data_type": "timestamp"},
            "merge_commit_sha": {"data_type": "text"},
            "body": {"data_type": "text"},
        },
    )
    def pull_requests(
        repo_page: list[dict[str, Any]],
        updated_at: dlt.sources.incremental[str] = dlt.sources.incremental(
            "updated_at", initial_value=start_date
        ),
    ) -> Iterator[list[dict[str, Any]]]:
        for repo in repo_page:
            params = {"state": "all", "sort": "updated", "direction": "desc", "per_page": page_size}
            for page in _pages(client, f"/repos/{owner}/{repo['name']}/pulls", params):
                fresh = [p for p in page if p["updated_at"] >= updated_at.start_value]
                # the detail payload carries additions/deletions/merged that the list lacks
                yield [
                    client.get(f"/repos/{owner}/{repo['name']}/pulls/{p['number']}").json()
                    | {"repo": repo["name"]}
                    for p in fresh
                ]
                if len(fresh) < len(page):  # sorted newest first: the rest is older
                    break

    def pull_request_children(
        prs: list[dict[str, Any]], endpoint: str
    ) -> Iterator[list[dict[str, Any]]]:
        """Every page of /pulls/{n}/<endpoint> of each PR, keyed to the PR."""
        for pr in prs:
            path = f"/repos/{owner}/{pr['repo']}/pulls/{pr['number']}/{endpoint}"
            keys = {"repo": pr["repo"], "pull_number": pr["number"], "pull_request_id": pr["id"]}
            for page in _pages(client, path, {"per_page": page_size}):
                yield [item | keys for item in page]

    @dlt.transformer(data_from=pull_requests, primary_key="id", write_disposition="merge")
    def pull_request_reviews(prs: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        yield from pull_request_children(prs, "reviews")

    @dlt.transformer(
        data_from=pull_requests, primary_key=("pull_request_id", "sha"), write_disposition="merge"
    )
    def pull_request_commits(prs: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        yield from pull_request_children(prs, "commits")

    @dlt.transformer(
        data_from=repositories,
        primary_key="id",
        write_disposition="merge",
        columns={"description": {"data_type": "text"}},
    )
    def deployments(
        repo_page: list[dict[str, Any]],
        updated_at: dlt.sources.incremental[str] = dlt.sources.incremental(
            "updated_at", initial_value=start_date
        ),
    ) -> Iterator[list[dict[str, Any]]]:
        for repo in repo_page:
            rows = [
                d | {"repo": repo["name"]}
                for page in _pages(
                    client, f"/repos/{owner}/{repo['name']}/deployments", {"per_page": page_size}
                )
                for d in page
                if d["updated_at"] >= updated_at.start_value
            ]
            # oldest first, so compares see each repo's deployments in the order they happened
            yield sorted(rows, key=lambda d: (d["created_at"], d["id"]))

    # deployment_statuses and compares both need the statuses of the same page of deployments:
    # fetched once, the second reader takes them from here
    @functools.lru_cache(maxsize=STATUS_CACHE_SIZE)
    def statuses_of(repo: str, deployment_id: int) -> tuple[dict[str, Any], ...]:
        path = f"/repos/{owner}/{repo}/deployments/{deployment_id}/statuses"
        return tuple(s for page in _pages(client, path, {"per_page": page_size}) for s in page)

    @dlt.transformer(data_from=deployments, primary_key="id", write_disposition="merge")
    def deployment_statuses(deps: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        for dep in deps:
            keys = {"repo": dep["repo"], "deployment_id": dep["id"]}
            yield [status | keys for status in statuses_of(dep["repo"], dep["id"])]

    @dlt.transformer(
        data_from=deployments, primary_key=("repo", "base", "head"), write_disposition="merge"
    )
    def compares(deps: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Commits between each successful production deployment and the previous one."""
        last_sha: dict[str, str] = dlt.current.resource_state().setdefault("last_success_sha", {})
        for dep in deps:
            if dep["environment"] not in production:
                continue
            if all(s["state"] != "success" for s in statuses_of(dep["repo"], dep["id"])):
                continue
            base = last_sha.get(dep["repo"])
            last_sha[dep["repo"]] = dep["sha"]
            if base and base != dep["sha"]:
                body = client.get(
                    f"/repos/{owner}/{dep['repo']}/compare/{base}...{dep['sha']}"
                ).json()
                yield {
                    "repo": dep["repo"],
                    "base": base,
                    "head": dep["sha"],
                    "deployment_id": dep["id"],
                    "status": body["status"],
                    "total_commits": body["total_commits"],
                    "commits": [
                        {
                            "sha": c["sha"],
                            "message": c["commit"]["message"],
                            "authored_at": c["commit"]["author"]["date"],
                        }
                        for c in body["commits"]
                    ],
                }

    @dlt.transformer(
        data_from=deployments,
        primary_key="id",
        write_disposition="merge",
        columns={"description": {"data_type": "text"}},
    )
    def commit_statuses(deps: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        """Commit statuses (CI checks, coverage reports) of each deployed production sha."""
        for repo, sha in dict.fromkeys(
            (d["repo"], d["sha"]) for d in deps if d["environment"] in production
        ):
            try:
                body = client.get(f"/repos/{owner}/{repo}/commits/{sha}/status").json()
            except requests.HTTPError as error:
                if is_not_found(error):  # the sha no longer exists: it has no statuses
                    continue
                raise
            yield [s | {"repo": repo, "sha": body.get("sha", sha)} for s in body["statuses"]]

    @dlt.transformer(
        data_from=repositories,
        primary_key="id",
        write_disposition="merge",
        columns={"published_at": {"data_type": "timestamp"}},
    )
    def releases(repo_page: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        for repo in repo_page:
            for page in _pages(
                client, f"/repos/{owner}/{repo['name']}/releases", {"per_page": page_size}
            ):
                yield [r | {"repo": repo["name"]} for r in page]

    @dlt.transformer(
        data_from=repositories,
        primary_key="id",
        write_disposition="merge",
        columns={"conclusion": {"data_type": "text"}},
    )
    def workflow_runs(
        repo_page: list[dict[str, Any]],
        updated_at: dlt.sources.incremental[str] = dlt.sources.incremental(
            "updated_at", initial_value=start_date
        ),
    ) -> Iterator[list[dict[str, Any]]]:
        for repo in repo_page:
            for page in _pages(
                client,
                f"/repos/{owner}/{repo['name']}/actions/runs",
                {"per_page": page_size, "branch": repo["default_branch"]},
                key="workflow_runs",
            ):
                fresh = [
                    r | {"repo": repo["name"]}
                    for r in page
                    if r["updated_at"] >= updated_at.start_value
                ]
                yield fresh
                if len(fresh) < len(page):
                    break

    return [
        repositories,
        pull_requests,
        pull_request_reviews,
        pull_request_commits,
        deployments,
        deployment_statuses,
        commit_statuses,
        compares,
        releases,
        workflow_runs,
    ]
