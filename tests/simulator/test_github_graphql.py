"""The simulator's `POST /graphql` answers as GitHub does: documents checked against GitHub's
published schema, connection limits, cursor pages and the `rateLimit` cost."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from ingestion.simulator import github_graphql
from ingestion.simulator.common import Credentials
from ingestion.simulator.org import GITHUB_OWNER
from ingestion.simulator.server import Simulator

TOKEN = Credentials().github_token


def post(sim: Simulator, query: str, token: str = TOKEN) -> requests.Response:
    return requests.post(
        f"{sim.urls['github']}/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )


def answer(sim: Simulator, query: str) -> dict[str, Any]:
    response = post(sim, query)
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_installed() -> None:
    """Tests and CI need GitHub's schema (`npm ci` installs it); without it this fails and
    names the fix."""
    assert github_graphql.SCHEMA_PATH.exists(), "run `npm ci --no-audit --no-fund`"
    assert github_graphql.github_schema() is not None


def test_missing_schema_fails_in_tests_with_the_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setattr(github_graphql, "SCHEMA_PATH", tmp_path / "schema.graphql")
    github_graphql.github_schema.cache_clear()
    try:
        with pytest.raises(github_graphql.SchemaMissingError, match="npm ci"):
            github_graphql.github_schema()
    finally:
        monkeypatch.undo()
        github_graphql.github_schema.cache_clear()


def test_a_field_github_does_not_have_is_an_error(simulator: Simulator) -> None:
    repo = simulator.org.repos[0].name
    body = answer(
        simulator,
        f'{{ repository(owner: "{GITHUB_OWNER}", name: "{repo}") '
        "{ pullRequests(first: 1) { nodes { number reviewCount } } } }",
    )
    assert "data" not in body
    assert [(e["message"], e["extensions"]) for e in body["errors"]] == [
        (
            "Field 'reviewCount' doesn't exist on type 'PullRequest'",
            {"code": "undefinedField", "typeName": "PullRequest", "fieldName": "reviewCount"},
        )
    ]


@pytest.mark.parametrize(
    "arguments, kind, message",
    [
        (
            "",
            "MISSING_PAGINATION_BOUNDARIES",
            "You must provide a `first` or `last` value to properly paginate the "
            "`pullRequests` connection.",
        ),
        (
            "(first: 101)",
            "EXCESSIVE_PAGINATION",
            "Requesting 101 records on the `pullRequests` connection exceeds the `first` limit "
            "of 100 records.",
        ),
    ],
)
def test_connections_need_first_or_last_up_to_100(
    simulator: Simulator, arguments: str, kind: str, message: str
) -> None:
    repo = simulator.org.repos[0].name
    body = answer(
        simulator,
        f'{{ repository(owner: "{GITHUB_OWNER}", name: "{repo}") '
        f"{{ pullRequests{arguments} {{ nodes {{ number }} }} }} }}",
    )
    assert body == {"errors": [{"type": kind, "message": message}]}


def test_more_than_500000_nodes_is_refused(simulator: Simulator) -> None:
    # 100 pull requests x 100 commits x 100 ... : 100 + 10,000 + 1,000,000 nodes
    body = answer(
        simulator,
        '{ repository(owner: "o", name: "r") { pullRequests(first: 100) { nodes { '
        "commits(first: 100) { nodes { commit { history(first: 100) { totalCount } } } } } } } }",
    )
    assert body == {
        "errors": [
            {
                "type": "MAX_NODE_LIMIT_EXCEEDED",
                "message": "This query requests up to 1,010,100 possible nodes which exceeds "
                "the maximum limit of 500,000.",
            }
        ]
    }


def test_cursor_pages_list_every_pull_request_once_newest_update_first(
    simulator: Simulator,
) -> None:
    repo = simulator.org.repos[0].name
    after, numbers, pages = "", [], 0
    while True:
        body = answer(
            simulator,
            f'{{ repository(owner: "{GITHUB_OWNER}", name: "{repo}") {{ pullRequests(first: 30'
            f"{after}, orderBy: {{field: UPDATED_AT, direction: DESC}}) {{ totalCount "
            "pageInfo { hasNextPage endCursor } nodes { number updatedAt } } } }",
        )
        page = body["data"]["repository"]["pullRequests"]
        numbers += [(n["updatedAt"], n["number"]) for n in page["nodes"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = f', after: "{page["pageInfo"]["endCursor"]}"'
    expected = [p for p in simulator.org.pull_requests if p.repo == repo]
    assert sorted(n for _, n in numbers) == sorted(p.number for p in expected)
    assert numbers == sorted(numbers, reverse=True)
    assert page["totalCount"] == len(expected)
    assert pages == -(-len(expected) // 30)


def test_rate_limit_reports_the_cost_github_documents(simulator: Simulator) -> None:
    """GitHub: one request per connection page it must fetch (nested ones once per parent
    node), summed, divided by 100 and rounded; at least 1 point."""
    repo = simulator.org.repos[0].name
    body = answer(
        simulator,
        f'{{ repository(owner: "{GITHUB_OWNER}", name: "{repo}") {{ '
        "pullRequests(first: 100) { nodes { reviews(first: 100) { totalCount } "
        "commits(first: 50) { totalCount } } } } "
        "rateLimit { cost nodeCount remaining limit } }",
    )
    rate = body["data"]["rateLimit"]
    # requests: 1 (pull requests) + 100 (reviews) + 100 (commits) = 201 -> 2 points;
    # nodes: 100 + 100 x 100 + 100 x 50
    assert (rate["cost"], rate["nodeCount"], rate["limit"]) == (2, 15_100, 5000)
    assert rate["remaining"] <= 5000 - 2


def test_bad_credentials_answer_401(simulator: Simulator) -> None:
    assert post(simulator, "{ rateLimit { cost } }", token="wrong").status_code == 401
