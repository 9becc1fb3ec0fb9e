"""The authorization policy: one place decides who may do what to which airline's data."""

from __future__ import annotations

from enum import StrEnum

import msgspec

from albatross.kernel import Forbidden, NotFound


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """The authenticated caller."""

    user_id: str
    username: str
    role: str
    tenant_id: str | None
    must_change_password: bool
    session_id: str


class Action(StrEnum):
    CREATE_TENANT = "tenant.create"
    LIST_TENANTS = "tenant.list"
    READ_TENANT = "tenant.read"
    RENAME_TENANT = "tenant.rename"
    READ_TENANT_HISTORY = "tenant.history"


# Per role: actions allowed on the caller's own airline. Platform admins may do everything.
_OWN_TENANT: dict[str, frozenset[Action]] = {
    "tenant_admin": frozenset(
        {Action.LIST_TENANTS, Action.READ_TENANT, Action.RENAME_TENANT, Action.READ_TENANT_HISTORY}
    ),
    "pilot": frozenset({Action.LIST_TENANTS, Action.READ_TENANT}),
}


def authorize(principal: Principal, action: Action, tenant_id: str | None = None) -> None:
    """Raise unless allowed. Another airline's resource is NotFound, so its existence never leaks."""
    if principal.role == "platform_admin":
        return
    if tenant_id is not None and tenant_id != principal.tenant_id:
        raise NotFound("No such airline.")
    if action not in _OWN_TENANT.get(principal.role, frozenset()):
        raise Forbidden("Your role may not do this.")


def visible_tenant(principal: Principal) -> str | None:
    """The only airline a caller may list, or None for all of them."""
    return None if principal.role == "platform_admin" else principal.tenant_id
