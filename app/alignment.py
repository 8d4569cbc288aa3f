"""Judging a goal -> KPI -> outcome pair: evidence needs size, n and the expected sign."""

from __future__ import annotations

import pandas as pd

from app.format import format_number, goal_name, is_missing, outcome_name


def expected_sign(kpi_direction: str, expected_outcome_move: str) -> int:
    """+1 when the KPI and the outcome should rise together, -1 when one should fall.

    The goal seeds say how the outcome moves when the KPI improves: a lower-is-better KPI
    (change failure rate) improving (falling) with CSAT rising means a negative correlation."""
    improving = 1 if kpi_direction == "higher_is_better" else -1
    outcome = 1 if expected_outcome_move == "up" else -1
    return improving * outcome


def verdict(r: object, n: object, sign: int, min_points: int, min_abs_r: float) -> tuple[str, str]:
    """('evidence' | 'no evidence', why)."""
    points = 0 if is_missing(n) else int(n)
    if points < min_points:
        return "no evidence", f"only {points} paired months (minimum {min_points})"
    if is_missing(r):
        return "no evidence", "the KPI or the outcome did not vary"
    value = float(r)
    if abs(value) < min_abs_r:
        return "no evidence", f"r = {value:.2f} over {points} months, weaker than ±{min_abs_r:.2f}"
    if (value > 0) != (sign > 0):
        return (
            "no evidence",
            f"r = {value:.2f} over {points} months has the wrong sign "
            f"(expected {'positive' if sign > 0 else 'negative'})",
        )
    return "evidence", f"r = {value:.2f} over {points} months, the expected sign"


def judge_pairs(pairs: pd.DataFrame, min_points: int, min_abs_r: float) -> pd.DataFrame:
    """kpi_alignment rows (with kpi_name, kpi_direction) -> display columns and a verdict.

    The mart withholds r below alignment_min_points; the r shown here is the mart's."""
    out = pairs.copy()
    out["has_outcome"] = out["outcome_first_value"].notna()
    out["sign"] = [
        expected_sign(d, e)
        for d, e in zip(out["kpi_direction"], out["expected_direction"], strict=True)
    ]
    judged = [
        verdict(r.correlation, r.n_points, r.sign, min_points, min_abs_r) for r in out.itertuples()
    ]
    out["Verdict"] = [v for v, _ in judged]
    out["Why"] = [w for _, w in judged]
    out["Goal"] = out["business_goal"].map(goal_name)
    out["Driver (KPI)"] = out["kpi_name"].fillna(out["kpi_id"])
    out["Outcome"] = out["outcome_measure"].map(outcome_name)
    out["Outcome (expected move)"] = [
        f"{name} {'↑' if e == 'up' else '↓'}"
        for name, e in zip(out["Outcome"], out["expected_direction"], strict=True)
    ]
    out["Correlation"] = [
        "" if is_missing(r) else f"r = {float(r):.2f} (n = {format_number(n)})"
        for r, n in zip(out["correlation"], out["n_points"], strict=True)
    ]
    return out.sort_values(["has_outcome", "Verdict", "Goal"], ascending=[False, True, True])
