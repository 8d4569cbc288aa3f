"""PagerDuty REST v2 as the simulator serves it: offset/limit/more, `Token token=` auth."""

from __future__ import annotations

import re
from datetime import datetime
from email.message import Message
from typing import Any

from ingestion.simulator import common
from ingestion.simulator.model import Incident, Org

UNAUTHORIZED = {"error": {"message": "Unauthorized", "code": 2006}}


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


def _offset_page(key: str, items: list[Any], q: common.Query) -> dict[str, Any]:
    offset = int(common.param(q, "offset", "0") or 0)
    limit = common.page_bounds(q, "limit", 25, 100)
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
        "id": i.id,
        "type": "incident",
        "summary": f"[#{i.incident_number}] {i.title}",
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
        "html_url": f"https://acme-sim.pagerduty.com/incidents/{i.id}",
    }


def list_incidents(org: Org, m: re.Match[str], q: common.Query, base: str):
    since, until = common.param(q, "since"), common.param(q, "until")
    incidents = sorted(org.incidents, key=lambda i: (i.created_at, i.id))
    if common.param(q, "date_range") != "all":
        if since:
            incidents = [i for i in incidents if i.created_at >= datetime.fromisoformat(since)]
        if until:
            incidents = [i for i in incidents if i.created_at < datetime.fromisoformat(until)]
    return _offset_page("incidents", [_incident_json(org, i) for i in incidents], q), {}


def incident_log_entries(org: Org, m: re.Match[str], q: common.Query, base: str):
    incident = next((i for i in org.incidents if i.id == m["id"]), None)
    if incident is None:
        raise common.NotFound(m["id"])
    entries = [
        {
            "id": e.id,
            "type": e.type,
            "summary": e.summary,
            "created_at": ts(e.created_at),
            "agent": _ref("user", e.agent_user_id, "responder")
            if e.agent_user_id
            else _ref("service", incident.service_id, "service"),
            "channel": {"type": "note", "summary": e.note} if e.note else {"type": "api"},
            "incident": _ref("incident", incident.id, incident.title),
        }
        for e in reversed(incident.log_entries)
    ]
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
    (r"/incidents/(?P<id>[^/]+)/log_entries", incident_log_entries),
    (r"/services", list_services),
    (r"/teams", list_teams),
    (r"/priorities", list_priorities),
]
