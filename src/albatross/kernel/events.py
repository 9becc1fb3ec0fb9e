"""Domain events: msgspec Structs registered under a stable type name and schema version.

Stored payloads are msgpack bytes. Reading an older schema version runs the registered
upcasters on the decoded mapping before it becomes the current Struct; stored bytes are
never rewritten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import msgspec


class DomainEvent(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every event. Subclasses are registered with `@registry.event(name, version)`."""

    event_type: ClassVar[str] = ""
    schema_version: ClassVar[int] = 0


E = TypeVar("E", bound=type[DomainEvent])
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class UnknownEventType(LookupError):
    pass


class EventRegistry:
    """Maps stored type names to Struct classes and holds the upcaster chains."""

    def __init__(self) -> None:
        self._types: dict[str, type[DomainEvent]] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}

    def event(self, name: str, version: int = 1) -> Callable[[E], E]:
        def register(cls: E) -> E:
            if name in self._types and self._types[name] is not cls:
                raise ValueError(f"event type {name!r} is registered twice")
            cls.event_type = name
            cls.schema_version = version
            self._types[name] = cls
            return cls

        return register

    def upcaster(self, name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Register a function that turns version `from_version` of `name` into the next one."""

        def register(fn: Upcaster) -> Upcaster:
            self._upcasters[(name, from_version)] = fn
            return fn

        return register

    def lookup(self, name: str) -> type[DomainEvent]:
        try:
            return self._types[name]
        except KeyError:
            raise UnknownEventType(name) from None

    def upcast(self, name: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
        current = self.lookup(name).schema_version
        while version < current:
            step = self._upcasters.get((name, version))
            if step is None:
                raise UnknownEventType(f"{name} v{version}: no upcaster to v{version + 1}")
            data = step(data)
            version += 1
        return data

    def all_types(self) -> list[type[DomainEvent]]:
        return list(self._types.values())


class EventCodec:
    """Encodes events to msgpack bytes and decodes (upcasting when needed) back to Structs."""

    def __init__(self, events: EventRegistry) -> None:
        self.events = events
        self._encoder = msgspec.msgpack.Encoder()
        self._decoders: dict[type[DomainEvent], msgspec.msgpack.Decoder[Any]] = {}
        self._raw = msgspec.msgpack.Decoder()

    def encode(self, event: DomainEvent) -> bytes:
        return self._encoder.encode(event)

    def decode(self, event_type: str, schema_version: int, payload: bytes) -> DomainEvent:
        cls = self.events.lookup(event_type)
        if schema_version == cls.schema_version:
            decoder = self._decoders.get(cls)
            if decoder is None:
                decoder = self._decoders[cls] = msgspec.msgpack.Decoder(cls)
            return decoder.decode(payload)
        data = self.events.upcast(event_type, schema_version, self._raw.decode(payload))
        return msgspec.convert(data, cls)

    def to_builtins(self, event: DomainEvent) -> dict[str, Any]:
        return msgspec.to_builtins(event)


registry = EventRegistry()
"""The process-wide registry every bounded context registers its events in."""
