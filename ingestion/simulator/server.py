"""Serve the three simulated vendor APIs over loopback HTTP, one port each, real paths."""

from __future__ import annotations

import json
import math
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from urllib.parse import parse_qs, urlsplit

from ingestion.simulator import github_api, jira_api, pagerduty_api
from ingestion.simulator.common import BadRequest, Credentials, NotFound, without
from ingestion.simulator.faults import (
    INVALID_JSON_BODY,
    PROXY_HTML_BODY,
    SECONDARY_LIMIT_MESSAGE,
    Faults,
)
from ingestion.simulator.model import Org

APIS: dict[str, ModuleType] = {"jira": jira_api, "github": github_api, "pagerduty": pagerduty_api}


class Simulator:
    """Three ThreadingHTTPServers serving `org` until stopped; a context manager."""

    def __init__(
        self,
        org: Org,
        faults: Faults | None = None,
        host: str = "127.0.0.1",
        ports: dict[str, int] | None = None,
        credentials: Credentials | None = None,
        documented_fields_only: bool = False,
    ) -> None:
        """`documented_fields_only`: serve only the fields the vendors' references show
        (each API module's UNDOCUMENTED fields left out), as a real account may answer."""
        self.org = org
        self.documented_fields_only = documented_fields_only
        self.faults = faults or Faults(apis=set())
        self.credentials = credentials or Credentials()
        self.request_counts: Counter[str] = Counter()
        # (api, route pattern) -> requests, for the benchmark's per-endpoint figures
        self.request_counts_by_endpoint: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._servers = {
            name: ThreadingHTTPServer((host, (ports or {}).get(name, 0)), self._handler(name))
            for name in APIS
        }
        self.urls = {
            name: f"http://{host}:{server.server_address[1]}"
            for name, server in self._servers.items()
        }
        self._threads: list[threading.Thread] = []

    def start(self) -> dict[str, str]:
        for server in self._servers.values():
            server.daemon_threads = True
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self.urls

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()

    def __enter__(self) -> Simulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _count(self, api: str, route: str) -> int:
        with self._lock:
            self.request_counts[api] += 1
            self.request_counts_by_endpoint[(api, route)] += 1
            return self.request_counts[api]

    def _handler(self, api: str) -> type[BaseHTTPRequestHandler]:
        sim = self
        module = APIS[api]

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle on, each response waits ~40 ms
            # for a delayed ACK.
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:  # quiet: tests read counts instead
                pass

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                self._serve(module.ROUTES, ())

            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                # POST_ROUTES handlers take the parsed JSON body as a fifth argument
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    return self._send(400, {"message": "Problems parsing JSON"}, {})
                self._serve(getattr(module, "POST_ROUTES", []), (body,))

            def _serve(self, routes: list, extra: tuple) -> None:
                parts = urlsplit(self.path)
                route = next(
                    (
                        (pattern, handler, match)
                        for pattern, handler in routes
                        if (match := re.fullmatch(pattern, parts.path))
                    ),
                    None,
                )
                admitted = self._admit(route[0] if route else "(no route)")
                if admitted is None:
                    return
                fault, quota_headers = admitted
                if route is None:
                    return self._send(404, {"message": "Not Found"}, {})
                pattern, handler, match = route
                query = parse_qs(parts.query, keep_blank_values=True)
                base_url = f"http://{self.headers.get('Host')}"
                try:
                    body, headers = handler(sim.org, match, query, base_url, *extra)
                except NotFound:
                    return self._send(404, {"message": "Not Found"}, {})
                except BadRequest as exc:
                    return self._send(400, exc.body, {})
                if sim.documented_fields_only:
                    body = without(body, module.UNDOCUMENTED.get(pattern, ()))
                self._answer(body, {**module.default_headers(), **headers, **quota_headers}, fault)

            def _admit(self, route: str) -> tuple[str | None, dict[str, str]] | None:
                """Count the request and play the faults, auth and quota that answer before
                the API does. None once such an answer was sent; else the fault left for the
                body, and the quota headers the answer carries."""
                n = sim._count(api, route)
                fault = sim.faults.pick(api, n)
                if fault == "reset":
                    self.close_connection = True
                    self.connection.close()
                    return None
                if fault == "slow":
                    time.sleep(sim.faults.slow_seconds)
                if fault in ("outage", "server_error"):
                    status, message = (
                        (503, "Service Unavailable")
                        if fault == "outage"
                        else (500, "Internal Server Error")
                    )
                    self._send(status, {"message": message}, {})
                    return None
                if not module.authorized(self.headers, sim.credentials):
                    self._send(401, module.UNAUTHORIZED, {})
                    return None
                if fault == "rate_limit":
                    status, headers = module.rate_limited(sim.faults.retry_after_seconds)
                    self._send(status, {"message": "rate limit exceeded"}, headers)
                    return None
                quota_headers = self._spend_quota()
                if quota_headers is None:
                    return None
                if fault == "secondary_limit":
                    retry = {"Retry-After": str(sim.faults.retry_after_seconds)}
                    headers = {**module.default_headers(), **quota_headers, **retry}
                    self._send(403, {"message": SECONDARY_LIMIT_MESSAGE}, headers)
                    return None
                return fault, quota_headers

            def _answer(self, body: object, headers: dict[str, str], fault: str | None) -> None:
                """A 200 with `body`, unless the fault spoils it."""
                if fault == "invalid_json":
                    return self._write(200, INVALID_JSON_BODY, "application/json", headers)
                if fault == "html":
                    return self._write(200, PROXY_HTML_BODY, "text/html; charset=utf-8", headers)
                self._send(200, body, headers, truncate=fault == "truncate")

            def _spend_quota(self) -> dict[str, str] | None:
                """The quota headers of this answer, or None once the refusal was sent."""
                quota = sim.faults.quota
                if quota is None or api not in sim.faults.apis:
                    return {}
                allowed, remaining, reset = quota.take(api)
                headers = quota.headers(api, remaining, reset)
                if allowed:
                    return headers
                status, refusal = module.rate_limited(max(1, math.ceil(reset - time.time())))
                self._send(status, {"message": "API rate limit exceeded"}, refusal | headers)
                return None

            def _send(
                self, status: int, body: object, headers: dict[str, str], truncate: bool = False
            ) -> None:
                payload = json.dumps(body).encode()
                self._write(status, payload, "application/json; charset=utf-8", headers, truncate)

            def _write(
                self,
                status: int,
                payload: bytes,
                content_type: str,
                headers: dict[str, str],
                truncate: bool = False,
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if truncate:  # promise the whole body, send half, hang up
                    self.wfile.write(payload[: len(payload) // 2])
                    self.close_connection = True
                    return
                self.wfile.write(payload)

        return RequestHandler


def serve_forever(
    org: Org,
    host: str,
    ports: dict[str, int],
    faults: Faults | None = None,
    documented_fields_only: bool = False,
) -> None:
    """Serve until interrupted (the `kpibridge simulate` command)."""
    with Simulator(
        org, faults=faults, host=host, ports=ports, documented_fields_only=documented_fields_only
    ) as sim:
        creds = sim.credentials
        for name, url in sim.urls.items():
            print(f"{name:10s} {url}")
        print(
            f"credentials: jira {creds.jira_email} / {creds.jira_token}, "
            f"github {creds.github_token}, pagerduty {creds.pagerduty_token}"
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
