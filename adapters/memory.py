"""In-memory adapters: the event store for tests and ephemeral runs, in-process distribution."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence

from albatross.kernel.errors import ConcurrencyError, EventIdConflict
from albatross.kernel.store import LogQuery, NewEvent, StoredEvent, StreamAppend, stream_type_of


class InMemoryEventStore:
    """Everything lives in lists; an append runs without awaiting, so it is atomic."""

    def __init__(self) -> None:
        self._log: list[StoredEvent] = []
        self._streams: dict[str, list[StoredEvent]] = {}
        self._by_id: dict[str, StoredEvent] = {}

    async def append(
        self, stream_id: str, expected_version: int | None, events: Sequence[NewEvent]
    ) -> list[int]:
        return await self.append_streams([StreamAppend(stream_id, expected_version, events)])

    async def append_streams(self, appends: Sequence[StreamAppend]) -> list[int]:
        replay = _idempotent_replay(appends, self._by_id)
        if replay is not None:
            return replay
        versions: dict[str, int] = {}
        for a in appends:
            current = versions.get(a.stream_id, len(self._streams.get(a.stream_id, ())))
            if a.expected_version is not None and a.expected_version != current:
                raise ConcurrencyError(a.stream_id, a.expected_version, current)
            versions[a.stream_id] = current + len(a.events)
        rows: list[StoredEvent] = []
        position = len(self._log)
        next_version = {s: len(self._streams.get(s, ())) for s in versions}
        seen: set[str] = set()
        for a in appends:
            for e in a.events:
                if e.event_id in self._by_id or e.event_id in seen:
                    raise EventIdConflict(a.stream_id, a.expected_version, next_version[a.stream_id])
                seen.add(e.event_id)
                position += 1
                next_version[a.stream_id] += 1
                rows.append(_stored(e, a, position, next_version[a.stream_id]))
        for row in rows:
            self._log.append(row)
            self._streams.setdefault(row.stream_id, []).append(row)
            self._by_id[row.event_id] = row
        return [r.position for r in rows]

    async def read_stream(self, stream_id: str, after_version: int = 0) -> list[StoredEvent]:
        return list(self._streams.get(stream_id, ())[after_version:])

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        return self._log[after_position : after_position + limit]

    async def query(self, q: LogQuery) -> list[StoredEvent]:
        found = []
        for e in reversed(self._log):
            if q.matches(e):
                found.append(e)
                if len(found) == q.limit:
                    break
        return found

    async def last_position(self) -> int:
        return len(self._log)

    async def close(self) -> None:
        return None


def _stored(e: NewEvent, a: StreamAppend, position: int, version: int) -> StoredEvent:
    return StoredEvent(
        position=position,
        event_id=e.event_id,
        stream_id=a.stream_id,
        stream_type=a.stream_type or stream_type_of(a.stream_id),
        version=version,
        event_type=e.event_type,
        schema_version=e.schema_version,
        payload=e.payload,
        tenant_id=e.tenant_id,
        actor_id=e.actor_id,
        correlation_id=e.correlation_id,
        causation_id=e.causation_id,
        recorded_at=e.recorded_at,
    )


def _idempotent_replay(appends: Sequence[StreamAppend], by_id: dict[str, StoredEvent]) -> list[int] | None:
    """If this exact append was stored before (same event ids, same streams), its positions."""
    ids = [(a.stream_id, e.event_id) for a in appends for e in a.events]
    if not ids or ids[0][1] not in by_id:
        return None
    found = [by_id.get(event_id) for _, event_id in ids]
    if all(f is not None and f.stream_id == s for f, (s, _) in zip(found, ids, strict=True)):
        return [f.position for f in found if f is not None]
    raise EventIdConflict(ids[0][0], None, -1)


class LocalWakeup:
    """A wake-up with nobody to acknowledge to."""

    def __init__(self, position: int) -> None:
        self.position = position

    async def done(self) -> None:
        return None

    async def retry(self) -> None:
        return None


class InProcessDistribution:
    """Wakes projection runners in this process when the log grows, and every `poll_seconds`
    besides (for what other processes append, and as a floor under lost news)."""

    def __init__(self, poll_seconds: float = 1.0) -> None:
        self.poll_seconds = poll_seconds
        self._changed: list[asyncio.Event] = []

    def notify(self, position: int) -> None:
        for changed in self._changed:
            changed.set()

    @contextlib.asynccontextmanager
    async def subscribe(self, unit: str) -> AsyncIterator[AsyncIterator[LocalWakeup]]:
        changed = asyncio.Event()
        self._changed.append(changed)
        try:
            yield self._wakeups(changed)
        finally:
            self._changed.remove(changed)

    async def _wakeups(self, changed: asyncio.Event) -> AsyncIterator[LocalWakeup]:
        while True:
            # Cleared before the runner reads the log: news during its catch-up is not lost.
            changed.clear()
            yield LocalWakeup(0)  # "look": a poll may find what another process appended
            # asyncio.timeout, not wait_for: on 3.11 a cancelled wait_for can hang while its
            # inner task is being cancelled, which stalled shutdown of the projection runner.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.poll_seconds):
                    await changed.wait()
