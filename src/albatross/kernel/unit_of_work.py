"""Load aggregates, let them decide, append every new event in one transaction; retry on races."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import msgspec

from albatross.kernel.aggregate import Aggregate
from albatross.kernel.errors import ConcurrencyError, ConflictError
from albatross.kernel.events import DomainEvent, EventCodec
from albatross.kernel.ports import EventDistribution
from albatross.kernel.store import EventStore, NewEvent, StreamAppend
from albatross.kernel.telemetry import NoTelemetry, Telemetry

log = logging.getLogger("albatross.commands")

A = TypeVar("A", bound=Aggregate)
T = TypeVar("T")


class Context(msgspec.Struct, frozen=True, kw_only=True):
    """Who acts and why: stamped on every event a command writes."""

    actor_id: str | None = None
    correlation_id: str = msgspec.field(default_factory=lambda: uuid.uuid4().hex)
    causation_id: str | None = None


class CommandResult(msgspec.Struct, Generic[T], frozen=True):
    value: T
    position: int
    """Global position of the last event written (or the log head if nothing was written)."""


def now_us() -> int:
    return time.time_ns() // 1000


class UnitOfWork:
    def __init__(self, store: EventStore, codec: EventCodec, context: Context) -> None:
        self.store = store
        self.codec = codec
        self.context = context
        self._loaded: dict[str, tuple[Aggregate, int]] = {}
        self._pending: dict[str, list[DomainEvent]] = {}

    async def load(self, cls: type[A], id: str) -> A:
        stream_id = cls.stream_id(id)
        if stream_id in self._loaded:
            aggregate = self._loaded[stream_id][0]
            assert isinstance(aggregate, cls)
            return aggregate
        stored = await self.store.read_stream(stream_id)
        events = [self.codec.decode(e.event_type, e.schema_version, e.payload) for e in stored]
        aggregate = cls.fold(id, events)
        self._loaded[stream_id] = (aggregate, aggregate.version)
        return aggregate

    def record(self, aggregate: Aggregate, events: list[DomainEvent]) -> None:
        """Apply `events` and queue them for the aggregate's stream. Recording nothing still
        guards the stream: the commit fails if it moved since it was loaded, because the
        decision to record nothing was taken on that version."""
        stream_id = aggregate.stream_id(aggregate.id)
        if stream_id not in self._loaded:
            self._loaded[stream_id] = (aggregate, aggregate.version)
        for event in events:
            aggregate.apply(event)
            aggregate.version += 1
        self._pending.setdefault(stream_id, []).extend(events)

    async def commit(self) -> list[int]:
        if not any(self._pending.values()):
            return []
        recorded_at = now_us()
        appends = []
        for stream_id, events in self._pending.items():
            aggregate, loaded_version = self._loaded[stream_id]
            new_events = [
                NewEvent(
                    event_id=str(uuid.uuid4()),
                    event_type=event.event_type,
                    schema_version=event.schema_version,
                    payload=self.codec.encode(event),
                    tenant_id=aggregate.tenant_id,
                    actor_id=self.context.actor_id,
                    correlation_id=self.context.correlation_id,
                    causation_id=self.context.causation_id,
                    recorded_at=recorded_at,
                )
                for event in events
            ]
            appends.append(StreamAppend(stream_id, loaded_version, new_events, aggregate.stream_type))
        if not appends:
            return []
        return await self.store.append_streams(appends)


async def execute(
    store: EventStore,
    codec: EventCodec,
    context: Context,
    operation: Callable[[UnitOfWork], Awaitable[T]],
    *,
    distribution: EventDistribution | None = None,
    attempts: int = 5,
    telemetry: Telemetry | None = None,
) -> CommandResult[T]:
    """Run `operation` in a fresh unit of work until its append wins, at most `attempts` times.

    A lost optimistic-concurrency race reloads every aggregate and decides again, so the
    operation must be free of side effects outside the unit of work.
    """
    report = _Reporter(telemetry or _NO_TELEMETRY)
    started = time.perf_counter()
    name = _command_name(operation)
    outcome = "error"
    position: int | None = None
    attempt = 0
    try:
        for attempt in range(1, attempts + 1):  # noqa: B007  (logged below)
            uow = UnitOfWork(store, codec, context)
            value = await operation(uow)
            appending = time.perf_counter()
            try:
                positions = await uow.commit()
            except ConcurrencyError:
                continue
            outcome = "ok"
            if positions:
                report.append(time.perf_counter() - appending, len(positions))
                if distribution is not None:
                    distribution.notify(positions[-1])
                position = positions[-1]
                return CommandResult(value, position)
            return CommandResult(value, await store.last_position())
        outcome = "conflict"
        raise ConflictError("Another change to the same record won the race too often; try again.")
    except Exception as exc:
        if outcome == "error":
            outcome = type(exc).__name__
        raise
    finally:
        seconds = time.perf_counter() - started
        report.command(name, outcome, seconds)
        duration_ms = round(seconds * 1000, 2)
        log.info(
            "command %s %s in %.1f ms",
            name,
            outcome,
            duration_ms,
            extra={
                "command": name,
                "outcome": outcome,
                "attempts": attempt,
                "position": position,
                "duration_ms": duration_ms,
                "actor_id": context.actor_id,
                "correlation_id": context.correlation_id,
            },
        )


_NO_TELEMETRY = NoTelemetry()


class _Reporter:
    """Telemetry that cannot fail a command: its events may already be in the log."""

    def __init__(self, telemetry: Telemetry) -> None:
        self.telemetry = telemetry

    def append(self, seconds: float, events: int) -> None:
        try:
            self.telemetry.append(seconds, events)
        except Exception:
            log.exception("telemetry failed to record an append")

    def command(self, name: str, outcome: str, seconds: float) -> None:
        try:
            self.telemetry.command(name, outcome, seconds)
        except Exception:
            log.exception("telemetry failed to record command %s", name)


def _command_name(operation: Callable[..., Any]) -> str:
    """`handle_create_tenant.<locals>.create` -> `create_tenant`."""
    owner = getattr(operation, "__qualname__", "command").split(".<locals>")[0]
    return owner.removeprefix("handle_")
