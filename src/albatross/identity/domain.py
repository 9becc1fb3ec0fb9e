"""Aggregates and events of the identity context: tenants, users, sessions, unique names."""

from __future__ import annotations

import re
from typing import Literal

from albatross.kernel import Aggregate, AlreadyExists, DomainEvent, InvalidInput, registry

Role = Literal["platform_admin", "tenant_admin", "pilot"]
UserState = Literal["pending", "active", "on_leave", "suspended", "rejected"]

ICAO_AIRLINE = re.compile(r"^[A-Z]{3}$")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256


# ---- unique values (usernames, airline codes): one stream per value decides races ----


@registry.event("ValueClaimed")
class ValueClaimed(DomainEvent, frozen=True, kw_only=True):
    kind: str
    value: str
    owner_id: str


@registry.event("ValueReleased")
class ValueReleased(DomainEvent, frozen=True, kw_only=True):
    owner_id: str


class UniqueValue(Aggregate):
    """A claim on a value that must be unique platform-wide; its stream id is the value itself.

    Two concurrent claims both expect an empty stream, so exactly one append wins and the
    loser, reloading, finds the value taken.
    """

    stream_type = "unique"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.owner_id: str | None = None

    @staticmethod
    def key(kind: str, value: str) -> str:
        return f"{kind}:{value}"

    def claim(self, kind: str, value: str, owner_id: str, label: str) -> list[DomainEvent]:
        if self.owner_id == owner_id:
            return []
        if self.owner_id is not None:
            raise AlreadyExists(f"{label} {value!r} is already taken.", fields={kind: "already taken"})
        return [ValueClaimed(kind=kind, value=value, owner_id=owner_id)]

    def apply(self, event: DomainEvent) -> None:
        match event:
            case ValueClaimed(owner_id=owner_id):
                self.owner_id = owner_id
            case ValueReleased():
                self.owner_id = None


# ---- tenants (airlines) ----


@registry.event("TenantCreated")
class TenantCreated(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    name: str
    icao: str


@registry.event("TenantRenamed")
class TenantRenamed(DomainEvent, frozen=True, kw_only=True):
    name: str


def clean_tenant_name(name: str) -> str:
    name = " ".join(name.split())
    if not 1 <= len(name) <= 100:
        raise InvalidInput(
            "The airline name must be 1 to 100 characters.", fields={"name": "1 to 100 characters"}
        )
    return name


def clean_icao(icao: str) -> str:
    code = icao.strip().upper()
    if not ICAO_AIRLINE.match(code):
        raise InvalidInput(
            "The airline ICAO code must be three letters (A-Z).", fields={"icao": "three letters A-Z"}
        )
    return code


class Tenant(Aggregate):
    stream_type = "tenant"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.tenant_id = id
        self.name = ""
        self.icao = ""

    def create(self, name: str, icao: str) -> list[DomainEvent]:
        if self.exists:
            raise AlreadyExists("This airline already exists.")
        return [TenantCreated(tenant_id=self.id, name=clean_tenant_name(name), icao=clean_icao(icao))]

    def rename(self, name: str) -> list[DomainEvent]:
        name = clean_tenant_name(name)
        return [] if name == self.name else [TenantRenamed(name=name)]

    def apply(self, event: DomainEvent) -> None:
        match event:
            case TenantCreated(name=name, icao=icao):
                self.name, self.icao = name, icao
            case TenantRenamed(name=name):
                self.name = name


# ---- users ----


@registry.event("UserRegistered")
class UserRegistered(DomainEvent, frozen=True, kw_only=True):
    user_id: str
    username: str
    role: str
    tenant_id: str | None = None
    state: str = "active"


@registry.event("PasswordSet")
class PasswordSet(DomainEvent, frozen=True, kw_only=True):
    """A new password hash. `must_change` marks one-time passwords; `revoke_sessions_before`
    ends every session started earlier, except `kept_session_id` (the one that changed it)."""

    password_hash: str
    must_change: bool
    revoke_sessions_before: int
    kept_session_id: str | None = None


@registry.event("PasswordRehashed")
class PasswordRehashed(DomainEvent, frozen=True, kw_only=True):
    """The same password, hashed again with stronger parameters at login."""

    password_hash: str


class User(Aggregate):
    stream_type = "user"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.username = ""
        self.role: str = "pilot"
        self.state: str = "pending"
        self.password_hash = ""
        self.must_change_password = False
        self.sessions_valid_after = 0
        self.kept_session_id: str | None = None

    def register(self, username: str, role: Role, tenant_id: str | None) -> list[DomainEvent]:
        if self.exists:
            raise AlreadyExists("This user already exists.")
        if (role == "platform_admin") != (tenant_id is None):
            raise InvalidInput(
                "A platform admin has no airline; every other role needs one.", fields={"tenant_id": "role"}
            )
        return [
            UserRegistered(user_id=self.id, username=clean_username(username), role=role, tenant_id=tenant_id)
        ]

    def set_password(
        self, password_hash: str, *, must_change: bool, now: int, kept_session_id: str | None = None
    ) -> list[DomainEvent]:
        return [
            PasswordSet(
                password_hash=password_hash,
                must_change=must_change,
                revoke_sessions_before=now,
                kept_session_id=kept_session_id,
            )
        ]

    def apply(self, event: DomainEvent) -> None:
        match event:
            case UserRegistered(username=username, role=role, tenant_id=tenant_id, state=state):
                self.username, self.role, self.tenant_id, self.state = username, role, tenant_id, state
            case PasswordSet():
                self.password_hash = event.password_hash
                self.must_change_password = event.must_change
                self.sessions_valid_after = event.revoke_sessions_before
                self.kept_session_id = event.kept_session_id
            case PasswordRehashed(password_hash=password_hash):
                self.password_hash = password_hash


def clean_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise InvalidInput(
            "A username is 2 to 40 characters: letters, digits, dot, dash or underscore.",
            fields={"username": "2-40 of a-z 0-9 . _ -"},
        )
    return name


def check_new_password(password: str, *, username: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The new password must have at least {MIN_PASSWORD_LENGTH} characters.",
            fields={"new_password": f"at least {MIN_PASSWORD_LENGTH} characters"},
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The new password may have at most {MAX_PASSWORD_LENGTH} characters.",
            fields={"new_password": f"at most {MAX_PASSWORD_LENGTH} characters"},
        )
    if password.strip().lower() == username.lower():
        raise InvalidInput(
            "The password must not be the username.", fields={"new_password": "equals username"}
        )


def session_is_valid(
    *, state: str, sessions_valid_after: int, kept_session_id: str | None, session_id: str, started_at: int
) -> bool:
    """A session outlives a password change only if it is the one that made the change."""
    return state == "active" and (started_at >= sessions_valid_after or session_id == kept_session_id)


# ---- sessions (bearer tokens): the stream id is the token's SHA-256, never the token ----


@registry.event("SessionStarted")
class SessionStarted(DomainEvent, frozen=True, kw_only=True):
    user_id: str
    tenant_id: str | None = None
    started_at: int
    expires_at: int


@registry.event("SessionEnded")
class SessionEnded(DomainEvent, frozen=True, kw_only=True):
    reason: str


class Session(Aggregate):
    stream_type = "session"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.user_id = ""
        self.started_at = 0
        self.expires_at = 0
        self.ended = False

    def start(self, user: User, now: int, ttl_us: int) -> list[DomainEvent]:
        return [
            SessionStarted(user_id=user.id, tenant_id=user.tenant_id, started_at=now, expires_at=now + ttl_us)
        ]

    def end(self, reason: str) -> list[DomainEvent]:
        return [] if self.ended or not self.exists else [SessionEnded(reason=reason)]

    def apply(self, event: DomainEvent) -> None:
        match event:
            case SessionStarted():
                self.user_id, self.tenant_id = event.user_id, event.tenant_id
                self.started_at, self.expires_at = event.started_at, event.expires_at
            case SessionEnded():
                self.ended = True
