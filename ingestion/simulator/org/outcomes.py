"""Business outcomes: the monthly figures the KPIs are set against (CSAT and churn per team,
infrastructure cost and transactions for the organisation)."""

from __future__ import annotations

from datetime import date

from ingestion.simulator.model import OutcomeValue
from ingestion.simulator.org.context import IMPROVING_TEAM, BuildContext


def build_outcomes(ctx: BuildContext) -> None:
    """Monthly business outcomes per team (CSAT, churn) and for the organisation."""
    org, rng = ctx.org, ctx.rng
    month = date(org.start.year, org.start.month, 1)
    i = 0
    while month < org.end.date():
        for team in org.teams:
            improving = team.key.startswith(IMPROVING_TEAM)
            # CSAT and churn follow the reliability improvement (from month 3) in the same month
            better = improving and i >= 3
            csat = 4.4 if better else 3.7 if improving else 4.1
            churn = 1.4 if better else 2.6 if improving else 2.0
            org.outcomes.append(
                OutcomeValue(
                    month, team.key, "csat", round(csat + rng.uniform(-0.05, 0.05), 2), "score"
                )
            )
            org.outcomes.append(
                OutcomeValue(
                    month, team.key, "churn_rate", round(churn + rng.uniform(-0.1, 0.1), 2), "pct"
                )
            )
        org.outcomes.append(
            OutcomeValue(
                month,
                "organisation",
                "infra_cost",
                round(42000 + rng.uniform(-1500, 1500), 0),
                "usd",
            )
        )
        org.outcomes.append(
            OutcomeValue(
                month,
                "organisation",
                "transactions",
                round(1_200_000 + 50_000 * i + rng.uniform(0, 9000)),
                "count",
            )
        )
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        i += 1
