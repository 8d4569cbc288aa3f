"""PagerDuty REST v2: incidents and their log entries, services, teams, priorities.

PagerDuty lists incidents by creation time only, so changes to older incidents (acknowledged,
resolved, annotated) are found through the account-wide log: the first run lists incidents
and log entries by date range; later runs read the log entries written since the last one,
with `include[]=incidents`, and land the incidents they name as PagerDuty returns them then.
An edit PagerDuty does not log (a title or priority change alone) lands with the incident's next
logged change, or with `--full-refresh`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import dlt
from dlt.sources import DltResource
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.paginators import OffsetPaginator

from ingestion.sources.dates import parse_start_date
from ingestion.sources.http import source_client

AUTH_KEY = "SOURCES__PAGERDUTY__API_TOKEN (sources.pagerduty.api_token in .dlt/secrets.toml)"
MAX_PAGE_SIZE = 100  # the documented maximum `limit`
MAX_OFFSET = 10_000  # classic pagination: offset + limit may not exceed it
MAX_RANGE = timedelta(days=180)  # `/incidents`: since..until at most 6 months
MIN_RANGE = timedelta(seconds=1)  # a window is never halved below this
# log entry times are whole seconds: a later run reads from the second after the newest
# entry loaded (every entry of that second was read: the run's `until` lies after it)
CURSOR_STEP = timedelta(seconds=1)

INCIDENTS = dlt.mark.make_hints(
    table_name="incidents",
    primary_key="id",
    write_disposition="merge",
    columns={"resolved_at": {"data_type": "timestamp"}, "description": {"data_type": "text"}},
)


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _windows(since: datetime, until: datetime) -> Iterator[tuple[datetime, datetime]]:
    while since < until:
        yield since, min(since + MAX_RANGE, until)
        since += MAX_RANGE


class _PagerDutyReader:
    """Offset-paged reads of one account, by date range where the endpoint takes one."""

    def __init__(self, client: RESTClient, page_size: int) -> None:
        self.client = client
        self.page_size = page_size

    def pages(self, path: str, key: str, params: dict[str, Any]) -> Iterator[Any]:
        """dlt's paging; PagerDuty ends a listing with `more: false`."""
        return self.client.paginate(
            path,
            params=params,
            paginator=OffsetPaginator(limit=self.page_size, total_path=None, has_more_path="more"),
            data_selector=key,
        )

    def dated(
        self, path: str, key: str, since: datetime, until: datetime, params: dict[str, Any]
    ) -> Iterator[list[dict[str, Any]]]:
        """Every record of [since, until), in windows PagerDuty accepts."""
        for start, end in _windows(since, until):
            yield from self._window(path, key, start, end, params)

    def _window(
        self, path: str, key: str, since: datetime, until: datetime, params: dict[str, Any]
    ) -> Iterator[list[dict[str, Any]]]:
        # the first page says how many records the window holds; beyond what offset paging
        # reaches, the window is halved instead of read (one request spent per split)
        pages = self.pages(
            path, key, {**params, "since": _iso(since), "until": _iso(until), "total": "true"}
        )
        first = next(pages, None)
        if first is None:
            return
        total = first.response.json().get("total") or 0
        if total > MAX_OFFSET and until - since > MIN_RANGE:
            pages.close()
            middle = since + (until - since) / 2
            yield from self._window(path, key, since, middle, params)
            yield from self._window(path, key, middle, until, params)
            return
        yield first
        yield from pages

    def earliest_incident(self) -> datetime | None:
        """Creation time of the account's first incident: dated reads start there, not at an
        old `start_date`, so empty windows cost nothing."""
        body = self.client.get(
            "/incidents", params={"date_range": "all", "sort_by": "created_at:asc", "limit": 1}
        ).json()
        return _parse(body["incidents"][0]["created_at"]) if body["incidents"] else None


def _reference(incident: dict[str, Any]) -> dict[str, Any]:
    """The incident reference PagerDuty sends without `include[]=incidents`."""
    return {
        "id": incident["id"],
        "type": "incident_reference",
        "summary": incident.get("summary"),
        "self": incident.get("self"),
        "html_url": incident.get("html_url"),
    }


@dlt.source(name="pagerduty", max_table_nesting=1)
def pagerduty_source(
    api_token: str = dlt.secrets.value,
    base_url: str = "https://api.pagerduty.com",
    start_date: str = "2000-01-01",
    page_size: int = MAX_PAGE_SIZE,
) -> list[DltResource]:
    start = parse_start_date(start_date, "sources.pagerduty.start_date")
    client = source_client(
        "pagerduty",
        base_url,
        AUTH_KEY,
        headers={
            "Authorization": f"Token token={api_token}",
            "Accept": "application/vnd.pagerduty+json;version=2",
        },
    )
    reader = _PagerDutyReader(client, min(page_size, MAX_PAGE_SIZE))

    def first_load(until: datetime) -> Iterator[Any]:
        since = max(start, reader.earliest_incident() or until)
        listed: set[str] = set()
        for incidents in reader.dated(
            "/incidents", "incidents", since, until, {"sort_by": "created_at:asc"}
        ):
            listed.update(incident["id"] for incident in incidents)
            yield dlt.mark.with_hints(incidents, INCIDENTS, create_table_variant=True)
        named: set[str] = set()
        for entries in reader.dated("/log_entries", "log_entries", since, until, {}):
            named.update(entry["incident"]["id"] for entry in entries)
            yield entries
        # incidents created before start_date that changed after it
        for incident_id in sorted(named - listed):
            incident = client.get(f"/incidents/{incident_id}").json()["incident"]
            yield dlt.mark.with_hints([incident], INCIDENTS, create_table_variant=True)

    def changes_since(since: datetime, until: datetime) -> Iterator[Any]:
        changed: dict[str, dict[str, Any]] = {}
        for entries in reader.dated(
            "/log_entries", "log_entries", since, until, {"include[]": "incidents"}
        ):
            for entry in entries:
                changed[entry["incident"]["id"]] = entry["incident"]
                entry["incident"] = _reference(entry["incident"])
            yield entries
        if changed:
            yield dlt.mark.with_hints(list(changed.values()), INCIDENTS, create_table_variant=True)

    @dlt.resource(primary_key="id", write_disposition="merge")
    def incident_log_entries() -> Iterator[Any]:
        """Log entries, and into `incidents` the incidents listed or named by them."""
        state = dlt.current.resource_state()
        until = datetime.now(UTC).replace(microsecond=0)
        newest = state.get("newest_entry_at")
        if newest is None:
            pages = first_load(until)
        else:
            pages = changes_since(_parse(newest) + CURSOR_STEP, until)
        for page in pages:
            if isinstance(page, list) and page:
                latest = max(entry["created_at"] for entry in page)
                if newest is None or _parse(latest) > _parse(newest):
                    newest = latest
            yield page
        if newest is not None:
            state["newest_entry_at"] = newest

    @dlt.resource(primary_key="id", write_disposition="merge")
    def services() -> Iterator[list[dict[str, Any]]]:
        yield from reader.pages("/services", "services", {})

    @dlt.resource(primary_key="id", write_disposition="merge")
    def teams() -> Iterator[list[dict[str, Any]]]:
        yield from reader.pages("/teams", "teams", {})

    @dlt.resource(primary_key="id", write_disposition="merge")
    def priorities() -> Iterator[list[dict[str, Any]]]:
        yield from reader.pages("/priorities", "priorities", {})

    return [incident_log_entries, services, teams, priorities]
