"""Serve the three simulated vendor APIs over loopback HTTP, one port each, real paths."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from urllib.parse import parse_qs, urlsplit

from ingestion.simulator import github_api, jira_api, pagerduty_api
from ingestion.simulator.common import BadRequest, Credentials, NotFound
from ingestion.simulator.faults import Faults
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
    ) -> None:
        self.org = org
        self.faults = faults or Faults(apis=set())
        self.credentials = credentials or Credentials()
        self.request_counts: Counter[str] = Counter()
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

    def _count(self, api: str) -> int:
        with self._lock:
            self.request_counts[api] += 1
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
                n = sim._count(api)
                fault = sim.faults.pick(api, n)
                if fault == "reset":
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault == "slow":
                    time.sleep(sim.faults.slow_seconds)
                if fault == "outage":
                    return self._send(503, {"message": "Service Unavailable"}, {})
                if fault == "server_error":
                    return self._send(500, {"message": "Internal Server Error"}, {})
                if not module.authorized(self.headers, sim.credentials):
                    return self._send(401, module.UNAUTHORIZED, {})
                if fault == "rate_limit":
                    status, headers = module.rate_limited(sim.faults.retry_after_seconds)
                    return self._send(status, {"message": "rate limit exceeded"}, headers)
                parts = urlsplit(self.path)
                query = parse_qs(parts.query, keep_blank_values=True)
                base_url = f"http://{self.headers.get('Host')}"
                for pattern, handler in routes:
                    match = re.fullmatch(pattern, parts.path)
                    if match:
                        try:
                            body, headers = handler(sim.org, match, query, base_url, *extra)
                        except NotFound:
                            return self._send(404, {"message": "Not Found"}, {})
                        except BadRequest as exc:
                            return self._send(400, {"errorMessages": [str(exc)]}, {})
                        return self._send(
                            200,
                            body,
                            {**module.default_headers(), **headers},
                            truncate=fault == "truncate",
                        )
                return self._send(404, {"message": "Not Found"}, {})

            def _send(
                self, status: int, body: object, headers: dict[str, str], truncate: bool = False
            ) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
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


def serve_forever(org: Org, host: str, ports: dict[str, int], faults: Faults | None = None) -> None:
    """Serve until interrupted (the `kpibridge simulate` command)."""
    with Simulator(org, faults=faults, host=host, ports=ports) as sim:
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
