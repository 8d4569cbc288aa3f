"""Business alignment: goal -> engineering drivers -> outcome measures, with honest evidence."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app.components import page
from app.data import csv_download, format_number, glossary, goal_name, is_missing, query

OUTCOME_NAMES = {
    "csat": "Customer satisfaction (CSAT)",
    "nps": "Net promoter score (NPS)",
    "churn_rate": "Churn rate",
    "revenue": "Revenue",
    "uptime": "Uptime",
    "infra_cost": "Infrastructure cost",
    "transactions": "Transactions",
}


def outcome_name(measure: str) -> str:
    return OUTCOME_NAMES.get(measure, measure.replace("_", " ").capitalize())


def kpi_moving(trend: object) -> str:
    return {
        "improving": "yes, improving",
        "worsening": "no, worsening",
        "flat": "no, flat",
    }.get(str(trend), "unknown (no value or no baseline)")


def outcome_followed(moved: object, first: object, last: object) -> str:
    if is_missing(first) or is_missing(last):
        return "no outcome data"
    went = f"{format_number(first)} → {format_number(last)}"
    return f"yes ({went})" if bool(moved) else f"no ({went})"


def correlation_words(claimed: object, r: object, n: object) -> str:
    if bool(claimed) and not is_missing(r):
        return f"r = {float(r):.2f} over {int(n)} months"
    return f"not claimed: only {0 if is_missing(n) else int(n)} paired months"


filters = page(
    "Business alignment",
    "Each business goal is served by engineering KPIs (drivers) and should show up in outcome "
    "measures. Is the driver moving the right way, did the outcome follow, and is there "
    "enough data to say they move together?",
)

names = dict(glossary()[["kpi_id", "name"]].itertuples(index=False, name=None))
goals = query("select distinct business_goal from kpi_alignment order by 1")["business_goal"]
left, right = st.columns(2)
goal = left.selectbox(
    "Business goal",
    ["all", *goals],
    format_func=lambda g: "All goals" if g == "all" else goal_name(g),
)
lag = right.radio(
    "Outcome measured how many months after the KPI (lag)",
    [0, 1, 2],
    horizontal=True,
    key="alignment_lag",
)

sql = "select * from kpi_alignment where team_key = ? and lag_months = ?"
params: list[object] = [filters.team, lag]
if goal != "all":
    sql += " and business_goal = ?"
    params.append(goal)
rows = query(sql + " order by business_goal, kpi_id, outcome_measure", params)

unclaimed = rows[~rows["correlation_claimed"].fillna(False).astype(bool)]
if rows.empty:
    st.info("No goal/driver/outcome pairs for this selection.")
    st.stop()
if not unclaimed.empty:
    no_outcome = int(unclaimed["outcome_first_value"].isna().sum())
    st.warning(
        f"Too few data points to claim anything for {len(unclaimed)} of {len(rows)} pairs: "
        "a correlation needs enough paired months (KPI and outcome both present), "
        f"and {no_outcome} pairs have no outcome data for {filters.team_label} at all. "
        "A KPI and an outcome both moving in the same months is not evidence that one "
        "drives the other."
    )

table = pd.DataFrame(
    {
        "Business goal": rows["business_goal"].map(goal_name),
        "Engineering driver (KPI)": rows["kpi_id"].map(lambda k: names.get(k, k)),
        "Is the KPI improving?": rows["kpi_trend"].map(kpi_moving),
        "Outcome measure": rows["outcome_measure"].map(outcome_name),
        "Expected outcome move": rows["expected_direction"],
        "Did the outcome follow?": [
            outcome_followed(r.outcome_moved, r.outcome_first_value, r.outcome_last_value)
            for r in rows.itertuples()
        ],
        "Correlation": [
            correlation_words(r.correlation_claimed, r.correlation, r.n_points)
            for r in rows.itertuples()
        ],
        "r": rows["correlation"],
        "Paired months (n)": rows["n_points"],
        "Lag (months)": rows["lag_months"],
        "Note": rows["note"],
    }
)
for business_goal, part in table.groupby("Business goal", sort=True):
    st.subheader(f"Goal: {business_goal}")
    for r in part.itertuples():
        st.markdown(
            f"- **{r[2]}** → {r[4]}: KPI improving? *{r[3]}*; outcome expected to go "
            f"{r[5]}, followed? *{r[6]}*; correlation: *{r[7]}*."
        )
st.subheader("All pairs")
st.dataframe(table, hide_index=True, width="stretch")
csv_download(table, "this table", f"alignment_{filters.team}_{goal}_lag{lag}")

# --- one pair side by side ------------------------------------------------------------------
st.subheader("A driver and its outcome, month by month")
pairs = list(zip(rows["kpi_id"], rows["outcome_measure"], strict=True))
kpi_id, measure = st.selectbox(
    "Pair",
    pairs,
    format_func=lambda p: f"{names.get(p[0], p[0])} → {outcome_name(p[1])}",
)
kpi = query(
    "select period_start as month, value from kpi_values "
    "where team_key = ? and kpi_id = ? and grain = 'month' and is_complete order by 1",
    [filters.team, kpi_id],
)
outcome = query(
    "select month, value from business_outcomes where team_key = ? and measure = ? order by 1",
    [filters.team, measure],
)
both = pd.concat(
    [
        kpi.assign(series=names.get(kpi_id, kpi_id)),
        outcome.assign(series=outcome_name(measure)),
    ],
    ignore_index=True,
)
if outcome.empty:
    st.info(f"No {outcome_name(measure)} data for {filters.team_label}; nothing to compare.")
if not both.empty:
    chart = (
        alt.Chart(both)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", title="Month"),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
            color=alt.Color("series:N", legend=None),
            tooltip=["series:N", "month:T", alt.Tooltip("value:Q", format=",.2f")],
        )
        .properties(height=180)
        .facet(row=alt.Row("series:N", title=None))
        .resolve_scale(y="independent")
    )
    st.altair_chart(chart)
    csv_download(both, "chart data", f"alignment_pair_{filters.team}_{kpi_id}_{measure}")
