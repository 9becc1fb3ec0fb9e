"""Authentication rules that need no HTTP: hash upgrades, reset, races with the cache."""

from __future__ import annotations

import msgspec
import pytest
from argon2 import PasswordHasher

from albatross.identity import auth, passwords
from albatross.identity.auth import (
    _CachedSession,
    _session_key,
    _user_key,
    authenticate,
    handle_create_platform_admin,
    handle_login,
    handle_logout,
    handle_reset_password,
)
from albatross.identity.domain import PasswordSet, User
from albatross.kernel import Context, NotAuthenticated, UnitOfWork
from albatross.kernel.unit_of_work import now_us
from albatross.services import Services


async def admin_with_password(services: Services, password: str, hasher: PasswordHasher | None = None) -> str:
    await handle_create_platform_admin(services.identity)
    uow = UnitOfWork(services.store, services.codec, Context())
    user = await auth.find_user(uow, "admin")
    assert user is not None
    password_hash = (hasher or passwords.HASHER).hash(password)
    uow.record(user, [PasswordSet(password_hash=password_hash, must_change=False, revoke_sessions_before=0)])
    await uow.commit()
    return user.id


async def test_a_hash_with_weaker_parameters_is_upgraded_at_login(services: Services) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    user_id = await admin_with_password(services, "the right password", weak)
    await handle_login(services.identity, "admin", "the right password")
    user = await UnitOfWork(services.store, services.codec, Context()).load(User, user_id)
    assert not passwords.needs_rehash(user.password_hash)
    assert "m=19456,t=2,p=1" in user.password_hash
    events = [e.event_type for e in await services.store.read_stream(User.stream_id(user_id))]
    assert events[-1] == "PasswordRehashed"
    await handle_login(services.identity, "admin", "the right password")  # still the same password


async def test_unknown_users_cost_a_full_verification_too(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    await admin_with_password(services, "the right password")
    calls: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            calls.append(str(hash))
            return super().verify(hash, password)

    monkeypatch.setattr(
        passwords, "HASHER", CountingHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
    )
    for username in ("nobody", "admin"):
        with pytest.raises(NotAuthenticated) as error:
            await handle_login(services.identity, username, "wrong password!")
        assert error.value.detail == auth.WRONG_CREDENTIALS
    assert len(calls) == 2 and all(h.startswith("$argon2id$") for h in calls)


async def test_reset_password_ends_every_session(services: Services) -> None:
    await admin_with_password(services, "the right password")
    login = await handle_login(services.identity, "admin", "the right password")
    await authenticate(services.identity, login.token)
    new_password = await handle_reset_password(services.identity, "admin")
    with pytest.raises(NotAuthenticated):
        await authenticate(services.identity, login.token)
    with pytest.raises(NotAuthenticated):
        await handle_login(services.identity, "admin", "the right password")
    fresh = await handle_login(services.identity, "admin", new_password)
    assert fresh.must_change_password


async def test_a_session_put_back_in_the_cache_after_logout_is_still_refused(services: Services) -> None:
    await admin_with_password(services, "the right password")
    login = await handle_login(services.identity, "admin", "the right password")
    principal = await authenticate(services.identity, login.token)
    # A request that read the session just before the logout writes it back just after.
    stale = _CachedSession(principal.user_id, now_us() - 1, login.expires_at)
    await handle_logout(services.identity, Context(), principal)
    await services.cache.set(_session_key(principal.session_id), msgspec.msgpack.encode(stale), expires_in=60)
    with pytest.raises(NotAuthenticated):
        await authenticate(services.identity, login.token)


async def test_user_facts_put_back_in_the_cache_after_a_change_are_not_trusted(services: Services) -> None:
    await admin_with_password(services, "the right password")
    login = await handle_login(services.identity, "admin", "the right password")
    principal = await authenticate(services.identity, login.token)
    stale = await services.cache.get(_user_key(principal.user_id))
    assert stale is not None
    await handle_reset_password(services.identity, "admin")  # ends the session, stamps the user
    await services.cache.set(_user_key(principal.user_id), stale, expires_in=60)
    with pytest.raises(NotAuthenticated):
        await authenticate(services.identity, login.token)
