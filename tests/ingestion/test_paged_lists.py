"""Paged lists are read to their last page, also when the pages are small: the default org's
lists fit in one page, so a full ingest alone cannot tell a paging bug."""

from __future__ import annotations

from dlt.sources.helpers.rest_client.auth import HttpBasicAuth

from ingestion.simulator.common import Credentials
from ingestion.simulator.server import Simulator
from ingestion.sources.http import source_client
from ingestion.sources.jira import AUTH_KEY, _page_bean
from ingestion.sources.pagerduty import AUTH_KEY as PAGERDUTY_AUTH_KEY
from ingestion.sources.pagerduty import _offset_pages


def test_page_bean_follows_pages_until_is_last(simulator: Simulator) -> None:
    credentials = Credentials()
    client = source_client(
        "jira",
        simulator.urls["jira"],
        AUTH_KEY,
        auth=HttpBasicAuth(credentials.jira_email, credentials.jira_token),
        headers={"Accept": "application/json"},
    )
    pages = list(_page_bean(client, "/rest/api/3/project/search", 1))
    projects = sorted(project.key for project in simulator.org.projects)
    assert len(projects) > 1
    assert [len(page) for page in pages] == [1] * len(projects)
    assert sorted(project["key"] for page in pages for project in page) == projects


def test_pagerduty_offset_pages_advance_by_the_page_read(simulator: Simulator) -> None:
    client = source_client(
        "pagerduty",
        simulator.urls["pagerduty"],
        PAGERDUTY_AUTH_KEY,
        headers={
            "Authorization": f"Token token={Credentials().pagerduty_token}",
            "Accept": "application/vnd.pagerduty+json;version=2",
        },
    )
    pages = list(_offset_pages(client, "/services", "services", limit=1))
    services = sorted(service.id for service in simulator.org.services)
    assert len(services) > 1
    assert sorted(service["id"] for page in pages for service in page) == services
