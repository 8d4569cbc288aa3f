"""Glossary: what every KPI means, how it is computed, who owns it and which decision it serves."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import queries
from app.format import direction_words, goal_name, is_missing, unit_name
from app.state import csv_download, page

ctx = page(
    "Glossary",
    "Definitions in business language, the exact formula, the owner, the decision each KPI "
    "helps make, how its benchmark is set and which systems it reads.",
)

search = st.text_input("Search KPIs (name, definition, formula, goal, source...)", key="glossary_q")
# The search text is a bound parameter: user input never becomes SQL.
terms = queries.glossary_search(ctx.db, ctx.team, search.strip())
st.caption(f"{len(terms)} KPIs and supporting signals match. Owners shown for {ctx.team_name}.")

table = pd.DataFrame(
    {
        "KPI": terms["name"],
        "Business goal": terms["business_goal"].map(goal_name),
        "Unit": terms["unit"].map(unit_name),
        "Better when": terms["direction"].map(direction_words),
        "Owner": terms["team_owner"].fillna(terms["default_owner_role"]),
        "Active for team": terms["team_active"],
        "Definition": terms["definition"],
        "Formula": terms["formula"],
    }
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={"KPI": st.column_config.TextColumn(pinned=True)},
)
csv_download(table, "glossary", "glossary")

for r in terms.itertuples():
    owner = r.default_owner_role if is_missing(r.team_owner) else r.team_owner
    with st.expander(f"{r.name} ({r.kpi_id})"):
        st.markdown(
            f"**What it is:** {r.definition}\n\n"
            f"**How it is computed:** {r.formula} (unit: {unit_name(r.unit)}; "
            f"{direction_words(r.direction)}; aggregated as {r.aggregation}; "
            f"{r.indicator} indicator)\n\n"
            f"**Decision it informs:** {r.decision_question}\n\n"
            f"**Owner:** {owner}\n\n"
            f"**Benchmark:** {r.benchmark_method}\n\n"
            f"**Sources:** {r.sources}; **configured by:** {r.config_vars or 'nothing'}"
        )
