"""Scorecard: a team's KPIs for the review period with evidence, n, trend, targets, DORA tier."""

from __future__ import annotations

import streamlit as st

from app.components import kpi_cards, of_team, review_rows, scorecard_block
from app.queries import ORGANISATION
from app.state import page

ctx = page(
    "Scorecard",
    "Each team owns at most five active KPIs. Values are for the review period; the evidence in "
    "brackets is what the value was computed from, n how many events.",
)

both = review_rows(ctx, (ctx.team, ORGANISATION))
rows = of_team(both, ctx.team)
active = rows[rows["is_active"].astype(bool)].head(5)
st.subheader(f"{ctx.team_name}: active KPIs, {ctx.period_words}")
kpi_cards(active, ctx)
scorecard_block(active, f"scorecard_{ctx.team}_{ctx.period}")

if ctx.team != ORGANISATION:
    st.subheader(f"Organisation rollup, {ctx.period}")
    st.caption("The same KPIs computed over all teams together, with the organisation's targets.")
    org = of_team(both, ORGANISATION, active_only=True)
    scorecard_block(org, f"scorecard_organisation_{ctx.period}")

others = rows[~rows["kpi_id"].isin(active["kpi_id"])]
with st.expander(f"Other KPIs and supporting signals of {ctx.team_name} ({len(others)})"):
    st.caption(
        "Not targeted by this team. Supporting signals are diagnostic only and never get a target."
    )
    scorecard_block(others, f"scorecard_{ctx.team}_{ctx.period}_other")
