"""Projections fold the global log into read models, exactly once, in global order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from albatross.kernel.errors import ProjectionTimeout
from albatross.kernel.events import DomainEvent, EventCodec
from albatross.kernel.notifications import EventPublisher
from albatross.kernel.ports import EventDistribution
from albatross.kernel.store import EventStore, StoredEvent

log = logging.getLogger("albatross.projections")


class ReadModelStore(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[Any]: ...

    async def checkpoints(self, names: Sequence[str]) -> dict[str, int]: ...

    async def advance(self, tx: Any, name: str, old: int, new: int) -> bool:
        """Move a checkpoint from `old` to `new` inside `tx`; False when someone else moved it."""
        ...

    async def reset(self, name: str, tables: Sequence[Any]) -> None:
        """Empty a projection's tables and set its checkpoint to 0, in one transaction."""
        ...

    async def compact(self) -> None:
        """After a rebuild: drop stale copies of old rows the database may still keep on disk."""
        ...


class Projection(Protocol):
    name: str
    tables: Sequence[Any]
    event_types: frozenset[str]

    async def handle(self, tx: Any, events: Sequence[tuple[StoredEvent, DomainEvent]]) -> None: ...


class CheckpointMoved(Exception):
    """Another runner applied this batch first; ours is rolled back."""


class ProjectionRunner:
    def __init__(
        self,
        store: EventStore,
        codec: EventCodec,
        read_models: ReadModelStore,
        projections: Sequence[Projection],
        distribution: EventDistribution,
        *,
        batch_size: int = 1000,
        publisher: EventPublisher | None = None,
        unit: str = "projections",
    ) -> None:
        self.store = store
        self.codec = codec
        self.read_models = read_models
        self.projections = list(projections)
        self.distribution = distribution
        self.batch_size = batch_size
        self.unit = unit
        """The name this runner's work goes by in the distribution port (a broker queue)."""
        self.positions: dict[str, int] = {}
        self.publisher = publisher
        self._announced: int | None = None  # set while running: what subscribers were told up to
        self._progress = asyncio.Condition()
        self.running = False

    async def catch_up(self) -> int:
        """Apply every event in the log that a projection has not seen yet; returns the count."""
        names = [p.name for p in self.projections]
        self.positions = await self.read_models.checkpoints(names)
        applied = 0
        while True:
            low = min(self.positions.values(), default=0)
            events = await self.store.read_all(low, self.batch_size)
            if not events:
                return applied
            decoded: dict[int, DomainEvent] = {}
            for projection in self.projections:
                await self._apply(projection, events, decoded)
            applied += len(events)
            self._announce(events)
            async with self._progress:
                self._progress.notify_all()

    async def _apply(
        self, projection: Projection, events: list[StoredEvent], decoded: dict[int, DomainEvent]
    ) -> None:
        old = self.positions[projection.name]
        todo = [e for e in events if e.position > old]
        if not todo:
            return
        wanted = []
        for stored in todo:
            if stored.event_type in projection.event_types:
                event = decoded.get(stored.position)
                if event is None:
                    event = decoded[stored.position] = self.codec.decode(
                        stored.event_type, stored.schema_version, stored.payload
                    )
                wanted.append((stored, event))
        new = todo[-1].position
        try:
            async with self.read_models.transaction() as tx:
                if not await self.read_models.advance(tx, projection.name, old, new):
                    raise CheckpointMoved
                if wanted:
                    await projection.handle(tx, wanted)
        except CheckpointMoved:
            new = (await self.read_models.checkpoints([projection.name]))[projection.name]
        self.positions[projection.name] = new

    def _announce(self, events: list[StoredEvent]) -> None:
        """Once every projection has a batch, subscribers may hear of it (and query it)."""
        if self.publisher is None or self._announced is None:
            return
        done = min(self.positions.values(), default=0)
        fresh = [e for e in events if self._announced < e.position <= done]
        if fresh:
            self.publisher.publish(fresh)
            self._announced = fresh[-1].position

    async def run(self) -> None:
        """Catch up on every wake-up from the distribution port, until cancelled.

        Only events appended after the start are announced: a restart does not replay history
        to subscribers (they resume from the log)."""
        failures = 0
        try:
            async with self.distribution.subscribe(self.unit) as wakeups:
                async for wakeup in wakeups:
                    if self._announced is not None and 0 < wakeup.position <= min(
                        self.positions.values(), default=0
                    ):
                        await wakeup.done()  # old news: already applied
                        continue
                    try:
                        if self._announced is None:
                            self._announced = await self.store.last_position()
                            self.running = True
                        await self.catch_up()
                        failures = 0
                    except asyncio.CancelledError:
                        raise
                    except Exception as exc:
                        # A database that is away is retried with backoff: one line per attempt,
                        # the traceback only the first time (it is the same every time after).
                        failures += 1
                        delay = min(10.0, 0.5 * 2**failures)
                        log.warning(
                            "projections %s stalled (%s: %s); retrying in %.1f s",
                            self.unit,
                            type(exc).__name__,
                            exc,
                            delay,
                            exc_info=failures == 1,
                        )
                        await wakeup.retry()
                        await asyncio.sleep(delay)
                        continue
                    await wakeup.done()
        finally:
            self.running = False
            self._announced = None

    async def rebuild(self) -> int:
        """Empty every projection's tables and replay the whole log into them."""
        for projection in self.projections:
            await self.read_models.reset(projection.name, projection.tables)
        applied = await self.catch_up()
        await self.read_models.compact()
        return applied

    async def wait_for(self, position: int, timeout: float) -> None:
        """Return once every projection has applied `position`; else raise ProjectionTimeout."""
        deadline = time.monotonic() + timeout
        pause = 0.005  # polling another process's checkpoints: soon at first, then less often
        while True:
            if self.running:
                reached = min(self.positions.values(), default=0)
            else:  # projections run in another process: ask the checkpoints table
                names = [p.name for p in self.projections]
                reached = min((await self.read_models.checkpoints(names)).values(), default=0)
            if reached >= position:
                return
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProjectionTimeout(
                    f"Read models have not reached position {position} yet (at {reached}).",
                    retry_after=1,
                )
            if self.running:
                async with self._progress:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(min(left, 0.25)):
                            await self._progress.wait()
            else:
                await asyncio.sleep(min(left, pause))
                pause = min(pause * 2, 0.05)
