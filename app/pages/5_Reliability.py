"""Reliability: incidents, response times, change failure rate and the failed deployments."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.charts import kpi_trend_block
from app.components import kpi_cards, latest_month, page
from app.data import (
    LINK_RULE_WORDS,
    ORGANISATION,
    csv_download,
    glossary,
    kpi_series,
    query,
    scorecard,
)

RELIABILITY_KPIS = (
    "incident_count",
    "mttr",
    "mtta",
    "mttd",
    "change_failure_rate",
    "failed_deployment_recovery_time",
    "availability",
    "downtime_cost",
)

filters = page(
    "Reliability",
    "How often production breaks, how fast the team notices and recovers, which deployments "
    "caused incidents, and what downtime cost.",
)

rows = scorecard(filters.team)
rows = rows.set_index("kpi_id").reindex(list(RELIABILITY_KPIS)).dropna(subset=["kpi_name"])
st.subheader(f"{filters.team_label}, {latest_month(rows.reset_index())}")
kpi_cards(rows.reset_index())

# --- one reliability KPI over time ----------------------------------------------------------
terms = glossary().set_index("kpi_id")
kpi_id = st.radio(
    "Show over time",
    list(RELIABILITY_KPIS),
    format_func=lambda k: terms.loc[k, "name"],
    horizontal=True,
    key="reliability_kpi",
)
series = kpi_series(filters.team, kpi_id, filters.grain, filters.start, filters.end)
kpi_trend_block(
    filters.team,
    kpi_id,
    series,
    terms.loc[kpi_id, "unit"],
    f"reliability_{filters.team}_{kpi_id}_{filters.grain}",
)

team_clause, team_params = (
    ("", [])
    if filters.team == ORGANISATION
    else (
        " and d.team_key = ?",
        [filters.team],
    )
)

# --- failed deployments and their incidents -------------------------------------------------
st.subheader("Failed deployments and the incidents they caused")
st.caption(
    "A production deployment counts as failed (change failure rate) when at least one "
    "incident is linked to it. The link says how we know."
)
failed = query(
    "select d.deployment_key, d.team_key, d.repo, d.deployed_at, i.incident_id, "
    "i.priority_name, i.urgency, i.created_at as incident_opened_at, i.hours_from_deploy, "
    "i.hours_to_resolve, i.link_rule "
    "from incidents as i join deployments as d on i.linked_deployment_key = d.deployment_key "
    "where d.deployed_at::date between ? and ?" + team_clause + " order by d.deployed_at desc",
    [filters.start, filters.end, *team_params],
)
if failed.empty:
    st.success("No deployment in the selected range is linked to an incident.")
else:
    table = pd.DataFrame(
        {
            "Deployment": failed["deployment_key"],
            "Team": failed["team_key"],
            "Repository": failed["repo"],
            "Deployed at": failed["deployed_at"],
            "Incident": failed["incident_id"],
            "Priority": failed["priority_name"],
            "Urgency": failed["urgency"],
            "Incident opened": failed["incident_opened_at"],
            "Hours from deploy to incident": failed["hours_from_deploy"].round(1),
            "Hours to resolve": failed["hours_to_resolve"].round(1),
            "Link rule": failed["link_rule"],
            "How it was linked": failed["link_rule"].map(LINK_RULE_WORDS).fillna("unknown"),
        }
    )
    st.markdown(
        f"**{table['Deployment'].nunique()}** failed deployments linked to "
        f"**{len(table)}** incidents in the selected range."
    )
    st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, "failed deployments", f"failed_deployments_{filters.team}")

# --- all incidents --------------------------------------------------------------------------
st.subheader("Incidents")
incidents = query(
    "select i.incident_id, i.team_key, i.priority_name, i.urgency, i.status, i.created_at, "
    "i.minutes_to_acknowledge, i.hours_to_resolve, i.linked_deployment_key, i.link_rule "
    "from incidents as i where i.created_at::date between ? and ?"
    + team_clause.replace("d.", "i.")
    + " order by i.created_at desc",
    [filters.start, filters.end, *team_params],
)
if incidents.empty:
    st.success("No incidents in the selected range.")
else:
    table = pd.DataFrame(
        {
            "Incident": incidents["incident_id"],
            "Team": incidents["team_key"],
            "Priority": incidents["priority_name"],
            "Urgency": incidents["urgency"],
            "Status": incidents["status"],
            "Opened": incidents["created_at"],
            "Minutes to acknowledge": incidents["minutes_to_acknowledge"].round(1),
            "Hours to resolve": incidents["hours_to_resolve"].round(1),
            "Caused by deployment": incidents["linked_deployment_key"].fillna("not linked"),
            "Link rule": incidents["link_rule"].fillna(""),
        }
    )
    st.markdown(
        f"**{len(table)}** incidents opened in the selected range, "
        f"{int(incidents['linked_deployment_key'].notna().sum())} linked to a deployment."
    )
    st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, "incidents", f"incidents_{filters.team}")
