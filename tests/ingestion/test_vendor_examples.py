"""The sources accept the vendors' own example payloads as they are, quirks included:
Jira's placeholder `fields.updated: 1` and sparse search fields, PageBeans that claim more
pages, epoch-millisecond release dates, PagerDuty log entries without pagination keys."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

from ingestion.pipeline import run_ingest

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "api-examples"
pytestmark = pytest.mark.skipif(
    not EXAMPLES.is_dir(), reason=f"vendor examples not found at {EXAMPLES}"
)

ROUTES = [
    (r"/orgs/[^/]+/repos", "github/GET_orgs_org_repos.json"),
    (r"/repos/[^/]+/[^/]+/pulls", "github/GET_repos_owner_repo_pulls.json"),
    (r"/repos/[^/]+/[^/]+/pulls/\d+", "github/GET_repos_owner_repo_pulls_pull_number.json"),
    (
        r"/repos/[^/]+/[^/]+/pulls/\d+/reviews",
        "github/GET_repos_owner_repo_pulls_pull_number_reviews.json",
    ),
    (
        r"/repos/[^/]+/[^/]+/pulls/\d+/commits",
        "github/GET_repos_owner_repo_pulls_pull_number_commits.json",
    ),
    (r"/repos/[^/]+/[^/]+/deployments", "github/GET_repos_owner_repo_deployments.json"),
    (
        r"/repos/[^/]+/[^/]+/deployments/\d+/statuses",
        "github/GET_repos_owner_repo_deployments_deployment_id_statuses.json",
    ),
    (r"/repos/[^/]+/[^/]+/compare/.+", "github/GET_repos_owner_repo_compare_basehead.json"),
    (r"/repos/[^/]+/[^/]+/releases", "github/GET_repos_owner_repo_releases.json"),
    (r"/repos/[^/]+/[^/]+/actions/runs", "github/GET_repos_owner_repo_actions_runs.json"),
    (r"/rest/api/3/project/search", "jira/GET_rest_api_3_project_search.json"),
    (
        r"/rest/api/3/project/[^/]+/versions",
        "jira/GET_rest_api_3_project_projectIdOrKey_versions.json",
    ),
    (r"/rest/api/3/search/jql", "jira/GET_rest_api_3_search_jql.json"),
    (r"/rest/api/3/worklog/updated", "jira/GET_rest_api_3_worklog_updated.json"),
    (r"/rest/agile/1.0/board", "jira/GET_rest_agile_1_0_board.json"),
    (r"/rest/agile/1.0/board/\d+/sprint", "jira/GET_rest_agile_1_0_board_boardId_sprint.json"),
    (r"/rest/agile/1.0/sprint/\d+", "jira/GET_rest_agile_1_0_sprint_sprintId.json"),
    (r"/incidents", "pagerduty/GET_incidents.json"),
    (r"/incidents/[^/]+/log_entries", "pagerduty/GET_incidents_id_log_entries.json"),
    (r"/services", "pagerduty/GET_services.json"),
    (r"/teams", "pagerduty/GET_teams.json"),
    (r"/priorities", "pagerduty/GET_priorities.json"),
]
POST_ROUTES = [
    (r"/rest/api/3/changelog/bulkfetch", "jira/POST_rest_api_3_changelog_bulkfetch.json"),
    (r"/rest/api/3/worklog/list", "jira/POST_rest_api_3_worklog_list.json"),
]
# the examples are one page of a longer listing; past it, the listing is over
PAGE_PARAMS = ("startAt", "offset", "page", "nextPageToken")


def _last_page(body: object) -> object:
    if isinstance(body, list):
        return []
    assert isinstance(body, dict)
    lists = {k: [] for k, v in body.items() if isinstance(v, list)}
    rest = {k: v for k, v in body.items() if k != "nextPageToken"}
    return rest | lists | {"isLast": True, "more": False}


class ExampleHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        example = next((f for p, f in ROUTES if re.fullmatch(p, parts.path)), None)
        if example is None:
            self.send_error(404)
            return
        body = json.loads((EXAMPLES / example).read_text())
        if any(query.get(k, ["0"])[0] not in ("0", "1") for k in PAGE_PARAMS) or (
            "nextPageToken" in query
        ):
            body = _last_page(body)
        self._send(body)

    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        path = urlsplit(self.path).path
        example = next((f for p, f in POST_ROUTES if re.fullmatch(p, path)), None)
        if example is None:
            self.send_error(404)
            return
        body = json.loads((EXAMPLES / example).read_text())
        # a cursor in the request body asks for the page after the example's
        self._send(_last_page(body) if "nextPageToken" in request else body)

    def _send(self, body: object) -> None:
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def example_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), ExampleHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def example_warehouse(example_server: str, tmp_path: Path) -> Path:
    """The three sources run against the vendors' example payloads."""
    warehouse = tmp_path / "examples.duckdb"
    settings = {
        "jira": {"base_url": example_server, "email": "e@x", "api_token": "t"},
        "github": {"base_url": example_server, "owner": "octocat", "access_token": "t"},
        "pagerduty": {"base_url": example_server, "api_token": "t"},
    }
    results = run_ingest(duckdb_path=warehouse, settings=settings)
    assert {r.source: r.error for r in results} == {
        "jira": None,
        "github": None,
        "pagerduty": None,
    }
    return warehouse


def _count(warehouse: Path, table: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute(f"select count(*) from {table}").fetchone()
    return row[0] if row else 0


def test_every_source_loads_the_vendor_examples(example_warehouse: Path) -> None:
    assert _count(example_warehouse, "raw_github.pull_requests") == 1
    assert _count(example_warehouse, "raw_github.deployments") == 1
    assert _count(example_warehouse, "raw_jira.issues") == 1
    assert _count(example_warehouse, "raw_jira.versions") == 2
    # the search example asks for no changelog: the comes from the bulk fetch example
    assert _count(example_warehouse, "raw_jira.issue_changelogs") == 2
    # its `created: 1492070429` (epoch seconds where the API answers ISO) lands as that time
    assert (
        _count(
            example_warehouse,
            "raw_jira.issue_changelogs where created = timestamptz '2017-04-13 08:00:29+00'",
        )
        == 1
    )
    assert _count(example_warehouse, "raw_jira.worklogs") == 1
    assert _count(example_warehouse, "raw_jira.boards") == 2
    assert _count(example_warehouse, "raw_jira.sprints") == 2
    assert _count(example_warehouse, "raw_pagerduty.incidents") == 1
    assert _count(example_warehouse, "raw_pagerduty.incident_log_entries") == 1


def test_every_model_builds_on_the_vendor_examples(example_warehouse: Path) -> None:
    """Sparse real payloads lack columns and child tables the simulator always fills: the
    declared source columns come through as NULLs and every model still builds."""
    from ingestion.build import release_dbt_duckdb, run_dbt

    try:
        run_dbt(["seed"], example_warehouse)
        run_dbt(["run"], example_warehouse)
    finally:
        release_dbt_duckdb()
    assert _count(example_warehouse, "marts.deployments") == 1
    assert _count(example_warehouse, "marts.incidents") == 1
    assert _count(example_warehouse, "marts.work_items") == 1
    assert _count(example_warehouse, "staging.stg_jira__issue_labels") == 0
    # releaseDate 1278385482288 ms in the example = 2010-07-06 06:24:42 UTC
    assert (
        _count(
            example_warehouse, "staging.stg_jira__versions where release_date = date '2010-07-06'"
        )
        == 1
    )
