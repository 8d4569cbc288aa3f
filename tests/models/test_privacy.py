"""Free text where people write names (PR titles, branch names, issue summaries, incident
titles) never reaches the published marts; the demo salt is refused for real data."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from ingestion.build import build_warehouse
from ingestion.salt import DemoSaltRefused, salt_vars
from ingestion.simulator.model import Org, Person
from ingestion.simulator.org import build_org
from ingestion.simulator.server import Simulator
from tests.conftest import dbt_seed_teams_by_hand, ingest_from

PLANTS_PER_FIELD = 10


def identities(person: Person) -> list[str]:
    return [person.display_name, person.login, person.email]


def plant_people(org: Org) -> list[Person]:
    """Write a known person's name, login and email into 10 PR titles, 10 branch names,
    10 issue summaries and 10 incident titles (a different person for each field)."""
    people = iter(org.people)
    merged = [pr for pr in org.pull_requests if pr.merged_at][:PLANTS_PER_FIELD]
    planted = []
    for pr in merged:
        person = next(people)
        pr.title = f"{pr.title} (pairing with {person.display_name}, {person.email})"
        planted.append(person)
    for pr in merged:
        person = next(people)
        pr.head_ref = f"{pr.head_ref}-{person.login}"
        planted.append(person)
    people = iter(org.people)
    for issue in org.issues[:PLANTS_PER_FIELD]:
        person = next(people)
        issue.summary = (
            f"{issue.summary} for {person.display_name} <{person.email}> @{person.login}"
        )
        planted.append(person)
    for incident in org.incidents[:PLANTS_PER_FIELD]:
        person = next(people)
        incident.title = f"{incident.title}: paged {person.display_name} ({person.login})"
        planted.append(person)
    return planted


def matches(path: Path, pattern: str, schemas: tuple[str, ...] | None = None) -> dict[str, int]:
    """Rows per table whose text (every column, cast to text) matches pattern."""
    found = {}
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables order by 1, 2"
        ).fetchall()
        for schema, table in tables:
            if schemas and schema not in schemas:
                continue
            count = con.execute(
                f'select count(*) from "{schema}"."{table}" as t '
                "where regexp_matches(cast(t as varchar), ?)",
                [pattern],
            ).fetchone()[0]
            if count:
                found[f"{schema}.{table}"] = count
    return found


def test_names_planted_in_free_text_are_not_published(tmp_path: Path) -> None:
    org = build_org()
    planted = plant_people(org)
    words = sorted({text for person in planted for text in identities(person)}, key=len)
    pattern = r"(?i)\b(" + "|".join(re.escape(w) for w in reversed(words)) + r")\b"
    warehouse, marts = tmp_path / "kpibridge.duckdb", tmp_path / "marts.duckdb"
    with Simulator(org) as sim:
        results = ingest_from(sim, warehouse)
    assert [r.error for r in results] == [None, None, None]
    # the plants reached the warehouse: 10 PR titles and branches, 10 summaries, 10 titles
    raw = matches(warehouse, pattern, ("raw_github", "raw_jira", "raw_pagerduty"))
    assert raw["raw_github.pull_requests"] >= PLANTS_PER_FIELD
    assert raw["raw_jira.issues"] >= PLANTS_PER_FIELD
    assert raw["raw_pagerduty.incidents"] >= PLANTS_PER_FIELD

    build_warehouse(
        warehouse,
        marts_path=marts,
        dbt_vars={"kpi_as_of_date": org.end.date().isoformat(), "allow_demo_salt": True},
    )
    # they reach the intermediate models (which derive the KPI flags from them), not the marts
    assert matches(warehouse, pattern, ("intermediate",))
    assert matches(marts, pattern) == {}


def test_the_salt_comes_from_vars_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPIBRIDGE_SALT", "from-the-environment")
    assert salt_vars({})["pseudonymisation_salt"] == "from-the-environment"
    resolved = salt_vars({"pseudonymisation_salt": "from-vars", "kpi_as_of_date": "2026-11-01"})
    assert resolved == {"pseudonymisation_salt": "from-vars", "kpi_as_of_date": "2026-11-01"}


def test_the_salt_comes_from_dlt_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("KPIBRIDGE_SALT", raising=False)
    # dlt reads its config providers (.dlt/*.toml, environment) the same way for this key
    monkeypatch.setenv("KPIBRIDGE__SALT", "from-dlt-config")
    assert salt_vars(None)["pseudonymisation_salt"] == "from-dlt-config"


@pytest.mark.parametrize("given", [{}, {"pseudonymisation_salt": "kpibridge-demo-salt"}])
def test_the_demo_salt_is_refused_outside_the_demo(
    monkeypatch: pytest.MonkeyPatch, given: dict[str, object]
) -> None:
    monkeypatch.delenv("KPIBRIDGE_SALT", raising=False)
    monkeypatch.delenv("KPIBRIDGE__SALT", raising=False)
    with pytest.raises(DemoSaltRefused, match=r"KPIBRIDGE_SALT.*\.dlt/secrets\.toml.*--vars"):
        salt_vars(given)
    assert salt_vars({**given, "allow_demo_salt": True}).get("allow_demo_salt") is True


def test_dbt_run_by_hand_refuses_the_demo_salt(tmp_path: Path) -> None:
    refused = dbt_seed_teams_by_hand(tmp_path, None)
    assert refused.returncode != 0
    assert "var pseudonymisation_salt is the committed demo salt" in refused.stdout
    assert "export KPIBRIDGE_SALT" in refused.stdout
    assert not (tmp_path / "kpibridge.duckdb").exists() or _seeded_teams(tmp_path) is None
    # the environment variable the README names reaches plain dbt through dbt_project.yml
    assert dbt_seed_teams_by_hand(tmp_path, "a-long-random-secret").returncode == 0
    assert _seeded_teams(tmp_path)
    assert (
        dbt_seed_teams_by_hand(tmp_path, None, "--vars", '{"allow_demo_salt": true}').returncode
        == 0
    )


def _seeded_teams(tmp_path: Path) -> int | None:
    with duckdb.connect(str(tmp_path / "kpibridge.duckdb"), read_only=True) as con:
        found = con.execute(
            "select count(*) from information_schema.tables where table_name = 'teams'"
        ).fetchone()[0]
        return con.execute("select count(*) from seeds.teams").fetchone()[0] if found else None
