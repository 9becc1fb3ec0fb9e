"""The authorization policy: one place decides who may do what to which airline's data.

Handlers call it with the caller and the target; the web layer only maps its errors to HTTP.
Another airline's resources are NotFound, never Forbidden, so their existence does not leak.
"""

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
    """The session's id (the token's digest), or the API key's id."""
    via: str = "session"
    """How the caller authenticated: "session" or "api_key"."""


class Action(StrEnum):
    CREATE_TENANT = "tenant.create"
    LIST_TENANTS = "tenant.list"
    READ_TENANT = "tenant.read"
    MANAGE_TENANT = "tenant.manage"
    READ_TENANT_HISTORY = "tenant.history"
    CREATE_USER = "user.create"
    LIST_USERS = "user.list"
    READ_USER = "user.read"
    UPDATE_USER = "user.update"
    CHANGE_ROLE = "user.role"
    CHANGE_STATE = "user.state"
    ERASE_USER = "user.erase"
    MANAGE_API_KEYS = "user.api_keys"
    READ_AUDIT = "audit.read"
    READ_OPERATIONS = "operations.read"
    MANAGE_OPERATIONS = "operations.manage"
    BID = "operations.bid"
    FLY = "flights.fly"
    """File and track one's own PIREPs; read one's own career and pay."""
    READ_FLIGHTS = "flights.read"
    """See the airline's PIREPs, live flights and pilots' careers."""
    REVIEW_PIREPS = "flights.review"
    MANAGE_CAREERS = "flights.careers"
    """Ranks, awards, a pilot's rank and transfer hours."""
    READ_FINANCES = "finance.read"
    MANAGE_FINANCES = "finance.manage"


_ADMIN_ON_OWN_AIRLINE = frozenset(
    {
        Action.LIST_TENANTS,
        Action.READ_TENANT,
        Action.MANAGE_TENANT,
        Action.READ_TENANT_HISTORY,
        Action.CREATE_USER,
        Action.LIST_USERS,
        Action.READ_USER,
        Action.UPDATE_USER,
        Action.CHANGE_ROLE,
        Action.CHANGE_STATE,
        Action.ERASE_USER,
        Action.MANAGE_API_KEYS,
        Action.READ_AUDIT,
        Action.READ_OPERATIONS,
        Action.MANAGE_OPERATIONS,
        Action.BID,
        Action.FLY,
        Action.READ_FLIGHTS,
        Action.REVIEW_PIREPS,
        Action.MANAGE_CAREERS,
        Action.READ_FINANCES,
        Action.MANAGE_FINANCES,
    }
)

# Per role: what it may do within its own airline. Platform admins may do everything.
_OWN_AIRLINE: dict[str, frozenset[Action]] = {
    "tenant_admin": _ADMIN_ON_OWN_AIRLINE,
    "pilot": frozenset(
        {
            Action.LIST_TENANTS,
            Action.READ_TENANT,
            Action.LIST_USERS,
            Action.READ_USER,
            Action.READ_OPERATIONS,
            Action.BID,
            Action.FLY,
            Action.READ_FLIGHTS,
        }
    ),
}

# What anyone may do to their own account.
_ON_SELF = frozenset({Action.READ_USER, Action.UPDATE_USER, Action.ERASE_USER, Action.MANAGE_API_KEYS})

# Never on oneself: an admin cannot lock themselves out or change their own role.
_NOT_ON_SELF = frozenset({Action.CHANGE_ROLE, Action.CHANGE_STATE})


def authorize(principal: Principal, action: Action, tenant_id: str | None = None) -> None:
    """May `principal` do `action` on the airline `tenant_id` (None: no airline in particular)?"""
    if principal.role == "platform_admin":
        return
    if tenant_id is not None and tenant_id != principal.tenant_id:
        raise NotFound("No such airline.")
    if action not in _OWN_AIRLINE.get(principal.role, frozenset()):
        raise Forbidden("Your role may not do this.")


# A leaked flight-tracker key must not be able to outlive its revocation or destroy the account.
_NOT_WITH_API_KEY = frozenset({Action.MANAGE_API_KEYS, Action.ERASE_USER})


def authorize_on_user(
    principal: Principal, action: Action, *, user_id: str, tenant_id: str | None, role: str | None = None
) -> None:
    """May `principal` do `action` to the user `user_id` of airline `tenant_id` (with `role`)?"""
    is_self = user_id == principal.user_id
    if principal.via == "api_key" and action in _NOT_WITH_API_KEY:
        raise Forbidden("Sign in with your password to manage keys or erase an account; an API key may not.")
    if is_self and action in _NOT_ON_SELF:
        raise Forbidden("You may not do this to your own account.")
    if principal.role == "platform_admin":
        return
    if tenant_id is None or tenant_id != principal.tenant_id:
        raise NotFound("No such user.")
    if is_self and action in _ON_SELF:
        return
    if action not in _OWN_AIRLINE.get(principal.role, frozenset()):
        raise Forbidden("Your role may not do this.")
    if role == "platform_admin":
        raise Forbidden("Only platform admins manage platform admins.")


def visible_tenant(principal: Principal) -> str | None:
    """The only airline a caller may list, or None for all of them."""
    return None if principal.role == "platform_admin" else principal.tenant_id


def sees_contact_details(principal: Principal, user_id: str) -> bool:
    """Emails are for the person themself and the staff who manage them, not for fellow pilots."""
    return principal.role != "pilot" or principal.user_id == user_id


def may_hear(principal: Principal, channel: str) -> bool:
    """Which live-feed channels a caller may subscribe to: platform admins every one; anyone
    else their own airline's and their own; an airline's admins also its staff channel."""
    if principal.role == "platform_admin":
        return channel == "platform" or channel.startswith(("tenant:", "tenant-staff:", "user:"))
    if principal.tenant_id is not None and channel == f"tenant:{principal.tenant_id}":
        return True
    if principal.role == "tenant_admin" and channel == f"tenant-staff:{principal.tenant_id}":
        return True
    return channel == f"user:{principal.user_id}"


def feed_channels(principal: Principal) -> list[str]:
    """What a live-feed connection hears without asking."""
    if principal.role == "platform_admin":
        return ["platform", f"user:{principal.user_id}"]
    own = [f"user:{principal.user_id}"]
    if principal.tenant_id is None:
        return own
    staff = [f"tenant-staff:{principal.tenant_id}"] if principal.role == "tenant_admin" else []
    return [f"tenant:{principal.tenant_id}", *staff, *own]
