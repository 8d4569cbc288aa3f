"""PagerDuty: each team's on-call team and service, and the incidents it is paged for
(some of them caused, and named, by a deployment)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ingestion.simulator.model import Incident, LogEntry, PagerDutyTeam, Service
from ingestion.simulator.org.context import (
    FAST_BUT_FRAGILE_TEAM,
    IMPROVING_TEAM,
    BuildContext,
    Crew,
    month_index,
)


def _pd_id(rng: random.Random) -> str:
    return "P" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(6))


def add_on_call(ctx: BuildContext, key: str, name: str) -> Service:
    """The team's PagerDuty team and the service it is on call for."""
    org, rng = ctx.org, ctx.rng
    pd_team = PagerDutyTeam(_pd_id(rng), f"{name} on-call", f"{name} team")
    service = Service(
        _pd_id(rng),
        f"{key}-api",
        f"{name} API",
        pd_team.id,
        _pd_id(rng),
        org.start - timedelta(days=400),
        "active",
    )
    org.pagerduty_teams.append(pd_team)
    org.services.append(service)
    return service


def build_incidents(ctx: BuildContext, crew: Crew, service: Service) -> None:
    org, rng, team, archetype = ctx.org, ctx.rng, crew.team, crew.archetype
    team_prod = [
        d
        for d in org.deployments
        if d.repo in team.repos
        and d.environment == "production"
        and d.statuses[-1].state == "success"
    ]
    day = org.start + timedelta(days=2)
    while day < org.end - timedelta(days=1):
        month = month_index(org, day)
        rate = 0.06
        if archetype == IMPROVING_TEAM:
            rate = 0.2 if month < 3 else 0.03
        if archetype == FAST_BUT_FRAGILE_TEAM:
            rate = 0.05 + 0.02 * month
        if rng.random() < rate:
            created = day + timedelta(hours=rng.uniform(0, 20))
            recent = [
                d
                for d in team_prod
                if timedelta(0) < created - d.statuses[-1].created_at <= timedelta(hours=24)
            ]
            title = f"{service.name}: elevated error rate"
            if recent and rng.random() < 0.5:
                title += f" after deploy {recent[-1].sha[:10]}"  # explicit reference
            _add_incident(
                ctx, service, created=created, title=title, archetype=archetype, month=month
            )
        day += timedelta(days=1)
    if archetype == FAST_BUT_FRAGILE_TEAM:
        # more of its deployments break production as it speeds up, half of them named
        for deployment in team_prod:
            month = month_index(org, deployment.created_at)
            if rng.random() < 0.02 + 0.035 * month:
                created = deployment.statuses[-1].created_at + timedelta(hours=rng.uniform(1, 6))
                title = f"{service.name}: payment failures"
                if rng.random() < 0.5:
                    title += f" after deploy {deployment.sha[:10]}"
                if created < org.end:
                    _add_incident(
                        ctx, service, created=created, title=title, archetype=archetype, month=month
                    )


def _add_incident(
    ctx: BuildContext,
    service: Service,
    *,
    created: datetime,
    title: str,
    archetype: str,
    month: int,
) -> Incident:
    org, rng, ids = ctx.org, ctx.rng, ctx.ids
    slow = archetype == IMPROVING_TEAM and month < 3
    ack = created + timedelta(minutes=rng.uniform(2, 30))
    resolved = ack + timedelta(hours=rng.uniform(4, 12) if slow else rng.uniform(0.3, 3))
    if resolved >= org.end:
        resolved = None
    n = ids.next("incident")
    entries = [
        LogEntry(f"R{n:06d}T", "trigger_log_entry", created, "Triggered through the API", None),
        LogEntry(f"R{n:06d}A", "acknowledge_log_entry", ack, "Acknowledged", "PU00001"),
    ]
    if resolved:
        entries.append(LogEntry(f"R{n:06d}R", "resolve_log_entry", resolved, "Resolved", "PU00001"))
    incident = Incident(
        id=f"Q{n:05d}SIM",
        incident_number=n,
        title=title,
        description=title,
        service_id=service.id,
        urgency="high" if rng.random() < 0.6 else "low",
        priority_id=f"PRI{rng.randint(1, 4)}",
        created_at=created,
        updated_at=resolved or ack,
        acknowledged_at=ack,
        resolved_at=resolved,
        incident_key=f"sim-{n}",
        log_entries=entries,
    )
    org.incidents.append(incident)
    return incident
