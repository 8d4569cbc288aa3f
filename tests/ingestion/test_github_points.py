"""The GitHub source reads the `rateLimit` object of every GraphQL answer and, when fewer
points remain than the next query costs, waits for the reset and says so."""

from __future__ import annotations

import logging

import pytest

from ingestion.simulator import github_graphql
from ingestion.simulator.common import Credentials
from ingestion.simulator.org import build_org
from ingestion.simulator.server import Simulator
from ingestion.sources.github_graphql import GraphQL
from ingestion.sources.http import source_client


def test_waits_for_the_reset_when_the_points_run_out(caplog: pytest.LogCaptureFixture) -> None:
    org = build_org()
    github_graphql._budgets[id(org)] = github_graphql.PointBudget(limit=3)
    slept: list[float] = []
    with Simulator(org) as sim:
        client = source_client(
            "github",
            sim.urls["github"],
            "key",
            headers={"Authorization": f"Bearer {Credentials().github_token}"},
        )
        graphql = GraphQL(client, sleep=slept.append, now=lambda: graphql.reset_at - 120)
        with caplog.at_level(logging.WARNING, logger="kpibridge.github"):
            for _ in range(3):  # 1 point each: 2, 1, then 0 remaining
                graphql.query("viewerless: rateLimit { limit }")
            assert (graphql.remaining, slept) == (0, [])
            graphql.query("viewerless: rateLimit { limit }")
    assert slept == [120]
    (message,) = [r.getMessage() for r in caplog.records]
    resume = github_graphql.time.strftime(
        "%H:%M:%S", github_graphql.time.localtime(graphql.reset_at)
    )
    assert message.startswith("github: 0 GraphQL points remaining, the next query costs 1:")
    assert "waiting 120 s until the budget resets at" in message and resume in message
