"""Data access and formatting for the kpibridge app.

The app reads only the published marts file. Every query opens its own read-only connection
because `kpibridge build` swaps the file with os.replace: a long-lived connection would keep
reading the old, unlinked file. Results are cached per (path, mtime) so a new build is picked
up on the next rerun without restarting Streamlit.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

REPO_ROOT = Path(__file__).resolve().parents[1]
ORGANISATION = "organisation"
GRAINS = ("week", "month", "quarter")
DEMO_COMMAND = "uv run kpibridge demo"
BUILD_COMMAND = "uv run kpibridge build"

# unit -> (prefix, suffix) for display; percentages are stored 0-100.
UNIT_LABELS: dict[str, tuple[str, str]] = {
    "pct": ("", " %"),
    "hours": ("", " h"),
    "days": ("", " days"),
    "minutes": ("", " min"),
    "count": ("", ""),
    "ratio": ("", ""),
    "deploys_per_week": ("", " deploys/week"),
    "days_per_week": ("", " days/week"),
    "defects_per_deploy": ("", " defects/deploy"),
    "per_kloc": ("", " per 1,000 lines"),
    "lines": ("", " lines"),
    "currency": ("$", ""),
    "usd": ("$", ""),
    "score": ("", ""),
    "prs_per_contributor_week": ("", " PRs/contributor/week"),
}

# How a numerator/denominator pair reads for a rate unit ("3 of 25" for shares).
RATE_EVIDENCE = {
    "pct": "{n} of {d}",
    "deploys_per_week": "{n} deploys in {d} weeks",
    "days_per_week": "{n} deploy days in {d} weeks",
    "defects_per_deploy": "{n} defects in {d} deploys",
    "prs_per_contributor_week": "{n} PRs in {d} contributor-weeks",
}

TREND_WORDS = {
    "improving": "improving",
    "worsening": "worsening",
    "flat": "flat",
    "unknown": "unknown",
}

GOAL_NAMES = {
    "time_to_market": "Time to market",
    "reliability": "Reliability",
    "cost_efficiency": "Cost efficiency",
    "quality": "Quality",
    "predictability": "Predictability",
    "innovation": "Innovation",
}

STAGE_WORDS = {
    "coding": "coding (first commit to pull request opened)",
    "pickup": "pickup (waiting for the first review)",
    "review": "review (first review to merge)",
    "deploy": "deploy (merge to running in production)",
}

LINK_RULE_WORDS = {
    "explicit_reference": (
        "the incident text names the deployment (its sha, deployment id or a shipped Jira key)"
    ),
    "time_window": (
        "latest deployment of the incident's service within the link window before it opened"
    ),
}


# --- the marts file -------------------------------------------------------------------------


def marts_path() -> Path:
    """The published marts file: $KPIBRIDGE_MARTS, else <repo>/data/marts.duckdb."""
    return Path(os.environ.get("KPIBRIDGE_MARTS", REPO_ROOT / "data" / "marts.duckdb"))


def _mtime_ns(path: Path) -> int:
    return path.stat().st_mtime_ns


def marts_problem() -> str | None:
    """Why the marts cannot be shown (missing, unreadable, empty), or None when they can."""
    path = marts_path()
    if not path.is_file():
        return f"No published marts database at `{path}`."
    try:
        rows = query("select count(*) as n from kpi_scorecard")
    except duckdb.Error as exc:
        return f"The marts database at `{path}` cannot be read ({type(exc).__name__})."
    if rows.empty or int(rows.iloc[0]["n"]) == 0:
        return f"The marts database at `{path}` is empty."
    return None


def require_marts() -> None:
    """Stop the page with instructions instead of a traceback when there is nothing to show."""
    problem = marts_problem()
    if problem is None:
        return
    st.title("No KPI data yet")
    st.error(problem)
    st.markdown(
        "Build the KPI marts first, then reload this page:\n\n"
        f"- a demo on simulated data: `{DEMO_COMMAND}`\n"
        f"- your own ingested data: `{BUILD_COMMAND}`\n\n"
        "The app reads the file named by the `KPIBRIDGE_MARTS` environment variable "
        "(default `data/marts.duckdb`)."
    )
    st.stop()


@st.cache_data(show_spinner=False, max_entries=256)
def _cached_query(path: str, mtime_ns: int, sql: str, params: tuple[Any, ...]) -> pd.DataFrame:
    # mtime_ns is only part of the cache key: a rebuilt file gets new results.
    del mtime_ns
    with duckdb.connect(path, read_only=True) as con:
        return con.execute(sql, list(params)).df()


def query(sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """Run a parameterised query (`?` placeholders) on a fresh read-only connection, cached."""
    path = marts_path()
    return _cached_query(str(path), _mtime_ns(path), sql, tuple(params)).copy()


def marts_modified() -> pd.Timestamp:
    return pd.Timestamp(_mtime_ns(marts_path()), unit="ns")


# --- shared sidebar filters -----------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    team: str
    grain: str
    start: date
    end: date

    @property
    def team_label(self) -> str:
        return team_labels().get(self.team, self.team)


def team_labels() -> dict[str, str]:
    """team_key -> display name, the organisation rollup first."""
    teams = query("select team_key, team_name from teams order by team_name")
    labels = {ORGANISATION: "Whole organisation"}
    labels.update(dict(zip(teams["team_key"], teams["team_name"], strict=True)))
    return labels


def _persist(key: str) -> None:
    # Widget state is dropped when a page without the widget runs; a plain key survives.
    st.session_state[key] = st.session_state[f"_widget_{key}"]


def sidebar_filters() -> Filters:
    """Team, grain and date range in the sidebar, kept across pages in st.session_state."""
    labels = team_labels()
    teams = list(labels)
    span = query("select min(period_start) as lo, max(period_end) as hi from kpi_values")
    lo, hi = span.iloc[0]["lo"], span.iloc[0]["hi"]
    lo = pd.Timestamp(lo).date() if pd.notna(lo) else date.today()
    hi = pd.Timestamp(hi).date() if pd.notna(hi) else date.today()

    state = st.session_state
    if state.get("team") not in teams:
        state["team"] = ORGANISATION
    if state.get("grain") not in GRAINS:
        state["grain"] = "month"
    start, end = state.get("date_range", (lo, hi))
    start, end = max(lo, min(start, hi)), min(hi, max(end, lo))
    state["date_range"] = (start, end)

    with st.sidebar:
        st.header("Filters")
        st.selectbox(
            "Team",
            teams,
            index=teams.index(state["team"]),
            format_func=lambda key: labels[key],
            key="_widget_team",
            on_change=_persist,
            args=("team",),
        )
        st.selectbox(
            "Period grain",
            GRAINS,
            index=GRAINS.index(state["grain"]),
            format_func=str.capitalize,
            key="_widget_grain",
            on_change=_persist,
            args=("grain",),
        )
        st.date_input(
            "Date range (period start)",
            value=(start, end),
            min_value=lo,
            max_value=hi,
            key="_widget_date_range",
            on_change=_persist_range,
        )
        st.caption(f"Marts built {marts_modified():%Y-%m-%d %H:%M} (file time)")
    start, end = state["date_range"]
    return Filters(state["team"], state["grain"], start, end)


def _persist_range() -> None:
    picked = st.session_state["_widget_date_range"]
    # While the user is still picking, the widget holds only the start date.
    if isinstance(picked, tuple | list) and len(picked) == 2:
        st.session_state["date_range"] = (picked[0], picked[1])


# --- formatting -----------------------------------------------------------------------------


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return math.isnan(value)
    except TypeError:
        return False


def format_number(value: Any) -> str:
    """A readable number: thousands separators, fewer decimals the larger it gets."""
    if is_missing(value):
        return "no data"
    x = float(value)
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:.1f}"
    return f"{x:.2g}"


def format_value(value: Any, unit: str | None) -> str:
    """The value with its unit; NULL is 'no data', never 0."""
    if is_missing(value):
        return "no data"
    prefix, suffix = UNIT_LABELS.get(unit or "", ("", f" {unit}" if unit else ""))
    number = format_number(value)
    if unit == "pct" and 99 <= abs(float(value)) < 100:
        # 99.45 % must not read as a met 99.5 % availability target.
        number = f"{float(value):.2f}"
    if number.startswith("-") and prefix:
        return f"-{prefix}{number[1:]}{suffix}"
    return f"{prefix}{number}{suffix}"


def card_value(value: Any, unit: str | None) -> tuple[str, str]:
    """(value, unit note for the label): long units move to the label so cards stay readable."""
    prefix, suffix = UNIT_LABELS.get(unit or "", ("", f" {unit}" if unit else ""))
    if len(suffix.strip()) <= 4:
        return format_value(value, unit), ""
    return format_value(value, "ratio"), suffix.strip()


def evidence(
    value: Any, unit: str | None, numerator: Any, denominator: Any, sample_size: Any
) -> str:
    """What the value was computed from: '3 of 25' for shares, 'a ÷ b' for rates, else n."""
    if is_missing(value):
        return ""
    if not is_missing(numerator) and not is_missing(denominator) and float(denominator) != 0:
        ratio = float(numerator) / float(denominator)
        scale = 100.0 if unit == "pct" else 1.0
        if math.isclose(scale * ratio, float(value), rel_tol=1e-6, abs_tol=1e-9):
            template = RATE_EVIDENCE.get(unit or "", "{n} ÷ {d}")
            return template.format(n=format_number(numerator), d=format_number(denominator))
    if not is_missing(sample_size):
        return f"n = {format_number(sample_size)}"
    return ""


def value_with_evidence(
    value: Any,
    unit: str | None,
    numerator: Any = None,
    denominator: Any = None,
    sample_size: Any = None,
    null_reason: Any = None,
) -> str:
    """'12 % (3 of 25)', '42.0 h (n = 82)' or 'no data (no events in period)'."""
    if is_missing(value):
        reason = "" if is_missing(null_reason) or not null_reason else f" ({null_reason})"
        return f"no data{reason}"
    shown = format_value(value, unit)
    proof = evidence(value, unit, numerator, denominator, sample_size)
    return f"{shown} ({proof})" if proof else shown


def direction_words(direction: str | None) -> str:
    return {"higher_is_better": "higher is better", "lower_is_better": "lower is better"}.get(
        direction or "", direction or ""
    )


def trend_words(trend: Any, direction: str | None, change_pct: Any = None) -> str:
    """'improving (+28 % vs baseline; higher is better)'."""
    word = TREND_WORDS.get(trend, "unknown") if not is_missing(trend) else "unknown"
    details = []
    if not is_missing(change_pct):
        change = round(float(change_pct))  # an int, so never "-0"
        details.append(f"{change:+d} % vs baseline")
    if direction:
        details.append(direction_words(direction))
    return f"{word} ({'; '.join(details)})" if details else word


def target_words(target: Any, met: Any, unit: str | None) -> str:
    if is_missing(target):
        return "none"
    status = "not assessed" if is_missing(met) else ("met" if bool(met) else "not met")
    return f"{format_value(target, unit)}: {status}"


def goal_name(goal: Any) -> str:
    if is_missing(goal):
        return ""
    return GOAL_NAMES.get(str(goal), str(goal).replace("_", " ").capitalize())


# --- shared queries -------------------------------------------------------------------------


def scorecard(team: str) -> pd.DataFrame:
    """All KPIs and signals of one team for the latest complete month, active KPIs first."""
    return query(
        "select * from kpi_scorecard where team_key = ? "
        "order by is_active desc, kind, business_goal, kpi_name",
        [team],
    )


def scorecard_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Scorecard rows in business language, one display string per cell."""
    out = pd.DataFrame(
        {
            "KPI": rows["kpi_name"],
            "Business goal": rows["business_goal"].map(goal_name),
            "Value (evidence)": [
                value_with_evidence(
                    r.value, r.unit, r.numerator, r.denominator, r.sample_size, r.null_reason
                )
                for r in rows.itertuples()
            ],
            "Sample size": ["" if is_missing(n) else format_number(n) for n in rows["sample_size"]],
            "Baseline (prev. 3 months)": [
                format_value(b, u) for b, u in zip(rows["baseline"], rows["unit"], strict=True)
            ],
            "Trend": [
                trend_words(r.trend, r.direction, r.change_vs_baseline) for r in rows.itertuples()
            ],
            "Short-term target": [
                target_words(r.short_term_target, r.short_term_met, r.unit)
                for r in rows.itertuples()
            ],
            "Long-term target": [
                target_words(r.long_term_target, r.long_term_met, r.unit) for r in rows.itertuples()
            ],
            "DORA tier": ["" if is_missing(t) else str(t) for t in rows["dora_tier"]],
            "Owner": rows["owner"].fillna(""),
        }
    )
    return out.reset_index(drop=True)


def kpi_series(team: str, kpi_id: str, grain: str, start: date, end: date) -> pd.DataFrame:
    return query(
        "select * from kpi_values where team_key = ? and kpi_id = ? and grain = ? "
        "and period_start between ? and ? order by period_start",
        [team, kpi_id, grain, start, end],
    )


def glossary() -> pd.DataFrame:
    return query("select * from kpi_glossary order by kind, name")


def csv_download(frame: pd.DataFrame, label: str, file_stem: str) -> None:
    """A CSV of exactly the rows a chart or table shows."""
    st.download_button(
        f"Download {label} (CSV)",
        frame.to_csv(index=False).encode("utf-8"),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"download_{file_stem}",
    )
