"""GitHub GraphQL (`POST /graphql`) as the simulator serves it.

Every document is validated and executed by graphql-core against GitHub's published schema
(`@octokit/graphql-schema`, installed by `npm ci`), so a field GitHub does not have fails here
rather than on a user's account. On top of the schema the simulator enforces GitHub's
connection rules (`first`/`last` between 1 and 100 on every connection, at most 500,000 nodes)
and answers `rateLimit` with the query's cost computed the way GitHub documents it.
"""

from __future__ import annotations

import base64
import functools
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    build_schema,
    get_named_type,
    parse,
    validate,
    value_from_ast_untyped,
)

from ingestion.simulator import common as server
from ingestion.simulator.model import (
    Commit,
    CommitStatus,
    Deployment,
    DeploymentStatus,
    Org,
    PullRequest,
    Repo,
    Review,
)

log = logging.getLogger("kpibridge.simulator")
SCHEMA_PATH = Path(__file__).resolve().parents[2] / (
    "node_modules/@octokit/graphql-schema/schema.graphql"
)
MAX_PAGE, MAX_NODES, POINTS_PER_HOUR = 100, 500_000, 5000
Resolved = dict[str, Any]


class SchemaMissingError(RuntimeError):
    """GitHub's schema is not installed; tests and CI must not run without it."""


def _strict() -> bool:
    """Tests and CI fail without the schema; `kpibridge demo` serves unvalidated instead."""
    return os.environ.get("CI") == "true" or "PYTEST_CURRENT_TEST" in os.environ


@functools.cache
def github_schema() -> GraphQLSchema | None:
    if not SCHEMA_PATH.exists():
        message = (
            f"GitHub's GraphQL schema is missing ({SCHEMA_PATH}): "
            "run `npm ci --no-audit --no-fund` at the repository root"
        )
        if _strict():
            raise SchemaMissingError(message)
        log.warning("%s; the simulator serves GraphQL without validating documents", message)
        return None
    # GitHub's SDL repeats two fields and deprecates interface fields on some implementations
    # only; neither matters for validating documents, both fail graphql-core's schema checks.
    return build_schema(SCHEMA_PATH.read_text(), assume_valid_sdl=True, assume_valid=True)


# ---------------------------------------------------------------- ids, cursors, connections
def node_id(kind: str, key: object) -> str:
    return f"{kind}_{base64.b64encode(str(key).encode()).decode()}"


def _cursor(index: int) -> str:
    return base64.b64encode(f"cursor:v2:{index}".encode()).decode()


def _index(cursor: str) -> int:
    return int(base64.b64decode(cursor).decode().rsplit(":", 1)[1])


def connection(
    items: list[Any],
    render: Callable[[Any], Resolved],
    first: int | None = None,
    after: str | None = None,
    **_: Any,
) -> Resolved:
    """A page of `items` as GitHub's cursor connections return it (first/after only); only
    the page's items are rendered."""
    start = _index(after) + 1 if after else 0
    page = [render(item) for item in items[start : start + (first or MAX_PAGE)]]
    end = start + len(page) - 1
    return {
        "totalCount": len(items),
        "nodes": page,
        "edges": [{"cursor": _cursor(start + i), "node": n} for i, n in enumerate(page)],
        "pageInfo": {
            "hasNextPage": end + 1 < len(items),
            "hasPreviousPage": start > 0,
            "startCursor": _cursor(start) if page else None,
            "endCursor": _cursor(end) if page else None,
        },
    }


def ts(value: Any) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


# ---------------------------------------------------------------- the organisation as nodes
def _actor(login: str) -> Resolved:
    bot = login.endswith("[bot]")
    return {
        "__typename": "Bot" if bot else "User",
        "login": login.removesuffix("[bot]") if bot else login,
        "id": node_id("BOT" if bot else "U", login),
    }


def _git_actor(login: str, at: Any) -> Resolved:
    return {"name": login, "email": f"{login}@users.noreply.github.com", "date": ts(at)}


StatusOf = Callable[[str], "Resolved | None"]


def _statuses_of(org: Org, repo: Repo) -> StatusOf:
    """The combined status of a sha of `repo`, indexed on first use."""

    @functools.cache
    def by_sha() -> dict[str, list[CommitStatus]]:
        index: dict[str, list[CommitStatus]] = {}
        for status in org.commit_statuses:
            if status.repo == repo.name:
                index.setdefault(status.sha, []).append(status)
        return index

    return lambda sha: _status(sha, by_sha().get(sha, []))


def _status(sha: str, statuses: list[CommitStatus]) -> Resolved | None:
    contexts = sorted(statuses, key=lambda s: s.created_at)
    if not contexts:
        return None
    states = {s.state for s in contexts}
    state = (
        "FAILURE"
        if states & {"failure", "error"}
        else "PENDING"
        if "pending" in states
        else "SUCCESS"
    )
    return {"id": node_id("SC", sha), "state": state, "contexts": [_context(s) for s in contexts]}


def _context(status: CommitStatus) -> Resolved:
    return {
        "__typename": "StatusContext",
        "id": node_id("SC", status.id),
        "context": status.context,
        "state": status.state.upper(),
        "description": status.description,
        "createdAt": ts(status.created_at),
        "targetUrl": None,
        "creator": _actor(status.creator_login),
    }


def _commit(commit: Commit, status_of: StatusOf, history: list[Commit] | None = None) -> Resolved:
    node: Resolved = {
        "__typename": "Commit",
        "id": node_id("C", commit.sha),
        "oid": commit.sha,
        "abbreviatedOid": commit.sha[:7],
        "message": commit.message,
        "messageHeadline": commit.message.split("\n", 1)[0],
        "authoredDate": ts(commit.authored_at),
        "committedDate": ts(commit.committed_at),
        "author": _git_actor(commit.author_login, commit.authored_at)
        | {"user": None if commit.author_login.endswith("[bot]") else _actor(commit.author_login)},
        "committer": _git_actor(commit.author_login, commit.committed_at),
        "status": lambda **_: status_of(commit.sha),
    }
    if history is not None:
        node["history"] = lambda since=None, **page: connection(
            [c for c in reversed(history) if not since or ts(c.committed_at) >= since],
            lambda c: _commit(c, status_of),
            **page,
        )
    return node


def _review(review: Review) -> Resolved:
    return {
        "__typename": "PullRequestReview",
        "id": node_id("PRR", review.id),
        "fullDatabaseId": str(review.id),
        "state": review.state,
        "body": "",
        "submittedAt": ts(review.submitted_at),
        "commit": {"__typename": "Commit", "oid": review.commit_id},
        "author": _actor(review.user_login),
    }


def _pull_request(pr: PullRequest, status_of: StatusOf, owner: str) -> Resolved:
    merged = pr.merged_at is not None
    return {
        "__typename": "PullRequest",
        "id": node_id("PR", pr.id),
        "url": f"https://github.com/{owner}/{pr.repo}/pull/{pr.number}",
        "fullDatabaseId": str(pr.id),
        "number": pr.number,
        "title": pr.title,
        "body": pr.body or "",
        "state": "MERGED" if merged else "CLOSED" if pr.closed_at else "OPEN",
        "merged": merged,
        "isDraft": pr.draft,
        "additions": pr.additions,
        "deletions": pr.deletions,
        "changedFiles": max(1, pr.additions // 40),
        "createdAt": ts(pr.created_at),
        "updatedAt": ts(pr.updated_at),
        "closedAt": ts(pr.closed_at),
        "mergedAt": ts(pr.merged_at),
        "mergeCommit": {"__typename": "Commit", "oid": pr.merge_commit_sha} if merged else None,
        "headRefName": pr.head_ref,
        "headRefOid": pr.commits[-1].sha,
        "baseRefName": pr.base_ref,
        "author": _actor(pr.author_login),
        "labels": lambda **page: connection(
            pr.labels, lambda n: {"name": n, "color": "ededed", "id": node_id("LA", n)}, **page
        ),
        "reviews": lambda **page: connection(pr.reviews, _review, **page),
        "commits": lambda **page: connection(
            pr.commits,
            lambda c: {"id": node_id("PRC", c.sha), "commit": _commit(c, status_of)},
            **page,
        ),
    }


def _deployment_status(dep: Deployment, status: DeploymentStatus) -> Resolved:
    return {
        "id": node_id("DES", status.id),
        "state": status.state.upper(),
        "description": status.description,
        "environment": dep.environment,
        "environmentUrl": None,
        "logUrl": None,
        "createdAt": ts(status.created_at),
        "updatedAt": ts(status.created_at),
        "creator": _actor(status.creator_login),
    }


def _deployment(dep: Deployment) -> Resolved:
    return {
        "__typename": "Deployment",
        "id": node_id("DE", dep.id),
        "databaseId": dep.id,
        "commitOid": dep.sha,
        "ref": {"name": dep.ref, "prefix": "refs/heads/"},
        "task": dep.task,
        "environment": dep.environment,
        "originalEnvironment": dep.environment,
        "description": dep.description,
        "createdAt": ts(dep.created_at),
        "updatedAt": ts(dep.updated_at),
        "creator": _actor(dep.creator_login),
        # GitHub lists a deployment's statuses newest first
        "statuses": lambda **page: connection(
            dep.statuses[::-1], lambda s: _deployment_status(dep, s), **page
        ),
    }


def _repository(org: Org, repo: Repo) -> Resolved:
    status_of = _statuses_of(org, repo)

    def pull_requests(orderBy: dict[str, str] | None = None, **page: Any) -> Resolved:  # noqa: N803
        prs = [p for p in org.pull_requests if p.repo == repo.name]
        order = orderBy or {"field": "CREATED_AT", "direction": "ASC"}
        key = {"UPDATED_AT": "updated_at"}.get(order["field"], "created_at")
        prs.sort(key=lambda p: (getattr(p, key), p.number), reverse=order["direction"] == "DESC")
        return connection(prs, lambda p: _pull_request(p, status_of, org.github_org), **page)

    def deployments(orderBy: dict[str, str] | None = None, **page: Any) -> Resolved:  # noqa: N803
        deps = sorted((d for d in org.deployments if d.repo == repo.name), key=lambda d: d.id)
        if (orderBy or {}).get("direction") == "DESC":
            deps.reverse()
        return connection(deps, _deployment, **page)

    def ref(qualifiedName: str) -> Resolved | None:  # noqa: N803
        name = qualifiedName.removeprefix("refs/heads/")
        if name != repo.default_branch or not repo.history:
            return None
        target = _commit(repo.history[-1], status_of, history=repo.history)
        return {"id": node_id("REF", name), "name": name, "prefix": "refs/heads/", "target": target}

    return {
        "__typename": "Repository",
        "id": node_id("R", repo.id),
        "databaseId": repo.id,
        "name": repo.name,
        "nameWithOwner": f"{org.github_org}/{repo.name}",
        "defaultBranchRef": ref(repo.default_branch),
        "pullRequests": pull_requests,
        "deployments": deployments,
        "ref": ref,
    }


def _node(org: Org, id: str) -> Resolved | None:  # noqa: A002 - GitHub's argument name
    kind, _, key = id.partition("_")
    try:
        value = base64.b64decode(key).decode()
    except ValueError:
        return None
    repos = {r.name: r for r in org.repos}
    if kind == "PR":
        pr = next((p for p in org.pull_requests if str(p.id) == value), None)
        return pr and _pull_request(pr, _statuses_of(org, repos[pr.repo]), org.github_org)
    if kind == "DE":
        dep = next((d for d in org.deployments if str(d.id) == value), None)
        return dep and _deployment(dep)
    return None


def _root(org: Org, owner_login: str, rate_limit: Resolved) -> Resolved:
    def repository(owner: str, name: str, **_: Any) -> Resolved | None:
        repo = next((r for r in org.repos if r.name == name), None)
        return _repository(org, repo) if repo and owner == owner_login else None

    return {
        "repository": repository,
        "node": lambda id: _node(org, id),  # noqa: A006
        "rateLimit": lambda **_: rate_limit,
    }


class NotSimulatedError(Exception):
    """A field GitHub has (the document validated) that the simulator does not fill."""


def select(
    value: Any,
    selections: SelectionSetNode | None,
    schema: GraphQLSchema | None,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> Any:
    """Resolve a validated selection set over the organisation's nodes, by hand: callables
    (connections, fields with arguments) are called with the field's arguments."""
    if value is None or selections is None:
        return value
    if isinstance(value, list):
        return [select(v, selections, schema, fragments, variables) for v in value]
    answer: Resolved = {}
    for field in _fields_of(value, selections, schema, fragments):
        name = field.name.value
        key = field.alias.value if field.alias else name
        if name == "__typename":
            answer[key] = value["__typename"]
            continue
        if name not in value:
            raise NotSimulatedError(f"{value.get('__typename', 'object')}.{name}")
        raw = value[name]
        if callable(raw):
            raw = raw(
                **{
                    a.name.value: value_from_ast_untyped(a.value, variables)
                    for a in field.arguments or ()
                }
            )
        answer[key] = select(raw, field.selection_set, schema, fragments, variables)
    return answer


def _fields_of(
    value: Resolved,
    selections: SelectionSetNode,
    schema: GraphQLSchema | None,
    fragments: dict[str, FragmentDefinitionNode],
) -> Iterator[FieldNode]:
    """The fields to resolve on `value`: fragments apply when its type satisfies their
    condition (an interface or union it belongs to, with the schema)."""
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            yield selection
            continue
        if isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            condition, inner = fragment.type_condition, fragment.selection_set
        else:
            assert isinstance(selection, InlineFragmentNode)
            condition, inner = selection.type_condition, selection.selection_set
        if condition is None or _is_a(value.get("__typename"), condition.name.value, schema):
            yield from _fields_of(value, inner, schema, fragments)


def _is_a(type_name: str | None, condition: str, schema: GraphQLSchema | None) -> bool:
    if type_name == condition or schema is None or type_name is None:
        return type_name == condition
    abstract, concrete = schema.get_type(condition), schema.get_type(type_name)
    return (
        isinstance(abstract, GraphQLInterfaceType | GraphQLUnionType)
        and isinstance(concrete, GraphQLObjectType)
        and schema.is_sub_type(abstract, concrete)
    )


# ---------------------------------------------------------------- GitHub's limits and cost
@dataclass
class QueryCost:
    requests: int = 0  # one per connection page GitHub would have to fetch
    nodes: int = 0

    @property
    def points(self) -> int:
        return max(1, round(self.requests / 100))


def _connections(
    schema: GraphQLSchema,
    selections: SelectionSetNode,
    parent: Any,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> Iterator[tuple[FieldNode, Any, SelectionSetNode | None]]:
    """(field, its type, its selections) of every field under `selections`, fragments inlined."""
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            fields = getattr(parent, "fields", {})
            if selection.name.value in fields:
                yield selection, fields[selection.name.value].type, selection.selection_set
        else:
            if isinstance(selection, FragmentSpreadNode):
                fragment = fragments[selection.name.value]
                condition, inner = fragment.type_condition, fragment.selection_set
            else:
                assert isinstance(selection, InlineFragmentNode)
                condition, inner = selection.type_condition, selection.selection_set
            target = schema.get_type(condition.name.value) if condition else parent
            yield from _connections(schema, inner, target, fragments, variables)


def measure(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> tuple[QueryCost, list[tuple[str, str]]]:
    """GitHub's cost and node count of a document, and its pagination errors."""
    cost, errors = QueryCost(), []  # errors: (GitHub's error type, message)

    def walk(selections: SelectionSetNode, parent: Any, multiplier: int) -> None:
        for field, field_type, inner in _connections(
            schema, selections, parent, fragments, variables
        ):
            named = get_named_type(field_type)
            if inner is None or not isinstance(
                named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
            ):
                continue
            scale = multiplier
            if named.name.endswith("Connection"):
                args = {
                    a.name.value: value_from_ast_untyped(a.value, variables)
                    for a in field.arguments or ()
                }
                limit = args.get("first") or args.get("last")
                name = field.name.value
                if limit is None:
                    errors.append(
                        (
                            "MISSING_PAGINATION_BOUNDARIES",
                            f"You must provide a `first` or `last` value to properly paginate the "
                            f"`{name}` connection.",
                        )
                    )
                    continue
                if not 1 <= limit <= MAX_PAGE:
                    errors.append(
                        (
                            "EXCESSIVE_PAGINATION",
                            f"Requesting {limit} records on the `{name}` connection exceeds the "
                            f"`{'first' if 'first' in args else 'last'}` limit of "
                            f"{MAX_PAGE} records.",
                        )
                    )
                    continue
                cost.requests += multiplier
                scale = multiplier * limit
                cost.nodes += scale
            walk(inner, named, scale)

    walk(operation.selection_set, schema.query_type, 1)
    if cost.nodes > MAX_NODES:
        errors.append(
            (
                "MAX_NODE_LIMIT_EXCEEDED",
                f"This query requests up to {cost.nodes:,} possible nodes which exceeds "
                f"the maximum limit of {MAX_NODES:,}.",
            )
        )
    return cost, errors


@dataclass
class PointBudget:
    """GitHub's hourly GraphQL points: what a token has used in the current window."""

    limit: int = POINTS_PER_HOUR
    used: int = 0
    reset_at: float = 0.0
    spent: int = 0  # over every window, for the benchmark

    def spend(self, points: int) -> Resolved:
        now = time.time()
        if now >= self.reset_at:
            self.used, self.reset_at = 0, now + 3600
        self.used += points
        self.spent += points
        return {
            "limit": self.limit,
            "cost": points,
            "used": self.used,
            "remaining": max(0, self.limit - self.used),
            "resetAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.reset_at)),
        }


_budgets: dict[int, PointBudget] = {}


def points_spent(org: Org) -> int:
    """GraphQL points the simulator of `org` has charged since it started."""
    budget = _budgets.get(id(org))
    return budget.spent if budget else 0


UNDEFINED_FIELD = re.compile(r"Cannot query field '(?P<field>\w+)' on type '(?P<type>\w+)'\.")


def _validation_error(error: GraphQLError) -> Resolved:
    """graphql-core's error, worded as GitHub (graphql-ruby) words an unknown field."""
    formatted = dict(error.formatted)
    if unknown := UNDEFINED_FIELD.match(error.message):
        formatted["message"] = (
            f"Field '{unknown['field']}' doesn't exist on type '{unknown['type']}'"
        )
        formatted["extensions"] = {
            "code": "undefinedField",
            "typeName": unknown["type"],
            "fieldName": unknown["field"],
        }
    return formatted


def _error(message: str, kind: str | None = None) -> Resolved:
    return {"message": message} | ({"type": kind} if kind else {})


def graphql(org: Org, m: re.Match[str], q: server.Query, base: str, body: Any):
    """POST /graphql: `{"data": ...}`, or `{"errors": [...]}` with HTTP 200 as GitHub answers
    documents it cannot run."""
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return {"message": "A query attribute must be specified and must be a string."}, {}
    try:
        document = parse(body["query"])
    except GraphQLError as error:
        return {"errors": [error.formatted]}, {}
    variables = body.get("variables") or {}
    schema = github_schema()
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    cost = QueryCost(requests=1)
    if schema is not None:
        if errors := validate(schema, document):
            return {"errors": [_validation_error(e) for e in errors]}, {}
        cost, limits = measure(schema, operation, fragments, variables)
        if limits:
            return {"errors": [_error(message, kind) for kind, message in limits]}, {}
    rate_limit = _budgets.setdefault(id(org), PointBudget()).spend(cost.points)
    root = _root(org, org.github_org, rate_limit | {"nodeCount": cost.nodes})
    try:
        data = select(root, operation.selection_set, schema, fragments, variables)
    except NotSimulatedError as missing:
        return {"errors": [_error(f"the simulator does not serve {missing}", "NOT_SIMULATED")]}, {}
    return {"data": data}, {}


Handler = Callable[[Org, re.Match[str], server.Query, str, Any], tuple[Any, dict[str, str]]]
POST_ROUTES: list[tuple[str, Handler]] = [(r"/graphql", graphql)]
