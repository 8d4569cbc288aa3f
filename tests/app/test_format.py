"""The words a stakeholder reads, pinned as literal strings written by hand (no app code in the
expectations): values with units and evidence, NULL with its reason, n, changes, trends, cards."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest

from app.alignment import expected_sign, verdict
from app.cards import card_html, card_lines
from app.format import (
    baseline_words,
    change_words,
    evidence,
    format_number,
    format_value,
    hours_words,
    label_with_unit,
    period_label,
    sample_words,
    target_mark,
    target_words,
    value_with_evidence,
)
from app.review import is_too_small, target_met, trend
from app.settings import MIN_SAMPLE_SIZE_ENV, settings


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (12.0, "pct", "12 %"),
        (7.058824, "pct", "7.1 %"),
        (99.390046, "pct", "99.39 %"),  # never rounds up to a met 99.5 % target
        (60.428056, "hours", "60.4 h"),
        (3.398675, "days", "3.4 days"),
        (13.216667, "minutes", "13.2 min"),
        (6.467391, "deploys_per_week", "6.5 deploys/week"),
        (134677.777778, "currency", "$134,678"),
        (-1234.5, "currency", "-$1,234"),
        (0.031, "currency", "$0.031"),
        (0.0, "pct", "0 %"),
        (7.0, "count", "7"),
        (1500.0, "lines", "1,500 lines"),
        (None, "pct", "no data"),
        (float("nan"), "hours", "no data"),
        (pd.NA, "count", "no data"),
    ],
)
def test_format_value(value: object, unit: str, shown: str) -> None:
    assert format_value(value, unit) == shown


def test_format_number() -> None:
    assert format_number(1234567) == "1,234,567"
    assert format_number(0.0456) == "0.046"
    assert format_number(None) == "no data"


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        ((12.0, "pct", 3, 25, 25, None), "12 % (3 of 25)"),
        (
            (6.467391, "deploys_per_week", 85, 13.142857, 85, None),
            "6.5 deploys/week (85 deploys in 13.1 weeks)",
        ),
        ((60.428056, "hours", 133, None, 133, None), "60.4 h (n = 133)"),
        (
            (0.058824, "defects_per_deploy", 5, 85, 85, None),
            "0.059 defects/deploy (5 defects in 85 deploys)",
        ),
        ((0.0, "pct", 0, 4, 4, None), "0 % (0 of 4)"),
        ((None, "pct", None, None, None, "no events in period"), "no data (no events in period)"),
        ((None, "pct", 0, 0, 0, "denominator is zero"), "no data (denominator is zero)"),
        ((None, "hours", None, None, None, None), "no data"),
    ],
)
def test_value_with_evidence(args: tuple, shown: str) -> None:
    assert value_with_evidence(*args) == shown


def test_availability_evidence_is_downtime() -> None:
    # 808 minutes down of the 92 days x 1,440 minutes of Q3
    assert value_with_evidence(99.390046, "pct", 808, 132480, 2, None, "time-weighted") == (
        "99.39 % (808 of 132,480 minutes down)"
    )


def test_target_marks() -> None:
    assert target_mark(80, False, "pct") == "80 % ✗"
    assert target_mark(24, True, "hours") == "24 h ✓"
    assert target_mark(0.05, None, "currency") == "$0.05 ?"
    assert target_mark(None, None, "pct") == "–"


def test_evidence_without_a_value_is_empty() -> None:
    assert evidence(None, "pct", 3, 25, 25) == ""


def test_sample_words() -> None:
    assert sample_words(85, 5) == "n = 85"
    assert sample_words(2, 5) == "n = 2, n too small (minimum 5)"
    assert sample_words(1250, 5) == "n = 1,250"
    assert sample_words(None, 5) == "n unknown"
    assert sample_words(2, 5, judged=False) == "n = 2"  # two incidents are a count, not a sample


@pytest.mark.parametrize(
    ("value", "baseline", "unit", "shown"),
    [
        (8.1, 5.1, "pct", "+3.0 pp vs baseline 5.1 %"),  # points, not +59 %
        (12.9, 18.5, "pct", "-5.6 pp vs baseline 18.5 %"),
        (2.8, 3.6, "hours", "-22 % vs baseline 3.6 h"),
        (29.3, 27.1, "deploys_per_week", "+8 % vs baseline 27.1 deploys/week"),
        (3.0, 0.0, "count", "+3 vs baseline 0"),
        (5.0, None, "hours", "no baseline"),
        (None, 4.0, "hours", "baseline 4 h"),
    ],
)
def test_change_words(value: object, baseline: object, unit: str, shown: str) -> None:
    assert change_words(value, baseline, unit) == shown


def test_target_words() -> None:
    assert target_words(15, True, "pct") == "15 %: met"
    assert target_words(24, False, "hours") == "24 h: not met"
    assert target_words(24, None, "hours") == "24 h: not assessed"
    assert target_words(None, None, "hours") == "none"


def test_period_labels_and_baseline_words() -> None:
    assert period_label("quarter", date(2026, 7, 1)) == "2026-Q3"
    assert period_label("quarter", pd.Timestamp("2026-10-01")) == "2026-Q4"
    assert period_label("month", date(2026, 9, 1)) == "Sep 2026"
    assert period_label("week", date(2026, 9, 28)) == "Week of 28 Sep 2026"
    assert baseline_words("month", 3) == "the mean of the 3 complete months before"
    assert baseline_words("quarter", 3) == (
        "the mean of the 3 complete months before the quarter (counts and sums scaled to a quarter)"
    )


def test_labels_carry_their_unit_in_full() -> None:
    assert label_with_unit("Deployment frequency", "deploys_per_week") == (
        "Deployment frequency (deploys per week)"
    )
    assert label_with_unit("Change failure rate", "pct") == "Change failure rate (%)"
    assert label_with_unit("Incident count", "count") == "Incident count"


def test_hours_words() -> None:
    assert hours_words(0.5) == "30 min"
    assert hours_words(5.25) == "5.2 h"
    assert hours_words(50.4) == "2.1 days"
    assert hours_words(None) == "no data"


# --- judging a value ------------------------------------------------------------------------


def test_small_samples_apply_to_estimates_not_to_counts() -> None:
    assert is_too_small(2, "mean", 5)
    assert is_too_small(4, "median (p50, p90 beside)", 5)
    assert not is_too_small(5, "median", 5)
    assert is_too_small(None, "ratio of sums", 5)
    assert not is_too_small(2, "count", 5)  # two incidents is a measurement
    assert not is_too_small(2, "sum", 5)
    assert not is_too_small(2, "time-weighted", 5)
    assert not is_too_small(2, "count per period scaled to weeks", 5)


@pytest.mark.parametrize(
    ("value", "baseline", "direction", "small", "word"),
    [
        (13.46, 10.09, "lower_is_better", True, "n too small"),  # Platform MTTA, n = 2
        (13.46, 10.09, "lower_is_better", False, "worsening"),
        (8.0, 10.0, "lower_is_better", False, "improving"),
        (12.0, 10.0, "higher_is_better", False, "improving"),
        (10.4, 10.0, "higher_is_better", False, "flat"),  # +4 % is within the 5 % tolerance
        (10.5, 10.0, "higher_is_better", False, "flat"),  # exactly 5 %: flat
        (10.6, 10.0, "higher_is_better", False, "improving"),
        (0.0, 0.0, "higher_is_better", False, "flat"),
        (1.0, 0.0, "lower_is_better", False, "worsening"),
        (None, 10.0, "higher_is_better", False, "unknown"),
        (10.0, None, "higher_is_better", False, "unknown"),
    ],
)
def test_trend(value: object, baseline: object, direction: str, small: bool, word: str) -> None:
    assert trend(value, baseline, direction, small, 5.0) == word


def test_target_met_follows_direction() -> None:
    assert target_met(15.0, 15.0, "lower_is_better") is True
    assert target_met(15.1, 15.0, "lower_is_better") is False
    assert target_met(99.39, 99.5, "higher_is_better") is False
    assert target_met(None, 15.0, "lower_is_better") is None


def test_alignment_needs_size_n_and_the_expected_sign() -> None:
    # change failure rate (lower is better) improving should go with CSAT up: r < 0
    assert expected_sign("lower_is_better", "up") == -1
    assert expected_sign("higher_is_better", "down") == -1
    assert expected_sign("lower_is_better", "down") == 1
    assert verdict(-0.62, 6, -1, 6, 0.5) == (
        "evidence",
        "r = -0.62 over 6 months, the expected sign",
    )
    assert verdict(0.55, 6, -1, 6, 0.5) == (
        "no evidence",
        "r = 0.55 over 6 months has the wrong sign (expected negative)",
    )
    assert verdict(0.3, 6, 1, 6, 0.5) == (
        "no evidence",
        "r = 0.30 over 6 months, weaker than ±0.50",
    )
    assert verdict(None, 4, 1, 6, 0.5) == ("no evidence", "only 4 paired months (minimum 6)")
    assert verdict(None, 6, 1, 6, 0.5) == ("no evidence", "the KPI or the outcome did not vary")


# --- cards ----------------------------------------------------------------------------------


def _row(**changes: object) -> SimpleNamespace:
    row = {
        "kpi_name": "Mean time to acknowledge",
        "unit": "minutes",
        "aggregation": "mean",
        "value": 13.458333,
        "numerator": 2.0,
        "denominator": None,
        "sample_size": 2,
        "null_reason": None,
        "too_small": True,
        "trend": "n too small",
        "baseline": 10.091667,
        "short_term_target": 30.0,
        "short_term_met": True,
        "dora_tier": None,
    }
    row.update(changes)
    return SimpleNamespace(**row)


def test_small_sample_card_is_grey_without_trend_colour() -> None:
    row = _row()
    assert card_lines(row, 5) == {
        "name": "Mean time to acknowledge",
        "value": "13.5 min",
        "evidence": "n = 2, n too small (minimum 5)",
        "trend": "n too small: +33 % vs baseline 10.1 min",
        "target": "short-term target 30 min: met",
    }
    html = card_html(row, 5)
    assert 'class="kb-card kb-small"' in html
    assert 'class="kb-chip "' in html  # no good/bad colour


def test_card_with_enough_data_and_tier() -> None:
    row = _row(
        kpi_name="Change failure rate",
        unit="pct",
        value=7.058824,
        numerator=6.0,
        denominator=85.0,
        sample_size=85,
        too_small=False,
        trend="worsening",
        baseline=5.0,
        short_term_target=15.0,
        dora_tier="high",
    )
    assert card_lines(row, 5) == {
        "name": "Change failure rate",
        "value": "7.1 %",
        "evidence": "6 of 85; n = 85",
        "trend": "worsening: +2.1 pp vs baseline 5 %",
        "target": "short-term target 15 %: met",
        "tier": "high",
    }
    assert 'class="kb-chip bad"' in card_html(row, 5)


def test_flat_trend_is_never_red() -> None:
    row = _row(too_small=False, sample_size=50, trend="flat", value=10.2, baseline=10.0)
    assert 'class="kb-chip "' in card_html(row, 5)


def test_null_card_says_why() -> None:
    row = _row(
        value=None,
        sample_size=None,
        too_small=False,
        trend="unknown",
        null_reason="no events in period",
    )
    lines = card_lines(row, 5)
    assert lines["value"] == "no data"
    assert lines["evidence"] == "why: no events in period"
    assert 'class="kb-card kb-missing"' in card_html(row, 5)


def test_card_text_is_escaped() -> None:
    assert "<script>" not in card_html(_row(kpi_name="<script>x</script>"), 5)


def test_min_sample_size_from_project_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    settings.cache_clear()
    assert settings().min_sample_size == 5  # dbt_project.yml var min_sample_size
    monkeypatch.setenv(MIN_SAMPLE_SIZE_ENV, "8")
    settings.cache_clear()
    assert settings().min_sample_size == 8
    monkeypatch.setenv(MIN_SAMPLE_SIZE_ENV, "eight")
    settings.cache_clear()
    with pytest.raises(ValueError, match="KPIBRIDGE_MIN_SAMPLE_SIZE='eight' is not a int"):
        settings()
    monkeypatch.delenv(MIN_SAMPLE_SIZE_ENV)
    settings.cache_clear()
