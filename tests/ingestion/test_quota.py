"""The session paces itself on quotas and waits for resets instead of failing; secondary limits
and non-JSON answers are retried; errors name the source and the endpoint."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from dlt.sources.helpers.rest_client import RESTClient

from ingestion.pipeline import run_ingest, simulator_settings
from ingestion.simulator.common import Credentials
from ingestion.simulator.expected import pagerduty_rows
from ingestion.simulator.faults import Faults, Quota
from ingestion.simulator.org import GITHUB_OWNER, build_org
from ingestion.simulator.server import Simulator
from ingestion.sources.http import SourceUnavailableError, is_not_found, source_client
from tests.conftest import Landed

REPOS = f"/orgs/{GITHUB_OWNER}/repos"
RESUME = re.compile(r"resuming at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC")


def _github(sim: Simulator) -> RESTClient:
    return source_client(
        "github",
        sim.urls["github"],
        "SOURCES__GITHUB__ACCESS_TOKEN",
        headers={
            "Authorization": f"Bearer {Credentials().github_token}",
            "Accept": "application/vnd.github+json",
        },
    )


def _pagerduty(sim: Simulator) -> RESTClient:
    return source_client(
        "pagerduty",
        sim.urls["pagerduty"],
        "SOURCES__PAGERDUTY__API_TOKEN",
        headers={
            "Authorization": f"Token token={Credentials().pagerduty_token}",
            "Accept": "application/vnd.pagerduty+json;version=2",
        },
    )


def test_a_load_larger_than_the_quota_window_completes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """40 requests per 3 s; PagerDuty in pages of 2 needs about 190: it is refused with 429
    and Retry-After, waits for the next window each time, and lands every record."""
    quota = Quota(requests=40, window_seconds=3.0)
    org = build_org()
    warehouse = tmp_path / "w.duckdb"
    caplog.set_level(logging.WARNING, logger="kpibridge.http")
    with Simulator(org, faults=Faults(apis={"pagerduty"}, quota=quota)) as sim:
        settings = simulator_settings(sim.urls)
        settings["pagerduty"]["page_size"] = 2
        [result] = run_ingest(["pagerduty"], duckdb_path=warehouse, settings=settings)
        requests_made = sim.request_counts["pagerduty"]
    assert result.error is None
    landed = Landed(org, warehouse, [result], {})
    assert {table: landed.count(table) for table in pagerduty_rows(org)} == pagerduty_rows(org)
    assert requests_made > 4 * quota.requests
    refusals = [r.getMessage() for r in caplog.records if "HTTP 429 rate limit" in r.getMessage()]
    assert refusals
    assert all(m.startswith("pagerduty: HTTP 429 rate limit on ") for m in refusals)
    assert all("(remaining 0)" in m and RESUME.search(m) for m in refusals)


def test_github_quota_is_paced_with_a_message_naming_source_remaining_and_resume_time(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """GitHub's headers count the quota down: the session pauses at the reserve (5 left)
    until the reset instead of spending the quota and being refused."""
    caplog.set_level(logging.WARNING, logger="kpibridge.http")
    quota = Quota(requests=10, window_seconds=1.0)
    with Simulator(build_org(), faults=Faults(apis={"github"}, quota=quota)) as sim:
        client = _github(sim)
        answers = [client.get(REPOS, params={"per_page": 1}) for _ in range(12)]
        sent = sim.request_counts["github"]
    assert [a.status_code for a in answers] == [200] * 12
    assert sent == 12  # never refused: paced before the quota ran out
    paced = [r.getMessage() for r in caplog.records if "quota nearly spent" in r.getMessage()]
    # 5 requests per window, 12 requests: two pauses
    assert len(paced) == 2
    for message in paced:
        assert message.startswith(f"github: quota nearly spent on {sim.urls['github']}{REPOS}")
        assert "(remaining 5)" in message
        assert RESUME.search(message)


def test_a_quota_resetting_later_than_the_limit_fails_naming_source_endpoint_and_reset(
    monkeypatch: pytest.MonkeyPatch, waits: list[float]
) -> None:
    monkeypatch.setenv("KPIBRIDGE_MAX_QUOTA_WAIT", "5")
    quota = Quota(requests=3, window_seconds=3600.0)
    with Simulator(build_org(), faults=Faults(apis={"github"}, quota=quota)) as sim:
        client = _github(sim)
        first = client.get(REPOS)
        reset = datetime.fromtimestamp(int(first.headers["x-ratelimit-reset"]), UTC)
        with pytest.raises(SourceUnavailableError) as failure:
            client.get(REPOS)
    message = str(failure.value)
    assert message.startswith(f"github: quota nearly spent on {sim.urls['github']}{REPOS}")
    assert f"resets at {reset:%Y-%m-%d %H:%M:%S} UTC" in message
    assert "KPIBRIDGE_MAX_QUOTA_WAIT (5 s)" in message
    assert waits == []


def test_a_secondary_rate_limit_is_retried_after_its_retry_after(waits: list[float]) -> None:
    """403 + Retry-After with quota left is a secondary limit, not rejected credentials."""
    faults = Faults(apis={"github"}, secondary_limit_every=3, retry_after_seconds=7)
    with Simulator(build_org(), faults=faults) as sim:
        client = _github(sim)
        answers = [client.get(REPOS) for _ in range(5)]
        sent = sim.request_counts["github"]
    assert [a.status_code for a in answers] == [200] * 5
    assert sent == 7  # the 3rd and the 6th request were refused, then sent again
    assert waits == [7.0, 7.0]


@pytest.mark.parametrize(
    "fault, reason", [("invalid_json_every", "invalid JSON"), ("html_every", "an HTML page")]
)
def test_a_200_that_is_not_json_is_retried_then_fails_naming_source_and_endpoint(
    waits: list[float], fault: str, reason: str
) -> None:
    with Simulator(build_org(), faults=Faults(apis={"pagerduty"}, **{fault: 1})) as sim:
        with pytest.raises(SourceUnavailableError) as failure:
            _pagerduty(sim).get("/services")
        sent = sim.request_counts["pagerduty"]
    assert str(failure.value).startswith(
        f"pagerduty: {sim.urls['pagerduty']}/services failed 6 times (last: {reason}"
    )
    assert sent == 6
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0]


def test_a_200_that_is_not_json_once_is_retried_and_read(waits: list[float]) -> None:
    # the first answer is fine, the second is not, its retry is
    with Simulator(build_org(), faults=Faults(apis={"pagerduty"}, invalid_json_every=2)) as sim:
        client = _pagerduty(sim)
        first = client.get("/services").json()
        second = client.get("/services").json()
    assert first == second
    assert len(second["services"]) == 4
    assert waits == [0.5]


def test_an_ingest_whose_answers_are_never_json_fails_naming_source_and_endpoint(
    tmp_path: Path, waits: list[float]
) -> None:
    with Simulator(build_org(), faults=Faults(apis={"pagerduty"}, html_every=1)) as sim:
        [result] = run_ingest(
            ["pagerduty"], duckdb_path=tmp_path / "w.duckdb", settings=simulator_settings(sim.urls)
        )
    assert result.error == (
        f"pagerduty: {sim.urls['pagerduty']}/incidents failed 6 times (last: an HTML page "
        "instead of JSON); nothing of this run was loaded for this source, try again later"
    )


def test_a_missing_child_is_a_skippable_404_counted_by_the_session(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="kpibridge.http")
    with Simulator(build_org()) as sim:
        client = _pagerduty(sim)
        with pytest.raises(requests.HTTPError) as failure:
            client.get("/incidents/GONE/log_entries")
    endpoint = f"{sim.urls['pagerduty']}/incidents/GONE/log_entries"
    assert is_not_found(failure.value)
    assert dict(client.session.not_found) == {endpoint: 1}
    assert f"pagerduty: {endpoint} answered 404 (not found)" in caplog.messages
