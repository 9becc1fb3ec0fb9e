"""The Counters port: fixed-window counters, in process memory or in Redis (atomic across processes)."""

from __future__ import annotations

import time

from redis.asyncio import Redis


class MemoryCounters:
    """Each call runs without awaiting, so it is atomic within the process."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, float]] = {}

    async def hit(self, key: str, window_seconds: int) -> tuple[int, int]:
        now = time.monotonic()
        count, resets_at = self._windows.get(key, (0, 0.0))
        if resets_at <= now:
            count, resets_at = 0, now + window_seconds
        count += 1
        self._windows[key] = (count, resets_at)
        if len(self._windows) > 100_000:  # forget finished windows now and then
            self._windows = {k: v for k, v in self._windows.items() if v[1] > now}
        return count, max(1, round(resets_at - now))

    async def undo(self, key: str) -> None:
        count, resets_at = self._windows.get(key, (0, 0.0))
        if count > 0:
            self._windows[key] = (count - 1, resets_at)


class RedisCounters:
    """INCR and EXPIRE NX in one transaction: concurrent hits from any process all count."""

    def __init__(self, redis: Redis, namespace: str = "albatross:counter") -> None:
        self.redis = redis
        self.namespace = namespace

    async def hit(self, key: str, window_seconds: int) -> tuple[int, int]:
        name = f"{self.namespace}:{key}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, window_seconds, nx=True)
            pipe.ttl(name)
            count, _, ttl = await pipe.execute()
        return int(count), max(1, int(ttl))

    async def undo(self, key: str) -> None:
        name = f"{self.namespace}:{key}"
        if await self.redis.decr(name) < 0:
            await self.redis.incr(name)
