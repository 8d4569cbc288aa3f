"""The simulated Jira's bulk endpoints answer as Jira documents them: bulk changelogs (POST,
nextPageToken), worklogs updated since a time and fetched by id, boards by project, sprints
by state, shapes from Atlassian's own examples."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from ingestion.simulator import jira_api
from ingestion.simulator.server import Simulator
from tests.simulator.test_api import EXAMPLES, _key_paths, jira


def _post(sim: Simulator, path: str, body: dict[str, Any]) -> Any:
    response = jira(sim).post(sim.urls["jira"] + path, json=body)
    response.raise_for_status()
    return response.json()


def _get(sim: Simulator, path: str, **params: Any) -> Any:
    response = jira(sim).get(sim.urls["jira"] + path, params=params)
    response.raise_for_status()
    return response.json()


def test_bulkfetch_pages_every_history_of_the_issues_oldest_first(simulator: Simulator) -> None:
    issues = simulator.org.issues[:2]
    expected = sorted(
        ((h.created, int(i.id), h.id) for i in issues for h in i.changelog),
    )
    assert len(expected) > 3  # more than one page of 2
    body: dict[str, Any] = {"issueIdsOrKeys": [issues[0].key, issues[1].id], "maxResults": 2}
    served, pages = [], 0
    while True:
        page = _post(simulator, "/rest/api/3/changelog/bulkfetch", body)
        pages += 1
        for log in page["issueChangeLogs"]:
            served += [(int(log["issueId"]), h["id"]) for h in log["changeHistories"]]
        if "nextPageToken" not in page:
            break
        body["nextPageToken"] = page["nextPageToken"]
    assert served == [(issue_id, history_id) for _, issue_id, history_id in expected]
    assert pages == -(-len(expected) // 2)


def test_bulkfetch_refuses_more_than_1000_issues(simulator: Simulator) -> None:
    response = jira(simulator).post(
        simulator.urls["jira"] + "/rest/api/3/changelog/bulkfetch",
        json={"issueIdsOrKeys": [str(n) for n in range(1001)]},
    )
    assert response.status_code == 400
    assert "1000" in response.json()["errorMessages"][0]


def test_search_expand_changelog_carries_at_most_the_capped_histories(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jira_api, "EXPANDED_HISTORIES", 2)
    issue = next(i for i in simulator.org.issues if len(i.changelog) > 2)
    page = _get(
        simulator,
        "/rest/api/3/search/jql",
        jql=f"project = {issue.project_key} ORDER BY updated ASC",
        expand="changelog",
        maxResults=100,
    )
    served = next(i for i in page["issues"] if i["key"] == issue.key)["changelog"]
    assert served["total"] == len(issue.changelog)
    assert [h["id"] for h in served["histories"]] == [h.id for h in issue.changelog[:2]]


def test_worklogs_updated_pages_from_since_and_list_returns_them(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jira_api, "WORKLOG_IDS_PAGE", 2)
    logs = sorted(
        (w for i in simulator.org.issues for w in i.worklogs), key=lambda w: (w.updated, int(w.id))
    )
    since = int(logs[-5].updated.timestamp() * 1000)  # the 5 youngest worklogs
    ids: list[int] = []
    while True:
        page = _get(simulator, "/rest/api/3/worklog/updated", since=since)
        ids += [v["worklogId"] for v in page["values"]]
        assert page["since"] == since
        assert page["until"] == page["values"][-1]["updatedTime"]
        if page["lastPage"]:
            break
        since = page["until"]
    # `since` is inclusive: each next page starts with the previous one's last worklog
    assert ids == [int(w.id) for w in (logs[-5], logs[-4], logs[-4], logs[-3])] + [
        int(w.id) for w in (logs[-3], logs[-2], logs[-2], logs[-1])
    ]
    listed = _post(simulator, "/rest/api/3/worklog/list", {"ids": sorted(set(ids))})
    assert sorted(w["id"] for w in listed) == sorted(w.id for w in logs[-5:])
    assert {w["issueId"] for w in listed} == {w.issue_id for w in logs[-5:]}


def test_boards_filter_by_project_key_or_id_and_documented_mode_omits_location(
    simulator: Simulator,
) -> None:
    project = simulator.org.projects[1]
    board = next(b for b in simulator.org.boards if b.project_key == project.key)
    by_key = _get(simulator, "/rest/agile/1.0/board", projectKeyOrId=project.key)["values"]
    by_id = _get(simulator, "/rest/agile/1.0/board", projectKeyOrId=project.id)["values"]
    assert [b["id"] for b in by_key] == [b["id"] for b in by_id] == [board.id]
    assert by_key[0]["location"] == {"projectKey": project.key}
    with Simulator(simulator.org, documented_fields_only=True) as sparse:
        documented = _get(sparse, "/rest/agile/1.0/board")["values"]
    assert len(documented) == len(simulator.org.boards)
    assert all("location" not in b for b in documented)


def test_board_sprints_filter_by_state_and_sprint_reads_by_id(simulator: Simulator) -> None:
    board = simulator.org.boards[0]
    sprints = [s for s in simulator.org.sprints if s.board_id == board.id]
    open_ids = [s.id for s in sprints if s.state in ("active", "future")]
    served = _get(simulator, f"/rest/agile/1.0/board/{board.id}/sprint", state="active,future")[
        "values"
    ]
    assert [s["id"] for s in served] == open_ids
    assert len(open_ids) < len(sprints)
    closed = next(s for s in sprints if s.state == "closed")
    one = _get(simulator, f"/rest/agile/1.0/sprint/{closed.id}")
    assert closed.complete_date is not None
    assert (one["id"], one["state"], one["completeDate"]) == (
        closed.id,
        "closed",
        closed.complete_date.strftime("%Y-%m-%dT%H:%M:%S.000+00:00"),
    )
    missing = jira(simulator).get(simulator.urls["jira"] + "/rest/agile/1.0/sprint/999999")
    assert missing.status_code == 404


def _invented(served: Any, example: str, extras: set[str]) -> list[str]:
    reference = _key_paths(json.loads((EXAMPLES / example).read_text()))
    return sorted(
        p
        for p in _key_paths(served) - reference
        if not any(p == e or p.startswith(e) for e in extras)
    )


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason=f"vendor examples not found at {EXAMPLES}")
def test_bulk_endpoints_use_only_the_vendors_field_names(simulator: Simulator) -> None:
    issue = next(i for i in simulator.org.issues if i.worklogs)
    log = issue.worklogs[0]
    sprint = simulator.org.sprints[0]
    since = int(datetime(2000, 1, 1, tzinfo=UTC).timestamp() * 1000)
    cases: list[tuple[Any, str, set[str]]] = [
        (
            _post(simulator, "/rest/api/3/changelog/bulkfetch", {"issueIdsOrKeys": [issue.id]}),
            "jira/POST_rest_api_3_changelog_bulkfetch.json",
            # the per-issue changelog example documents from/to and accountType
            {
                "issueChangeLogs.[].changeHistories.[].author.accountType",
                "issueChangeLogs.[].changeHistories.[].items.[].from",
                "issueChangeLogs.[].changeHistories.[].items.[].to",
            },
        ),
        (
            _get(simulator, "/rest/api/3/worklog/updated", since=since),
            "jira/GET_rest_api_3_worklog_updated.json",
            set(),
        ),
        (
            _post(simulator, "/rest/api/3/worklog/list", {"ids": [int(log.id)]}),
            "jira/POST_rest_api_3_worklog_list.json",
            {"[].author.accountType", "[].created"},
        ),
        (
            _get(simulator, "/rest/api/3/search/jql", jql="order by updated", expand="changelog"),
            "jira/GET_rest_api_3_search_jql.json",
            # IssueBean.changelog is a PageOfChangelogs; the example asks for no expand
            {"issues.[].fields.", "nextPageToken", "issues.[].changelog"},
        ),
        (
            _get(simulator, f"/rest/agile/1.0/sprint/{sprint.id}"),
            "jira/GET_rest_agile_1_0_sprint_sprintId.json",
            set(),
        ),
    ]
    invented = {example: _invented(body, example, extras) for body, example, extras in cases}
    assert invented == {example: [] for _, example, _ in cases}
