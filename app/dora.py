"""The DORA team comparison: one row per team and metric with the words and tier to show."""

from __future__ import annotations

import pandas as pd

from app.format import format_value, is_missing
from app.queries import DORA_KPIS


def dora_comparison(rows: pd.DataFrame, team_names: dict[str, str], min_n: int) -> pd.DataFrame:
    """Assessed period rows -> Team, Metric, Shown ('6.5 deploys/week (n = 85) elite'), Tier.

    A value from too small a sample keeps its number but loses its tier colour."""
    dora = rows[rows["kpi_id"].isin(DORA_KPIS) & rows["team_key"].isin(list(team_names))]
    out = []
    for r in dora.itertuples():
        n = "" if is_missing(r.sample_size) else f"n = {int(r.sample_size):,}"
        tier = "" if is_missing(r.dora_tier) or r.too_small else str(r.dora_tier)
        words = [format_value(r.value, r.unit)]
        if n:
            words.append(f"({n}{', too small' if r.too_small else ''})")
        if tier:
            words.append(tier)
        out.append(
            {
                "Team": team_names[r.team_key],
                "Metric": r.kpi_name,
                "Shown": " ".join(words),
                "Cell": format_value(r.value, r.unit) + (f"|{n}" if n else ""),
                "Value": r.value,
                "n": r.sample_size,
                "Tier": tier or "no tier",
                "Trend": r.trend,
                "order": DORA_KPIS.index(r.kpi_id),
                "team_order": list(team_names).index(r.team_key),
            }
        )
    return (
        pd.DataFrame(out).sort_values(["order", "team_order"]).drop(columns=["order", "team_order"])
    )
