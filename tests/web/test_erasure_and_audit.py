"""Erasure by crypto-shredding, and the audit trail."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from albatross.bootstrap import database_path
from tests.web.conftest import Api, Member

EMAIL = "zelda.erasable@example.org"
NAME = "Zelda Quintessa Erasable"
FIRST_NAME = "Hildegard Firstname"


async def test_erasure_leaves_no_trace_of_email_or_name_but_the_log_untouched(
    api: Api, admin: dict[str, str]
) -> None:
    tenant_id = await api.tenant(admin, "Nova Air", "NVA")
    created = await api.client.post(
        "/api/v1/users",
        json={
            "username": "zelda",
            "email": EMAIL,
            "password": "one-time password 1",
            "name": "Zelda",
            "tenant_id": tenant_id,
        },
        headers=admin,
    )
    user_id = created.json()["id"]
    await api.client.patch(f"/api/v1/users/{user_id}", json={"name": NAME}, headers=admin)
    token = await api.login("zelda", "one-time password 1")
    await api.settle()
    assert (await api.client.get(f"/api/v1/users/{user_id}", headers=admin)).json()["name"] == NAME
    before = await api.services.store.read_all(limit=100_000)

    erased = await api.client.delete(f"/api/v1/users/{user_id}", headers=admin)
    assert erased.status_code == 204
    view = (
        await api.client.get(
            f"/api/v1/users/{user_id}?min_position={erased.headers['x-albatross-position']}", headers=admin
        )
    ).json()
    assert (view["erased"], view["name"], view["email"]) == (True, "Erased user", None)
    assert (await api.client.get("/api/v1/me", headers=token)).status_code == 401
    head = await api.services.store.last_position()
    again = await api.client.delete(f"/api/v1/users/{user_id}", headers=admin)  # a retry finishes the job
    assert again.status_code == 204 and await api.services.store.last_position() == head
    database = api.services.runner.read_models.writer  # type: ignore[attr-defined]
    async with database.connect() as conn:
        keys = (
            await conn.execute(text("SELECT count(*) FROM vault_keys WHERE subject_id = :s"), {"s": user_id})
        ).scalar_one()
    assert keys == 0

    api.runner.cancel()
    await api.services.runner.rebuild()
    after = await api.services.store.read_all(limit=100_000)
    assert after[: len(before)] == before  # not one stored byte of the log changed
    assert [e.event_type for e in after[len(before) :]][-1] == "UserErased"

    path = database_path(api.services.settings)
    assert path is not None
    for file in (path, Path(f"{path}-wal")):
        if file.exists():
            content = file.read_bytes().lower()
            assert EMAIL.encode() not in content, file
            assert NAME.lower().encode() not in content, file
            assert FIRST_NAME.lower().encode() not in content


async def test_an_erased_persons_email_can_be_used_again(api: Api, admin: dict[str, str]) -> None:
    tenant_id = await api.tenant(admin, "Nova Air", "NVA")
    first = await api.user(admin, "first", "pilot", tenant_id)
    assert (await api.client.delete(f"/api/v1/users/{first.id}", headers=first.headers)).status_code == 204
    again = await api.client.post(
        "/api/v1/users",
        json={
            "username": "second",
            "email": "first@example.org",
            "password": "a decent password",
            "name": "S",
            "tenant_id": tenant_id,
        },
        headers=admin,
    )
    assert again.status_code == 201
    taken = await api.client.post(
        "/api/v1/users",
        json={
            "username": "first",
            "email": "new@example.org",
            "password": "a decent password",
            "name": "S",
            "tenant_id": tenant_id,
        },
        headers=admin,
    )
    assert taken.status_code == 409  # usernames stay reserved: nobody can take over a former handle


async def test_the_audit_trail_is_scoped_filtered_and_paged(api: Api, admin: dict[str, str]) -> None:
    nova = await api.tenant(admin, "Nova Air", "NVA")
    other = await api.tenant(admin, "Other Air", "OTH")
    staff: Member = await api.user(admin, "nova.staff", "tenant_admin", nova)
    await api.client.patch(f"/api/v1/tenants/{nova}", json={"name": "Nova Atlantic"}, headers=staff.headers)
    everything = (await api.client.get("/api/v1/audit?limit=500", headers=admin)).json()["items"]
    positions = [e["position"] for e in everything]
    assert positions == sorted(positions, reverse=True)
    assert {e["tenant_id"] for e in everything} >= {nova, other, None}
    mine = (await api.client.get("/api/v1/audit?limit=500", headers=staff.headers)).json()["items"]
    assert mine and {e["tenant_id"] for e in mine} == {nova}
    renamed = [e for e in mine if e["type"] == "TenantRenamed"]
    assert renamed and renamed[0]["actor_id"] == staff.id
    by_actor = (
        await api.client.get(f"/api/v1/audit?actor_id={staff.id}&event_type=TenantRenamed", headers=admin)
    ).json()
    assert [e["position"] for e in by_actor["items"]] == [renamed[0]["position"]]
    assert (
        await api.client.get(f"/api/v1/audit?tenant_id={other}", headers=staff.headers)
    ).status_code == 404
    page = (await api.client.get("/api/v1/audit?limit=2", headers=admin)).json()
    assert len(page["items"]) == 2
    older = (
        await api.client.get(
            f"/api/v1/audit?limit=2&before_position={page['next_before_position']}", headers=admin
        )
    ).json()
    assert older["items"][0]["position"] < page["items"][-1]["position"]
    pilot = await api.user(admin, "nova.pilot", "pilot", nova)
    assert (await api.client.get("/api/v1/audit", headers=pilot.headers)).status_code == 403
