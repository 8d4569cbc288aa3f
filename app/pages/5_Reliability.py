"""Reliability: incidents, response times, change failure rate and failed deployments for the
review period."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import queries
from app.components import kpi_cards, kpi_trend_block, team_rows
from app.format import LINK_RULE_SHORT, LINK_RULE_WORDS, label_with_unit
from app.state import csv_download, page, withheld

ctx = page(
    "Reliability",
    "How often production breaks, how fast the team notices and recovers, which deployments "
    "caused incidents, and what downtime cost.",
)

rows = team_rows(ctx, ctx.team)
rows = rows.set_index("kpi_id").loc[list(queries.RELIABILITY_KPIS)].reset_index()
st.subheader(f"{ctx.team_name}, {ctx.period_words}")
kpi_cards(rows, ctx)

# --- one reliability KPI over time ----------------------------------------------------------
by_id = rows.set_index("kpi_id")
kpi_id = st.selectbox(
    "Show over time",
    list(queries.RELIABILITY_KPIS),
    format_func=lambda k: label_with_unit(by_id.loc[k, "kpi_name"], by_id.loc[k, "unit"]),
    key="reliability_kpi",
)
kpi_trend_block(ctx, ctx.team, kpi_id, by_id.loc[kpi_id, "unit"], by_id.loc[kpi_id, "aggregation"])

# --- failed deployments and their incidents -------------------------------------------------
st.subheader(f"Incidents opened in {ctx.period} and the deployments they are linked to")
st.caption(
    "A production deployment counts as failed (change failure rate) when at least one incident "
    "is linked to it. The link rule says how we know. Item lists: see Drill-down for links."
)
if not withheld(ctx, "incidents", "Incident lists"):
    incidents = queries.incidents_in(ctx.db, ctx.team, ctx.period_start, ctx.period_end)
    if incidents.empty:
        st.success(f"No incidents opened in {ctx.period}.")
    else:
        linked = incidents["link_rule"].notna()
        st.markdown(
            f"**{len(incidents):,}** incidents opened in {ctx.period}, **{int(linked.sum()):,}** "
            "linked to a production deployment."
        )
        table = pd.DataFrame(
            {
                "Incident": incidents["incident_number"].map(lambda n: f"#{n}"),
                "Team": incidents["team_name"],
                "Priority": incidents["priority_name"].fillna(""),
                "Opened (UTC)": incidents["created_at"].dt.strftime("%Y-%m-%d %H:%M"),
                "Ack. (min)": incidents["minutes_to_acknowledge"].round(1),
                "Resolved (h)": incidents["hours_to_resolve"].round(1),
                "Caused by deployment": incidents["caused_by"].fillna("not linked"),
                "How it was linked": incidents["link_rule"].map(LINK_RULE_SHORT).fillna(""),
            }
        )
        if ctx.team != queries.ORGANISATION:
            table = table.drop(columns="Team")
        st.dataframe(table, hide_index=True, width="stretch")
        st.caption(
            "How it was linked: "
            + "; ".join(f"{LINK_RULE_SHORT[k]}: {v}" for k, v in LINK_RULE_WORDS.items())
            + "."
        )
        csv_download(table, "incidents", f"incidents_{ctx.team}_{ctx.period}")
