"""What the web layer and the CLI get from the composition root: ports, engines, settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from albatross.config import Settings
from albatross.identity.commands import IdentityDeps
from albatross.kernel import Cache, EventCodec, EventDistribution, EventStore, Notifier, ProjectionRunner


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

    async def close(self) -> None:
        for close in reversed(self.closers):
            await close()
