"""Page building blocks: the page header with filters, scorecard cards and tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.data import (
    Filters,
    card_value,
    csv_download,
    evidence,
    goal_name,
    is_missing,
    query,
    require_marts,
    scorecard,
    scorecard_table,
    sidebar_filters,
    target_words,
    team_labels,
    trend_words,
)


def page(title: str, intro: str) -> Filters:
    """Common page start: config, a friendly stop when there are no marts, shared filters."""
    st.set_page_config(page_title=f"{title} · kpibridge", layout="wide")
    require_marts()
    filters = sidebar_filters()
    st.title(title)
    st.caption(intro)
    return filters


def active_kpis(team: str) -> pd.DataFrame:
    rows = scorecard(team)
    return rows[rows["is_active"].fillna(False).astype(bool)].head(5).reset_index(drop=True)


def kpi_cards(rows: pd.DataFrame) -> None:
    """One metric card per KPI: value, change vs baseline coloured by the KPI's direction."""
    if rows.empty:
        st.info("This team has no active KPIs (see kpi_targets).")
        return
    per_row = 5
    columns = [
        column
        for start in range(0, len(rows), per_row)
        for column in st.columns(min(per_row, len(rows) - start))
    ]
    for column, r in zip(columns, rows.itertuples(), strict=True):
        with column:
            delta = None
            if not is_missing(r.change_vs_baseline):
                delta = f"{round(r.change_vs_baseline):+d} % vs baseline"
            shown, unit_note = card_value(r.value, r.unit)
            st.metric(
                f"{r.kpi_name} ({unit_note})" if unit_note else r.kpi_name,
                shown,
                delta=delta,
                delta_color="normal" if r.direction == "higher_is_better" else "inverse",
                help=f"{goal_name(r.business_goal)}; owner: {r.owner}",
                border=True,
            )
            if is_missing(r.value):
                st.caption(f"Why no data: {r.null_reason or 'unknown'}")
            else:
                proof = evidence(r.value, r.unit, r.numerator, r.denominator, r.sample_size)
                st.caption(f"Evidence: {proof}")
            st.caption(f"Trend: {trend_words(r.trend, r.direction)}")
            short = target_words(r.short_term_target, r.short_term_met, r.unit)
            st.caption(f"Short-term target: {short}")
            if not is_missing(r.dora_tier):
                st.caption(f"DORA tier: {r.dora_tier}")


def scorecard_block(rows: pd.DataFrame, file_stem: str) -> pd.DataFrame:
    """The readable scorecard table with a CSV of the same rows."""
    table = scorecard_table(rows)
    if table.empty:
        st.info("No KPIs to show.")
        return table
    st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, "this table", file_stem)
    return table


def teams_at_a_glance() -> pd.DataFrame:
    """Per team: how many active KPIs meet their targets and how many are improving."""
    rows = query(
        "select team_key, count(*) as active_kpis, "
        "count(*) filter (where short_term_met) as short_met, "
        "count(*) filter (where long_term_met) as long_met, "
        "count(*) filter (where trend = 'improving') as improving, "
        "count(*) filter (where trend = 'worsening') as worsening, "
        "count(*) filter (where value is null) as no_data "
        "from kpi_scorecard where is_active group by team_key"
    )
    labels = team_labels()
    rows["order"] = rows["team_key"].map(list(labels).index)
    rows = rows.sort_values("order")
    return pd.DataFrame(
        {
            "Team": rows["team_key"].map(labels),
            "Active KPIs": rows["active_kpis"],
            "Short-term target met": rows["short_met"],
            "Long-term target met": rows["long_met"],
            "Improving": rows["improving"],
            "Worsening": rows["worsening"],
            "No data": rows["no_data"],
        }
    ).reset_index(drop=True)


def latest_month(rows: pd.DataFrame) -> str:
    months = rows["period_start"].dropna()
    if months.empty:
        return "no complete month yet"
    return f"{pd.Timestamp(months.max()):%B %Y}"
