"""Jira Cloud REST v3 and Agile 1.0 as the simulator serves them (basic auth email:token)."""

from __future__ import annotations

import base64
import re
import zlib
from datetime import UTC, datetime
from email.message import Message
from typing import Any

from ingestion.simulator import common
from ingestion.simulator.model import ChangelogEntry, Issue, Org, Sprint, Worklog

UNAUTHORIZED = {
    "errorMessages": [
        "You are not authenticated. Authentication required to perform this operation."
    ],
    "errors": {},
}
JQL_PROJECT = re.compile(
    r"project\s*(?:=\s*\"?(?P<one>[A-Z0-9]+)\"?|in\s*\((?P<many>[^)]*)\))", re.I
)
JQL_UPDATED = re.compile(r"updated\s*>=\s*\"?(?P<at>\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?)\"?", re.I)
# Module settings the tests change (monkeypatch) to force what a large account shows:
# histories per issue in a search with expand=changelog (Jira serves at most 40),
EXPANDED_HISTORIES = 40
# and worklog ids per /worklog/updated page (Jira: 1000, no page-size parameter).
WORKLOG_IDS_PAGE = 1000
BULK_CHANGELOG_ISSUES = 1000  # issues per bulk changelog request
# What the documented-fields mode leaves out, per route: boards without `location` (and the
# page without `self`), as in Atlassian's own example of GET /rest/agile/1.0/board.
UNDOCUMENTED = {r"/rest/agile/1.0/board": ("self", "values[].location")}


def authorized(headers: Message, creds: common.Credentials) -> bool:
    expected = base64.b64encode(f"{creds.jira_email}:{creds.jira_token}".encode()).decode()
    return headers.get("Authorization", "") == f"Basic {expected}"


def rate_limited(retry_after: int) -> tuple[int, dict[str, str]]:
    return 429, {
        "Retry-After": str(retry_after),
        "X-RateLimit-Limit": "100",
        "X-RateLimit-Remaining": "0",
    }


def default_headers() -> dict[str, str]:
    return {}


def ts(value: datetime | None) -> str | None:
    """Platform API format: millis and an offset without a colon."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.000+0000") if value else None


def agile_ts(value: datetime | None) -> str | None:
    """Agile API format: millis and an offset with a colon."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.000+00:00") if value else None


def _user(account_id: str | None) -> dict[str, Any] | None:
    if account_id is None:
        return None
    return {
        "accountId": account_id,
        "displayName": f"User {account_id[-4:]}",
        "active": True,
        "accountType": "atlassian",
    }


def _sprint_json(s: Sprint) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": s.id,
        "self": f"/rest/agile/1.0/sprint/{s.id}",
        "state": s.state,
        "name": s.name,
        "originBoardId": s.board_id,
        "goal": s.goal,
    }
    if s.state != "future":  # future sprints carry no dates, as in the vendor example
        body |= {"startDate": agile_ts(s.start_date), "endDate": agile_ts(s.end_date)}
    if s.complete_date:
        body["completeDate"] = agile_ts(s.complete_date)
    return body


def _issue_json(org: Org, issue: Issue, base: str) -> dict[str, Any]:
    status = next(s for s in org.jira_statuses if s.name == issue.status)
    project = next(p for p in org.projects if p.key == issue.project_key)
    sprints = [s for s in org.sprints if s.id in issue.sprint_ids]
    versions = [v for v in org.versions if v.id in issue.fix_version_ids]
    return {
        "id": issue.id,
        "key": issue.key,
        "self": f"{base}/rest/api/3/issue/{issue.id}",  # absolute, as Jira Cloud sends it
        "fields": {
            "summary": issue.summary,
            "issuetype": {
                "id": str(zlib.crc32(issue.issue_type.encode()) % 10000),
                "name": issue.issue_type,
                "subtask": False,
            },
            "status": {
                "id": status.id,
                "name": status.name,
                "statusCategory": {"key": status.category_key, "name": status.category_key},
            },
            "priority": {"name": issue.priority},
            "labels": issue.labels,
            "created": ts(issue.created),
            "updated": ts(issue.updated),
            "resolutiondate": ts(issue.resolution_date),
            "duedate": issue.due_date.isoformat() if issue.due_date else None,
            "assignee": _user(issue.assignee_account_id),
            "reporter": _user(issue.reporter_account_id),
            "project": {"id": project.id, "key": project.key, "name": project.name},
            "fixVersions": [{"id": v.id, "name": v.name, "released": v.released} for v in versions],
            "customfield_10016": issue.story_points,
            "customfield_10020": [_sprint_json(s) | {"boardId": s.board_id} for s in sprints]
            or None,
        },
    }


def _bad_request(message: str) -> common.BadRequest:
    """Jira's 400 body: the reason in errorMessages."""
    return common.BadRequest({"errorMessages": [message], "errors": {}})


def _issue(org: Org, key: str) -> Issue:
    issue = next((i for i in org.issues if key in (i.key, i.id)), None)
    if issue is None:
        raise common.NotFound(key)
    return issue


def _page_bean(
    values: list[Any], q: common.Query, path: str, base: str, cap: int = 50
) -> dict[str, Any]:
    start = int(common.param(q, "startAt", "0") or 0)
    size = common.page_bounds(q, "maxResults", cap, cap)
    page = values[start : start + size]
    is_last = start + size >= len(values)
    body = {
        "self": f"{base}{path}",
        "maxResults": size,
        "startAt": start,
        "total": len(values),
        "isLast": is_last,
        "values": page,
    }
    if not is_last:
        body["nextPage"] = f"{base}{path}?startAt={start + size}&maxResults={size}"
    return body


def _expanded_changelog(issue: Issue) -> dict[str, Any]:
    """`expand=changelog`: a PageOfChangelogs with at most EXPANDED_HISTORIES histories."""
    histories = [_history_json(h) for h in issue.changelog[:EXPANDED_HISTORIES]]
    return {
        "changelog": {
            "startAt": 0,
            "maxResults": len(histories),
            "total": len(issue.changelog),
            "histories": histories,
        }
    }


def search_jql(org: Org, m: re.Match[str], q: common.Query, base: str):
    jql = common.param(q, "jql", "") or ""
    issues = org.issues
    if project := JQL_PROJECT.search(jql):
        keys = (
            {project["one"]}
            if project["one"]
            else {k.strip().strip('"') for k in project["many"].split(",")}
        )
        issues = [i for i in issues if i.project_key in keys]
    if updated := JQL_UPDATED.search(jql):
        fmt = "%Y-%m-%d %H:%M" if " " in updated["at"] else "%Y-%m-%d"
        since = datetime.strptime(updated["at"], fmt).replace(tzinfo=UTC)
        issues = [i for i in issues if i.updated >= since]
    # timestamps as sort keys: comparing aware datetimes is slow on large orgs
    issues = sorted(issues, key=lambda i: (i.updated.timestamp(), int(i.id)))
    start = int(common.param(q, "nextPageToken", "0") or 0)
    size = common.page_bounds(q, "maxResults", 50, 100)
    expand = (common.param(q, "expand", "") or "").split(",")
    body: dict[str, Any] = {
        "issues": [
            _issue_json(org, i, base) | (_expanded_changelog(i) if "changelog" in expand else {})
            for i in issues[start : start + size]
        ]
    }
    body["isLast"] = start + size >= len(issues)
    if not body["isLast"]:
        body["nextPageToken"] = str(start + size)
    return body, {}


def _history_json(h: ChangelogEntry) -> dict[str, Any]:
    return {
        "id": h.id,
        "author": _user(h.author_account_id),
        "created": ts(h.created),
        "items": [
            {
                "field": it.field,
                "fieldtype": it.fieldtype,
                "fieldId": it.field_id,
                "from": it.from_value,
                "fromString": it.from_string,
                "to": it.to_value,
                "toString": it.to_string,
            }
            for it in h.items
        ],
    }


def changelog(org: Org, m: re.Match[str], q: common.Query, base: str):
    issue = _issue(org, m["key"])
    values = [_history_json(h) for h in issue.changelog]
    return _page_bean(values, q, m.group(0), base, cap=100), {}


def changelog_bulkfetch(org: Org, m: re.Match[str], q: common.Query, base: str, body: Any):
    """Histories of up to 1000 issues sorted by date and issue id, oldest first; the page
    holds maxResults histories, grouped per issue; nextPageToken is opaque."""
    wanted = {str(k) for k in (body or {}).get("issueIdsOrKeys") or []}
    if not wanted or len(wanted) > BULK_CHANGELOG_ISSUES:
        raise _bad_request(f"issueIdsOrKeys must name 1 to {BULK_CHANGELOG_ISSUES} issues")
    issues = [i for i in org.issues if i.id in wanted or i.key in wanted]
    histories = sorted(
        ((h, i.id) for i in issues for h in i.changelog),
        key=lambda hi: (hi[0].created.timestamp(), int(hi[1])),
    )
    start = int(body.get("nextPageToken") or 0)
    size = max(1, min(1000, int(body.get("maxResults") or 1000)))
    logs: list[dict[str, Any]] = []
    for history, issue_id in histories[start : start + size]:
        if not logs or logs[-1]["issueId"] != issue_id:
            logs.append({"issueId": issue_id, "changeHistories": []})
        logs[-1]["changeHistories"].append(_history_json(history))
    page: dict[str, Any] = {"issueChangeLogs": logs}
    if start + size < len(histories):
        page["nextPageToken"] = str(start + size)
    return page, {}


def _worklog_json(w: Worklog, base: str) -> dict[str, Any]:
    return {
        "id": w.id,
        "self": f"{base}/rest/api/3/issue/{w.issue_id}/worklog/{w.id}",
        "issueId": w.issue_id,
        "author": _user(w.author_account_id),
        "started": ts(w.started),
        "timeSpentSeconds": w.time_spent_seconds,
        "timeSpent": f"{w.time_spent_seconds // 3600}h",
        "created": ts(w.created),
        "updated": ts(w.updated),
    }


def worklogs(org: Org, m: re.Match[str], q: common.Query, base: str):
    issue = _issue(org, m["key"])
    start = int(common.param(q, "startAt", "0") or 0)
    size = common.page_bounds(q, "maxResults", 5000, 5000)
    logs = [_worklog_json(w, base) for w in issue.worklogs]
    return {
        "startAt": start,
        "maxResults": size,
        "total": len(logs),
        "worklogs": logs[start : start + size],
    }, {}


def _epoch_ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def worklogs_updated(org: Org, m: re.Match[str], q: common.Query, base: str):
    """Ids of worklogs updated at or after `since` (epoch ms), oldest first, WORKLOG_IDS_PAGE
    a page; `until` is the last one's time and the next page starts there."""
    since = int(common.param(q, "since", "0") or 0)
    changed = sorted(
        (w for i in org.issues for w in i.worklogs if _epoch_ms(w.updated) >= since),
        key=lambda w: (_epoch_ms(w.updated), int(w.id)),
    )
    page = changed[:WORKLOG_IDS_PAGE]
    until = _epoch_ms(page[-1].updated) if page else since
    path = m.group(0)
    return {
        "values": [
            {"worklogId": int(w.id), "updatedTime": _epoch_ms(w.updated), "properties": []}
            for w in page
        ],
        "since": since,
        "until": until,
        "self": f"{base}{path}?since={since}",
        "nextPage": f"{base}{path}?since={until}",
        "lastPage": len(changed) <= WORKLOG_IDS_PAGE,
    }, {}


def worklogs_list(org: Org, m: re.Match[str], q: common.Query, base: str, body: Any):
    ids = {str(i) for i in (body or {}).get("ids") or []}
    if len(ids) > 1000:
        raise _bad_request("ids must name at most 1000 worklogs")
    return [_worklog_json(w, base) for i in org.issues for w in i.worklogs if w.id in ids], {}


def project_search(org: Org, m: re.Match[str], q: common.Query, base: str):
    values = [
        {
            "id": p.id,
            "key": p.key,
            "name": p.name,
            "projectTypeKey": "software",
            "simplified": False,
            "style": "classic",
        }
        for p in org.projects
    ]
    return _page_bean(values, q, m.group(0), base), {}


def project_versions(org: Org, m: re.Match[str], q: common.Query, base: str):
    project = next((p for p in org.projects if p.key == m["key"] or p.id == m["key"]), None)
    if project is None:
        raise common.NotFound(m["key"])
    versions = []
    for v in org.versions:
        if v.project_id != int(project.id):
            continue
        body: dict[str, Any] = {
            "id": v.id,
            "name": v.name,
            "description": v.description,
            "projectId": v.project_id,
            "released": v.released,
            "archived": v.archived,
            "overdue": False,
        }
        if v.start_date:
            body["startDate"] = v.start_date.isoformat()
        if v.release_date:
            body["releaseDate"] = v.release_date.isoformat()
        versions.append(body)
    return versions, {}


def boards(org: Org, m: re.Match[str], q: common.Query, base: str):
    project = common.param(q, "projectKeyOrId")
    project_ids = {p.key: p.id for p in org.projects}
    values = [
        {
            "id": b.id,
            "self": f"{base}/rest/agile/1.0/board/{b.id}",
            "name": b.name,
            "type": b.type,
            "location": {"projectKey": b.project_key},
        }
        for b in org.boards
        if not project or project in (b.project_key, project_ids.get(b.project_key))
    ]
    return _page_bean(values, q, m.group(0), base), {}


def board_sprints(org: Org, m: re.Match[str], q: common.Query, base: str):
    states = set((common.param(q, "state") or "future,active,closed").split(","))
    values = [
        _sprint_json(s) for s in org.sprints if s.board_id == int(m["id"]) and s.state in states
    ]
    return _page_bean(values, q, m.group(0), base), {}


def sprint(org: Org, m: re.Match[str], q: common.Query, base: str):
    found = next((s for s in org.sprints if s.id == int(m["id"])), None)
    if found is None:
        raise common.NotFound(m["id"])
    return _sprint_json(found), {}


def sprint_issues(org: Org, m: re.Match[str], q: common.Query, base: str):
    members = [i for i in org.issues if int(m["id"]) in i.sprint_ids]
    start = int(common.param(q, "startAt", "0") or 0)
    size = common.page_bounds(q, "maxResults", 50, 50)
    return {
        "expand": "schema,names",
        "startAt": start,
        "maxResults": size,
        "total": len(members),
        "issues": [_issue_json(org, i, base) for i in members[start : start + size]],
    }, {}


ROUTES: list[tuple[str, common.Handler]] = [
    (r"/rest/api/3/search/jql", search_jql),
    (r"/rest/api/3/issue/(?P<key>[^/]+)/changelog", changelog),
    (r"/rest/api/3/issue/(?P<key>[^/]+)/worklog", worklogs),
    (r"/rest/api/3/project/search", project_search),
    (r"/rest/api/3/project/(?P<key>[^/]+)/versions", project_versions),
    (r"/rest/agile/1.0/board", boards),
    (r"/rest/agile/1.0/board/(?P<id>\d+)/sprint", board_sprints),
    (r"/rest/agile/1.0/sprint/(?P<id>\d+)/issue", sprint_issues),
    (r"/rest/agile/1.0/sprint/(?P<id>\d+)", sprint),
    (r"/rest/api/3/worklog/updated", worklogs_updated),
]
POST_ROUTES: list[tuple[str, common.PostHandler]] = [
    (r"/rest/api/3/changelog/bulkfetch", changelog_bulkfetch),
    (r"/rest/api/3/worklog/list", worklogs_list),
]
