"""Event distribution over RabbitMQ (aio-pika): wake-ups for projections, spread over workers.

Topology (declared idempotently by whoever needs it):

    relay --publish(head position)--> exchange `albatross.log` (fanout)
        --> queue `albatross.<unit>` per unit of projections (quorum, single active consumer,
            delivery limit, bounded) --> the one worker consuming it --> catch up, then ack
        --> past the delivery limit: exchange/queue `albatross.dead-letters`

The log stays the truth. The relay does not publish events, only "the log reaches position N",
and it tails the log rather than being told by the append: it publishes when this process
appended (a hint from `notify`) and, every `poll_seconds`, whenever the log's head is ahead of
what it published or of any unit's checkpoint. So a crash between append and publish, a lost,
repeated or dead-lettered message, or a broker restart costs latency, never an event.

A unit's queue has a single active consumer: each unit runs in one worker at a time, and the
broker hands it to another worker when that one dies (its unacknowledged wake-up is delivered
again). While the broker is unreachable, every worker polls the log instead; the projections'
compare-and-set checkpoints keep two runners of one unit from applying anything twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractIncomingMessage, AbstractRobustConnection

from albatross.adapters.memory import LocalWakeup
from albatross.kernel.store import EventStore

log = logging.getLogger("albatross.broker")

EXCHANGE = "albatross.log"
DEAD_LETTERS = "albatross.dead-letters"


class BrokerWakeup:
    """A delivered message: acknowledged once the unit caught up, handed back if it failed."""

    def __init__(self, message: AbstractIncomingMessage) -> None:
        self.message = message
        try:
            self.position = int(message.body)
        except ValueError:  # not ours: look at the log anyway
            self.position = 0

    async def done(self) -> None:
        # The channel may have died since the delivery; the broker then delivers it again.
        with contextlib.suppress(Exception):
            await self.message.ack()

    async def retry(self) -> None:
        with contextlib.suppress(Exception):
            await self.message.nack(requeue=True)


class RabbitDistribution:
    def __init__(
        self,
        url: str,
        store: EventStore,
        lowest_checkpoint: Callable[[], Awaitable[int]],
        *,
        relay: bool,
        poll_seconds: float = 1.0,
        delivery_limit: int = 5,
        queue_limit: int = 100,
    ) -> None:
        self.url = url
        self.store = store
        self.lowest_checkpoint = lowest_checkpoint
        self.relay = relay
        self.poll_seconds = poll_seconds
        self.delivery_limit = delivery_limit
        self.queue_limit = queue_limit
        self.published = 0
        """The highest position the relay had confirmed by the broker."""
        self._latest = 0
        self._news = asyncio.Event()
        self._connection: AbstractRobustConnection | None = None
        self._connected_once = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect in the background: a process starts (and serves) while the broker is away."""
        self._tasks.append(asyncio.create_task(self._connect()))
        if self.relay:
            self._tasks.append(asyncio.create_task(self._relay()))

    async def close(self) -> None:
        self._closing = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()

    @property
    def connected(self) -> bool:
        return self._connection is not None and self._connection.connected.is_set()

    async def _connect(self) -> None:
        delay = 0.5
        while True:
            try:
                # A robust connection reconnects by itself and restores its channels, queues,
                # bindings and consumers; only the first connection needs this loop.
                connection = await aio_pika.connect_robust(self.url, timeout=5, reconnect_interval=1)
                connection.close_callbacks.add(self._on_lost)
                connection.reconnect_callbacks.add(self._on_back)
                self._connection = connection
                self._connected_once.set()
                log.info("connected to the broker")
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("broker unreachable (%s); retrying in %.1f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(10.0, delay * 2)

    def _on_lost(self, _: object, exc: BaseException | None = None) -> None:
        if not self._closing and not isinstance(exc, asyncio.CancelledError | type(None)):
            log.warning(
                "lost the broker (%s); reconnecting, projections poll the log meanwhile", type(exc).__name__
            )

    def _on_back(self, *_: object) -> None:
        log.warning("broker connection restored")

    async def _declare(self, channel: AbstractChannel) -> AbstractExchange:
        exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.FANOUT, durable=True)
        dead = await channel.declare_exchange(DEAD_LETTERS, aio_pika.ExchangeType.FANOUT, durable=True)
        graveyard = await channel.declare_queue(
            DEAD_LETTERS,
            durable=True,
            arguments={"x-queue-type": "quorum", "x-max-length": 10_000},
        )
        await graveyard.bind(dead)
        return exchange

    # -- the relay ------------------------------------------------------------------------------

    def notify(self, position: int) -> None:
        if position > self._latest:
            self._latest = position
        self._news.set()

    async def _relay_exchange(self) -> AbstractExchange:
        """A confirming channel and the exchange, retried until the broker lets us (a refused
        declaration, say, is logged and tried again, never a silent end of the relay)."""
        await self._connected_once.wait()
        assert self._connection is not None
        delay = 0.5
        while True:
            try:
                channel = await self._connection.channel(publisher_confirms=True)
                return await self._declare(channel)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning(
                    "relay cannot set up (%s: %s); retrying in %.1f s", type(exc).__name__, exc, delay
                )
                await asyncio.sleep(delay)
                delay = min(10.0, delay * 2)

    async def _relay(self) -> None:
        exchange = await self._relay_exchange()
        while True:
            ticked = False
            try:
                async with asyncio.timeout(self.poll_seconds):
                    await self._news.wait()
            except TimeoutError:
                ticked = True
            self._news.clear()
            try:
                if ticked:
                    # Tail the log: what another process appended and never got to publish.
                    head = max(self._latest, await self.store.last_position())
                    behind = head > self.published or await self.lowest_checkpoint() < head
                else:
                    head = self._latest
                    behind = head > self.published
                if behind and self.connected:
                    message = aio_pika.Message(
                        str(head).encode(), delivery_mode=aio_pika.DeliveryMode.PERSISTENT
                    )
                    await exchange.publish(message, routing_key="", timeout=5)  # waits for the confirm
                    self.published = max(self.published, head)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a full queue (no worker for a while) or a broker away
                log.debug("wake-up for position %s not confirmed: %s", self._latest, exc)

    # -- the consumers --------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def subscribe(self, unit: str) -> AsyncIterator[AsyncIterator[LocalWakeup | BrokerWakeup]]:
        inbox: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        consuming = asyncio.Event()
        consumer = asyncio.create_task(self._consume(unit, inbox, consuming))
        if self.connected:  # news published from now on reaches this unit
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(5):
                    await consuming.wait()
        try:
            yield self._wakeups(inbox, consuming)
        finally:
            consumer.cancel()
            await asyncio.gather(consumer, return_exceptions=True)

    async def _consume(
        self, unit: str, inbox: asyncio.Queue[AbstractIncomingMessage], consuming: asyncio.Event
    ) -> None:
        """Consume the unit's queue; a failed set-up is logged and retried (meanwhile the unit
        polls the log), never a silent end."""
        await self._connected_once.wait()
        assert self._connection is not None
        delay = 0.5
        while True:
            channel = None
            try:
                channel = await self._connection.channel()
                await channel.set_qos(prefetch_count=1)
                exchange = await self._declare(channel)
                queue = await channel.declare_queue(
                    f"albatross.{unit}",
                    durable=True,
                    arguments={
                        "x-queue-type": "quorum",
                        "x-single-active-consumer": True,
                        # Debian's RabbitMQ 3.10 sets no default limit: a wake-up that keeps
                        # failing goes to the dead letters (the relay sends a fresh one).
                        "x-delivery-limit": self.delivery_limit,
                        "x-dead-letter-exchange": DEAD_LETTERS,
                        # Wake-ups are interchangeable: while no worker consumes, keep a few only.
                        "x-max-length": self.queue_limit,
                        "x-overflow": "reject-publish",
                    },
                )
                await queue.bind(exchange)
                await queue.consume(inbox.put)
                consuming.set()
                await asyncio.Future()  # consume until cancelled; the robust channel re-consumes
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                consuming.clear()
                log.warning(
                    "unit %s cannot consume (%s: %s); retrying in %.1f s",
                    unit,
                    type(exc).__name__,
                    exc,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(10.0, delay * 2)
            finally:
                if channel is not None:
                    with contextlib.suppress(Exception):
                        await channel.close()

    async def _wakeups(
        self, inbox: asyncio.Queue[AbstractIncomingMessage], consuming: asyncio.Event
    ) -> AsyncIterator[LocalWakeup | BrokerWakeup]:
        yield LocalWakeup(0)  # catch up on start, whoever is the active consumer
        while True:
            try:
                async with asyncio.timeout(self.poll_seconds):
                    message = await inbox.get()
            except TimeoutError:
                if not (self.connected and consuming.is_set()):
                    yield LocalWakeup(0)  # no news can come: poll the log meanwhile
                continue
            yield BrokerWakeup(message)
