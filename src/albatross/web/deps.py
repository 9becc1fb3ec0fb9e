"""Request-scoped dependencies: the services, the caller, the command context."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from albatross.identity.api_keys import record_key_use
from albatross.identity.auth import authenticate
from albatross.identity.policy import Principal
from albatross.kernel import Context, Forbidden, InvalidInput, NotAuthenticated
from albatross.services import Services

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# Handlers marked with this opt still answer while the caller holds a one-time password.
ALLOW_ONE_TIME_PASSWORD = "allow_one_time_password"  # noqa: S105


def client_address(request: Request[Any, Any, Any]) -> str:
    """The peer's address, for per-address limits only (never logged)."""
    return request.client.host if request.client else ""


def credential(request: ASGIConnection[Any, Any, Any, Any]) -> str:
    """A login token or API key from `Authorization: Bearer`, or an API key from `X-API-Key`
    (the header existing flight-tracking clients send)."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    api_key = request.headers.get("x-api-key", "").strip()
    if api_key:
        return api_key
    raise NotAuthenticated(
        "Send the token from POST /api/v1/auth/login as 'Authorization: Bearer <token>', or an API key."
    )


async def provide_principal(
    request: Request[Any, Any, Any], services: NamedDependency[Services]
) -> Principal:
    principal = await authenticate(services.identity, credential(request))
    await record_key_use(services.identity, principal)
    if principal.must_change_password and not request.route_handler.opt.get(ALLOW_ONE_TIME_PASSWORD):
        raise Forbidden(
            "Your password is a one-time password: change it with POST /api/v1/auth/password first.",
            code="password-change-required",
        )
    return principal


def provide_context(request: Request[Any, Any, Any], principal: NamedDependency[Principal]) -> Context:
    """The command context; X-Request-ID (when well-formed) becomes the correlation id."""
    request_id = request.headers.get("x-request-id", "")
    correlation_id = request_id if _REQUEST_ID.match(request_id) else uuid.uuid4().hex
    return Context(actor_id=principal.user_id, correlation_id=correlation_id)


async def wait_for_position(
    services: NamedDependency[Services],
    min_position: Annotated[
        int,
        QueryParameter(
            ge=0,
            le=2**63 - 1,
            description="Wait (bounded) until read models include this log position; 503 if they do not in time, "
            "400 if the log has not reached it.",
        ),
    ] = 0,
) -> int:
    if min_position:
        # A position the log has not reached could only time out: that is the caller's mistake, not ours.
        head = await services.store.last_position()
        if min_position > head:
            raise InvalidInput(
                f"The log has not reached position {min_position} (it is at {head}).",
                fields={"min_position": f"at most {head}"},
            )
        await services.runner.wait_for(min_position, services.settings.read_wait_seconds)
    return min_position
