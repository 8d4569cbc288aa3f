"""`kpibridge report`: one team's quarterly (or monthly) review as a self-contained HTML file.

Everything is inside the file: styles inline, charts rendered to SVG by vl-convert (no
JavaScript, no fonts or scripts fetched), so it opens offline and can be mailed or attached.
It reads the published marts only, through one snapshot, with the app's queries and words.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

import pandas as pd
import vl_convert as vlc

from app import queries
from app.alignment import judge_pairs
from app.cards import CARD_CSS, cards_html
from app.charts import Spec, as_json, reference_frame, small_flags, trend_chart
from app.format import (
    baseline_words,
    label_with_unit,
    period_label,
)
from app.marts import Marts
from app.review import assess
from app.settings import Settings, settings
from app.tables import TARGET_LEGEND, scorecard_table

PERIOD_PATTERNS = {
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
}

PAGE_CSS = """
<style>
body {font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328;
  max-width: 1100px; margin: 2rem auto; padding: 0 1rem;}
h1 {margin-bottom: 0.2rem;} h2 {margin-top: 2rem; border-bottom: 1px solid #d0d4dc;}
.meta {color: #555b66;}
table {border-collapse: collapse; width: 100%; font-size: 0.85rem;}
th, td {border-bottom: 1px solid #e3e6ea; padding: 0.3rem 0.4rem; text-align: left;
  vertical-align: top;}
th {background: #f4f5f7;}
.chart {margin: 0.5rem 0 1.2rem 0;} .chart img {max-width: 100%;}
.note {color: #555b66; font-size: 0.85rem;}
</style>
"""


class ReportError(ValueError):
    """A bad --team or --period, said with what would work."""


@dataclass(frozen=True)
class ReviewPeriod:
    grain: str
    start: date
    label: str


def parse_period(text: str) -> ReviewPeriod:
    """'2026-Q3' -> the quarter starting 1 Jul 2026; '2026-09' -> September 2026."""
    for grain, pattern in PERIOD_PATTERNS.items():
        match = pattern.match(text.strip())
        if match:
            year, part = int(match.group(1)), int(match.group(2))
            start = date(year, 3 * part - 2 if grain == "quarter" else part, 1)
            return ReviewPeriod(grain, start, period_label(grain, start))
    raise ReportError(f"--period {text!r} is not a quarter like 2026-Q3 or a month like 2026-09")


# the default view size Altair's default theme gave the report's charts
REPORT_CHART_CONFIG = {"view": {"continuousWidth": 300, "continuousHeight": 300}}


def _svg(chart: Spec, alt_text: str) -> str:
    svg = vlc.vegalite_to_svg({**as_json(chart), "config": REPORT_CHART_CONFIG}, vl_version="v5_20")
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<div class="chart"><img alt="{escape(alt_text)}" '
        f'src="data:image/svg+xml;base64,{data}"></div>'
    )


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _trend_section(
    db: Marts, team: str, period: ReviewPeriod, rows: pd.DataFrame, rules: Settings
) -> str:
    parts, without = [], []
    # a quarter is drawn month by month (its three months shaded): two or three quarterly points
    # say little about a trend
    months = 3 if period.grain == "quarter" else 1
    shaded = [d.date() for d in pd.date_range(period.start, periods=months, freq="MS")]
    last_month = shaded[-1]
    for row in rows.itertuples():
        series = queries.kpi_series(db, team, row.kpi_id, "month", last_month)
        if series["value"].isna().all():
            without.append(row.kpi_name)  # an empty chart would only show the targets
            continue
        chart = trend_chart(
            series,
            row.unit,
            reference_frame(row),
            "month",
            shaded,
            small_flags(series, row.aggregation, rules.min_sample_size),
        )
        sized = {
            **chart,
            "width": 820,
            "height": 190,
            "title": label_with_unit(row.kpi_name, row.unit),
        }
        parts.append(_svg(sized, f"{row.kpi_name} per month"))
    if without:
        parts.append(
            f"<p class='note'>No monthly values up to the end of {escape(period.label)}: "
            f"{escape(', '.join(without))}.</p>"
        )
    return "".join(parts)


def build_report(marts: Path, team: str, period_text: str) -> str:
    """The report's HTML for one team and period."""
    period = parse_period(period_text)
    rules = settings()
    with Marts(marts) as db:
        choices = queries.review_choices(db, period.grain)
        names = choices.team_names
        if team not in names:
            raise ReportError(
                f"--team {team!r} is not in the marts; choose one of: {', '.join(names)}"
            )
        known = {pd.Timestamp(s).date() for s in choices.periods["period_start"]}
        if period.start not in known:
            raise ReportError(
                f"--period {period_text!r}: the marts have no values for {period.label}; "
                f"they cover {', '.join(period_label(period.grain, s) for s in sorted(known))}"
            )
        everyone = assess(
            queries.period_scorecard(db, period.grain, period.start, rules.baseline_months), rules
        )
        rows = everyone[everyone["team_key"] == team].reset_index(drop=True)
        active = rows[rows["is_active"].astype(bool)].head(5)
        dora = rows.set_index("kpi_id").loc[list(queries.DORA_KPIS)].reset_index()
        trends = _trend_section(db, team, period, active, rules)
        # a DORA metric that is an active KPI is already drawn under Trends
        dora_trends = _trend_section(
            db, team, period, dora[~dora["kpi_id"].isin(active["kpi_id"])], rules
        )
        pairs = judge_pairs(
            queries.alignment_pairs(db, team, 0),
            rules.alignment_min_points,
            rules.alignment_min_abs_r,
        )
        built = pd.Timestamp(db.identity[2], unit="ns")
    with_data = pairs[pairs["has_outcome"]]
    without = pairs[~pairs["has_outcome"]]
    complete = bool(rows["is_complete"].dropna().all())
    title = f"{names[team]}: engineering review {period.label}"
    return "".join(
        [
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
            f"<title>{escape(title)}</title>",
            PAGE_CSS,
            CARD_CSS,
            "</head><body>",
            f"<h1>{escape(title)}</h1>",
            f"<p class='meta'>From the kpibridge marts built {built:%Y-%m-%d %H:%M} UTC. "
            f"Baseline: {escape(baseline_words(period.grain, rules.baseline_months))}. "
            f"Values from fewer than {rules.min_sample_size} events are greyed (n too small)."
            + ("" if complete else f" {escape(period.label)} is still in progress.")
            + "</p>",
            "<h2>Scorecard: active KPIs</h2>",
            cards_html(active, rules.min_sample_size),
            _table(scorecard_table(active)),
            f"<p class='note'>{escape(TARGET_LEGEND)}</p>",
            "<h2>Trends</h2>",
            f"<p class='note'>Per month up to the end of {escape(period.label)} (shaded); "
            "each point shows its n; grey points rest on too few events. Reference lines: "
            f"baseline for {escape(period.label)} and the team's targets.</p>",
            trends,
            "<h2>DORA view</h2>",
            cards_html(dora, rules.min_sample_size),
            dora_trends,
            "<h2>Business alignment</h2>",
            f"<p class='note'>Evidence needs |r| &ge; {rules.alignment_min_abs_r:.2f}, "
            f"n &ge; {rules.alignment_min_points} paired months and the expected sign; "
            "correlation is not causation.</p>",
            _table(with_data[["Goal", "Driver (KPI)", "Outcome", "Verdict", "Why"]])
            if not with_data.empty
            else "<p>No outcome data for this team: no pair can be assessed.</p>",
            f"<p class='note'>{len(without)} goal pairs have no outcome data for this team: "
            + escape(
                ", ".join(
                    f"{a} → {b}"
                    for a, b in zip(without["Driver (KPI)"], without["Outcome"], strict=True)
                )
            )
            + "</p>"
            if not without.empty
            else "",
            "<h2>All KPIs</h2>",
            _table(scorecard_table(rows)),
            "</body></html>",
        ]
    )


def write_report(marts: Path, team: str, period_text: str, out: Path) -> Path:
    html = build_report(marts, team, period_text)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
