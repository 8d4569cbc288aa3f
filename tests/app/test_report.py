"""`kpibridge report`: a self-contained HTML review of one team and period, checked for its
words, for needing no network, and opened in headless Chromium."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from ingestion.cli import main
from tests.app.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def report(built_marts: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "platform-2026-Q3.html"
    code = main(
        ["report", "--team", "platform", "--period", "2026-Q3", "-o", str(out),
         "--marts", str(built_marts)]
    )  # fmt: skip
    assert code == 0
    return out


def test_report_has_the_scorecard_trends_dora_and_alignment(report: Path) -> None:
    page = html.unescape(report.read_text(encoding="utf-8"))
    assert "<title>Platform: engineering review 2026-Q3</title>" in page
    # the same literal words as the app's Q3 cards (see tests/app/test_pages.py)
    assert '<div class="kb-value">75.9 %</div>' in page
    assert "improving: +7.4 pp vs baseline 68.5 %" in page
    assert "15.6 min (n = 12)" in page
    assert (
        "no data (no value in any period for this team: needs infra_cost and transactions rows "
        "in seed business_outcomes)"
    ) in page
    assert "<h2>Trends</h2>" in page and "<h2>DORA view</h2>" in page
    assert '<div class="kb-name">Lead time for changes</div><div class="kb-value">77.3 h' in page
    assert "<h2>Business alignment</h2>" in page
    assert "Values from fewer than 5 events are greyed (n too small)." in page
    # an inline SVG chart for each active KPI with values (four: infrastructure cost per
    # transaction has none, said instead), then for the four DORA metrics that are not active
    # KPIs (Platform's failed deployment recovery time is both): 4 + 4
    assert len(re.findall(r'<img alt="[^"]+" src="data:image/svg\+xml;base64,', page)) == 8
    assert "No monthly values up to the end of 2026-Q3: Infrastructure cost per transaction." in (
        page
    )


def test_report_needs_no_network(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert "<script" not in page
    assert "<link" not in page
    assert not re.findall(r'(?:src|href)="(?!data:)', page)
    assert "@import" not in page and "url(http" not in page


def test_report_refuses_unknown_team_and_period(
    built_marts: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    base = ["report", "-o", str(out), "--marts", str(built_marts)]
    assert main([*base, "--team", "growth", "--period", "2026-Q3"]) == 1
    assert "--team 'growth' is not in the marts; choose one of: organisation, " in (
        capsys.readouterr().err
    )
    assert main([*base, "--team", "platform", "--period", "Q3"]) == 1
    assert "--period 'Q3' is not a quarter like 2026-Q3 or a month like 2026-09" in (
        capsys.readouterr().err
    )
    assert main([*base, "--team", "platform", "--period", "2025-Q1"]) == 1
    assert "the marts have no values for 2025-Q1; they cover 2026-Q2, 2026-Q3, 2026-Q4" in (
        capsys.readouterr().err
    )
    assert not out.exists()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not at /usr/bin/chromium")
def test_report_opens_offline_in_chromium(report: Path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    requests: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(report.as_uri())
            page.wait_for_load_state("load")
            # every chart image decoded
            assert page.evaluate(
                "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
            )
            assert page.evaluate("document.images.length") == 8
            page.screenshot(path=str(ARTIFACTS / "report_platform_2026-Q3.png"), full_page=True)
        finally:
            browser.close()
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
