"""The two Jira paginators dlt does not have: PageBeans that serve fewer values than asked
for, and /worklog/updated's since/until pages."""

from __future__ import annotations

import json

import pytest
import requests

from ingestion.sources.jira import PageBeanPaginator, WorklogsUpdatedPaginator


def _response(body: object) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = json.dumps(body).encode()
    return response


def test_page_bean_steps_by_the_values_served_and_stops_on_is_last() -> None:
    paginator = PageBeanPaginator(50)
    request = requests.Request("GET", "http://jira/rest/agile/1.0/board")
    paginator.init_request(request)
    assert request.params == {"startAt": 0, "maxResults": 50}
    # Jira serves 30 of the 50 asked for: the next page starts at 30, not 50
    paginator.update_state(_response({"startAt": 0, "isLast": False, "values": [{}] * 30}))
    paginator.update_request(request)
    assert paginator.has_next_page
    assert request.params == {"startAt": 30, "maxResults": 50}
    paginator.update_state(_response({"startAt": 30, "isLast": True, "values": [{}] * 5}))
    assert not paginator.has_next_page


def test_worklogs_updated_starts_each_page_at_until_and_after_it_past_the_last() -> None:
    paginator = WorklogsUpdatedPaginator(1000)
    request = requests.Request("GET", "http://jira/rest/api/3/worklog/updated")
    paginator.init_request(request)
    assert request.params == {"since": 1000}
    paginator.update_state(_response({"since": 1000, "until": 1500, "lastPage": False}))
    paginator.update_request(request)
    assert (paginator.has_next_page, request.params) == (True, {"since": 1500})
    paginator.update_state(_response({"since": 1500, "until": 1700, "lastPage": True}))
    # every worklog up to 1700 was listed: the next run starts just after it
    assert (paginator.has_next_page, paginator.since_ms) == (False, 1701)


def test_worklogs_updated_that_does_not_advance_fails_instead_of_looping() -> None:
    paginator = WorklogsUpdatedPaginator(1500)
    with pytest.raises(RuntimeError, match="did not advance past since=1500"):
        paginator.update_state(_response({"since": 1500, "until": 1500, "lastPage": False}))
