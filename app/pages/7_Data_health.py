"""Data health: when each source was last loaded, row counts and data-quality findings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.components import page
from app.data import csv_download, marts_modified, marts_path, query

filters = page(
    "Data health",
    "Can these numbers be trusted today? Freshness of every source, the size of each "
    "published table and what the quality checks found.",
)
st.markdown(f"Marts file `{marts_path()}`, written {marts_modified():%Y-%m-%d %H:%M} (file time).")

st.subheader("Last load per source")
loads = query("select * from source_loads order by source_system, table_name")
if loads.empty:
    st.warning("No source loads recorded: nothing has been ingested yet.")
else:
    per_source = (
        loads.groupby("source_system")
        .agg(
            tables=("table_name", "count"),
            rows=("row_count", "sum"),
            last_loaded_at=("last_loaded_at", "max"),
        )
        .reset_index()
    )
    newest = per_source["last_loaded_at"].max()
    per_source["hours_behind_newest"] = (
        (newest - per_source["last_loaded_at"]).dt.total_seconds() / 3600
    ).round(1)
    table = per_source.rename(
        columns={
            "source_system": "Source",
            "tables": "Raw tables",
            "rows": "Rows",
            "last_loaded_at": "Last loaded (UTC)",
            "hours_behind_newest": "Hours behind newest source",
        }
    )
    st.dataframe(table, hide_index=True, width="stretch")
    csv_download(table, "sources", "source_freshness")
    with st.expander("Per raw table"):
        st.dataframe(loads, hide_index=True, width="stretch")
        csv_download(loads, "raw tables", "source_loads")

st.subheader("Published tables")
# the file holds exactly the published marts (tagged `published` in dbt_project.yml); names
# come from its own catalogue, never from user input
published = sorted(query("select table_name from information_schema.tables")["table_name"])
counts = pd.DataFrame(
    {
        "Table": published,
        "Rows": [int(query(f'select count(*) as n from "{t}"').iloc[0]["n"]) for t in published],
    }
)
st.dataframe(counts, hide_index=True, width="stretch")
csv_download(counts, "row counts", "mart_row_counts")

st.subheader("Data-quality findings")
findings = query(
    "select check_name, entity, entity_id, team_key, detail from data_quality_findings "
    "order by check_name, team_key, entity_id"
)
if findings.empty:
    st.success("No data-quality findings: every check passed.")
else:
    summary = findings.groupby("check_name").size().reset_index(name="findings")
    st.warning(f"{len(findings)} findings from {len(summary)} checks. Details below.")
    st.dataframe(summary, hide_index=True, width="stretch")
    st.dataframe(findings, hide_index=True, width="stretch")
    csv_download(findings, "findings", "data_quality_findings")
