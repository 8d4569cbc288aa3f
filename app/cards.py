"""KPI cards as HTML: value with unit, evidence and n, trend chip, target, DORA tier.

Pure functions shared by the app (st.markdown) and the offline report. Every text is escaped.
A value from too small a sample is greyed and its trend chip has no colour.
"""

from __future__ import annotations

from html import escape
from typing import Any

from app.format import (
    change_words,
    evidence,
    format_value,
    is_missing,
    sample_words,
    target_words,
)
from app.review import TOO_SMALL, sample_rule_applies

TIER_COLOURS = {"elite": "#1b7837", "high": "#5aae61", "medium": "#e08214", "low": "#c51b7d"}
TREND_CLASSES = {"improving": "good", "worsening": "bad"}

CARD_CSS = """
<style>
.kb-grid {display: grid; grid-template-columns: repeat(auto-fill, minmax(205px, 1fr));
  gap: 0.6rem; margin: 0.3rem 0 1rem 0;}
.kb-card {border: 1px solid #d0d4dc; border-radius: 0.5rem; padding: 0.6rem 0.75rem;
  background: #ffffff; font-size: 0.85rem; line-height: 1.35;}
.kb-name {font-weight: 600; color: #31333f;}
.kb-value {font-size: 1.55rem; font-weight: 600; color: #0e1117; margin: 0.15rem 0;}
.kb-small .kb-value, .kb-small .kb-evidence {color: #9aa0a6;}
.kb-missing .kb-value {color: #9aa0a6; font-size: 1.2rem;}
.kb-evidence, .kb-line {color: #555b66;}
.kb-chip {display: inline-block; border-radius: 0.8rem; padding: 0.05rem 0.5rem;
  margin: 0.2rem 0; background: #eceff3; color: #434a54;}
.kb-chip.good {background: #dff3e4; color: #1b6b30;}
.kb-chip.bad {background: #fbe3e4; color: #a4262c;}
.kb-tier {display: inline-block; border-radius: 0.3rem; padding: 0 0.4rem; color: #ffffff;
  font-weight: 600;}
</style>
"""


def card_lines(row: Any, min_sample_size: int) -> dict[str, str]:
    """The words of one card (row: an assessed period_scorecard row)."""
    missing = is_missing(row.value)
    lines = {
        "name": str(row.kpi_name),
        "value": format_value(row.value, row.unit),
        "evidence": (
            f"why: {row.null_reason or 'unknown'}"
            if missing
            else "; ".join(
                part
                for part in (
                    evidence(
                        row.value, row.unit, row.numerator, row.denominator, None, row.aggregation
                    ),
                    sample_words(
                        row.sample_size, min_sample_size, sample_rule_applies(row.aggregation)
                    ),
                )
                if part
            )
        ),
        "trend": f"{row.trend}: {change_words(row.value, row.baseline, row.unit)}",
        "target": "short-term target "
        + target_words(row.short_term_target, row.short_term_met, row.unit),
    }
    if not is_missing(row.dora_tier) and not row.too_small:
        lines["tier"] = str(row.dora_tier)
    return lines


def card_html(row: Any, min_sample_size: int) -> str:
    lines = card_lines(row, min_sample_size)
    state = "kb-missing" if is_missing(row.value) else ("kb-small" if row.too_small else "")
    chip = "" if row.trend == TOO_SMALL else TREND_CLASSES.get(row.trend, "")
    tier = ""
    if "tier" in lines:
        colour = TIER_COLOURS.get(lines["tier"], "#666666")
        tier = (
            f'<div class="kb-line">DORA tier <span class="kb-tier" '
            f'style="background:{colour}">{escape(lines["tier"])}</span></div>'
        )
    return (
        f'<div class="kb-card {state}">'
        f'<div class="kb-name">{escape(lines["name"])}</div>'
        f'<div class="kb-value">{escape(lines["value"])}</div>'
        f'<div class="kb-evidence">{escape(lines["evidence"])}</div>'
        f'<div class="kb-chip {chip}">{escape(lines["trend"])}</div>'
        f'<div class="kb-line">{escape(lines["target"])}</div>'
        f"{tier}</div>"
    )


def cards_html(rows: Any, min_sample_size: int) -> str:
    """A responsive grid of cards: four or five to a row on a 1280 px laptop, never cut."""
    cards = "".join(card_html(r, min_sample_size) for r in rows.itertuples())
    return f'<div class="kb-grid">{cards}</div>'
