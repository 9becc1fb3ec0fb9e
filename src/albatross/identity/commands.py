"""Commands of the identity context and their handlers: load, decide, append."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import msgspec

from albatross.identity.domain import (
    PasswordRehashed,
    Session,
    Tenant,
    UniqueValue,
    User,
    check_new_password,
    clean_icao,
    clean_username,
    session_is_valid,
)
from albatross.identity.passwords import (
    hash_password,
    needs_rehash,
    new_token,
    one_time_password,
    token_digest,
    verify_password,
)
from albatross.identity.policy import Action, Principal, authorize
from albatross.kernel import (
    Cache,
    CommandResult,
    Context,
    EventCodec,
    EventDistribution,
    EventStore,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    UnitOfWork,
    execute,
)
from albatross.kernel.unit_of_work import now_us

T = TypeVar("T")

WRONG_CREDENTIALS = "Unknown username or wrong password."
PLATFORM_ADMIN = "admin"


@dataclass
class IdentityDeps:
    store: EventStore
    codec: EventCodec
    cache: Cache
    distribution: EventDistribution
    session_ttl_seconds: int = 12 * 3600
    auth_cache_seconds: int = 5


async def _run(
    deps: IdentityDeps, ctx: Context, operation: Callable[[UnitOfWork], Awaitable[T]]
) -> CommandResult[T]:
    return await execute(deps.store, deps.codec, ctx, operation, distribution=deps.distribution)


# ---- tenants ----


async def handle_create_tenant(
    deps: IdentityDeps, ctx: Context, principal: Principal, name: str, icao: str
) -> CommandResult[str]:
    authorize(principal, Action.CREATE_TENANT)
    tenant_id = str(uuid.uuid4())
    code = clean_icao(icao)

    async def create(uow: UnitOfWork) -> str:
        tenant = await uow.load(Tenant, tenant_id)
        events = tenant.create(name, code)
        claim = await uow.load(UniqueValue, UniqueValue.key("icao", code))
        uow.record(claim, claim.claim("icao", code, tenant_id, "Airline code"))
        uow.record(tenant, events)
        return tenant_id

    return await _run(deps, ctx, create)


async def handle_rename_tenant(
    deps: IdentityDeps, ctx: Context, principal: Principal, tenant_id: str, name: str
) -> CommandResult[None]:
    authorize(principal, Action.RENAME_TENANT, tenant_id)

    async def rename(uow: UnitOfWork) -> None:
        tenant = await uow.load(Tenant, tenant_id)
        if not tenant.exists:
            raise NotFound("No such airline.")
        uow.record(tenant, tenant.rename(name))

    return await _run(deps, ctx, rename)


# ---- users and passwords ----


async def _find_user(uow: UnitOfWork, username: str) -> User | None:
    claim = await uow.load(UniqueValue, UniqueValue.key("username", username))
    if claim.owner_id is None:
        return None
    return await uow.load(User, claim.owner_id)


async def handle_create_platform_admin(deps: IdentityDeps) -> str | None:
    """On an empty store, create `admin` with a one-time password and return it; else None.

    Concurrent first starts race on the username claim, so only one of them creates the admin.
    """
    if await deps.store.last_position() > 0:
        return None
    password = one_time_password()
    password_hash = await hash_password(password)
    user_id = str(uuid.uuid4())

    async def create(uow: UnitOfWork) -> bool:
        claim = await uow.load(UniqueValue, UniqueValue.key("username", PLATFORM_ADMIN))
        if claim.owner_id is not None:
            return False
        user = await uow.load(User, user_id)
        uow.record(claim, claim.claim("username", PLATFORM_ADMIN, user_id, "Username"))
        uow.record(user, user.register(PLATFORM_ADMIN, "platform_admin", None))
        uow.record(user, user.set_password(password_hash, must_change=True, now=now_us()))
        return True

    result = await _run(deps, Context(actor_id=None), create)
    return password if result.value else None


async def handle_reset_password(deps: IdentityDeps, username: str) -> str:
    """Give a user a new one-time password (the operator's CLI); every session ends."""
    password = one_time_password()
    password_hash = await hash_password(password)

    async def reset(uow: UnitOfWork) -> str:
        user = await _find_user(uow, clean_username(username))
        if user is None:
            raise NotFound(f"No user named {username!r}.")
        uow.record(user, user.set_password(password_hash, must_change=True, now=now_us()))
        return user.id

    result = await _run(deps, Context(actor_id=None), reset)
    await deps.cache.delete(_user_key(result.value))
    return password


class LoginResult(msgspec.Struct, frozen=True):
    token: str
    expires_at: int
    must_change_password: bool
    position: int


async def handle_login(deps: IdentityDeps, username: str, password: str) -> LoginResult:
    try:
        name = clean_username(username)
    except InvalidInput:
        name = ""
    uow = UnitOfWork(deps.store, deps.codec, Context())
    user = await _find_user(uow, name) if name else None
    ok = await verify_password(user.password_hash if user else None, password)
    if not ok or user is None or user.state != "active":
        raise NotAuthenticated(WRONG_CREDENTIALS)
    token = new_token()
    session_id = token_digest(token)
    ctx = Context(actor_id=user.id)
    upgrade = needs_rehash(user.password_hash)
    new_hash = await hash_password(password) if upgrade else None

    async def start(uow: UnitOfWork) -> int:
        fresh = await uow.load(User, user.id)
        if new_hash is not None and fresh.password_hash == user.password_hash:
            uow.record(fresh, [PasswordRehashed(password_hash=new_hash)])
        session = await uow.load(Session, session_id)
        events = session.start(fresh, now_us(), deps.session_ttl_seconds * 1_000_000)
        uow.record(session, events)
        return session.expires_at

    result = await _run(deps, ctx, start)
    return LoginResult(token, result.value, user.must_change_password, result.position)


async def handle_change_password(
    deps: IdentityDeps, ctx: Context, principal: Principal, current: str, new: str
) -> CommandResult[None]:
    check_new_password(new, username=principal.username)
    if new == current:
        raise InvalidInput(
            "The new password must differ from the current one.", fields={"new_password": "unchanged"}
        )
    uow = UnitOfWork(deps.store, deps.codec, ctx)
    user = await uow.load(User, principal.user_id)
    if not await verify_password(user.password_hash, current):
        raise Forbidden("The current password is wrong.", code="wrong-password")
    new_hash = await hash_password(new)

    async def change(uow: UnitOfWork) -> None:
        user = await uow.load(User, principal.user_id)
        events = user.set_password(
            new_hash, must_change=False, now=now_us(), kept_session_id=principal.session_id
        )
        uow.record(user, events)

    result = await _run(deps, ctx, change)
    await deps.cache.delete(_user_key(principal.user_id))
    return result


async def handle_logout(deps: IdentityDeps, ctx: Context, principal: Principal) -> CommandResult[None]:
    async def end(uow: UnitOfWork) -> None:
        session = await uow.load(Session, principal.session_id)
        uow.record(session, session.end("logout"))

    result = await _run(deps, ctx, end)
    await deps.cache.delete(_session_key(principal.session_id))
    return result


# ---- authentication of bearer tokens, cached through the cache port ----


class _CachedSession(msgspec.Struct, frozen=True):
    user_id: str
    started_at: int
    expires_at: int


class _CachedUser(msgspec.Struct, frozen=True):
    username: str
    role: str
    tenant_id: str | None
    state: str
    must_change_password: bool
    sessions_valid_after: int
    kept_session_id: str | None


def _session_key(session_id: str) -> str:
    return f"auth:session:{session_id}"


def _user_key(user_id: str) -> str:
    return f"auth:user:{user_id}"


async def authenticate(deps: IdentityDeps, token: str) -> Principal:
    """The principal behind a bearer token; NotAuthenticated when it is unknown, ended or expired.

    Logout and password changes delete the cached entries, so revocation is immediate; the
    cache port is shared between processes when it is Redis.
    """
    session_id = token_digest(token)
    now = now_us()
    raw = await deps.cache.get(_session_key(session_id))
    if raw is not None:
        session = msgspec.msgpack.decode(raw, type=_CachedSession)
    else:
        uow = UnitOfWork(deps.store, deps.codec, Context())
        loaded = await uow.load(Session, session_id)
        if not loaded.exists or loaded.ended:
            raise NotAuthenticated("The token is unknown, expired or revoked.")
        session = _CachedSession(loaded.user_id, loaded.started_at, loaded.expires_at)
        ttl = max(1, min(deps.auth_cache_seconds * 12, (session.expires_at - now) // 1_000_000))
        await deps.cache.set(_session_key(session_id), msgspec.msgpack.encode(session), expires_in=ttl)
    if session.expires_at <= now:
        raise NotAuthenticated("The token is unknown, expired or revoked.")
    raw = await deps.cache.get(_user_key(session.user_id))
    if raw is not None:
        user = msgspec.msgpack.decode(raw, type=_CachedUser)
    else:
        uow = UnitOfWork(deps.store, deps.codec, Context())
        loaded_user = await uow.load(User, session.user_id)
        user = _CachedUser(
            loaded_user.username,
            loaded_user.role,
            loaded_user.tenant_id,
            loaded_user.state,
            loaded_user.must_change_password,
            loaded_user.sessions_valid_after,
            loaded_user.kept_session_id,
        )
        await deps.cache.set(
            _user_key(session.user_id), msgspec.msgpack.encode(user), expires_in=deps.auth_cache_seconds
        )
    if not session_is_valid(
        state=user.state,
        sessions_valid_after=user.sessions_valid_after,
        kept_session_id=user.kept_session_id,
        session_id=session_id,
        started_at=session.started_at,
    ):
        raise NotAuthenticated("The token is unknown, expired or revoked.")
    return Principal(
        user_id=session.user_id,
        username=user.username,
        role=user.role,
        tenant_id=user.tenant_id,
        must_change_password=user.must_change_password,
        session_id=session_id,
    )
