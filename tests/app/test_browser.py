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


def test_app_in_chromium(app_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(app_url)
            expect(page.get_by_text("Whole organisation: active KPIs")).to_be_visible(
                timeout=60_000
            )
            page.screenshot(path=str(ARTIFACTS / "home_organisation.png"), full_page=True)

            # Switch team in the sidebar selectbox.
            sidebar = page.get_by_test_id("stSidebar")
            sidebar.get_by_test_id("stSelectbox").first.click()
            page.get_by_role("option", name="Checkout").click()
            expect(page.get_by_text("Checkout: active KPIs")).to_be_visible(timeout=30_000)
            page.screenshot(path=str(ARTIFACTS / "home_checkout.png"), full_page=True)

            # Switch page; the team must stay selected.
            sidebar.get_by_test_id("stSidebarNav").get_by_text("Scorecard").click()
            expect(page.get_by_role("heading", name="Scorecard")).to_be_visible(timeout=30_000)
            expect(page.get_by_text("Checkout: active KPIs")).to_be_visible(timeout=30_000)
            expect(page.get_by_text("Organisation rollup")).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "scorecard_checkout.png"), full_page=True)

            sidebar.get_by_test_id("stSidebarNav").get_by_text("Reliability").click()
            expect(page.get_by_text("Failed deployments and the incidents")).to_be_visible(
                timeout=30_000
            )
            page.wait_for_timeout(1500)  # let the Vega charts draw before the screenshot
            page.screenshot(path=str(ARTIFACTS / "reliability_checkout.png"), full_page=True)

            # the planted stories a stakeholder should see: Checkout waits for reviews
            sidebar.get_by_test_id("stSidebarNav").get_by_text("Delivery flow").click()
            expect(page.get_by_text("Lead time for changes, by stage")).to_be_visible(
                timeout=30_000
            )
            expect(page.get_by_text("the bottleneck was pickup").first).to_be_visible(
                timeout=30_000
            )
            page.wait_for_timeout(1500)
            page.screenshot(path=str(ARTIFACTS / "delivery_flow_checkout.png"), full_page=True)

            sidebar.get_by_test_id("stSidebarNav").get_by_text("Business alignment").click()
            expect(page.get_by_text("All pairs")).to_be_visible(timeout=30_000)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(ARTIFACTS / "alignment_checkout.png"), full_page=True)

            body = page.inner_text("body")
            assert "Traceback" not in body
            assert "Exception" not in body
            assert page.get_by_test_id("stException").count() == 0
        finally:
            browser.close()
    for name in (
        "home_checkout",
        "scorecard_checkout",
        "reliability_checkout",
        "delivery_flow_checkout",
        "alignment_checkout",
    ):
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 20_000
