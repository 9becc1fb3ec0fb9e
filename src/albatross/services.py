"""What the web layer and the CLI get from the composition root: ports, engines, settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from albatross.config import Settings
from albatross.identity.commands import IdentityDeps
from albatross.kernel import Cache, EventCodec, EventDistribution, EventStore, Notifier, ProjectionRunner
from albatross.kernel.notifications import EventPublisher


class Metrics(Protocol):
    """The metrics as the web layer sees them (the commands report through IdentityDeps.telemetry)."""

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        """One HTTP request answered; `route` is the matched route's template, never the raw path."""
        ...

    def websocket_opened(self) -> None: ...

    def websocket_closed(self) -> None: ...

    async def render(self) -> tuple[bytes, str]:
        """The exposition as of now, and its content type."""
        ...


class NoMetrics:
    """Counts nothing: the default wherever no metrics adapter was bound."""

    def request(self, method: str, route: str, status: int, seconds: float) -> None:
        return None

    def websocket_opened(self) -> None:
        return None

    def websocket_closed(self) -> None:
        return None

    async def render(self) -> tuple[bytes, str]:
        return b"", "text/plain; charset=utf-8"


@dataclass
class Services:
    settings: Settings
    store: EventStore
    codec: EventCodec
    runner: ProjectionRunner
    """Every projection in one runner: what serve runs embedded, and what a rebuild replays."""
    units: list[ProjectionRunner]
    """The same projections one per runner (plus the announcements): what a worker runs."""
    cache: Cache
    distribution: EventDistribution
    reader: AsyncEngine
    """Read-model queries go through this engine."""
    identity: IdentityDeps
    readiness: Callable[[], Awaitable[dict[str, Any]]]
    notifier: Notifier | None = None
    """Publishes change envelopes; a Litestar plugin (channels) that the app must run."""
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    progress: Callable[[], Awaitable[int]] | None = None
    """The log position every projection has applied (what the live feed may tell of)."""
    publisher: EventPublisher | None = None
    """Builds the envelopes subscribers may see (the live feed replays the log through it)."""
    outage_errors: tuple[type[Exception], ...] = ()
    """What the adapters' drivers raise when their server is away (answered 503, not 500)..."""
    is_outage: Callable[[BaseException], bool] = lambda exc: True
    """...when this says so of the instance (some of those types also mean other failures)."""
    metrics: Metrics = field(default_factory=NoMetrics)
    """HTTP request metrics and the /metrics exposition."""
    clocks: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    """Jobs that run on time rather than on events (the expense clock): run where the
    projections run, embedded in serve, else in every worker (each is safe to run in many)."""

    async def close(self) -> None:
        for close in reversed(self.closers):
            await close()
