"""PagerDuty REST v2: incidents (+ log entries), services, teams, priorities."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
from dlt.sources import DltResource
from dlt.sources.helpers.rest_client import RESTClient

from ingestion.sources.http import source_client

AUTH_KEY = "SOURCES__PAGERDUTY__API_TOKEN (sources.pagerduty.api_token in .dlt/secrets.toml)"


def _offset_pages(
    client: RESTClient, path: str, key: str, params: dict[str, Any] | None = None, limit: int = 100
) -> Iterator[list[dict[str, Any]]]:
    """Classic pagination: stop on more == false, or when `more` is missing."""
    offset = 0
    while True:
        body = client.get(path, {**(params or {}), "offset": offset, "limit": limit}).json()
        yield body[key]
        if not body.get("more") or not body[key]:
            return
        offset += len(body[key])


@dlt.source(name="pagerduty", max_table_nesting=1)
def pagerduty_source(
    api_token: str = dlt.secrets.value,
    base_url: str = "https://api.pagerduty.com",
    start_date: str = "2000-01-01T00:00:00Z",
    reopen_window_days: int = 30,
) -> list[DltResource]:
    client = source_client(
        "pagerduty",
        base_url,
        AUTH_KEY,
        headers={
            "Authorization": f"Token token={api_token}",
            "Accept": "application/vnd.pagerduty+json;version=2",
        },
    )

    @dlt.resource(
        primary_key="id",
        write_disposition="merge",
        columns={"resolved_at": {"data_type": "timestamp"}, "description": {"data_type": "text"}},
    )
    def incidents(
        updated_at: dlt.sources.incremental[str] = dlt.sources.incremental(
            "updated_at", initial_value=start_date
        ),
    ) -> Iterator[list[dict[str, Any]]]:
        # `since` filters on creation, but incidents change (acknowledge, resolve) after it:
        # re-read the incidents created in the reopen window before the cursor; the cursor on
        # updated_at keeps only those that changed. Older incidents keep their loaded state.
        since = datetime.fromisoformat(updated_at.start_value.replace("Z", "+00:00"))
        since -= timedelta(days=reopen_window_days)
        params = {
            "since": since.isoformat(),
            "until": datetime.now(UTC).isoformat(),
            "sort_by": "created_at:asc",
        }
        yield from _offset_pages(client, "/incidents", "incidents", params)

    @dlt.transformer(data_from=incidents, primary_key="id", write_disposition="merge")
    def incident_log_entries(page: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
        for incident in page:
            for entries in _offset_pages(
                client, f"/incidents/{incident['id']}/log_entries", "log_entries"
            ):
                yield [e | {"incident_id": incident["id"]} for e in entries]

    @dlt.resource(primary_key="id", write_disposition="merge")
    def services() -> Iterator[list[dict[str, Any]]]:
        yield from _offset_pages(client, "/services", "services")

    @dlt.resource(primary_key="id", write_disposition="merge")
    def teams() -> Iterator[list[dict[str, Any]]]:
        yield from _offset_pages(client, "/teams", "teams")

    @dlt.resource(primary_key="id", write_disposition="merge")
    def priorities() -> Iterator[list[dict[str, Any]]]:
        yield from _offset_pages(client, "/priorities", "priorities")

    return [incidents, incident_log_entries, services, teams, priorities]
