"""PagerDuty REST v2 as the simulator serves it: offset/limit/more, `Token token=` auth.

Documented limits it enforces: `limit` is capped at 100; `offset + limit` above 10,000 (classic
pagination) and a `since`..`until` range over 6 months on `/incidents` answer 400 `Invalid Input
Provided`, as PagerDuty does.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any

from ingestion.simulator import common
from ingestion.simulator.model import Incident, LogEntry, Org

UNAUTHORIZED = {"error": {"message": "Unauthorized", "code": 2006}}
# What the documented-fields mode leaves out, per route: fields PagerDuty's own examples of
# the endpoint do not show (api-schema reference/REST/openapiv3.json): no `total` on the
# account-wide listings, no pagination keys on an incident's log entries, no incident
# description, no priority name, order or service description.
_INCIDENT = ("description", "priority.name")
UNDOCUMENTED = {
    r"/incidents": ("total", *(f"incidents[].{f}" for f in _INCIDENT)),
    r"/incidents/(?P<id>[^/]+)": tuple(f"incident.{f}" for f in _INCIDENT),
    r"/incidents/(?P<id>[^/]+)/log_entries": (
        "limit",
        "offset",
        "more",
        "total",
        *(f"log_entries[].incident.{f}" for f in _INCIDENT),
    ),
    r"/log_entries": ("total", *(f"log_entries[].incident.{f}" for f in _INCIDENT)),
    r"/services": ("services[].description",),
    r"/priorities": ("priorities[].order",),
}
MAX_OFFSET = 10_000
MAX_INCIDENT_RANGE = timedelta(days=31 * 6)


def authorized(headers: Message, creds: common.Credentials) -> bool:
    return headers.get("Authorization", "") == f"Token token={creds.pagerduty_token}"


def rate_limited(retry_after: int) -> tuple[int, dict[str, str]]:
    return 429, {
        "Retry-After": str(retry_after),
        "ratelimit-limit": "960",
        "ratelimit-remaining": "0",
        "ratelimit-reset": str(retry_after),
    }


def default_headers() -> dict[str, str]:
    return {}


def ts(value: datetime | None) -> str | None:
    """Incidents and log entries use Z; services use an offset with a colon."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def offset_ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _ref(kind: str, ident: str, summary: str) -> dict[str, Any]:
    return {
        "id": ident,
        "type": f"{kind}_reference",
        "summary": summary,
        "self": f"https://api.pagerduty.com/{kind}s/{ident}",
        "html_url": None,
    }


def _invalid(message: str) -> common.BadRequest:
    return common.BadRequest(
        {"error": {"message": "Invalid Input Provided", "code": 2001, "errors": [message]}}
    )


def _offset_page(key: str, items: list[Any], q: common.Query) -> dict[str, Any]:
    offset = int(common.param(q, "offset", "0") or 0)
    limit = common.page_bounds(q, "limit", 25, 100)
    if offset + limit > MAX_OFFSET:
        raise _invalid(f"Offset + limit must not exceed {MAX_OFFSET}")
    page = items[offset : offset + limit]
    total = len(items) if common.param(q, "total") == "true" else None
    return {
        key: page,
        "limit": limit,
        "offset": offset,
        "more": offset + limit < len(items),
        "total": total,
    }


def _incident_json(org: Org, i: Incident) -> dict[str, Any]:
    service = next(s for s in org.services if s.id == i.service_id)
    priority = next((p for p in org.priorities if p.id == i.priority_id), None)
    return {
        **_incident_ref(i),
        "type": "incident",
        "incident_number": i.incident_number,
        "title": i.title,
        "description": i.description,
        "created_at": ts(i.created_at),
        "updated_at": ts(i.updated_at),
        "status": i.status,
        "incident_key": i.incident_key,
        "urgency": i.urgency,
        "resolved_at": ts(i.resolved_at),
        "last_status_change_at": ts(i.resolved_at or i.acknowledged_at or i.created_at),
        "service": _ref("service", service.id, service.name),
        "teams": [_ref("team", service.team_id, "team")],
        "priority": {
            "id": priority.id,
            "type": "priority",
            "summary": priority.name,
            "name": priority.name,
        }
        if priority
        else None,
        "assignments": [],
        "acknowledgements": [],
        "alert_counts": {"all": 1},
    }


def _range(q: common.Query) -> tuple[datetime | None, datetime | None]:
    return _time(q, "since"), _time(q, "until")


def _time(q: common.Query, key: str) -> datetime | None:
    value = common.param(q, key)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _invalid(f"{key} is not a date-time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def list_incidents(org: Org, m: re.Match[str], q: common.Query, base: str):
    incidents = sorted(org.incidents, key=lambda i: (i.created_at, i.id))
    if common.param(q, "date_range") != "all":
        since, until = _range(q)
        if since and until and until - since > MAX_INCIDENT_RANGE:
            raise _invalid("The maximum range of since and until is 6 months")
        if since:
            incidents = [i for i in incidents if i.created_at >= since]
        if until:
            incidents = [i for i in incidents if i.created_at < until]
    return _offset_page("incidents", [_incident_json(org, i) for i in incidents], q), {}


def get_incident(org: Org, m: re.Match[str], q: common.Query, base: str):
    return {"incident": _incident_json(org, _incident(org, m["id"]))}, {}


def _incident(org: Org, incident_id: str) -> Incident:
    incident = next((i for i in org.incidents if i.id == incident_id), None)
    if incident is None:
        raise common.NotFound(incident_id)
    return incident


def _log_entry_json(
    org: Org, incident: Incident, e: LogEntry, include_incident: bool
) -> dict[str, Any]:
    """`include[]=incidents` replaces the incident reference with the incident itself."""
    return {
        "id": e.id,
        "type": e.type,
        "summary": e.summary,
        "created_at": ts(e.created_at),
        "agent": _ref("user", e.agent_user_id, "responder")
        if e.agent_user_id
        else _ref("service", incident.service_id, "service"),
        "channel": {"type": "note", "summary": e.note} if e.note else {"type": "api"},
        "incident": _incident_json(org, incident) if include_incident else _incident_ref(incident),
    }


def _incident_ref(i: Incident) -> dict[str, Any]:
    """As in PagerDuty's examples: the incident's summary and web link."""
    return _ref("incident", i.id, f"[#{i.incident_number}] {i.title}") | {
        "html_url": f"https://acme-sim.pagerduty.com/incidents/{i.id}"
    }


def _includes(q: common.Query) -> set[str]:
    return set(q.get("include[]", []))


def incident_log_entries(org: Org, m: re.Match[str], q: common.Query, base: str):
    incident = _incident(org, m["id"])
    include_incident = "incidents" in _includes(q)
    entries = [
        _log_entry_json(org, incident, e, include_incident) for e in reversed(incident.log_entries)
    ]
    return _offset_page("log_entries", entries, q), {}


def list_log_entries(org: Org, m: re.Match[str], q: common.Query, base: str):
    """Every incident's log entries across the account, newest first, created in
    [since, until)."""
    since, until = _range(q)
    found = [
        (incident, e)
        for incident in org.incidents
        for e in incident.log_entries
        if (since is None or e.created_at >= since) and (until is None or e.created_at < until)
    ]
    found.sort(key=lambda pair: (pair[1].created_at, pair[1].id), reverse=True)
    include_incident = "incidents" in _includes(q)
    entries = [_log_entry_json(org, i, e, include_incident) for i, e in found]
    return _offset_page("log_entries", entries, q), {}


def list_services(org: Org, m: re.Match[str], q: common.Query, base: str):
    items = [
        {
            "id": s.id,
            "type": "service",
            "name": s.name,
            "description": s.description,
            "status": s.status,
            "created_at": offset_ts(s.created_at),
            "teams": [_ref("team", s.team_id, "team")],
            "escalation_policy": _ref("escalation_policy", s.escalation_policy_id, "policy"),
        }
        for s in org.services
    ]
    return _offset_page("services", items, q), {}


def list_teams(org: Org, m: re.Match[str], q: common.Query, base: str):
    items = [
        {
            "id": t.id,
            "type": "team",
            "name": t.name,
            "description": t.description,
            "summary": t.name,
        }
        for t in org.pagerduty_teams
    ]
    return _offset_page("teams", items, q), {}


def list_priorities(org: Org, m: re.Match[str], q: common.Query, base: str):
    items = [
        {
            "id": p.id,
            "type": "priority",
            "name": p.name,
            "summary": p.name,
            "order": p.order,
            "description": "",
        }
        for p in org.priorities
    ]
    return _offset_page("priorities", items, q), {}


ROUTES: list[tuple[str, common.Handler]] = [
    (r"/incidents", list_incidents),
    (r"/incidents/(?P<id>[^/]+)", get_incident),
    (r"/incidents/(?P<id>[^/]+)/log_entries", incident_log_entries),
    (r"/log_entries", list_log_entries),
    (r"/services", list_services),
    (r"/teams", list_teams),
    (r"/priorities", list_priorities),
]
