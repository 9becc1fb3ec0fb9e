"""Two `serve` and two `worker` processes against the same PostgreSQL, Redis and RabbitMQ."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import websockets

from tests.production.processes import Cluster, empty_services, production_environment


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    environ = production_environment()
    await empty_services()
    made = Cluster(environ, tmp_path)
    try:
        yield made
    finally:
        made.stop()


async def test_what_one_serve_process_writes_the_other_reads_and_revocations_reach_it(
    cluster: Cluster,
) -> None:
    a, b = (httpx.AsyncClient(base_url=s.url, timeout=30) for s in cluster.serves)
    admin = {"Authorization": f"Bearer {cluster.token}"}
    async with a, b:
        created = (
            await a.post("/api/v1/tenants", json={"name": "Nova", "icao": "NVA"}, headers=admin)
        ).json()
        # The projections run in the workers; B waits for them to reach A's position.
        read = await b.get(
            f"/api/v1/tenants/{created['id']}?min_position={created['position']}", headers=admin
        )
        assert read.status_code == 200 and read.json()["name"] == "Nova"

        user = await a.post(
            "/api/v1/users",
            json={
                "username": "pilot",
                "email": "p@example.org",
                "password": "a decent password",
                "name": "P",
                "tenant_id": created["id"],
            },
            headers=admin,
        )
        assert user.status_code == 201, user.text
        user_id = user.json()["id"]
        key = (await a.post(f"/api/v1/users/{user_id}/api-keys", json={"name": "k"}, headers=admin)).json()
        assert (
            await b.get("/api/v1/me", headers={"X-API-Key": key["key"]})
        ).status_code == 200  # B has it cached
        revoked = await a.delete(f"/api/v1/users/{user_id}/api-keys/{key['id']}", headers=admin)
        assert revoked.status_code == 204
        assert (
            await b.get("/api/v1/me", headers={"X-API-Key": key["key"]})
        ).status_code == 401  # the next request

        for client in (a, b):
            ready = await client.get("/ready")
            assert ready.status_code == 200, ready.text
            checks = ready.json()["checks"]
            assert checks["broker"]["ok"] and checks["cache"]["ok"] and checks["event_store"]["ok"]


async def live_event(ws_url: str, token: str, event_type: str, after: object) -> dict[str, object]:
    """Connect to the feed, run `after()` (which causes the event), return its frame."""
    async with websockets.connect(ws_url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "welcome"
        await after()  # type: ignore[operator]
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 20))
            if frame["type"] == "event" and frame["payload"]["event_type"] == event_type:
                return frame


async def test_an_event_appended_through_one_serve_process_reaches_a_feed_client_of_the_other(
    cluster: Cluster,
) -> None:
    a, b = cluster.serves
    admin = {"Authorization": f"Bearer {cluster.token}"}
    async with httpx.AsyncClient(base_url=a.url, timeout=30) as api:
        created: dict[str, object] = {}

        async def create() -> None:
            created.update(
                (
                    await api.post("/api/v1/tenants", json={"name": "Nova", "icao": "NVA"}, headers=admin)
                ).json()
            )

        frame = await live_event(
            b.url.replace("http", "ws") + "/api/v1/ws", cluster.token, "TenantCreated", create
        )
    assert frame["channel"] == "platform" and frame["payload"]["data"]["icao"] == "NVA"  # type: ignore[index]
    assert frame["position"] <= created["position"]  # type: ignore[operator]
