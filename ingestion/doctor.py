"""`kpibridge doctor`: check each configured source, list what the accounts contain, compare it
with the seeds that map it to teams, and draft those seeds for a first run.

Reads one page of each endpoint the ingestion uses (never a whole history), so it is cheap to
run before a first load and safe to run on a schedule.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth
from dlt.sources.helpers.rest_client.paginators import (
    BasePaginator,
    HeaderLinkPaginator,
    OffsetPaginator,
)

from ingestion.sources.http import (
    SourceAuthError,
    SourceUnavailableError,
    paginate,
    source_client,
)
from ingestion.sources.jira import PageBeanPaginator

SOURCES = ("github", "jira", "pagerduty")
REQUIRED_KEYS = {
    "github": ("owner", "access_token"),
    "jira": ("base_url", "email", "api_token"),
    "pagerduty": ("api_token",),
}
UNASSIGNED = "unassigned"  # team key of drafted rows the user must assign
GITHUB_CLASSIC_SCOPES = ({"repo", "public_repo"}, {"read:org"})  # one of each set


@dataclass
class Finding:
    """One line of the doctor's answer; `ok=False` lines make `kpibridge doctor` exit 1."""

    source: str
    check: str
    ok: bool
    detail: str


@dataclass
class Repo:
    name: str
    environments: set[str] = field(default_factory=set)
    has_releases: bool = False
    workflow_names: set[str] = field(default_factory=set)

    def deployment_source(self, production: set[str], workflows: set[str]) -> str:
        """How this repo ships, in team_sources.csv's words ('' when nothing shows it)."""
        if {env.lower() for env in self.environments} & production:
            return "deployments"
        if self.workflow_names & workflows:
            return "workflow"
        return "releases" if self.has_releases else ""


@dataclass
class Inventory:
    """What the accounts contain, as far as team mapping is concerned."""

    repos: dict[str, Repo] = field(default_factory=dict)
    projects: dict[str, str] = field(default_factory=dict)  # key -> name
    boards: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # id -> name, project
    services: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # id -> name, teams
    pagerduty_teams: dict[str, str] = field(default_factory=dict)  # id -> name


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    inventory: Inventory = field(default_factory=Inventory)
    reached: set[str] = field(default_factory=set)  # sources whose inventory is complete

    def add(self, source: str, check: str, ok: bool, detail: str) -> None:
        self.findings.append(Finding(source, check, ok, detail))

    @property
    def ok(self) -> bool:
        return all(finding.ok for finding in self.findings)


def run_doctor(
    settings: dict[str, dict[str, Any]],
    seeds_dir: Path,
    production_environments: list[str],
    deployment_workflows: list[str],
) -> Report:
    """Check every source present in `settings` (the resolved source arguments), then compare
    the accounts with the seeds in `seeds_dir`."""
    report = Report()
    checks = {"github": _check_github, "jira": _check_jira, "pagerduty": _check_pagerduty}
    for source in SOURCES:
        missing = [key for key in REQUIRED_KEYS[source] if not settings.get(source, {}).get(key)]
        if missing:
            keys = ", ".join(f"sources.{source}.{key}" for key in missing)
            report.add(
                source,
                "configured",
                False,
                f"{keys} not set (.dlt/config.toml, .dlt/secrets.toml or SOURCES__... "
                "environment variables; see the README's real-account walkthrough)",
            )
            continue
        try:
            checks[source](settings[source], report)
            report.reached.add(source)
        except (SourceAuthError, SourceUnavailableError) as exc:
            report.add(source, "reachable", False, str(exc))
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else "?"
            url = exc.request.url.split("?", 1)[0] if exc.request is not None else "?"
            report.add(source, "reachable", False, f"HTTP {status} on {url}")
        except requests.RequestException as exc:
            report.add(
                source,
                "reachable",
                False,
                f"{type(exc).__name__}: check sources.{source}.base_url",
            )
    _compare_with_seeds(
        report,
        _read_seeds(seeds_dir),
        {env.lower() for env in production_environments},
        set(deployment_workflows),
    )
    return report


def _first_page(client: RESTClient, path: str, **params: Any) -> Any:
    return client.get(path, params=params).json()


def _check_github(settings: dict[str, Any], report: Report) -> None:
    client = source_client(
        "github",
        settings.get("base_url", "https://api.github.com"),
        "sources.github.access_token",
        headers={
            "Authorization": f"Bearer {settings['access_token']}",
            "Accept": "application/vnd.github+json",
        },
    )
    owner = settings["owner"]
    pages = paginate(
        client, f"/orgs/{owner}/repos", params={"per_page": 100}, paginator=HeaderLinkPaginator()
    )
    for number, page in enumerate(pages):
        if number == 0:
            report.add("github", "token accepted", True, f"read /orgs/{owner}/repos")
            _check_github_scopes(page.response.headers.get("X-OAuth-Scopes"), report)
        for repo in page:
            report.inventory.repos[repo["name"]] = Repo(repo["name"])
    for repo in report.inventory.repos.values():
        base = f"/repos/{owner}/{repo.name}"
        repo.environments = {
            d["environment"] for d in _first_page(client, f"{base}/deployments", per_page=100)
        }
        repo.has_releases = bool(_first_page(client, f"{base}/releases", per_page=1))
        runs = _first_page(client, f"{base}/actions/runs", per_page=100)["workflow_runs"]
        repo.workflow_names = {run["name"] for run in runs}
    report.add("github", "repositories", True, f"{len(report.inventory.repos)} in {owner}")


def _check_github_scopes(scopes: str | None, report: Report) -> None:
    """A classic token lists its scopes in a header; a fine-grained one does not."""
    if scopes is None:
        report.add(
            "github", "read scopes", True, "fine-grained token: checked by reading each endpoint"
        )
        return
    granted = {s.strip() for s in scopes.split(",") if s.strip()}
    missing = [" or ".join(sorted(need)) for need in GITHUB_CLASSIC_SCOPES if not need & granted]
    report.add(
        "github",
        "read scopes",
        not missing,
        f"granted {', '.join(sorted(granted)) or 'none'}"
        + (f"; missing {', '.join(missing)}" if missing else ""),
    )


def _items(
    client: RESTClient, path: str, paginator: BasePaginator, key: str, **params: Any
) -> Iterator[dict[str, Any]]:
    """Every item of a listing, paged as the sources page it."""
    for page in paginate(client, path, params=params, paginator=paginator, data_selector=key):
        yield from page


def _offsets() -> OffsetPaginator:
    """PagerDuty's classic pagination: offset/limit until `more` is false."""
    return OffsetPaginator(limit=100, total_path=None, has_more_path="more")


def _check_jira(settings: dict[str, Any], report: Report) -> None:
    client = source_client(
        "jira",
        settings["base_url"],
        "sources.jira.email / sources.jira.api_token",
        auth=HttpBasicAuth(settings["email"], settings["api_token"]),
        headers={"Accept": "application/json"},
    )
    inventory = report.inventory
    inventory.projects = {
        p["key"]: p["name"]
        for p in _items(client, "/rest/api/3/project/search", PageBeanPaginator(50), "values")
    }
    report.add("jira", "token accepted", True, f"{len(inventory.projects)} projects visible")
    _first_page(client, "/rest/api/3/search/jql", jql="order by updated desc", maxResults=1)
    report.add("jira", "browse issues", True, "read one page of /rest/api/3/search/jql")
    for project in inventory.projects:
        # Atlassian's board payload need not name its project: ask per project
        for board in _items(
            client,
            "/rest/agile/1.0/board",
            PageBeanPaginator(50),
            "values",
            projectKeyOrId=project,
        ):
            location = (board.get("location") or {}).get("projectKey")
            inventory.boards[str(board["id"])] = (board["name"], location or project)
    report.add("jira", "boards", True, f"{len(inventory.boards)} boards")


def _check_pagerduty(settings: dict[str, Any], report: Report) -> None:
    client = source_client(
        "pagerduty",
        settings.get("base_url", "https://api.pagerduty.com"),
        "sources.pagerduty.api_token",
        headers={
            "Authorization": f"Token token={settings['api_token']}",
            "Accept": "application/vnd.pagerduty+json;version=2",
        },
    )
    inventory = report.inventory
    for service in _items(client, "/services", _offsets(), "services"):
        teams = [t["id"] for t in service.get("teams") or []]
        inventory.services[service["id"]] = (service["name"], teams)
    report.add("pagerduty", "token accepted", True, f"{len(inventory.services)} services")
    inventory.pagerduty_teams = {
        t["id"]: t["name"] for t in _items(client, "/teams", _offsets(), "teams")
    }
    _first_page(client, "/incidents", limit=1)
    report.add("pagerduty", "read incidents", True, "read one page of /incidents")


@dataclass
class Seeds:
    teams: list[str]
    sources: list[dict[str, str]]
    kpis: list[dict[str, str]]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _read_seeds(seeds_dir: Path) -> Seeds:
    return Seeds(
        teams=[row["team_key"] for row in _read_csv(seeds_dir / "teams.csv")],
        sources=_read_csv(seeds_dir / "team_sources.csv"),
        kpis=_read_csv(seeds_dir / "kpi_glossary.csv"),
    )


def repo_name(source_key: str) -> str:
    """`owner/name` as GitHub shows it, or `name`: both mean the repository `name`."""
    return source_key.rsplit("/", 1)[-1]


def _compare_with_seeds(
    report: Report, seeds: Seeds, production: set[str], workflows: set[str]
) -> None:
    inventory = report.inventory
    found = {
        ("github", "repo"): set(inventory.repos),
        ("jira", "project"): set(inventory.projects),
        ("jira", "board"): set(inventory.boards),
        ("pagerduty", "service"): set(inventory.services),
    }
    mapped: dict[tuple[str, str], set[str]] = {kind: set() for kind in found}
    systems_by_team: dict[str, set[str]] = {team: set() for team in seeds.teams}
    for row in seeds.sources:
        kind = (row["source_system"], row["source_kind"])
        key = repo_name(row["source_key"]) if kind == ("github", "repo") else row["source_key"]
        if kind not in found:
            continue
        mapped[kind].add(key)
        systems_by_team.setdefault(row["team_key"], set()).add(row["source_system"])
        if row["source_system"] in report.reached and key not in found[kind]:
            report.add(
                row["source_system"],
                "mapped entity exists",
                False,
                f"team_sources.csv maps {kind[1]} {row['source_key']!r} to {row['team_key']}, "
                "but the account has none by that name",
            )
        if kind == ("github", "repo") and key in inventory.repos:
            ships = inventory.repos[key].deployment_source(production, workflows)
            if ships and row["deployment_source"] and ships != row["deployment_source"]:
                report.add(
                    "github",
                    "deployment source",
                    False,
                    f"{key}: team_sources.csv says {row['deployment_source']!r}, "
                    f"the account shows {ships!r}",
                )
    for kind, keys in found.items():
        for key in sorted(keys - mapped[kind]):
            report.add(kind[0], "entity mapped to a team", False, f"{kind[1]} {key!r} has no team")
    for team, systems in sorted(systems_by_team.items()):
        if "pagerduty" not in systems:
            report.add("pagerduty", "team has an incident source", False, f"team {team}")
        blocked = [
            kpi["kpi_id"]
            for kpi in seeds.kpis
            if {s.strip() for s in kpi["sources"].split(",")} - {"business"} - systems
        ]
        if blocked:
            report.add(
                "seeds",
                "KPIs computable",
                False,
                f"team {team}: {', '.join(blocked)} need a source the team has none of "
                f"(mapped: {', '.join(sorted(systems)) or 'none'})",
            )


def _words(name: str) -> list[str]:
    return [word for word in re.split(r"[^a-z0-9]+", name.lower()) if word]


def _team_keys(names: list[str]) -> dict[str, str]:
    """Team keys from team names, without the words every name shares ("Payments On-Call",
    "Checkout On-Call" -> payments, checkout)."""
    shared = set.intersection(*(set(_words(n)) for n in names)) if len(names) > 1 else set()
    return {
        n: "_".join(w for w in _words(n) if w not in shared) or "_".join(_words(n)) for n in names
    }


def _team_for(name: str, team_keys: list[str]) -> str:
    """The team whose key starts the entity's name (payments-api -> payments), if any."""
    words = _words(name)
    matches = [key for key in team_keys if words[: len(key.split("_"))] == key.split("_")]
    return max(matches, key=len) if matches else UNASSIGNED


def draft_seeds(
    inventory: Inventory, out_dir: Path, production: list[str], workflows: list[str]
) -> list[Path]:
    """First `teams.csv`, `team_sources.csv` and `service_catalog.csv` from what the accounts
    contain: teams from PagerDuty teams (else Jira projects), entities matched to a team by
    name, `unassigned` where nothing matched. The user edits them before the first build."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = list(inventory.pagerduty_teams.values()) or list(inventory.projects.values())
    key_of_name = _team_keys(names)
    team_keys = sorted(set(key_of_name.values()))
    team_of_pd_team = {tid: key_of_name[name] for tid, name in inventory.pagerduty_teams.items()}
    production_set = {env.lower() for env in production}
    sources: list[dict[str, str]] = []
    for repo in sorted(inventory.repos.values(), key=lambda r: r.name):
        ships = repo.deployment_source(production_set, set(workflows))
        sources.append(_source_row(_team_for(repo.name, team_keys), "github", "repo", repo.name))
        sources[-1]["deployment_source"] = ships or "deployments"
    for key, name in sorted(inventory.projects.items()):
        sources.append(_source_row(_team_for(name, team_keys), "jira", "project", key))
    team_of_project = {row["source_key"]: row["team_key"] for row in sources}
    for board_id, (_, project) in sorted(inventory.boards.items()):
        team = team_of_project.get(project or "", UNASSIGNED)
        sources.append(_source_row(team, "jira", "board", board_id))
    catalog = []
    for service_id, (name, pd_teams) in sorted(inventory.services.items()):
        team = next((team_of_pd_team[t] for t in pd_teams if t in team_of_pd_team), None)
        team = team or _team_for(name, team_keys)
        sources.append(_source_row(team, "pagerduty", "service", service_id))
        repos = [
            r["source_key"] for r in sources if (r["team_key"], r["source_kind"]) == (team, "repo")
        ]
        for repo in repos or [""]:
            catalog.append(
                {
                    "service_id": service_id,
                    "service_name": name,
                    "team_key": team,
                    "repo": repo,
                    "tier": "2",
                    "downtime_cost_per_hour": "0",
                }
            )
    teams = [
        {
            "team_key": key,
            "team_name": key.replace("_", " ").title(),
            "product": key,
            "headcount": "0",
        }
        for key in team_keys
    ]
    written = []
    for filename, rows in (
        ("teams.csv", teams),
        ("team_sources.csv", sources),
        ("service_catalog.csv", catalog),
    ):
        path = out_dir / filename
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["team_key"])
            writer.writeheader()
            writer.writerows(rows)
        written.append(path)
    return written


def _source_row(team: str, system: str, kind: str, key: str) -> dict[str, str]:
    return {
        "team_key": team,
        "source_system": system,
        "source_kind": kind,
        "source_key": key,
        "deployment_source": "",
    }
