"""Identity rules as given-events / when-command / then-events (or then-error)."""

from __future__ import annotations

import pytest

from albatross.identity.domain import (
    PasswordSet,
    Session,
    SessionEnded,
    SessionStarted,
    Tenant,
    TenantCreated,
    TenantRenamed,
    UniqueValue,
    User,
    UserRegistered,
    ValueClaimed,
    ValueReleased,
    check_new_password,
    session_is_valid,
)
from albatross.kernel import AlreadyExists, InvalidInput


def test_a_tenant_is_created_with_a_clean_name_and_an_upper_case_code() -> None:
    assert Tenant("t1").create("  Nova   Air ", "nva") == [
        TenantCreated(tenant_id="t1", name="Nova Air", icao="NVA")
    ]


@pytest.mark.parametrize("icao", ["NV", "NVAX", "N1A", "", "ÄBC"])
def test_a_tenant_code_must_be_three_letters(icao: str) -> None:
    with pytest.raises(InvalidInput) as error:
        Tenant("t1").create("Nova", icao)
    assert "icao" in error.value.fields


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_tenant_name_must_be_1_to_100_characters(name: str) -> None:
    with pytest.raises(InvalidInput) as error:
        Tenant("t1").create(name, "NVA")
    assert "name" in error.value.fields


def test_an_existing_tenant_cannot_be_created_again() -> None:
    tenant = Tenant.fold("t1", [TenantCreated(tenant_id="t1", name="Nova", icao="NVA")])
    with pytest.raises(AlreadyExists):
        tenant.create("Nova", "NVA")


def test_renaming_records_the_new_name_and_the_same_name_records_nothing() -> None:
    tenant = Tenant.fold("t1", [TenantCreated(tenant_id="t1", name="Nova", icao="NVA")])
    assert tenant.rename("Nova Air") == [TenantRenamed(name="Nova Air")]
    assert tenant.rename(" Nova ") == []
    renamed = Tenant.fold(
        "t1", [TenantCreated(tenant_id="t1", name="Nova", icao="NVA"), TenantRenamed(name="B")]
    )
    assert (renamed.name, renamed.icao, renamed.version) == ("B", "NVA", 2)


def test_a_value_can_be_claimed_once_and_again_after_release() -> None:
    free = UniqueValue("icao:NVA")
    assert free.claim("icao", "NVA", "t1", "Code") == [ValueClaimed(kind="icao", value="NVA", owner_id="t1")]
    taken = UniqueValue.fold("icao:NVA", [ValueClaimed(kind="icao", value="NVA", owner_id="t1")])
    assert taken.claim("icao", "NVA", "t1", "Code") == []  # idempotent for its owner
    with pytest.raises(AlreadyExists) as error:
        taken.claim("icao", "NVA", "t2", "Code")
    assert error.value.fields == {"icao": "already taken"}
    released = UniqueValue.fold(
        "icao:NVA", [ValueClaimed(kind="icao", value="NVA", owner_id="t1"), ValueReleased(owner_id="t1")]
    )
    assert released.claim("icao", "NVA", "t2", "Code") == [
        ValueClaimed(kind="icao", value="NVA", owner_id="t2")
    ]


def test_only_a_platform_admin_has_no_tenant() -> None:
    assert User("u1").register("Admin", "platform_admin", None) == [
        UserRegistered(user_id="u1", username="admin", role="platform_admin", tenant_id=None)
    ]
    with pytest.raises(InvalidInput):
        User("u1").register("pilot1", "pilot", None)
    with pytest.raises(InvalidInput):
        User("u1").register("root", "platform_admin", "t1")


@pytest.mark.parametrize("password", ["short", "x" * 257, "admin", " ADMIN "])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(InvalidInput):
        check_new_password(password, username="admin" if "admin" in password.lower() else "someone")


def test_a_password_change_ends_older_sessions_except_the_one_that_made_it() -> None:
    user = User.fold(
        "u1",
        [
            UserRegistered(user_id="u1", username="admin", role="platform_admin"),
            PasswordSet(
                password_hash="h2", must_change=False, revoke_sessions_before=100, kept_session_id="s-kept"
            ),
        ],
    )
    check = dict(
        state=user.state,
        erased=user.erased,
        sessions_valid_after=user.sessions_valid_after,
        kept_session_id=user.kept_session_id,
    )
    assert not session_is_valid(**check, session_id="s-old", started_at=50)
    assert session_is_valid(**check, session_id="s-kept", started_at=50)
    assert session_is_valid(**check, session_id="s-new", started_at=150)
    assert not session_is_valid(**{**check, "state": "suspended"}, session_id="s-new", started_at=150)
    assert not session_is_valid(**{**check, "erased": True}, session_id="s-new", started_at=150)
    assert session_is_valid(**{**check, "state": "on_leave"}, session_id="s-new", started_at=150)


def test_a_session_ends_once() -> None:
    user = User.fold("u1", [UserRegistered(user_id="u1", username="p", role="pilot", tenant_id="t1")])
    started = Session("s1").start(user, now=10, ttl_us=5)
    assert started == [SessionStarted(user_id="u1", tenant_id="t1", started_at=10, expires_at=15)]
    session = Session.fold("s1", started)
    assert session.end("logout") == [SessionEnded(reason="logout")]
    assert Session.fold("s1", [*started, SessionEnded(reason="logout")]).end("logout") == []
    assert Session("unknown").end("logout") == []
