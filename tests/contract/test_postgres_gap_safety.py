"""PostgreSQL: a projection never skips an event whose position commits late.

An appender holds its transaction open (with the lock the store takes) while others try to
append; the projection must not move past the open one's position, and once everything has
committed every event is applied exactly once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text

from albatross.adapters.memory import InProcessDistribution
from albatross.adapters.sql_event_store import SqlEventStore
from albatross.adapters.sql_read_models import SqlReadModelStore
from albatross.adapters.sql_schema import events
from albatross.kernel import DomainEvent, EventCodec, ProjectionRunner, StoredEvent, registry
from albatross.readmodels import RowBatch
from tests.conftest import fresh_postgres, new_event

seen_metadata = MetaData()
seen = Table(
    "test_seen",
    seen_metadata,
    Column("position", Integer, primary_key=True),
    Column("stream_id", String(200)),
)


class SeenProjection:
    """One row per event, keyed by position: applying one twice would fail the transaction."""

    name = "test.seen"
    tables = (seen,)
    event_types = frozenset({"Tested"})

    async def handle(self, tx: RowBatch, batch: Sequence[tuple[StoredEvent, DomainEvent]]) -> None:
        for stored, _ in batch:
            tx.insert(seen, {"position": stored.position, "stream_id": stored.stream_id})


class RawRunner(ProjectionRunner):
    """The runner, without decoding: the test events carry opaque payloads."""

    async def _apply(self, projection, events, decoded):  # type: ignore[no-untyped-def]
        for e in events:
            decoded[e.position] = DomainEvent()
        await super()._apply(projection, events, decoded)


async def test_a_late_committing_append_is_never_skipped() -> None:
    writer, reader = await fresh_postgres()
    async with writer.begin() as conn:
        await conn.run_sync(seen_metadata.create_all)
    store = SqlEventStore(writer, reader)
    read_models = SqlReadModelStore(writer, reader)
    runner = RawRunner(store, EventCodec(registry), read_models, [SeenProjection()], InProcessDistribution())
    try:
        await store.append("s-before", 0, [new_event() for _ in range(3)])
        async with writer.connect() as slow:
            # A slow appender: lock taken, its event inserted at the next position, not committed.
            await slow.execute(text("LOCK TABLE events IN EXCLUSIVE MODE"))
            head = (await slow.execute(select(text("max(position)")).select_from(events))).scalar_one()
            slow_event = new_event()
            await slow.execute(
                insert(events).values(
                    position=head + 1,
                    event_id=slow_event.event_id,
                    stream_id="s-slow",
                    stream_type="s",
                    version=1,
                    event_type="Tested",
                    schema_version=1,
                    payload=b"slow",
                    recorded_at=time.time_ns() // 1000,
                )
            )
            others = [asyncio.create_task(store.append(f"s-fast-{n}", 0, [new_event()])) for n in range(5)]
            await asyncio.sleep(0.3)  # the others are queued behind the lock
            assert not any(t.done() for t in others)
            await runner.catch_up()
            assert runner.positions["test.seen"] == 3  # not past the open transaction's position
            await slow.commit()
        await asyncio.gather(*others)
        await runner.catch_up()
        async with reader.connect() as conn:
            applied = [
                r.position for r in await conn.execute(select(seen.c.position).order_by(seen.c.position))
            ]
        assert applied == list(range(1, 10))  # every event, once, in order
    finally:
        await store.close()
        await writer.dispose()
        await reader.dispose()
