"""Delivery flow: where changes wait, lead-time and cycle-time distributions, say/do per sprint
and the investment mix, all for the review period."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import queries
from app.charts import distribution_chart, investment_chart, say_do_chart, stage_share_chart
from app.components import kpi_trend_block, show_chart
from app.format import STAGE_WORDS, format_number, format_value, hours_words, is_missing
from app.state import csv_download, page, withheld

STAGES = ("coding", "pickup", "review", "deploy")

ctx = page(
    "Delivery flow",
    "How long a change takes from first commit to production and where it waits, how long "
    "Jira work items take, whether sprints deliver what they commit to, and where the work goes.",
)

# --- lead-time stages -----------------------------------------------------------------------
st.subheader(f"Lead time for changes by stage, {ctx.period}")
flow = queries.lead_time_stages(ctx.db, ctx.team, ctx.grain, ctx.period_start)
lead_times = (
    queries.change_lead_times(ctx.db, ctx.team, ctx.period_start, ctx.period_end)
    if "changes" in ctx.tables
    else None
)
selected = flow[pd.to_datetime(flow["period_start"]).dt.date == ctx.period_start]
if selected.empty or is_missing(selected.iloc[0]["bottleneck_stage"]):
    st.info(f"No shipped changes in {ctx.period}: no bottleneck can be named.")
else:
    r = selected.iloc[0]
    stage = r["bottleneck_stage"]
    n = int(r["changes"])
    small = n < ctx.settings.min_sample_size
    st.markdown(
        f"**Bottleneck in {ctx.period}:** changes spent the largest share of their lead time in "
        f"**{STAGE_WORDS.get(stage, stage)}**: {format_number(r[f'{stage}_share_pct'])} % of "
        f"the lead time, a median of {format_value(r[f'{stage}_hours_p50'], 'hours')} "
        f"(n = {n:,} changes with all four stages measured"
        + (
            f", of {len(lead_times):,} shipped; the others had no review"
            if lead_times is not None and len(lead_times) > n
            else ""
        )
        + (", too few to name a bottleneck with confidence" if small else "")
        + ")."
    )
if not flow.empty:
    show_chart(stage_share_chart(flow, ctx.grain, STAGES))
    st.caption(
        "Each bar is one period's lead time split by stage (shares of the summed stage medians, "
        "as the text above); hover for the median hours and n."
    )
    table = pd.DataFrame(
        {
            ctx.grain.capitalize(): flow["period_start"],
            "Changes shipped (n)": flow["changes"],
            **{f"{s.capitalize()} (median h)": flow[f"{s}_hours_p50"] for s in STAGES},
            **{f"{s.capitalize()} (% of lead time)": flow[f"{s}_share_pct"] for s in STAGES},
            "Bottleneck": flow["bottleneck_stage"],
        }
    )
    with st.expander("Values behind the chart"):
        st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, "lead-time stages", f"lead_time_stages_{ctx.team}_{ctx.grain}")

# --- distributions --------------------------------------------------------------------------
st.subheader(f"Distributions in {ctx.period}")
left, right = st.columns(2)
with left:
    if not withheld(ctx, "changes", "Lead-time distributions"):
        lead = lead_times.dropna()
        st.markdown(
            f"**Lead time for changes** (n = {len(lead):,} changes shipped): median "
            f"{hours_words(lead.median())}, 90th percentile {hours_words(lead.quantile(0.9))}."
            if len(lead)
            else "**Lead time for changes:** no changes shipped in the period."
        )
        if len(lead):
            show_chart(distribution_chart(lead, "Lead time", "hours"))
with right:
    if not withheld(ctx, "work_items", "Cycle-time distributions"):
        cycle = queries.work_item_cycle_times(
            ctx.db, ctx.team, ctx.period_start, ctx.period_end
        ).dropna()
        st.markdown(
            f"**Cycle time of Jira work items** (n = {len(cycle):,} done): median "
            f"{format_value(cycle.median(), 'days')}, 90th percentile "
            f"{format_value(cycle.quantile(0.9), 'days')}."
            if len(cycle)
            else "**Cycle time:** no work items done in the period."
        )
        if len(cycle):
            show_chart(distribution_chart(cycle, "Cycle time", "days"))

st.markdown(f"**Cycle time per {ctx.grain}** (median, days)")
kpi_trend_block(ctx, ctx.team, "jira_cycle_time", "days", "median")

# --- say/do ---------------------------------------------------------------------------------
st.subheader(f"Say/do ratio: sprints that ended in {ctx.period}")
sprints = queries.sprints_ending(ctx.db, ctx.team, ctx.period_start, ctx.period_end)
closed = sprints[sprints["say_do_ratio"].notna()]
if closed.empty:
    st.info(f"No sprint with a commitment ended in {ctx.period}.")
else:
    committed = int(closed["issues_at_start"].sum())
    done = int(closed["issues_done_of_committed"].sum())
    st.markdown(
        f"{len(closed)} sprints delivered **{done:,} of {committed:,}** committed issues "
        f"({format_value(100.0 * done / committed, 'pct')}); "
        f"{int(sprints['issues_added_after_start'].sum()):,} issues were added after they started."
    )
    show_chart(say_do_chart(closed))
    st.caption("One bar per sprint and team; never summed across teams.")
    table = closed.rename(
        columns={
            "team_name": "Team",
            "sprint_name": "Sprint",
            "issues_at_start": "Committed",
            "issues_done_of_committed": "Delivered of committed",
            "issues_added_after_start": "Added after start",
            "say_do_ratio": "Say/do (%)",
        }
    )[["Team", "Sprint", "Committed", "Delivered of committed", "Added after start", "Say/do (%)"]]
    with st.expander("Sprints behind the chart"):
        st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, "sprints", f"say_do_{ctx.team}_{ctx.period}")

# --- investment mix -------------------------------------------------------------------------
st.subheader(f"Investment mix per {ctx.grain}, up to {ctx.period}")
if not withheld(ctx, "work_items", "The investment mix (read from work items)"):
    mix = queries.investment_mix(ctx.db, ctx.team, ctx.grain, ctx.period_end)
    if mix.empty:
        st.info("No done work items yet.")
    else:
        categories = mix["work_category"].fillna("uncategorised").str.replace("_", " ")
        mix = mix.assign(category=categories)
        show_chart(investment_chart(mix, ctx.grain))
        now = mix[pd.to_datetime(mix["period_start"]).dt.date == ctx.period_start]
        if not now.empty:
            total = int(now["items"].sum())
            st.caption(
                f"{ctx.period}: "
                + ", ".join(
                    f"{r.category} {format_value(100.0 * r.items / total, 'pct')}"
                    for r in now.sort_values("items", ascending=False).itertuples()
                )
                + f" of {total:,} done work items "
                "(Jira work categories, seeds/work_categories.csv)."
            )
        csv_download(mix, "investment mix", f"investment_mix_{ctx.team}_{ctx.grain}")
