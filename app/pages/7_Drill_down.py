"""Drill-down: the deployments, changes, incidents and work items behind the review period's
numbers, with links to GitHub, PagerDuty and Jira. Team level: no person, no free-text title."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import queries
from app.format import LINK_RULE_SHORT
from app.settings import ITEM_LISTS_ENV
from app.state import csv_download, page, withheld

ctx = page(
    "Drill-down",
    "The items behind the numbers of the review period, each with a link to its page in the "
    "source system. No person columns and no titles: items are named by repository and number "
    "or by key.",
)
if not ctx.settings.item_lists:
    st.info(
        f"Item lists are switched off for this installation ({ITEM_LISTS_ENV}=off). "
        "The KPI pages still show every value with its evidence."
    )
    st.stop()

LINK = st.column_config.LinkColumn("Open", display_text="open ↗", width="small")


def show(title: str, table: pd.DataFrame, stem: str, empty: str) -> None:
    if ctx.team != queries.ORGANISATION:
        table = table.drop(columns="Team")  # one team: the column says nothing
    st.subheader(f"{title} ({len(table):,})")
    if table.empty:
        st.info(empty)
        return
    st.dataframe(table, hide_index=True, width="stretch", column_config={"Open": LINK})
    csv_download(table, title.lower(), f"{stem}_{ctx.team}_{ctx.period}")


st.markdown(f"**{ctx.team_name}, {ctx.period_words}.**")
tabs = st.tabs(["Deployments", "Changes", "Incidents", "Work items"])

with tabs[0]:
    if not withheld(ctx, "deployments", "Deployment lists"):
        deployments = queries.deployments_in(ctx.db, ctx.team, ctx.period_start, ctx.period_end)
        show(
            "Production deployments",
            pd.DataFrame(
                {
                    "Deployed (UTC)": deployments["deployed_at"],
                    "Team": deployments["team_name"],
                    "Repository": deployments["repo"],
                    "Commit": deployments["sha"].str[:7],
                    "Changes shipped": deployments["changes_shipped"],
                    "Incidents linked": deployments["incidents_linked"],
                    "Rework": deployments["is_rework"],
                    "Open": deployments["html_url"],
                }
            ),
            "deployments",
            f"No production deployments in {ctx.period}.",
        )

with tabs[1]:
    if not withheld(ctx, "changes", "Change lists"):
        changes = queries.changes_shipped(ctx.db, ctx.team, ctx.period_start, ctx.period_end)
        show(
            "Changes shipped",
            pd.DataFrame(
                {
                    "Deployed (UTC)": changes["deployed_at"],
                    "Team": changes["team_name"],
                    "Pull request": changes["repo"] + " #" + changes["pull_number"].astype(str),
                    "Jira": changes["jira_issue_key"].fillna(""),
                    "Lead time (h)": changes["lead_time_hours"].round(1),
                    "Pickup (h)": changes["pickup_hours"].round(1),
                    "Review (h)": changes["review_hours"].round(1),
                    "Rework": changes["is_rework"],
                    "Open": changes["html_url"],
                }
            ),
            "changes",
            f"No changes shipped in {ctx.period}.",
        )

with tabs[2]:
    if not withheld(ctx, "incidents", "Incident lists"):
        incidents = queries.incidents_in(ctx.db, ctx.team, ctx.period_start, ctx.period_end)
        show(
            "Incidents",
            pd.DataFrame(
                {
                    "Opened (UTC)": incidents["created_at"],
                    "Team": incidents["team_name"],
                    "Incident": "#" + incidents["incident_number"].astype(str),
                    "Priority": incidents["priority_name"].fillna(""),
                    "Urgency": incidents["urgency"],
                    "Hours to resolve": incidents["hours_to_resolve"].round(1),
                    "Caused by": incidents["caused_by"].fillna(""),
                    "Link rule": incidents["link_rule"].map(LINK_RULE_SHORT).fillna(""),
                    "Open": incidents["html_url"],
                }
            ),
            "incidents",
            f"No incidents opened in {ctx.period}.",
        )

with tabs[3]:
    if not withheld(ctx, "work_items", "Work-item lists"):
        items = queries.work_items_done(ctx.db, ctx.team, ctx.period_start, ctx.period_end)
        show(
            "Work items done",
            pd.DataFrame(
                {
                    "Done (UTC)": items["done_at"],
                    "Team": items["team_name"],
                    "Issue": items["issue_key"],
                    "Type": items["issue_type"],
                    "Category": items["work_category"].fillna("").str.replace("_", " "),
                    "Cycle time (days)": items["cycle_time_days"].round(1),
                    "Reopened": items["times_reopened"],
                    "Open": items["html_url"],
                }
            ),
            "work_items",
            f"No work items done in {ctx.period}.",
        )
