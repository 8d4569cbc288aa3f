"""Jira Cloud REST v3 + Agile: projects (+ versions), issues with their changelogs (search with
`expand=changelog`, bulk changelog fetch for long histories), worklogs (updated since the last
run, fetched in bulk), boards (+ sprints, closed sprints read once).

Sprint membership is the issues' sprint field (customfield_10020), fetched with the issues.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
import requests
from dlt.sources import DltResource
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth
from dlt.sources.helpers.rest_client.paginators import BasePaginator, JSONResponseCursorPaginator

from ingestion.sources.dates import parse_start_date
from ingestion.sources.http import is_not_found, paginate, source_client

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
# the largest page each endpoint serves
MAX_SEARCH_PAGE = 100
MAX_PAGE_BEAN = 50
MAX_BULK_CHANGELOG_PAGE = 1000
BULK_CHANGELOG_ISSUES = 1000  # issues per bulk changelog request (the documented limit)
ISSUE_COLUMNS: dict[str, Any] = {
    "fields__resolutiondate": {"data_type": "text"},
    "fields__duedate": {"data_type": "text"},
    "fields__customfield_10016": {"data_type": "double"},
    "fields__assignee__account_id": {"data_type": "text"},
}
# Atlassian's bulk changelog example has epoch seconds where the API answers ISO timestamps
CHANGELOG_COLUMNS: dict[str, Any] = {"created": {"data_type": "timestamp"}}


class PageBeanPaginator(BasePaginator):
    """Jira's PageBean {startAt, maxResults, isLast, values}. The next page starts after the
    values received (Jira may serve fewer than asked for) and `isLast` ends the listing; dlt's
    OffsetPaginator steps by the requested limit and reads `total`, which Jira may omit."""

    def __init__(self, page_size: int) -> None:
        super().__init__()
        self.page_size = page_size
        self.start_at = 0

    def init_request(self, request: requests.Request) -> None:
        request.params = {**(request.params or {}), "startAt": 0, "maxResults": self.page_size}

    def update_state(self, response: requests.Response, data: list[Any] | None = None) -> None:
        body = response.json()
        values = body.get("values") or []
        self.start_at = int(body.get("startAt", self.start_at)) + len(values)
        self._has_next_page = bool(values) and not body.get("isLast", True)

    def update_request(self, request: requests.Request) -> None:
        request.params = {**(request.params or {}), "startAt": self.start_at}


class WorklogsUpdatedPaginator(BasePaginator):
    """/worklog/updated pages: `lastPage` ends them and the next one starts at the page's
    `until` (`since` is inclusive). `nextPage` says the same, but as an absolute URL that
    Atlassian's own example writes with a placeholder path, so the parameter is set here."""

    def __init__(self, since_ms: int) -> None:
        super().__init__()
        self.since_ms = since_ms
        self.is_last = False

    def init_request(self, request: requests.Request) -> None:
        request.params = {**(request.params or {}), "since": self.since_ms}

    def update_state(self, response: requests.Response, data: list[Any] | None = None) -> None:
        body = response.json()
        self.is_last = bool(body.get("lastPage", True))
        until = body.get("until")
        if not self.is_last and (until is None or int(until) <= self.since_ms):
            raise RuntimeError(
                f"jira: /rest/api/3/worklog/updated did not advance past since={self.since_ms}"
            )
        if until is not None:
            # past the last page every worklog up to `until` was listed: start after it
            self.since_ms = int(until) + (1 if self.is_last else 0)
        self._has_next_page = not self.is_last

    def update_request(self, request: requests.Request) -> None:
        request.params = {**(request.params or {}), "since": self.since_ms}


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


def _timestamp(value: str) -> datetime:
    """Jira's timestamps (`2026-05-01T10:00:00.000+0000`) as UTC datetimes."""
    return datetime.fromisoformat(value).astimezone(UTC)


def _jql_since(cursor: datetime) -> str:
    return (cursor - CURSOR_OVERLAP).astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def _changelog_rows(
    histories: list[dict[str, Any]], issue_id: str, issue_key: str | None
) -> list[dict[str, Any]]:
    return [h | {"issue_id": issue_id, "issue_key": issue_key} for h in histories]


def _as_table(rows: list[dict[str, Any]], table: str, columns: dict[str, Any]) -> Any:
    """The issues resource yields two tables, each with its own column hints (on the
    resource they would apply to both)."""
    return dlt.mark.with_hints(
        rows,
        dlt.mark.make_hints(
            table_name=table, primary_key="id", write_disposition="merge", columns=columns
        ),
        create_table_variant=True,
    )


@dlt.source(name="jira", max_table_nesting=2)
def jira_source(
    base_url: str = dlt.config.value,
    email: str = dlt.config.value,
    api_token: str = dlt.secrets.value,
    projects: list[str] | None = None,
    start_date: str = "2000-01-01",
    page_size: int | None = None,
) -> list[DltResource]:
    """`page_size` caps every page (tests force tiny pages); by default each endpoint's
    largest page is asked for."""
    start = parse_start_date(start_date, "sources.jira.start_date")
    client = source_client(
        "jira",
        base_url,
        AUTH_KEY,
        auth=HttpBasicAuth(email, api_token),
        headers={"Accept": "application/json"},
    )

    def size(maximum: int) -> int:
        return min(page_size, maximum) if page_size else maximum

    pages = functools.partial(paginate, client)

    @dlt.resource(name="projects", primary_key="id", write_disposition="merge")
    def projects_resource() -> Iterator[list[dict[str, Any]]]:
        for page in pages(
            "/rest/api/3/project/search",
            paginator=PageBeanPaginator(size(MAX_PAGE_BEAN)),
            data_selector="values",
        ):
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

    def bulk_changelogs(issue_keys: dict[str, str]) -> Iterator[Any]:
        """Every history of these issues (id -> key), oldest first, in as few pages as the
        API allows."""
        for page in pages(
            "/rest/api/3/changelog/bulkfetch",
            method="POST",
            json={"issueIdsOrKeys": list(issue_keys), "maxResults": size(MAX_BULK_CHANGELOG_PAGE)},
            paginator=JSONResponseCursorPaginator(
                cursor_path="nextPageToken", cursor_body_path="nextPageToken"
            ),
            data_selector="issueChangeLogs",
        ):
            rows = [
                row
                for log in page
                for row in _changelog_rows(
                    log.get("changeHistories") or [],
                    str(log["issueId"]),
                    issue_keys.get(str(log["issueId"])),
                )
            ]
            yield _as_table(rows, "issue_changelogs", CHANGELOG_COLUMNS)

    @dlt.resource(primary_key="id", write_disposition="merge")
    def issues() -> Iterator[Any]:
        """Issues updated since the last run, each with its changelog: the search's
        `expand=changelog` carries a capped number of histories per issue, so issues with
        more (or none served) are completed by the bulk changelog endpoint. The cursor is
        kept in resource state rather than dlt.sources.incremental, which would filter the
        changelog rows this resource also yields; as there, an issue re-read unchanged from
        the cursor's overlap (older than the cursor, or at it and loaded then) is skipped."""
        state = dlt.current.resource_state()
        cursor = _timestamp(state["updated_since"]) if "updated_since" in state else start
        loaded_at_cursor = set(state.get("ids_at_cursor") or [])
        scope = f"project in ({', '.join(projects)}) AND " if projects else ""
        jql = f'{scope}updated >= "{_jql_since(cursor)}" ORDER BY updated ASC'
        incomplete: dict[str, str] = {}  # issue id -> key: changelog to fetch in bulk
        latest, at_latest = cursor, set(loaded_at_cursor)
        for page in pages(
            "/rest/api/3/search/jql",
            params={
                "jql": jql,
                "fields": ISSUE_FIELDS,
                "expand": "changelog",
                "maxResults": size(MAX_SEARCH_PAGE),
            },
            paginator=JSONResponseCursorPaginator(
                cursor_path="nextPageToken", cursor_param="nextPageToken"
            ),
            data_selector="issues",
        ):
            read_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
            issue_rows, changelog_rows = [], []
            for served in page:
                issue = _with_updated_timestamp(served, read_at)
                updated = _timestamp(issue["fields"]["updated"])
                if updated < cursor or (updated == cursor and issue["id"] in loaded_at_cursor):
                    continue
                if updated > latest:
                    latest, at_latest = updated, set()
                at_latest.add(issue["id"])
                changelog = issue.pop("changelog", None) or {}
                histories, total = changelog.get("histories"), changelog.get("total")
                if histories is None or total is None or int(total) > len(histories):
                    incomplete[str(issue["id"])] = issue["key"]
                else:
                    changelog_rows += _changelog_rows(histories, str(issue["id"]), issue["key"])
                issue_rows.append(issue)
            yield _as_table(issue_rows, "issues", ISSUE_COLUMNS)
            if changelog_rows:
                yield _as_table(changelog_rows, "issue_changelogs", CHANGELOG_COLUMNS)
            if len(incomplete) >= BULK_CHANGELOG_ISSUES:
                yield from bulk_changelogs(incomplete)
                incomplete = {}
        if incomplete:
            yield from bulk_changelogs(incomplete)
        state["updated_since"] = latest.isoformat()
        state["ids_at_cursor"] = sorted(at_latest)

    @dlt.resource(primary_key="id", write_disposition="merge")
    def worklogs() -> Iterator[list[dict[str, Any]]]:
        """Worklogs created or changed since the last run: ids from /worklog/updated, then the
        worklogs themselves, a page of ids (at most 1000) per /worklog/list call."""
        state = dlt.current.resource_state()
        paginator = WorklogsUpdatedPaginator(
            state.get("updated_since_ms") or int(start.timestamp() * 1000)
        )
        for page in pages(
            "/rest/api/3/worklog/updated", paginator=paginator, data_selector="values"
        ):
            ids = [value["worklogId"] for value in page]
            if ids:
                yield client.post("/rest/api/3/worklog/list", json={"ids": ids}).json()
        state["updated_since_ms"] = paginator.since_ms

    @dlt.resource(primary_key="id", write_disposition="merge")
    def boards() -> Iterator[list[dict[str, Any]]]:
        """All boards, or those of the configured projects (Jira filters by `projectKeyOrId`;
        the board payload need not say its project, so the one it was listed for is kept)."""
        for project_key in projects or [None]:
            for page in pages(
                "/rest/agile/1.0/board",
                params={"projectKeyOrId": project_key} if project_key else {},
                paginator=PageBeanPaginator(size(MAX_PAGE_BEAN)),
                data_selector="values",
            ):
                yield [b | {"listed_for_project": project_key} for b in page]

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
        """A board's sprints: all of them the first time, then only the active and future
        ones; a sprint that was open last time and is listed no more has closed (or was
        deleted) and is read once by id. State: board id -> ids of its open sprints."""
        open_sprints: dict[str, list[int]] = dlt.current.resource_state().setdefault(
            "open_sprint_ids", {}
        )
        for board in board_page:
            known_open = open_sprints.get(str(board["id"]))
            listed: list[dict[str, Any]] = []
            for page in pages(
                f"/rest/agile/1.0/board/{board['id']}/sprint",
                params={} if known_open is None else {"state": "active,future"},
                paginator=PageBeanPaginator(size(MAX_PAGE_BEAN)),
                data_selector="values",
            ):
                listed += page
                yield [s | {"board_id": board["id"]} for s in page]
            listed_ids = {s["id"] for s in listed}
            for sprint_id in [i for i in known_open or [] if i not in listed_ids]:
                try:
                    sprint = client.get(f"/rest/agile/1.0/sprint/{sprint_id}").json()
                except requests.HTTPError as exc:
                    if is_not_found(exc):  # deleted: its stored row stays
                        continue
                    raise
                listed.append(sprint)
                yield [sprint | {"board_id": board["id"]}]
            open_sprints[str(board["id"])] = [s["id"] for s in listed if s["state"] != "closed"]

    return [projects_resource, versions, issues, worklogs, boards, sprints]
