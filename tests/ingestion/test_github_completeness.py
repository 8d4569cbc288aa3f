"""GitHub lands every record whatever the page size and the number of repository pages, on a
first run and on an incremental run after the organisation changed: no loss, no duplicates."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from ingestion.pipeline import run_ingest, simulator_settings
from ingestion.simulator.expected import github_rows, shipped_ranges
from ingestion.simulator.model import Commit, CommitStatus, Deployment, DeploymentStatus, Org
from ingestion.simulator.org import COVERAGE_CONTEXT, build_org, mutate_org
from ingestion.simulator.server import Simulator

# raw tables and the key that identifies a record in each
KEYS = {
    "raw_github.repositories": "id",
    "raw_github.pull_requests": "id",
    "raw_github.pull_requests__labels": "_dlt_parent_id, _dlt_list_idx",
    "raw_github.pull_request_reviews": "id",
    "raw_github.pull_request_commits": "pull_request_id, sha",
    "raw_github.deployments": "id",
    "raw_github.deployment_statuses": "id",
    "raw_github.releases": "id",
    "raw_github.compares": "repo, base, head",
    "raw_github.compares__commits": "_dlt_parent_id, _dlt_list_idx",
    "raw_github.commit_statuses": "id",
    "raw_github.workflow_runs": "id",
}


def small_org(days: int = 30) -> Org:
    """The default org cut to one repository per way of deploying and its last `days` days,
    consistently (deployed shas stay in the default branch's history)."""
    org = build_org()
    cut = org.end - timedelta(days=days)
    kept = {
        source: next(r for r in org.repos if r.deploy_source == source)
        for source in ("deployments", "releases", "workflow")
    }
    org.repos = list(kept.values())
    names = {r.name for r in org.repos}
    for repo in org.repos:
        repo.history = [c for c in repo.history if c.committed_at >= cut]
    in_history = {c.sha for r in org.repos for c in r.history}
    org.pull_requests = [p for p in org.pull_requests if p.repo in names and p.created_at >= cut]
    org.deployments = [
        d
        for d in org.deployments
        if d.repo in names and d.created_at >= cut and d.sha in in_history
    ]
    org.releases = [r for r in org.releases if r.repo in names and r.created_at >= cut]
    org.workflow_runs = [r for r in org.workflow_runs if r.repo in names and r.created_at >= cut]
    org.commit_statuses = [s for s in org.commit_statuses if s.sha in in_history]
    return org


def ship_more(org: Org, at: datetime) -> None:
    """What a day later brings: two merged commits, the first deployed to production, and a
    coverage report on the second, newer head that is not deployed yet."""
    repo = next(r for r in org.repos if r.deploy_source == "deployments")
    for n, offset in ((1, 1), (2, 3)):
        sha = f"{n:040x}"
        when = at + timedelta(hours=offset)
        repo.history.append(Commit(sha, f"later change {n}", "dev1", when, when))
    deployed, head = repo.history[-2], repo.history[-1]
    deployed_at = deployed.committed_at + timedelta(minutes=30)
    org.deployments.append(
        Deployment(
            99_000_001,
            repo.name,
            deployed.sha,
            "main",
            "production",
            "deploy",
            None,
            "dev1",
            False,
            False,
            deployed_at,
            deployed_at + timedelta(minutes=9),
            [
                DeploymentStatus(99_000_011, "in_progress", deployed_at, "dev1", "deploying"),
                DeploymentStatus(
                    99_000_012, "success", deployed_at + timedelta(minutes=9), "dev1", "done"
                ),
            ],
        )
    )
    posted = head.committed_at + timedelta(minutes=5)
    org.commit_statuses.append(
        CommitStatus(
            99_000_021,
            repo.name,
            head.sha,
            COVERAGE_CONTEXT,
            "success",
            "81.60% (+1.20%) compared to 0000001",
            posted,
            posted,
            "codecov[bot]",
        )
    )


def landed(warehouse: Path) -> dict[str, tuple[int, int]]:
    """Per raw table: (rows, distinct records); (0, 0) for a table never created."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = {
            f"{schema}.{name}"
            for schema, name in con.execute(
                "select schema_name, table_name from duckdb_tables()"
            ).fetchall()
        }
        return {
            table: con.execute(
                f"select count(*), (select count(*) from (select distinct {key} from {table}))"
                f" from {table}"
            ).fetchone()
            if table in tables
            else (0, 0)
            for table, key in KEYS.items()
        }


def expected(org: Org) -> dict[str, tuple[int, int]]:
    return {table: (n, n) for table, n in github_rows(org).items()}


@pytest.mark.timeout(600)
def test_tiny_pages_land_everything_first_and_incremental(tmp_path: Path) -> None:
    org = small_org()
    warehouse = tmp_path / "github.duckdb"
    assert set(github_rows(org)) == set(KEYS)
    with Simulator(org) as sim:
        settings = simulator_settings(sim.urls)["github"] | {"page_size": 2}

        def ingest() -> None:
            results = run_ingest(
                ["github"],
                duckdb_path=warehouse,
                settings={"github": settings},
                pipelines_dir=tmp_path / "pipelines",
            )
            assert [r.error for r in results] == [None]

        ingest()
        # 3 repositories in pages of 2, pull requests with up to 5 commits, 3 statuses per
        # deployment: every listing and nested connection spans several pages
        assert len(org.repos) == 3
        assert max(len(p.commits) for p in org.pull_requests) > 2
        assert landed(warehouse) == expected(org)

        changed_at = org.end + timedelta(days=1)
        mutate_org(org, 3, at=changed_at)
        ship_more(org, changed_at)
        ingest()
    assert landed(warehouse) == expected(org)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        edited = con.execute(
            "select count(*) from raw_github.pull_requests where title like '% (edited)'"
        ).fetchone()
        coverage = con.execute(
            "select description from raw_github.commit_statuses where sha = ?", [f"{2:040x}"]
        ).fetchall()
        shipped = con.execute(
            "select c.sha from raw_github.compares__commits c join raw_github.compares p"
            " on c._dlt_parent_id = p._dlt_id where p.head = ? order by c._dlt_list_idx",
            [f"{1:040x}"],
        ).fetchall()
    assert edited == (3,)
    # the undeployed default-branch head's coverage report is read
    assert coverage == [("81.60% (+1.20%) compared to 0000001",)]
    # the new deployment shipped the commits after the previous deployed sha, its own last
    (new_range,) = [r for r in shipped_ranges(org) if r[-1].sha == f"{1:040x}"]
    assert shipped == [(c.sha,) for c in new_range]


def test_production_environments_match_whatever_their_case(tmp_path: Path) -> None:
    # the setting says "production"; this account's deployer writes "PRODUCTION"
    org = small_org()
    for deployment in org.deployments:
        deployment.environment = deployment.environment.upper()
    shipped = list(shipped_ranges(org))
    with Simulator(org) as sim:
        results = run_ingest(
            ["github"],
            duckdb_path=tmp_path / "github.duckdb",
            settings={"github": simulator_settings(sim.urls)["github"]},
            pipelines_dir=tmp_path / "pipelines",
        )
    assert [r.error for r in results] == [None]
    with duckdb.connect(str(tmp_path / "github.duckdb"), read_only=True) as con:
        environments = con.execute(
            "select environment, count(*) from raw_github.deployments group by 1 order by 1"
        ).fetchall()
        compares = con.execute("select count(*) from raw_github.compares").fetchone()
    production = sum(1 for d in org.deployments if d.environment == "PRODUCTION")
    assert environments == [
        ("PRODUCTION", production),
        ("STAGING", len(org.deployments) - production),
    ]
    assert compares == (len(shipped),) and len(shipped) > 5


def test_start_date_with_an_offset_is_read_as_the_instant_it_names(tmp_path: Path) -> None:
    org = small_org()
    updated = sorted(p.updated_at.replace(microsecond=0) for p in org.pull_requests)
    start = updated[20]  # the 21st pull request by last update, written as Pakistan's clock
    local = start.astimezone(timezone(timedelta(hours=5))).isoformat()  # read as UTC: 5 h late
    with Simulator(org) as sim:
        settings = simulator_settings(sim.urls)["github"] | {"start_date": local}
        results = run_ingest(
            ["github"],
            duckdb_path=tmp_path / "github.duckdb",
            settings={"github": settings},
            pipelines_dir=tmp_path / "pipelines",
        )
    assert [r.error for r in results] == [None]
    with duckdb.connect(str(tmp_path / "github.duckdb"), read_only=True) as con:
        landed_prs = con.execute("select count(*) from raw_github.pull_requests").fetchone()
    assert landed_prs == (sum(1 for at in updated if at >= start),)
    assert landed_prs == (len(updated) - 20,)  # no equal update times around the 21st


@pytest.mark.parametrize("value", ["01/10/2026", "2026-10-01 nine"])
def test_a_wrong_start_date_fails_before_any_request(tmp_path: Path, value: str) -> None:
    with Simulator(small_org()) as sim:
        settings = simulator_settings(sim.urls)["github"] | {"start_date": value}
        [result] = run_ingest(
            ["github"], duckdb_path=tmp_path / "github.duckdb", settings={"github": settings}
        )
        requests = sim.request_counts["github"]
    assert result.error == (
        f"sources.github.start_date = {value!r} is not a date (set in .dlt/config.toml or "
        "SOURCES__GITHUB__START_DATE): write YYYY-MM-DD or an ISO 8601 timestamp, "
        "e.g. 2026-01-01, 2026-01-01T09:00:00 or 2026-01-01T09:00:00+02:00"
    )
    assert requests == 0
