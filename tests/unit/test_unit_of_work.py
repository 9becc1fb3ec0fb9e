"""The unit of work: load, decide, append atomically; lost races are retried, then a typed 409 error."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from albatross.adapters.memory import InMemoryEventStore, InProcessDistribution
from albatross.identity.domain import Tenant, TenantCreated, UniqueValue
from albatross.kernel import (
    ConflictError,
    Context,
    EventCodec,
    NotFound,
    StreamAppend,
    UnitOfWork,
    execute,
    registry,
)


class RacingStore(InMemoryEventStore):
    """Before each of the first `races` appends, another writer sneaks an event into the stream."""

    def __init__(self, races: int) -> None:
        super().__init__()
        self.races = races
        self.attempts = 0
        self.intruding = False

    async def append_streams(self, appends: Sequence[StreamAppend]) -> list[int]:
        if self.intruding:
            return await super().append_streams(appends)
        self.attempts += 1
        if self.races > 0:
            self.races -= 1
            self.intruding = True
            intruder = UnitOfWork(self, EventCodec(registry), Context())
            tenant = await intruder.load(Tenant, "t1")
            intruder.record(tenant, tenant.rename(f"Intruder {self.races}"))
            await intruder.commit()
            self.intruding = False
        return await super().append_streams(appends)


async def rename(uow: UnitOfWork) -> str:
    tenant = await uow.load(Tenant, "t1")
    uow.record(tenant, tenant.rename(f"Mine after v{tenant.version}"))
    return tenant.name


async def test_a_lost_race_is_decided_again_on_fresh_state() -> None:
    store = RacingStore(races=0)
    codec = EventCodec(registry)
    seed = UnitOfWork(store, codec, Context())
    seed.record(await seed.load(Tenant, "t1"), [TenantCreated(tenant_id="t1", name="Seed", icao="SED")])
    await seed.commit()
    store.races, store.attempts = 2, 0
    result = await execute(store, codec, Context(actor_id="u1"), rename)
    assert store.attempts == 3
    assert result.value == "Mine after v3"
    events = await store.read_stream("tenant-t1")
    assert len(events) == 4 and events[-1].actor_id == "u1" and result.position == events[-1].position


async def test_too_many_lost_races_raise_a_conflict_error() -> None:
    store = RacingStore(races=100)
    with pytest.raises(ConflictError):
        await execute(store, EventCodec(registry), Context(), rename, attempts=3)
    assert store.attempts == 3


async def test_events_carry_the_context_and_the_aggregate_tenant() -> None:
    store = InMemoryEventStore()
    distribution = InProcessDistribution(poll_seconds=30)
    ctx = Context(actor_id="admin", correlation_id="req-1", causation_id="cmd-1")

    async def create(uow: UnitOfWork) -> None:
        tenant = await uow.load(Tenant, "t9")
        uow.record(tenant, tenant.create("Nine", "NIN"))
        claim = await uow.load(UniqueValue, UniqueValue.key("icao", "NIN"))
        uow.record(claim, claim.claim("icao", "NIN", "t9", "Code"))

    async with distribution.subscribe("projections") as wakeups:
        await anext(wakeups)  # the first comes at once
        waiter = asyncio.create_task(anext(wakeups))
        result = await execute(store, EventCodec(registry), ctx, create, distribution=distribution)
        await asyncio.wait_for(waiter, 1)  # the append woke the projection runner, long before its poll
    stored = await store.read_all()
    assert [e.stream_id for e in stored] == ["tenant-t9", "unique-icao:NIN"]
    assert result.position == 2
    tenant_event = stored[0]
    assert (tenant_event.tenant_id, tenant_event.actor_id) == ("t9", "admin")
    assert (tenant_event.correlation_id, tenant_event.causation_id) == ("req-1", "cmd-1")
    assert tenant_event.recorded_at > 0
    assert stored[1].tenant_id is None


async def test_a_command_that_decides_nothing_writes_nothing_and_returns_the_head() -> None:
    store = InMemoryEventStore()

    async def nothing(uow: UnitOfWork) -> int:
        await uow.load(Tenant, "t1")
        return 7

    result = await execute(store, EventCodec(registry), Context(), nothing)
    assert (result.value, result.position) == (7, 0)


class RecordingTelemetry:
    """Our own Telemetry port, remembering what it was told."""

    def __init__(self) -> None:
        self.commands: list[tuple[str, str, float]] = []
        self.appends: list[tuple[float, int]] = []

    def command(self, name: str, outcome: str, seconds: float) -> None:
        self.commands.append((name, outcome, seconds))

    def append(self, seconds: float, events: int) -> None:
        self.appends.append((seconds, events))


async def seeded(store: InMemoryEventStore) -> None:
    seed = UnitOfWork(store, EventCodec(registry), Context())
    seed.record(await seed.load(Tenant, "t1"), [TenantCreated(tenant_id="t1", name="Seed", icao="SED")])
    await seed.commit()


async def test_a_command_reports_its_outcome_and_its_append_to_telemetry() -> None:
    store = InMemoryEventStore()
    await seeded(store)
    telemetry = RecordingTelemetry()
    await execute(store, EventCodec(registry), Context(), rename, telemetry=telemetry)
    [(name, outcome, seconds)] = telemetry.commands
    assert (name, outcome) == ("rename", "ok") and seconds > 0
    [(append_seconds, events)] = telemetry.appends
    assert events == 1 and 0 <= append_seconds <= seconds


async def test_lost_races_errors_and_empty_decisions_report_no_append() -> None:
    telemetry = RecordingTelemetry()
    racing = RacingStore(races=100)
    with pytest.raises(ConflictError):
        await execute(racing, EventCodec(registry), Context(), rename, attempts=2, telemetry=telemetry)

    async def missing(uow: UnitOfWork) -> None:
        raise NotFound("No such airline.")

    with pytest.raises(NotFound):
        await execute(InMemoryEventStore(), EventCodec(registry), Context(), missing, telemetry=telemetry)

    async def nothing(uow: UnitOfWork) -> None:
        await uow.load(Tenant, "t1")

    await execute(InMemoryEventStore(), EventCodec(registry), Context(), nothing, telemetry=telemetry)
    assert [(n, o) for n, o, _ in telemetry.commands] == [
        ("rename", "conflict"),
        ("test_lost_races_errors_and_empty_decisions_report_no_append", "NotFound"),
        ("test_lost_races_errors_and_empty_decisions_report_no_append", "ok"),
    ]
    assert telemetry.appends == []


async def test_failing_telemetry_does_not_fail_a_command_whose_events_are_written() -> None:
    class Broken:
        def command(self, name: str, outcome: str, seconds: float) -> None:
            raise RuntimeError("metrics backend bug")

        def append(self, seconds: float, events: int) -> None:
            raise RuntimeError("metrics backend bug")

    store = InMemoryEventStore()
    await seeded(store)
    result = await execute(store, EventCodec(registry), Context(), rename, telemetry=Broken())
    assert result.position == await store.last_position() == 2
