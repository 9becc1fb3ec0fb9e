"""The EventStore on SQLAlchemy Core: SQLite now, PostgreSQL through the same statements.

Concurrent appends are grouped: whatever arrives while a transaction is being written waits
for the next one, and each group is written in one transaction with a fixed number of
statements. Each append is still all or nothing: versions and event ids are checked for every
append before anything is inserted, and a failed append only fails its own caller.

On SQLite (aiosqlite) a group's whole transaction, BEGIN IMMEDIATE to COMMIT, runs as one call on
the driver's connection thread: through SQLAlchemy each statement costs several hand-offs between
the event loop and that thread, and those hand-offs, not SQLite, were what limited appends. The
statements and checks are the same as on the portable path; see `_write_group_sqlite`.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from albatross.adapters import postgres_writes
from albatross.adapters.sql_schema import events
from albatross.kernel.errors import ConcurrencyError, EventIdConflict
from albatross.kernel.store import LogQuery, NewEvent, StoredEvent, StreamAppend, stream_type_of

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
assert _FIELDS == list(StoredEvent.__struct_fields__), "rows, _decide and _stored use this order"
Row = tuple[object, ...]
"""An events row, values in _COLUMNS order."""

# SQL for the SQLite path. Only the schema's own names and `?` placeholders are interpolated
# (hence the noqa: S608); every value is a bound parameter.
_SQLITE_INSERT = (
    f"INSERT INTO {events.name} ({', '.join(_FIELDS)}) VALUES ({', '.join('?' for _ in _FIELDS)})"  # noqa: S608
)
_SQLITE_HEAD = f"SELECT coalesce(max(position), 0) FROM {events.name}"  # noqa: S608
_SQLITE_SELECT = f"SELECT {', '.join(_FIELDS)} FROM {events.name}"  # noqa: S608
_SQLITE_READ_STREAM = f"{_SQLITE_SELECT} WHERE stream_id = ? AND version > ? ORDER BY version"
_SQLITE_READ_ALL = f"{_SQLITE_SELECT} WHERE position > ? ORDER BY position LIMIT ?"
_SQLITE_MAX_PARAMS = 500  # per IN (...) list; SQLite allows 32,766 variables, older builds 999


def _sqlite_versions_query(count: int) -> str:
    # One index seek per stream: max() over `stream_id IN (...) GROUP BY` reads every version.
    values = ", ".join("(?)" for _ in range(count))
    return f"WITH s(id) AS (VALUES {values}) SELECT id, (SELECT max(version) FROM {events.name} WHERE stream_id = s.id) FROM s"  # noqa: S608


def _sqlite_existing_query(count: int) -> str:
    marks = ", ".join("?" for _ in range(count))
    return f"SELECT event_id, position, stream_id FROM {events.name} WHERE event_id IN ({marks})"  # noqa: S608


@dataclass
class _Request:
    appends: Sequence[StreamAppend]
    future: asyncio.Future[list[int]]
    size: int = field(init=False)

    def __post_init__(self) -> None:
        self.size = sum(len(a.events) for a in self.appends)


class SqlEventStore:
    def __init__(
        self,
        writer: AsyncEngine,
        reader: AsyncEngine,
        *,
        max_group_events: int = 2000,
        hold_seconds: float = 0.01,
    ) -> None:
        self.writer = writer
        self.reader = reader
        self.max_group_events = max_group_events
        self.hold_seconds = hold_seconds
        self._queue: deque[_Request] = deque()
        self._flusher: asyncio.Task[None] | None = None
        # SQLite through aiosqlite: each group's transaction runs as one call on the driver's thread.
        self._direct = writer.dialect.name == "sqlite" and writer.dialect.driver == "aiosqlite"
        self._direct_reads = reader.dialect.name == "sqlite" and reader.dialect.driver == "aiosqlite"
        # PostgreSQL through asyncpg: each group in four round trips (see postgres_writes).
        self._direct_pg = writer.dialect.name == "postgresql" and writer.dialect.driver == "asyncpg"

    def use_portable_path(self) -> None:
        """Write and read through SQLAlchemy Core only, as on PostgreSQL (tests run both paths)."""
        self._direct = self._direct_reads = self._direct_pg = False

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
        try:
            await self._flush_queue()
        finally:
            # Cancelled (shutdown) or broken: nobody may wait forever for an answer.
            while self._queue:
                _fail(self._queue.popleft(), ConnectionError("the event store stopped before this append"))

    async def _flush_queue(self) -> None:
        while self._queue:
            if self._direct:
                try:
                    await self._flush_sqlite()
                except Exception as exc:
                    # The connection could not be had (or given back): fail the next group, as
                    # its own write would have failed, and try again for the rest.
                    for request in self._next_group():
                        _fail(request, exc)
                # Whoever waits for the writer connection (read-model transactions) was woken
                # when it went back to the pool: let them take it before we ask again.
                await asyncio.sleep(0)
            elif self._direct_pg:
                try:
                    await self._flush_postgres()
                except Exception as exc:  # no connection to be had: fail the next group, go on
                    for request in self._next_group():
                        _fail(request, postgres_writes.translate(exc))
            else:
                await self._write_group(self._next_group(), self._write_sql)

    async def _flush_postgres(self) -> None:
        """Write groups on one asyncpg connection while they keep coming (at most `hold_seconds`)."""
        loop = asyncio.get_running_loop()
        async with self.writer.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            deadline = loop.time() + self.hold_seconds

            async def write(group: list[_Request]) -> None:
                outcomes = await postgres_writes.write_group(
                    driver,
                    [r.appends for r in group],
                    lambda versions, existing, head, now: _plan(group, versions, existing, head, now),
                )
                _deliver(group, outcomes)

            while self._queue:
                await self._write_group(self._next_group(), write)
                if loop.time() >= deadline:
                    break
                await asyncio.sleep(0)

    def _next_group(self) -> list[_Request]:
        group, size = [], 0
        while self._queue and (not group or size + self._queue[0].size <= self.max_group_events):
            request = self._queue.popleft()
            group.append(request)
            size += request.size
        return group

    async def _write_group(
        self, group: list[_Request], write: Callable[[list[_Request]], Awaitable[None]]
    ) -> None:
        """Write and answer a group; if it fails as a whole, each append on its own."""
        try:
            await write(group)
        except Exception as exc:
            if len(group) == 1 or _is_operational(exc):
                # A locked or lost database fails every append alike: retrying each alone would
                # only multiply the wait.
                for request in group:
                    _fail(request, exc)
                return
            # One bad append (or a lost connection) must not fail its neighbours: retry alone.
            for request in group:
                if request.future.done():
                    continue
                try:
                    await write([request])
                except Exception as single_exc:
                    _fail(request, single_exc)

    async def _write_sql(self, group: list[_Request]) -> None:
        now = time.time_ns() // 1000
        async with self.writer.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Positions must become visible in order for tailing readers; one writer at a time.
                await conn.execute(text("LOCK TABLE events IN EXCLUSIVE MODE"))
            stream_ids = list({a.stream_id for r in group for a in r.appends})
            event_ids = [e.event_id for r in group for a in r.appends for e in a.events]
            versions = await _stream_versions(conn, stream_ids)
            existing = await _existing_ids(conn, event_ids)
            head = (await conn.execute(select(func.coalesce(func.max(events.c.position), 0)))).scalar_one()
            rows, outcomes = _plan(group, versions, existing, head, now)
            if rows:
                await conn.execute(insert(events), [dict(zip(_FIELDS, row, strict=True)) for row in rows])
        _deliver(group, outcomes)

    async def _flush_sqlite(self) -> None:
        """Write groups while they keep coming, on the writer engine's connection.

        The connection is checked out as usual, so read-model transactions on the same engine
        wait for it; it is kept across back-to-back groups (checking it out and in costs more
        than a small group's transaction) for at most `hold_seconds`, then handed back.
        """
        loop = asyncio.get_running_loop()
        async with self.writer.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            if not callable(getattr(driver, "_execute", None)):
                self._direct = False  # an aiosqlite without it: take the portable path
                return
            deadline = loop.time() + self.hold_seconds

            async def write(group: list[_Request]) -> None:
                try:
                    outcomes = await driver._execute(
                        _write_group_sqlite, driver, group, time.time_ns() // 1000
                    )
                except sqlite3.Error as exc:  # as SQLAlchemy would have raised it
                    raise DBAPIError.instance(None, None, exc, sqlite3.Error) from exc
                _deliver(group, outcomes)

            while self._queue:
                await self._write_group(self._next_group(), write)
                if loop.time() >= deadline:
                    break
                await asyncio.sleep(0)  # the appenders just answered may queue their next appends

    async def read_stream(self, stream_id: str, after_version: int = 0) -> list[StoredEvent]:
        if self._direct_reads:
            found = await self._read_sqlite(_SQLITE_READ_STREAM, (stream_id, after_version))
            if found is not None:
                return found
        query = (
            select(*_COLUMNS)
            .where(events.c.stream_id == stream_id, events.c.version > after_version)
            .order_by(events.c.version)
        )
        async with self.reader.connect() as conn:
            result = await conn.execute(query)
            return [_stored(row) for row in result]

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]:
        if self._direct_reads:
            found = await self._read_sqlite(_SQLITE_READ_ALL, (after_position, limit))
            if found is not None:
                return found
        query = (
            select(*_COLUMNS)
            .where(events.c.position > after_position)
            .order_by(events.c.position)
            .limit(limit)
        )
        async with self.reader.connect() as conn:
            result = await conn.execute(query)
            return [_stored(row) for row in result]

    async def _read_sqlite(self, sql: str, params: tuple[object, ...]) -> list[StoredEvent] | None:
        """One SELECT (atomic on its own) as one call on a reader connection's driver thread;
        None if this driver can't (the caller then takes the portable path)."""
        async with self.reader.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            if not callable(getattr(driver, "_execute", None)):
                self._direct_reads = False
                return None
            try:
                return await driver._execute(_select_stored, driver, sql, params)
            except sqlite3.Error as exc:  # as SQLAlchemy would have raised it
                raise DBAPIError.instance(sql, params, exc, sqlite3.Error) from exc

    async def query(self, q: LogQuery) -> list[StoredEvent]:
        conditions = [
            column == value
            for column, value in (
                (events.c.tenant_id, q.tenant_id),
                (events.c.event_type, q.event_type),
                (events.c.actor_id, q.actor_id),
                (events.c.stream_id, q.stream_id),
            )
            if value is not None
        ]
        if q.before_position is not None:
            conditions.append(events.c.position < q.before_position)
        query = select(*_COLUMNS).where(*conditions).order_by(events.c.position.desc()).limit(q.limit)
        async with self.reader.connect() as conn:
            return [_stored(row) for row in await conn.execute(query)]

    async def last_position(self) -> int:
        async with self.reader.connect() as conn:
            return (await conn.execute(select(func.coalesce(func.max(events.c.position), 0)))).scalar_one()

    async def close(self) -> None:
        if self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)


def _stored(row: Sequence[Any]) -> StoredEvent:
    # Keywords spelled out: about 8x faster than StoredEvent(**dict(zip(_FIELDS, row))).
    return StoredEvent(
        position=row[0],
        event_id=row[1],
        stream_id=row[2],
        stream_type=row[3],
        version=row[4],
        event_type=row[5],
        schema_version=row[6],
        payload=row[7],
        tenant_id=row[8],
        actor_id=row[9],
        correlation_id=row[10],
        causation_id=row[11],
        recorded_at=row[12],
    )


def _select_stored(driver: Any, sql: str, params: tuple[object, ...]) -> list[StoredEvent]:
    """Run on aiosqlite's connection thread."""
    return [_stored(row) for row in driver._conn.execute(sql, params)]


def _deliver(group: list[_Request], outcomes: list[list[int] | Exception]) -> None:
    for request, outcome in zip(group, outcomes, strict=True):
        if isinstance(outcome, Exception):
            _fail(request, outcome)
        elif not request.future.done():
            request.future.set_result(outcome)


def _fail(request: _Request, exc: BaseException) -> None:
    # Versions and event ids are decided under the write lock, so a database error here is not a
    # lost race: it surfaces as itself (a 500), never as a retryable ConcurrencyError.
    if not request.future.done():
        request.future.set_exception(exc)


def _is_operational(exc: BaseException) -> bool:
    if isinstance(exc, OperationalError | InterfaceError | ConnectionError | TimeoutError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


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


def _write_group_sqlite(driver: Any, group: list[_Request], now: int) -> list[list[int] | Exception]:
    """One group's transaction, run on aiosqlite's connection thread (the only thread that may
    touch its sqlite3 connection). The driver connection runs in autocommit mode (see
    sql_engine), so the BEGIN IMMEDIATE and COMMIT here are the transaction."""
    db: sqlite3.Connection = driver._conn
    stream_ids = list({a.stream_id for r in group for a in r.appends})
    event_ids = [e.event_id for r in group for a in r.appends for e in a.events]
    db.execute("BEGIN IMMEDIATE")
    try:
        versions: dict[str, int] = {}
        for chunk in _chunks(stream_ids):
            found = db.execute(_sqlite_versions_query(len(chunk)), chunk)
            versions.update((row[0], row[1]) for row in found if row[1] is not None)
        existing: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(event_ids):
            found = db.execute(_sqlite_existing_query(len(chunk)), chunk)
            existing.update((row[0], (row[1], row[2])) for row in found)
        head = db.execute(_SQLITE_HEAD).fetchone()[0]
        rows, outcomes = _plan(group, versions, existing, head, now)
        if rows:
            db.executemany(_SQLITE_INSERT, rows)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return outcomes


def _chunks(values: list[str]) -> list[list[str]]:
    return [values[i : i + _SQLITE_MAX_PARAMS] for i in range(0, len(values), _SQLITE_MAX_PARAMS)]


def _plan(
    group: list[_Request],
    versions: dict[str, int],
    existing: dict[str, tuple[int, str]],
    head: int,
    now: int,
) -> tuple[list[Row], list[list[int] | Exception]]:
    """Rows to insert for a group, and each request's outcome: its positions or its error."""
    rows: list[Row] = []
    outcomes: list[list[int] | Exception] = []
    for request in group:
        outcome = _decide(request.appends, versions, existing, head, now)
        if isinstance(outcome, tuple):
            new_rows, new_versions = outcome
            rows.extend(new_rows)
            versions.update(new_versions)
            # A retry of this very append later in the group must get the same answer.
            existing.update({r[1]: (r[0], r[2]) for r in new_rows})  # type: ignore[misc]
            head += len(new_rows)
            outcomes.append([r[0] for r in new_rows])  # type: ignore[misc]
        else:
            outcomes.append(outcome)
    return rows, outcomes


def _decide(
    appends: Sequence[StreamAppend],
    versions: dict[str, int],
    existing: dict[str, tuple[int, str]],
    head: int,
    now: int,
) -> tuple[list[Row], dict[str, int]] | list[int] | Exception:
    """Rows to insert for one request, the positions of its earlier identical append, or its error."""
    ids = [(a.stream_id, e.event_id) for a in appends for e in a.events]
    known = [existing.get(event_id) for _, event_id in ids]
    if any(known):
        if all(k is not None and k[1] == stream_id for k, (stream_id, _) in zip(known, ids, strict=True)):
            return [k[0] for k in known if k is not None]  # a retried append: same answer, no new rows
        return EventIdConflict(ids[0][0], None, -1)
    if len({event_id for _, event_id in ids}) != len(ids):
        return EventIdConflict(ids[0][0], None, -1)
    new_versions: dict[str, int] = {}
    rows: list[Row] = []
    for a in appends:
        current = new_versions.get(a.stream_id, versions.get(a.stream_id, 0))
        if a.expected_version is not None and a.expected_version != current:
            return ConcurrencyError(a.stream_id, a.expected_version, current)
        stream_type = a.stream_type or stream_type_of(a.stream_id)
        for e in a.events:
            current += 1
            head += 1
            rows.append(
                (
                    head,
                    e.event_id,
                    a.stream_id,
                    stream_type,
                    current,
                    e.event_type,
                    e.schema_version,
                    e.payload,
                    e.tenant_id,
                    e.actor_id,
                    e.correlation_id,
                    e.causation_id,
                    e.recorded_at or now,
                )
            )
        new_versions[a.stream_id] = current
    return rows, new_versions
