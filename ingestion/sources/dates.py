"""One reading of the `start_date` settings every source accepts."""

from __future__ import annotations

from datetime import UTC, date, datetime

EXAMPLES = "2026-01-01, 2026-01-01T09:00:00 or 2026-01-01T09:00:00+02:00"


def parse_start_date(value: str | date, key: str) -> datetime:
    """`value` as a UTC-aware datetime: a date (`YYYY-MM-DD`, midnight UTC) or an ISO 8601
    timestamp with or without an offset (without one it is UTC). TOML's unquoted dates arrive
    as date objects and are taken as they are. Anything else raises a ValueError naming `key`
    (and its environment variable), the value and examples of right ones."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, datetime.min.time())
    else:
        parsed = _fromisoformat(str(value).strip())
    if parsed is None:
        # raised outside the failed parse: callers that report the innermost exception of a
        # chain must show this message, not the parser's
        env = key.upper().replace(".", "__")
        raise ValueError(
            f"{key} = {value!r} is not a date (set in .dlt/config.toml or {env}): write "
            f"YYYY-MM-DD or an ISO 8601 timestamp, e.g. {EXAMPLES}"
        )
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _fromisoformat(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
