"""The live hub turns at-most-once, possibly reordered wake-ups into an ordered, gap-free stream
read from the log (the real channels plugin, memory backend)."""

from __future__ import annotations

import asyncio
import contextlib

import msgspec
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend

from albatross.adapters.memory import InMemoryEventStore
from albatross.kernel import EventCodec, StreamAppend, registry
from albatross.kernel.notifications import EventPublisher, FeedViews
from albatross.web.live_hub import LiveHub
from tests.conftest import new_event


async def positions_within(listener: object, count: int, seconds: float = 5) -> list[int]:
    got: list[int] = []
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while len(got) < count:
                got += [e.position for e in await listener.next_batch()]  # type: ignore[attr-defined]
    return got


async def test_lost_and_reordered_wakeups_still_give_every_event_once_in_order() -> None:
    store = InMemoryEventStore()
    views = FeedViews()
    views.view("Tested", "tenant")
    plugin = ChannelsPlugin(backend=MemoryChannelsBackend(), arbitrary_channels_allowed=True)
    publisher = EventPublisher(plugin, EventCodec(registry), views)
    applied = 0  # how far "the projections" have got: the hub tells of nothing beyond it

    async def progress() -> int:
        return applied

    hub = LiveHub(store, publisher, plugin, progress, tick_seconds=0.2)
    async with plugin:
        running = asyncio.create_task(hub.run())
        await hub.started.wait()
        listener, start = hub.listen()
        assert start == 0
        for n in range(5):
            await store.append_streams([StreamAppend(f"s-{n}", 0, [new_event("Tested", tenant_id="t1")])])
        # Only the last of five wake-ups arrives (repeated until the hub's subscription is in
        # place; repeats are harmless): the hub reads 1..5 from the log.
        got: list[int] = []
        for _ in range(50):
            await plugin.wait_published(msgspec.json.encode({"position": 5}), "platform")
            got += await positions_within(listener, 5 - len(got), 0.1)
            if len(got) == 5:
                break
        assert got == [1, 2, 3, 4, 5]
        # A late, reordered wake-up for an old position changes nothing.
        await plugin.wait_published(msgspec.json.encode({"position": 3}), "platform")
        await store.append_streams([StreamAppend("s-5", 0, [new_event("Tested", tenant_id="t1")])])
        applied = (
            6  # no wake-up at all this time: the next tick, looking at the projections' progress, finds it
        )
        assert await positions_within(listener, 1) == [6]
        # Events the feed does not tell of move the position but reach nobody.
        await store.append_streams([StreamAppend("s-6", 0, [new_event("Untold", tenant_id="t1")])])
        await store.append_streams([StreamAppend("s-7", 0, [new_event("Tested", tenant_id="t1")])])
        await plugin.wait_published(msgspec.json.encode({"position": 8}), "platform")
        assert await positions_within(listener, 1) == [8]
        assert hub.position == 8
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
