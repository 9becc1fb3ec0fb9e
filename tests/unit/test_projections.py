"""Projections: exactly once, in order, checkpoint in the same transaction, rebuild = live."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select, update

from albatross.adapters.sql_read_models import SqlReadModelStore
from albatross.identity import auth, commands
from albatross.identity.policy import Principal
from albatross.identity.projections import tenants, users
from albatross.kernel import Context, DomainEvent, ProjectionRunner, StoredEvent
from albatross.readmodels import RowBatch
from albatross.services import Services

ADMIN = Principal(
    user_id="admin-id",
    username="admin",
    role="platform_admin",
    tenant_id=None,
    must_change_password=False,
    session_id="s",
)

test_metadata = MetaData()
applied = Table(
    "test_applied",
    test_metadata,
    Column("position", Integer, primary_key=True),
    Column("event_type", String(100)),
)


class RecordingProjection:
    """Writes one row per event (its primary key is the position: a second apply would fail)."""

    name = "test.recording"
    tables = (applied,)
    event_types = frozenset({"TenantCreated", "TenantRenamed"})

    def __init__(self, fail_at: int | None = None) -> None:
        self.fail_at = fail_at

    async def handle(self, tx: RowBatch, events: Sequence[tuple[StoredEvent, DomainEvent]]) -> None:
        for stored, _ in events:
            tx.insert(applied, {"position": stored.position, "event_type": stored.event_type})
            if stored.position == self.fail_at:
                await tx.flush()  # the rows reach the database, then the process "crashes"
                raise RuntimeError("crash in the middle of a batch")


async def create_tenants(services: Services, count: int) -> list[str]:
    ids = []
    for n in range(count):
        code = "".join(chr(65 + (n // 26**k) % 26) for k in (2, 1, 0))
        result = await commands.handle_create_tenant(
            services.identity, Context(), ADMIN, f"Airline {n}", code
        )
        ids.append(result.value)
    return ids


async def dump(services: Services, *tables: Table) -> dict[str, list[Any]]:
    async with services.reader.connect() as conn:
        return {
            t.name: [tuple(r) for r in await conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in tables
        }


@pytest.fixture
async def recording(services: Services) -> SqlReadModelStore:
    async with services.runner.read_models.writer.begin() as conn:  # type: ignore[attr-defined]
        await conn.run_sync(test_metadata.create_all)
    return services.runner.read_models  # type: ignore[return-value]


def runner_for(services: Services, *projections: Any, batch_size: int = 1000) -> ProjectionRunner:
    return ProjectionRunner(
        services.store,
        services.codec,
        services.runner.read_models,
        projections,
        services.distribution,
        batch_size=batch_size,
    )


async def test_the_runner_folds_the_log_into_read_models_and_records_the_checkpoint(
    services: Services,
) -> None:
    ids = await create_tenants(services, 3)
    await commands.handle_update_tenant(services.identity, Context(), ADMIN, ids[0], name="Renamed Air")
    assert await services.runner.catch_up() > 0
    rows = (await dump(services, tenants))["rm_tenants"]
    assert sorted(r[2] for r in rows) == ["Airline 1", "Airline 2", "Renamed Air"]
    head = await services.store.last_position()
    names = ("identity.tenants", "identity.users", "operations", "finance", "flights")
    assert services.runner.positions == dict.fromkeys(names, head)
    assert await services.runner.read_models.checkpoints(["identity.tenants"]) == {"identity.tenants": head}


async def test_a_crash_mid_batch_rolls_back_rows_and_checkpoint_together(
    services: Services, recording: SqlReadModelStore
) -> None:
    await create_tenants(services, 5)
    crashing = runner_for(services, RecordingProjection(fail_at=3 * 2))  # each create writes 2 events
    with pytest.raises(RuntimeError):
        await crashing.catch_up()
    assert (await dump(services, applied))["test_applied"] == []
    assert await recording.checkpoints(["test.recording"]) == {"test.recording": 0}
    healthy = runner_for(services, RecordingProjection())
    await healthy.catch_up()
    positions = [r[0] for r in (await dump(services, applied))["test_applied"]]
    assert positions == [
        e.position for e in await services.store.read_all() if e.event_type == "TenantCreated"
    ]


async def test_two_runners_racing_apply_every_event_exactly_once(
    services: Services, recording: SqlReadModelStore
) -> None:
    await create_tenants(services, 20)
    runners = [runner_for(services, RecordingProjection(), batch_size=3) for _ in range(3)]
    await asyncio.gather(*(r.catch_up() for r in runners))
    rows = (await dump(services, applied))["test_applied"]
    assert len(rows) == 20
    assert (await recording.checkpoints(["test.recording"]))[
        "test.recording"
    ] == await services.store.last_position()


async def test_a_rebuilt_read_model_equals_the_live_one(services: Services) -> None:
    ids = await create_tenants(services, 30)
    for n, tenant_id in enumerate(ids[:10]):
        await commands.handle_update_tenant(
            services.identity, Context(), ADMIN, tenant_id, name=f"Renamed {n}"
        )
    await auth.handle_create_platform_admin(services.identity)
    await services.runner.catch_up()
    live = await dump(services, tenants, users)
    assert len(live["rm_tenants"]) == 30
    async with services.runner.read_models.writer.begin() as conn:  # type: ignore[attr-defined]
        await conn.execute(update(tenants).values(name="corrupted"))
    rebuilt_count = await services.runner.rebuild()
    assert rebuilt_count == await services.store.last_position()
    assert await dump(services, tenants, users) == live


async def test_waiting_for_a_position_times_out_with_a_typed_error(services: Services) -> None:
    from albatross.kernel import ProjectionTimeout

    await create_tenants(services, 1)
    with pytest.raises(ProjectionTimeout) as error:
        await services.runner.wait_for(await services.store.last_position(), 0.1)
    assert error.value.retry_after >= 1
    await services.runner.catch_up()
    await services.runner.wait_for(await services.store.last_position(), 0.1)


async def test_the_row_batch_merges_writes_by_key(services: Services) -> None:
    store: SqlReadModelStore = services.runner.read_models  # type: ignore[assignment]
    row = {"id": "t1", "icao": "AAA", "name": "A", "created_at": 1, "updated_at": 1, "version": 1}
    row["applications_open"] = False
    async with store.transaction() as tx:
        tx.insert(tenants, row)
        tx.update(tenants, "t1", {"name": "B", "version": 2})
        assert (await tx.get(tenants, "t1"))["name"] == "B"
        tx.insert(tenants, {**row, "id": "t2"})
        tx.delete(tenants, "t2")
        assert await tx.get(tenants, "t2") is None
    async with store.transaction() as tx:
        tx.update(tenants, "t1", {"name": "C"})
        assert (await tx.get(tenants, "t1"))["name"] == "C"
        tx.delete(tenants, "t1")
        tx.insert(tenants, {**row, "name": "D"})
    rows = (await dump(services, tenants))["rm_tenants"]
    assert rows == [("t1", "AAA", "D", 1, 1, 1, False)]
