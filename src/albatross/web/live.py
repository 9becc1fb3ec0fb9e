"""The live feed: `GET /api/v1/ws` (WebSocket) over Litestar's channels.

Protocol (README, "Live updates"):
  server -> {"type":"welcome","user_id","channels","position"}
  server -> {"type":"event","channel","position","payload":{"event_type","ts","data","meta"}}
  server -> {"type":"heartbeat","position","ts"}           every ALBATROSS_WS_HEARTBEAT_SECONDS
  client -> {"type":"subscribe","channels":[...]}  server -> {"type":"ack","accepted","rejected"}
  client -> {"type":"ping","id"}                    server -> {"type":"pong","id"}
  server -> {"type":"error","code","detail"}        (then a close, for auth and rate limits)

Gap-free resume: the connection registers with the process's hub (web/live_hub.py) first, so
what the hub reads from the log from then on queues up for it; then it replays the log after
`since` up to where the hub was, then sends what queued, skipping positions already sent. The
hub reads the log in order, so frames go out in order, without a gap or a duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, post, websocket
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
from albatross.web.browser_session import browser_credential
from albatross.web.deps import credential
from albatross.web.live_hub import LiveHub
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
        hub: LiveHub,
        publisher: EventPublisher,
        principal: Principal,
        credential: Credential,
    ) -> None:
        self.socket = socket
        self.services = services
        self.hub = hub
        self.publisher = publisher
        self.principal = principal
        self.credential = credential
        self.channels: list[str] = feed_channels(principal)
        self.last_sent = 0
        self._send_lock = asyncio.Lock()
        self._encoder = msgspec.json.Encoder()

    async def send(self, frame: dict[str, Any]) -> None:
        async with self._send_lock:
            await self.socket.send_data(self._encoder.encode(frame).decode(), mode="text")

    # -- outbound ------------------------------------------------------------------------------

    async def stream(self, since: int | None) -> None:
        """Replay from the log after `since` (None: from now) up to where the hub is, then what
        the hub hands on, in log order: no gap, no duplicate."""
        listener, hub_position = self.hub.listen()
        try:
            if since is not None and hub_position - since > REPLAY_LIMIT:
                raise Closing(
                    CLOSE_POLICY, "resume-too-far", f"More than {REPLAY_LIMIT} events to resume; reload."
                )
            # Without since: from now (what the hub still has to hand on up to now is skipped).
            self.last_sent = await self.services.store.last_position() if since is None else since
            await self.send(
                {
                    "type": "welcome",
                    "user_id": self.principal.user_id,
                    "channels": self.channels,
                    "position": self.last_sent,
                }
            )
            while self.last_sent < hub_position:
                batch = await self.services.store.read_all(
                    self.last_sent, min(REPLAY_BATCH, hub_position - self.last_sent)
                )
                if not batch:
                    break
                wanted = set(self.channels)
                for stored in batch:
                    envelope = self.publisher.envelope(stored, wanted)  # decoded only if wanted
                    if envelope is not None:
                        await self._deliver(envelope)
                    self.last_sent = stored.position
            while True:
                if listener.overflowed:
                    raise Closing(CLOSE_POLICY, "too-slow", "Too far behind; reconnect with since.")
                for envelope in await listener.next_batch():
                    if envelope.position <= self.last_sent:
                        continue
                    if not set(self.channels).isdisjoint(envelope.channels):
                        await self._deliver(envelope)
                    self.last_sent = envelope.position
        finally:
            self.hub.leave(listener)

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
        except Exception as exc:
            if not self.services.is_outage(exc):
                raise
            # The cache or the log is away: nothing can be revoked meanwhile either (that takes
            # both), so the connection stays; the next check decides.
            log.warning("live feed could not check its caller (%s)", type(exc).__name__)
            return
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
            # From the next event on (a subscription is about what comes, not what was).
            self.channels = self.channels + [c for c in accepted if c not in self.channels]
            await self.send({"type": "ack", "accepted": accepted, "rejected": rejected})

    async def error(self, code: str, detail: str) -> None:
        await self.send({"type": "error", "code": code, "detail": detail})


async def _authenticate(
    socket: WebSocket[Any, Any, Any], services: Services, ticket: str | None
) -> tuple[Principal, Credential]:
    if ticket:
        return await redeem_ticket(services.identity, ticket)
    token = browser_credential(socket)  # our pages' session cookie counts here, not on /api routes
    found = credential_of(token)
    return await authenticate_credential(services.identity, found), found


@websocket("/api/v1/ws", tags=["live"])
async def live(
    socket: WebSocket[Any, Any, Any],
    services: NamedDependency[Services],
    live_hub: NamedDependency[LiveHub],
    since: Annotated[int | None, QueryParameter(ge=0, le=2**63 - 1)] = None,
    ticket: Annotated[str | None, QueryParameter(max_length=200)] = None,
) -> None:
    """Live changes the caller may see. Authenticate with `Authorization: Bearer <token or API
    key>`, `X-API-Key`, `?ticket=` from POST /api/v1/ws/tickets, or (from our own pages) the session cookie. `?since=<position>` first
    replays what was missed after that position."""
    await socket.accept()
    publisher = services.publisher
    assert publisher is not None
    services.metrics.websocket_opened()
    tasks: list[asyncio.Task[None]] = []
    try:
        try:
            principal, found = await _authenticate(socket, services, ticket)
        except NotAuthenticated as exc:
            raise Closing(CLOSE_NOT_AUTHENTICATED, "not-authenticated", exc.detail) from None
        if principal.must_change_password:
            raise Closing(CLOSE_FORBIDDEN, "password-change-required", "Change your one-time password first.")
        connection = Connection(socket, services, live_hub, publisher, principal, found)
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
