"""Page building blocks on Streamlit: KPI cards, the scorecard table, a KPI trend block."""

from __future__ import annotations

import os
from datetime import date
from functools import lru_cache

import pandas as pd
import streamlit as st
from altair.vegalite.v6.schema.core import Root

from app import queries
from app.cards import CARD_CSS, cards_html
from app.charts import Spec, as_json, reference_frame, small_flags, trend_chart
from app.format import (
    format_value,
    period_label,
    value_with_evidence,
)
from app.marts import Marts
from app.review import assess
from app.settings import Settings
from app.state import Context, csv_download
from app.tables import TARGET_LEGEND, scorecard_table

VALIDATE_CHARTS_ENV = "KPIBRIDGE_VALIDATE_CHARTS"


def review_rows(
    ctx: Context, teams: tuple[str, ...] | None = None, kpi_ids: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """The KPIs `kpi_ids` (default: all) of `teams` (default: every team and the organisation)
    for the selected period, judged (trend, n too small, targets met)."""
    return _judged(ctx.db, ctx.grain, ctx.period_start, ctx.settings, teams, kpi_ids).copy()


@lru_cache(maxsize=4)
def _judged(
    db: Marts,
    grain: str,
    period_start: date,
    settings: Settings,
    teams: tuple[str, ...] | None,
    kpi_ids: tuple[str, ...] | None,
) -> pd.DataFrame:
    # a page asks for the same rows several times (cards, tables, trend blocks): judged once
    # per render, since each render has its own Marts snapshot
    rows = queries.period_scorecard(
        db, grain, period_start, settings.baseline_months, teams, kpi_ids
    )
    return assess(rows, settings)


def of_team(rows: pd.DataFrame, team: str, active_only: bool = False) -> pd.DataFrame:
    """One team's rows of review_rows; its active KPIs (at most five) with active_only."""
    rows = rows[rows["team_key"] == team]
    if active_only:
        rows = rows[rows["is_active"].astype(bool)].head(5)
    return rows.reset_index(drop=True)


def team_rows(ctx: Context, team: str, active_only: bool = False) -> pd.DataFrame:
    """One team's judged rows, read for that team alone."""
    return of_team(review_rows(ctx, (team,)), team, active_only)


def show_chart(spec: Spec) -> None:
    """Draw a Vega-Lite chart at full width. The JSON-schema check of a spec costs more than
    drawing it, so it runs only where $KPIBRIDGE_VALIDATE_CHARTS is set: the app tests set it
    and check every chart the pages draw."""
    if os.environ.get(VALIDATE_CHARTS_ENV):
        Root.validate(as_json(spec))
    st.vega_lite_chart(spec, width="stretch")


def kpi_cards(rows: pd.DataFrame, ctx: Context) -> None:
    if rows.empty:
        st.info("No KPIs to show: this team has no active KPIs (see seeds/kpi_targets.csv).")
        return
    st.markdown(CARD_CSS + cards_html(rows, ctx.settings.min_sample_size), unsafe_allow_html=True)


def scorecard_block(rows: pd.DataFrame, file_stem: str) -> pd.DataFrame:
    table = scorecard_table(rows)
    if table.empty:
        st.info("No KPIs to show.")
        return table
    # a static table wraps its cells: every column fits a 1280 px laptop, nothing is cut
    st.table(table.set_index("KPI"))
    st.caption(TARGET_LEGEND)
    csv_download(table, "this table", file_stem)
    return table


def series_table(
    series: pd.DataFrame, ctx: Context, unit: str | None, aggregation: str | None
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            ctx.grain.capitalize(): [period_label(ctx.grain, s) for s in series["period_start"]],
            "Value": series["value"],
            "Shown as": [
                value_with_evidence(
                    r.value,
                    unit,
                    r.numerator,
                    r.denominator,
                    r.sample_size,
                    r.null_reason,
                    aggregation,
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
    show_chart(trend_chart(series, unit, lines, ctx.grain, [ctx.period_start], small))
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
    table = series_table(series, ctx, unit, aggregation)
    with st.expander("Values behind the chart"):
        st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, "chart data", f"trend_{team}_{kpi_id}_{ctx.grain}")
    return series
