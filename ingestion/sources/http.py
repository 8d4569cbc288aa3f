"""HTTP for the sources: dlt's RESTClient (paging) over a session that retries with back-off,
honours the vendors' rate-limit answers and raises errors that name the source, the endpoint
and the config key to fix. Secrets never reach a message.

dlt's own retrying session caps its waits and cannot tell a rejected token from a spent quota,
so the retry policy lives in `SourceSession.send`; RESTClient does the paging on top of it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import requests
from dlt.sources.helpers.rest_client import RESTClient
from requests.auth import AuthBase

log = logging.getLogger("kpibridge.http")
RETRY_STATUSES = {429, 500, 502, 503, 504}
PROGRESS_EVERY = 250  # requests between progress lines on long runs


class SourceAuthError(RuntimeError):
    """The API rejected the credentials; nothing of this source was written."""


class SourceUnavailableError(RuntimeError):
    """The API kept failing after every retry."""


def is_not_found(error: requests.HTTPError) -> bool:
    """A 404 or 422: the thing asked about is gone (e.g. a commit force-pushed away)."""
    return error.response is not None and error.response.status_code in (404, 422)


class SourceSession(requests.Session):
    """A requests session for one source: every request (GET or POST, paged or not) goes
    through `send`, which retries transient failures and rate limits."""

    def __init__(
        self,
        source: str,
        auth_key: str,
        max_attempts: int = 6,
        max_wait_seconds: float = 60.0,
    ) -> None:
        super().__init__()
        self.source = source
        self.auth_key = auth_key
        self.max_attempts = max_attempts
        self.max_wait_seconds = max_wait_seconds
        self.requests_made = 0

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """Send with retries; any final answer other than 2xx raises requests.HTTPError."""
        kwargs.setdefault("timeout", 60)
        endpoint = _path(request.url or "")
        for attempt in range(1, self.max_attempts + 1):
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
                wait, reason = self._backoff(attempt), type(exc).__name__
            else:
                if response.status_code == 401 or (
                    response.status_code == 403 and not _is_rate_limited(response)
                ):
                    raise SourceAuthError(
                        f"{self.source}: the API rejected the credentials "
                        f"({response.status_code} on {endpoint}). Check {self.auth_key}."
                    )
                if response.status_code in RETRY_STATUSES or _is_rate_limited(response):
                    wait = _retry_after(response) or self._backoff(attempt)
                    reason = f"HTTP {response.status_code}"
                else:
                    response.raise_for_status()
                    return response
            if attempt == self.max_attempts:
                raise SourceUnavailableError(
                    f"{self.source}: {endpoint} failed {attempt} times (last: {reason}); "
                    "nothing of this run was loaded for this source, try again later"
                )
            wait = min(wait, self.max_wait_seconds)
            log.warning("%s: %s on %s, retrying in %.1fs", self.source, reason, endpoint, wait)
            time.sleep(wait)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        return min(self.max_wait_seconds, 0.5 * 2 ** (attempt - 1))


def source_client(
    source: str,
    base_url: str,
    auth_key: str,
    headers: dict[str, str] | None = None,
    auth: AuthBase | None = None,
) -> RESTClient:
    """A RESTClient for one source; `client.session.requests_made` counts what it sent."""
    return RESTClient(
        base_url.rstrip("/"),
        headers=headers,
        auth=auth,
        session=SourceSession(source, auth_key),
    )


def _is_rate_limited(response: requests.Response) -> bool:
    return response.status_code == 429 or (
        response.status_code == 403 and response.headers.get("x-ratelimit-remaining") == "0"
    )


def _retry_after(response: requests.Response) -> float | None:
    if value := response.headers.get("Retry-After"):
        return float(value)
    if response.headers.get("x-ratelimit-remaining") == "0" and (
        reset := response.headers.get("x-ratelimit-reset")
    ):
        return max(1.0, float(reset) - time.time())
    return None


def _path(url: str) -> str:
    """The URL without its query string: queries may carry cursors, never worth logging."""
    return url.split("?", 1)[0]
