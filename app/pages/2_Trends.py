"""Trends: any KPI over weeks, months or quarters with its baseline and target lines."""

from __future__ import annotations

import streamlit as st

from app.charts import kpi_trend_block
from app.components import active_kpis, page
from app.data import direction_words, glossary, goal_name, kpi_series, value_with_evidence

filters = page(
    "Trends",
    "Any KPI over time for the selected team. Open points are periods still in progress; "
    "gaps are periods without data (never drawn as zero).",
)

terms = glossary()
names = dict(zip(terms["kpi_id"], terms["name"], strict=True))
kpi_ids = list(names)
# Default to the team's first active KPI, then remember the reader's choice across pages.
if st.session_state.get("kpi") not in names:
    active = active_kpis(filters.team)
    st.session_state["kpi"] = active["kpi_id"].iloc[0] if not active.empty else kpi_ids[0]


def _keep_kpi() -> None:
    st.session_state["kpi"] = st.session_state["_widget_kpi"]


kpi_id = st.selectbox(
    "KPI",
    kpi_ids,
    index=kpi_ids.index(st.session_state["kpi"]),
    format_func=lambda k: names[k],
    key="_widget_kpi",
    on_change=_keep_kpi,
)
term = terms[terms["kpi_id"] == kpi_id].iloc[0]
st.markdown(
    f"**{term['name']}** ({goal_name(term['business_goal'])}; "
    f"{direction_words(term['direction'])}): {term['definition']}"
)

series = kpi_series(filters.team, kpi_id, filters.grain, filters.start, filters.end)
st.subheader(f"{filters.team_label}, per {filters.grain}, {filters.start} to {filters.end}")
if not series.empty:
    last = series.iloc[-1]
    st.metric(
        f"Latest {filters.grain} ({last['period_start']:%Y-%m-%d}"
        + ("" if last["is_complete"] else ", in progress")
        + ")",
        value_with_evidence(
            last["value"],
            term["unit"],
            last["numerator"],
            last["denominator"],
            last["sample_size"],
            last["null_reason"],
        ),
    )
kpi_trend_block(
    filters.team, kpi_id, series, term["unit"], f"trend_{filters.team}_{kpi_id}_{filters.grain}"
)
