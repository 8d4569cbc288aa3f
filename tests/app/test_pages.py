"""Every app page rendered with AppTest on the built demo org, for selected past periods.

Expectations are the literal words a stakeholder reads, worked out by hand from the simulated
org's marts (the arithmetic is in the comments), and cross-checked against the marts' raw
numbers with plain SQL, never with the app's own formatting code.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP_DIR, PAGES
from tests.conftest import Built
from tests.models.test_kpi_seeds import glossary_rows

Q3 = date(2026, 7, 1)
AUGUST, OCTOBER = date(2026, 8, 1), date(2026, 10, 1)
CARD = re.compile(
    r'<div class="kb-card ([^"]*)"><div class="kb-name">(.*?)</div>'
    r'<div class="kb-value">(.*?)</div><div class="kb-evidence">(.*?)</div>'
    r'<div class="kb-chip ([^"]*)">(.*?)</div><div class="kb-line">(.*?)</div>'
)


def open_page(
    page: str, team: str | None = None, grain: str | None = None, period: date | None = None
) -> AppTest:
    at = AppTest.from_file(str(APP_DIR / page), default_timeout=90).run()
    assert not at.exception, at.exception
    if team:
        at.selectbox(key="_widget_team").set_value(team).run()
    if grain:
        at.radio(key="_widget_grain").set_value(grain).run()
    if period:
        at.selectbox(key="_widget_period").set_value(period).run()
    assert not at.exception, at.exception
    return at


def mart(path: Path, sql: str, params: list[Any] | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def cards(at: AppTest) -> dict[str, dict[str, str]]:
    """KPI name -> the words on its card (state and chip are CSS classes)."""
    found = {}
    for element in at.markdown:
        for state, name, value, proof, chip, trend, target in CARD.findall(element.value):
            found[html.unescape(name)] = {
                "state": state.strip(),
                "value": html.unescape(value),
                "evidence": html.unescape(proof),
                "chip": chip.strip(),
                "trend": html.unescape(trend),
                "target": html.unescape(target),
            }
    return found


def text(at: AppTest) -> str:
    kinds = ("markdown", "caption", "warning", "success", "info", "error", "subheader", "title")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def frame(at: AppTest, column: str) -> pd.DataFrame:
    """The first table or dataframe with `column` (a static table's index is a column)."""
    frames = [d.value for d in at.dataframe if column in d.value.columns] + [
        t.value.reset_index() for t in at.table if column in t.value.reset_index().columns
    ]
    assert frames, f"no table with column {column!r}"
    return frames[0]


# --- the review period drives every page ----------------------------------------------------


def test_q3_review_shows_q3_on_the_home_page(marts: Path) -> None:
    at = open_page("Home.py", grain="quarter", period=Q3)
    assert "Whole organisation: active KPIs, 2026-Q3 (1 Jul to 30 Sep 2026)" in text(at)
    shown = cards(at)
    # 386 successful production deployments in the 92 days of Q3 = 386 / 13.142857 weeks
    assert mart(
        marts,
        "select numerator, round(denominator, 6) from kpi_values where team_key = "
        "'organisation' and kpi_id = 'deployment_frequency' and grain = 'quarter' "
        "and period_start = ?",
        [Q3],
    ) == [(386.0, 13.142857)]
    assert shown["Deployment frequency"]["value"] == "29.4 deploys/week"
    assert shown["Deployment frequency"]["evidence"] == "386 deploys in 13.1 weeks; n = 386"
    # 31 failed of 386 deployments = 8.03 %; baseline mean(May 4 of 115 = 3.48, June 5 of 119
    # = 4.20) = 3.84 %: +4.2 points, not +109 %
    assert shown["Change failure rate"]["value"] == "8.0 %"
    assert shown["Change failure rate"]["evidence"] == "31 of 386; n = 386"
    assert shown["Change failure rate"]["trend"] == "worsening: +4.2 pp vs baseline 3.8 %"
    assert shown["Change failure rate"]["chip"] == "bad"
    assert "All teams at a glance, 2026-Q3" in text(at)


def test_platform_q3_cards_and_scorecard(marts: Path) -> None:
    at = open_page("pages/1_Scorecard.py", team="platform", grain="quarter", period=Q3)
    shown = cards(at)
    # automation coverage Q3: 63 of 83 = 75.9 %; baseline mean(May 71.43, Jun 65.52) = 68.5 %
    assert shown["Deployment automation coverage"] == {
        "state": "",
        "value": "75.9 %",
        "evidence": "63 of 83; n = 83",
        "chip": "good",
        "trend": "improving: +7.4 pp vs baseline 68.5 %",
        "target": "short-term target 80 %: not met",
    }
    # MTTA Q3: mean of 12 acknowledgements 15.63 min; baseline mean(May 17.30, Jun 13.30)
    # = 15.3: +2 %, within the flat tolerance
    assert shown["Mean time to acknowledge"]["value"] == "15.6 min"
    assert shown["Mean time to acknowledge"]["evidence"] == "n = 12"
    assert shown["Mean time to acknowledge"]["trend"] == "flat: +2 % vs baseline 15.3 min"
    # no infra cost data for Platform: said with the mart's reason, never 0
    reason = (
        "no value in any period for this team: needs infra_cost and transactions rows in seed "
        "business_outcomes"
    )
    assert shown["Infrastructure cost per transaction"]["value"] == "no data"
    assert shown["Infrastructure cost per transaction"]["evidence"] == f"why: {reason}"
    table = frame(at, "Value (evidence)").set_index("KPI")
    assert table.loc["Mean time to acknowledge", "Value (evidence)"] == "15.6 min (n = 12)"
    # recovery time rests on 3 failed deployments (13.0 h): too small for a tier
    assert table.loc["Failed deployment recovery time", "DORA tier"] == ""
    assert table.loc["Failed deployment recovery time", "Targets (short / long)"] == (
        "24 h ✓ / 1 h ✗"
    )
    assert table.loc["Deployment automation coverage", "Trend vs baseline"] == (
        "improving: +7.4 pp vs 68.5 %"
    )
    assert table.loc["Infrastructure cost per transaction", "Value (evidence)"] == (
        f"no data ({reason})"
    )
    assert "Organisation rollup, 2026-Q3" in text(at)


def test_a_past_month_shows_that_month_not_the_latest(marts: Path) -> None:
    at = open_page("pages/1_Scorecard.py", team="platform", grain="month", period=AUGUST)
    assert "Platform: active KPIs, Aug 2026 (1 Aug to 31 Aug 2026)" in text(at)
    # August: 21 of 27 automated = 77.78 %; baseline mean(May 71.43, Jun 65.52, Jul 65.52)
    # = 67.49 %: +10.29 points
    shown = cards(at)["Deployment automation coverage"]
    assert shown["value"] == "77.8 %"
    assert shown["evidence"] == "21 of 27; n = 27"
    assert shown["trend"] == "improving: +10.3 pp vs baseline 67.5 %"
    assert shown["chip"] == "good"
    # August's two acknowledgements (15.47 min), not the quarter's twelve
    assert cards(at)["Mean time to acknowledge"]["evidence"] == "n = 2, n too small (minimum 5)"


def test_small_sample_is_grey_with_no_trend_colour(marts: Path) -> None:
    at = open_page("Home.py", team="platform", grain="month", period=OCTOBER)
    mtta = cards(at)["Mean time to acknowledge"]
    # two acknowledgements (19.16 min) against mean(Jul 15.30, Aug 15.47, Sep 17.10) = 15.96:
    # +20 %
    assert mtta == {
        "state": "kb-small",
        "value": "19.2 min",
        "evidence": "n = 2, n too small (minimum 5)",
        "chip": "",
        "trend": "n too small: +20 % vs baseline 16.0 min",
        "target": "short-term target 30 min: met",
    }


def test_latest_month_agrees_with_kpi_scorecard(marts: Path) -> None:
    """For the latest complete month the app's judgement equals the mart's, except that a
    small sample loses its trend."""
    at = open_page("pages/1_Scorecard.py", team="payments", grain="month", period=OCTOBER)
    table = frame(at, "Value (evidence)").set_index("KPI")
    rows = mart(
        marts,
        "select kpi_name, trend, dora_tier from kpi_scorecard "
        "where team_key = 'payments' and is_active",
    )
    assert len(rows) == 5
    for name, trend, tier in rows:
        assert table.loc[name, "Trend vs baseline"].split(":")[0] in (trend, "n too small")
        assert table.loc[name, "DORA tier"] == (tier or "")


def test_every_page_follows_the_review_period(marts: Path) -> None:
    at = open_page("Home.py", team="checkout", grain="quarter", period=Q3)
    for page in PAGES[1:]:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert at.selectbox(key="_widget_team").value == "checkout"
        assert at.selectbox(key="_widget_period").value == Q3
        assert "2026-Q3" in text(at) or page.endswith(("Glossary.py", "Data_health.py")), page


def test_grain_change_keeps_the_review_in_place(marts: Path) -> None:
    at = open_page("Home.py", grain="month", period=date(2026, 9, 1))
    at.radio(key="_widget_grain").set_value("quarter").run()
    assert at.selectbox(key="_widget_period").value == Q3
    at.radio(key="_widget_grain").set_value("month").run()
    assert at.selectbox(key="_widget_period").value == date(2026, 9, 1)


# --- pages ----------------------------------------------------------------------------------


def test_trends_kpi_choice_is_per_team(marts: Path) -> None:
    at = open_page("pages/3_Trends.py", team="checkout", grain="quarter", period=Q3)
    at.selectbox(key="_widget_kpi_checkout").set_value("change_failure_rate").run()
    # checkout Q3: 5 failed of 93 deployments
    assert "**2026-Q3:** 5.4 % (5 of 93) — " in text(at)
    shown = frame(at, "Shown as")
    assert list(shown["Quarter"]) == ["2026-Q2", "2026-Q3"]  # nothing after the review period
    at.selectbox(key="_widget_team").set_value("mobile").run()
    # not checkout's choice: mobile's first active KPI, as on its scorecard
    assert at.selectbox(key="_widget_kpi_mobile").value == "innovation_time"


def test_dora_overview_compares_teams(marts: Path) -> None:
    at = open_page("pages/2_DORA_overview.py", grain="quarter", period=Q3)
    table = frame(at, "Change failure rate").set_index("Team")
    # payments: 20 failed of 120 = 16.7 %, above 15 %: low; mobile 3 of 90 = 3.3 %: elite
    assert table.loc["Payments", "Change failure rate"] == "16.7 % (n = 120) low"
    assert table.loc["Mobile", "Change failure rate"] == "3.3 % (n = 90) elite"
    # mobile's recovery time rests on three failures: no tier
    assert table.loc["Mobile", "Failed deployment recovery time"] == "22.1 h (n = 3, too small)"
    assert list(table.index) == ["Whole organisation", "Checkout", "Mobile", "Payments", "Platform"]


def test_delivery_flow_for_the_period(marts: Path) -> None:
    at = open_page("pages/4_Delivery_flow.py", grain="quarter", period=Q3)
    words = text(at)
    assert "24 sprints delivered **146 of 203** committed issues (71.9 %)" in words
    sprints = frame(at, "Say/do (%)")
    assert len(sprints) == 24
    assert sprints["Say/do (%)"].max() <= 100  # one bar per sprint, never teams stacked
    (changes,) = mart(
        marts,
        "select count(*) from changes where deployed_at >= ? and deployed_at < ?",
        [Q3, OCTOBER],
    )[0]
    assert f"**Lead time for changes** (n = {changes:,} changes shipped)" in words
    # the bottleneck rests on the changes with every stage measured (reviewed ones)
    (measured,) = mart(
        marts,
        "select changes from lead_time_bottlenecks "
        "where team_key = 'organisation' and grain = 'quarter' and period_start = ?",
        [Q3],
    )[0]
    # every change shipped in Q3 had a review: no "others" to explain
    assert measured == changes == 669
    assert "(n = 669 changes with all four stages measured)." in words
    assert "the others had no review" not in words


def test_reliability_lists_the_period_incidents(marts: Path) -> None:
    at = open_page("pages/5_Reliability.py", grain="quarter", period=Q3)
    (opened, linked) = mart(
        marts,
        "select count(*), count(link_rule) from incidents where created_at >= ? and created_at < ?",
        [Q3, OCTOBER],
    )[0]
    assert (opened, linked) == (55, 34)
    assert "**55** incidents opened in 2026-Q3, **34** linked to a production deployment." in (
        text(at)
    )
    table = frame(at, "How it was linked")
    assert len(table) == 55
    # the linked deployment named as `repo @ short sha`, the same words as on Drill-down
    caused = mart(
        marts,
        "select d.repo || ' @ ' || left(d.sha, 7) from incidents as i "
        "inner join deployments as d on d.deployment_key = i.linked_deployment_key "
        "where i.created_at >= ? and i.created_at < ?",
        [Q3, OCTOBER],
    )
    named = table["Caused by deployment"]
    assert sorted(named[named != "not linked"]) == sorted(c for (c,) in caused)
    assert (named == "not linked").sum() == 55 - 34


def test_alignment_claims_only_with_evidence(marts: Path) -> None:
    # platform: its reliability story drives churn and CSAT; a wrong sign is in test_format
    at = open_page("pages/6_Business_alignment.py", team="platform")
    table = frame(at, "Verdict").set_index("Driver (KPI)")
    assert table.loc["Availability", "Verdict"] == "evidence"
    assert table.loc["Availability", "Why"] == "r = -0.83 over 6 months, the expected sign"
    assert table.loc["Change failure rate", "Verdict"] == "no evidence"
    assert table.loc["Change failure rate", "Why"] == "r = -0.45 over 6 months, weaker than ±0.50"
    assert table.loc["Bug recurrence rate", "Why"] == "only 5 paired months (minimum 6)"
    assert table.loc["Review coverage", "Why"] == "the KPI or the outcome did not vary"
    assert "3 of 7 pairs with outcome data show evidence" in text(at)
    assert "13 pairs without outcome data for Platform" in text(at)
    # the default pair has data: the first evidence pair
    assert at.selectbox(key="pair").value is not None
    assert table.loc["Availability", "Outcome (expected move)"] == "Churn rate ↓"


def test_drill_down_links_to_the_sources(marts: Path) -> None:
    at = open_page("pages/7_Drill_down.py", team="payments", grain="quarter", period=Q3)
    deployments = frame(at, "Changes shipped")
    (count,) = mart(
        marts,
        "select count(*) from deployments where team_key = 'payments' and "
        "is_successful_production and deployed_at >= ? and deployed_at < ?",
        [Q3, OCTOBER],
    )[0]
    assert len(deployments) == count == 120
    assert (
        deployments["Open"].str.match(r"^https://github\.com/[\w-]+/payments-[\w-]+/commit/").all()
    )
    changes = frame(at, "Pull request")
    assert changes["Open"].str.match(r"^https://github\.com/.+/pull/\d+$").all()
    assert not {"Title", "title", "Author", "author"} & set(changes.columns)
    incidents = frame(at, "Caused by")
    assert incidents["Open"].str.startswith("https://acme-sim.pagerduty.com/incidents/").all()
    linked = incidents["Link rule"] != ""
    assert incidents.loc[linked, "Caused by"].str.fullmatch(r"[\w.-]+ @ [0-9a-f]{7}").all()
    assert (incidents.loc[~linked, "Caused by"] == "").all()
    # Jira: <site>/browse/<KEY>, the site from the REST address (the simulator's)
    items = frame(at, "Cycle time (days)")
    assert len(items) > 0
    assert (
        items["Open"]
        == items["Open"].str.extract(r"^(http://127\.0\.0\.1:\d+)/")[0]
        + "/browse/"
        + items["Issue"]
    ).all()
    assert items["Issue"].str.startswith("PAY-").all()


def test_item_lists_can_be_switched_off(marts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.settings import settings

    monkeypatch.setenv("KPIBRIDGE_ITEM_LISTS", "off")
    settings.cache_clear()
    try:
        at = open_page("pages/7_Drill_down.py")
        assert "Item lists are switched off for this installation (KPIBRIDGE_ITEM_LISTS=off)" in (
            text(at)
        )
        assert not at.dataframe
    finally:
        settings.cache_clear()


def test_glossary_lists_and_searches(marts: Path) -> None:
    at = open_page("pages/8_Glossary.py")
    table = frame(at, "Formula")
    kpis = len(glossary_rows())
    assert len(table) == mart(marts, "select count(*) from kpi_glossary")[0][0] == kpis
    at.text_input(key="glossary_q").input("incident").run()
    assert 0 < len(frame(at, "Formula")) < kpis
    at.text_input(key="glossary_q").input("'; drop table kpi_glossary; --").run()
    assert not at.exception
    assert frame(at, "Formula").empty


def test_data_health_covers_the_team(marts: Path) -> None:
    at = open_page("pages/9_Data_health.py", team="mobile")
    cover = frame(at, "First event (UTC)").set_index("Data")
    (first, last, n) = mart(
        marts,
        "select min(created_at)::date::varchar, max(created_at)::date::varchar, count(*) "
        "from incidents where team_key = 'mobile'",
    )[0]
    assert cover.loc["Incidents (PagerDuty)", "First event (UTC)"] == first
    assert cover.loc["Incidents (PagerDuty)", "Last event (UTC)"] == last
    assert cover.loc["Incidents (PagerDuty)", "Events"] == n
    counts = frame(at, "Table").set_index("Table")["Rows"]
    assert counts["kpi_values"] == mart(marts, "select count(*) from kpi_values")[0][0]


# --- robustness: one snapshot, friendly panel -----------------------------------------------


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


@pytest.mark.parametrize("damage", ["empty", "truncated", "corrupted", "not duckdb"])
def test_damaged_marts_show_the_panel_not_a_traceback(
    damage: str, built_marts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "marts.duckdb"
    data = built_marts.read_bytes()
    if damage == "empty":
        duckdb.connect(str(broken)).close()
    elif damage == "truncated":
        broken.write_bytes(data[: len(data) // 3])
    elif damage == "corrupted":
        middle = len(data) // 2
        broken.write_bytes(data[:middle] + b"\xff" * 65536 + data[middle + 65536 :])
    else:
        broken.write_text("<html>proxy error</html>")
    monkeypatch.setenv("KPIBRIDGE_MARTS", str(broken))
    for page in PAGES:
        at = AppTest.from_file(str(APP_DIR / page), default_timeout=60).run()
        assert not at.exception, (damage, page, at.exception)
        words = text(at)
        if damage in ("empty", "truncated", "not duckdb"):
            assert "uv run kpibridge build" in words, (damage, page)


def test_one_connection_per_render(marts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.marts import _Attachments

    opened: list[str] = []
    real_attach = _Attachments._attach

    def counting_attach(self: _Attachments, path: str) -> str:
        opened.append(path)
        return real_attach(self, path)

    monkeypatch.setattr(_Attachments, "_attach", counting_attach)
    for page in PAGES:
        # a fresh copy is a new file identity: every query of the render misses the cache
        fresh = marts.parent / f"fresh_{page.replace('/', '_')}.duckdb"
        shutil.copy(marts, fresh)
        monkeypatch.setenv("KPIBRIDGE_MARTS", str(fresh))
        opened.clear()
        at = AppTest.from_file(str(APP_DIR / page), default_timeout=60).run()
        assert not at.exception
        assert opened == [str(fresh)], page
    # the same build, other queries (another team): the attached file is reused, not reopened
    opened.clear()
    at.selectbox(key="_widget_team").set_value("platform").run()
    assert not at.exception
    assert opened == []


def test_rebuilt_file_is_picked_up(marts: Path, tmp_path: Path) -> None:
    """A build replaces the file with os.replace; the next rerun shows the new values."""
    at = open_page("Home.py", grain="quarter", period=Q3)
    assert cards(at)["Deployment frequency"]["value"] == "29.4 deploys/week"
    rebuilt = tmp_path / "rebuilt.duckdb"
    shutil.copy(marts, rebuilt)
    with duckdb.connect(str(rebuilt)) as con:
        con.execute(
            "update kpi_values set value = 12345 where team_key = 'organisation' "
            "and kpi_id = 'deployment_frequency' and grain = 'quarter' and period_start = ?",
            [Q3],
        )
    os.replace(rebuilt, marts)
    at.run()
    assert not at.exception
    assert cards(at)["Deployment frequency"]["value"] == "12,345 deploys/week"


WITHHELD_PAGES = {
    "pages/4_Delivery_flow.py": [
        "Lead-time distributions",
        "Cycle-time distributions",
        "The investment mix (read from work items)",
    ],
    "pages/5_Reliability.py": ["Incident lists"],
    "pages/7_Drill_down.py": [
        "Deployment lists",
        "Change lists",
        "Incident lists",
        "Work-item lists",
    ],
    "pages/9_Data_health.py": ["Coverage dates", "Data-quality findings"],
}


def test_pages_without_the_per_item_marts(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """publish_item_marts = false: the marts file has no per-item mart, and the pages that
    list items say so instead of failing; the KPI pages are unchanged."""
    from ingestion.build import publish_marts

    marts = tmp_path / "marts.duckdb"
    tables = publish_marts(built.warehouse, marts, item_marts=False)
    withheld = {"changes", "deployments", "incidents", "work_items", "data_quality_findings"}
    assert withheld.isdisjoint(tables)
    assert {"kpi_values", "kpi_scorecard", "sprints", "lead_time_bottlenecks"} <= set(tables)
    monkeypatch.setenv("KPIBRIDGE_MARTS", str(marts))
    for page in PAGES:
        at = open_page(page, "checkout", "quarter", Q3)
        words = text(at)
        for what in WITHHELD_PAGES.get(page, []):
            assert f"{what} are not published by this installation" in words, (page, what)
        if page not in WITHHELD_PAGES:
            assert "not published by this installation" not in words, page
        # a query of a withheld mart would stop the page with the marts panel
        assert "No KPI data to show" not in words, page
