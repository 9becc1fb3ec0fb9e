"""The live feed: `GET /api/v1/ws` (WebSocket) over Litestar's channels.

Protocol (README, "Live updates"):
  server -> {"type":"welcome","user_id","channels","position"}
  server -> {"type":"event","channel","position","payload":{"event_type","ts","data","meta"}}
  server -> {"type":"heartbeat","position","ts"}           every ALBATROSS_WS_HEARTBEAT_SECONDS
  client -> {"type":"subscribe","channels":[...]}  server -> {"type":"ack","accepted","rejected"}
  client -> {"type":"ping","id"}                    server -> {"type":"pong","id"}
  server -> {"type":"error","code","detail"}        (then a close, for auth and rate limits)

Gap-free resume: one algorithm serves `?since=`, the first connect and every change of
channels. Subscribe to the channels first (live envelopes start to queue), then read the log
after `since` up to its head and send what the caller may see, then send the queued and later
envelopes, skipping every position already sent. Envelopes are published in log order, so the
frames go out in order, without a gap or a duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, post, websocket
from litestar.channels import ChannelsPlugin
from litestar.channels.subscriber import Subscriber
from litestar.connection import WebSocket
from litestar.di import NamedDependency
from litestar.exceptions import WebSocketDisconnect
from litestar.params import QueryParameter

from albatross.identity.auth import (
    TICKET_SECONDS,
    Credential,
    authenticate_credential,
    credential_of,
    issue_ticket,
    redeem_ticket,
)
from albatross.identity.policy import Principal, feed_channels, may_hear
from albatross.kernel import DomainError, NotAuthenticated
from albatross.kernel.notifications import Envelope, EventPublisher
from albatross.services import Services
from albatross.web.deps import credential
from albatross.web.problems import responses

log = logging.getLogger("albatross.live")

MAX_MESSAGE_BYTES = 4096
RATE_WINDOW_SECONDS = 10.0
RATE_LIMIT = 30
"""Inbound messages per window; one more gets an error frame and the connection closes."""
REPLAY_BATCH = 500
REPLAY_LIMIT = 100_000
"""A resume that would read more of the log than this is refused: load the state from the API."""

CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_POLICY = 1008
# Events after which the caller is checked again at once (suspension, revocation, erasure...).
RECHECK_AFTER = frozenset(
    {"ApiKeyRevoked", "UserStateChanged", "UserRoleChanged", "UserErased", "PasswordSet"}
)


class Subscribe(msgspec.Struct, tag="subscribe", tag_field="type", forbid_unknown_fields=True):
    channels: Annotated[list[Annotated[str, msgspec.Meta(max_length=100)]], msgspec.Meta(max_length=50)]


class Ping(msgspec.Struct, tag="ping", tag_field="type", forbid_unknown_fields=True):
    id: Annotated[str, msgspec.Meta(max_length=100)] | int = 0


Inbound = Subscribe | Ping


class Ticket(msgspec.Struct, frozen=True):
    ticket: str
    expires_in: int


class Closing(Exception):
    def __init__(self, code: int, error: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.error, self.detail = code, error, detail


class Connection:
    """One client: an outbound stream task, a heartbeat task, and the inbound loop."""

    def __init__(
        self,
        socket: WebSocket[Any, Any, Any],
        services: Services,
        channels: ChannelsPlugin,
        publisher: EventPublisher,
        principal: Principal,
        credential: Credential,
    ) -> None:
        self.socket = socket
        self.services = services
        self.plugin = channels
        self.publisher = publisher
        self.principal = principal
        self.credential = credential
        self.channels: list[str] = feed_channels(principal)
        self.last_sent = 0
        self._send_lock = asyncio.Lock()
        self._resubscribe = asyncio.Event()
        self._encoder = msgspec.json.Encoder()
        self._closed = asyncio.Event()
        self._close_with: Closing | None = None

    async def send(self, frame: dict[str, Any]) -> None:
        async with self._send_lock:
            await self.socket.send_data(self._encoder.encode(frame).decode(), mode="text")

    # -- outbound ------------------------------------------------------------------------------

    async def stream(self, since: int | None) -> None:
        """Replay from the log after `since` (None: from now), then go live; again from the last
        position sent whenever the channels change."""
        head = await self.services.store.last_position()
        if since is not None and head - since > REPLAY_LIMIT:
            raise Closing(
                CLOSE_POLICY, "resume-too-far", f"More than {REPLAY_LIMIT} events to resume; reload."
            )
        self.last_sent = head if since is None else min(since, head)
        await self.send(
            {
                "type": "welcome",
                "user_id": self.principal.user_id,
                "channels": self.channels,
                "position": self.last_sent,
            }
        )
        while True:
            self._resubscribe.clear()
            subscriber = await self.plugin.subscribe(self.channels)
            try:
                await self._replay(await self.services.store.last_position())
                await self._live(subscriber)
            finally:
                await self.plugin.unsubscribe(subscriber)

    async def _replay(self, head: int) -> None:
        wanted = set(self.channels)
        while self.last_sent < head:
            batch = await self.services.store.read_all(
                self.last_sent, min(REPLAY_BATCH, head - self.last_sent)
            )
            if not batch:
                return
            for stored in batch:
                envelope = self.publisher.envelope(stored)
                if envelope is not None and wanted.intersection(envelope.channels):
                    await self._deliver(envelope)
                self.last_sent = stored.position

    async def _live(self, subscriber: Subscriber) -> None:
        events = subscriber.iter_events()
        while not self._resubscribe.is_set():
            next_event = asyncio.ensure_future(anext(events))
            # Retrieved even when nobody awaits it any more (the connection ended meanwhile).
            next_event.add_done_callback(lambda f: f.cancelled() or f.exception())
            changed = asyncio.ensure_future(self._resubscribe.wait())
            done, _ = await asyncio.wait({next_event, changed}, return_when=asyncio.FIRST_COMPLETED)
            changed.cancel()
            if next_event not in done:
                next_event.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                    await next_event
                return  # the channels changed: replay what the new ones missed, then live again
            try:
                raw = next_event.result()
            except StopAsyncIteration:
                return
            envelope = msgspec.json.decode(raw, type=Envelope)
            if envelope.position <= self.last_sent:
                continue  # replayed already, or the same envelope on a second channel
            await self._deliver(envelope)
            self.last_sent = envelope.position

    async def _deliver(self, envelope: Envelope) -> None:
        channel = next(c for c in self.channels if c in envelope.channels)
        await self.send(
            {
                "type": "event",
                "channel": channel,
                "position": envelope.position,
                "payload": {
                    "event_type": envelope.event_type,
                    "ts": envelope.ts,
                    "data": envelope.data,
                    "meta": envelope.meta,
                },
            }
        )
        if (
            envelope.event_type in RECHECK_AFTER
            and envelope.meta.stream_id == f"user-{self.principal.user_id}"
        ):
            await self.recheck()

    async def recheck(self) -> None:
        """The caller again, from the credential: suspended, revoked or logged out ends it here."""
        try:
            principal = await authenticate_credential(self.services.identity, self.credential)
        except NotAuthenticated as exc:
            raise Closing(CLOSE_NOT_AUTHENTICATED, "not-authenticated", exc.detail) from None
        if not all(may_hear(principal, c) for c in self.channels):
            raise Closing(CLOSE_FORBIDDEN, "forbidden", "Your access changed; connect again.")
        self.principal = principal

    async def heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.services.settings.ws_heartbeat_seconds)
            await self.recheck()
            await self.send({"type": "heartbeat", "position": self.last_sent, "ts": time.time()})

    # -- inbound -------------------------------------------------------------------------------

    async def receive(self) -> None:
        window_started, count = time.monotonic(), 0
        decoder = msgspec.json.Decoder(Inbound)
        while True:
            message = await self.socket.receive_data(mode="text")
            now = time.monotonic()
            if now - window_started > RATE_WINDOW_SECONDS:
                window_started, count = now, 0
            count += 1
            if count > RATE_LIMIT:
                raise Closing(
                    CLOSE_POLICY,
                    "rate-limited",
                    f"More than {RATE_LIMIT} messages in {RATE_WINDOW_SECONDS:.0f} s.",
                )
            if len(message) > MAX_MESSAGE_BYTES:
                await self.error("invalid-message", f"Messages are at most {MAX_MESSAGE_BYTES} bytes.")
                continue
            try:
                inbound = decoder.decode(message)
            except msgspec.DecodeError as exc:
                await self.error("invalid-message", f"{exc}; send a subscribe or ping message.")
                continue
            if isinstance(inbound, Ping):
                await self.send({"type": "pong", "id": inbound.id})
                continue
            accepted = [c for c in dict.fromkeys(inbound.channels) if may_hear(self.principal, c)]
            rejected = [c for c in dict.fromkeys(inbound.channels) if c not in accepted]
            fresh = [c for c in accepted if c not in self.channels]
            if fresh:
                self.channels = self.channels + fresh
                self._resubscribe.set()
            await self.send({"type": "ack", "accepted": accepted, "rejected": rejected})

    async def error(self, code: str, detail: str) -> None:
        await self.send({"type": "error", "code": code, "detail": detail})


async def _authenticate(
    socket: WebSocket[Any, Any, Any], services: Services, ticket: str | None
) -> tuple[Principal, Credential]:
    if ticket:
        return await redeem_ticket(services.identity, ticket)
    token = credential(socket)
    found = credential_of(token)
    return await authenticate_credential(services.identity, found), found


@websocket("/api/v1/ws", tags=["live"])
async def live(
    socket: WebSocket[Any, Any, Any],
    services: NamedDependency[Services],
    since: Annotated[int | None, QueryParameter(ge=0, le=2**63 - 1)] = None,
    ticket: Annotated[str | None, QueryParameter(max_length=200)] = None,
) -> None:
    """Live changes the caller may see. Authenticate with `Authorization: Bearer <token or API
    key>`, `X-API-Key`, or `?ticket=` from POST /api/v1/ws/tickets. `?since=<position>` first
    replays what was missed after that position."""
    await socket.accept()
    channels, publisher = services.notifier, services.publisher
    assert isinstance(channels, ChannelsPlugin) and publisher is not None
    services.metrics.websocket_opened()
    tasks: list[asyncio.Task[None]] = []
    try:
        try:
            principal, found = await _authenticate(socket, services, ticket)
        except NotAuthenticated as exc:
            raise Closing(CLOSE_NOT_AUTHENTICATED, "not-authenticated", exc.detail) from None
        if principal.must_change_password:
            raise Closing(CLOSE_FORBIDDEN, "password-change-required", "Change your one-time password first.")
        connection = Connection(socket, services, channels, publisher, principal, found)
        tasks = [
            asyncio.create_task(connection.stream(since)),
            asyncio.create_task(connection.heartbeat()),
            asyncio.create_task(connection.receive()),
        ]
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            task.result()  # re-raises Closing, a disconnect, or an outage
    except Closing as closing:
        with contextlib.suppress(Exception):
            await socket.send_data(
                msgspec.json.encode(
                    {"type": "error", "code": closing.error, "detail": closing.detail}
                ).decode()
            )
            await socket.close(code=closing.code, reason=closing.error)
    except WebSocketDisconnect:
        pass
    except (DomainError, *services.outage_errors) as exc:  # a server away: the client reconnects later
        log.warning("live feed closed: %s", type(exc).__name__)
        with contextlib.suppress(Exception):
            await socket.close(code=1011, reason="unavailable")
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        services.metrics.websocket_closed()


@post("/api/v1/ws/tickets", tags=["live"], status_code=201, responses=responses(401, 403))
async def create_ticket(
    request: Request[Any, Any, Any],
    principal: NamedDependency[Principal],
    services: NamedDependency[Services],
) -> Response[Ticket]:
    """A single-use ticket for `GET /api/v1/ws?ticket=...`, valid 30 seconds: for clients (browsers)
    that cannot set headers on a WebSocket. The long-lived token never goes in a URL."""
    ticket = await issue_ticket(services.identity, credential_of(credential(request)))
    return Response(Ticket(ticket, TICKET_SECONDS), status_code=201, headers={"Cache-Control": "no-store"})
