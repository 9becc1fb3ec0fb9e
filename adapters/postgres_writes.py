"""A group commit on PostgreSQL straight on asyncpg: four round trips, whatever the group's size.

Through SQLAlchemy a group costs a round trip per statement and new prepared statements per
shape; here it is BEGIN with the table lock, one lookup (each stream's last version by index
seek, which of the group's event ids exist, the log head), one fixed-shape INSERT from arrays,
and COMMIT. The decisions are the store's own (`plan`), so the guarantees are the same.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import asyncpg
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

LOOKUP = """
SELECT 0, s.id, (SELECT max(version) FROM events WHERE stream_id = s.id), NULL
  FROM unnest($1::text[]) AS s(id)
UNION ALL
SELECT 1, e.event_id, e.position, e.stream_id
  FROM unnest($2::text[]) AS i(id) JOIN events e ON e.event_id = i.id
UNION ALL
SELECT 2, NULL, coalesce(max(position), 0), NULL FROM events
"""

INSERT = """
INSERT INTO events (position, event_id, stream_id, stream_type, version, event_type, schema_version,
                    payload, tenant_id, actor_id, correlation_id, causation_id, recorded_at)
SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::smallint[],
                     $8::bytea[], $9::text[], $10::text[], $11::text[], $12::text[], $13::bigint[])
"""


class _DatabaseMessage(Exception):
    """asyncpg's primary message only: its DETAIL can quote a whole row (personal data)."""


def translate(exc: Exception) -> Exception:
    """asyncpg errors as SQLAlchemy's, without row data, so callers handle one family."""
    if isinstance(
        exc, OSError | asyncpg.exceptions.InterfaceError | asyncpg.exceptions.PostgresConnectionError
    ):
        return OperationalError(None, None, _DatabaseMessage(f"{type(exc).__name__}: {exc}"))
    if not isinstance(exc, asyncpg.exceptions.PostgresError):
        return exc
    clean = _DatabaseMessage(f"{type(exc).__name__}: {exc.message}")  # type: ignore[attr-defined]
    if isinstance(exc, asyncpg.exceptions.IntegrityConstraintViolationError):
        return IntegrityError(None, None, clean)
    return DBAPIError(None, None, clean)


async def write_group(
    connection: Any,
    appends: Sequence[Sequence[Any]],
    plan: Callable[
        [dict[str, int], dict[str, tuple[int, str]], int, int], tuple[list[tuple[object, ...]], Any]
    ],
) -> Any:
    """One transaction for a group. `appends` are the requests' StreamAppends; `plan` decides
    rows and outcomes from (versions, existing ids, head, now) as the store does everywhere."""
    stream_ids = list({a.stream_id for request in appends for a in request})
    event_ids = [e.event_id for request in appends for a in request for e in a.events]
    try:
        await connection.execute("BEGIN; LOCK TABLE events IN EXCLUSIVE MODE")
        try:
            versions: dict[str, int] = {}
            existing: dict[str, tuple[int, str]] = {}
            head = 0
            for kind, key, value, extra in await connection.fetch(LOOKUP, stream_ids, event_ids):
                if kind == 0:
                    if value is not None:
                        versions[key] = value
                elif kind == 1:
                    existing[key] = (value, extra)
                else:
                    head = value
            rows, outcomes = plan(versions, existing, head, time.time_ns() // 1000)
            if rows:
                await connection.execute(INSERT, *[list(column) for column in zip(*rows, strict=True)])
            await connection.execute("COMMIT")
        except BaseException:
            if not connection.is_closed():
                await connection.execute("ROLLBACK")
            raise
    except Exception as exc:
        raise translate(exc) from None
    return outcomes
