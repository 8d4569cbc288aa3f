"""What every part of the organisation is built with: the shared settings, the id counters,
the random stream and the org being filled, passed around as one `BuildContext`."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime

from ingestion.simulator.model import Org, Person, Team

DEFAULT_END = datetime(2026, 11, 1, tzinfo=UTC)
HISTORY_DAYS = 184  # six whole months: 2026-05-01 .. 2026-11-01 by default
GITHUB_OWNER = "acme-sim"
ISSUES_PER_PROJECT = 120
ISSUE_SPACING_HOURS = (HISTORY_DAYS - 10) * 24 / ISSUES_PER_PROJECT
# the team whose deployment frequency rises while its change failure rate worsens
FAST_BUT_FRAGILE_TEAM = "payments"
# the team whose pull requests wait long for a first review
SLOW_REVIEW_TEAM = "checkout"
# the team whose reliability improves from month 3, with CSAT and churn following
IMPROVING_TEAM = "platform"


class Ids:
    """Monotonic id counters so every entity id is unique and stable."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def next(self, kind: str, start: int = 1) -> int:
        value = self._next.get(kind, start)
        self._next[kind] = value + 1
        return value


@dataclass(frozen=True)
class BuildContext:
    """The org being filled, its id counters and the one random stream: every draw comes
    from `rng` in a fixed order, which is what makes a seed reproduce the same org."""

    org: Org
    rng: random.Random
    ids: Ids


@dataclass(frozen=True)
class Crew:
    """A team, its people, and the base team (archetype) whose story it plays."""

    team: Team
    people: list[Person]
    archetype: str


def stable_sha(*parts: object) -> str:
    return hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()


def month_index(org: Org, at: datetime) -> int:
    return min(5, max(0, (at - org.start).days // 31))
