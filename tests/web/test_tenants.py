"""Airlines through HTTP: create, list, read, rename, history, races, read-your-writes."""

from __future__ import annotations

import asyncio

import pytest

from tests.web.conftest import Api


async def create(api: Api, headers: dict[str, str], name: str, icao: str) -> dict[str, object]:
    response = await api.client.post("/api/v1/tenants", json={"name": name, "icao": icao}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_created_airline_is_readable_with_read_your_writes(api: Api, admin: dict[str, str]) -> None:
    created = await create(api, admin, "Nova Air", "nva")
    assert isinstance(created["position"], int) and created["position"] > 0
    listed = await api.client.get(f"/api/v1/tenants?min_position={created['position']}", headers=admin)
    assert listed.status_code == 200
    body = listed.json()
    assert body["total"] == 1 and body["items"][0]["icao"] == "NVA" and body["items"][0]["name"] == "Nova Air"
    one = await api.client.get(
        f"/api/v1/tenants/{created['id']}?min_position={created['position']}", headers=admin
    )
    assert one.status_code == 200 and one.json()["id"] == created["id"]


async def test_rename_then_history_shows_every_event_with_its_actor(api: Api, admin: dict[str, str]) -> None:
    created = await create(api, admin, "Nova Air", "NVA")
    renamed = await api.client.patch(
        f"/api/v1/tenants/{created['id']}", json={"name": "Nova Atlantic"}, headers=admin
    )
    assert renamed.status_code == 200
    position = renamed.json()["position"]
    one = await api.client.get(f"/api/v1/tenants/{created['id']}?min_position={position}", headers=admin)
    assert one.json()["name"] == "Nova Atlantic" and one.json()["version"] == 2
    history = (await api.client.get(f"/api/v1/tenants/{created['id']}/history", headers=admin)).json()
    me = (await api.client.get("/api/v1/me", headers=admin)).json()
    assert [h["type"] for h in history] == ["TenantCreated", "TenantRenamed"]
    assert [h["version"] for h in history] == [1, 2]
    assert history[1]["data"] == {"name": "Nova Atlantic"}
    assert history[1]["position"] == position
    assert all(h["actor_id"] == me["id"] for h in history)


async def test_the_airline_code_is_unique(api: Api, admin: dict[str, str]) -> None:
    await create(api, admin, "Nova Air", "NVA")
    again = await api.client.post("/api/v1/tenants", json={"name": "Other", "icao": "nva"}, headers=admin)
    assert again.status_code == 409
    assert again.json()["type"] == "already-exists"
    assert again.json()["errors"] == [{"field": "icao", "message": "already taken"}]


async def test_two_concurrent_creates_with_one_code_give_one_201_and_one_409(
    api: Api, admin: dict[str, str]
) -> None:
    responses = await asyncio.gather(
        *(
            api.client.post("/api/v1/tenants", json={"name": f"Racer {n}", "icao": "RCE"}, headers=admin)
            for n in range(2)
        )
    )
    assert sorted(r.status_code for r in responses) == [201, 409]
    await api.services.runner.wait_for(await api.services.store.last_position(), 5)
    listed = (await api.client.get("/api/v1/tenants", headers=admin)).json()
    assert listed["total"] == 1


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"name": "Nova"}, {"icao"}),
        ({"name": "", "icao": "NVA"}, {"name"}),
        ({"name": "Nova", "icao": "NV1"}, {"icao"}),
        ({"name": "x" * 101, "icao": "NVA"}, {"name"}),
        ({"name": 5, "icao": "NVA"}, {"name"}),
        ({"name": "Nova", "icao": "NVA", "extra": 1}, {"extra"}),
    ],
)
async def test_bad_bodies_get_400_naming_the_fields_and_write_nothing(
    api: Api, admin: dict[str, str], body: dict[str, object], fields: set[str]
) -> None:
    before = await api.services.store.last_position()
    response = await api.client.post("/api/v1/tenants", json=body, headers=admin)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == "invalid-input"
    assert fields <= {e["field"] for e in response.json()["errors"]}
    assert await api.services.store.last_position() == before


async def test_a_body_that_is_not_json_is_a_400_problem(api: Api, admin: dict[str, str]) -> None:
    response = await api.client.post(
        "/api/v1/tenants", content=b"{not json", headers={**admin, "Content-Type": "application/json"}
    )
    assert response.status_code == 400 and response.json()["type"] == "invalid-input"


async def test_a_body_that_is_not_utf8_is_a_400_problem(api: Api, admin: dict[str, str]) -> None:
    response = await api.client.post(
        "/api/v1/tenants",
        content=b'{"name": "\xbd", "icao": "ABC"}',
        headers={**admin, "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.json()["type"] == "invalid-input"


async def test_unknown_airlines_are_404_problems(api: Api, admin: dict[str, str]) -> None:
    for response in (
        await api.client.get("/api/v1/tenants/nope", headers=admin),
        await api.client.patch("/api/v1/tenants/nope", json={"name": "X"}, headers=admin),
        await api.client.get("/api/v1/tenants/nope/history", headers=admin),
    ):
        assert response.status_code == 404 and response.json()["type"] == "not-found"


async def test_pages_are_ordered_by_name(api: Api, admin: dict[str, str]) -> None:
    for name, code in [("Charlie", "CCC"), ("Alpha", "AAA"), ("Bravo", "BBB")]:
        last = await create(api, admin, name, code)
    page = await api.client.get(
        f"/api/v1/tenants?limit=2&offset=1&min_position={last['position']}", headers=admin
    )
    body = page.json()
    assert [t["name"] for t in body["items"]] == ["Bravo", "Charlie"]
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 1)
    bad = await api.client.get("/api/v1/tenants?limit=0", headers=admin)
    assert bad.status_code == 400 and bad.json()["type"] == "invalid-input"


async def test_a_position_the_projections_do_not_reach_in_time_answers_503_with_retry_after(
    api: Api, admin: dict[str, str]
) -> None:
    api.runner.cancel()  # projections stop, the log goes on
    created = await create(api, admin, "Late Air", "LAT")
    response = await api.client.get(f"/api/v1/tenants?min_position={created['position']}", headers=admin)
    assert response.status_code == 503
    assert response.json()["type"] == "projection-lagging"
    assert int(response.headers["retry-after"]) >= 1


async def test_a_position_beyond_the_log_is_a_400_naming_min_position(
    api: Api, admin: dict[str, str]
) -> None:
    response = await api.client.get("/api/v1/tenants?min_position=999999", headers=admin)
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["min_position"]


async def test_health_ready_and_openapi(api: Api) -> None:
    assert (await api.client.get("/health")).json()["status"] == "ok"
    ready = await api.client.get("/ready")
    assert ready.status_code == 200
    checks = ready.json()["checks"]
    assert checks["migrations"]["ok"] and checks["event_store"]["ok"] and checks["projections"]["ok"]
    schema = (await api.client.get("/schema/openapi.json")).json()
    assert "/api/v1/tenants" in schema["paths"]


async def test_unknown_routes_and_methods_are_problems(api: Api) -> None:
    missing = await api.client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(
        "application/problem+json"
    )
    wrong = await api.client.delete("/api/v1/auth/login")
    assert wrong.status_code == 405 and wrong.headers["content-type"].startswith("application/problem+json")


async def test_an_airline_and_its_first_staff_account_are_created_together_or_not_at_all(
    api: Api, admin: dict[str, str]
) -> None:
    from albatross.identity.domain import Tenant, UniqueValue
    from albatross.identity.policy import Principal
    from albatross.identity.users import NewUser, handle_create_airline
    from albatross.kernel import AlreadyExists, Context, UnitOfWork

    operator = Principal(
        user_id="operator", username="admin", role="platform_admin", tenant_id=None,
        must_change_password=False, session_id="test",
    )  # fmt: skip
    deps, ctx = api.services.identity, Context(actor_id="operator")
    staff = NewUser(username="nova.boss", email="boss@nova.example", password="x" * 20, name="Nova Boss")
    made = (await handle_create_airline(deps, ctx, operator, "Nova Air", "NVA", staff)).value
    uow = UnitOfWork(api.services.store, api.services.codec, ctx)
    assert (await uow.load(Tenant, made.tenant_id)).icao == "NVA"
    headers = await api.login("nova.boss", "x" * 20)
    me = (await api.client.get("/api/v1/me", headers=headers)).json()
    assert (me["id"], me["role"], me["tenant_id"]) == (made.user_id, "tenant_admin", made.tenant_id)
    assert me["must_change_password"]

    head = await api.services.store.last_position()
    taken = NewUser(username="nova.boss", email="other@late.example", password="y" * 20, name="Late Boss")
    with pytest.raises(AlreadyExists) as refused:
        await handle_create_airline(deps, ctx, operator, "Late Air", "LAT", taken)
    assert "username" in refused.value.fields
    assert await api.services.store.last_position() == head  # no airline without its staff
    assert (await uow.load(UniqueValue, UniqueValue.key("icao", "LAT"))).owner_id is None
