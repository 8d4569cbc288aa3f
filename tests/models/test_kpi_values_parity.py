"""kpi_values built from the simulator org equals the committed golden snapshot, cell by cell
(refresh it with `uv run python -m tests.models.kpi_golden` after a deliberate change).

A KPI added after the snapshot is not in it: its values are held by its hand-computed cases
(tests/models/kpi_metric_cases) until a refresh adds it."""

from __future__ import annotations

from tests.conftest import Built
from tests.models.kpi_golden import GOLDEN, differences, read_golden, snapshot

SHOWN = 30


def test_kpi_values_equal_the_golden_snapshot(built: Built) -> None:
    expected = read_golden()
    assert len(expected) > 1000, f"{GOLDEN} looks truncated"
    snapshotted = {row["kpi_id"] for row in expected}
    actual = [row for row in snapshot(built.marts) if row["kpi_id"] in snapshotted]
    lines = differences(expected, actual)
    assert not lines, (
        f"{len(lines)} differences from {GOLDEN} (refresh: uv run python -m tests.models.kpi_golden"
        " if the change is intended):\n" + "\n".join(lines[:SHOWN])
    )


def test_differences_name_the_kpi_team_grain_and_period() -> None:
    row = {
        "kpi_id": "mttr",
        "grain": "month",
        "team_key": "payments",
        "period_start": "2026-06-01",
        "period_end": "2026-07-01",
        "value": "2.5",
        "numerator": "",
        "denominator": "",
        "sample_size": "4",
        "value_p50": "2",
        "value_p90": "",
        "is_complete": "True",
        "null_reason": "",
    }
    close = {**row, "value": "2.5000000000001"}
    changed = {**row, "value": "", "null_reason": "no events in period"}
    other_period = {**row, "period_start": "2026-07-01"}
    assert differences([row], [close]) == []
    assert differences([row], [changed]) == [
        "kpi_id=mttr, grain=month, team_key=payments, period_start=2026-06-01: "
        "value expected '2.5', got ''",
        "kpi_id=mttr, grain=month, team_key=payments, period_start=2026-06-01: "
        "null_reason expected '', got 'no events in period'",
    ]
    assert differences([row], [other_period]) == [
        "missing row kpi_id=mttr, grain=month, team_key=payments, period_start=2026-06-01",
        "extra row kpi_id=mttr, grain=month, team_key=payments, period_start=2026-07-01",
    ]
