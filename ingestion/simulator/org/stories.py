"""The planted stories (STORIES.md) recorded on the org: what the KPI marts must find, and
where."""

from __future__ import annotations

from ingestion.simulator.model import Org, PlantedStory
from ingestion.simulator.org.context import (
    FAST_BUT_FRAGILE_TEAM,
    IMPROVING_TEAM,
    SLOW_REVIEW_TEAM,
)


def record_stories(org: Org) -> None:
    """Name each planted story and where in the org it can be found."""

    def repos_of(team_key: str) -> list[str]:
        return next(t.repos for t in org.teams if t.key == team_key)

    explicit = [i.id for i in org.incidents if "after deploy" in i.title]
    reopened = [
        i.key
        for i in org.issues
        if sum(1 for c in i.changelog for it in c.items if it.to_string == "Done") > 1
    ]
    sprint_start = {sprint.id: sprint.start_date for sprint in org.sprints}
    added = [
        i.key
        for i in org.issues
        for c in i.changelog
        for it in c.items
        if it.field == "Sprint" and c.created > sprint_start[int(it.to_value or 0)]
    ]
    org.stories = [
        PlantedStory(
            "rising_deploys_worsening_cfr",
            f"{FAST_BUT_FRAGILE_TEAM} deploys more often every month while more of its "
            "production deployments fail",
            f"repos {repos_of(FAST_BUT_FRAGILE_TEAM)}",
        ),
        PlantedStory(
            "slow_first_review",
            f"{SLOW_REVIEW_TEAM} PRs wait 30-72 h for a first review (pickup is the "
            "bottleneck); other teams 1-8 h",
            f"repos {repos_of(SLOW_REVIEW_TEAM)}",
        ),
        PlantedStory(
            "incidents_naming_deployments",
            "incidents whose title names the deployed sha (10 chars); others only close "
            "in time to a deployment; others with no deployment in the 24 h before",
            f"{len(explicit)} explicit incidents, e.g. {explicit[:3]}",
        ),
        PlantedStory(
            "reliability_then_outcomes",
            f"{IMPROVING_TEAM} has many slow incidents in months 1-3, few fast ones after;"
            " its CSAT rises and churn falls from that month on",
            "business_outcomes csat/churn_rate per team",
        ),
        PlantedStory(
            "hotfix_and_revert_prs",
            "about 5% of PRs are hotfixes (label hotfix, branch hotfix/), 3% reverts "
            "(branch revert-)",
            "pull requests with label hotfix or branch revert-",
        ),
        PlantedStory(
            "squash_merges",
            "half of merged PRs are squash merges: the merge sha is not among the PR commits",
            "PullRequest.merge_method == squash",
        ),
        PlantedStory(
            "release_and_workflow_deploys",
            "mobile-api deploys through GitHub releases; platform-web through a 'Deploy' workflow",
            "repos mobile-api, platform-web",
        ),
        PlantedStory(
            "failed_then_succeeded",
            "a failed production deployment is followed an hour later by a successful one "
            "of the same sha",
            "deployments with a failure status",
        ),
        PlantedStory(
            "reopened_bugs",
            "bugs moved Done -> In Progress -> Done",
            f"{len(reopened)} issues, e.g. {reopened[:3]}",
        ),
        PlantedStory(
            "sprint_scope_added",
            "issues added to a sprint after it started (Sprint changelog item)",
            f"{len(added)} issues, e.g. {added[:3]}",
        ),
        PlantedStory(
            "late_versions",
            "versions whose last issues were done after the planned release date",
            "each project's released versions",
        ),
        PlantedStory(
            "worklogs",
            "every done issue has 1-3 worklogs of 1-4 h",
            f"{sum(len(i.worklogs) for i in org.issues)} worklogs",
        ),
    ]
