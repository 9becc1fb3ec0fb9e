"""Litestar's Redis pub/sub channels backend, made to outlive a Redis restart.

In Litestar's ChannelsPlugin one task feeds every subscriber of the process from the backend's
event stream, and another publishes: if either raises (Redis went away), it ends for good and
the process hears nothing more until it restarts. Here a failed publish is dropped (envelopes
are at most once; clients resume from the log by position) and the stream reconnects instead
of ending (redis-py subscribes the connection to its channels again when it reconnects).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Iterable
from typing import Any

from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from redis.exceptions import RedisError

log = logging.getLogger("albatross.notifications")


class ResilientRedisChannels(RedisChannelsPubSubBackend):
    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        try:
            await super().publish(data, channels)
        except (RedisError, OSError) as exc:
            log.debug("envelope dropped, Redis unreachable: %s", type(exc).__name__)

    async def stream_events(self) -> AsyncGenerator[tuple[str, Any], None]:
        failures = 0
        while True:
            try:
                async for item in super().stream_events():
                    if failures:
                        log.warning("Redis pub/sub restored")
                        failures = 0
                    yield item
            except (RedisError, OSError) as exc:
                failures += 1
                if failures == 1:
                    log.warning("lost Redis pub/sub (%s); reconnecting", type(exc).__name__)
                await asyncio.sleep(min(5.0, 0.1 * 2**failures))
