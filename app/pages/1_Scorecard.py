"""Scorecard: a team's active KPIs with evidence, baseline, targets, trend and DORA tier."""

from __future__ import annotations

import streamlit as st

from app.components import active_kpis, kpi_cards, latest_month, page, scorecard_block
from app.data import ORGANISATION, scorecard

filters = page(
    "Scorecard",
    "Each team owns at most five active KPIs. Values are for the latest complete month; "
    "the evidence in brackets is what the value was computed from.",
)

all_rows = scorecard(filters.team)
active = active_kpis(filters.team)
st.subheader(f"{filters.team_label}: active KPIs, {latest_month(all_rows)}")
kpi_cards(active)
scorecard_block(active, f"scorecard_{filters.team}")

if filters.team != ORGANISATION:
    st.subheader("Organisation rollup")
    st.caption("The same KPIs computed over all teams together, with the organisation's targets.")
    scorecard_block(active_kpis(ORGANISATION), "scorecard_organisation")

others = all_rows[~all_rows["kpi_id"].isin(active["kpi_id"])]
with st.expander(f"Other KPIs and supporting signals of {filters.team_label} ({len(others)})"):
    st.caption(
        "Not targeted by this team. Supporting signals are diagnostic only and never get a target."
    )
    scorecard_block(others, f"scorecard_{filters.team}_other")
