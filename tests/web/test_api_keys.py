"""API keys: shown once, stored as a digest, usable as Bearer or X-API-Key, revoked at once."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.web.conftest import Api, Member


@pytest.fixture
async def pilot(api: Api, admin: dict[str, str]) -> Member:
    tenant_id = await api.tenant(admin, "Nova Air", "NVA")
    return await api.user(admin, "keyholder", "pilot", tenant_id)


async def test_a_key_is_shown_once_and_only_its_digest_is_kept(api: Api, pilot: Member) -> None:
    issued = await api.client.post(
        f"/api/v1/users/{pilot.id}/api-keys", json={"name": "smartCARS"}, headers=pilot.headers
    )
    assert issued.status_code == 201
    body = issued.json()
    key = body["key"]
    assert key.startswith("alb_") and len(key) >= 4 + 43  # 256 bits, base64url
    assert set(body) == {"id", "name", "key", "created_at", "position"}
    listed = (await api.client.get(f"/api/v1/users/{pilot.id}/api-keys", headers=pilot.headers)).json()
    assert listed == [
        {
            "id": body["id"],
            "name": "smartCARS",
            "prefix": key[:12],
            "created_at": body["created_at"],
            "last_used_at": None,
            "revoked_at": None,
        }
    ]
    await api.settle()
    database = api.services.runner.read_models.writer  # type: ignore[attr-defined]
    async with database.connect() as conn:
        payloads = [row[0] for row in await conn.execute(text("SELECT payload FROM events"))]
    assert not any(key.encode() in p or key[12:].encode() in p for p in payloads)


async def test_a_key_authenticates_as_bearer_and_as_x_api_key_and_records_its_use(
    api: Api, pilot: Member
) -> None:
    key = (
        await api.client.post(
            f"/api/v1/users/{pilot.id}/api-keys", json={"name": "acars"}, headers=pilot.headers
        )
    ).json()["key"]
    for headers in ({"Authorization": f"Bearer {key}"}, {"X-API-Key": key}):
        me = await api.client.get("/api/v1/me", headers=headers)
        assert me.status_code == 200 and me.json()["id"] == pilot.id
    listed = (await api.client.get(f"/api/v1/users/{pilot.id}/api-keys", headers=pilot.headers)).json()
    assert listed[0]["last_used_at"] is not None
    cannot_logout = await api.client.post("/api/v1/auth/logout", headers={"X-API-Key": key})
    assert cannot_logout.status_code == 400


async def test_a_revoked_key_answers_401_on_the_very_next_request(api: Api, pilot: Member) -> None:
    issued = (
        await api.client.post(f"/api/v1/users/{pilot.id}/api-keys", json={"name": "x"}, headers=pilot.headers)
    ).json()
    headers = {"X-API-Key": issued["key"]}
    assert (await api.client.get("/api/v1/me", headers=headers)).status_code == 200  # now cached
    revoked = await api.client.delete(
        f"/api/v1/users/{pilot.id}/api-keys/{issued['id']}", headers=pilot.headers
    )
    assert revoked.status_code == 204
    assert (await api.client.get("/api/v1/me", headers=headers)).status_code == 401
    listed = (await api.client.get(f"/api/v1/users/{pilot.id}/api-keys", headers=pilot.headers)).json()
    assert listed[0]["revoked_at"] is not None
    unknown = await api.client.get("/api/v1/me", headers={"X-API-Key": "alb_" + "A" * 43})
    assert unknown.status_code == 401


async def test_keys_are_managed_by_self_staff_of_the_airline_and_platform_admins(
    api: Api, admin: dict[str, str], pilot: Member
) -> None:
    me = (await api.client.get("/api/v1/me", headers=pilot.headers)).json()
    colleague = await api.user(admin, "colleague", "pilot", me["tenant_id"])
    staff = await api.user(admin, "staff", "tenant_admin", me["tenant_id"])
    other_tenant = await api.tenant(admin, "Other Air", "OTH")
    stranger = await api.user(admin, "stranger", "tenant_admin", other_tenant)
    url = f"/api/v1/users/{pilot.id}/api-keys"
    assert (await api.client.post(url, json={"name": "s"}, headers=staff.headers)).status_code == 201
    assert (await api.client.post(url, json={"name": "a"}, headers=admin)).status_code == 201
    assert (await api.client.get(url, headers=colleague.headers)).status_code == 403
    assert (await api.client.get(url, headers=stranger.headers)).status_code == 404
