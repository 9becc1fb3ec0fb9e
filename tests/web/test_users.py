"""Users through HTTP: accounts, roles, states, uniqueness, pilot ids, applications, limits."""

from __future__ import annotations

import asyncio

import pytest

from tests.web.conftest import MEMBER_PASSWORD, Api, Member


@pytest.fixture
async def airline(api: Api, admin: dict[str, str]) -> dict[str, object]:
    """An airline with an admin and a pilot (both past their one-time passwords)."""
    tenant_id = await api.tenant(admin, "Nova Air", "NVA")
    staff = await api.user(admin, "nova.admin", "tenant_admin", tenant_id)
    pilot = await api.user(staff.headers, "nova.pilot", "pilot")
    return {"id": tenant_id, "staff": staff, "pilot": pilot}


async def test_accounts_get_gap_free_pilot_ids_and_one_time_passwords(
    api: Api, admin: dict[str, str], airline: dict[str, object]
) -> None:
    await api.settle()
    staff, pilot = airline["staff"], airline["pilot"]
    assert isinstance(staff, Member) and isinstance(pilot, Member)
    me = (await api.client.get(f"/api/v1/users/{pilot.id}", headers=pilot.headers)).json()
    assert me["pilot_id"] == "NVA0002" and me["tenant_id"] == airline["id"]
    assert me["email"] == "nova.pilot@example.org" and me["name"] == "Nova.Pilot Tester"
    assert (await api.client.get(f"/api/v1/users/{staff.id}", headers=admin)).json()["pilot_id"] == "NVA0001"
    created = await api.client.post(
        "/api/v1/users",
        json={
            "username": "fresh",
            "email": "fresh@example.org",
            "password": "one-time password 1",
            "name": "F",
        },
        headers=staff.headers,
    )
    assert created.status_code == 201
    first = await api.login("fresh", "one-time password 1")
    blocked = await api.client.get("/api/v1/users", headers=first)
    assert blocked.status_code == 403 and blocked.json()["type"] == "password-change-required"


async def test_concurrent_registrations_of_one_username_give_one_201_and_one_409(
    api: Api, admin: dict[str, str], airline: dict[str, object]
) -> None:
    def body(n: int) -> dict[str, object]:
        return {
            "username": "twin",
            "email": f"twin{n}@example.org",
            "password": "a decent password",
            "name": "Twin",
            "tenant_id": airline["id"],
        }

    responses = await asyncio.gather(
        *(api.client.post("/api/v1/users", json=body(n), headers=admin) for n in (1, 2))
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    same_email = await api.client.post(
        "/api/v1/users",
        json={**body(3), "username": "other", "email": "NOVA.PILOT@example.org"},
        headers=admin,
    )
    assert same_email.status_code == 409 and same_email.json()["errors"][0]["field"] == "email"


async def test_concurrent_approvals_number_pilots_without_gaps_or_duplicates(
    api: Api, admin: dict[str, str], airline: dict[str, object]
) -> None:
    staff = airline["staff"]
    assert isinstance(staff, Member)
    opened = await api.client.patch(
        f"/api/v1/tenants/{airline['id']}", json={"applications_open": True}, headers=staff.headers
    )
    assert opened.status_code == 200
    ids = []
    for n in range(6):
        applied = await api.client.post(
            f"/api/v1/tenants/{airline['id']}/applications",
            json={
                "username": f"cand{n}",
                "email": f"cand{n}@example.org",
                "password": "a decent password",
                "name": "C",
            },
        )
        assert applied.status_code == 201, applied.text
        ids.append(applied.json()["id"])
        if n == 4:  # the per-address limit is 5 an hour
            break
    approvals = await asyncio.gather(
        *(api.client.post(f"/api/v1/users/{i}/approve", headers=staff.headers) for i in ids)
    )
    assert all(r.status_code == 200 and r.json()["state"] == "active" for r in approvals)
    await api.settle()
    listed = (
        await api.client.get(f"/api/v1/users?tenant_id={airline['id']}&limit=200", headers=admin)
    ).json()
    pilot_ids = sorted(u["pilot_id"] for u in listed["items"])
    assert pilot_ids == [f"NVA{n:04d}" for n in range(1, 8)]


async def test_applications_wait_for_staff_and_are_limited_per_address(
    api: Api, admin: dict[str, str], airline: dict[str, object]
) -> None:
    tenant_id, staff = airline["id"], airline["staff"]
    assert isinstance(staff, Member)
    application = {
        "username": "hopeful",
        "email": "h@example.org",
        "password": "a decent password",
        "name": "Hope",
    }
    closed = await api.client.post(f"/api/v1/tenants/{tenant_id}/applications", json=application)
    assert closed.status_code == 403 and closed.json()["type"] == "applications-closed"
    missing = await api.client.post("/api/v1/tenants/nope/applications", json=application)
    assert missing.status_code == 404
    await api.client.patch(
        f"/api/v1/tenants/{tenant_id}", json={"applications_open": True}, headers=staff.headers
    )
    applied = await api.client.post(f"/api/v1/tenants/{tenant_id}/applications", json=application)
    assert applied.status_code == 201 and applied.json()["state"] == "pending"
    pending_login = await api.client.post(
        "/api/v1/auth/login", json={"username": "hopeful", "password": "a decent password"}
    )
    assert pending_login.status_code == 401
    rejected = await api.client.post(
        f"/api/v1/users/{applied.json()['id']}/reject", json={"reason": "no"}, headers=staff.headers
    )
    assert rejected.json()["state"] == "rejected"
    again = await api.client.post(f"/api/v1/users/{applied.json()['id']}/approve", headers=staff.headers)
    assert again.status_code == 409 and again.json()["type"] == "invalid-state"
    for n in range(10):
        response = await api.client.post(
            f"/api/v1/tenants/{tenant_id}/applications",
            json={**application, "username": f"spam{n}", "email": f"s{n}@x.org"},
        )
        if response.status_code == 429:
            assert int(response.headers["retry-after"]) > 0
            break
    else:
        pytest.fail("applications were never limited")


async def test_who_may_create_whom(api: Api, admin: dict[str, str], airline: dict[str, object]) -> None:
    staff, pilot = airline["staff"], airline["pilot"]
    assert isinstance(staff, Member) and isinstance(pilot, Member)
    other = await api.tenant(admin, "Other Air", "OTH")
    base = {"email": "x@example.org", "password": "a decent password", "name": "X"}
    as_pilot = await api.client.post("/api/v1/users", json={**base, "username": "x1"}, headers=pilot.headers)
    assert as_pilot.status_code == 403
    elsewhere = await api.client.post(
        "/api/v1/users", json={**base, "username": "x2", "tenant_id": other}, headers=staff.headers
    )
    assert elsewhere.status_code == 404
    root = await api.client.post(
        "/api/v1/users", json={**base, "username": "x3", "role": "platform_admin"}, headers=staff.headers
    )
    assert root.status_code == 403
    no_tenant = await api.client.post("/api/v1/users", json={**base, "username": "x4"}, headers=admin)
    assert no_tenant.status_code == 400


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "at least 10 characters"),
        ("qwertyuiop", "commonly breached"),
        ("password123", "commonly breached"),
    ],
)
async def test_the_password_policy(
    api: Api, admin: dict[str, str], airline: dict[str, object], password: str, reason: str
) -> None:
    response = await api.client.post(
        "/api/v1/users",
        json={
            "username": "weak",
            "email": "w@example.org",
            "password": password,
            "name": "W",
            "tenant_id": airline["id"],
        },
        headers=admin,
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "password", "message": reason}]


async def test_suspension_stops_tokens_and_keys_on_the_next_request(
    api: Api, admin: dict[str, str], airline: dict[str, object]
) -> None:
    staff, pilot = airline["staff"], airline["pilot"]
    assert isinstance(staff, Member) and isinstance(pilot, Member)
    key = (
        await api.client.post(
            f"/api/v1/users/{pilot.id}/api-keys", json={"name": "tracker"}, headers=pilot.headers
        )
    ).json()["key"]
    assert (await api.client.get("/api/v1/me", headers={"X-API-Key": key})).status_code == 200
    suspended = await api.client.post(
        f"/api/v1/users/{pilot.id}/suspend", json={"reason": "x"}, headers=staff.headers
    )
    assert suspended.json()["state"] == "suspended"
    assert (await api.client.get("/api/v1/me", headers=pilot.headers)).status_code == 401
    assert (await api.client.get("/api/v1/me", headers={"X-API-Key": key})).status_code == 401
    login = await api.client.post(
        "/api/v1/auth/login", json={"username": pilot.username, "password": MEMBER_PASSWORD}
    )
    assert login.status_code == 401
    self_suspend = await api.client.post(f"/api/v1/users/{staff.id}/suspend", headers=staff.headers)
    assert self_suspend.status_code == 403
    await api.client.post(f"/api/v1/users/{pilot.id}/reactivate", headers=staff.headers)
    assert (await api.client.get("/api/v1/me", headers={"X-API-Key": key})).status_code == 200
    await api.login(pilot.username, MEMBER_PASSWORD)


async def test_details_and_roles(api: Api, admin: dict[str, str], airline: dict[str, object]) -> None:
    staff, pilot = airline["staff"], airline["pilot"]
    assert isinstance(staff, Member) and isinstance(pilot, Member)
    mine = await api.client.patch(
        f"/api/v1/users/{pilot.id}",
        json={"name": "Amelia E", "email": "amelia@example.org"},
        headers=pilot.headers,
    )
    assert mine.status_code == 200
    promote_self = await api.client.patch(
        f"/api/v1/users/{pilot.id}", json={"role": "tenant_admin"}, headers=pilot.headers
    )
    assert promote_self.status_code == 403
    to_root = await api.client.patch(
        f"/api/v1/users/{pilot.id}", json={"role": "platform_admin"}, headers=staff.headers
    )
    assert to_root.status_code == 400
    promoted = await api.client.patch(
        f"/api/v1/users/{pilot.id}", json={"role": "tenant_admin"}, headers=staff.headers
    )
    view = (
        await api.client.get(
            f"/api/v1/users/{pilot.id}?min_position={promoted.json()['position']}", headers=admin
        )
    ).json()
    assert (view["name"], view["email"], view["role"]) == ("Amelia E", "amelia@example.org", "tenant_admin")
    assert (await api.client.get("/api/v1/me", headers=pilot.headers)).json()["role"] == "tenant_admin"
    # the old email is free again, the new one is taken
    reuse = await api.client.post(
        "/api/v1/users",
        json={
            "username": "reuser",
            "email": "nova.pilot@example.org",
            "password": "a decent password",
            "name": "R",
            "tenant_id": airline["id"],
        },
        headers=admin,
    )
    assert reuse.status_code == 201


async def test_lists_are_scoped_and_emails_are_for_staff_and_self(
    api: Api, admin: dict[str, str], airline: dict[str, object]
) -> None:
    pilot = airline["pilot"]
    assert isinstance(pilot, Member)
    other = await api.tenant(admin, "Other Air", "OTH")
    outsider = await api.user(admin, "outsider", "pilot", other)
    await api.settle()
    everyone = (await api.client.get("/api/v1/users", headers=admin)).json()
    assert {u["username"] for u in everyone["items"]} == {"admin", "nova.admin", "nova.pilot", "outsider"}
    mine = (await api.client.get("/api/v1/users", headers=pilot.headers)).json()
    assert {u["username"] for u in mine["items"]} == {"nova.admin", "nova.pilot"}
    emails = {u["username"]: u["email"] for u in mine["items"]}
    assert emails == {"nova.admin": None, "nova.pilot": "nova.pilot@example.org"}
    assert (await api.client.get(f"/api/v1/users/{outsider.id}", headers=pilot.headers)).status_code == 404
    assert (
        await api.client.get(f"/api/v1/users?tenant_id={other}", headers=pilot.headers)
    ).status_code == 404


async def test_failed_logins_are_limited_per_account_alike_for_unknown_users(
    api: Api, admin: dict[str, str]
) -> None:
    for name in ("admin", "ghost"):
        answers = [
            await api.client.post(
                "/api/v1/auth/login", json={"username": name, "password": "wrong password!"}
            )
            for _ in range(11)
        ]
        assert [a.status_code for a in answers] == [401] * 10 + [429]
        assert int(answers[-1].headers["retry-after"]) > 0
        assert answers[-1].json()["type"] == "too-many-requests"
    blocked = await api.client.post(
        "/api/v1/auth/login", json={"username": "admin", "password": "a long and new password"}
    )
    assert blocked.status_code == 429  # even the right password waits out the window


async def test_parallel_guesses_cannot_slip_under_the_login_limit(api: Api, admin: dict[str, str]) -> None:
    answers = await asyncio.gather(
        *(
            api.client.post("/api/v1/auth/login", json={"username": "admin", "password": f"guess {n:04d}!"})
            for n in range(20)
        )
    )
    assert sorted(a.status_code for a in answers) == [401] * 10 + [429] * 10


async def test_parallel_applications_cannot_slip_under_the_address_limit(
    api: Api, admin: dict[str, str], airline: dict[str, object]
) -> None:
    staff = airline["staff"]
    assert isinstance(staff, Member)
    await api.client.patch(
        f"/api/v1/tenants/{airline['id']}", json={"applications_open": True}, headers=staff.headers
    )
    answers = await asyncio.gather(
        *(
            api.client.post(
                f"/api/v1/tenants/{airline['id']}/applications",
                json={
                    "username": f"rush{n}",
                    "email": f"rush{n}@example.org",
                    "password": "a decent password",
                    "name": "R",
                },
            )
            for n in range(10)
        )
    )
    assert sorted(a.status_code for a in answers) == [201] * 5 + [429] * 5


async def test_an_empty_change_is_still_authorized(
    api: Api, admin: dict[str, str], airline: dict[str, object]
) -> None:
    pilot = airline["pilot"]
    assert isinstance(pilot, Member)
    other = await api.tenant(admin, "Other Air", "OTH")
    outsider = await api.user(admin, "outsider", "pilot", other)
    assert (
        await api.client.patch(f"/api/v1/users/{pilot.id}", json={}, headers=outsider.headers)
    ).status_code == 404
    me = (await api.client.get("/api/v1/me", headers=admin)).json()
    assert (
        await api.client.patch(f"/api/v1/users/{me['id']}", json={}, headers=outsider.headers)
    ).status_code == 404
    assert (
        await api.client.patch(f"/api/v1/users/{pilot.id}", json={}, headers=pilot.headers)
    ).status_code == 200


async def test_an_api_key_cannot_mint_keys_erase_or_change_the_password(
    api: Api, admin: dict[str, str], airline: dict[str, object]
) -> None:
    pilot = airline["pilot"]
    assert isinstance(pilot, Member)
    key = (
        await api.client.post(f"/api/v1/users/{pilot.id}/api-keys", json={"name": "k"}, headers=pilot.headers)
    ).json()["key"]
    with_key = {"X-API-Key": key}
    assert (
        await api.client.post(f"/api/v1/users/{pilot.id}/api-keys", json={"name": "x"}, headers=with_key)
    ).status_code == 403
    assert (await api.client.delete(f"/api/v1/users/{pilot.id}", headers=with_key)).status_code == 403
    change = {"current_password": MEMBER_PASSWORD, "new_password": "another long password"}
    assert (await api.client.post("/api/v1/auth/password", json=change, headers=with_key)).status_code == 403
    assert (await api.client.get("/api/v1/me", headers=with_key)).status_code == 200  # it still flies


async def test_applicants_learn_nothing_about_registered_emails_and_rejection_frees_them(
    api: Api, admin: dict[str, str], airline: dict[str, object]
) -> None:
    staff = airline["staff"]
    assert isinstance(staff, Member)
    await api.client.patch(
        f"/api/v1/tenants/{airline['id']}", json={"applications_open": True}, headers=staff.headers
    )
    url = f"/api/v1/tenants/{airline['id']}/applications"
    taken = await api.client.post(
        url,
        json={
            "username": "newbie",
            "email": "nova.pilot@example.org",
            "password": "a decent password",
            "name": "N",
        },
    )
    assert taken.status_code == 409
    assert "errors" not in taken.json() and "nova" not in taken.text
    applied = await api.client.post(
        url,
        json={
            "username": "hopeful",
            "email": "hope@example.org",
            "password": "a decent password",
            "name": "H",
        },
    )
    await api.settle()
    roster = (await api.client.get("/api/v1/users", headers=airline["pilot"].headers)).json()  # type: ignore[union-attr]
    assert "hopeful" not in {u["username"] for u in roster["items"]}  # pilots see members, not applicants
    await api.client.post(f"/api/v1/users/{applied.json()['id']}/reject", headers=staff.headers)
    again = await api.client.post(
        url,
        json={
            "username": "hopeful2",
            "email": "hope@example.org",
            "password": "a decent password",
            "name": "H",
        },
    )
    assert again.status_code == 201
