"""Jira PageBean lists (projects, boards) are read to the last page, not only the first."""

from __future__ import annotations

from dlt.sources.helpers.rest_client.auth import HttpBasicAuth

from ingestion.simulator.common import Credentials
from ingestion.simulator.server import Simulator
from ingestion.sources.http import source_client
from ingestion.sources.jira import AUTH_KEY, _page_bean


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
