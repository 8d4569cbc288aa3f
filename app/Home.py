"""kpibridge: the selected team's active KPIs for the review period, and all teams at a glance."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.components import kpi_cards, of_team, review_rows
from app.format import baseline_words
from app.state import csv_download, page

ctx = page(
    "Engineering KPIs",
    "Team-level engineering KPIs from Jira, GitHub and PagerDuty, tied to business goals. "
    "Pick a team, a grain and the review period in the sidebar: every page shows that period.",
)

everyone = review_rows(ctx)
rows = of_team(everyone, ctx.team, active_only=True)
st.subheader(f"{ctx.team_name}: active KPIs, {ctx.period_words}")
met = int(rows["short_term_met"].eq(True).sum())
with_target = int(rows["short_term_target"].notna().sum())
improving = int((rows["trend"] == "improving").sum())
small = int(rows["too_small"].sum())
st.markdown(
    f"**{met} of {with_target}** KPIs with a short-term target meet it; "
    f"**{improving} of {len(rows)}** are improving against their baseline "
    f"({baseline_words(ctx.grain, ctx.settings.baseline_months)})"
    + (f"; {small} rest on too small a sample to judge." if small else ".")
)
kpi_cards(rows, ctx)

st.subheader(f"All teams at a glance, {ctx.period}")
active = everyone[everyone["is_active"].astype(bool)]
by_team = dict(tuple(active.groupby("team_key", sort=False)))
glance = pd.DataFrame(
    [
        {
            "Team": ctx.team_names[team],
            "Active KPIs": len(part),
            "Short-term target met": int(part["short_term_met"].eq(True).sum()),
            "Long-term target met": int(part["long_term_met"].eq(True).sum()),
            "Improving": int((part["trend"] == "improving").sum()),
            "Worsening": int((part["trend"] == "worsening").sum()),
            "n too small": int(part["too_small"].sum()),
            "No data": int(part["value"].isna().sum()),
        }
        for team in ctx.team_names
        if (part := by_team.get(team)) is not None
    ]
)
st.dataframe(glance, hide_index=True, width="stretch")
csv_download(glance, "this table", f"teams_at_a_glance_{ctx.period}")
st.caption(
    "Details per KPI: Scorecard. The four keys per team: DORA overview. Over time: Trends. "
    "Where work waits: Delivery flow. Incidents: Reliability. Goal to outcome: Business "
    "alignment. The items behind the numbers: Drill-down."
)
