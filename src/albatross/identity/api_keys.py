"""API keys for flight-tracking clients and scripts: shown once, stored as a digest."""

from __future__ import annotations

import uuid

import msgspec

from albatross.identity.auth import forget_user
from albatross.identity.commands import IdentityDeps, run
from albatross.identity.domain import ApiKeyUsed, UniqueValue, User
from albatross.identity.passwords import API_KEY_VISIBLE, new_api_key, token_digest
from albatross.identity.policy import Action, Principal, authorize_on_user
from albatross.kernel import CommandResult, Context, NotFound, UnitOfWork
from albatross.kernel.unit_of_work import now_us

USE_RECORDED_EVERY_SECONDS = 300


class IssuedKey(msgspec.Struct, frozen=True):
    id: str
    name: str
    key: str
    created_at: int


class KeyView(msgspec.Struct, frozen=True):
    id: str
    name: str
    prefix: str
    created_at: int
    last_used_at: int | None
    revoked_at: int | None


async def _owner(uow: UnitOfWork, principal: Principal, user_id: str) -> User:
    user = await uow.load(User, user_id)
    if not user.exists or user.erased:
        raise NotFound("No such user.")
    authorize_on_user(
        principal, Action.MANAGE_API_KEYS, user_id=user_id, tenant_id=user.tenant_id, role=user.role
    )
    return user


async def handle_issue_api_key(
    deps: IdentityDeps, ctx: Context, principal: Principal, user_id: str, name: str
) -> CommandResult[IssuedKey]:
    key = new_api_key()
    digest = token_digest(key)
    key_id = str(uuid.uuid4())

    async def issue(uow: UnitOfWork) -> IssuedKey:
        user = await _owner(uow, principal, user_id)
        now = now_us()
        uow.record(user, user.issue_api_key(key_id, name, key[:API_KEY_VISIBLE], digest, now))
        # The digest's claim stream is how a request's key finds its user, race-free.
        claim = await uow.load(UniqueValue, UniqueValue.key("apikey", digest))
        uow.record(claim, claim.claim("apikey", digest, user_id, "API key"))
        return IssuedKey(key_id, user.api_keys[key_id].name, key, now)

    result = await run(deps, ctx, issue)
    await forget_user(deps, user_id, result.position)
    return result


async def handle_revoke_api_key(
    deps: IdentityDeps, ctx: Context, principal: Principal, user_id: str, key_id: str
) -> CommandResult[None]:
    async def revoke(uow: UnitOfWork) -> None:
        user = await _owner(uow, principal, user_id)
        uow.record(user, user.revoke_api_key(key_id, now_us()))

    result = await run(deps, ctx, revoke)
    await forget_user(deps, user_id, result.position)  # the next request finds the key revoked
    return result


async def list_api_keys(deps: IdentityDeps, principal: Principal, user_id: str) -> list[KeyView]:
    """Straight from the user's stream, so a key just issued or revoked shows at once."""
    user = await _owner(UnitOfWork(deps.store, deps.codec, Context()), principal, user_id)
    return [
        KeyView(k.id, k.name, k.prefix, k.created_at, k.last_used_at, k.revoked_at)
        for k in sorted(user.api_keys.values(), key=lambda k: k.created_at)
    ]


async def record_key_use(deps: IdentityDeps, principal: Principal) -> None:
    """Note that a key was used, at most every few minutes per key (an event, so it is audited)."""
    if principal.via != "api_key":
        return
    marker = f"apikey-used:{principal.session_id}"
    if await deps.cache.get(marker) is not None:
        return
    await deps.cache.set(marker, b"1", expires_in=USE_RECORDED_EVERY_SECONDS)

    async def used(uow: UnitOfWork) -> None:
        user = await uow.load(User, principal.user_id)
        if principal.session_id in user.api_keys:
            uow.record(user, [ApiKeyUsed(key_id=principal.session_id, used_at=now_us())])

    await run(deps, Context(actor_id=principal.user_id), used)
