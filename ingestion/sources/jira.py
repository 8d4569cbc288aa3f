"""Jira Cloud REST v3 + Agile: projects (+ versions), issues (+ changelogs, worklogs),
boards (+ sprints, + sprint issues)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
from dlt.sources import DltResource
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth

from ingestion.sources.http import source_client

AUTH_KEY = (
    "SOURCES__JIRA__EMAIL and SOURCES__JIRA__API_TOKEN "
    "(sources.jira.email / sources.jira.api_token in .dlt/secrets.toml)"
)
# the JQL cursor has minute precision: re-read a little and let the merge drop duplicates
CURSOR_OVERLAP = timedelta(minutes=2)
ISSUE_FIELDS = (
    "summary,issuetype,status,priority,labels,created,updated,resolutiondate,duedate,"
    "assignee,reporter,project,fixVersions,customfield_10016,customfield_10020"
)


def _page_bean(client: RESTClient, path: str, page_size: int) -> Iterator[list[dict[str, Any]]]:
    """PageBean {startAt, maxResults, isLast, values}: stop on isLast, not on nextPage."""
    start = 0
    while True:
        body = client.get(path, {"startAt": start, "maxResults": page_size}).json()
        yield body["values"]
        if body.get("isLast", True) or not body["values"]:
            return
        start += len(body["values"])


def _with_updated_timestamp(issue: dict[str, Any], read_at: str) -> dict[str, Any]:
    """The cursor needs `fields.updated` as a timestamp string. Atlassian's own search example
    has `updated: 1`: such an issue is kept, stamped with the time it was read (it matched the
    JQL `updated >=` filter, so it changed since the last run), its value kept beside."""
    fields = issue.get("fields") or {}
    if isinstance(fields.get("updated"), str):
        return issue
    return issue | {
        "fields": fields
        | {"updated": read_at, "updated_as_served": json.dumps(fields.get("updated"))}
    }


def _jql_since(cursor: str) -> str:
    at = datetime.strptime(cursor[:19], "%Y-%m-%dT%H:%M:%S") - CURSOR_OVERLAP
    return at.strftime("%Y-%m-%d %H:%M")


@dlt.source(name="jira", max_table_nesting=2)
def jira_source(
    base_url: str = dlt.config.value,
    email: str = dlt.config.value,
    api_token: str = dlt.secrets.value,
    projects: list[str] | None = None,
    start_date: str = "2000-01-01T00:00:00.000+0000",
    page_size: int = 100,
) -> list[DltResource]:
    client = source_client(
        "jira",
        base_url,
        AUTH_KEY,
        auth=HttpBasicAuth(email, api_token),
        headers={"Accept": "application/json"},
    )

    @dlt.resource(name="projects", primary_key="id", write_disposition="merge")
    def projects_resource() -> Iterator[list[dict[str, Any]]]:
        for page in _page_bean(client, "/rest/api/3/project/search", 50):
            yield [p for p in page if not projects or p["key"] in projects]

    @dlt.transformer(
        data_from=projects_resource,
        primary_key="id",
        write_disposition="merge",
        columns={"release_date": {"data_type": "date"}, "start_date": {"data_type": "date"}},
    )
    def versions(project_page: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        for project in project_page:
            yield client.get(f"/rest/api/3/project/{project['key']}/versions").json()

    @dlt.resource(
        primary_key="id",
        write_disposition="merge",
        columns={
            "fields__resolutiondate": {"data_type": "text"},
            "fields__duedate": {"data_type": "text"},
            "fields__customfield_10016": {"data_type": "double"},
            "fields__assignee__account_id": {"data_type": "text"},
        },
    )
    def issues(
        updated: dlt.sources.incremental[str] = dlt.sources.incremental(
            "fields.updated", initial_value=start_date
        ),
    ) -> Iterator[list[dict[str, Any]]]:
        scope = f"project in ({', '.join(projects)}) AND " if projects else ""
        jql = f'{scope}updated >= "{_jql_since(updated.start_value)}" ORDER BY updated ASC'
        token: str | None = None
        while True:
            params = {"jql": jql, "fields": ISSUE_FIELDS, "maxResults": page_size}
            body = client.get(
                "/rest/api/3/search/jql", params | ({"nextPageToken": token} if token else {})
            ).json()
            read_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
            yield [_with_updated_timestamp(issue, read_at) for issue in body["issues"]]
            token = body.get("nextPageToken")
            if body.get("isLast", True) or not token:
                return

    @dlt.transformer(data_from=issues, primary_key="id", write_disposition="merge")
    def issue_changelogs(issue_page: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        for issue in issue_page:
            for page in _page_bean(client, f"/rest/api/3/issue/{issue['key']}/changelog", 100):
                yield [h | {"issue_id": issue["id"], "issue_key": issue["key"]} for h in page]

    @dlt.transformer(data_from=issues, primary_key="id", write_disposition="merge")
    def worklogs(issue_page: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        for issue in issue_page:
            start = 0
            while True:
                body = client.get(
                    f"/rest/api/3/issue/{issue['key']}/worklog",
                    {"startAt": start, "maxResults": 1000},
                ).json()
                yield [w | {"issue_key": issue["key"]} for w in body["worklogs"]]
                start += len(body["worklogs"])
                if start >= body["total"] or not body["worklogs"]:
                    break

    @dlt.resource(primary_key="id", write_disposition="merge")
    def boards() -> Iterator[list[dict[str, Any]]]:
        for page in _page_bean(client, "/rest/agile/1.0/board", 50):
            yield [
                b
                for b in page
                if not projects or b.get("location", {}).get("projectKey") in projects
            ]

    @dlt.transformer(
        data_from=boards,
        primary_key="id",
        write_disposition="merge",
        columns={
            "complete_date": {"data_type": "text"},
            "start_date": {"data_type": "text"},
            "end_date": {"data_type": "text"},
        },
    )
    def sprints(board_page: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        for board in board_page:
            for page in _page_bean(client, f"/rest/agile/1.0/board/{board['id']}/sprint", 50):
                yield [s | {"board_id": board["id"]} for s in page]

    # current membership only (history comes from changelogs): replaced on every run so an
    # issue moved out of a sprint does not linger
    @dlt.transformer(
        data_from=sprints, primary_key=("sprint_id", "issue_id"), write_disposition="replace"
    )
    def sprint_issues(sprint_page: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        for sprint in sprint_page:
            start = 0
            while True:
                body = client.get(
                    f"/rest/agile/1.0/sprint/{sprint['id']}/issue",
                    {"startAt": start, "maxResults": 50, "fields": "key"},
                ).json()
                yield [
                    {"sprint_id": sprint["id"], "issue_id": i["id"], "issue_key": i["key"]}
                    for i in body["issues"]
                ]
                start += len(body["issues"])
                if start >= body["total"] or not body["issues"]:
                    break

    return [
        projects_resource,
        versions,
        issues,
        issue_changelogs,
        worklogs,
        boards,
        sprints,
        sprint_issues,
    ]
