"""The EventStore on SQLAlchemy Core: SQLite now, PostgreSQL through the same statements.

Concurrent appends are grouped: whatever arrives while a transaction is being written waits
for the next one, and each group is written in one transaction with a fixed number of
statements. Each append is still all or nothing: versions and event ids are checked for every
append before anything is inserted, and a failed append only fails its own caller.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from albatross.adapters.sql_schema import events
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from albatross.kernel.errors import ConcurrencyError, EventIdConflict
from albatross.kernel.store import NewEvent, StoredEvent, StreamAppend, stream_type_of

log = logging.getLogger("albatross.eventstore")

_COLUMNS = (
    events.c.position,
    events.c.event_id,
    events.c.stream_id,
    events.c.stream_type,
    events.c.version,
    events.c.event_type,
    events.c.schema_version,
    events.c.payload,
    events.c.tenant_id,
    events.c.actor_id,
    events.c.correlation_id,
    events.c.causation_id,
    events.c.recorded_at,
)
_FIELDS = [c.name for c in _COLUMNS]


@dataclass
class _Request:
    appends: Sequence[StreamAppend]
    future: asyncio.Future[list[int]]
    size: int = field(init=False)

    def __post_init__(self) -> None:
        self.size = sum(len(a.events) for a in self.appends)


class SqlEventStore:
    def __init__(self, writer: AsyncEngine, reader: AsyncEngine, *, max_group_events: int = 2000) -> None:
        self.writer = writer
        self.reader = reader
        self.max_group_events = max_group_events
        self._queue: list[_Request] = []
        self._flusher: asyncio.Task[None] | None = None

    async def append(
        self, stream_id: str, expected_version: int | None, events: Sequence[NewEvent]
    ) -> list[int]:
        return await self.append_streams([StreamAppend(stream_id, expected_version, events)])

    async def append_streams(self, appends: Sequence[StreamAppend]) -> list[int]:
        if not any(a.events for a in appends):
            return []
        future: asyncio.Future[list[int]] = asyncio.get_running_loop().create_future()
        self._queue.append(_Request(appends, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        while self._queue:
            group, size = [], 0
            while self._queue and (not group or size + self._queue[0].size <= self.max_group_events):
                request = self._queue.pop(0)
                group.append(request)
                size += request.size
            try:
                await self._write(group)
            except Exception as exc:
                if len(group) == 1:
                    _fail(group[0], exc)
                    continue
                # One bad append (or a lost connection) must not fail its neighbours: retry alone.
                for request in group:
                    try:
                        await self._write([request])
                    except Exception as single_exc:
                        _fail(request, single_exc)

    async def _write(self, group: list[_Request]) -> None:
        outcomes: list[list[int] | Exception] = []
        async with self.writer.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Positions must become visible in order for tailing readers; one writer at a time.
                await conn.execute(text("LOCK TABLE events IN EXCLUSIVE MODE"))
            stream_ids = list({a.stream_id for r in group for a in r.appends})
            event_ids = [e.event_id for r in group for a in r.appends for e in a.events]
            versions = await _stream_versions(conn, stream_ids)
            existing = await _existing_ids(conn, event_ids)
            head = (await conn.execute(select(func.coalesce(func.max(events.c.position), 0)))).scalar_one()
            rows: list[dict[str, object]] = []
            taken: set[str] = set()
            now = time.time_ns() // 1000
            for request in group:
                outcome = _decide(request.appends, versions, existing, taken, head, now)
                if isinstance(outcome, tuple):
                    new_rows, new_versions = outcome
                    rows.extend(new_rows)
                    versions.update(new_versions)
                    taken.update(str(r["event_id"]) for r in new_rows)
                    head += len(new_rows)
                    outcomes.append([r["position"] for r in new_rows])  # type: ignore[misc]
                else:
                    outcomes.append(outcome)
            if rows:
                await conn.execute(insert(events), rows)
        for request, outcome in zip(group, outcomes, strict=True):
            if isinstance(outcome, Exception):
                _fail(request, outcome)
            elif not request.future.done():
                request.future.set_result(outcome)

    async def read_stream(self, stream_id: str, after_version: int = 0) -> list[StoredEvent]:
        query = (
            select(*_COLUMNS)
            .where(events.c.stream_id == stream_id, events.c.version > after_version)
            .order_by(events.c.version)
        )
        async with self.reader.connect() as conn:
            result = await conn.execute(query)
            return [StoredEvent(**dict(zip(_FIELDS, row, strict=True))) for row in result]

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        query = (
            select(*_COLUMNS)
            .where(events.c.position > after_position)
            .order_by(events.c.position)
            .limit(limit)
        )
        async with self.reader.connect() as conn:
            result = await conn.execute(query)
            return [StoredEvent(**dict(zip(_FIELDS, row, strict=True))) for row in result]

    async def last_position(self) -> int:
        async with self.reader.connect() as conn:
            return (await conn.execute(select(func.coalesce(func.max(events.c.position), 0)))).scalar_one()

    async def close(self) -> None:
        if self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)


def _fail(request: _Request, exc: Exception) -> None:
    if request.future.done():
        return
    if isinstance(exc, IntegrityError):  # a race the checks could not see: report it as one
        exc = ConcurrencyError(request.appends[0].stream_id, request.appends[0].expected_version, -1)
    request.future.set_exception(exc)


async def _stream_versions(conn: AsyncConnection, stream_ids: list[str]) -> dict[str, int]:
    query = (
        select(events.c.stream_id, func.max(events.c.version))
        .where(events.c.stream_id.in_(stream_ids))
        .group_by(events.c.stream_id)
    )
    return {stream_id: version for stream_id, version in await conn.execute(query)}


async def _existing_ids(conn: AsyncConnection, event_ids: list[str]) -> dict[str, tuple[int, str]]:
    query = select(events.c.event_id, events.c.position, events.c.stream_id).where(
        events.c.event_id.in_(event_ids)
    )
    return {event_id: (position, stream_id) for event_id, position, stream_id in await conn.execute(query)}


def _decide(
    appends: Sequence[StreamAppend],
    versions: dict[str, int],
    existing: dict[str, tuple[int, str]],
    taken: set[str],
    head: int,
    now: int,
) -> tuple[list[dict[str, object]], dict[str, int]] | list[int] | Exception:
    """Rows to insert for one request, the positions of its earlier identical append, or its error."""
    ids = [(a.stream_id, e.event_id) for a in appends for e in a.events]
    known = [existing.get(event_id) for _, event_id in ids]
    if any(known):
        if all(k is not None and k[1] == stream_id for k, (stream_id, _) in zip(known, ids, strict=True)):
            return [k[0] for k in known if k is not None]  # a retried append: same answer, no new rows
        return EventIdConflict(ids[0][0], None, -1)
    if len({event_id for _, event_id in ids}) != len(ids) or any(event_id in taken for _, event_id in ids):
        return EventIdConflict(ids[0][0], None, -1)
    new_versions: dict[str, int] = {}
    rows: list[dict[str, object]] = []
    for a in appends:
        current = new_versions.get(a.stream_id, versions.get(a.stream_id, 0))
        if a.expected_version is not None and a.expected_version != current:
            return ConcurrencyError(a.stream_id, a.expected_version, current)
        stream_type = a.stream_type or stream_type_of(a.stream_id)
        for e in a.events:
            current += 1
            head += 1
            rows.append(
                {
                    "position": head,
                    "event_id": e.event_id,
                    "stream_id": a.stream_id,
                    "stream_type": stream_type,
                    "version": current,
                    "event_type": e.event_type,
                    "schema_version": e.schema_version,
                    "payload": e.payload,
                    "tenant_id": e.tenant_id,
                    "actor_id": e.actor_id,
                    "correlation_id": e.correlation_id,
                    "causation_id": e.causation_id,
                    "recorded_at": e.recorded_at or now,
                }
            )
        new_versions[a.stream_id] = current
    return rows, new_versions
