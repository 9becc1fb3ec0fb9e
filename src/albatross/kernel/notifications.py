"""After projections have applied events, tell subscribers what changed (at most once).

Each context declares, per event type, who may hear of it and which of its fields they may see
(`feed.view(...)`): an event type without a view is never announced, and a field not named is
never sent, so password hashes, key digests, encrypted personal data and free-text reasons stay
out of every envelope by default. Clients that miss envelopes resume from the log by position
(the same views apply there), so losing one costs latency, not correctness.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import msgspec

from albatross.kernel.events import EventCodec
from albatross.kernel.ports import Notifier
from albatross.kernel.store import StoredEvent

log = logging.getLogger("albatross.notifications")

Audience = Literal["tenant", "staff", "user"]
"""`tenant`: the event's airline (and, for a person's stream, that person); `staff`: the
airline's staff (`tenant-staff:<id>`) and that person; `user`: only the person whose stream it
is. Platform admins hear everything that is announced."""


@dataclass(frozen=True)
class View:
    audience: Audience
    fields: tuple[str, ...]


class FeedViews:
    def __init__(self) -> None:
        self._views: dict[str, View] = {}

    def view(self, event_type: str, audience: Audience, fields: Sequence[str] = ()) -> None:
        self._views[event_type] = View(audience, tuple(fields))

    def get(self, event_type: str) -> View | None:
        return self._views.get(event_type)


feed = FeedViews()


class Meta(msgspec.Struct, frozen=True):
    """Where the event belongs. Who did it is the audit trail's (staff only), not the feed's."""

    stream_id: str
    tenant_id: str | None


class Envelope(msgspec.Struct, frozen=True):
    position: int
    event_type: str
    ts: str
    """When it was recorded: ISO 8601, UTC."""
    data: dict[str, Any]
    meta: Meta
    channels: list[str]
    """Every channel it is published on (a subscriber learns which of its own it came by)."""


PERSONAL_STREAM_TYPES = frozenset({"user", "bids", "career"})
"""Streams whose id is a person's id (`user-<id>`, `bids-<id>`, `career-<id>`): their events reach that person."""


def channels_for(event: StoredEvent, audience: Audience) -> list[str]:
    """`platform` (platform admins), `tenant:<id>` (that airline), `user:<id>` (that person)."""
    person = event.stream_id.split("-", 1)[1] if event.stream_type in PERSONAL_STREAM_TYPES else None
    channels = ["platform"]
    if audience == "tenant" and event.tenant_id:
        channels.append(f"tenant:{event.tenant_id}")
    if audience == "staff" and event.tenant_id:
        channels.append(f"tenant-staff:{event.tenant_id}")
    if person is not None:
        channels.append(f"user:{person}")
    return channels


def _timestamp(recorded_at_us: int) -> str:
    return datetime.fromtimestamp(recorded_at_us / 1_000_000, tz=UTC).isoformat().replace("+00:00", "Z")


class EventPublisher:
    def __init__(self, notifier: Notifier, codec: EventCodec, views: FeedViews = feed) -> None:
        self.notifier = notifier
        self.codec = codec
        self.views = views
        self._encoder = msgspec.json.Encoder()

    def envelope(self, stored: StoredEvent, wanted: set[str] | None = None) -> Envelope | None:
        """What subscribers may see of `stored`, or None when it is not for them at all (or, with
        `wanted`, for none of those channels: then nothing is decoded)."""
        view = self.views.get(stored.event_type)
        if view is None:
            return None
        channels = channels_for(stored, view.audience)
        if wanted is not None and wanted.isdisjoint(channels):
            return None
        data: dict[str, Any] = {}
        if view.fields:
            event = self.codec.decode(stored.event_type, stored.schema_version, stored.payload)
            data = {name: getattr(event, name) for name in view.fields}
        return Envelope(
            stored.position,
            stored.event_type,
            _timestamp(stored.recorded_at),
            data,
            Meta(stored.stream_id, stored.tenant_id),
            channels,
        )

    def publish(self, events: Sequence[StoredEvent]) -> None:
        for stored in events:
            try:
                envelope = self.envelope(stored)
                if envelope is not None:
                    self.notifier.publish(self._encoder.encode(envelope), envelope.channels)
            except Exception as exc:  # at most once: a notifier that is down must not stop projections
                log.debug("notification for position %s dropped: %s", stored.position, exc)


class Announcements:
    """A projection of nothing: its checkpoint tracks what was announced, so that in production
    the announcements are a unit of work of their own (one worker at a time publishes them)."""

    name = "notifications"
    tables: tuple[()] = ()
    event_types: frozenset[str] = frozenset()

    async def handle(self, tx: object, events: Sequence[tuple[StoredEvent, object]]) -> None:
        return None
