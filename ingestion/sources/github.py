"""GitHub: pull requests (+ reviews, commits, labels) and deployments (+ statuses) through
GraphQL, with the default branch's history for the commits each production deployment shipped
and for commit statuses; repositories, releases and workflow runs through REST.

One GraphQL query per repository returns the first page of its pull requests, deployments and
default-branch history; only longer lists cost further queries. Every stream keeps its cursor
per repository in the resource state (never a dlt incremental in a transformer: dlt re-binds
it per parent page, dlt#2429). Rows keep GitHub REST's field names, which the staging models
read (`ingestion/sources/github_rows.py`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

import dlt
from dlt.sources import DltResource
from dlt.sources.helpers.rest_client.paginators import HeaderLinkPaginator

from ingestion.config import production_environments
from ingestion.sources import github_rows as rows
from ingestion.sources.dates import parse_start_date
from ingestion.sources.github_graphql import Connection, GraphQL, Node, literal
from ingestion.sources.http import paginate, source_client

AUTH_KEY = "SOURCES__GITHUB__ACCESS_TOKEN (sources.github.access_token in .dlt/secrets.toml)"
REPOS_KEY = "sources.github.repos"
START_KEY = "sources.github.start_date"
GITHUB_TIME = "%Y-%m-%dT%H:%M:%SZ"
# Deployments and workflow runs are listed by creation time but change afterwards (statuses,
# conclusions): an incremental run re-reads the ones created this long before its cursor.
REOPEN = timedelta(days=2)

ACTOR = "login __typename"
LABELS = Connection("labels", "name color")
REVIEWS = Connection(
    "reviews", f"fullDatabaseId state body submittedAt commit {{ oid }} author {{ {ACTOR} }}"
)
COMMITS = Connection(
    "commits",
    "commit { oid message authoredDate committedDate "
    "author { name user { login } } committer { name } }",
)
STATUSES = Connection(
    "statuses",
    f"id state description environment environmentUrl logUrl createdAt updatedAt "
    f"creator {{ {ACTOR} }}",
)
HISTORY_NODES = (
    "oid message authoredDate committedDate "
    "status { contexts { id context state description createdAt } }"
)


def _pull_requests(page_size: int) -> Connection:
    nested = " ".join(c.field_selection(page_size) for c in (LABELS, REVIEWS, COMMITS))
    return Connection(
        "pullRequests(orderBy: {field: UPDATED_AT, direction: DESC})",
        "id fullDatabaseId url number title body state isDraft merged additions deletions "
        "changedFiles createdAt updatedAt closedAt mergedAt mergeCommit { oid } "
        f"headRefName headRefOid baseRefName author {{ {ACTOR} }} {nested}",
    )


def _deployments(page_size: int) -> Connection:
    return Connection(
        "deployments(orderBy: {field: CREATED_AT, direction: DESC})",
        "id databaseId commitOid ref { name } task environment originalEnvironment "
        f"description createdAt updatedAt creator {{ {ACTOR} }} "
        f"{STATUSES.field_selection(page_size)}",
    )


def _history(since: str) -> Connection:
    return Connection(f"history(since: {literal(since)})", HISTORY_NODES)


def _on_node(node_id: str, type_name: str) -> str:
    return f"node(id: {literal(node_id)}) {{ ... on {type_name} {{ %s }} }}"


def _shift(at: str, delta: timedelta) -> str:
    moved = datetime.fromisoformat(at.replace("Z", "+00:00")) + delta
    return moved.strftime(GITHUB_TIME)


def read_since(
    pages: Iterable[list[dict[str, Any]]],
    cursor: dict[str, Any],
    start: str,
    changed_at: str,
    listed_at: str,
    reopen: timedelta = timedelta(0),
) -> list[dict[str, Any]]:
    """Records changed since `cursor` (and not before `start`) from pages listed newest
    `listed_at` first; stops after the first page that reaches `reopen` before the cursor.
    The cursor holds the latest change time and the ids changed at that instant, so equal
    times are neither lost nor repeated."""
    at, seen = cursor.get("at"), set(cursor.get("ids", []))
    horizon = _shift(at or start, -reopen)
    fresh = []
    for page in pages:
        fresh += [
            r
            for r in page
            if r[changed_at] >= start
            and (not at or r[changed_at] > at or (r[changed_at] == at and str(r["id"]) not in seen))
        ]
        if page and page[-1][listed_at] < horizon:
            break
    return fresh


def advance(cursor: dict[str, Any], fresh: list[dict[str, Any]], changed_at: str) -> None:
    """Move `cursor` past `fresh` (records `read_since` returned)."""
    if not fresh:
        return
    latest = max(r[changed_at] for r in fresh)
    ids = [str(r["id"]) for r in fresh if r[changed_at] == latest]
    if latest == cursor.get("at"):
        ids = sorted(set(ids) | set(cursor.get("ids", [])))
    cursor["at"], cursor["ids"] = latest, ids


def _table(name: str, items: list[dict[str, Any]], **hints: Any) -> Any:
    return dlt.mark.with_hints(
        items, dlt.mark.make_hints(table_name=name, **hints), create_table_variant=True
    )


@dlt.source(name="github", max_table_nesting=1)
def github_source(
    owner: str = dlt.config.value,
    access_token: str = dlt.secrets.value,
    base_url: str = "https://api.github.com",
    repos: list[str] | None = None,
    start_date: str = "2000-01-01",
    page_size: int = 100,
) -> list[DltResource]:
    # GitHub's timestamp text, so cursors and start compare as strings
    start = parse_start_date(start_date, START_KEY).strftime(GITHUB_TIME)
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
    graphql = GraphQL(client)
    # one setting shared with dbt, compared case-insensitively there too
    production = {env.lower() for env in production_environments()}
    wanted = _repo_names(owner, repos)

    def rest_pages(path: str, params: dict[str, Any], key: str | None = None) -> Iterator[Any]:
        return paginate(
            client,
            path,
            params={"per_page": page_size, **params},
            paginator=HeaderLinkPaginator(),
            data_selector=key or "$",
        )

    @functools.cache
    def repo_list() -> tuple[dict[str, Any], ...]:
        listed = [r for page in rest_pages(f"/orgs/{owner}/repos", {}) for r in page]
        missing = sorted(wanted - {r["name"] for r in listed}) if wanted else []
        if missing:
            raise ValueError(
                f"github: {REPOS_KEY} names {missing}, which the organisation {owner!r} does "
                f"not list for this token; fix {REPOS_KEY} or the token's repository access"
            )
        return tuple(r for r in listed if not wanted or r["name"] in wanted)

    def per_repo(
        read: Callable[[dict[str, Any], dict[str, Any]], Iterator[Any]],
    ) -> Iterator[Any]:
        """`read(repo, its state)` for every repository; cursors live in the resource state."""
        state = dlt.current.resource_state().setdefault("repos", {})
        for repo in repo_list():
            yield from read(repo, state.setdefault(repo["name"], {}))

    @dlt.resource(primary_key="id", write_disposition="merge")
    def repositories() -> Iterator[list[dict[str, Any]]]:
        yield list(repo_list())

    @dlt.resource(name="repository_activity", write_disposition="merge")
    def repository_activity() -> Iterator[Any]:
        """Pull requests, deployments and default-branch history of every repository."""
        yield from per_repo(activity_of)

    def activity_of(repo: dict[str, Any], state: dict[str, Any]) -> Iterator[Any]:
        name = repo["name"]
        repository = f"repository(owner: {literal(owner)}, name: {literal(name)}) {{ %s }}"
        branch = f"ref(qualifiedName: {literal('refs/heads/' + repo['default_branch'])})"
        history = _history(state.get("history_since", start))
        on_branch = f"{branch} {{ target {{ ... on Commit {{ %s }} }} }}"
        pull_requests, deployments = _pull_requests(page_size), _deployments(page_size)
        first = graphql.query(
            repository.replace(
                "%s",
                " ".join(
                    (
                        pull_requests.field_selection(page_size),
                        deployments.field_selection(page_size),
                        on_branch.replace("%s", history.field_selection(page_size)),
                    )
                ),
            )
        )["repository"]
        yield from pull_request_tables(
            name, pull_requests.under(repository, "repository"), first, state
        )
        shipped = yield from deployment_tables(
            name, deployments.under(repository, "repository"), first, state
        )
        target = (first.get("ref") or {}).get("target")
        commits = (
            graphql.complete(
                history.under(repository.replace("%s", on_branch), "repository", "ref", "target"),
                page_size,
                target["history"],
            )
            if target
            else []
        )
        yield from history_tables(name, commits, shipped, state)

    def pull_request_tables(
        repo: str, listing: Connection, first: Node, state: dict[str, Any]
    ) -> Iterator[Any]:
        cursor = state.setdefault("pull_requests", {})
        fresh = read_since(
            graphql.pages(listing, page_size, first["pullRequests"]),
            cursor,
            start,
            changed_at="updatedAt",
            listed_at="updatedAt",
        )
        prs, reviews, commits = [], [], []
        for pr in fresh:
            around = _on_node(pr["id"], "PullRequest")
            complete = {
                c.field: graphql.complete(c.under(around, "node"), page_size, pr[c.field])
                for c in (LABELS, REVIEWS, COMMITS)
            }
            row = rows.pull_request(repo, pr, complete["labels"])
            keys = {"repo": repo, "pull_number": row["number"], "pull_request_id": row["id"]}
            prs.append(row)
            reviews += [rows.review(r) | keys for r in complete["reviews"]]
            commits += [rows.pull_request_commit(c["commit"]) | keys for c in complete["commits"]]
        advance(cursor, fresh, "updatedAt")
        yield _table(
            "pull_requests",
            prs,
            primary_key="id",
            columns={
                "merged_at": {"data_type": "timestamp"},
                "closed_at": {"data_type": "timestamp"},
                "merge_commit_sha": {"data_type": "text"},
                "body": {"data_type": "text"},
            },
        )
        yield _table("pull_request_reviews", reviews, primary_key="id")
        yield _table("pull_request_commits", commits, primary_key=("pull_request_id", "sha"))

    def deployment_tables(
        repo: str, listing: Connection, first: Node, state: dict[str, Any]
    ) -> Iterator[Any]:
        """Deployment rows and their statuses; returns the successful production deployments
        among them, oldest first, for the commit ranges."""
        cursor = state.setdefault("deployments", {})
        fresh = read_since(
            graphql.pages(listing, page_size, first["deployments"]),
            cursor,
            start,
            changed_at="updatedAt",
            listed_at="createdAt",
            reopen=REOPEN,
        )
        deployments, statuses, shipped = [], [], []
        for dep in sorted(fresh, key=lambda d: (d["createdAt"], d["databaseId"])):
            around = _on_node(dep["id"], "Deployment")
            its = graphql.complete(STATUSES.under(around, "node"), page_size, dep["statuses"])
            deployments.append(rows.deployment(repo, dep))
            statuses += [rows.deployment_status(repo, dep, s) for s in its]
            succeeded = any(s["state"] == "SUCCESS" for s in its)
            if dep["environment"].lower() in production and succeeded:
                shipped.append(dep)
        advance(cursor, fresh, "updatedAt")
        yield _table(
            "deployments",
            deployments,
            primary_key="id",
            columns={"description": {"data_type": "text"}},
        )
        yield _table("deployment_statuses", statuses, primary_key="id")
        return shipped

    def history_tables(
        repo: str, history: list[Node], shipped: list[Node], state: dict[str, Any]
    ) -> Iterator[Any]:
        """Commits each successful production deployment shipped (since the previous one) and
        the commit statuses of the default branch's history."""
        position = {c["oid"]: i for i, c in enumerate(history)}  # newest first
        compares = []
        for dep in shipped:
            base, head = state.get("last_success", {}).get("sha"), dep["commitOid"]
            if head in position:
                state["last_success"] = {
                    "sha": head,
                    "at": history[position[head]]["committedDate"],
                }
            else:
                state["last_success"] = {"sha": head}
            if base and base != head and base in position and head in position:
                commits = history[position[head] : position[base]][::-1]  # oldest first
                compares.append(rows.compare(repo, base, dep, commits))
        contexts = [
            rows.commit_status(repo, commit["oid"], context)
            for commit in history
            for context in (commit.get("status") or {}).get("contexts", [])
        ]
        cursor = state.setdefault("commit_statuses", {})
        fresh = read_since(
            [contexts], cursor, start, changed_at="created_at", listed_at="created_at"
        )
        advance(cursor, fresh, "created_at")
        # the next run re-reads history from the last shipped commit (the next range's base)
        last_at = state.get("last_success", {}).get("at")
        newest = history[0]["committedDate"] if history else None
        if since := last_at or newest:
            state["history_since"] = _shift(since, -timedelta(seconds=1))
        yield _table("compares", compares, primary_key=("repo", "base", "head"))
        yield _table(
            "commit_statuses",
            fresh,
            primary_key="id",
            columns={"description": {"data_type": "text"}},
        )

    @dlt.resource(
        primary_key="id",
        write_disposition="merge",
        columns={"published_at": {"data_type": "timestamp"}},
    )
    def releases() -> Iterator[list[dict[str, Any]]]:
        def read(repo: dict[str, Any], state: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
            cursor = state.setdefault("releases", {})
            fresh = read_since(
                rest_pages(f"/repos/{owner}/{repo['name']}/releases", {}),
                cursor,
                start,
                changed_at="created_at",
                listed_at="created_at",
            )
            advance(cursor, fresh, "created_at")
            yield [r | {"repo": repo["name"]} for r in fresh]

        yield from per_repo(read)

    @dlt.resource(
        primary_key="id", write_disposition="merge", columns={"conclusion": {"data_type": "text"}}
    )
    def workflow_runs() -> Iterator[list[dict[str, Any]]]:
        def read(repo: dict[str, Any], state: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
            cursor = state.setdefault("workflow_runs", {})
            fresh = read_since(
                rest_pages(
                    f"/repos/{owner}/{repo['name']}/actions/runs",
                    {"branch": repo["default_branch"]},
                    key="workflow_runs",
                ),
                cursor,
                start,
                changed_at="updated_at",
                listed_at="created_at",
                reopen=REOPEN,
            )
            advance(cursor, fresh, "updated_at")
            yield [r | {"repo": repo["name"]} for r in fresh]

        yield from per_repo(read)

    return [repositories, repository_activity, releases, workflow_runs]


def _repo_names(owner: str, repos: list[str] | None) -> set[str]:
    """`repos` entries are `name` or `owner/name` (of this owner)."""
    names = set()
    for entry in repos or []:
        entry_owner, _, name = entry.rpartition("/")
        if entry_owner and entry_owner.lower() != owner.lower():
            raise ValueError(
                f"github: {REPOS_KEY} entry {entry!r} belongs to {entry_owner!r}, not to the "
                f"configured owner {owner!r}; list repositories as 'name' or '{owner}/name'"
            )
        names.add(name)
    return names
