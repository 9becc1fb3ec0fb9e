"""One hub per process turns change notifications into an ordered, gap-free stream read from the
log, and fans it out to this process's live-feed connections.

Pub/sub (Litestar's channels: memory embedded, Redis in production) is at most once, and two
announcers can interleave their messages during a takeover. So an envelope is only a wake-up
here: the hub reads the log itself, from where it is up to the envelope's position, and hands
every event in log order to every connection (each filters by its channels). A lost envelope
costs the time until the next one, or until the next tick, which reads up to where the
projections have got (`progress`). One log read per process per wake-up, not per connection.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from collections.abc import Awaitable, Callable

import msgspec
from litestar.channels import ChannelsPlugin

from albatross.kernel import EventStore
from albatross.kernel.notifications import Envelope, EventPublisher

log = logging.getLogger("albatross.live")

BATCH = 500
LISTENER_LIMIT = 10_000
"""Envelopes a connection may fall behind by; past that it is closed and resumes with since."""


class Position(msgspec.Struct):
    position: int


class Listener:
    def __init__(self) -> None:
        self.pending: collections.deque[Envelope] = collections.deque()
        self.ready = asyncio.Event()
        self.overflowed = False

    def push(self, envelope: Envelope) -> None:
        if len(self.pending) >= LISTENER_LIMIT:
            self.overflowed = True
        else:
            self.pending.append(envelope)
        self.ready.set()

    async def next_batch(self) -> list[Envelope]:
        await self.ready.wait()
        self.ready.clear()
        batch = list(self.pending)
        self.pending.clear()
        return batch


class LiveHub:
    def __init__(
        self,
        store: EventStore,
        publisher: EventPublisher,
        channels: ChannelsPlugin,
        progress: Callable[[], Awaitable[int]],
        *,
        tick_seconds: float = 2.0,
    ) -> None:
        self.store = store
        self.publisher = publisher
        self.channels = channels
        self.progress = progress
        self.tick_seconds = tick_seconds
        self.position = 0
        self.listeners: set[Listener] = set()
        self._target = 0
        self._wake = asyncio.Event()
        self.started = asyncio.Event()

    def listen(self) -> tuple[Listener, int]:
        """A new listener and the position from which it will hear (replay up to it first)."""
        listener = Listener()
        self.listeners.add(listener)
        return listener, self.position

    def leave(self, listener: Listener) -> None:
        self.listeners.discard(listener)

    async def run(self) -> None:
        while True:  # where the log is now: connections hear what comes after
            try:
                self.position = self._target = await self.store.last_position()
                break
            except Exception as exc:
                log.warning("live feed waiting for the event store (%s)", type(exc).__name__)
                await asyncio.sleep(1)
        self.started.set()
        listening = asyncio.create_task(self._listen())
        try:
            while True:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.tick_seconds):
                        await self._wake.wait()
                self._wake.clear()
                try:
                    if not self.listeners:  # nobody to tell: skip ahead cheaply
                        self.position = max(self.position, await self.progress())
                        continue
                    self._target = max(self._target, await self.progress())
                    await self._pull(self._target)
                except Exception as exc:  # the store or the checkpoints away: try again soon
                    log.warning("live feed stalled (%s)", type(exc).__name__)
        finally:
            listening.cancel()
            await asyncio.gather(listening, return_exceptions=True)

    async def _listen(self) -> None:
        """Every announced event goes to `platform`: one subscription per process is enough."""
        decoder = msgspec.json.Decoder(Position)
        async with self.channels.start_subscription(["platform"]) as subscriber:
            async for raw in subscriber.iter_events():
                try:
                    position = decoder.decode(raw).position
                except msgspec.DecodeError:
                    continue  # not one of ours
                if position > self._target:
                    self._target = position
                    self._wake.set()

    async def _pull(self, upto: int) -> None:
        while self.position < upto:
            batch = await self.store.read_all(self.position, min(BATCH, upto - self.position))
            if not batch:
                return
            for stored in batch:
                envelope = self.publisher.envelope(stored)
                self.position = stored.position
                if envelope is not None:
                    for listener in self.listeners:
                        listener.push(envelope)
