"""The EventStore contract: every adapter passes the same tests (see the `store` fixture)."""

from __future__ import annotations

import asyncio

import pytest

from albatross.kernel import ConcurrencyError, EventStore, StreamAppend
from tests.conftest import new_event


async def test_appends_get_versions_in_stream_and_positions_in_one_global_order(store: EventStore) -> None:
    first = await store.append("tenant-a", 0, [new_event(), new_event()])
    second = await store.append("tenant-b", 0, [new_event()])
    third = await store.append("tenant-a", 2, [new_event()])
    assert first == [1, 2] and second == [3] and third == [4]
    stream = await store.read_stream("tenant-a")
    assert [e.version for e in stream] == [1, 2, 3]
    assert [e.position for e in stream] == [1, 2, 4]
    assert all(e.stream_type == "tenant" for e in stream)
    assert [e.position for e in await store.read_all()] == [1, 2, 3, 4]
    assert await store.last_position() == 4


async def test_metadata_and_payload_round_trip(store: EventStore) -> None:
    event = new_event(
        "Custom",
        payload=b"\x00\xffbinary",
        tenant_id="t1",
        actor_id="u1",
        correlation_id="c1",
        causation_id="k1",
        recorded_at=1_700_000_000_123_456,
    )
    await store.append("user-1", 0, [event])
    (stored,) = await store.read_stream("user-1")
    assert stored.event_id == event.event_id
    assert stored.payload == b"\x00\xffbinary"
    assert (stored.tenant_id, stored.actor_id, stored.correlation_id, stored.causation_id) == (
        "t1",
        "u1",
        "c1",
        "k1",
    )
    assert stored.recorded_at == 1_700_000_000_123_456
    assert stored.event_type == "Custom" and stored.schema_version == 1


async def test_read_stream_after_version_and_read_all_pages(store: EventStore) -> None:
    await store.append("s-1", 0, [new_event() for _ in range(5)])
    assert [e.version for e in await store.read_stream("s-1", after_version=3)] == [4, 5]
    assert await store.read_stream("s-unknown") == []
    assert [e.position for e in await store.read_all(after_position=1, limit=2)] == [2, 3]
    assert await store.read_all(after_position=5) == []


async def test_wrong_expected_version_raises_and_writes_nothing(store: EventStore) -> None:
    await store.append("s-1", 0, [new_event()])
    with pytest.raises(ConcurrencyError):
        await store.append("s-1", 0, [new_event()])
    with pytest.raises(ConcurrencyError):
        await store.append("s-1", 5, [new_event()])
    with pytest.raises(ConcurrencyError):
        await store.append("s-new", 1, [new_event()])
    assert await store.last_position() == 1
    assert len(await store.read_stream("s-1")) == 1


async def test_expected_version_none_skips_the_check(store: EventStore) -> None:
    await store.append("s-1", None, [new_event()])
    await store.append("s-1", None, [new_event()])
    assert [e.version for e in await store.read_stream("s-1")] == [1, 2]


async def test_a_multi_stream_append_is_all_or_nothing(store: EventStore) -> None:
    await store.append("s-taken", 0, [new_event()])
    with pytest.raises(ConcurrencyError):
        await store.append_streams(
            [StreamAppend("s-fresh", 0, [new_event()]), StreamAppend("s-taken", 0, [new_event()])]
        )
    assert await store.read_stream("s-fresh") == []
    assert await store.last_position() == 1
    positions = await store.append_streams(
        [StreamAppend("s-fresh", 0, [new_event(), new_event()]), StreamAppend("s-taken", 1, [new_event()])]
    )
    assert positions == [2, 3, 4]


async def test_concurrent_appenders_to_one_stream_exactly_one_wins_each_version(store: EventStore) -> None:
    await store.append("s-hot", 0, [new_event()])
    results = await asyncio.gather(
        *(store.append("s-hot", 1, [new_event(), new_event()]) for _ in range(20)), return_exceptions=True
    )
    winners = [r for r in results if isinstance(r, list)]
    losers = [r for r in results if isinstance(r, ConcurrencyError)]
    assert len(winners) == 1 and len(losers) == 19
    assert [e.version for e in await store.read_stream("s-hot")] == [1, 2, 3]


async def test_many_streams_at_once_keep_gap_free_order(store: EventStore) -> None:
    async def writer(n: int) -> None:
        for i in range(10):
            await store.append(f"s-{n}", 2 * i, [new_event(), new_event()])

    await asyncio.gather(*(writer(n) for n in range(30)))
    log = await store.read_all(limit=10_000)
    assert [e.position for e in log] == list(range(1, 601))
    for n in range(30):
        assert [e.version for e in await store.read_stream(f"s-{n}")] == list(range(1, 21))


async def test_a_retried_append_with_the_same_event_ids_is_not_duplicated(store: EventStore) -> None:
    events = [new_event(), new_event()]
    first = await store.append("s-1", 0, events)
    again = await store.append("s-1", 0, events)  # e.g. the response to the first was lost
    assert again == first
    assert len(await store.read_all()) == 2
    concurrent = [new_event()]
    results = await asyncio.gather(*(store.append("s-2", 0, concurrent) for _ in range(5)))
    assert all(r == results[0] for r in results)
    assert await store.last_position() == 3


async def test_event_ids_reused_for_another_stream_are_refused(store: EventStore) -> None:
    events = [new_event()]
    await store.append("s-1", 0, events)
    with pytest.raises(ConcurrencyError):
        await store.append("s-2", 0, events)
    duplicate = new_event()
    with pytest.raises(ConcurrencyError):
        await store.append("s-3", 0, [duplicate, duplicate])
    assert await store.last_position() == 1


async def test_a_failing_append_does_not_fail_its_concurrent_neighbours(store: EventStore) -> None:
    await store.append("s-taken", 0, [new_event()])
    good = [store.append(f"s-{n}", 0, [new_event()]) for n in range(10)]
    bad = store.append("s-taken", 0, [new_event()])
    results = await asyncio.gather(*good, bad, return_exceptions=True)
    assert all(isinstance(r, list) for r in results[:10])
    assert isinstance(results[10], ConcurrencyError)
    assert await store.last_position() == 11
