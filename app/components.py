"""Page building blocks on Streamlit: KPI cards, the scorecard table, a KPI trend block."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import queries
from app.cards import CARD_CSS, cards_html
from app.charts import reference_frame, small_flags, trend_chart
from app.format import (
    change_words,
    format_value,
    goal_name,
    is_missing,
    period_label,
    target_words,
    value_with_evidence,
)
from app.review import assess
from app.state import Context, csv_download


def review_rows(ctx: Context) -> pd.DataFrame:
    """Every team x KPI for the selected period, judged (trend, n too small, targets met)."""
    rows = queries.period_scorecard(
        ctx.db, ctx.grain, ctx.period_start, ctx.settings.baseline_months
    )
    return assess(rows, ctx.settings)


def team_rows(ctx: Context, team: str, active_only: bool = False) -> pd.DataFrame:
    rows = review_rows(ctx)
    rows = rows[rows["team_key"] == team]
    if active_only:
        rows = rows[rows["is_active"].astype(bool)].head(5)
    return rows.reset_index(drop=True)


def kpi_cards(rows: pd.DataFrame, ctx: Context) -> None:
    if rows.empty:
        st.info("No KPIs to show: this team has no active KPIs (see seeds/kpi_targets.csv).")
        return
    st.markdown(CARD_CSS + cards_html(rows, ctx.settings.min_sample_size), unsafe_allow_html=True)


def scorecard_table(rows: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """Scorecard rows in business language, one display string per cell."""
    return pd.DataFrame(
        {
            "KPI": rows["kpi_name"],
            "Value (evidence)": [
                value_with_evidence(
                    r.value, r.unit, r.numerator, r.denominator, r.sample_size, r.null_reason
                )
                for r in rows.itertuples()
            ],
            "n": [
                ("" if is_missing(r.sample_size) else f"{int(r.sample_size):,}")
                + (" (too small)" if r.too_small else "")
                for r in rows.itertuples()
            ],
            "Trend": [
                f"{r.trend}: {change_words(r.value, r.baseline, r.unit)}" for r in rows.itertuples()
            ],
            "Targets (short / long)": [
                target_words(r.short_term_target, r.short_term_met, r.unit)
                + " / "
                + target_words(r.long_term_target, r.long_term_met, r.unit)
                for r in rows.itertuples()
            ],
            "DORA tier": ["" if is_missing(t) else str(t) for t in rows["dora_tier"]],
            "Goal": rows["business_goal"].map(goal_name),
            "Owner": rows["owner"].fillna(""),
        }
    ).reset_index(drop=True)


TABLE_COLUMNS = {
    "KPI": st.column_config.TextColumn(width="medium", pinned=True),
    "Value (evidence)": st.column_config.TextColumn(width="medium"),
    "n": st.column_config.TextColumn(width="small"),
    "Trend": st.column_config.TextColumn(width="medium"),
    "Targets (short / long)": st.column_config.TextColumn(width="medium"),
    "DORA tier": st.column_config.TextColumn(width="small"),
    "Goal": st.column_config.TextColumn(width="small"),
    "Owner": st.column_config.TextColumn(width="medium"),
}


def scorecard_block(rows: pd.DataFrame, ctx: Context, file_stem: str) -> pd.DataFrame:
    table = scorecard_table(rows, ctx)
    if table.empty:
        st.info("No KPIs to show.")
        return table
    st.dataframe(table, hide_index=True, width="stretch", column_config=TABLE_COLUMNS)
    csv_download(table, "this table", file_stem)
    return table


def series_table(series: pd.DataFrame, ctx: Context, unit: str | None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            ctx.grain.capitalize(): [period_label(ctx.grain, s) for s in series["period_start"]],
            "Value": series["value"],
            "Shown as": [
                value_with_evidence(
                    r.value, unit, r.numerator, r.denominator, r.sample_size, r.null_reason
                )
                for r in series.itertuples()
            ],
            "n": series["sample_size"],
            "Median (p50)": series["value_p50"],
            "90th percentile": series["value_p90"],
            "Complete period": series["is_complete"],
        }
    ).reset_index(drop=True)


def kpi_trend_block(
    ctx: Context, team: str, kpi_id: str, unit: str | None, aggregation: str | None
) -> pd.DataFrame:
    """Chart of the periods up to the selected one + reference lines + table + CSV."""
    series = queries.kpi_series(ctx.db, team, kpi_id, ctx.grain, ctx.period_start)
    if series.empty:
        st.info(f"No values of this KPI up to {ctx.period}.")
        return series
    small = small_flags(series, aggregation, ctx.settings.min_sample_size)
    rows = team_rows(ctx, team)
    lines = reference_frame(next(rows[rows["kpi_id"] == kpi_id].itertuples()))
    st.altair_chart(
        trend_chart(series, unit, lines, ctx.grain, [ctx.period_start], small), width="stretch"
    )
    notes = [f"Shaded: {ctx.period}, the review period. Each point shows its n"]
    if any(small):
        notes.append(
            f"grey points rest on fewer than {ctx.settings.min_sample_size} events (n too small)"
        )
    if not lines.empty:
        notes.append(
            "reference lines: "
            + "; ".join(f"{r.line} {format_value(r.y, unit)}" for r in lines.itertuples())
        )
    gaps = series[series["value"].isna()]
    if not gaps.empty:
        reasons = gaps["null_reason"].fillna("unknown").value_counts()
        notes.append(
            f"{len(gaps)} period(s) without data (gaps, never drawn as 0): "
            + ", ".join(f"{reason} ({count})" for reason, count in reasons.items())
        )
    st.caption(". ".join(notes) + ".")
    table = series_table(series, ctx, unit)
    with st.expander("Values behind the chart"):
        st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, "chart data", f"trend_{team}_{kpi_id}_{ctx.grain}")
    return series
