"""The MetricFlow semantic layer names each KPI as the glossary does and answers it, per team
and for the organisation at month grain, with kpi_values' value: `mf query` runs on the
warehouse the session fixtures built."""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, Built

SEMANTIC_MANIFEST = REPO_ROOT / "target" / "semantic_manifest.json"
ORGANISATION = "organisation"


def kpi_metrics() -> dict[str, dict]:
    """The metrics that are glossary KPIs: those with a unit (the others are their counts)."""
    metrics = json.loads(SEMANTIC_MANIFEST.read_text())["metrics"]
    return {
        metric["name"]: metric
        for metric in metrics
        if ((metric.get("config") or {}).get("meta") or {}).get("unit")
    }


def _run_in_project(built: Built, program: str, *args: str) -> None:
    env = {
        **os.environ,
        "KPIBRIDGE_DUCKDB": str(built.warehouse),
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "DBT_PROJECT_DIR": str(REPO_ROOT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    executable = Path(sys.executable).parent / program
    if not executable.exists():
        pytest.fail(f"no {executable}: install the semantic extra (uv sync --all-extras)")
    result = subprocess.run(
        [str(executable), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def mf_query(built: Built, metrics: list[str], group_by: list[str], out: Path) -> list[dict]:
    _run_in_project(
        built,
        "mf",
        "query",
        "--metrics",
        ",".join(metrics),
        "--group-by",
        ",".join(group_by),
        "--csv",
        str(out),
    )
    with out.open(newline="") as handle:
        return list(csv.DictReader(handle))


def mismatches(
    metrics: list[str], answers: dict[tuple[str, str, str], float | None], kpi_rows: list[tuple]
) -> list[str]:
    """Each month value of kpi_values the semantic layer answers differently, named.

    kpi_values writes a measured 0 (sample_size 0) where a count had no events; MetricFlow has
    no row for such a month: no answer equals that 0.
    """
    found = []
    for team, kpi_id, month, value, sample_size in kpi_rows:
        if kpi_id not in metrics:
            continue
        answer = answers.get((team, kpi_id, month))
        if value is None:
            if answer is not None:
                found.append(f"{kpi_id} {team} {month}: kpi_values NULL, MetricFlow {answer}")
        elif answer is None:
            if not (value == 0 and sample_size == 0):
                found.append(f"{kpi_id} {team} {month}: kpi_values {value}, MetricFlow none")
        elif not math.isclose(value, answer, rel_tol=1e-9, abs_tol=1e-6):
            found.append(f"{kpi_id} {team} {month}: kpi_values {value}, MetricFlow {answer}")
    return found


def test_mismatches_name_the_kpi_team_and_month() -> None:
    rows = [
        ("payments", "mttr", "2026-06-01", 2.5, 4),
        ("payments", "mttr", "2026-07-01", 3.0, 2),
        ("payments", "incident_count", "2026-07-01", 0.0, 0),
        ("payments", "mtta", "2026-07-01", None, None),
        ("payments", "mttd", "2026-07-01", 5.0, 1),
    ]
    answers = {
        ("payments", "mttr", "2026-06-01"): 2.5000000001,
        ("payments", "mttr", "2026-07-01"): 3.5,
        ("payments", "mtta", "2026-07-01"): 12.0,
    }
    assert mismatches(["mttr", "incident_count", "mtta", "mttd"], answers, rows) == [
        "mttr payments 2026-07-01: kpi_values 3.0, MetricFlow 3.5",
        "mtta payments 2026-07-01: kpi_values NULL, MetricFlow 12.0",
        "mttd payments 2026-07-01: kpi_values 5.0, MetricFlow none",
    ]


def test_kpi_metrics_carry_the_glossary_name_definition_and_unit(built: Built) -> None:
    glossary = {
        kpi_id: (name, definition, unit)
        for kpi_id, name, definition, unit in built.query(
            "select kpi_id, name, definition, unit from kpi_glossary"
        )
    }
    metrics = kpi_metrics()
    assert len(metrics) >= 10
    assert {
        name: (metric["label"], metric["description"], metric["config"]["meta"]["unit"])
        for name, metric in metrics.items()
    } == {name: glossary.get(name) for name in metrics}


def test_every_glossary_kpi_is_a_metric(built: Built) -> None:
    glossary = {kpi_id for (kpi_id,) in built.query("select kpi_id from kpi_glossary")}
    assert sorted(glossary - set(kpi_metrics())) == []


@pytest.fixture(scope="module")
def answers(built: Built, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every KPI metric by team and month, and by month alone (the organisation)."""
    # the semantic manifest names the database of the last parse: another test's build may
    # have parsed the project against its own warehouse since
    _run_in_project(built, "dbt", "parse")
    metrics = sorted(kpi_metrics())
    folder = tmp_path_factory.mktemp("mf")
    by_team = mf_query(
        built, metrics, ["team__team_key", "metric_time__month"], folder / "teams.csv"
    )
    by_month = mf_query(built, metrics, ["metric_time__month"], folder / "organisation.csv")
    found: dict[tuple[str, str, str], float | None] = {}
    for rows, team_of in ((by_team, lambda row: row["team__team_key"]), (by_month, None)):
        for row in rows:
            month = row["metric_time__month"][:10]
            team = team_of(row) if team_of else ORGANISATION
            if not month or not team:
                continue  # events without a time (never deployed) or without a team
            for metric in metrics:
                found[(team, metric, month)] = float(row[metric]) if row[metric] else None
    return found


def test_metricflow_answers_equal_kpi_values_per_team_and_month(
    built: Built, answers: dict
) -> None:
    metrics = sorted(kpi_metrics())
    kpi_rows = built.query(
        "select team_key, kpi_id, strftime(period_start, '%Y-%m-%d'), value, sample_size"
        " from kpi_values where grain = 'month' order by kpi_id, team_key, period_start"
    )
    compared = [row for row in kpi_rows if row[1] in metrics and row[3] is not None]
    assert {row[1] for row in compared} == set(metrics), "a KPI metric has no value to compare"
    found = mismatches(metrics, answers, kpi_rows)
    assert not found, f"{len(found)} differences:\n" + "\n".join(found[:30])
