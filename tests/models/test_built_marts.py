"""The marts `kpibridge build` publishes from the simulator: complete, and team level only."""

from __future__ import annotations

from ingestion.published import published_marts
from tests.conftest import Built


def test_build_publishes_every_mart_with_rows(built: Built) -> None:
    tables = {name for (name,) in built.query("select table_name from information_schema.tables")}
    # the published list is the `published` tag in dbt_project.yml, read from the manifest
    assert tables == {mart.name for mart in published_marts()}
    assert {"kpi_values", "kpi_scorecard", "kpi_glossary", "teams"} <= tables
    for table in ("kpi_values", "deployments", "changes", "incidents", "work_items"):
        assert built.scalar(f"select count(*) from {table}") > 0, table


def test_every_glossary_kpi_has_a_value_for_some_team(built: Built) -> None:
    missing = built.query(
        "select kpi_id from kpi_glossary where kpi_id not in "
        "(select kpi_id from kpi_values where value is not null)"
    )
    assert missing == []


def test_no_person_identifier_reaches_a_mart(built: Built) -> None:
    columns = {
        name for (name,) in built.query("select column_name from information_schema.columns")
    }
    assert not {
        c
        for c in columns
        if c.endswith(("_key", "_login", "_email"))
        and c.split("_")[0]
        in {"author", "reviewer", "assignee", "reporter", "creator", "agent", "actor"}
    }
    people = {p.login for p in built.org.people} | {p.email for p in built.org.people}
    for (table,) in built.query("select table_name from information_schema.tables"):
        text = built.scalar(f"select string_agg(t::varchar, ' ') from {table} as t") or ""
        assert not [p for p in people if p in text], table
