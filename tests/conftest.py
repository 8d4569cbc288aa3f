"""Shared fixtures: the default synthetic organisation, a running simulator, a landed warehouse."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from ingestion.pipeline import SourceResult, run_ingest, simulator_settings
from ingestion.simulator.model import Org
from ingestion.simulator.org import build_org, mutate_org
from ingestion.simulator.server import Simulator

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Landed:
    """A warehouse ingested from a simulator, with the org it was ingested from."""

    org: Org
    warehouse: Path
    results: list[SourceResult]
    requests: dict[str, int]

    def count(self, table: str) -> int:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            row = con.execute(f"select count(*) from {table}").fetchone()
        return row[0] if row else 0


@contextmanager
def build_log() -> Iterator[list[str]]:
    """The messages `kpibridge build` logs (INFO and up) inside the block."""
    logger = logging.getLogger("kpibridge.build")
    messages: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())  # type: ignore[method-assign]
    logger.addHandler(handler)
    previous_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)


# built incrementally on DuckDB and PostgreSQL (docs/scaling.md, "Incremental models")
INCREMENTAL_MODELS = (
    "int_issue_status_intervals",
    "int_incidents_enriched",
    "int_work_items_enriched",
    "int_deployments_unioned",
    "int_changes_shipped",
)


@dataclass
class OrgChange:
    """What change_org changed beside mutate_org's records: the issues whose earliest fix
    version release date moved (to release_date), the repository whose default branch was
    renamed (its deploy workflow runs stay on the old one), the repository that deployed once
    more (new_deployment_key), the pull requests merged, closed unmerged and made a defect fix
    (_move_pull_requests)."""

    issue_ids: list[str]
    release_date: date
    renamed_branch_repo: str
    deployed_repo: str
    merged_pull_request_id: int
    abandoned_pull_request_id: int
    defect_fix_pull_request_id: int
    new_deployment_key: str

    def effects_sql(self) -> str:
        """What the changes show in the incremental models (DuckDB and PostgreSQL SQL): the
        distinct release dates of the moved version's issues, the renamed-branch repository's
        deployments, and the other repository's deployments in the last hour of them all."""
        issue_ids = ", ".join(f"'{issue_id}'" for issue_id in self.issue_ids)
        deployments = "intermediate.int_deployments_unioned"
        changes = "intermediate.int_changes_shipped"
        owned = "intermediate.int_pull_requests_owned"
        return (
            "select (select array_agg(distinct fix_version_release_date) "
            f"from intermediate.int_work_items_enriched where issue_id in ({issue_ids})), "
            f"(select count(*) from {deployments} where repo = '{self.renamed_branch_repo}'), "
            f"(select count(*) from {deployments} where repo = '{self.deployed_repo}' "
            f"and created_at >= (select max(created_at) - interval '1 hour' from {deployments})), "
            f"(select deployment_key from {changes} "
            f"where pull_request_id = {self.merged_pull_request_id}), "
            f"(select state || ' ' || cast(merged_at is null as varchar) from {owned} "
            f"where pull_request_id = {self.abandoned_pull_request_id}), "
            f"(select count(*) from {changes} "
            f"where pull_request_id = {self.abandoned_pull_request_id}), "
            f"(select is_defect_fix from {changes} "
            f"where pull_request_id = {self.defect_fix_pull_request_id})"
        )

    @property
    def effects(self) -> tuple:
        """effects_sql's row: the moved date only, no deployment left, the new deployment,
        which ships the merged pull request; the abandoned one closed unmerged, not a change;
        the change naming the new Bug a defect fix."""
        return ([self.release_date], 0, 1, self.new_deployment_key, "closed true", 0, True)


def change_org(org: Org) -> OrgChange:
    """The incremental build tests' change a day after the org's end: 10 issues, 10 incidents
    and 10 pull requests move on (mutate_org), a fix version's release date moves earlier, a
    repository that deploys by workflow renames its default branch, a repository that uses
    GitHub deployments deploys again, shipping a pull request merged just before, another pull
    request is closed unmerged and an issue a change names becomes a Bug."""
    at = org.end + timedelta(days=1)
    changed = mutate_org(org, 10, at=at)
    assert changed["jira_issues"] == changed["pagerduty_incidents"] == 10
    version = next(v for v in org.versions if v.release_date)
    version.release_date -= timedelta(days=400)
    issue_ids = sorted(str(i.id) for i in org.issues if version.id in i.fix_version_ids)
    assert issue_ids, "no issue names the moved fix version"
    by_workflow = next(r for r in org.repos if r.deploy_source == "workflow")
    by_workflow.default_branch = "trunk"
    last = max(
        (d for d in org.deployments if d.environment == "production"), key=lambda d: d.created_at
    )
    status_ids = max(s.id for d in org.deployments for s in d.statuses)
    org.deployments.append(
        replace(
            last,
            id=max(d.id for d in org.deployments) + 1,
            created_at=at,
            updated_at=at,
            statuses=[
                replace(status, id=status_ids + n, created_at=at)
                for n, status in enumerate(last.statuses, start=1)
            ],
        )
    )
    merged, abandoned, defect_fix = _move_pull_requests(org, last.repo, at)
    return OrgChange(
        issue_ids,
        version.release_date,
        by_workflow.name,
        last.repo,
        merged,
        abandoned,
        defect_fix,
        f"deployment:{org.deployments[-1].id}",
    )


def _move_pull_requests(org: Org, deployed_repo: str, at: datetime) -> tuple[int, int, int]:
    """An open pull request of deployed_repo is merged an hour before its new deployment; an
    open one of another repository is closed unmerged; the Jira issue a merged pull request of
    a repository with no new GitHub rows names becomes a Bug, which makes that change a defect
    fix though no row of its repository changed. Returns the three pull request ids."""
    default_branch = {repo.name: repo.default_branch for repo in org.repos}
    open_prs = [pr for pr in org.pull_requests if pr.closed_at is None]
    merged = next(
        pr for pr in open_prs if pr.repo == deployed_repo and pr.base_ref == default_branch[pr.repo]
    )
    merged.merged_at = merged.closed_at = at - timedelta(hours=1)
    merged.merge_commit_sha, merged.merge_method, merged.updated_at = (
        f"{merged.id:040x}",
        "squash",
        at,
    )
    abandoned = next(pr for pr in open_prs if pr.repo != deployed_repo)
    abandoned.closed_at = abandoned.updated_at = at
    # the renamed default branch recomputes the repository that deploys by workflow
    touched = {pr.repo for pr in org.pull_requests if pr.updated_at == at} | {
        deployed_repo,
        *(repo.name for repo in org.repos if repo.deploy_source == "workflow"),
    }
    issues = {issue.key: issue for issue in org.issues}
    defect_fix, issue = next(
        (pr, issues[pr.title.split()[0]])
        for pr in org.pull_requests
        if pr.merged_at
        and pr.repo not in touched
        and pr.title.split()[0] in issues
        and issues[pr.title.split()[0]].issue_type not in ("Bug", "Epic")
        and "found-in-production" not in issues[pr.title.split()[0]].labels
    )
    issue.issue_type, issue.updated = "Bug", at
    return merged.id, abandoned.id, defect_fix.id


def ingest_from(sim: Simulator, warehouse: Path, **kwargs: object) -> list[SourceResult]:
    return run_ingest(duckdb_path=warehouse, settings=simulator_settings(sim.urls), **kwargs)


@pytest.fixture(scope="session")
def org() -> Org:
    """The default org; tests must not mutate it (build their own for that)."""
    return build_org()


@pytest.fixture
def simulator() -> Iterator[Simulator]:
    with Simulator(build_org()) as sim:
        yield sim


def land_default_org(folder: Path) -> Landed:
    """All three sources of the default org, ingested into folder/kpibridge.duckdb."""
    warehouse = folder / "kpibridge.duckdb"
    with Simulator(build_org()) as sim:
        results = ingest_from(sim, warehouse)
        requests = dict(sim.request_counts)
    assert not [r.error for r in results if r.error]
    return Landed(sim.org, warehouse, results, requests)


@pytest.fixture(scope="session")
def landed(tmp_path_factory: pytest.TempPathFactory) -> Landed:
    """All three sources of the default org, ingested once for the session."""
    return land_default_org(tmp_path_factory.mktemp("landed"))


@dataclass
class Built:
    """A warehouse built by dbt from the landed simulator data, and its published marts."""

    org: Org
    warehouse: Path
    marts: Path

    def query(self, sql: str, params: list[object] | None = None) -> list[tuple]:
        with duckdb.connect(str(self.marts), read_only=True) as con:
            return con.execute(sql, params or []).fetchall()

    def scalar(self, sql: str, params: list[object] | None = None) -> object:
        return self.query(sql, params)[0][0]


def build_landed(landed: Landed, folder: Path) -> Built:
    """`kpibridge build` (dbt seed + build + publish) on a copy of the landed warehouse."""
    from ingestion.build import build_warehouse

    warehouse = folder / "kpibridge.duckdb"
    warehouse.write_bytes(landed.warehouse.read_bytes())
    marts = folder / "marts.duckdb"
    # the simulator computes every KPI: an uncomputable one fails the build here, not a warning
    build_warehouse(
        warehouse,
        marts_path=marts,
        # simulated people: the committed demo salt is allowed
        dbt_vars={
            "kpi_as_of_date": landed.org.end.date().isoformat(),
            "require_every_kpi_computed": True,
            "allow_demo_salt": True,
        },
    )
    return Built(landed.org, warehouse, marts)


@pytest.fixture(scope="session")
def built(landed: Landed, tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_landed(landed, tmp_path_factory.mktemp("built"))


def dbt_seed_teams_by_hand(
    tmp_path: Path, salt: str | None, *args: str
) -> subprocess.CompletedProcess:
    """A plain `dbt seed`, as a user would run it by hand, with $KPIBRIDGE_SALT set or not."""
    env = {k: v for k, v in os.environ.items() if k not in ("KPIBRIDGE_SALT", "KPIBRIDGE__SALT")}
    return subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "seed", "--select", "teams", *args],
        cwd=REPO_ROOT,
        env={
            **env,
            **({"KPIBRIDGE_SALT": salt} if salt else {}),
            "DBT_PROFILES_DIR": str(REPO_ROOT),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "KPIBRIDGE_DUCKDB": str(tmp_path / "kpibridge.duckdb"),
            "DBT_TARGET_PATH": str(tmp_path / "target"),
            "DBT_LOG_PATH": str(tmp_path / "logs"),
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
