"""Data health: which dates the selected team's data cover, source freshness, table sizes and
data-quality findings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import queries
from app.state import csv_download, page, withheld

ctx = page(
    "Data health",
    "Can these numbers be trusted? Which dates the data cover for the selected team, how fresh "
    "each source is, the size of each published table and what the quality checks found.",
)
st.markdown(
    f"Marts file `{ctx.db.path}`, written "
    f"{pd.Timestamp(ctx.db.identity[2], unit='ns'):%Y-%m-%d %H:%M} (file time)."
)

st.subheader(f"Data coverage for {ctx.team_name}")
cover = queries.coverage(ctx.db, ctx.team, ctx.tables)
if cover.empty:
    withheld(ctx, "deployments", "Coverage dates")
else:
    table = pd.DataFrame(
        {
            "Data": cover["data"],
            "First event (UTC)": pd.to_datetime(cover["first_event"]).dt.strftime("%Y-%m-%d"),
            "Last event (UTC)": pd.to_datetime(cover["last_event"]).dt.strftime("%Y-%m-%d"),
            "Events": cover["events"],
        }
    ).fillna("no data")
    st.dataframe(table, hide_index=True, width="stretch")
    last = pd.to_datetime(cover["last_event"]).max()
    if pd.notna(last) and pd.Timestamp(ctx.period_end, tz=last.tz) > last:
        st.warning(
            f"The data end on {last:%Y-%m-%d}, before the end of {ctx.period}: "
            "that period is not fully covered."
        )

st.subheader("Last load per source")
loads = queries.source_loads(ctx.db)
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
        .rename(
            columns={
                "source_system": "Source",
                "tables": "Raw tables",
                "rows": "Rows",
                "last_loaded_at": "Last loaded (UTC)",
            }
        )
    )
    st.dataframe(per_source, hide_index=True, width="stretch")
    csv_download(per_source, "sources", "source_freshness")

st.subheader("Published tables")
counts = queries.table_row_counts(ctx.db, ctx.tables).rename(
    columns={"table_name": "Table", "row_count": "Rows"}
)
st.dataframe(counts, hide_index=True, width="stretch")
csv_download(counts, "row counts", "mart_row_counts")

st.subheader(f"Data-quality findings for {ctx.team_name}")
if not withheld(ctx, "data_quality_findings", "Data-quality findings"):
    findings = queries.quality_findings(ctx.db, ctx.team)
    if findings.empty:
        st.success(f"No data-quality findings for {ctx.team_name}: every check passed.")
    else:
        findings = findings.assign(
            team_key=findings["team_key"].map(lambda k: ctx.team_names.get(k, k))
        ).rename(
            columns={
                "check_name": "Check",
                "entity": "Entity",
                "entity_id": "Item",
                "team_key": "Team",
                "detail": "Detail",
            }
        )
        summary = findings.groupby("Check").size().reset_index(name="Findings")
        st.warning(f"{len(findings)} findings from {len(summary)} checks. Details below.")
        st.dataframe(summary, hide_index=True, width="stretch")
        st.dataframe(findings, hide_index=True, width="stretch")
        csv_download(findings, "findings", "data_quality_findings")
