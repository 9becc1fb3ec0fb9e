"""Ports besides the EventStore: cache, notifications and event distribution."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
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


class Wakeup(Protocol):
    """News that the log grew (up to `position`; 0 when unknown). Never the truth: the runner
    reads the log itself, so a lost or repeated wake-up costs latency, never correctness."""

    position: int

    async def done(self) -> None:
        """The projections caught up after this news (a broker's ack)."""
        ...

    async def retry(self) -> None:
        """Catching up failed; hand the news back (a broker counts it towards its delivery limit)."""
        ...


class EventDistribution(Protocol):
    """Tells projection runners that the log has grown, and spreads them over processes."""

    def notify(self, position: int) -> None:
        """This process appended up to `position` (a hint: it must never block or fail)."""
        ...

    def subscribe(self, unit: str) -> AbstractAsyncContextManager[AsyncIterator[Wakeup]]:
        """Wake-ups for one unit of projections. The first comes at once (catch up on start);
        then one per announced growth, or per poll while no broker tells. With a broker, a unit
        runs in one process at a time (a second takes over when the first dies)."""
        ...
