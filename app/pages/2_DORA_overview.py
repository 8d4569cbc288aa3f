"""DORA overview: the five keys per team for the review period, with tiers and trends."""

from __future__ import annotations

import streamlit as st

from app import queries
from app.charts import team_lines_chart, tier_grid_chart
from app.components import kpi_cards, review_rows, show_chart
from app.dora import dora_comparison
from app.state import csv_download, page

ctx = page(
    "DORA overview",
    "The DORA software-delivery metrics: deployment frequency, lead time for changes, change "
    "failure rate, failed deployment recovery time and rework rate. Tiers follow the DORA "
    "reports' benchmarks (seeds/dora_benchmarks.csv).",
)

rows = review_rows(ctx, kpi_ids=queries.DORA_KPIS)
mine = rows[rows["team_key"] == ctx.team].set_index("kpi_id").loc[list(queries.DORA_KPIS)]
mine = mine.reset_index()
st.subheader(f"{ctx.team_name}, {ctx.period_words}")
kpi_cards(mine, ctx)

st.subheader(f"Teams side by side, {ctx.period}")
table = dora_comparison(rows, ctx.team_names, ctx.settings.min_sample_size)
show_chart(tier_grid_chart(table))
st.caption(
    "Colour: DORA tier (deployment frequency is tiered on deployment days per week). "
    "Grey: no tier (rework rate has no DORA benchmark yet; no data; or n too small). Each cell "
    "shows the value and n."
)
wide = table.pivot(index="Team", columns="Metric", values="Shown").reindex(
    index=[name for name in ctx.team_names.values() if name in set(table["Team"])],
    columns=list(dict.fromkeys(table["Metric"])),
)
st.table(wide)
csv_download(table, "this comparison", f"dora_teams_{ctx.period}")

st.subheader(f"Teams per {ctx.grain}, up to {ctx.period}")
series = queries.kpi_series_all_teams(ctx.db, queries.DORA_KPIS, ctx.grain, ctx.period_start)
# teams only: the organisation's totals would flatten every team's line
series = series[series["team_key"] != queries.ORGANISATION]
series = series.assign(team=series["team_key"].map(ctx.team_names))
terms = mine.set_index("kpi_id")
columns = st.columns(2)
for index, kpi_id in enumerate(queries.DORA_KPIS):
    term = terms.loc[kpi_id]
    part = series[series["kpi_id"] == kpi_id]
    with columns[index % 2]:
        show_chart(team_lines_chart(part, ctx.grain, term["unit"], term["kpi_name"]))
