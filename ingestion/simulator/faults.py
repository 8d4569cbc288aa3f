"""Fault injection for the simulator: rate limits, quotas, server errors, resets, bad bodies and
outages."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

# GitHub's documented secondary-rate-limit answer: 403, Retry-After, remaining not 0
SECONDARY_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)
# a complete 200 that is not the JSON it claims to be: a cut document, and a proxy's HTML page
INVALID_JSON_BODY = b'{"values": [{"id": "1", '
PROXY_HTML_BODY = (
    b"<html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>Bad Gateway</h1><p>The proxy server received an invalid response.</p></body>"
    b"</html>"
)


@dataclass
class Quota:
    """`requests` per fixed window of `window_seconds`, counted per API: the first request opens
    a window; once it is spent every request is refused until the window ends."""

    requests: int
    window_seconds: float
    _windows: dict[str, tuple[float, int]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take(self, api: str) -> tuple[bool, int, float]:
        """Spend one request of `api`'s window: (allowed, remaining after it, reset epoch)."""
        now = time.time()
        with self._lock:
            start, used = self._windows.get(api, (now, 0))
            if now >= start + self.window_seconds:
                start, used = now, 0
            allowed = used < self.requests
            used += allowed
            self._windows[api] = (start, used)
        return allowed, self.requests - used, start + self.window_seconds

    def headers(self, api: str, remaining: int, reset: float) -> dict[str, str]:
        """GitHub reports its quota on every answer (reset as an epoch in whole seconds, rounded
        up so a client never resumes early); Jira and PagerDuty only say so when refusing."""
        if api != "github":
            return {}
        return {
            "x-ratelimit-limit": str(self.requests),
            "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-reset": str(math.ceil(reset)),
            "x-ratelimit-used": str(self.requests - remaining),
            "x-ratelimit-resource": "core",
        }


@dataclass
class Faults:
    """Switches read on every request; mutable while the simulator runs.

    Counting is per API, so "every 5th request" is deterministic for a given client.
    """

    apis: set[str] = field(default_factory=lambda: {"jira", "github", "pagerduty"})
    rate_limit_every: int | None = None  # answer the vendor's rate-limit response
    secondary_limit_every: int | None = None  # 403 + Retry-After, quota not spent
    server_error_every: int | None = None  # answer 500
    reset_every: int | None = None  # close the connection without a response
    truncate_every: int | None = None  # send half of the promised body, then close
    invalid_json_every: int | None = None  # a complete 200 whose body is not valid JSON
    html_every: int | None = None  # a complete 200 with a proxy's HTML page
    slow_every: int | None = None  # answer after slow_seconds
    slow_seconds: float = 0.5
    outage: set[str] = field(default_factory=set)  # these APIs answer 503 to everything
    outage_after: int | None = None  # from this request number on, every API answers 503
    retry_after_seconds: int = 1
    quota: Quota | None = None  # enforced on the APIs in `apis`

    def pick(self, api: str, request_number: int) -> str | None:
        """The fault for this request, if any: 'outage', 'rate_limit', 'secondary_limit',
        'server_error', 'reset', 'truncate', 'invalid_json', 'html', 'slow'."""
        if api in self.outage or (self.outage_after and request_number > self.outage_after):
            return "outage"
        if api not in self.apis:
            return None
        for name, every in (
            ("rate_limit", self.rate_limit_every),
            ("secondary_limit", self.secondary_limit_every),
            ("server_error", self.server_error_every),
            ("reset", self.reset_every),
            ("truncate", self.truncate_every),
            ("invalid_json", self.invalid_json_every),
            ("html", self.html_every),
            ("slow", self.slow_every),
        ):
            if every and request_number % every == 0:
                return name
        return None
