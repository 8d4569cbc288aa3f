"""The real app in Debian Chromium: run streamlit, switch team and page, take screenshots."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.app.conftest import APP_DIR

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not at /usr/bin/chromium"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def app_url(marts: Path, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    log = (tmp_path / "streamlit.log").open("w")
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP_DIR / "Home.py"),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    env = {**os.environ, "KPIBRIDGE_MARTS": str(marts)}
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(f"streamlit did not start:\n{(tmp_path / 'streamlit.log').read_text()}")
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


# (page link text, a text that proves the page rendered for the review period, screenshot)
WALK = (
    ("Scorecard", "active KPIs, 2026-Q3", "scorecard"),
    ("DORA overview", "Teams side by side, 2026-Q3", "dora_overview"),
    ("Trends", "up to 2026-Q3", "trends"),
    ("Delivery flow", "Distributions in 2026-Q3", "delivery_flow"),
    ("Reliability", "Incidents opened in 2026-Q3", "reliability"),
    ("Business alignment", "pairs with outcome data show evidence", "alignment"),
    ("Drill down", "Production deployments", "drill_down"),
    ("Glossary", "KPIs and supporting signals match", "glossary"),
    ("Data health", "Data coverage for", "data_health"),
)
TEAMS = (("Whole organisation", "organisation"), ("Checkout", "checkout"), ("Platform", "platform"))


def _screenshot(page: Any, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport to it."""
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1280, "height": max(900, int(height))})
    page.wait_for_timeout(1000)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def _no_errors(page: Any) -> None:
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert page.get_by_test_id("stException").count() == 0


def test_app_in_chromium(app_url: str) -> None:
    """A Q3 quarterly review at laptop size (1280 px): every page for three teams."""
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    shots: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(app_url)
            sidebar = page.get_by_test_id("stSidebar")
            expect(page.get_by_text("Whole organisation: active KPIs, 2026-Q3")).to_be_visible(
                timeout=90_000
            )
            for label, slug in TEAMS:
                if slug != "organisation":
                    sidebar.get_by_test_id("stSelectbox").first.click()
                    page.get_by_role("option", name=label, exact=True).click()
                sidebar.get_by_test_id("stSidebarNav").get_by_text("Home", exact=True).click()
                expect(page.get_by_text(f"{label}: active KPIs, 2026-Q3")).to_be_visible(
                    timeout=60_000
                )
                page.wait_for_timeout(1500)
                shots.append(ARTIFACTS / f"home_{slug}.png")
                _screenshot(page, shots[-1])
                for link, proof, name in WALK:
                    sidebar.get_by_test_id("stSidebarNav").get_by_text(link, exact=True).click()
                    expect(page.get_by_text(proof).first).to_be_visible(timeout=60_000)
                    page.wait_for_timeout(2000)  # let the Vega charts draw
                    _no_errors(page)
                    shots.append(ARTIFACTS / f"{name}_{slug}.png")
                    _screenshot(page, shots[-1])
        finally:
            browser.close()
    for shot in shots:
        assert shot.stat().st_size > 20_000, shot
