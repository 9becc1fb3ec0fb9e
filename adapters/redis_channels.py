"""Litestar's Redis pub/sub channels backend, made to outlive a Redis restart and to keep to its
own installation.

In Litestar's ChannelsPlugin one task feeds every subscriber of the process from the backend's
event stream, and another publishes: if either raises (Redis went away), it ends for good and
the process hears nothing more until it restarts. Here a failed or slow publish is dropped
(envelopes are at most once; the live feed reads the log itself and clients resume by position),
a subscription waits for Redis instead of failing, and the stream reconnects instead of ending
(redis-py subscribes the connection to its channels again when it reconnects).

Redis pub/sub ignores the database number, so two installations on one Redis server would hear
each other: every channel name gets the installation's prefix on the wire.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Iterable
from typing import Any

from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("albatross.notifications")

PUBLISH_SECONDS = 2.0


class ResilientRedisChannels(RedisChannelsPubSubBackend):
    def __init__(self, *, redis: Redis, prefix: str) -> None:
        super().__init__(redis=redis)
        self.prefix = prefix

    def _wire(self, channels: Iterable[str]) -> list[str]:
        return [self.prefix + c for c in channels]

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        try:
            async with asyncio.timeout(PUBLISH_SECONDS):
                await super().publish(data, self._wire(channels))
        except (RedisError, OSError, TimeoutError) as exc:
            log.debug("envelope dropped, Redis unreachable: %s", type(exc).__name__)

    async def subscribe(self, channels: Iterable[str]) -> None:
        wire = self._wire(channels)
        delay = 0.1
        while True:
            try:
                await super().subscribe(wire)
                return
            except (RedisError, OSError) as exc:
                log.warning("cannot subscribe on Redis (%s); retrying in %.1f s", type(exc).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(5.0, delay * 2)

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        try:
            await super().unsubscribe(self._wire(channels))
        except (RedisError, OSError) as exc:
            log.debug("unsubscribe dropped, Redis unreachable: %s", type(exc).__name__)

    async def stream_events(self) -> AsyncGenerator[tuple[str, Any], None]:
        failures = 0
        while True:
            try:
                async for channel, data in super().stream_events():
                    if failures:
                        log.warning("Redis pub/sub restored")
                        failures = 0
                    if channel.startswith(self.prefix):
                        yield channel.removeprefix(self.prefix), data
            except (RedisError, OSError) as exc:
                failures += 1
                if failures == 1:
                    log.warning("lost Redis pub/sub (%s); reconnecting", type(exc).__name__)
                await asyncio.sleep(min(5.0, 0.1 * 2**failures))
