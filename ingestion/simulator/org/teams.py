"""A team and everything it owns: its people, Jira project and board, on-call service and
three repos, each then filled with its activity."""

from __future__ import annotations

from datetime import timedelta

from ingestion.simulator.model import Board, Person, Project, Repo, Team
from ingestion.simulator.org.context import BuildContext, Crew
from ingestion.simulator.org.github import build_repo_activity
from ingestion.simulator.org.jira import build_jira
from ingestion.simulator.org.pagerduty import add_on_call, build_incidents


def build_team(
    ctx: BuildContext, *, key: str, name: str, project_base: str, copy: int, archetype: str
) -> None:
    org, ids = ctx.org, ctx.ids
    project_key = project_base if copy == 1 else f"{project_base}{copy}"
    people = []
    for _ in range(5):
        n = ids.next("person")
        people.append(
            Person(
                account_id=f"5b10ac8d82e05b22cc7d{n:04d}",
                login=f"dev{n}",
                display_name=f"Dev {n}",
                email=f"dev{n}@acme-sim.example",
                team_key=key,
                pagerduty_user_id=f"PU{n:05d}",
                github_user_id=1000 + n,
            )
        )
    org.people.extend(people)
    board_id = ids.next("board")
    service = add_on_call(ctx, key, name)
    team = Team(
        key,
        f"{name}{'' if copy == 1 else f' {copy}'}",
        project_key,
        board_id,
        [],
        service.team_id,
        [service.id],
    )
    org.teams.append(team)
    crew = Crew(team, people, archetype)
    project = Project(
        str(10000 + ids.next("project")), project_key, f"{team.name} project", people[0].account_id
    )
    org.projects.append(project)
    org.boards.append(Board(board_id, f"{project_key} board", project_key, "scrum"))

    deploy_sources = ["deployments", "deployments", "deployments"]
    if archetype == "mobile":
        deploy_sources = ["releases", "deployments", "deployments"]
    if archetype == "platform":
        deploy_sources = ["deployments", "workflow", "deployments"]
    for r, source in enumerate(deploy_sources):
        repo_name = f"{key}-{('api', 'web', 'worker')[r]}"
        repo = Repo(
            ids.next("repo", 500000),
            repo_name,
            key,
            "main",
            source,
            org.start - timedelta(days=300),
        )
        team.repos.append(repo_name)
        org.repos.append(repo)
        build_repo_activity(ctx, crew, repo)
    build_jira(ctx, crew, project)
    build_incidents(ctx, crew, service)
