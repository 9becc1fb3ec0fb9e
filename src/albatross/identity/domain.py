"""Aggregates and events of the identity context: tenants, users, sessions, unique names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from albatross.kernel import (
    Aggregate,
    AlreadyExists,
    DomainEvent,
    InvalidInput,
    InvalidState,
    NotFound,
    registry,
)

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
            shown = (
                "" if kind == "email" else f" {value!r}"
            )  # an email's claim key is a pseudonym: never echo it
            raise AlreadyExists(f"{label}{shown} is already taken.", fields={kind: "already taken"})
        return [ValueClaimed(kind=kind, value=value, owner_id=owner_id)]

    def release(self, owner_id: str) -> list[DomainEvent]:
        return [ValueReleased(owner_id=owner_id)] if self.owner_id == owner_id else []

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


@registry.event("TenantApplicationsChanged")
class TenantApplicationsChanged(DomainEvent, frozen=True, kw_only=True):
    open: bool


@registry.event("PilotNumberIssued")
class PilotNumberIssued(DomainEvent, frozen=True, kw_only=True):
    """The airline's next pilot number went to `user_id`: numbers are gap-free and never reused."""

    number: int
    user_id: str


PILOT_NUMBER_WIDTH = 4


@registry.event("TenantPilotIdFormatChanged")
class TenantPilotIdFormatChanged(DomainEvent, frozen=True, kw_only=True):
    """Pilot ids issued from now on: `prefix` (default: the airline's ICAO code) + the number
    zero-padded to `width` digits. Ids already issued stay as they are."""

    prefix: str | None
    width: int


class Tenant(Aggregate):
    stream_type = "tenant"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.tenant_id = id
        self.name = ""
        self.icao = ""
        self.applications_open = False
        self.pilots_numbered = 0
        self.pilot_id_prefix: str | None = None
        self.pilot_id_width = PILOT_NUMBER_WIDTH

    def create(self, name: str, icao: str) -> list[DomainEvent]:
        if self.exists:
            raise AlreadyExists("This airline already exists.")
        return [TenantCreated(tenant_id=self.id, name=clean_tenant_name(name), icao=clean_icao(icao))]

    def rename(self, name: str) -> list[DomainEvent]:
        name = clean_tenant_name(name)
        return [] if name == self.name else [TenantRenamed(name=name)]

    def set_applications(self, open: bool) -> list[DomainEvent]:
        return [] if open == self.applications_open else [TenantApplicationsChanged(open=open)]

    def set_pilot_id_format(self, prefix: str | None, width: int | None) -> list[DomainEvent]:
        prefix = self.pilot_id_prefix if prefix is None else prefix.strip().upper()
        width = self.pilot_id_width if width is None else width
        if prefix is not None and not re.fullmatch(r"[A-Z0-9]{0,6}", prefix):
            raise InvalidInput(
                "pilot_id_prefix: up to 6 letters or digits",
                fields={"pilot_id_prefix": "up to 6 letters or digits"},
            )
        if not 1 <= width <= 8:
            raise InvalidInput("pilot_id_width: 1 to 8 digits", fields={"pilot_id_width": "1 to 8"})
        if (prefix, width) == (self.pilot_id_prefix, self.pilot_id_width):
            return []
        return [TenantPilotIdFormatChanged(prefix=prefix, width=width)]

    def issue_pilot_number(self, user_id: str) -> tuple[str, list[DomainEvent]]:
        """The pilot id (airline code + zero-padded number, e.g. NVA0042) and the event issuing it."""
        number = self.pilots_numbered + 1
        prefix = self.icao if self.pilot_id_prefix is None else self.pilot_id_prefix
        return f"{prefix}{number:0{self.pilot_id_width}d}", [
            PilotNumberIssued(number=number, user_id=user_id)
        ]

    def apply(self, event: DomainEvent) -> None:
        match event:
            case TenantCreated(name=name, icao=icao):
                self.name, self.icao = name, icao
            case TenantRenamed(name=name):
                self.name = name
            case TenantApplicationsChanged(open=open):
                self.applications_open = open
            case PilotNumberIssued(number=number):
                self.pilots_numbered = number
            case TenantPilotIdFormatChanged(prefix=prefix, width=width):
                self.pilot_id_prefix, self.pilot_id_width = prefix, width


# ---- users ----


ROLES: tuple[Role, ...] = ("platform_admin", "tenant_admin", "pilot")


@registry.event("UserRegistered")
class UserRegistered(DomainEvent, frozen=True, kw_only=True):
    """`email` and `name` are encrypted with the person's vault key (see kernel.Vault);
    `email_key` is the pseudonym that claims the email's uniqueness."""

    user_id: str
    username: str
    role: str
    tenant_id: str | None = None
    state: str = "active"
    email: bytes = b""
    name: bytes = b""
    email_key: str = ""


@registry.event("UserDetailsChanged")
class UserDetailsChanged(DomainEvent, frozen=True, kw_only=True):
    """New encrypted email and/or name; None leaves a field as it was."""

    email: bytes | None = None
    email_key: str | None = None
    name: bytes | None = None


@registry.event("UserRoleChanged")
class UserRoleChanged(DomainEvent, frozen=True, kw_only=True):
    role: str


@registry.event("UserStateChanged")
class UserStateChanged(DomainEvent, frozen=True, kw_only=True):
    """Approved, rejected, suspended, reactivated, on leave: `state` is the new one."""

    state: str
    reason: str = ""


@registry.event("PilotIdAssigned")
class PilotIdAssigned(DomainEvent, frozen=True, kw_only=True):
    pilot_id: str


@registry.event("UserErased")
class UserErased(DomainEvent, frozen=True, kw_only=True):
    """The person's vault key is destroyed: their email and name can no longer be read anywhere."""


@registry.event("ApiKeyIssued")
class ApiKeyIssued(DomainEvent, frozen=True, kw_only=True):
    """A new API key; only its SHA-256 `digest` and a short visible `prefix` are kept."""

    key_id: str
    name: str
    prefix: str
    digest: str
    created_at: int


@registry.event("ApiKeyRevoked")
class ApiKeyRevoked(DomainEvent, frozen=True, kw_only=True):
    key_id: str
    revoked_at: int


@registry.event("ApiKeyUsed")
class ApiKeyUsed(DomainEvent, frozen=True, kw_only=True):
    """Recorded at most every few minutes per key, not on every request."""

    key_id: str
    used_at: int


@dataclass
class ApiKeyRecord:
    id: str
    name: str
    prefix: str
    digest: str
    created_at: int
    last_used_at: int | None = None
    revoked_at: int | None = None


MAX_API_KEYS = 20


# Which state changes are allowed, and what each is called in the API.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({"pending"}), "active"),
    "reject": (frozenset({"pending"}), "rejected"),
    "suspend": (frozenset({"active", "on_leave"}), "suspended"),
    "reactivate": (frozenset({"suspended", "on_leave"}), "active"),
    "leave": (frozenset({"active"}), "on_leave"),
}


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
        self.email_key = ""
        self.pilot_id: str | None = None
        self.erased = False
        self.password_hash = ""
        self.must_change_password = False
        self.sessions_valid_after = 0
        self.kept_session_id: str | None = None
        self.api_keys: dict[str, ApiKeyRecord] = {}

    def register(
        self,
        username: str,
        role: Role,
        tenant_id: str | None,
        *,
        state: UserState = "active",
        email: bytes = b"",
        name: bytes = b"",
        email_key: str = "",
    ) -> list[DomainEvent]:
        if self.exists:
            raise AlreadyExists("This user already exists.")
        if role not in ROLES:
            raise InvalidInput(
                f"Unknown role {role!r}.", fields={"role": "platform_admin, tenant_admin or pilot"}
            )
        if (role == "platform_admin") != (tenant_id is None):
            raise InvalidInput(
                "A platform admin has no airline; every other role needs one.", fields={"tenant_id": "role"}
            )
        return [
            UserRegistered(
                user_id=self.id,
                username=clean_username(username),
                role=role,
                tenant_id=tenant_id,
                state=state,
                email=email,
                name=name,
                email_key=email_key,
            )
        ]

    def change_details(
        self, *, email: bytes | None, email_key: str | None, name: bytes | None
    ) -> list[DomainEvent]:
        self._must_be_present()
        if email is None and name is None:
            return []
        return [UserDetailsChanged(email=email, email_key=email_key, name=name)]

    def change_role(self, role: str) -> list[DomainEvent]:
        self._must_be_present()
        if role not in ROLES or role == "platform_admin" or self.role == "platform_admin":
            raise InvalidInput(
                "Airline users can be tenant_admin or pilot; platform admins stay platform admins.",
                fields={"role": "tenant_admin or pilot"},
            )
        return [] if role == self.role else [UserRoleChanged(role=role)]

    def transition(self, action: str, reason: str = "") -> list[DomainEvent]:
        self._must_be_present()
        allowed_from, target = TRANSITIONS[action]
        if self.state not in allowed_from:
            raise InvalidState(
                f"A {self.state} user cannot be {'put on leave' if action == 'leave' else action + 'd'}.",
                fields={"state": self.state},
            )
        return [UserStateChanged(state=target, reason=reason[:500])]

    def assign_pilot_id(self, pilot_id: str) -> list[DomainEvent]:
        return [] if self.pilot_id else [PilotIdAssigned(pilot_id=pilot_id)]

    def issue_api_key(self, key_id: str, name: str, prefix: str, digest: str, now: int) -> list[DomainEvent]:
        self._must_be_present()
        name = " ".join(name.split())
        if not 1 <= len(name) <= 100:
            raise InvalidInput("A key's name is 1 to 100 characters.", fields={"name": "1 to 100 characters"})
        if sum(1 for k in self.api_keys.values() if k.revoked_at is None) >= MAX_API_KEYS:
            raise InvalidState(f"A user may hold at most {MAX_API_KEYS} active API keys; revoke one first.")
        return [ApiKeyIssued(key_id=key_id, name=name, prefix=prefix, digest=digest, created_at=now)]

    def revoke_api_key(self, key_id: str, now: int) -> list[DomainEvent]:
        key = self.api_keys.get(key_id)
        if key is None:
            raise NotFound("No such API key.")
        return [] if key.revoked_at is not None else [ApiKeyRevoked(key_id=key_id, revoked_at=now)]

    def erase(self) -> list[DomainEvent]:
        return [] if self.erased else [UserErased()]

    def set_password(
        self, password_hash: str, *, must_change: bool, now: int, kept_session_id: str | None = None
    ) -> list[DomainEvent]:
        self._must_be_present()
        return [
            PasswordSet(
                password_hash=password_hash,
                must_change=must_change,
                revoke_sessions_before=now,
                kept_session_id=kept_session_id,
            )
        ]

    def _must_be_present(self) -> None:
        if not self.exists or self.erased:
            raise NotFound("No such user.")

    def apply(self, event: DomainEvent) -> None:
        match event:
            case UserRegistered():
                self.username, self.role, self.tenant_id = event.username, event.role, event.tenant_id
                self.state, self.email_key = event.state, event.email_key
            case UserDetailsChanged(email_key=email_key):
                if email_key is not None:
                    self.email_key = email_key
            case UserRoleChanged(role=role):
                self.role = role
            case UserStateChanged(state=state):
                self.state = state
            case PilotIdAssigned(pilot_id=pilot_id):
                self.pilot_id = pilot_id
            case UserErased():
                self.erased, self.email_key = True, ""
            case ApiKeyIssued():
                self.api_keys[event.key_id] = ApiKeyRecord(
                    event.key_id, event.name, event.prefix, event.digest, event.created_at
                )
            case ApiKeyRevoked(key_id=key_id, revoked_at=revoked_at):
                self.api_keys[key_id].revoked_at = revoked_at
            case ApiKeyUsed(key_id=key_id, used_at=used_at):
                self.api_keys[key_id].last_used_at = used_at
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


def check_new_password(password: str, *, username: str, field: str = "new_password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The password must have at least {MIN_PASSWORD_LENGTH} characters.",
            fields={field: f"at least {MIN_PASSWORD_LENGTH} characters"},
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"The password may have at most {MAX_PASSWORD_LENGTH} characters.",
            fields={field: f"at most {MAX_PASSWORD_LENGTH} characters"},
        )
    if password.strip().lower() == username.lower():
        raise InvalidInput("The password must not be the username.", fields={field: "equals username"})


def can_sign_in(state: str, erased: bool) -> bool:
    """Pending, rejected, suspended and erased users cannot sign in; on leave they can."""
    return not erased and state in ("active", "on_leave")


def session_is_valid(
    *,
    state: str,
    erased: bool,
    sessions_valid_after: int,
    kept_session_id: str | None,
    session_id: str,
    started_at: int,
) -> bool:
    """A session outlives a password change only if it is the one that made the change."""
    return can_sign_in(state, erased) and (
        started_at >= sessions_valid_after or session_id == kept_session_id
    )


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
