"""The benchmark's arithmetic: endpoint labels, minimum requests, and a mismatch shown as an
ERROR that fails the command."""

from __future__ import annotations

from ingestion.benchmark import RunFigures, ScaleFigures, complete, first_load_hours, report
from ingestion.simulator.minimum import label, minimum_requests
from ingestion.simulator.org import build_org


def _run(mismatches: dict[str, tuple[int, int]] | None = None) -> RunFigures:
    return RunFigures(
        seconds=2.0,
        requests={"github": 30, "jira": 8, "pagerduty": 2},
        endpoints={"github /graphql": 20, "github /orgs/{org}/repos": 10, "jira /x": 8},
        graphql_points=45,
        rows={"raw_github.repositories": 12},
        mismatches=mismatches or {},
    )


def _figures(changed_run: RunFigures) -> ScaleFigures:
    return ScaleFigures(
        seed=7,
        scale=1,
        teams=4,
        repos=12,
        engineers=20,
        records={"pull_requests": 300, "deployments": 100, "issues": 200, "incidents": 20},
        minimum={"github /graphql": 12, "github /orgs/{org}/repos": 1, "jira /x": 4},
        runs={"full": _run(), "no_change": _run(), "changed": changed_run},
    )


def test_route_patterns_read_as_endpoints() -> None:
    assert label(r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/releases") == (
        "/repos/{owner}/{repo}/releases"
    )
    assert label(r"/rest/agile/1.0/board/(?P<id>\d+)/sprint") == "/rest/agile/1.0/board/{id}/sprint"


def test_minimum_is_records_over_the_largest_page_with_one_call_per_parent() -> None:
    org = build_org()
    minimum = minimum_requests(org)
    # 12 repositories fit one page of 100; releases and workflow runs are listed per repository
    assert minimum[("github", "/orgs/{org}/repos")] == 1
    assert minimum[("github", "/repos/{owner}/{repo}/releases")] == 12
    # 480 issues at 100 per search page; 4 projects each list their versions once
    assert minimum[("jira", "/rest/api/3/search/jql")] == 5
    assert minimum[("jira", "/rest/api/3/project/{key}/versions")] == 4
    # 102 incidents, 306 log entries at 100 per page
    assert (len(org.incidents), sum(len(i.log_entries) for i in org.incidents)) == (102, 306)
    assert minimum[("pagerduty", "/incidents")] == 2
    assert minimum[("pagerduty", "/log_entries")] == 4


def test_a_row_mismatch_is_an_error_line_and_fails() -> None:
    figures = _figures(_run({"raw_github.deployments": (148, 874)}))
    lines = report(figures)
    assert "  ERROR changed: raw_github.deployments landed 148 rows, the org has 874" in lines
    assert "  rows after full: 12 in 1 raw tables = the org" in lines
    # 40 requests over a minimum of 17
    assert any(line.endswith("(full = 2.35x the minimum)") for line in lines)
    assert not complete([figures])
    assert complete([_figures(_run())])


def test_first_load_hours_take_the_larger_github_budget() -> None:
    # REST: 30 GitHub requests - 20 GraphQL = 10; GraphQL points 45: the points decide
    figures = _figures(_run())
    assert first_load_hours(figures) == 45 / 5000
    assert first_load_hours(figures, 5000) == 45 / 5000 * 5000 / 20
