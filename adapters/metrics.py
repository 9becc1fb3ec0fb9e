"""Prometheus metrics: HTTP requests, commands, appends, projection lag, WebSocket clients.

Every instance has its own registry (not prometheus_client's global one), so several apps in
one process (the tests) keep their numbers apart. Labels are bounded sets only: a method, a
route template, a status, a command name, an outcome, a projection name. Never the ids of
people, airlines or records.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

log = logging.getLogger("albatross.metrics")

# From a fast SQLite append (well under a millisecond) to a request that should have timed out.
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LAG_TIMEOUT_SECONDS = 2.0
"""A scrape must answer in time even when the database hangs: the lag is left out then."""

ProjectionLag = Callable[[], Awaitable[dict[str, int]]]


class PrometheusMetrics:
    def __init__(self, projection_lag: ProjectionLag | None = None) -> None:
        self.registry = CollectorRegistry()
        self._projection_lag = projection_lag
        self._requests = Counter(
            "albatross_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self._request_seconds = Histogram(
            "albatross_http_request_duration_seconds",
            "Time from a request's arrival to its response's end, by method, route template and status.",
            ["method", "route", "status"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self._command_seconds = Histogram(
            "albatross_command_duration_seconds",
            "Time a command took, retries included, by command and outcome (ok, conflict or the error).",
            ["command", "outcome"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self._append_seconds = Histogram(
            "albatross_event_store_append_duration_seconds",
            "Time a successful append to the event log took (one transaction).",
            buckets=BUCKETS,
            registry=self.registry,
        )
        self._appended = Counter(
            "albatross_events_appended",
            "Events appended to the log by this process's commands.",
            registry=self.registry,
        )
        self._lag = Gauge(
            "albatross_projection_lag_events",
            "Events in the log a projection has not applied yet (the log head minus its checkpoint).",
            ["projection"],
            registry=self.registry,
        )
        self._websockets = Gauge(
            "albatross_websocket_clients",
            "WebSocket clients connected to this process.",
            registry=self.registry,
        )

    # ---- the kernel's Telemetry port ----

    def command(self, name: str, outcome: str, seconds: float) -> None:
        self._command_seconds.labels(name, outcome).observe(seconds)

    def append(self, seconds: float, events: int) -> None:
        self._append_seconds.observe(seconds)
        self._appended.inc(events)

    # ---- the web layer's ----

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        self._requests.labels(method, route, str(status)).inc()
        self._request_seconds.labels(method, route, str(status)).observe(seconds)

    def websocket_opened(self) -> None:
        self._websockets.inc()

    def websocket_closed(self) -> None:
        self._websockets.dec()

    async def render(self) -> tuple[bytes, str]:
        """The exposition, with the projection lag as of now (left out if it cannot be read)."""
        lag: dict[str, int] = {}
        if self._projection_lag is not None:
            try:
                async with asyncio.timeout(LAG_TIMEOUT_SECONDS):
                    lag = await self._projection_lag()
            except Exception as exc:
                log.warning("projection lag left out of the metrics: %s", type(exc).__name__)
        # No await from here on: a concurrent scrape cannot see the gauge half set.
        self._lag.clear()
        for projection, events in lag.items():
            self._lag.labels(projection).set(events)
        return generate_latest(self.registry), CONTENT_TYPE_PLAIN_0_0_4
