"""Fault injection for the simulator: rate limits, server errors, resets and outages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Faults:
    """Switches read on every request; mutable while the simulator runs.

    Counting is per API, so "every 5th request" is deterministic for a given client.
    """

    apis: set[str] = field(default_factory=lambda: {"jira", "github", "pagerduty"})
    rate_limit_every: int | None = None  # answer the vendor's rate-limit response
    server_error_every: int | None = None  # answer 500
    reset_every: int | None = None  # close the connection without a response
    truncate_every: int | None = None  # send half of the promised body, then close
    slow_every: int | None = None  # answer after slow_seconds
    slow_seconds: float = 0.5
    outage: set[str] = field(default_factory=set)  # these APIs answer 503 to everything
    outage_after: int | None = None  # from this request number on, every API answers 503
    retry_after_seconds: int = 1

    def pick(self, api: str, request_number: int) -> str | None:
        """The fault for this request, if any: 'outage', 'rate_limit', 'server_error', 'reset',
        'truncate', 'slow'."""
        if api in self.outage or (self.outage_after and request_number > self.outage_after):
            return "outage"
        if api not in self.apis:
            return None
        for name, every in (
            ("rate_limit", self.rate_limit_every),
            ("server_error", self.server_error_every),
            ("reset", self.reset_every),
            ("truncate", self.truncate_every),
            ("slow", self.slow_every),
        ):
            if every and request_number % every == 0:
                return name
        return None
