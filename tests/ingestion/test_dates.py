"""`start_date` settings: dates and ISO 8601 timestamps read as UTC, anything else refused with
the key, the value and an example of a right one."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ingestion.sources.dates import parse_start_date


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-01-01", datetime(2026, 1, 1, tzinfo=UTC)),
        ("2026-01-01T09:30:00", datetime(2026, 1, 1, 9, 30, tzinfo=UTC)),
        ("2026-01-01T09:30:00Z", datetime(2026, 1, 1, 9, 30, tzinfo=UTC)),
        ("2026-01-01T09:30:00+02:00", datetime(2026, 1, 1, 7, 30, tzinfo=UTC)),
        ("2026-01-01T00:30:00.000+0100", datetime(2025, 12, 31, 23, 30, tzinfo=UTC)),
        (" 2026-03-04 ", datetime(2026, 3, 4, tzinfo=UTC)),
        (date(2026, 3, 4), datetime(2026, 3, 4, tzinfo=UTC)),  # TOML's unquoted date
    ],
)
def test_dates_and_timestamps_read_as_utc(value: str | date, expected: datetime) -> None:
    parsed = parse_start_date(value, "sources.jira.start_date")
    assert parsed == expected
    assert parsed.utcoffset() is not None and parsed.utcoffset().total_seconds() == 0


@pytest.mark.parametrize("value", ["01/05/2026", "2026-13-01", "yesterday", ""])
def test_anything_else_names_the_key_the_value_and_an_example(value: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_start_date(value, "sources.pagerduty.start_date")
    message = str(raised.value)
    assert "sources.pagerduty.start_date" in message
    assert "SOURCES__PAGERDUTY__START_DATE" in message
    assert repr(value) in message
    assert "e.g. 2026-01-01" in message
    assert raised.value.__context__ is None  # the parser's own message is not the one shown
