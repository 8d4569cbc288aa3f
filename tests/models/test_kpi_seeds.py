"""The glossary seed names only configuration that exists, and covers the catalogue's KPIs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
GLOSSARY = REPO / "seeds" / "kpi_glossary.csv"

# the catalogue's KPI tables (kind kpi), spelled as kpi_ids
CATALOGUE_KPIS = {
    "deployment_frequency", "change_lead_time", "jira_cycle_time", "idea_to_production",
    "feature_rollout_time", "change_failure_rate", "failed_deployment_recovery_time",
    "deployment_rework_rate", "mttr", "mtta", "mttd", "incident_count", "availability",
    "downtime_cost", "escaped_defect_rate", "bug_recurrence_rate",
    "priority_defects_per_person_day", "defect_density", "review_coverage",
    "approved_without_rework", "say_do_ratio", "on_time_delivery", "delay_of_requirements",
    "change_requests_after_deadline", "tech_debt_remediation_rate", "innovation_time",
    "innovation_capacity", "automation_coverage", "code_coverage",
    "infra_cost_per_transaction", "support_escalations",
}  # fmt: skip


def glossary_rows() -> list[dict[str, str]]:
    with GLOSSARY.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_glossary_kpis_are_exactly_the_catalogue_kpis() -> None:
    kpis = {row["kpi_id"] for row in glossary_rows() if row["kind"] == "kpi"}
    assert kpis == CATALOGUE_KPIS


@pytest.mark.parametrize("row", glossary_rows(), ids=lambda row: row["kpi_id"])
def test_config_vars_name_existing_vars_or_seeds(row: dict[str, str]) -> None:
    project = yaml.safe_load((REPO / "dbt_project.yml").read_text())
    known = set(project["vars"]) | {path.stem for path in (REPO / "seeds").glob("*.csv")}
    named = [item.strip().split(".")[0] for item in row["config_vars"].split(",") if item.strip()]
    assert set(named) <= known, f"{row['kpi_id']} names unknown config {set(named) - known}"
