"""Display strings: a value always with its unit and evidence; NULL is 'no data', never 0.

Pure functions (no Streamlit, no database) so the app and the offline report say the same thing,
and tests can pin the exact words a stakeholder reads.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd

# unit -> (prefix, suffix) for display; percentages are stored 0-100.
UNIT_LABELS: dict[str, tuple[str, str]] = {
    "pct": ("", " %"),
    "hours": ("", " h"),
    "days": ("", " days"),
    "minutes": ("", " min"),
    "count": ("", ""),
    "ratio": ("", ""),
    "deploys_per_week": ("", " deploys/week"),
    "days_per_week": ("", " days/week"),
    "defects_per_deploy": ("", " defects/deploy"),
    "per_kloc": ("", " per 1,000 lines"),
    "lines": ("", " lines"),
    "currency": ("$", ""),
    "usd": ("$", ""),
    "score": ("", ""),
    "prs_per_contributor_week": ("", " PRs/contributor/week"),
}

# The unit in words, for axis titles and table headers.
UNIT_NAMES: dict[str, str] = {
    "pct": "%",
    "hours": "hours",
    "days": "days",
    "minutes": "minutes",
    "count": "count",
    "ratio": "ratio",
    "deploys_per_week": "deploys per week",
    "days_per_week": "deployment days per week",
    "defects_per_deploy": "defects per deploy",
    "per_kloc": "per 1,000 lines",
    "lines": "lines",
    "currency": "$",
    "usd": "$",
    "score": "score",
    "prs_per_contributor_week": "PRs per contributor-week",
}

# How a numerator/denominator pair reads for a rate unit ("3 of 25" for shares).
RATE_EVIDENCE = {
    "pct": "{n} of {d}",
    "deploys_per_week": "{n} deploys in {d} weeks",
    "days_per_week": "{n} deploy days in {d} weeks",
    "defects_per_deploy": "{n} defects in {d} deploys",
    "prs_per_contributor_week": "{n} PRs in {d} contributor-weeks",
}

GOAL_NAMES = {
    "time_to_market": "Time to market",
    "reliability": "Reliability",
    "cost_efficiency": "Cost efficiency",
    "quality": "Quality",
    "predictability": "Predictability",
    "innovation": "Innovation",
}

OUTCOME_NAMES = {
    "csat": "Customer satisfaction (CSAT)",
    "nps": "Net promoter score (NPS)",
    "churn_rate": "Churn rate",
    "revenue": "Revenue",
    "uptime": "Uptime",
    "infra_cost": "Infrastructure cost",
    "transactions": "Transactions",
}

STAGE_WORDS = {
    "coding": "coding (first commit to pull request opened)",
    "pickup": "pickup (waiting for the first review)",
    "review": "review (first review to merge)",
    "deploy": "deploy (merge to running in production)",
}

LINK_RULE_SHORT = {"explicit_reference": "named in the incident", "time_window": "time window"}

LINK_RULE_WORDS = {
    "explicit_reference": (
        "the incident text names the deployment (its sha, deployment id or a shipped Jira key)"
    ),
    "time_window": (
        "latest deployment of the incident's service within the link window before it opened"
    ),
}


def is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return math.isnan(value)
    except TypeError:
        return False


def format_number(value: Any) -> str:
    """A readable number: thousands separators, fewer decimals the larger it gets."""
    if is_missing(value):
        return "no data"
    x = float(value)
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:.1f}"
    return f"{x:.2g}"


def format_value(value: Any, unit: str | None) -> str:
    """The value with its unit: '7.1 %', '60.4 h', '$134,678'; NULL is 'no data', never 0."""
    if is_missing(value):
        return "no data"
    prefix, suffix = UNIT_LABELS.get(unit or "", ("", f" {unit}" if unit else ""))
    number = format_number(value)
    if unit == "pct" and 99 <= abs(float(value)) < 100:
        # 99.45 % must not read as a met 99.5 % availability target.
        number = f"{float(value):.2f}"
    if number.startswith("-") and prefix:
        return f"-{prefix}{number[1:]}{suffix}"
    return f"{prefix}{number}{suffix}"


def unit_name(unit: str | None) -> str:
    return UNIT_NAMES.get(unit or "", unit or "")


def label_with_unit(name: str, unit: str | None) -> str:
    """'Deployment frequency (deploys per week)'; a count needs no unit."""
    words = unit_name(unit)
    return f"{name} ({words})" if words and words not in ("count", "ratio", "score") else name


def evidence(
    value: Any,
    unit: str | None,
    numerator: Any,
    denominator: Any,
    sample_size: Any,
    aggregation: str | None = None,
) -> str:
    """What the value was computed from: '3 of 25', '85 deploys in 13.1 weeks', 'n = 82',
    '808 of 132,480 minutes down' (availability: its numerator is downtime, not uptime)."""
    if is_missing(value):
        return ""
    if aggregation == "time-weighted" and not is_missing(denominator):
        return f"{format_number(numerator)} of {format_number(denominator)} minutes down"
    if not is_missing(numerator) and not is_missing(denominator):
        template = RATE_EVIDENCE.get(unit or "")
        if template:
            return template.format(n=format_number(numerator), d=format_number(denominator))
    if not is_missing(sample_size):
        return f"n = {format_number(sample_size)}"
    return ""


def value_with_evidence(
    value: Any,
    unit: str | None,
    numerator: Any = None,
    denominator: Any = None,
    sample_size: Any = None,
    null_reason: Any = None,
    aggregation: str | None = None,
) -> str:
    """'12 % (3 of 25)', '42.5 h (n = 82)' or 'no data (no events in period)'."""
    if is_missing(value):
        reason = "" if is_missing(null_reason) or not null_reason else f" ({null_reason})"
        return f"no data{reason}"
    shown = format_value(value, unit)
    proof = evidence(value, unit, numerator, denominator, sample_size, aggregation)
    return f"{shown} ({proof})" if proof else shown


def sample_words(sample_size: Any, min_sample_size: int, judged: bool = True) -> str:
    """'n = 2, n too small (minimum 5)' or 'n = 85'; a count or sum is not judged by its n."""
    if is_missing(sample_size):
        return "n unknown"
    n = int(sample_size)
    if judged and n < min_sample_size:
        return f"n = {n:,}, n too small (minimum {min_sample_size})"
    return f"n = {n:,}"


def change_words(value: Any, baseline: Any, unit: str | None, against: str = "vs baseline") -> str:
    """The change against the baseline: percentage points for a percentage KPI, else relative.

    '+0.3 pp vs baseline 6.8 %', '-12 % vs baseline 68.0 h'; no baseline: 'no baseline'.
    """
    if is_missing(baseline):
        return "no baseline"
    if is_missing(value):
        return f"baseline {format_value(baseline, unit)}"
    shown_baseline = format_value(baseline, unit)
    diff = float(value) - float(baseline)
    if unit == "pct":
        return f"{diff:+.1f} pp {against} {shown_baseline}"
    if float(baseline) == 0:
        return f"{'+' if diff >= 0 else '-'}{format_value(abs(diff), unit)} {against} 0"
    relative = round(100.0 * diff / abs(float(baseline)))  # an int, so never "-0"
    return f"{relative:+d} % {against} {shown_baseline}"


def target_mark(target: Any, met: Any, unit: str | None) -> str:
    """Compact target state for tables: '80 % ✓', '95 % ✗', '$0.05 ?' (not assessed), '–'."""
    if is_missing(target):
        return "–"
    mark = "?" if is_missing(met) else ("✓" if bool(met) else "✗")
    return f"{format_value(target, unit)} {mark}"


def direction_words(direction: str | None) -> str:
    return {"higher_is_better": "higher is better", "lower_is_better": "lower is better"}.get(
        direction or "", direction or ""
    )


def target_words(target: Any, met: Any, unit: str | None) -> str:
    """'15 %: met', '24 h: not met', 'none'."""
    if is_missing(target):
        return "none"
    status = "not assessed" if is_missing(met) else ("met" if bool(met) else "not met")
    return f"{format_value(target, unit)}: {status}"


def goal_name(goal: Any) -> str:
    if is_missing(goal):
        return ""
    return GOAL_NAMES.get(str(goal), str(goal).replace("_", " ").capitalize())


def outcome_name(measure: str) -> str:
    return OUTCOME_NAMES.get(measure, measure.replace("_", " ").capitalize())


def period_label(grain: str, start: Any) -> str:
    """'2026-Q3', 'Sep 2026', 'Week of 28 Sep 2026'."""
    day = pd.Timestamp(start).date() if not isinstance(start, date) else start
    if grain == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if grain == "month":
        return f"{day:%b %Y}"
    return f"Week of {day.day} {day:%b %Y}"


def hours_words(hours: Any) -> str:
    """A duration in hours as a person reads it: '45 min', '5.2 h', '3.1 days'."""
    if is_missing(hours):
        return "no data"
    h = float(hours)
    if h < 1:
        return f"{round(h * 60)} min"
    if h < 48:
        return f"{h:.1f} h"
    return f"{h / 24:.1f} days"


def baseline_words(grain: str, baseline_months: int) -> str:
    """What a period's value is compared with."""
    if grain == "week":
        return f"the mean of the {baseline_months} complete weeks before"
    if grain == "quarter":
        return (
            f"the mean of the {baseline_months} complete months before the quarter "
            "(counts and sums scaled to a quarter)"
        )
    return f"the mean of the {baseline_months} complete months before"
