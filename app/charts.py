"""Altair charts and small page components shared by the pages."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from app.data import (
    UNIT_LABELS,
    csv_download,
    format_value,
    is_missing,
    query,
    value_with_evidence,
)


def unit_title(unit: str | None) -> str:
    prefix, suffix = UNIT_LABELS.get(unit or "", ("", unit or ""))
    label = (prefix + suffix).strip()
    return f"Value ({label})" if label else "Value"


def reference_lines(team: str, kpi_id: str) -> pd.DataFrame:
    """Baseline (kpi_scorecard) and short/long-term targets (kpi_targets) as horizontal lines."""
    base = query(
        "select baseline from kpi_scorecard where team_key = ? and kpi_id = ?", [team, kpi_id]
    )
    targets = query(
        "select short_term_target, long_term_target from kpi_targets "
        "where team_key = ? and kpi_id = ?",
        [team, kpi_id],
    )
    lines: list[dict[str, Any]] = []
    if not base.empty and not is_missing(base.iloc[0]["baseline"]):
        lines.append({"line": "Baseline (prev. 3 months)", "y": float(base.iloc[0]["baseline"])})
    if not targets.empty:
        row = targets.iloc[0]
        for column, name in (
            ("short_term_target", "Short-term target"),
            ("long_term_target", "Long-term target"),
        ):
            if not is_missing(row[column]):
                lines.append({"line": name, "y": float(row[column])})
    return pd.DataFrame(lines, columns=["line", "y"])


def trend_chart(series: pd.DataFrame, unit: str | None, lines: pd.DataFrame) -> alt.Chart:
    """Value per period (open points = period not complete yet) with reference lines."""
    data = series[["period_start", "value", "is_complete"]].copy()
    data["period"] = data["is_complete"].map({True: "complete", False: "in progress"})
    base = alt.Chart(data).encode(
        x=alt.X("period_start:T", title="Period start"),
        y=alt.Y("value:Q", title=unit_title(unit)),
        tooltip=[
            alt.Tooltip("period_start:T", title="Period start"),
            alt.Tooltip("value:Q", title="Value", format=",.2f"),
            alt.Tooltip("period:N", title="Period"),
        ],
    )
    chart = base.mark_line(point=False) + base.mark_point(filled=True, size=60).encode(
        shape=alt.Shape("period:N", title="Period")
    )
    if not lines.empty:
        rules = (
            alt.Chart(lines)
            .mark_rule(strokeDash=[6, 4])
            .encode(
                y="y:Q",
                color=alt.Color("line:N", title="Reference"),
                tooltip=[alt.Tooltip("line:N"), alt.Tooltip("y:Q", format=",.2f")],
            )
        )
        chart = chart + rules
    return chart.properties(height=320)


def series_table(series: pd.DataFrame, unit: str | None) -> pd.DataFrame:
    """The points of a KPI chart, readable, for display and CSV."""
    return pd.DataFrame(
        {
            "Period start": series["period_start"],
            "Period end": series["period_end"],
            "Value": series["value"],
            "Shown as": [
                value_with_evidence(
                    r.value, unit, r.numerator, r.denominator, r.sample_size, r.null_reason
                )
                for r in series.itertuples()
            ],
            "Median (p50)": series["value_p50"],
            "90th percentile": series["value_p90"],
            "Complete period": series["is_complete"],
        }
    ).reset_index(drop=True)


def kpi_trend_block(
    team: str, kpi_id: str, series: pd.DataFrame, unit: str | None, file_stem: str
) -> None:
    """Chart + gaps explained + table + CSV for one KPI series."""
    if series.empty:
        st.info("No periods in the selected date range for this KPI and team.")
        return
    lines = reference_lines(team, kpi_id)
    st.altair_chart(trend_chart(series, unit, lines), width="stretch")
    if not lines.empty:
        st.caption(
            "Dashed lines: "
            + "; ".join(f"{r.line} {format_value(r.y, unit)}" for r in lines.itertuples())
            + ". Baseline and targets are set on monthly values."
        )
    gaps = series[series["value"].isna()]
    if not gaps.empty:
        reasons = gaps["null_reason"].fillna("unknown").value_counts()
        st.caption(
            f"{len(gaps)} period(s) have no data (gaps in the line, never plotted as 0): "
            + ", ".join(f"{reason} ({count})" for reason, count in reasons.items())
        )
    table = series_table(series, unit)
    with st.expander("Values behind the chart"):
        st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, "chart data", file_stem)
