"""Streamlit glue: one marts snapshot per render, the friendly stop, the shared period filters.

Every page starts with `page()`: it opens the render's snapshot (app.marts.Marts), stops with the
command to run when the marts are missing or damaged, and draws the sidebar filters (team, grain
and the review period) that every card, table and chart of every page follows.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, NoReturn

import pandas as pd
import streamlit as st

from app import queries
from app.format import period_label
from app.marts import BUILD_COMMAND, DEMO_COMMAND, FileIdentity, Marts, MartsUnavailable
from app.settings import Settings, settings

GRAIN_WORDS = {"month": "Month", "quarter": "Quarter", "week": "Week"}


class MartsRebuilt(MartsUnavailable):
    """The file was replaced during this render: render again on the new build."""


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached(
    path: str, identity: FileIdentity, sql: str, params: tuple[Any, ...], _db: Marts
) -> pd.DataFrame:
    # path and identity are the cache key: a rebuilt file gets new results.
    del path, identity
    return _db.run(sql, params)


def _through_cache(
    path: str, identity: FileIdentity, sql: str, params: tuple[Any, ...], db: Marts
) -> pd.DataFrame:
    try:
        return _cached(path, identity, sql, params, db)
    except MartsUnavailable as exc:
        if "just rebuilt" in str(exc):
            st.rerun()
        stop_with_problem(str(exc))


def stop_with_problem(problem: str) -> NoReturn:
    """The friendly panel: what is wrong with the marts and the command that fixes it."""
    st.title("No KPI data to show")
    st.error(problem)
    st.markdown(
        "Build the KPI marts, then reload this page:\n\n"
        f"- a demo on simulated data: `{DEMO_COMMAND}`\n"
        f"- your own ingested data: `{BUILD_COMMAND}`\n\n"
        "The app reads the file named by the `KPIBRIDGE_MARTS` environment variable "
        "(default `data/marts.duckdb`)."
    )
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover


def open_marts() -> Marts:
    """This render's snapshot, or the friendly stop."""
    try:
        return Marts(cache=_through_cache)
    except MartsUnavailable as exc:
        stop_with_problem(str(exc))


@dataclass(frozen=True)
class Context:
    """What a page needs: the snapshot, the rules and the selected team and period."""

    db: Marts
    settings: Settings
    team: str
    team_name: str
    team_names: dict[str, str]
    grain: str
    period_start: date
    period_end: date
    period_complete: bool
    tables: frozenset[str]  # the marts file's tables (per-item marts may be withheld)

    @property
    def period(self) -> str:
        return period_label(self.grain, self.period_start)

    @property
    def period_words(self) -> str:
        """'2026-Q3 (1 Jul to 30 Sep 2026)'."""
        last = self.period_end - timedelta(days=1)
        span = f"{self.period_start.day} {self.period_start:%b} to {last.day} {last:%b %Y}"
        progress = "" if self.period_complete else ", in progress"
        return f"{self.period} ({span}{progress})"


def _keep(key: str) -> None:
    # Widget state is dropped when a page without the widget runs; a plain key survives.
    st.session_state[key] = st.session_state[f"_widget_{key}"]


def _keep_grain() -> None:
    # a new grain maps the period through its end date (see default_period)
    _keep("grain")
    st.session_state.pop("period", None)


def default_period(
    starts: list[date], complete: list[bool], previous: Any, previous_end: Any
) -> date:
    """The selected period carried over, else the last period of this grain that starts before
    the previous selection ended (September -> 2026-Q3 -> September), else the last complete
    period."""
    if previous in starts:
        return previous
    if isinstance(previous_end, date):
        before = [s for s in starts if s < previous_end]
        if before:
            return before[-1]
    finished = [s for s, done in zip(starts, complete, strict=True) if done]
    return (finished or starts)[-1]


def sidebar(db: Marts) -> Context:
    """Team, grain and review period in the sidebar, kept across pages in st.session_state."""
    state = st.session_state
    if state.get("grain") not in queries.GRAINS:
        state["grain"] = "quarter"
    choices = queries.review_choices(db, state["grain"])
    if choices.scorecard_rows == 0:
        stop_with_problem(f"The marts database at `{db.path}` is empty.")
    names = choices.team_names
    teams = list(names)
    if state.get("team") not in teams:
        state["team"] = queries.ORGANISATION
    with st.sidebar:
        st.header("Review")
        st.selectbox(
            "Team",
            teams,
            index=teams.index(state["team"]),
            format_func=names.__getitem__,
            key="_widget_team",
            on_change=_keep,
            args=("team",),
        )
        st.radio(
            "Grain",
            queries.GRAINS,
            index=queries.GRAINS.index(state["grain"]),
            format_func=GRAIN_WORDS.__getitem__,
            horizontal=True,
            key="_widget_grain",
            on_change=_keep_grain,
        )
        grain = state["grain"]
        periods = choices.periods
        starts = [pd.Timestamp(s).date() for s in periods["period_start"]]
        ends = [pd.Timestamp(s).date() for s in periods["period_end"]]
        complete = [bool(c) for c in periods["is_complete"]]
        if not starts:
            stop_with_problem(f"The marts at `{db.path}` have no {grain} periods.")
        state["period"] = default_period(
            starts, complete, state.get("period"), state.get("period_end")
        )
        # the widget shows the kept period (it may hold a date of the previous grain)
        state["_widget_period"] = state["period"]
        labels = {
            s: period_label(grain, s) + ("" if done else " (in progress)")
            for s, done in zip(starts, complete, strict=True)
        }
        st.selectbox(
            "Review period",
            starts[::-1],
            format_func=labels.__getitem__,
            key="_widget_period",
            on_change=_keep,
            args=("period",),
            help="Every card, table and chart on every page shows this period; "
            "charts show the periods up to it.",
        )
        chosen = starts.index(state["period"])
        state["period_end"] = ends[chosen]
        st.caption(
            f"Marts built {pd.Timestamp(db.identity[2], unit='ns'):%Y-%m-%d %H:%M} (file time)"
        )
    return Context(
        db=db,
        settings=settings(),
        team=state["team"],
        team_name=names[state["team"]],
        team_names=names,
        grain=grain,
        period_start=starts[chosen],
        period_end=ends[chosen],
        period_complete=complete[chosen],
        tables=choices.tables,
    )


@cache
def _freeze_loaded_objects() -> None:
    """Python's full garbage collection walks every object the process holds: with Streamlit,
    pandas, DuckDB and the Vega-Lite schema loaded, ~50 ms, paid by whichever render triggers
    one. What is loaded by the first render (after its page's imports) lives as long as the
    process, so it is frozen out of collections once."""
    gc.freeze()


def page(title: str, intro: str) -> Context:
    """Common page start: config, the friendly stop, the shared filters, the title."""
    _freeze_loaded_objects()
    st.set_page_config(page_title=f"{title} · kpibridge", layout="wide")
    db = open_marts()
    context = sidebar(db)
    st.title(title)
    st.caption(intro)
    return context


def withheld(ctx: Context, table: str, what: str) -> bool:
    """True, with a note, when the build left the per-item mart `table` out of the marts file."""
    if table in ctx.tables:
        return False
    st.info(
        f"{what} are not published by this installation: the build withholds the per-item "
        "marts (var publish_item_marts = false, see SECURITY.md). The KPI values keep their "
        "evidence counts."
    )
    return True


def csv_download(frame: pd.DataFrame, label: str, file_stem: str) -> None:
    """A CSV of exactly the rows a chart or table shows, written when it is clicked (writing
    every table's CSV on every render cost more than drawing the table)."""
    st.download_button(
        f"Download {label} (CSV)",
        lambda: frame.to_csv(index=False).encode("utf-8"),
        file_name=f"{file_stem}.csv",
        mime="text/csv",
        key=f"download_{file_stem}",
    )
