"""The fewest requests a complete first load of an organisation can make, per endpoint: each
endpoint's records divided by the largest page its vendor documents, and at least one call per
parent where the API only lists per parent (a repository's releases, a board's sprints).

The benchmark prints these beside the requests the ingestion made. Endpoints are named as the
simulator's routes, with their parameters in braces (`/repos/{owner}/{repo}/releases`).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

from ingestion.simulator.model import Org

GITHUB_PAGE = 100  # REST per_page and GraphQL `first`
JIRA_SEARCH_PAGE = 100  # search/jql with fields
JIRA_BEAN_PAGE = 50  # project/search, board, board sprints
JIRA_BULK = 1000  # changelog/bulkfetch issues, worklog ids per page and per list call
JIRA_EXPANDED_HISTORIES = 40  # histories the search's expand=changelog carries per issue
PAGERDUTY_PAGE = 100


def label(route: str) -> str:
    """A route pattern as people read it: `(?P<repo>[^/]+)` -> `{repo}`."""
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route).replace("\\", "")


def _pages(records: int, page: int) -> int:
    return math.ceil(records / page)


def _per_parent(counts: Iterable[int], page: int) -> int:
    """At least one call per parent, more where its list is longer than a page."""
    return sum(max(1, _pages(n, page)) for n in counts)


def github_minimum(org: Org) -> dict[str, int]:
    prs = Counter(pr.repo for pr in org.pull_requests)
    deployments = Counter(d.repo for d in org.deployments)
    releases = Counter(r.repo for r in org.releases)
    default = {repo.name: repo.default_branch for repo in org.repos}
    runs = Counter(r.repo for r in org.workflow_runs if r.head_branch == default[r.repo])
    # one GraphQL query per repository carries the first page of each of its lists
    graphql = sum(
        max(
            1,
            _pages(prs[repo.name], GITHUB_PAGE),
            _pages(deployments[repo.name], GITHUB_PAGE),
            _pages(len(repo.history), GITHUB_PAGE),
        )
        for repo in org.repos
    )
    return {
        "/orgs/{org}/repos": _pages(len(org.repos), GITHUB_PAGE),
        "/graphql": graphql,
        "/repos/{owner}/{repo}/releases": _per_parent(
            (releases[r.name] for r in org.repos), GITHUB_PAGE
        ),
        "/repos/{owner}/{repo}/actions/runs": _per_parent(
            (runs[r.name] for r in org.repos), GITHUB_PAGE
        ),
    }


def jira_minimum(org: Org) -> dict[str, int]:
    sprints = Counter(s.board_id for s in org.sprints)
    worklogs = sum(len(i.worklogs) for i in org.issues)
    long_histories = sum(1 for i in org.issues if len(i.changelog) > JIRA_EXPANDED_HISTORIES)
    return {
        "/rest/api/3/project/search": _pages(len(org.projects), JIRA_BEAN_PAGE),
        "/rest/api/3/project/{key}/versions": len(org.projects),
        "/rest/api/3/search/jql": max(1, _pages(len(org.issues), JIRA_SEARCH_PAGE)),
        "/rest/api/3/changelog/bulkfetch": _pages(long_histories, JIRA_BULK),
        "/rest/api/3/worklog/updated": max(1, _pages(worklogs, JIRA_BULK)),
        "/rest/api/3/worklog/list": _pages(worklogs, JIRA_BULK),
        "/rest/agile/1.0/board": _pages(len(org.boards), JIRA_BEAN_PAGE),
        "/rest/agile/1.0/board/{id}/sprint": _per_parent(
            (sprints[b.id] for b in org.boards), JIRA_BEAN_PAGE
        ),
    }


def pagerduty_minimum(org: Org) -> dict[str, int]:
    log_entries = sum(len(i.log_entries) for i in org.incidents)
    return {
        "/incidents": max(1, _pages(len(org.incidents), PAGERDUTY_PAGE)),
        "/log_entries": max(1, _pages(log_entries, PAGERDUTY_PAGE)),
        "/services": max(1, _pages(len(org.services), PAGERDUTY_PAGE)),
        "/teams": max(1, _pages(len(org.pagerduty_teams), PAGERDUTY_PAGE)),
        "/priorities": max(1, _pages(len(org.priorities), PAGERDUTY_PAGE)),
    }


def minimum_requests(org: Org) -> dict[tuple[str, str], int]:
    """(api, endpoint label) -> the fewest requests a complete first load needs."""
    by_api = {
        "github": github_minimum(org),
        "jira": jira_minimum(org),
        "pagerduty": pagerduty_minimum(org),
    }
    return {(api, endpoint): n for api, table in by_api.items() for endpoint, n in table.items()}
