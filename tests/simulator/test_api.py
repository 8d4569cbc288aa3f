"""The simulator answers like the vendors' references: pagination, auth, rate limits, shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from ingestion.simulator.common import Credentials
from ingestion.simulator.faults import Faults
from ingestion.simulator.org import GITHUB_OWNER, build_org
from ingestion.simulator.server import Simulator

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "api-examples"
CREDS = Credentials()


def github(sim: Simulator, token: str = CREDS.github_token) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def jira(sim: Simulator, token: str = CREDS.jira_token) -> requests.Session:
    session = requests.Session()
    session.auth = (CREDS.jira_email, token)
    return session


def pagerduty(sim: Simulator, token: str = CREDS.pagerduty_token) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Token token={token}"
    return session


def test_github_link_pagination_returns_every_repository_once(simulator: Simulator) -> None:
    url: str | None = f"{simulator.urls['github']}/orgs/{GITHUB_OWNER}/repos"
    params: dict[str, Any] | None = {"per_page": 5}
    names, pages = [], 0
    while url:
        response = github(simulator).get(url, params=params)
        response.raise_for_status()
        names += [repo["name"] for repo in response.json()]
        pages += 1
        if "next" in response.links:
            assert "last" in response.links
        url, params = response.links.get("next", {}).get("url"), None
    expected = sorted(r.name for r in simulator.org.repos)
    assert sorted(names) == expected
    assert len(names) == len(set(names))
    assert pages == -(-len(expected) // 5) > 1


def test_jira_search_jql_pages_with_next_page_token(simulator: Simulator) -> None:
    url = f"{simulator.urls['jira']}/rest/api/3/search/jql"
    keys: list[str] = []
    token = None
    while True:
        params = {"jql": "project = PAY ORDER BY updated ASC", "maxResults": 13}
        body = (
            jira(simulator)
            .get(url, params=params | ({"nextPageToken": token} if token else {}))
            .json()
        )
        assert "total" not in body  # the enhanced search has no total
        keys += [issue["key"] for issue in body["issues"]]
        if body["isLast"]:
            assert "nextPageToken" not in body
            break
        token = body["nextPageToken"]
    expected = sorted(i.key for i in simulator.org.issues if i.project_key == "PAY")
    assert sorted(keys) == expected and len(keys) == len(set(keys))


def test_jira_search_filters_on_updated(simulator: Simulator) -> None:
    cutoff = simulator.org.end.strftime("%Y-%m-%d")
    body = (
        jira(simulator)
        .get(
            f"{simulator.urls['jira']}/rest/api/3/search/jql",
            params={"jql": f'updated >= "{cutoff}"'},
        )
        .json()
    )
    assert len(body["issues"]) == sum(
        1 for i in simulator.org.issues if i.updated >= simulator.org.end
    )


def test_pagerduty_offset_pagination_ends_with_more_false(simulator: Simulator) -> None:
    ids, offset = [], 0
    while True:
        body = (
            pagerduty(simulator)
            .get(
                f"{simulator.urls['pagerduty']}/incidents",
                params={"offset": offset, "limit": 7, "since": "2000-01-01T00:00:00Z"},
            )
            .json()
        )
        assert body["limit"] == 7 and body["offset"] == offset
        ids += [incident["id"] for incident in body["incidents"]]
        if not body["more"]:
            break
        offset += 7
    assert sorted(ids) == sorted(i.id for i in simulator.org.incidents)


@pytest.mark.parametrize(
    "client, path, message_key",
    [
        (github, "/orgs/acme-sim/repos", "message"),
        (jira, "/rest/api/3/project/search", "errorMessages"),
        (pagerduty, "/incidents", "error"),
    ],
)
def test_wrong_token_answers_401(
    simulator: Simulator, client: Any, path: str, message_key: str
) -> None:
    api = client.__name__
    response = client(simulator, token="not-the-token").get(simulator.urls[api] + path)
    assert response.status_code == 401
    assert message_key in response.json()
    assert requests.get(simulator.urls[api] + path).status_code == 401  # no token at all


def test_rate_limits_answer_as_each_vendor_does() -> None:
    with Simulator(build_org(), faults=Faults(rate_limit_every=1, retry_after_seconds=7)) as sim:
        gh = github(sim).get(f"{sim.urls['github']}/orgs/{GITHUB_OWNER}/repos")
        jr = jira(sim).get(f"{sim.urls['jira']}/rest/api/3/project/search")
        pd = pagerduty(sim).get(f"{sim.urls['pagerduty']}/incidents")
    assert gh.status_code == 403 and gh.headers["x-ratelimit-remaining"] == "0"
    assert int(gh.headers["x-ratelimit-reset"]) > 0
    assert (jr.status_code, jr.headers["Retry-After"]) == (429, "7")
    assert (pd.status_code, pd.headers["Retry-After"]) == (429, "7")


def _key_paths(value: Any, prefix: str = "") -> set[str]:
    if isinstance(value, dict):
        return set().union(
            *([{prefix + k} | _key_paths(v, f"{prefix}{k}.") for k, v in value.items()] or [set()])
        )
    if isinstance(value, list):
        return set().union(*([_key_paths(v, f"{prefix}[].") for v in value] or [set()]))
    return set()


# fields the simulator serves that the vendors' examples happen to omit, each in the reference
DOCUMENTED_EXTRAS = {
    "github/GET_repos_owner_repo_deployments.json": {"[].performed_via_github_app"},
    "jira/GET_rest_api_3_search_jql.json": {"issues.[].fields.", "nextPageToken"},
    "jira/GET_rest_api_3_issue_issueIdOrKey_changelog.json": {"values.[].author.accountType"},
    "jira/GET_rest_api_3_project_search.json": {"values.[].projectTypeKey"},
    "jira/GET_rest_api_3_project_projectIdOrKey_versions.json": {"[].startDate"},
    "jira/GET_rest_api_3_issue_issueIdOrKey_worklog.json": {
        "worklogs.[].author.accountType",
        "worklogs.[].created",
    },
    "jira/GET_rest_agile_1_0_board.json": {"self", "values.[].location"},
    "jira/GET_rest_agile_1_0_board_boardId_sprint.json": {"self"},
    "pagerduty/GET_incidents.json": {
        "incidents.[].description",
        "incidents.[].priority.name",
        "total",
    },
    "pagerduty/GET_incidents_id_log_entries.json": {"limit", "more", "offset", "total"},
    "pagerduty/GET_incidents_id.json": {"incident.description", "incident.priority.name"},
    # include[]=incidents puts the incident object (checked against GET_incidents_id.json)
    # where the example has its reference
    "pagerduty/GET_log_entries.json": {"total", "log_entries.[].incident."},
    "pagerduty/GET_services.json": {"services.[].description"},
    "pagerduty/GET_priorities.json": {"priorities.[].order"},
}


def _shape_cases(org: Any) -> list[tuple[str, str, str]]:
    dep, issue, incident = org.deployments[0], org.issues[0], org.incidents[0]
    return [
        ("github", f"/orgs/{GITHUB_OWNER}/repos", "github/GET_orgs_org_repos.json"),
        (
            "github",
            f"/repos/{GITHUB_OWNER}/{dep.repo}/deployments",
            "github/GET_repos_owner_repo_deployments.json",
        ),
        (
            "github",
            f"/repos/{GITHUB_OWNER}/{org.releases[0].repo}/releases",
            "github/GET_repos_owner_repo_releases.json",
        ),
        (
            "github",
            f"/repos/{GITHUB_OWNER}/{org.workflow_runs[0].repo}/actions/runs",
            "github/GET_repos_owner_repo_actions_runs.json",
        ),
        (
            "jira",
            "/rest/api/3/search/jql?jql=order+by+updated",
            "jira/GET_rest_api_3_search_jql.json",
        ),
        (
            "jira",
            f"/rest/api/3/issue/{issue.key}/changelog",
            "jira/GET_rest_api_3_issue_issueIdOrKey_changelog.json",
        ),
        ("jira", "/rest/api/3/project/search", "jira/GET_rest_api_3_project_search.json"),
        (
            "jira",
            f"/rest/api/3/project/{issue.project_key}/versions",
            "jira/GET_rest_api_3_project_projectIdOrKey_versions.json",
        ),
        (
            "jira",
            f"/rest/api/3/issue/{issue.key}/worklog",
            "jira/GET_rest_api_3_issue_issueIdOrKey_worklog.json",
        ),
        ("jira", "/rest/agile/1.0/board", "jira/GET_rest_agile_1_0_board.json"),
        (
            "jira",
            f"/rest/agile/1.0/board/{org.boards[0].id}/sprint",
            "jira/GET_rest_agile_1_0_board_boardId_sprint.json",
        ),
        ("pagerduty", "/incidents", "pagerduty/GET_incidents.json"),
        (
            "pagerduty",
            f"/incidents/{incident.id}/log_entries",
            "pagerduty/GET_incidents_id_log_entries.json",
        ),
        ("pagerduty", f"/incidents/{incident.id}", "pagerduty/GET_incidents_id.json"),
        ("pagerduty", "/log_entries", "pagerduty/GET_log_entries.json"),
        ("pagerduty", "/log_entries?include[]=incidents", "pagerduty/GET_log_entries.json"),
        ("pagerduty", "/services", "pagerduty/GET_services.json"),
        ("pagerduty", "/teams", "pagerduty/GET_teams.json"),
        ("pagerduty", "/priorities", "pagerduty/GET_priorities.json"),
    ]


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason=f"vendor examples not found at {EXAMPLES}")
def test_payloads_use_only_the_vendors_field_names(simulator: Simulator) -> None:
    """Every field path the simulator serves is in the vendor's example or a documented extra:
    the simulator serves a subset of the real shapes and invents nothing."""
    clients = {"github": github, "jira": jira, "pagerduty": pagerduty}
    invented = {}
    for api, path, example in _shape_cases(simulator.org):
        response = clients[api](simulator).get(simulator.urls[api] + path)
        response.raise_for_status()
        served = _key_paths(response.json())
        reference = _key_paths(json.loads((EXAMPLES / example).read_text()))
        extras = DOCUMENTED_EXTRAS.get(example, set())
        unknown = {
            p for p in served - reference if not any(p == e or p.startswith(e) for e in extras)
        }
        if unknown:
            invented[example] = sorted(unknown)
    assert invented == {}
