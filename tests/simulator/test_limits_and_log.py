"""The simulator's account-wide PagerDuty log, its documented limits, its quota mode, its bad-body
and secondary-limit faults, and its per-endpoint request counts."""

from __future__ import annotations

import time

import requests

from ingestion.simulator.common import Credentials
from ingestion.simulator.faults import SECONDARY_LIMIT_MESSAGE, Faults, Quota
from ingestion.simulator.org import GITHUB_OWNER, build_org
from ingestion.simulator.server import Simulator

CREDS = Credentials()
PD_AUTH = {"Authorization": f"Token token={CREDS.pagerduty_token}"}
GH_AUTH = {"Authorization": f"Bearer {CREDS.github_token}"}


def _all_log_entries(sim: Simulator, params: dict[str, str], limit: int) -> list[dict]:
    entries: list[dict] = []
    offset = 0
    while True:
        body = requests.get(
            f"{sim.urls['pagerduty']}/log_entries",
            params={**params, "offset": offset, "limit": limit},
            headers=PD_AUTH,
        ).json()
        entries += body["log_entries"]
        if not body["more"]:
            return entries
        offset += limit


def test_log_entries_are_account_wide_newest_first_within_since_until(
    simulator: Simulator,
) -> None:
    org = simulator.org
    since, until = "2026-07-01T00:00:00Z", "2026-08-01T00:00:00Z"
    entries = _all_log_entries(simulator, {"since": since, "until": until}, limit=3)
    expected = {
        e.id
        for i in org.incidents
        for e in i.log_entries
        if "2026-07-01" <= e.created_at.strftime("%Y-%m-%d") < "2026-08-01"
    }
    assert [e["id"] for e in entries if e["id"] in expected] == [e["id"] for e in entries]
    assert sorted(e["id"] for e in entries) == sorted(expected)
    times = [e["created_at"] for e in entries]
    assert times == sorted(times, reverse=True)
    assert {e["incident"]["type"] for e in entries} == {"incident_reference"}


def test_include_incidents_embeds_each_incident_as_get_incident_answers(
    simulator: Simulator,
) -> None:
    [entry] = requests.get(
        f"{simulator.urls['pagerduty']}/log_entries",
        params={"include[]": "incidents", "limit": 1},
        headers=PD_AUTH,
    ).json()["log_entries"]
    incident = requests.get(
        f"{simulator.urls['pagerduty']}/incidents/{entry['incident']['id']}", headers=PD_AUTH
    ).json()["incident"]
    assert entry["incident"] == incident
    assert incident["type"] == "incident"


def test_documented_limits_answer_400() -> None:
    with Simulator(build_org()) as sim:
        base = sim.urls["pagerduty"]
        past_offset = requests.get(
            f"{base}/log_entries", params={"offset": 9950, "limit": 100}, headers=PD_AUTH
        )
        seven_months = requests.get(
            f"{base}/incidents",
            params={"since": "2026-01-01T00:00:00Z", "until": "2026-08-01T00:00:00Z"},
            headers=PD_AUTH,
        )
        six_months = requests.get(
            f"{base}/incidents",
            params={"since": "2026-02-01T00:00:00Z", "until": "2026-08-01T00:00:00Z"},
            headers=PD_AUTH,
        )
    assert past_offset.status_code == 400
    assert past_offset.json()["error"]["code"] == 2001
    assert seven_months.status_code == 400
    assert six_months.status_code == 200


def test_github_quota_counts_down_then_answers_403_until_the_reset() -> None:
    quota = Quota(requests=3, window_seconds=2.0)
    with Simulator(build_org(), faults=Faults(apis={"github"}, quota=quota)) as sim:
        url = f"{sim.urls['github']}/orgs/{GITHUB_OWNER}/repos"
        answers = [requests.get(url, headers=GH_AUTH) for _ in range(4)]
        reset = int(answers[0].headers["x-ratelimit-reset"])
        time.sleep(max(0.0, reset - time.time()) + 0.05)
        after_reset = requests.get(url, headers=GH_AUTH)
    assert [a.status_code for a in answers] == [200, 200, 200, 403]
    assert [a.headers["x-ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert {a.headers["x-ratelimit-limit"] for a in answers} == {"3"}
    assert {int(a.headers["x-ratelimit-reset"]) for a in answers} == {reset}
    assert reset - time.time() < 2.0
    assert (after_reset.status_code, after_reset.headers["x-ratelimit-remaining"]) == (200, "2")


def test_jira_and_pagerduty_quotas_answer_429_with_retry_after() -> None:
    quota = Quota(requests=2, window_seconds=30.0)
    with Simulator(build_org(), faults=Faults(quota=quota)) as sim:
        pd = [requests.get(f"{sim.urls['pagerduty']}/services", headers=PD_AUTH) for _ in range(3)]
        jira = [
            requests.get(
                f"{sim.urls['jira']}/rest/api/3/project/search",
                auth=(CREDS.jira_email, CREDS.jira_token),
            )
            for _ in range(3)
        ]
    for answers in (pd, jira):
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert 29 <= int(answers[2].headers["Retry-After"]) <= 30
        assert "x-ratelimit-reset" not in answers[0].headers


def test_secondary_limit_is_a_403_with_retry_after_and_quota_left() -> None:
    faults = Faults(apis={"github"}, secondary_limit_every=1, retry_after_seconds=9)
    with Simulator(build_org(), faults=faults) as sim:
        answer = requests.get(f"{sim.urls['github']}/orgs/{GITHUB_OWNER}/repos", headers=GH_AUTH)
    assert answer.status_code == 403
    assert answer.headers["Retry-After"] == "9"
    assert answer.headers["x-ratelimit-remaining"] != "0"
    assert answer.json() == {"message": SECONDARY_LIMIT_MESSAGE}


def test_bad_body_faults_answer_a_complete_200_that_is_not_json() -> None:
    faults = Faults(apis={"pagerduty"}, invalid_json_every=2, html_every=3)
    with Simulator(build_org(), faults=faults) as sim:
        answers = [
            requests.get(f"{sim.urls['pagerduty']}/teams", headers=PD_AUTH) for _ in range(3)
        ]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert len(answers[0].json()["teams"]) == 4
    assert answers[1].headers["Content-Type"].startswith("application/json")
    assert len(answers[1].content) == int(answers[1].headers["Content-Length"])
    assert answers[1].text.startswith('{"values": [')
    assert answers[2].headers["Content-Type"].startswith("text/html")
    assert answers[2].text.startswith("<html>")


def test_requests_are_counted_per_endpoint(simulator: Simulator) -> None:
    base = simulator.urls["pagerduty"]
    incident = simulator.org.incidents[0].id
    for path in ("/services", "/services", f"/incidents/{incident}", "/nowhere"):
        requests.get(base + path, headers=PD_AUTH)
    assert dict(simulator.request_counts_by_endpoint) == {
        ("pagerduty", "/services"): 2,
        ("pagerduty", "/incidents/(?P<id>[^/]+)"): 1,
        ("pagerduty", "(no route)"): 1,
    }
