"""GitHub GraphQL for the github source: one `POST /graphql` per query, GitHub's point budget
respected, and cursor connections followed to their last page.

dlt's RESTClient paginators page REST responses; a GraphQL connection nested in a query (a
pull request's reviews inside a page of pull requests) has to be continued with a query of
its own, which is what `Connection` describes.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dlt.sources.helpers.rest_client import RESTClient

log = logging.getLogger("kpibridge.github")
RATE_LIMIT = "rateLimit { cost remaining resetAt }"
PAGE_INFO = "pageInfo { hasNextPage endCursor }"
Node = dict[str, Any]


class GitHubQueryError(RuntimeError):
    """GitHub answered a GraphQL query with errors."""


def literal(value: str) -> str:
    """A GraphQL string literal (JSON's string syntax is GraphQL's)."""
    return json.dumps(value)


class GraphQL:
    """Runs queries against `POST /graphql`; before each one, if GitHub's last `rateLimit`
    says fewer points remain than the last query cost, waits until the budget resets."""

    def __init__(
        self,
        client: RESTClient,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.client, self.sleep, self.now = client, sleep, now
        self.remaining: int | None = None
        self.reset_at = 0.0
        self.next_cost = 1  # queries repeat their shapes: the last cost predicts the next

    def query(self, selection: str) -> Node:
        """`data` of `query { <selection> rateLimit {...} }`; raises on any GraphQL error."""
        self.wait_for_points()
        body = self.client.post(
            "/graphql", json={"query": f"query {{ {selection} {RATE_LIMIT} }}"}
        ).json()
        if body.get("errors") or not isinstance(body.get("data"), dict):
            messages = "; ".join(e.get("message", str(e)) for e in body.get("errors", [body]))
            raise GitHubQueryError(f"github: GraphQL query failed: {messages}")
        data = body["data"]
        spent = data.pop("rateLimit")
        self.remaining, self.next_cost = spent["remaining"], spent["cost"]
        self.reset_at = datetime.fromisoformat(spent["resetAt"].replace("Z", "+00:00")).timestamp()
        return data

    def wait_for_points(self) -> None:
        if self.remaining is None or self.remaining >= self.next_cost:
            return
        wait = max(0.0, self.reset_at - self.now())
        resume = datetime.fromtimestamp(self.reset_at).astimezone().isoformat(timespec="seconds")
        log.warning(
            "github: %d GraphQL points remaining, the next query costs %d: waiting %.0f s "
            "until the budget resets at %s",
            self.remaining,
            self.next_cost,
            wait,
            resume,
        )
        self.sleep(wait)
        self.remaining = None

    def pages(
        self, connection: Connection, page_size: int, first: Node | None = None
    ) -> Iterator[list[Node]]:
        """Every page of nodes of `connection`, starting from `first` (the page an enclosing
        query already returned) or from its beginning; the caller may stop early."""
        page = first or connection.dig(self.query(connection.selection(page_size)))
        while True:
            yield page["nodes"]
            if not page["pageInfo"]["hasNextPage"]:
                return
            after = page["pageInfo"]["endCursor"]
            page = connection.dig(self.query(connection.selection(page_size, after)))

    def complete(self, connection: Connection, page_size: int, first: Node) -> list[Node]:
        """All nodes of a connection whose first page came inside an enclosing query."""
        return [node for nodes in self.pages(connection, page_size, first) for node in nodes]


@dataclass(frozen=True)
class Connection:
    """A connection field and where it sits: `around` is the query around it with `%s` where
    the field goes, `path` the keys from `data` down to it."""

    field: str  # name, or name(arguments) without first/after
    nodes: str  # the selection of each node
    around: str = "%s"
    path: tuple[str, ...] = ()

    def field_selection(self, first: int, after: str | None = None) -> str:
        name, _, arguments = self.field.partition("(")
        page = f"first: {first}" + (f", after: {literal(after)}" if after else "")
        call = f"{name}({page}, {arguments}" if arguments else f"{name}({page})"
        return f"{call} {{ {PAGE_INFO} totalCount nodes {{ {self.nodes} }} }}"

    def selection(self, first: int, after: str | None = None) -> str:
        return self.around.replace("%s", self.field_selection(first, after), 1)

    def dig(self, data: Node) -> Node:
        for key in (*self.path, self.field.partition("(")[0]):
            data = data[key]
        return data

    def under(self, around: str, *path: str) -> Connection:
        """The same connection placed inside `around` (reached by `path`)."""
        return Connection(self.field, self.nodes, around, path)
