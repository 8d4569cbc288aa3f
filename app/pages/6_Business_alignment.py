"""Business alignment: goal -> engineering driver -> outcome, claimed only with evidence."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import queries
from app.alignment import judge_pairs
from app.charts import pair_chart
from app.components import show_chart
from app.state import csv_download, page

ctx = page(
    "Business alignment",
    "Each business goal is served by engineering KPIs (drivers) and should show up in outcome "
    "measures. Is there evidence that driver and outcome move together the expected way?",
)
rules = ctx.settings
lag = st.radio(
    "Outcome measured how many months after the KPI (lag)",
    [0, 1, 2],
    horizontal=True,
    key="alignment_lag",
)
pairs = judge_pairs(
    queries.alignment_pairs(ctx.db, ctx.team, lag),
    rules.alignment_min_points,
    rules.alignment_min_abs_r,
)
st.markdown(
    f"A pair shows **evidence** only when its correlation over complete months has "
    f"|r| ≥ {rules.alignment_min_abs_r:.2f}, n ≥ {rules.alignment_min_points} paired months and "
    "the sign the goal expects (the KPI improving goes with the outcome moving the expected "
    "way). Anything else is **no evidence**; even evidence is co-movement, not proof of cause. "
    f"Correlations use every complete month up to the latest build, not only {ctx.period}."
)
with_data = pairs[pairs["has_outcome"]]
without = pairs[~pairs["has_outcome"]]
if with_data.empty:
    st.info(f"No outcome data for {ctx.team_name}: no pair can be assessed.")
else:
    evidence = with_data[with_data["Verdict"] == "evidence"]
    st.subheader(f"{len(evidence)} of {len(with_data)} pairs with outcome data show evidence")
    table = with_data[["Goal", "Driver (KPI)", "Outcome (expected move)", "Verdict", "Why"]]
    st.table(table.set_index("Goal"))
    st.caption("↑ / ↓: how the outcome should move when the KPI improves.")
    csv_download(table, "this table", f"alignment_{ctx.team}_lag{lag}")

    st.subheader("A driver and its outcome, month by month")
    labels = {i: f"{r['Driver (KPI)']} → {r['Outcome']}" for i, r in with_data.iterrows()}
    chosen = st.selectbox("Pair", list(labels), format_func=labels.__getitem__, key="pair")
    pair = with_data.loc[chosen]
    kpi = queries.monthly_kpi(ctx.db, ctx.team, pair["kpi_id"], ctx.period_end)
    outcome = queries.monthly_outcome(ctx.db, ctx.team, pair["outcome_measure"], ctx.period_end)
    both = pd.concat(
        [
            kpi[["month", "value"]].assign(series=pair["Driver (KPI)"]),
            outcome[["month", "value"]].assign(series=pair["Outcome"]),
        ],
        ignore_index=True,
    )
    show_chart(pair_chart(both))
    st.caption(f"{pair['Verdict']}: {pair['Why']}. Months up to the end of {ctx.period}.")

if not without.empty:
    st.subheader(f"{len(without)} pairs without outcome data for {ctx.team_name}")
    st.caption(
        "These goals have no outcome series for this team (seeds/business_outcomes.csv): "
        "nothing can be said, so they are not charted."
    )
    st.dataframe(without[["Goal", "Driver (KPI)", "Outcome"]], hide_index=True, width="stretch")
