"""Judging a KPI value for a review period: small samples, trend against baseline, targets.

The rules match kpi_scorecard's for the latest month (baseline = mean of the previous
`baseline_months` complete periods; flat within `trend_flat_tolerance_pct` of the baseline), with
one addition: a value computed from fewer than `min_sample_size` events is 'n too small' and gets
no trend. KPIs that are counts or sums (incident count, downtime cost, deployment frequency) or
time-weighted (availability) are measurements, not samples, so the rule does not apply to them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from app.format import is_missing
from app.settings import Settings

MEASUREMENT_AGGREGATIONS = ("count", "sum", "snapshot", "time-weighted")
TOO_SMALL = "n too small"


def sample_rule_applies(aggregation: Any) -> bool:
    """False for KPIs whose value is a count or sum of events rather than an estimate."""
    return is_missing(aggregation) or not str(aggregation).startswith(MEASUREMENT_AGGREGATIONS)


def is_too_small(sample_size: Any, aggregation: Any, min_sample_size: int) -> bool:
    if not sample_rule_applies(aggregation):
        return False
    return is_missing(sample_size) or int(sample_size) < min_sample_size


def trend(
    value: Any, baseline: Any, direction: Any, too_small: bool, flat_tolerance_pct: float
) -> str:
    """'improving', 'worsening', 'flat', 'unknown' (no value or baseline) or 'n too small'."""
    if is_missing(value) or is_missing(baseline):
        return "unknown"
    if too_small:
        return TOO_SMALL
    change = float(value) - float(baseline)
    relative = 100.0 * change / abs(float(baseline)) if float(baseline) else None
    if change == 0 or (relative is not None and abs(relative) <= flat_tolerance_pct):
        return "flat"
    return "improving" if (change > 0) == (direction == "higher_is_better") else "worsening"


def target_met(value: Any, target: Any, direction: Any) -> bool | None:
    if is_missing(value) or is_missing(target):
        return None
    if direction == "higher_is_better":
        return float(value) >= float(target)
    return float(value) <= float(target)


def assess(rows: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Add too_small, trend, short_term_met and long_term_met to period_scorecard rows."""
    out = rows.copy()
    # plain lists: iterating pandas' Arrow-backed columns element by element is slow
    value, baseline, direction = (out[c].tolist() for c in ("value", "baseline", "direction"))
    out["too_small"] = too_small = [
        is_too_small(n, aggregation, settings.min_sample_size) and not is_missing(v)
        for n, aggregation, v in zip(
            out["sample_size"].tolist(), out["aggregation"].tolist(), value, strict=True
        )
    ]
    out["trend"] = [
        trend(v, b, d, small, settings.flat_tolerance_pct)
        for v, b, d, small in zip(value, baseline, direction, too_small, strict=True)
    ]
    for column in ("short_term", "long_term"):
        out[f"{column}_met"] = [
            target_met(v, t, d)
            for v, t, d in zip(value, out[f"{column}_target"].tolist(), direction, strict=True)
        ]
    return out
