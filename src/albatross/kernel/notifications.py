"""After projections have applied events, tell subscribers what changed (at most once).

An envelope names the change, never its data: what a subscriber may read of it is for the
query side (and for the live-update feed, later) to decide. Clients that miss envelopes catch
up from the log, so losing one costs latency, not correctness.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import msgspec

from albatross.kernel.ports import Notifier
from albatross.kernel.store import StoredEvent

log = logging.getLogger("albatross.notifications")

# Streams whose ids are themselves sensitive (token digests, claimed values) are never announced.
PRIVATE_STREAM_TYPES = frozenset({"session", "unique"})


class Envelope(msgspec.Struct, frozen=True):
    position: int
    type: str
    stream_id: str
    tenant_id: str | None
    actor_id: str | None
    recorded_at: int


def channels_for(event: StoredEvent) -> list[str]:
    """`platform` (platform admins), `tenant:<id>` (that airline), `user:<id>` (that person)."""
    channels = ["platform"]
    if event.tenant_id:
        channels.append(f"tenant:{event.tenant_id}")
    if event.stream_type == "user":
        channels.append(f"user:{event.stream_id.removeprefix('user-')}")
    return channels


class EventPublisher:
    def __init__(self, notifier: Notifier) -> None:
        self.notifier = notifier
        self._encoder = msgspec.json.Encoder()

    def publish(self, events: Sequence[StoredEvent]) -> None:
        for e in events:
            if e.stream_type in PRIVATE_STREAM_TYPES:
                continue
            envelope = Envelope(e.position, e.event_type, e.stream_id, e.tenant_id, e.actor_id, e.recorded_at)
            try:
                self.notifier.publish(self._encoder.encode(envelope), channels_for(e))
            except Exception as exc:  # at most once: a notifier that is down must not stop projections
                log.debug("notification for position %s dropped: %s", e.position, exc)


class Announcements:
    """A projection of nothing: its checkpoint tracks what was announced, so that in production
    the announcements are a unit of work of their own (one worker at a time publishes them)."""

    name = "notifications"
    tables: tuple[()] = ()
    event_types: frozenset[str] = frozenset()

    async def handle(self, tx: object, events: Sequence[tuple[StoredEvent, object]]) -> None:
        return None
