"""Every registered event type survives encode/decode; old schema versions are upcast on read."""

from __future__ import annotations

import enum
import types
import typing
from datetime import date
from typing import Any, ClassVar

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import albatross.bootstrap  # noqa: F401  (imports every context, so every event type is registered)
from albatross.kernel import DomainEvent, EventCodec, EventRegistry, registry
from albatross.kernel.events import UnknownEventType


def strategy_for(tp: Any) -> st.SearchStrategy[Any]:
    """Values of a type as an event's fields declare it, constraints (msgspec.Meta) included."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        base, *extras = typing.get_args(tp)
        meta = next((m for m in extras if isinstance(m, msgspec.Meta)), msgspec.Meta())
        return constrained(base, meta)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(strategy_for(arg) for arg in typing.get_args(tp)))
    if origin is list:
        return st.lists(strategy_for(typing.get_args(tp)[0]), max_size=4)
    if origin is dict:
        key, value = typing.get_args(tp)
        return st.dictionaries(strategy_for(key), strategy_for(value), max_size=3)
    if origin is typing.Literal:
        return st.sampled_from(typing.get_args(tp))
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        return structs_of(tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(list(tp))
    simple = {
        str: st.text(max_size=40),
        int: st.integers(-(2**63), 2**63 - 1),
        bool: st.booleans(),
        float: st.floats(allow_nan=False),
        bytes: st.binary(max_size=40),
        date: st.dates(),
        type(None): st.none(),
    }
    if tp in simple:
        return simple[tp]
    raise TypeError(f"add a strategy for {tp!r}")


def constrained(base: Any, meta: msgspec.Meta) -> st.SearchStrategy[Any]:
    if base is str and meta.pattern:
        return st.from_regex(meta.pattern, fullmatch=True).filter(
            lambda s: len(s) <= (meta.max_length or 10**6)
        )
    if base is str:
        return st.text(min_size=meta.min_length or 0, max_size=min(meta.max_length or 40, 40))
    if base is int:
        return st.integers(
            meta.ge if meta.ge is not None else -(2**63), meta.le if meta.le is not None else 2**63 - 1
        )
    if base is float:
        return st.floats(meta.ge, meta.le, allow_nan=False, allow_infinity=False)
    return strategy_for(base)


def structs_of(cls: type[msgspec.Struct]) -> st.SearchStrategy[Any]:
    hints = typing.get_type_hints(cls, include_extras=True)
    return st.builds(cls, **{f.name: strategy_for(hints[f.name]) for f in msgspec.structs.fields(cls)})


def events_of(cls: type[DomainEvent]) -> st.SearchStrategy[DomainEvent]:
    return structs_of(cls)  # type: ignore[return-value]


ALL_EVENTS = st.sampled_from(sorted(registry.all_types(), key=lambda c: c.event_type)).flatmap(events_of)


def test_the_registry_knows_the_identity_events() -> None:
    names = {cls.event_type for cls in registry.all_types()}
    assert {"TenantCreated", "TenantRenamed", "UserRegistered", "PasswordSet", "SessionStarted"} <= names


@settings(max_examples=300)
@given(ALL_EVENTS)
def test_every_registered_event_type_round_trips(event: DomainEvent) -> None:
    codec = EventCodec(registry)
    payload = codec.encode(event)
    assert isinstance(payload, bytes)
    assert codec.decode(event.event_type, event.schema_version, payload) == event


def test_an_old_schema_version_is_upcast_on_read_and_the_stored_bytes_stay() -> None:
    events = EventRegistry()

    @events.event("PilotNamed", version=3)
    class PilotNamed(DomainEvent, frozen=True, kw_only=True):
        first: str
        last: str
        callsign: str

    @events.upcaster("PilotNamed", from_version=1)
    def split_name(data: dict[str, Any]) -> dict[str, Any]:
        first, _, last = data.pop("name").partition(" ")
        return {**data, "first": first, "last": last}

    @events.upcaster("PilotNamed", from_version=2)
    def add_callsign(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "callsign": ""}

    v1_bytes = msgspec.msgpack.encode({"name": "Amelia Earhart"})
    codec = EventCodec(events)
    decoded = codec.decode("PilotNamed", 1, v1_bytes)
    assert decoded == PilotNamed(first="Amelia", last="Earhart", callsign="")
    assert msgspec.msgpack.decode(v1_bytes) == {"name": "Amelia Earhart"}
    assert PilotNamed.schema_version == 3


def test_a_missing_upcaster_or_unknown_type_is_a_clear_error() -> None:
    events = EventRegistry()

    @events.event("Thing", version=2)
    class Thing(DomainEvent, frozen=True, kw_only=True):
        x: int

    codec = EventCodec(events)
    with pytest.raises(UnknownEventType, match="no upcaster"):
        codec.decode("Thing", 1, msgspec.msgpack.encode({"x": 1}))
    with pytest.raises(UnknownEventType):
        codec.decode("Nope", 1, b"")


def test_registering_two_classes_under_one_name_is_refused() -> None:
    events = EventRegistry()

    @events.event("Twice")
    class One(DomainEvent, frozen=True, kw_only=True):
        event_type_marker: ClassVar[int] = 1

    with pytest.raises(ValueError, match="registered twice"):

        @events.event("Twice")
        class Two(DomainEvent, frozen=True, kw_only=True):
            pass
