"""Delivery flow: where changes wait on the way to production, cycle time and say/do ratio."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app.charts import kpi_trend_block
from app.components import page
from app.data import (
    ORGANISATION,
    STAGE_WORDS,
    csv_download,
    format_number,
    format_value,
    is_missing,
    kpi_series,
    query,
)

STAGES = ("coding", "pickup", "review", "deploy")

filters = page(
    "Delivery flow",
    "How long a change takes from first commit to production, split into stages, "
    "how long Jira work items take, and whether sprints deliver what they commit to.",
)

# --- lead-time stages -----------------------------------------------------------------------
st.subheader("Lead time for changes, by stage")
flow = query(
    "select * from lead_time_bottlenecks where team_key = ? and grain = ? "
    "and period_start between ? and ? order by period_start",
    [filters.team, filters.grain, filters.start, filters.end],
)
if flow.empty:
    st.info("No shipped changes in the selected range.")
else:
    latest = flow.iloc[-1]
    stage = latest["bottleneck_stage"]
    if is_missing(stage):
        st.markdown("No bottleneck could be named for the latest period (no shipped changes).")
    else:
        st.markdown(
            f"**Bottleneck:** in the {filters.grain} starting {latest['period_start']:%Y-%m-%d}, "
            f"changes spent the most time in **{STAGE_WORDS.get(stage, stage)}**: "
            f"a median of {format_value(latest[f'{stage}_hours_p50'], 'hours')}, "
            f"{format_number(latest[f'{stage}_share_pct'])} % of the lead time "
            f"(n = {format_number(latest['changes'])} changes)."
        )
        counts = flow["bottleneck_stage"].value_counts()
        st.caption(
            f"Over the selected range the bottleneck was {counts.index[0]} in "
            f"{counts.iloc[0]} of {len(flow)} {filters.grain}s."
        )
    stages = pd.DataFrame(
        {
            "Period start": flow["period_start"].repeat(len(STAGES)).to_numpy(),
            "Stage": list(STAGES) * len(flow),
            "Median hours": flow[[f"{s}_hours_p50" for s in STAGES]].to_numpy().ravel(),
            "Share of lead time (%)": flow[[f"{s}_share_pct" for s in STAGES]].to_numpy().ravel(),
        }
    )
    chart = (
        alt.Chart(stages)
        .mark_bar()
        .encode(
            x=alt.X("Period start:T"),
            y=alt.Y("Median hours:Q", stack="zero", title="Median hours per stage"),
            color=alt.Color("Stage:N", sort=list(STAGES)),
            order=alt.Order("stage_order:Q"),
            tooltip=[
                "Period start:T",
                "Stage:N",
                alt.Tooltip("Median hours:Q", format=".1f"),
                alt.Tooltip("Share of lead time (%):Q", format=".0f"),
            ],
        )
        .transform_calculate(
            stage_order="indexof(['coding','pickup','review','deploy'], datum.Stage)"
        )
        .properties(height=320)
    )
    st.altair_chart(chart, width="stretch")
    table = pd.DataFrame(
        {
            "Period start": flow["period_start"],
            "Changes shipped": flow["changes"],
            **{f"{s.capitalize()} (median h)": flow[f"{s}_hours_p50"] for s in STAGES},
            **{f"{s.capitalize()} (% of lead time)": flow[f"{s}_share_pct"] for s in STAGES},
            "Bottleneck": flow["bottleneck_stage"],
        }
    )
    with st.expander("Values behind the chart"):
        st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, "lead-time stages", f"lead_time_stages_{filters.team}_{filters.grain}")

# --- cycle time -----------------------------------------------------------------------------
st.subheader("Cycle time (Jira: first active to done)")
cycle = kpi_series(filters.team, "jira_cycle_time", filters.grain, filters.start, filters.end)
kpi_trend_block(
    filters.team, "jira_cycle_time", cycle, "days", f"cycle_time_{filters.team}_{filters.grain}"
)

# --- say/do ---------------------------------------------------------------------------------
st.subheader("Say/do ratio (sprint commitments delivered)")
sprint_sql = (
    "select team_key, sprint_name, state, start_at, end_at, issues_at_start, "
    "issues_added_after_start, issues_done_of_committed, say_do_ratio from sprints "
    "where start_at::date between ? and ?"
)
params: list[object] = [filters.start, filters.end]
if filters.team != ORGANISATION:
    sprint_sql += " and team_key = ?"
    params.append(filters.team)
sprints = query(sprint_sql + " order by start_at, team_key", params)
if sprints.empty:
    st.info("No sprints started in the selected range.")
else:
    closed = sprints[sprints["say_do_ratio"].notna()]
    committed, done = closed["issues_at_start"].sum(), closed["issues_done_of_committed"].sum()
    if committed:
        st.markdown(
            f"Sprints in range delivered **{format_number(done)} of {format_number(committed)}** "
            f"committed issues ({format_value(100.0 * done / committed, 'pct')}); "
            f"{format_number(sprints['issues_added_after_start'].sum())} issues were added "
            "after sprints started."
        )
    bars = (
        alt.Chart(closed)
        .mark_bar()
        .encode(
            x=alt.X("start_at:T", title="Sprint start"),
            y=alt.Y("say_do_ratio:Q", title="Say/do ratio (%)"),
            color=alt.Color("team_key:N", title="Team"),
            xOffset="team_key:N",
            tooltip=[
                "sprint_name",
                "team_key",
                alt.Tooltip("say_do_ratio:Q", format=".0f"),
                "issues_at_start",
                "issues_done_of_committed",
            ],
        )
        .properties(height=280)
    )
    st.altair_chart(bars, width="stretch")
    st.caption("Sprints that started empty or are still running have no say/do ratio.")
    with st.expander("Sprints behind the chart"):
        st.dataframe(sprints, hide_index=True, width="stretch")
    csv_download(sprints, "sprints", f"say_do_{filters.team}")
    st.markdown("**Say/do ratio KPI over time**")
    say_do = kpi_series(filters.team, "say_do_ratio", filters.grain, filters.start, filters.end)
    kpi_trend_block(
        filters.team, "say_do_ratio", say_do, "pct", f"say_do_kpi_{filters.team}_{filters.grain}"
    )
