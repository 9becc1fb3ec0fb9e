"""Authentication: the platform admin's first start, login with brute-force limits, sessions,
API keys, password changes. Tokens and keys are only ever stored and cached as digests."""

from __future__ import annotations

import uuid

import msgspec

from albatross.identity.commands import IdentityDeps, run
from albatross.identity.domain import (
    PasswordRehashed,
    Session,
    UniqueValue,
    User,
    can_sign_in,
    clean_username,
    session_is_valid,
)
from albatross.identity.limits import give_back, login_limits, take
from albatross.identity.passwords import (
    API_KEY_PREFIX,
    check_password_policy,
    hash_password,
    needs_rehash,
    new_ticket,
    new_token,
    one_time_password,
    token_digest,
    verify_password,
)
from albatross.identity.policy import Principal
from albatross.kernel import (
    CommandResult,
    Context,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    UnitOfWork,
)
from albatross.kernel.unit_of_work import now_us

WRONG_CREDENTIALS = "Unknown username or wrong password."
REVOKED = "The token or key is unknown, expired or revoked."
PLATFORM_ADMIN = "admin"


async def find_user(uow: UnitOfWork, username: str) -> User | None:
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

    result = await run(deps, Context(actor_id=None), create)
    return password if result.value else None


async def handle_reset_password(deps: IdentityDeps, username: str) -> str:
    """Give a user a new one-time password (the operator's CLI); every session ends."""
    password = one_time_password()
    password_hash = await hash_password(password)

    async def reset(uow: UnitOfWork) -> str:
        user = await find_user(uow, clean_username(username))
        if user is None or user.erased:
            raise NotFound(f"No user named {username!r}.")
        uow.record(user, user.set_password(password_hash, must_change=True, now=now_us()))
        return user.id

    result = await run(deps, Context(actor_id=None), reset)
    await forget_user(deps, result.value, result.position)
    return password


class LoginResult(msgspec.Struct, frozen=True):
    token: str
    expires_at: int
    must_change_password: bool
    position: int


async def handle_login(deps: IdentityDeps, username: str, password: str, address: str = "") -> LoginResult:
    """Unknown users and wrong passwords fail alike: same error, and a full Argon2 verification
    either way. Failed attempts are limited per account and per address; past a limit: 429."""
    try:
        name = clean_username(username)
    except InvalidInput:
        name = ""
    limits = login_limits(deps, account=name or username.strip().lower()[:64], address=address)
    await take(deps.counters, limits)
    uow = UnitOfWork(deps.store, deps.codec, Context())
    user = await find_user(uow, name) if name else None
    ok = await verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not can_sign_in(user.state, user.erased):
        raise NotAuthenticated(WRONG_CREDENTIALS)
    await give_back(deps.counters, limits)  # only failures count
    token = new_token()
    session_id = token_digest(token)
    new_hash = await hash_password(password) if needs_rehash(user.password_hash) else None

    async def start(uow: UnitOfWork) -> int:
        fresh = await uow.load(User, user.id)
        # The password was verified against `user`; a reset or change since then wins.
        if fresh.password_hash != user.password_hash or not can_sign_in(fresh.state, fresh.erased):
            raise NotAuthenticated(WRONG_CREDENTIALS)
        uow.record(fresh, [PasswordRehashed(password_hash=new_hash)] if new_hash else [])
        session = await uow.load(Session, session_id)
        uow.record(session, session.start(fresh, now_us(), deps.session_ttl_seconds * 1_000_000))
        return session.expires_at

    result = await run(deps, Context(actor_id=user.id), start)
    return LoginResult(token, result.value, user.must_change_password, result.position)


async def handle_change_password(
    deps: IdentityDeps, ctx: Context, principal: Principal, current: str, new: str
) -> CommandResult[None]:
    if principal.via != "session":
        raise Forbidden("Sign in with your password to change it; an API key may not.")
    check_password_policy(new, username=principal.username)
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
        fresh = await uow.load(User, principal.user_id)
        if fresh.password_hash != user.password_hash:  # reset or changed meanwhile
            raise Forbidden("The current password is wrong.", code="wrong-password")
        kept = principal.session_id if principal.via == "session" else None
        uow.record(fresh, fresh.set_password(new_hash, must_change=False, now=now_us(), kept_session_id=kept))

    result = await run(deps, ctx, change)
    await forget_user(deps, principal.user_id, result.position)
    return result


async def handle_logout(deps: IdentityDeps, ctx: Context, principal: Principal) -> CommandResult[None]:
    if principal.via != "session":
        raise InvalidInput(
            "An API key is revoked with DELETE /api/v1/users/{id}/api-keys/{key_id}, not logged out."
        )

    async def end(uow: UnitOfWork) -> None:
        session = await uow.load(Session, principal.session_id)
        uow.record(session, session.end("logout"))

    result = await run(deps, ctx, end)
    # A marker, not only a delete: a request that read the session before it ended could put it
    # back in the cache; the marker outlives any such entry.
    marker_ttl = 2 * _session_cache_seconds(deps) + 1
    await deps.cache.set(_ended_key(principal.session_id), b"1", expires_in=marker_ttl)
    await deps.cache.delete(_session_key(principal.session_id))
    return result


# ---- authentication of bearer tokens and API keys, cached through the cache port ----


class _CachedSession(msgspec.Struct, frozen=True):
    user_id: str
    started_at: int
    expires_at: int


class _CachedUser(msgspec.Struct, frozen=True):
    username: str
    role: str
    tenant_id: str | None
    state: str
    erased: bool
    must_change_password: bool
    sessions_valid_after: int
    kept_session_id: str | None
    active_keys: dict[str, str]
    """digest -> key id of the user's unrevoked API keys"""
    read_after: int
    """The log position reached before these facts were read."""


def _session_key(session_id: str) -> str:
    return f"auth:session:{session_id}"


def _user_key(user_id: str) -> str:
    return f"auth:user:{user_id}"


def _api_key_key(digest: str) -> str:
    return f"auth:apikey:{digest}"


def _stamp_key(user_id: str) -> str:
    return f"auth:user-changed:{user_id}"


def _ended_key(session_id: str) -> str:
    return f"auth:session-ended:{session_id}"


def _session_cache_seconds(deps: IdentityDeps) -> int:
    # Sessions change only by ending, which leaves a marker (see handle_logout), so they may be
    # cached longer than user facts.
    return deps.auth_cache_seconds * 12


async def forget_user(deps: IdentityDeps, user_id: str, position: int) -> None:
    """Make a change to a user's auth facts (written at log `position`) count on their next request.

    Deleting the cached entry is not enough: a request that read the old facts just before the
    change could put them back right after the delete. So a stamp records the log position of
    the user's last change, and cached facts are trusted only if the log had reached it before
    they were read. Positions, not clocks: processes' clocks may disagree. The stamp outlives
    any entry that could predate it.
    """
    await deps.cache.set(
        _stamp_key(user_id), str(position).encode(), expires_in=2 * deps.auth_cache_seconds + 1
    )
    await deps.cache.delete(_user_key(user_id))


async def _user_facts(deps: IdentityDeps, user_id: str) -> _CachedUser:
    raw = await deps.cache.get(_user_key(user_id))
    if raw is not None:
        facts = msgspec.msgpack.decode(raw, type=_CachedUser)
        stamp = await deps.cache.get(_stamp_key(user_id))
        if stamp is None or facts.read_after >= int(stamp):
            return facts
    read_after = await deps.store.last_position()  # everything up to here is in what we read next
    user = await UnitOfWork(deps.store, deps.codec, Context()).load(User, user_id)
    facts = _CachedUser(
        user.username,
        user.role,
        user.tenant_id,
        user.state,
        user.erased,
        user.must_change_password,
        user.sessions_valid_after,
        user.kept_session_id,
        {k.digest: k.id for k in user.api_keys.values() if k.revoked_at is None},
        read_after,
    )
    await deps.cache.set(
        _user_key(user_id), msgspec.msgpack.encode(facts), expires_in=deps.auth_cache_seconds
    )
    return facts


def _principal(user_id: str, facts: _CachedUser, credential_id: str, via: str) -> Principal:
    return Principal(
        user_id=user_id,
        username=facts.username,
        role=facts.role,
        tenant_id=facts.tenant_id,
        must_change_password=facts.must_change_password and via == "session",
        session_id=credential_id,
        via=via,
    )


async def authenticate(deps: IdentityDeps, token: str) -> Principal:
    """The principal behind a login token or an API key; NotAuthenticated when it is unknown,
    ended, expired, revoked, or its user may not sign in.

    Logout, revocation, suspension and password changes delete the cached entries, so they
    count on the next request; the cache port is shared between processes when it is Redis.
    """
    return await authenticate_credential(deps, credential_of(token))


class Credential(msgspec.Struct, frozen=True, array_like=True):
    """A login token or API key as the server keeps it: its kind and digest, never itself."""

    via: str
    digest: str


def credential_of(token: str) -> Credential:
    return Credential("api_key" if token.startswith(API_KEY_PREFIX) else "session", token_digest(token))


async def authenticate_credential(deps: IdentityDeps, credential: Credential) -> Principal:
    """`authenticate` from the digest: a long-lived connection checks its caller again with it."""
    if credential.via == "api_key":
        return await _authenticate_key(deps, credential.digest)
    session_id = credential.digest
    now = now_us()
    raw = await deps.cache.get(_session_key(session_id))
    if raw is not None:
        session = msgspec.msgpack.decode(raw, type=_CachedSession)
    else:
        loaded = await UnitOfWork(deps.store, deps.codec, Context()).load(Session, session_id)
        if not loaded.exists or loaded.ended:
            raise NotAuthenticated(REVOKED)
        session = _CachedSession(loaded.user_id, loaded.started_at, loaded.expires_at)
        ttl = max(1, min(_session_cache_seconds(deps), (session.expires_at - now) // 1_000_000))
        await deps.cache.set(_session_key(session_id), msgspec.msgpack.encode(session), expires_in=ttl)
    if session.expires_at <= now or await deps.cache.get(_ended_key(session_id)) is not None:
        raise NotAuthenticated(REVOKED)
    facts = await _user_facts(deps, session.user_id)
    if not session_is_valid(
        state=facts.state,
        erased=facts.erased,
        sessions_valid_after=facts.sessions_valid_after,
        kept_session_id=facts.kept_session_id,
        session_id=session_id,
        started_at=session.started_at,
    ):
        raise NotAuthenticated(REVOKED)
    return _principal(session.user_id, facts, session_id, "session")


async def _authenticate_key(deps: IdentityDeps, digest: str) -> Principal:
    raw = await deps.cache.get(_api_key_key(digest))
    if raw is not None:
        user_id = raw.decode()
    else:
        claim = await UnitOfWork(deps.store, deps.codec, Context()).load(
            UniqueValue, UniqueValue.key("apikey", digest)
        )
        if claim.owner_id is None:
            raise NotAuthenticated(REVOKED)
        user_id = claim.owner_id
        await deps.cache.set(_api_key_key(digest), user_id.encode(), expires_in=deps.auth_cache_seconds * 12)
    facts = await _user_facts(deps, user_id)
    key_id = facts.active_keys.get(digest)
    if key_id is None or not can_sign_in(facts.state, facts.erased):
        raise NotAuthenticated(REVOKED)
    return _principal(user_id, facts, key_id, "api_key")


# ---- single-use tickets for WebSocket clients that cannot send headers ----

TICKET_SECONDS = 30


async def issue_ticket(deps: IdentityDeps, credential: Credential) -> str:
    """A random ticket standing for the caller's credential for TICKET_SECONDS, usable once. It
    goes in a URL, so it must be worthless soon: the long-lived token never does."""
    ticket = new_ticket()
    await deps.cache.set(
        _ticket_key(token_digest(ticket)), msgspec.msgpack.encode(credential), expires_in=TICKET_SECONDS
    )
    return ticket


async def redeem_ticket(deps: IdentityDeps, ticket: str) -> tuple[Principal, Credential]:
    digest = token_digest(ticket)
    raw = await deps.cache.get(_ticket_key(digest))
    # Counted atomically (shared by every process with Redis): only the first use gets through.
    uses, _ = await deps.counters.hit(f"ticket-used:{digest}", TICKET_SECONDS + 1)
    if raw is None or uses > 1:
        raise NotAuthenticated("The ticket is unknown, expired or already used; ask for a new one.")
    await deps.cache.delete(_ticket_key(digest))
    credential = msgspec.msgpack.decode(raw, type=Credential)
    return await authenticate_credential(deps, credential), credential


def _ticket_key(digest: str) -> str:
    return f"auth:ticket:{digest}"
