"""The EventDistribution port: in-process (embedded) and RabbitMQ (production) alike, plus what
only a broker does (one active consumer per unit, redelivery, a delivery limit, dead letters)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aio_pika
import pytest

from albatross.adapters.memory import InMemoryEventStore, InProcessDistribution
from albatross.adapters.rabbitmq import DEAD_LETTERS, RabbitDistribution
from albatross.kernel import EventDistribution, StreamAppend, Wakeup
from tests.conftest import AMQP_URL, NO_AMQP, delete_queues, new_event


@dataclass
class Harness:
    kind: str
    unit: str
    store: InMemoryEventStore = field(default_factory=InMemoryEventStore)
    lowest: int = 0
    """What the relay reads as the lowest projection checkpoint."""
    made: list[RabbitDistribution] = field(default_factory=list)
    local: InProcessDistribution | None = None

    async def distribution(self, *, relay: bool, poll_seconds: float = 30) -> EventDistribution:
        """For a broker, one per process; in-process, the relay and the consumer are one object."""
        if self.kind == "in-process":
            if self.local is None:
                self.local = InProcessDistribution(poll_seconds=poll_seconds)
            return self.local

        async def lowest() -> int:
            return self.lowest

        made = RabbitDistribution(AMQP_URL, self.store, lowest, relay=relay, poll_seconds=poll_seconds)
        await made.start()
        self.made.append(made)
        for _ in range(100):  # connected before the test goes on
            if made.connected:
                break
            await asyncio.sleep(0.05)
        return made

    async def append(self, count: int) -> int:
        """Events in the log that nobody announced (as if their process died before it could)."""
        events = [new_event() for _ in range(count)]
        positions = await self.store.append_streams([StreamAppend(f"s-{uuid.uuid4()}", 0, events)])
        return positions[-1]


@contextlib.asynccontextmanager
async def make_harness(kind: str) -> AsyncIterator[Harness]:
    if kind == "rabbitmq" and not AMQP_URL:
        pytest.skip(NO_AMQP)
    made = Harness(kind, f"test-{uuid.uuid4().hex[:12]}")
    yield made
    for distribution in made.made:
        await distribution.close()
    if kind == "rabbitmq":
        await delete_queues(f"albatross.{made.unit}")


@pytest.fixture(params=["in-process", "rabbitmq"])
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    async with make_harness(request.param) as made:
        yield made


@pytest.fixture
async def broker(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    """What only a broker does: spread units over processes."""
    async with make_harness("rabbitmq") as made:
        yield made


class Inbox:
    """Reads wake-ups in a task of its own: a test's timeout must not end the generator."""

    def __init__(self, wakeups: AsyncIterator[Wakeup]) -> None:
        self.queue: asyncio.Queue[Wakeup] = asyncio.Queue()
        self.task = asyncio.create_task(self._pump(wakeups))

    async def _pump(self, wakeups: AsyncIterator[Wakeup]) -> None:
        async for wakeup in wakeups:
            await self.queue.put(wakeup)

    async def next_within(self, seconds: float) -> Wakeup | None:
        try:
            async with asyncio.timeout(seconds):
                return await self.queue.get()
        except TimeoutError:
            return None


@contextlib.asynccontextmanager
async def inbox(distribution: EventDistribution, unit: str) -> AsyncIterator[Inbox]:
    async with distribution.subscribe(unit) as wakeups:
        made = Inbox(wakeups)
        try:
            yield made
        finally:
            made.task.cancel()
            await asyncio.gather(made.task, return_exceptions=True)


async def test_the_first_wakeup_comes_at_once_then_one_per_append(harness: Harness) -> None:
    consumer = await harness.distribution(relay=False)
    relay = await harness.distribution(relay=True)
    async with inbox(consumer, harness.unit) as wakeups:
        first = await wakeups.next_within(2)
        assert first is not None  # catch up on start, before any news
        await first.done()
        for position in (3, 4):
            relay.notify(position)
            woken = await wakeups.next_within(5)  # long before the 30 s poll
            assert woken is not None
            assert woken.position in (0, position)  # 0: "look" (in-process knows no more)
            await woken.done()


async def test_a_log_that_grew_unannounced_still_wakes_the_unit(harness: Harness) -> None:
    """A crash between append and publish: the relay (or the poll) tails the log."""
    consumer = await harness.distribution(relay=False, poll_seconds=0.3)
    await harness.distribution(relay=True, poll_seconds=0.3)
    async with inbox(consumer, harness.unit) as wakeups:
        await drain_first(wakeups)
        head = await harness.append(3)
        woken = await wakeups.next_within(5)
        assert woken is not None and woken.position in (0, head)
        await woken.done()


async def drain_first(wakeups: Inbox) -> None:
    first = await wakeups.next_within(2)  # the catch-up-on-start wake-up, local to each process
    assert first is not None
    await first.done()


async def test_a_unit_has_one_active_consumer_and_a_second_takes_over(broker: Harness) -> None:
    one, two = [await broker.distribution(relay=False) for _ in range(2)]
    relay = await broker.distribution(relay=True)
    async with contextlib.AsyncExitStack() as stack:
        first = await stack.enter_async_context(inbox(one, broker.unit))
        second = await stack.enter_async_context(inbox(two, broker.unit))
        await drain_first(first)
        await drain_first(second)
        relay.notify(7)
        got = await first.next_within(5)
        assert got is not None and got.position == 7  # the first consumer is the active one
        assert await second.next_within(1) is None  # the other waits its turn
        # The active worker dies before acknowledging: the broker hands the unit over, news included.
        await one.close()
        taken = await second.next_within(10)
        assert taken is not None and taken.position == 7
        await taken.done()


async def test_a_wakeup_that_keeps_failing_goes_to_the_dead_letters(broker: Harness) -> None:
    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        consumer = await broker.distribution(relay=False)
        relay = await broker.distribution(relay=True)
        dead = await channel.declare_queue(DEAD_LETTERS, passive=True)
        await dead.purge()
        async with inbox(consumer, broker.unit) as wakeups:
            await drain_first(wakeups)
            relay.notify(11)
            deliveries = 0
            while (woken := await wakeups.next_within(2)) is not None:
                assert woken.position == 11
                deliveries += 1
                await woken.retry()
            assert deliveries == consumer.delivery_limit + 1  # x-delivery-limit: redeliveries allowed
        message = await dead.get(timeout=5, fail=False)
        assert message is not None and message.body == b"11"
        await message.ack()


async def test_the_relay_is_quiet_once_every_unit_caught_up(broker: Harness) -> None:
    consumer = await broker.distribution(relay=False)
    await broker.distribution(relay=True, poll_seconds=0.2)
    async with inbox(consumer, broker.unit) as wakeups:
        await drain_first(wakeups)
        broker.lowest = 0
        head = await broker.append(2)
        woken = await wakeups.next_within(5)
        assert woken is not None and woken.position == head
        await woken.done()
        broker.lowest = head  # the projections caught up
        while (extra := await wakeups.next_within(0.5)) is not None:  # at most what was in flight
            await extra.done()
        assert await wakeups.next_within(1.5) is None  # no wake-up storm at rest
