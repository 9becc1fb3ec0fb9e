"""Ports besides the EventStore: cache, notifications and event distribution."""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol


class Cache(Protocol):
    """Byte values with expiry. Litestar's MemoryStore and RedisStore fit it as they are."""

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None: ...

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None: ...

    async def delete(self, key: str) -> None: ...

    async def expires_in(self, key: str) -> int | None:
        """Seconds until `key` expires; None or a negative number when it does not expire."""
        ...


class Counters(Protocol):
    """Atomic fixed-window counters for rate limits; shared by every process when in Redis."""

    async def hit(self, key: str, window_seconds: int) -> tuple[int, int]:
        """Count one more; returns (the count in the current window, seconds until it resets).
        The window starts with the first hit and later hits do not extend it."""
        ...

    async def undo(self, key: str) -> None:
        """Take one back: an attempt that turned out not to count (a successful login)."""
        ...


class Vault(Protocol):
    """Per-person keys kept outside the log. Personal data in events is encrypted with them, so
    forgetting a person's key erases their data everywhere while the log stays intact."""

    async def encrypt(self, subject_id: str, plaintext: str) -> bytes: ...

    async def decrypt(self, subject_id: str, ciphertext: bytes) -> str | None:
        """The plaintext, or None once the subject's key was forgotten."""
        ...

    async def forget(self, subject_id: str) -> None: ...

    async def pseudonym(self, kind: str, value: str) -> str:
        """A keyed hash of `value`, stable per installation: a unique-claim key that is not the value."""
        ...


class Notifier(Protocol):
    """Publishes small envelopes to named channels (at most once)."""

    def publish(self, data: bytes | str, channels: str | list[str]) -> None: ...


class EventDistribution(Protocol):
    """Tells projection runners that the log has grown. Never the truth, only a wake-up call."""

    def notify(self, position: int) -> None: ...

    async def wait(self, after_position: int, timeout: float) -> None:
        """Return when a position past `after_position` was announced, or after `timeout`."""
        ...
