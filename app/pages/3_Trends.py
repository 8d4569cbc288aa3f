"""Trends: any KPI per week, month or quarter up to the review period, with reference lines."""

from __future__ import annotations

import streamlit as st

from app import queries
from app.components import kpi_trend_block, team_rows
from app.format import direction_words, goal_name, label_with_unit, value_with_evidence
from app.state import page

ctx = page(
    "Trends",
    "Any KPI over time for the selected team, up to the review period (shaded). Grey points "
    "rest on too few events; gaps are periods without data (never drawn as zero).",
)

terms = queries.glossary(ctx.db).set_index("kpi_id")
kpi_ids = list(terms.index)
# The choice is remembered per team: a new team starts on its own first active KPI.
chosen = st.session_state.setdefault("kpi_by_team", {})
if chosen.get(ctx.team) not in kpi_ids:
    active = team_rows(ctx, ctx.team, active_only=True)
    chosen[ctx.team] = active["kpi_id"].iloc[0] if not active.empty else kpi_ids[0]
widget_key = f"_widget_kpi_{ctx.team}"


def _keep_kpi() -> None:
    st.session_state["kpi_by_team"][ctx.team] = st.session_state[widget_key]


kpi_id = st.selectbox(
    "KPI",
    kpi_ids,
    index=kpi_ids.index(chosen[ctx.team]),
    format_func=lambda k: label_with_unit(terms.loc[k, "name"], terms.loc[k, "unit"]),
    key=widget_key,
    on_change=_keep_kpi,
)
term = terms.loc[kpi_id]
st.markdown(
    f"**{term['name']}** ({goal_name(term['business_goal'])}; "
    f"{direction_words(term['direction'])}): {term['definition']}"
)
row = team_rows(ctx, ctx.team).set_index("kpi_id").loc[kpi_id]
st.subheader(f"{ctx.team_name}, per {ctx.grain}, up to {ctx.period}")
st.markdown(
    f"**{ctx.period}:** "
    + value_with_evidence(
        row["value"],
        term["unit"],
        row["numerator"],
        row["denominator"],
        row["sample_size"],
        row["null_reason"],
        term["aggregation"],
    )
    + (" — n too small to judge a trend" if row["too_small"] else f" — {row['trend']}")
)
kpi_trend_block(ctx, ctx.team, kpi_id, term["unit"], term["aggregation"])
