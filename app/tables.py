"""The scorecard as a table that fits a 1280 px laptop: the app and the report show the same."""

from __future__ import annotations

import pandas as pd

from app.format import change_words, is_missing, target_mark, value_with_evidence

TARGET_LEGEND = "Targets: ✓ met, ✗ not met, ? not assessed (no value), – none set."


def scorecard_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Assessed period rows -> one display string per cell, key columns first."""
    return pd.DataFrame(
        {
            "KPI": rows["kpi_name"],
            "Value (evidence)": [
                value_with_evidence(
                    r.value,
                    r.unit,
                    r.numerator,
                    r.denominator,
                    r.sample_size,
                    r.null_reason,
                    r.aggregation,
                )
                + (" n too small" if r.too_small else "")
                for r in rows.itertuples()
            ],
            "Trend vs baseline": [
                f"{r.trend}: {change_words(r.value, r.baseline, r.unit, against='vs')}"
                for r in rows.itertuples()
            ],
            "Targets (short / long)": [
                target_mark(r.short_term_target, r.short_term_met, r.unit)
                + " / "
                + target_mark(r.long_term_target, r.long_term_met, r.unit)
                for r in rows.itertuples()
            ],
            "DORA tier": [
                "" if is_missing(r.dora_tier) or r.too_small else str(r.dora_tier)
                for r in rows.itertuples()
            ],
            "Owner": rows["owner"].fillna(""),
        }
    ).reset_index(drop=True)
