"""Auth, the current user and airlines (tenants)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter

from albatross.identity import auth, commands, queries, users
from albatross.identity.policy import Principal
from albatross.identity.queries import HistoryEntry, TenantPage, TenantView, iso
from albatross.kernel import Context
from albatross.services import Services
from albatross.web.common import NO_CONTENT, Changed, Created, Strict, no_content
from albatross.web.deps import ALLOW_ONE_TIME_PASSWORD, client_address, wait_for_position
from albatross.web.problems import responses

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(max_length=100)]
    password: Annotated[str, msgspec.Meta(max_length=1024)]


class LoginResponse(msgspec.Struct, frozen=True):
    token: str
    token_type: str
    expires_at: datetime
    must_change_password: bool
    position: int


class ChangePasswordRequest(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Annotated[str, msgspec.Meta(max_length=1024)]
    new_password: Annotated[str, msgspec.Meta(max_length=1024)]


class Me(msgspec.Struct, frozen=True):
    id: str
    username: str
    role: str
    tenant_id: str | None
    must_change_password: bool


class CreateTenantRequest(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    icao: Annotated[str, msgspec.Meta(pattern="^[A-Za-z]{3}$", description="Three-letter airline code")]


class UpdateTenantRequest(msgspec.Struct, forbid_unknown_fields=True):
    name: Name | None = None
    applications_open: bool | None = None


class ApplicationRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(max_length=100)]
    email: Annotated[str, msgspec.Meta(max_length=254)]
    password: Annotated[str, msgspec.Meta(max_length=1024)]
    name: Annotated[str, msgspec.Meta(max_length=100)]


class Application(msgspec.Struct, frozen=True):
    id: str
    state: str
    position: int


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post("/login", status_code=200, responses=responses(400, 401, 409, 413, 429), security=[])
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[LoginRequest, Strict],
        services: NamedDependency[Services],
    ) -> LoginResponse:
        """Exchange a username and password for a bearer token. After 10 failures for one account
        (or 50 from one address) in 15 minutes: 429 with Retry-After."""
        result = await auth.handle_login(
            services.identity, data.username, data.password, client_address(request)
        )
        return LoginResponse(
            result.token, "Bearer", iso(result.expires_at), result.must_change_password, result.position
        )

    @post(
        "/password",
        status_code=204,
        responses={**NO_CONTENT, **responses(400, 401, 403, 409, 413)},
        opt={ALLOW_ONE_TIME_PASSWORD: True},
    )
    async def change_password(
        self,
        data: Annotated[ChangePasswordRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Response[None]:
        """Change your own password; every other session of yours ends."""
        result = await auth.handle_change_password(
            services.identity, context, principal, data.current_password, data.new_password
        )
        return no_content(result.position)

    @post(
        "/logout",
        status_code=204,
        responses={**NO_CONTENT, **responses(401, 409)},
        opt={ALLOW_ONE_TIME_PASSWORD: True},
    )
    async def logout(
        self,
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Response[None]:
        """End this token's session at once."""
        result = await auth.handle_logout(services.identity, context, principal)
        return no_content(result.position)


@get("/api/v1/me", tags=["auth"], responses=responses(401), opt={ALLOW_ONE_TIME_PASSWORD: True})
async def me(principal: NamedDependency[Principal]) -> Me:
    """Who the token belongs to."""
    return Me(
        principal.user_id,
        principal.username,
        principal.role,
        principal.tenant_id,
        principal.must_change_password,
    )


class TenantController(Controller):
    path = "/api/v1/tenants"
    tags = ["tenants"]
    dependencies = {"consistent": Provide(wait_for_position)}

    @post("/", status_code=201, responses=responses(400, 401, 403, 409, 413))
    async def create(
        self,
        data: Annotated[CreateTenantRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Created:
        """Create an airline (platform admins). The ICAO code is unique across the platform."""
        result = await commands.handle_create_tenant(
            services.identity, context, principal, data.name, data.icao
        )
        return Created(result.value, result.position)

    @get("/", responses=responses(400, 401, 403, 503))
    async def list(
        self,
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> TenantPage:
        """Airlines you may see, by name, a page at a time."""
        return await queries.list_tenants(services.reader, principal, limit=limit, offset=offset)

    @get("/{tenant_id:str}", responses=responses(400, 401, 403, 404, 503))
    async def read(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> TenantView:
        return await queries.get_tenant(services.reader, principal, tenant_id)

    @patch("/{tenant_id:str}", responses=responses(400, 401, 403, 404, 409, 413))
    async def update(
        self,
        tenant_id: FromPath[str],
        data: Annotated[UpdateTenantRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Changed:
        """Rename the airline and/or open or close it to pilot applications."""
        result = await commands.handle_update_tenant(
            services.identity,
            context,
            principal,
            tenant_id,
            name=data.name,
            applications_open=data.applications_open,
        )
        return Changed(result.position)

    @post(
        "/{tenant_id:str}/applications",
        status_code=201,
        responses=responses(400, 403, 404, 409, 413, 429),
        security=[],
    )
    async def apply(
        self,
        request: Request[Any, Any, Any],
        tenant_id: FromPath[str],
        data: Annotated[ApplicationRequest, Strict],
        services: NamedDependency[Services],
    ) -> Application:
        """Apply to fly for this airline (no account needed; limited per address). The account
        waits as `pending` until the airline's staff approve or reject it."""
        new = users.NewUser(username=data.username, email=data.email, password=data.password, name=data.name)
        result = await users.handle_apply(services.identity, tenant_id, new, client_address(request))
        return Application(result.value, "pending", result.position)

    @get("/{tenant_id:str}/history", responses=responses(401, 403, 404))
    async def history(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
    ) -> list[HistoryEntry]:
        """Every event of the airline's stream, oldest first, straight from the log."""
        return await queries.tenant_history(services.store, services.codec, principal, tenant_id)
