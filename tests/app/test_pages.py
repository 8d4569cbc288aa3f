"""Every app page rendered with AppTest against built marts: shown values are the marts' values."""

from __future__ import annotations

import math
import os
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app.data import card_value, format_value, value_with_evidence
from tests.app.conftest import APP_DIR, PAGES


def open_page(page: str, team: str | None = None, grain: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP_DIR / page), default_timeout=60).run()
    assert not at.exception, at.exception
    if team:
        at.selectbox(key="_widget_team").set_value(team).run()
    if grain:
        at.selectbox(key="_widget_grain").set_value(grain).run()
    assert not at.exception, at.exception
    return at


def mart(path: Path, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).df()


def frame(at: AppTest, column: str, nth: int = 0) -> pd.DataFrame:
    """The nth rendered dataframe that has `column`."""
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(frames) > nth, f"no dataframe #{nth} with column {column!r}"
    return frames[nth]


def cards(at: AppTest) -> dict[str, str]:
    """Metric card values by KPI name (a long unit is moved into the label in brackets)."""
    return {m.label.split(" (")[0]: m.value for m in at.metric}


def card(value: Any, unit: str) -> str:
    return card_value(value, unit)[0]


def text(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "warning", "success", "info", "error")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def same(a: Any, b: Any) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def active_rows(path: Path, team: str) -> pd.DataFrame:
    return mart(
        path,
        "select * from kpi_scorecard where team_key = ? and is_active "
        "order by kind, business_goal, kpi_name",
        [team],
    )


# --- Home / Scorecard -----------------------------------------------------------------------


def test_home_shows_organisation_kpis_and_teams(marts: Path) -> None:
    at = open_page("Home.py")
    expected = active_rows(marts, "organisation")
    shown = cards(at)
    assert len(shown) == len(expected) <= 5
    for r in expected.itertuples():
        assert shown[r.kpi_name] == card(r.value, r.unit)
    glance = frame(at, "Active KPIs")
    counts = mart(
        marts,
        "select team_key, count(*) as n, count(*) filter (where short_term_met) as met "
        "from kpi_scorecard where is_active group by team_key",
    ).set_index("team_key")
    names = mart(marts, "select team_key, team_name from teams").set_index("team_name")
    for r in glance.itertuples():
        key = "organisation" if r.Team == "Whole organisation" else names.loc[r.Team, "team_key"]
        assert r._2 == counts.loc[key, "n"]
        assert r._3 == counts.loc[key, "met"]


@pytest.mark.parametrize("team", ["checkout", "mobile"])
def test_scorecard_values_evidence_and_rollup(marts: Path, team: str) -> None:
    at = open_page("pages/1_Scorecard.py", team=team)
    expected = active_rows(marts, team)
    table = frame(at, "Value (evidence)")
    assert sorted(table["KPI"]) == sorted(expected["kpi_name"])
    by_name = table.set_index("KPI")
    for r in expected.itertuples():
        shown = by_name.loc[r.kpi_name]
        assert shown["Value (evidence)"] == value_with_evidence(
            r.value, r.unit, r.numerator, r.denominator, r.sample_size, r.null_reason
        )
        if pd.isna(r.value):
            # NULL is "no data" with its reason, never 0.
            assert shown["Value (evidence)"] == f"no data ({r.null_reason})"
        else:
            assert str(int(r.sample_size)) in shown["Sample size"].replace(",", "")
            assert r.trend in shown["Trend"]
        assert shown["Baseline (prev. 3 months)"] == format_value(r.baseline, r.unit)
        if not pd.isna(r.short_term_target):
            met = (
                "not assessed"
                if pd.isna(r.short_term_met)
                else ("met" if r.short_term_met else "not met")
            )
            assert shown["Short-term target"].endswith(f": {met}")
        assert shown["DORA tier"] == ("" if pd.isna(r.dora_tier) else r.dora_tier)
    rollup = frame(at, "Value (evidence)", nth=1)
    assert sorted(rollup["KPI"]) == sorted(active_rows(marts, "organisation")["kpi_name"])


def test_scorecard_null_value_is_no_data(marts: Path) -> None:
    nulls = mart(
        marts,
        "select team_key, kpi_name, null_reason from kpi_scorecard where value is null limit 1",
    )
    if nulls.empty:
        pytest.skip("no NULL KPI value in this build")
    team, name, reason = nulls.iloc[0]
    at = open_page("pages/1_Scorecard.py", team=team)
    cells = pd.concat([d.value for d in at.dataframe if "Value (evidence)" in d.value.columns])
    cell = cells.set_index("KPI").loc[name, "Value (evidence)"]
    assert cell == f"no data ({reason})"


def test_filters_are_shared_across_pages(marts: Path) -> None:
    at = open_page("Home.py", team="payments", grain="quarter")
    at.switch_page("pages/1_Scorecard.py").run()
    assert not at.exception
    assert at.selectbox(key="_widget_team").value == "payments"
    assert at.selectbox(key="_widget_grain").value == "quarter"
    assert any(h.value.startswith("Payments: active KPIs") for h in at.subheader)


# --- Trends ---------------------------------------------------------------------------------


def test_trends_series_matches_kpi_values(marts: Path) -> None:
    at = open_page("pages/2_Trends.py", team="checkout", grain="week")
    at.selectbox(key="_widget_kpi").set_value("change_failure_rate").run()
    assert not at.exception
    expected = mart(
        marts,
        "select * from kpi_values where team_key = 'checkout' and kpi_id = 'change_failure_rate' "
        "and grain = 'week' order by period_start",
    )
    shown = frame(at, "Shown as")
    assert len(shown) == len(expected) > 0
    for got, want in zip(shown.itertuples(), expected.itertuples(), strict=True):
        assert pd.Timestamp(got._1) == pd.Timestamp(want.period_start)
        assert same(got.Value, want.value)
    targets = mart(
        marts,
        "select short_term_target from kpi_targets "
        "where team_key = 'checkout' and kpi_id = 'change_failure_rate'",
    )
    if not targets.empty:
        assert f"Short-term target {format_value(targets.iloc[0, 0], 'pct')}" in text(at)
    baseline = mart(
        marts,
        "select baseline from kpi_scorecard "
        "where team_key = 'checkout' and kpi_id = 'change_failure_rate'",
    ).iloc[0, 0]
    if not pd.isna(baseline):
        assert f"Baseline (prev. 3 months) {format_value(baseline, 'pct')}" in text(at)
    assert any(b.proto.label.startswith("Download chart data") for b in _downloads(at))


def _downloads(at: AppTest) -> list[Any]:
    return list(at.get("download_button"))


# --- Delivery flow --------------------------------------------------------------------------


def test_delivery_flow_stages_cycle_time_and_say_do(marts: Path) -> None:
    at = open_page("pages/3_Delivery_flow.py", team="platform")
    flow = mart(
        marts,
        "select * from lead_time_bottlenecks where team_key = 'platform' and grain = 'month' "
        "order by period_start",
    )
    stages = frame(at, "Bottleneck")
    assert list(stages["Bottleneck"]) == list(flow["bottleneck_stage"])
    for got, want in zip(stages["Review (median h)"], flow["review_hours_p50"], strict=True):
        assert same(got, want)
    assert f"most time in **{flow.iloc[-1]['bottleneck_stage']}" in text(at)

    cycle = mart(
        marts,
        "select value from kpi_values where team_key = 'platform' and kpi_id = 'jira_cycle_time' "
        "and grain = 'month' order by period_start",
    )
    shown = frame(at, "Shown as", nth=0)
    assert all(same(a, b) for a, b in zip(shown["Value"], cycle["value"], strict=True))

    sprints = mart(
        marts,
        "select sprint_name, say_do_ratio from sprints where team_key = 'platform' "
        "order by start_at, team_key",
    )
    shown_sprints = frame(at, "say_do_ratio")
    assert list(shown_sprints["sprint_name"]) == list(sprints["sprint_name"])
    assert all(
        same(a, b)
        for a, b in zip(shown_sprints["say_do_ratio"], sprints["say_do_ratio"], strict=True)
    )


# --- Reliability ----------------------------------------------------------------------------


def test_reliability_metrics_and_failed_deployments(marts: Path) -> None:
    at = open_page("pages/4_Reliability.py", team="payments")
    kpis = mart(
        marts,
        "select kpi_name, value, unit from kpi_scorecard where team_key = 'payments' and kpi_id in "
        "('incident_count','mttr','mtta','mttd','change_failure_rate',"
        "'failed_deployment_recovery_time','availability','downtime_cost')",
    )
    shown = cards(at)
    assert len(kpis) == 8
    for r in kpis.itertuples():
        assert shown[r.kpi_name] == card(r.value, r.unit)

    failed = mart(
        marts,
        "select d.deployment_key, i.incident_id, i.link_rule from incidents i "
        "join deployments d on i.linked_deployment_key = d.deployment_key "
        "where d.team_key = 'payments' order by d.deployed_at desc",
    )
    table = frame(at, "How it was linked")
    assert len(table) == len(failed) > 0
    assert set(zip(table["Deployment"], table["Incident"], table["Link rule"], strict=True)) == set(
        zip(failed["deployment_key"], failed["incident_id"], failed["link_rule"], strict=True)
    )
    incidents = mart(marts, "select count(*) from incidents where team_key = 'payments'")
    assert len(frame(at, "Caused by deployment")) == incidents.iloc[0, 0]


# --- Business alignment ---------------------------------------------------------------------


def test_alignment_matches_mart_and_warns(marts: Path) -> None:
    at = open_page("pages/5_Business_alignment.py", team="checkout")
    rows = mart(
        marts,
        "select * from kpi_alignment where team_key = 'checkout' and lag_months = 0 "
        "order by business_goal, kpi_id, outcome_measure",
    )
    table = frame(at, "Paired months (n)")
    assert len(table) == len(rows) > 0
    assert list(table["Paired months (n)"]) == list(rows["n_points"])
    assert all(same(a, b) for a, b in zip(table["r"], rows["correlation"], strict=True))
    unclaimed = int((~rows["correlation_claimed"]).sum())
    if unclaimed:
        assert f"Too few data points to claim anything for {unclaimed} of {len(rows)}" in text(at)
        assert "not claimed" in " ".join(table["Correlation"])
    at.radio(key="alignment_lag").set_value(2).run()
    assert not at.exception
    assert set(frame(at, "Lag (months)")["Lag (months)"]) == {2}


# --- Glossary -------------------------------------------------------------------------------


def test_glossary_lists_and_searches(marts: Path) -> None:
    at = open_page("pages/6_Glossary.py")
    terms = mart(marts, "select name, formula from kpi_glossary")
    table = frame(at, "Formula")
    assert sorted(table["KPI"]) == sorted(terms["name"])
    assert dict(zip(table["KPI"], table["Formula"], strict=True)) == dict(
        zip(terms["name"], terms["formula"], strict=True)
    )
    at.text_input(key="glossary_q").input("incident").run()
    found = frame(at, "Formula")
    assert 0 < len(found) < len(terms)
    # Search text is a bound parameter: quotes are just characters, not SQL.
    at.text_input(key="glossary_q").input("'; drop table kpi_glossary; --").run()
    assert not at.exception
    assert frame(at, "Formula").empty


# --- Data health ----------------------------------------------------------------------------


def test_data_health_counts_and_findings(marts: Path) -> None:
    at = open_page("pages/7_Data_health.py")
    counts = frame(at, "Table").set_index("Table")["Rows"]
    for table in ("kpi_values", "kpi_scorecard", "incidents", "deployments", "source_loads"):
        assert counts[table] == mart(marts, f"select count(*) from {table}").iloc[0, 0]
    sources = frame(at, "Raw tables").set_index("Source")
    loads = mart(
        marts, "select source_system, sum(row_count) as n from source_loads group by 1"
    ).set_index("source_system")
    for source, row in loads.iterrows():
        assert sources.loc[source, "Rows"] == row["n"]
    findings = mart(marts, "select count(*) from data_quality_findings").iloc[0, 0]
    if findings:
        assert f"{findings} findings" in text(at)
    else:
        assert "No data-quality findings" in text(at)


# --- robustness -----------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_missing_marts_says_what_to_run(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPIBRIDGE_MARTS", str(tmp_path / "nothing-here.duckdb"))
    at = AppTest.from_file(str(APP_DIR / page), default_timeout=60).run()
    assert not at.exception
    assert "uv run kpibridge demo" in text(at)
    assert "uv run kpibridge build" in text(at)
    assert not (tmp_path / "nothing-here.duckdb").exists()  # read-only: never created


def test_empty_marts_says_what_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    monkeypatch.setenv("KPIBRIDGE_MARTS", str(empty))
    at = AppTest.from_file(str(APP_DIR / "Home.py"), default_timeout=60).run()
    assert not at.exception
    assert "uv run kpibridge demo" in text(at)


def test_rebuilt_file_is_picked_up(marts: Path, tmp_path: Path) -> None:
    """A build replaces the file with os.replace; the next rerun shows the new values."""
    at = open_page("Home.py")
    row = active_rows(marts, "organisation").iloc[0]
    assert cards(at)[row["kpi_name"]] == card(row["value"], row["unit"])
    rebuilt = tmp_path / "rebuilt.duckdb"
    shutil.copy(marts, rebuilt)
    with duckdb.connect(str(rebuilt)) as con:
        con.execute(
            "update kpi_scorecard set value = 12345 where team_key = 'organisation' and kpi_id = ?",
            [row["kpi_id"]],
        )
    os.replace(rebuilt, marts)
    at.run()
    assert not at.exception
    assert cards(at)[row["kpi_name"]] == card(12345, row["unit"])
