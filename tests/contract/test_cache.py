"""The Cache port: Litestar's MemoryStore (embedded) and RedisStore (production) alike."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis

from albatross.kernel import Cache
from tests.conftest import NO_REDIS, REDIS_URL


@pytest.fixture(params=["memory", "redis"])
async def cache(request: pytest.FixtureRequest) -> AsyncIterator[Cache]:
    if request.param == "memory":
        yield MemoryStore()
        return
    if not REDIS_URL:
        pytest.skip(NO_REDIS)
    redis = Redis.from_url(REDIS_URL)
    yield RedisStore(redis, namespace=f"test-{uuid.uuid4().hex}")
    await redis.aclose()


async def test_values_round_trip_and_can_be_deleted(cache: Cache) -> None:
    assert await cache.get("k") is None
    await cache.set("k", b"\x00bytes")
    assert await cache.get("k") == b"\x00bytes"
    await cache.set("k", "text")
    assert await cache.get("k") == b"text"
    await cache.delete("k")
    assert await cache.get("k") is None
    await cache.delete("never-there")


async def test_values_expire_and_report_their_remaining_time(cache: Cache) -> None:
    await cache.set("short", b"1", expires_in=1)
    remaining = await cache.expires_in("short")
    assert remaining is not None and 0 <= remaining <= 1
    await cache.set("forever", b"1")
    forever = await cache.expires_in("forever")
    assert forever is None or forever < 0  # "no expiry" (Litestar's stores answer -1)
    await asyncio.sleep(1.2)
    assert await cache.get("short") is None
    assert await cache.get("forever") == b"1"
