"""Data-quality findings and NULL reasons on the marts built from the simulator.

The expected findings are computed here from the simulator's org, independently of the SQL.
"""

from __future__ import annotations

import csv
import logging
import shutil
from collections import Counter
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from ingestion.build import BuildError, build_warehouse, release_dbt_duckdb, run_dbt
from ingestion.simulator.model import Org
from tests.conftest import REPO_ROOT, Built, Landed

PRODUCTION = {"production", "prod"}  # var production_environments


def changes_deployed_before_merge(org: Org) -> Counter[str]:
    """Merged PRs per team whose first shipping deployment (by compare) predates the merge.

    Replays what GitHub serves: each successful production deployment of a repository that
    deploys through GitHub deployments ships the default-branch commits since the previous one.
    """
    repos = {r.name: r for r in org.repos if r.deploy_source == "deployments"}
    first_shipped: dict[tuple[str, str], datetime] = {}
    last_sha: dict[str, str] = {}
    for dep in sorted(org.deployments, key=lambda d: (d.created_at, d.id)):
        successes = [s.created_at for s in dep.statuses if s.state == "success"]
        if dep.repo not in repos or dep.environment not in PRODUCTION or not successes:
            continue
        base, last_sha[dep.repo] = last_sha.get(dep.repo), dep.sha
        if base is None or base == dep.sha:
            continue
        history = [c.sha for c in repos[dep.repo].history]
        for sha in history[history.index(base) + 1 : history.index(dep.sha) + 1]:
            key = (dep.repo, sha)
            first_shipped[key] = min(first_shipped.get(key, min(successes)), min(successes))
    team_of = {r.name: r.team_key for r in org.repos}
    found: Counter[str] = Counter()
    for pr in org.pull_requests:
        shas = {pr.merge_commit_sha, *(c.sha for c in pr.commits)}
        shipped = [first_shipped[(pr.repo, s)] for s in shas if (pr.repo, s) in first_shipped]
        if pr.merged_at is not None and shipped and min(shipped) < pr.merged_at:
            found[team_of[pr.repo]] += 1
    return found


def findings(built: Built, check_name: str) -> Counter[str]:
    rows = built.query(
        "select team_key, count(*) from data_quality_findings where check_name = ? group by 1",
        [check_name],
    )
    return Counter({team: count for team, count in rows})


def test_no_change_is_deployed_before_its_merge_in_the_demo_org(built: Built) -> None:
    # the simulator lands a PR on the default branch when it merges (tests/simulator/test_org.py),
    # so neither the replay nor the SQL finds one; the finding itself is unit-tested in dbt
    # (models/marts/kpis/_dq_findings__unit_tests.yml)
    assert changes_deployed_before_merge(built.org) == Counter()
    assert findings(built, "change_deployed_before_merge") == Counter()


def test_unlinked_high_urgency_incidents_are_named_per_team(built: Built) -> None:
    linked = {
        incident_id
        for (incident_id,) in built.query(
            "select incident_id from incidents where linked_deployment_key is not null"
        )
    }
    team_of_service = {s: t.key for t in built.org.teams for s in t.pagerduty_service_ids}
    expected = Counter(
        team_of_service[i.service_id]
        for i in built.org.incidents
        if i.urgency == "high" and i.id not in linked
    )

    assert findings(built, "unlinked_high_urgency_incident") == expected


def test_mapped_and_landed_entities_match_in_the_simulator(built: Built) -> None:
    with (REPO_ROOT / "seeds" / "team_sources.csv").open() as seed:
        mapped = {
            (row["source_system"], row["source_kind"], row["source_key"])
            for row in csv.DictReader(seed)
        }
    landed = (
        {("github", "repo", r.name) for r in built.org.repos}
        | {("jira", "project", p.key) for p in built.org.projects}
        | {("jira", "board", str(b.id)) for b in built.org.boards}
        | {("pagerduty", "service", s.id) for s in built.org.services}
    )

    def entities(check_name: str) -> set[tuple[str, str, str]]:
        rows = built.query(
            "select entity, entity_id from data_quality_findings where check_name = ?",
            [check_name],
        )
        return {(*entity.split("_", 1), entity_id) for entity, entity_id in rows}

    assert entities("mapped_entity_not_found") == mapped - landed
    assert entities("unowned_entity") == {e for e in landed - mapped if e[1] != "board"}


def test_findings_have_a_team_unless_nothing_owns_them(built: Built) -> None:
    rows = built.query(
        "select check_name, count(*) from data_quality_findings where team_key is null "
        "and check_name not in ('unowned_entity', 'source_stale') group by 1"
    )
    assert rows == []


@pytest.fixture
def health_warehouse(built: Built, tmp_path: Path) -> Path:
    """The built warehouse with payments' active health KPI NULL in every period."""
    warehouse = tmp_path / "kpibridge.duckdb"
    shutil.copy(built.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "update marts.kpi_values set value = null where team_key = 'payments' "
            "and kpi_id = 'tech_debt_remediation_rate'"
        )
    return warehouse


def test_health_metric_test_needs_a_value(health_warehouse: Path) -> None:
    select = ["--select", "test_name:team_has_long_term_health_metric"]
    try:
        with pytest.raises(BuildError, match="team_has_long_term_health_metric"):
            run_dbt(
                ["test", *select, "--vars", '{"require_every_kpi_computed": true}'],
                health_warehouse,
            )
    finally:
        release_dbt_duckdb()


def test_uncomputable_kpi_is_null_with_its_reason_warned_and_published(
    landed: Landed, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # an account without Jira fix versions: on_time_delivery cannot be computed
    warehouse = tmp_path / "kpibridge.duckdb"
    shutil.copy(landed.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from raw_jira.versions")
    marts = tmp_path / "marts.duckdb"

    with caplog.at_level(logging.WARNING, logger="kpibridge.build"):
        build_warehouse(
            warehouse,
            marts_path=marts,
            # simulated people: the committed demo salt is allowed
            dbt_vars={"kpi_as_of_date": "2026-11-01", "allow_demo_salt": True},
        )

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    glossary_warning = [w for w in warnings if "every_glossary_kpi_computed" in w]
    assert len(glossary_warning) == 1
    assert "on kpi_glossary_mart column kpi_id" in glossary_warning[0]
    assert "on_time_delivery" in glossary_warning[0]
    with duckdb.connect(str(marts), read_only=True) as con:
        reasons = con.execute(
            "select distinct value, null_reason from kpi_values "
            "where kpi_id = 'on_time_delivery' and grain = 'month'"
        ).fetchall()
        teams = con.execute(
            "select team_key from data_quality_findings where check_name = 'kpi_never_computed'"
            " and entity_id = 'on_time_delivery' order by team_key"
        ).fetchall()
    assert reasons == [
        (
            None,
            "no value in any period for this team: "
            "needs released Jira fix versions with a release date",
        )
    ]
    assert teams == [("checkout",), ("mobile",), ("organisation",), ("payments",), ("platform",)]
