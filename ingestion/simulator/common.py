"""Pieces every simulated API module shares: credentials, 404s, query parameters."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ingestion.simulator.model import Org

Query = dict[str, list[str]]
Handler = Callable[[Org, re.Match[str], Query, str], tuple[Any, dict[str, str]]]
# POST handlers also get the request's JSON body
PostHandler = Callable[[Org, re.Match[str], Query, str, Any], tuple[Any, dict[str, str]]]


@dataclass(frozen=True)
class Credentials:
    jira_email: str = "sim@kpibridge.local"
    jira_token: str = "sim-jira-token"
    github_token: str = "sim-github-token"
    pagerduty_token: str = "sim-pagerduty-token"


class NotFound(Exception):
    """The path or the entity does not exist: 404 as the vendor answers it."""


class BadRequest(Exception):
    """The request breaks a documented limit: 400 with the vendor's error body."""

    def __init__(self, body: object) -> None:
        super().__init__(body)
        self.body = body


def page_bounds(query: Query, key: str, default: int, cap: int) -> int:
    """A page-size parameter clamped to the vendor's maximum."""
    try:
        return max(1, min(cap, int(query.get(key, [default])[0])))
    except ValueError:
        return default


def param(query: Query, key: str, default: str | None = None) -> str | None:
    return query.get(key, [default])[0]


def without(body: Any, paths: tuple[str, ...]) -> Any:
    """`body` less the fields at `paths` ("incident.description", "values[].location"), for
    the documented-fields mode: what a vendor's reference shows, no more."""
    for path in paths:
        _drop(body, path.split("."))
    return body


def _drop(node: Any, parts: list[str]) -> None:
    key, rest = parts[0].removesuffix("[]"), parts[1:]
    if not isinstance(node, dict) or key not in node:
        return
    if not rest:
        del node[key]
        return
    for child in node[key] if parts[0].endswith("[]") else [node[key]]:
        _drop(child, rest)
