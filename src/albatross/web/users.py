"""Users, their state, their API keys, and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter

from albatross.identity import api_keys, queries, users
from albatross.identity.domain import Role
from albatross.identity.policy import Principal
from albatross.identity.queries import AuditPage, UserPage, UserView, iso
from albatross.kernel import Context, LogQuery
from albatross.services import Services
from albatross.web.common import NO_CONTENT, Changed, Created, Strict, no_content
from albatross.web.deps import wait_for_position
from albatross.web.problems import responses


class CreateUserRequest(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(max_length=100)]
    email: Annotated[str, msgspec.Meta(max_length=254)]
    password: Annotated[str, msgspec.Meta(max_length=1024)]
    name: Annotated[str, msgspec.Meta(max_length=100)]
    role: Role = "pilot"
    tenant_id: Annotated[str, msgspec.Meta(max_length=36)] | None = None


class UpdateUserRequest(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    email: Annotated[str, msgspec.Meta(max_length=254)] | None = None
    role: Role | None = None


class ReasonRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(max_length=500)] = ""


class NewKeyRequest(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class StateChanged(msgspec.Struct, frozen=True):
    state: str
    position: int


class IssuedKey(msgspec.Struct, frozen=True):
    id: str
    name: str
    key: str
    """The key itself: shown this once, never again."""
    created_at: datetime
    position: int


class KeyView(msgspec.Struct, frozen=True):
    id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _at(us: int | None) -> datetime | None:
    return iso(us) if us is not None else None


StateAction = Literal["approve", "reject", "suspend", "reactivate", "leave"]


class UserController(Controller):
    path = "/api/v1/users"
    tags = ["users"]
    dependencies = {"consistent": Provide(wait_for_position)}

    @post("/", status_code=201, responses=responses(400, 401, 403, 404, 409, 413))
    async def create(
        self,
        data: Annotated[CreateUserRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Created:
        """Create an account (platform admins: anyone; airline admins: pilots and admins of their
        airline). The password is one-time: the user changes it at first login."""
        new = users.NewUser(**msgspec.structs.asdict(data))
        result = await users.handle_create_user(services.identity, context, principal, new)
        return Created(result.value, result.position)

    @get("/", responses=responses(400, 401, 403, 404, 503))
    async def list(
        self,
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
        tenant_id: Annotated[str | None, QueryParameter(max_length=36)] = None,
        in_state: Annotated[str | None, QueryParameter(name="state", max_length=20)] = None,
        role: Annotated[str | None, QueryParameter(max_length=20)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> UserPage:
        """Users by username. Platform admins see everyone (or one airline); others their airline."""
        return await queries.list_users(
            services.reader,
            principal,
            tenant_id=tenant_id,
            state=in_state,
            role=role,
            limit=limit,
            offset=offset,
        )

    @get("/{user_id:str}", responses=responses(400, 401, 403, 404, 503))
    async def read(
        self,
        user_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> UserView:
        return await queries.get_user(services.reader, principal, user_id)

    @patch("/{user_id:str}", responses=responses(400, 401, 403, 404, 409, 413))
    async def update(
        self,
        user_id: FromPath[str],
        data: Annotated[UpdateUserRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Changed:
        """Change name or email (the user or staff), or role (staff; never to platform_admin)."""
        changes = users.UserChanges(name=data.name, email=data.email, role=data.role)
        result = await users.handle_update_user(services.identity, context, principal, user_id, changes)
        return Changed(result.position)

    @delete("/{user_id:str}", status_code=204, responses={**NO_CONTENT, **responses(401, 403, 404, 409)})
    async def erase(
        self,
        user_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Response[None]:
        """Erase a person: their email and name become unreadable everywhere (crypto-shredding)."""
        result = await users.handle_erase_user(services.identity, context, principal, user_id)
        return no_content(result.position)

    @post("/{user_id:str}/{action:str}", status_code=200, responses=responses(400, 401, 403, 404, 409, 413))
    async def change_state(
        self,
        user_id: FromPath[str],
        action: FromPath[StateAction],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
        data: Annotated[ReasonRequest | None, Strict] = None,
    ) -> StateChanged:
        """approve or reject an application; suspend, reactivate, or leave (on leave). A suspended
        user's tokens and keys stop working on their next request."""
        reason = data.reason if data else ""
        result = await users.handle_change_state(
            services.identity, context, principal, user_id, action, reason
        )
        return StateChanged(result.value, result.position)

    @post("/{user_id:str}/api-keys", status_code=201, responses=responses(400, 401, 403, 404, 409, 413))
    async def issue_key(
        self,
        user_id: FromPath[str],
        data: Annotated[NewKeyRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> IssuedKey:
        """A new API key, shown once (`alb_` + 256 random bits); only its SHA-256 is kept."""
        result = await api_keys.handle_issue_api_key(
            services.identity, context, principal, user_id, data.name
        )
        k = result.value
        return IssuedKey(k.id, k.name, k.key, iso(k.created_at), result.position)

    @get("/{user_id:str}/api-keys", responses=responses(401, 403, 404))
    async def list_keys(
        self,
        user_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
    ) -> list[KeyView]:
        keys = await api_keys.list_api_keys(services.identity, principal, user_id)
        return [
            KeyView(k.id, k.name, k.prefix, iso(k.created_at), _at(k.last_used_at), _at(k.revoked_at))
            for k in keys
        ]

    @delete(
        "/{user_id:str}/api-keys/{key_id:str}",
        status_code=204,
        responses={**NO_CONTENT, **responses(401, 403, 404, 409)},
    )
    async def revoke_key(
        self,
        user_id: FromPath[str],
        key_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Response[None]:
        """Revoke a key: it answers 401 from the very next request."""
        result = await api_keys.handle_revoke_api_key(services.identity, context, principal, user_id, key_id)
        return no_content(result.position)


@get("/api/v1/audit", tags=["audit"], responses=responses(400, 401, 403, 404))
async def audit(
    principal: NamedDependency[Principal],
    services: NamedDependency[Services],
    tenant_id: Annotated[str | None, QueryParameter(max_length=36)] = None,
    event_type: Annotated[str | None, QueryParameter(max_length=100)] = None,
    actor_id: Annotated[str | None, QueryParameter(max_length=36)] = None,
    stream_id: Annotated[str | None, QueryParameter(max_length=200)] = None,
    before_position: Annotated[int | None, QueryParameter(ge=1, le=2**63 - 1)] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
) -> AuditPage:
    """Who did what, newest first: platform admins everything (or one airline), airline admins their airline."""
    q = LogQuery(
        tenant_id=tenant_id,
        event_type=event_type,
        actor_id=actor_id,
        stream_id=stream_id,
        before_position=before_position,
        limit=limit,
    )
    return await queries.audit(services.store, principal, q)
