"""kpibridge: landing page with the selected team's active KPIs and all teams at a glance."""

from __future__ import annotations

import streamlit as st

from app.components import active_kpis, kpi_cards, latest_month, page, teams_at_a_glance
from app.data import csv_download, scorecard

filters = page(
    "Engineering KPIs",
    "Team-level engineering KPIs from Jira, GitHub and PagerDuty, tied to business goals. "
    "Pick a team, grain and date range in the sidebar; they apply on every page.",
)

rows = active_kpis(filters.team)
month = latest_month(scorecard(filters.team))
st.subheader(f"{filters.team_label}: active KPIs, {month}")
met = int(rows["short_term_met"].fillna(False).astype(bool).sum())
with_target = int(rows["short_term_target"].notna().sum())
improving = int((rows["trend"] == "improving").sum())
st.markdown(
    f"**{met} of {with_target}** KPIs with a short-term target meet it; "
    f"**{improving} of {len(rows)}** are improving against their baseline "
    "(the mean of the three months before)."
)
kpi_cards(rows)

st.subheader("All teams at a glance")
glance = teams_at_a_glance()
st.dataframe(glance, hide_index=True, width="stretch")
csv_download(glance, "this table", "teams_at_a_glance")
st.caption(
    "Details per KPI: Scorecard. Over time: Trends. Where work waits: Delivery flow. "
    "Incidents and failed deployments: Reliability. Goal to outcome: Business alignment."
)
