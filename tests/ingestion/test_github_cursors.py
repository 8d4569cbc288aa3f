"""Per-repository cursors of the GitHub source: what an incremental read returns and stops at."""

from __future__ import annotations

from datetime import timedelta

from ingestion.sources.github import advance, read_since

START = "2026-01-01T00:00:00Z"


def rec(id: int, day: str) -> dict[str, object]:  # noqa: A002
    """A record changed and listed on 2026-05-0<day>."""
    at = f"2026-05-0{day}T00:00:00Z"
    return {"id": id, "changed": at, "listed": at}


def test_first_read_takes_everything_since_start_and_the_cursor_keeps_ties() -> None:
    pages = [
        [rec(1, "3"), rec(2, "3")],
        [rec(3, "2"), {**rec(4, "1"), "changed": "2025-12-31T00:00:00Z"}],
    ]
    cursor: dict[str, object] = {}
    fresh = read_since(pages, cursor, START, "changed", "changed")
    assert [r["id"] for r in fresh] == [1, 2, 3]
    advance(cursor, fresh, "changed")
    assert cursor == {"at": "2026-05-03T00:00:00Z", "ids": ["1", "2"]}


def test_later_read_returns_new_changes_and_a_new_record_at_the_cursor_instant() -> None:
    cursor = {"at": "2026-05-03T00:00:00Z", "ids": ["1", "2"]}
    pages = iter([[rec(5, "4"), rec(6, "3"), rec(1, "3")], [rec(3, "2")], [rec(9, "1")]])
    fresh = read_since(pages, cursor, START, "changed", "changed")
    assert [r["id"] for r in fresh] == [5, 6]
    assert next(pages) == [rec(9, "1")]  # stopped after the page that went past the cursor
    advance(cursor, fresh, "changed")
    assert cursor == {"at": "2026-05-04T00:00:00Z", "ids": ["5"]}


def test_listing_by_creation_rereads_the_reopen_window_for_late_changes() -> None:
    """A deployment created before the cursor whose status changed after it is read; paging
    stops once creation times fall `reopen` before the cursor."""
    cursor = {"at": "2026-05-05T00:00:00Z", "ids": ["7"]}
    late = {"id": 8, "changed": "2026-05-06T00:00:00Z", "listed": "2026-05-04T00:00:00Z"}
    old = {"id": 2, "changed": "2026-05-02T00:00:00Z", "listed": "2026-05-02T00:00:00Z"}
    pages = iter([[late], [old], [old]])
    fresh = read_since(pages, cursor, START, "changed", "listed", reopen=timedelta(days=2))
    assert fresh == [late]
    assert next(pages) == [old]  # the second page (created 3 days before) ended the read
