"""Configured dates: one parser, so a wrong value fails the same clear way in every source."""

from __future__ import annotations

from datetime import UTC, datetime


def parse_start_date(value: str, key: str) -> datetime:
    """A `start_date` setting as an aware UTC datetime: YYYY-MM-DD or ISO 8601 (Z or offset;
    no offset means UTC). Anything else raises ValueError naming the key, the value and an
    example, before any request is made."""
    try:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None:  # raised outside the except: the message is the error, not its context
        raise ValueError(
            f"{key} = {value!r} is not a date: use YYYY-MM-DD or ISO 8601, "
            'e.g. "2026-01-01" or "2026-01-01T00:00:00Z"'
        )
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
