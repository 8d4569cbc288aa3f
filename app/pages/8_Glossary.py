"""Glossary: what every KPI means, how it is computed, who owns it and which decision it serves."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.components import page
from app.data import csv_download, direction_words, goal_name, is_missing, query

filters = page(
    "Glossary",
    "Definitions in business language, the exact formula, the owner, the decision each KPI "
    "helps make, how its benchmark is set and which systems it reads.",
)

search = st.text_input("Search KPIs (name, definition, formula, goal, source...)", key="glossary_q")
# The search text is a bound parameter: user input never becomes SQL.
terms = query(
    "select g.*, t.owner as team_owner, coalesce(t.active, false) as team_active "
    "from kpi_glossary as g left join kpi_targets as t on t.kpi_id = g.kpi_id and t.team_key = ? "
    "where ? = '' or concat_ws(' ', g.kpi_id, g.name, g.definition, g.formula, g.business_goal, "
    "g.process, g.decision_question, g.sources, g.benchmark_method, g.default_owner_role) "
    "ilike '%' || ? || '%' "
    "order by g.kind, g.name",
    [filters.team, search.strip(), search.strip()],
)
st.caption(
    f"{len(terms)} KPIs and supporting signals match. Owners shown for {filters.team_label}."
)

table = pd.DataFrame(
    {
        "KPI": terms["name"],
        "Kind": terms["kind"].str.replace("_", " "),
        "Type": terms["measure_type"],
        "Business goal": terms["business_goal"].map(goal_name),
        "Definition": terms["definition"],
        "Formula": terms["formula"],
        "Unit": terms["unit"],
        "Better when": terms["direction"].map(direction_words),
        "Owner": terms["team_owner"].fillna(terms["default_owner_role"]),
        "Decision it informs": terms["decision_question"],
        "Benchmark method": terms["benchmark_method"],
        "Sources": terms["sources"],
        "DORA metric": terms["dora_metric"],
        "Active for team": terms["team_active"],
    }
)
st.dataframe(table, hide_index=True, width="stretch")
csv_download(table, "glossary", "glossary")

for r in terms.itertuples():
    owner = r.default_owner_role if is_missing(r.team_owner) else r.team_owner
    with st.expander(f"{r.name} ({r.kpi_id})"):
        st.markdown(
            f"**What it is:** {r.definition}\n\n"
            f"**How it is computed:** {r.formula} (unit: {r.unit}; {direction_words(r.direction)}"
            f"; aggregated as {r.aggregation}; {r.indicator} indicator)\n\n"
            f"**Decision it informs:** {r.decision_question}\n\n"
            f"**Owner:** {owner}\n\n"
            f"**Benchmark:** {r.benchmark_method}\n\n"
            f"**Sources:** {r.sources}; **configured by:** {r.config_vars or 'nothing'}"
        )
