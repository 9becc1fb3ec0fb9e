"""Ports besides the EventStore: cache, notifications and event distribution."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol


class Cache(Protocol):
    """Byte values with expiry. Litestar's MemoryStore and RedisStore fit it as they are."""

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None: ...

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None: ...

    async def delete(self, key: str) -> None: ...


class Notifier(Protocol):
    """Publishes small envelopes to named channels (at most once)."""

    def publish(self, data: bytes | str, channels: str | list[str]) -> None: ...


class EventDistribution(Protocol):
    """Tells projection runners that the log has grown. Never the truth, only a wake-up call."""

    def notify(self, position: int) -> None: ...

    async def wait(self, after_position: int, timeout: float) -> None:
        """Return when a position past `after_position` was announced, or after `timeout`."""
        ...
