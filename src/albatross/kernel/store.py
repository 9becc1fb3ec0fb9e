"""The EventStore port: an append-only log of streams in one global order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import msgspec


class NewEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An event about to be appended; `event_id` makes the append idempotent."""

    event_id: str
    event_type: str
    schema_version: int
    payload: bytes
    tenant_id: str | None = None
    actor_id: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None
    recorded_at: int = 0
    """Microseconds since the Unix epoch (UTC)."""


class StoredEvent(msgspec.Struct, frozen=True, kw_only=True):
    position: int
    event_id: str
    stream_id: str
    stream_type: str
    version: int
    event_type: str
    schema_version: int
    payload: bytes
    tenant_id: str | None
    actor_id: str | None
    correlation_id: str | None
    causation_id: str | None
    recorded_at: int


class StreamAppend(msgspec.Struct, frozen=True):
    """Events for one stream, appended only if the stream is at `expected_version`.

    `expected_version` counts the events already in the stream (0: the stream must not exist);
    None skips the check.
    """

    stream_id: str
    expected_version: int | None
    events: Sequence[NewEvent]
    stream_type: str = ""


class LogQuery(msgspec.Struct, frozen=True, kw_only=True):
    tenant_id: str | None = None
    event_type: str | None = None
    actor_id: str | None = None
    stream_id: str | None = None
    before_position: int | None = None
    """Page backwards: only events older than this position."""
    limit: int = 100

    def matches(self, e: StoredEvent) -> bool:
        return (
            (self.tenant_id is None or e.tenant_id == self.tenant_id)
            and (self.event_type is None or e.event_type == self.event_type)
            and (self.actor_id is None or e.actor_id == self.actor_id)
            and (self.stream_id is None or e.stream_id == self.stream_id)
            and (self.before_position is None or e.position < self.before_position)
        )


class EventStore(Protocol):
    async def append(
        self, stream_id: str, expected_version: int | None, events: Sequence[NewEvent]
    ) -> list[int]:
        """Append atomically; returns the global positions. Raises ConcurrencyError."""
        ...

    async def append_streams(self, appends: Sequence[StreamAppend]) -> list[int]:
        """Append to several streams in one all-or-nothing transaction."""
        ...

    async def read_stream(self, stream_id: str, after_version: int = 0) -> list[StoredEvent]: ...

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[StoredEvent]: ...

    async def query(self, q: LogQuery) -> list[StoredEvent]:
        """Events matching every given filter, newest first (the audit trail)."""
        ...

    async def last_position(self) -> int: ...

    async def close(self) -> None: ...


def stream_type_of(stream_id: str) -> str:
    """Stream ids are `<type>-<key>`; the type is what comes before the first dash."""
    return stream_id.split("-", 1)[0]
