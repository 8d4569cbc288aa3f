"""HTTP for the sources: dlt's RESTClient (paging) over a session that retries with back-off,
paces itself on the vendors' quotas and raises errors that name the source, the endpoint and
the config key to fix. Secrets never reach a message.

dlt's own retrying session caps its waits and cannot tell a rejected token from a spent quota
or a secondary rate limit, so the retry policy lives in `SourceSession.send`; RESTClient does
the paging on top of it.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import requests
from dlt.sources.helpers.rest_client import RESTClient
from requests.auth import AuthBase
from requests.hooks import default_hooks, dispatch_hook

log = logging.getLogger("kpibridge.http")
RETRY_STATUSES = {500, 502, 503, 504}
PROGRESS_EVERY = 250  # requests between progress lines on long runs
MAX_QUOTA_WAIT_ENV = "KPIBRIDGE_MAX_QUOTA_WAIT"
DEFAULT_MAX_QUOTA_WAIT = 4 * 3600.0  # seconds; GitHub's hourly quota resets within one hour
QUOTA_RESERVE = 5  # GitHub requests left unspent before pausing until the reset
MAX_RATE_LIMITED = 50  # rate-limit answers in a row for one request before giving up
SECONDARY_LIMIT_WAIT = 60.0  # GitHub: without Retry-After, wait at least one minute


class SourceAuthError(RuntimeError):
    """The API rejected the credentials; nothing of this source was written."""


class SourceUnavailableError(RuntimeError):
    """The API kept failing after every retry, or its quota resets too late."""


def is_not_found(error: requests.HTTPError) -> bool:
    """A 404 or 422: the thing asked about is gone (e.g. a commit force-pushed away)."""
    return error.response is not None and error.response.status_code in (404, 422)


def max_quota_wait_from_env() -> float:
    value = os.environ.get(MAX_QUOTA_WAIT_ENV)
    if value is None:
        return DEFAULT_MAX_QUOTA_WAIT
    try:
        return float(value)
    except ValueError:
        raise ValueError(
            f"{MAX_QUOTA_WAIT_ENV} = {value!r} is not a number of seconds, e.g. 14400"
        ) from None


class SourceSession(requests.Session):
    """A requests session for one source: every request (GET or POST, paged or not) goes
    through `send`, which paces on the quota, retries transient failures and rate limits."""

    def __init__(
        self,
        source: str,
        auth_key: str,
        max_attempts: int = 6,
        max_wait_seconds: float = 60.0,
        max_quota_wait_seconds: float | None = None,
        quota_reserve: int = QUOTA_RESERVE,
    ) -> None:
        super().__init__()
        self.source = source
        self.auth_key = auth_key
        self.max_attempts = max_attempts
        self.max_wait_seconds = max_wait_seconds  # cap of back-off on failures
        self.max_quota_wait_seconds = (
            max_quota_wait_from_env() if max_quota_wait_seconds is None else max_quota_wait_seconds
        )
        self.quota_reserve = quota_reserve
        self.requests_made = 0
        # endpoints answered 404/422: sources skip such a missing child (see is_not_found)
        self.not_found: Counter[str] = Counter()
        # GitHub's last word on each quota (core, graphql, search): remaining, reset epoch
        self._quotas: dict[str, tuple[int, float]] = {}

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """Send with retries; any final answer other than 2xx raises requests.HTTPError."""
        kwargs.setdefault("timeout", 60)
        endpoint = _path(request.url or "")
        # dlt's paginate raises for status in a response hook, which requests runs inside
        # every send: run the hooks on the final answer only, so retries see every answer
        hooks, request.hooks = request.hooks, default_hooks()
        failures = rate_limited = 0
        while True:
            self._pace(endpoint)
            self.requests_made += 1
            if self.requests_made % PROGRESS_EVERY == 0:
                log.info("%s: %d requests so far", self.source, self.requests_made)
            try:
                response = super().send(request, **kwargs)
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
            ) as exc:
                reason = type(exc).__name__
            else:
                self._note_quota(response)
                if _is_rate_limited(response):
                    rate_limited += 1
                    self._wait_for_rate_limit(response, endpoint, rate_limited)
                    continue
                if response.status_code in (401, 403):
                    raise SourceAuthError(
                        f"{self.source}: the API rejected the credentials "
                        f"({response.status_code} on {endpoint}). Check {self.auth_key}."
                    )
                reason = self._failure(request, response, endpoint)
                if reason is None:
                    response = dispatch_hook("response", hooks, response, **kwargs)
                    response.raise_for_status()
                    return response
            failures += 1
            if failures == self.max_attempts:
                raise SourceUnavailableError(
                    f"{self.source}: {endpoint} failed {failures} times (last: {reason}); "
                    "nothing of this run was loaded for this source, try again later"
                )
            wait = min(self.max_wait_seconds, 0.5 * 2 ** (failures - 1))
            log.warning("%s: %s on %s, retrying in %.1fs", self.source, reason, endpoint, wait)
            time.sleep(wait)

    def _failure(
        self, request: requests.PreparedRequest, response: requests.Response, endpoint: str
    ) -> str | None:
        """Why this answer must be retried, or None when it is final."""
        if response.status_code in RETRY_STATUSES:
            return f"HTTP {response.status_code}"
        if response.status_code in (404, 422):
            self.not_found[endpoint] += 1
            log.warning(
                "%s: %s answered %d (not found)", self.source, endpoint, response.status_code
            )
        if response.ok and response.content and _expects_json(request, response):
            try:
                parsed = response.json()
            except ValueError:
                html = "html" in response.headers.get("Content-Type", "").lower()
                return "an HTML page instead of JSON" if html else "invalid JSON"
            # callers (dlt's paginators, the sources) read the body again: reuse this parse
            response.json = lambda **_: parsed  # type: ignore[method-assign]
        return None

    def _note_quota(self, response: requests.Response) -> None:
        """Remember GitHub's quota headers (sent on every answer, per quota resource)."""
        headers = response.headers
        resource = headers.get("x-ratelimit-resource")
        remaining = _seconds(headers.get("x-ratelimit-remaining"))
        reset = _seconds(headers.get("x-ratelimit-reset"))
        if resource and remaining is not None and reset is not None:
            self._quotas[resource] = (int(remaining), reset)

    def _pace(self, endpoint: str) -> None:
        """Before a request: if its quota is (nearly) spent, wait for the reset."""
        quota = self._quotas.get(_github_resource(endpoint))
        if quota is None:
            return
        remaining, reset = quota
        if remaining > self.quota_reserve or reset <= time.time():
            return
        self._wait(reset - time.time(), endpoint, remaining, "quota nearly spent")

    def _wait_for_rate_limit(
        self, response: requests.Response, endpoint: str, answers: int
    ) -> None:
        if answers > MAX_RATE_LIMITED:
            raise SourceUnavailableError(
                f"{self.source}: {endpoint} was rate limited {answers - 1} times in a row; "
                "nothing of this run was loaded for this source, try again later"
            )
        headers = response.headers
        # GitHub and Jira say x-ratelimit-remaining, PagerDuty ratelimit-remaining
        remaining = headers.get("x-ratelimit-remaining", headers.get("ratelimit-remaining", "?"))
        if retry_after := _seconds(headers.get("Retry-After")):
            wait = retry_after
        elif remaining == "0" and (reset := _seconds(headers.get("x-ratelimit-reset"))):
            wait = reset - time.time()
        elif response.status_code == 403:  # a secondary limit that names no time
            wait = SECONDARY_LIMIT_WAIT
        else:  # a 429 that names no time
            wait = min(self.max_wait_seconds, 2.0**answers)
        self._wait(wait, endpoint, remaining, f"HTTP {response.status_code} rate limit")

    def _wait(self, wait: float, endpoint: str, remaining: object, what: str) -> None:
        wait = max(0.0, wait)
        at = datetime.fromtimestamp(time.time() + wait, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        if wait > self.max_quota_wait_seconds:
            raise SourceUnavailableError(
                f"{self.source}: {what} on {endpoint}; the quota resets at {at}, later than "
                f"{MAX_QUOTA_WAIT_ENV} ({self.max_quota_wait_seconds:.0f} s) allows: nothing of "
                "this run was loaded for this source, run again after the reset"
            )
        log.warning(
            "%s: %s on %s (remaining %s); waiting %.0f s, resuming at %s",
            self.source,
            what,
            endpoint,
            remaining,
            wait,
            at,
        )
        time.sleep(wait)


def source_client(
    source: str,
    base_url: str,
    auth_key: str,
    headers: dict[str, str] | None = None,
    auth: AuthBase | None = None,
) -> RESTClient:
    """A RESTClient for one source; `client.session.requests_made` counts what it sent and
    `client.session.not_found` the endpoints that answered 404/422."""
    return RESTClient(
        base_url.rstrip("/"),
        headers=headers,
        auth=auth,
        session=SourceSession(source, auth_key),
    )


def paginate(client: RESTClient, path: str, **kwargs: Any) -> Iterator[Any]:
    """client.paginate without dlt's raise-for-status response hook: requests runs hooks inside
    the session's send, where it would pre-empt SourceSession's own answer (its retries, and a
    rejected token's error naming the config key) with a bare HTTPError."""
    return client.paginate(path, hooks={"response": []}, **kwargs)


def _is_rate_limited(response: requests.Response) -> bool:
    """429; or GitHub's 403 for a spent quota (remaining 0) or a secondary limit (Retry-After,
    or the message saying so) -- a 403 for a rejected token has none of these."""
    if response.status_code == 429:
        return True
    if response.status_code != 403:
        return False
    headers = response.headers
    return (
        headers.get("x-ratelimit-remaining") == "0"
        or "Retry-After" in headers
        or "secondary rate limit" in response.text.lower()
    )


def _expects_json(request: requests.PreparedRequest, response: requests.Response) -> bool:
    said = f"{request.headers.get('Accept', '')} {response.headers.get('Content-Type', '')}"
    return "json" in said.lower()


def _seconds(value: str | None) -> float | None:
    """A numeric header (Retry-After seconds, remaining, reset epoch); None when absent or not a
    number."""
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _github_resource(endpoint: str) -> str:
    """The GitHub quota a request spends (its `x-ratelimit-resource`)."""
    if endpoint.endswith("/graphql"):
        return "graphql"
    return "search" if "/search/" in endpoint else "core"


def _path(url: str) -> str:
    """The URL without its query string: queries may carry cursors, never worth logging."""
    return url.split("?", 1)[0]
