"""Login, one-time passwords, password change and logout through HTTP."""

from __future__ import annotations

import logging

import pytest

from tests.web.conftest import ADMIN_PASSWORD, Api

PROBLEM = "application/problem+json"


async def test_the_one_time_password_allows_only_me_password_change_and_logout(api: Api) -> None:
    response = await api.client.post(
        "/api/v1/auth/login", json={"username": "admin", "password": api.one_time_password}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["must_change_password"] is True
    assert body["token"].startswith("albs_") and len(body["token"]) >= 40
    headers = {"Authorization": f"Bearer {body['token']}"}

    blocked = await api.client.get("/api/v1/tenants", headers=headers)
    assert blocked.status_code == 403
    assert blocked.headers["content-type"].startswith(PROBLEM)
    assert blocked.json()["type"] == "password-change-required"
    blocked = await api.client.post("/api/v1/tenants", json={"name": "X", "icao": "XXX"}, headers=headers)
    assert blocked.json()["type"] == "password-change-required"

    me = await api.client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["username"] == "admin" and me.json()["role"] == "platform_admin"
    assert me.json()["must_change_password"] is True


async def test_after_the_change_the_same_token_works_and_only_the_new_password_logs_in(
    api: Api, admin: dict[str, str]
) -> None:
    assert (await api.client.get("/api/v1/tenants", headers=admin)).status_code == 200
    assert (await api.client.get("/api/v1/me", headers=admin)).json()["must_change_password"] is False
    old = await api.client.post(
        "/api/v1/auth/login", json={"username": "admin", "password": api.one_time_password}
    )
    assert old.status_code == 401
    new = await api.client.post("/api/v1/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD})
    assert new.status_code == 200 and new.json()["must_change_password"] is False


async def test_a_password_change_ends_the_other_sessions_at_once(api: Api) -> None:
    first = await api.login("admin", api.one_time_password)
    second = await api.login("admin", api.one_time_password)
    assert (await api.client.get("/api/v1/me", headers=second)).status_code == 200
    response = await api.client.post(
        "/api/v1/auth/password",
        json={"current_password": api.one_time_password, "new_password": ADMIN_PASSWORD},
        headers=first,
    )
    assert response.status_code == 204
    assert int(response.headers["x-albatross-position"]) > 0
    assert (await api.client.get("/api/v1/me", headers=second)).status_code == 401
    assert (await api.client.get("/api/v1/me", headers=first)).status_code == 200


async def test_unknown_user_and_wrong_password_get_the_same_answer(api: Api) -> None:
    unknown = await api.client.post(
        "/api/v1/auth/login", json={"username": "nobody", "password": "whatever1234"}
    )
    wrong = await api.client.post(
        "/api/v1/auth/login", json={"username": "admin", "password": "whatever1234"}
    )
    invalid = await api.client.post("/api/v1/auth/login", json={"username": "no such!", "password": "x"})
    assert unknown.status_code == wrong.status_code == invalid.status_code == 401
    assert unknown.json() == wrong.json() == invalid.json()
    assert unknown.headers["content-type"].startswith(PROBLEM)
    assert "www-authenticate" in wrong.headers


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_password": "x"}, "new_password"),
        ({"current_password": "x", "new_password": "short"}, "new_password"),
        ({"current_password": "x", "new_password": 12345678901}, "new_password"),
    ],
)
async def test_bad_password_change_bodies_name_the_field(
    api: Api, admin: dict[str, str], body: dict[str, object], field: str
) -> None:
    response = await api.client.post("/api/v1/auth/password", json=body, headers=admin)
    assert response.status_code == 400
    assert response.json()["type"] == "invalid-input"
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_a_wrong_current_password_changes_nothing(api: Api, admin: dict[str, str]) -> None:
    response = await api.client.post(
        "/api/v1/auth/password",
        json={"current_password": "not my password", "new_password": "another long password"},
        headers=admin,
    )
    assert response.status_code == 403 and response.json()["type"] == "wrong-password"
    await api.login("admin", ADMIN_PASSWORD)


async def test_logout_kills_the_token_at_once(api: Api, admin: dict[str, str]) -> None:
    assert (await api.client.post("/api/v1/auth/logout", headers=admin)).status_code == 204
    after = await api.client.get("/api/v1/me", headers=admin)
    assert after.status_code == 401 and after.json()["type"] == "not-authenticated"


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer ", "Basic abc", "Bearer albs_forged-token-that-does-not-exist"]
)
async def test_missing_or_unknown_tokens_get_401_problems(api: Api, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = await api.client.get("/api/v1/tenants", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_no_secret_reaches_the_logs(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    headers = await api.login("admin", api.one_time_password)
    await api.client.post(
        "/api/v1/auth/password",
        json={"current_password": api.one_time_password, "new_password": ADMIN_PASSWORD},
        headers=headers,
    )
    await api.client.post("/api/v1/auth/login", json={"username": "admin", "password": "wrong password!"})
    tenant = await api.client.post(
        "/api/v1/tenants", json={"name": "Log Air", "icao": "LOG"}, headers=headers
    )
    tenant_id = tenant.json()["id"]
    created = await api.client.post(
        "/api/v1/users",
        json={
            "username": "logger",
            "email": "l@example.org",
            "password": "one-time secret 1",
            "name": "L",
            "tenant_id": tenant_id,
        },
        headers=headers,
    )
    user_id = created.json()["id"]
    issued = await api.client.post(f"/api/v1/users/{user_id}/api-keys", json={"name": "k"}, headers=headers)
    key = issued.json()["key"]
    await api.client.get("/api/v1/me", headers={"X-API-Key": key})
    await api.client.delete(f"/api/v1/users/{user_id}/api-keys/{issued.json()['id']}", headers=headers)
    await api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    await api.client.patch(f"/api/v1/tenants/{tenant_id}", json={"applications_open": True}, headers=headers)
    await api.client.post(
        f"/api/v1/tenants/{tenant_id}/applications",
        json={
            "username": "applicant",
            "email": "a@example.org",
            "password": "applicant secret 1",
            "name": "A",
        },
    )
    await api.client.post("/api/v1/auth/logout", headers=headers)
    token = headers["Authorization"].removeprefix("Bearer ")
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    secrets = (
        api.one_time_password,
        ADMIN_PASSWORD,
        "wrong password!",
        token,
        key,
        "one-time secret 1",
        "applicant secret 1",
    )
    for secret in secrets:
        assert secret not in logged
