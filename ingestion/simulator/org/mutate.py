"""Later reads of the APIs: the same org with some records changed since the first read."""

from __future__ import annotations

import random
from datetime import datetime

from ingestion.simulator.model import ChangeItem, ChangelogEntry, LogEntry, Org
from ingestion.simulator.org.jira import STATUS_BY_NAME


def mutate_org(org: Org, n: int, at: datetime) -> dict[str, int]:
    """Change n records per source as a later read of the APIs would see them."""
    rng = random.Random(org.seed * 1000 + n)
    changed = {"jira_issues": 0, "github_pull_requests": 0, "pagerduty_incidents": 0}
    open_issues = [i for i in org.issues if i.status != "Done"]
    for issue in rng.sample(open_issues, min(n, len(open_issues))):
        issue.changelog.append(
            ChangelogEntry(
                f"m{issue.id}{len(issue.changelog)}",
                issue.reporter_account_id,
                at,
                [
                    ChangeItem(
                        "status",
                        "jira",
                        "status",
                        STATUS_BY_NAME[issue.status].id,
                        issue.status,
                        STATUS_BY_NAME["Done"].id,
                        "Done",
                    )
                ],
            )
        )
        issue.status, issue.updated, issue.resolution_date = "Done", at, at
        changed["jira_issues"] += 1
    for pr in rng.sample(org.pull_requests, min(n, len(org.pull_requests))):
        pr.title = f"{pr.title} (edited)"
        pr.updated_at = at
        changed["github_pull_requests"] += 1
    for incident in rng.sample(org.incidents, min(n, len(org.incidents))):
        # PagerDuty logs every change of an incident: here a responder's note
        note = "postmortem linked"
        entry_id = f"R{incident.incident_number:06d}N{len(incident.log_entries)}"
        incident.log_entries.append(
            LogEntry(entry_id, "annotate_log_entry", at, "Note added", "PU00001", note)
        )
        incident.title = f"{incident.title} [{note}]"
        incident.updated_at = at
        changed["pagerduty_incidents"] += 1
    return changed
