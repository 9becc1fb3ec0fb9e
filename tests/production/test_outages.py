"""A server goes away and comes back: /ready says which, requests that need it answer 503
(problem+json, never 500), what can still be served is, and nothing is lost."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
import websockets

from tests.production.processes import Cluster, empty_services, production_environment

SERVICES_SCRIPT = os.environ.get("TEST_SERVICES_SCRIPT", "")


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    environ = production_environment()
    if not SERVICES_SCRIPT:
        pytest.skip(
            "taking RabbitMQ and Redis away needs the servers ./dev test starts (TEST_SERVICES_SCRIPT)"
        )
    await empty_services()
    made = Cluster(environ, tmp_path)
    try:
        yield made
    finally:
        made.stop()


async def services_script(action: str, service: str) -> None:
    process = await asyncio.create_subprocess_exec(SERVICES_SCRIPT, action, service)
    assert await process.wait() == 0


async def eventually(check: Callable[[], object], seconds: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():  # type: ignore[misc]
        assert asyncio.get_running_loop().time() < deadline, "not in time"
        await asyncio.sleep(0.2)


async def test_without_rabbitmq_commands_go_on_and_the_workers_poll_the_log(cluster: Cluster) -> None:
    admin = {"Authorization": f"Bearer {cluster.token}"}
    async with httpx.AsyncClient(base_url=cluster.serves[0].url, timeout=30) as api:
        await services_script("down", "rabbitmq")
        try:

            async def broker_down() -> bool:
                ready = await api.get("/ready")
                return ready.status_code == 503 and ready.json()["checks"]["broker"]["ok"] is False

            await eventually(broker_down)
            assert (await api.get("/ready")).headers["content-type"].startswith("application/json")
            # The log is the truth: writes need no broker, and the read side catches up by polling.
            created = await api.post(
                "/api/v1/tenants", json={"name": "Offline", "icao": "OFL"}, headers=admin
            )
            assert created.status_code == 201, created.text
            body = created.json()
            read = await api.get(
                f"/api/v1/tenants/{body['id']}?min_position={body['position']}", headers=admin
            )
            assert read.status_code == 200 and read.json()["name"] == "Offline"
        finally:
            await services_script("up", "rabbitmq")

        async def ready() -> bool:
            return (await api.get("/ready")).status_code == 200

        await eventually(ready, 60)  # reconnected by itself
        renamed = await api.patch(f"/api/v1/tenants/{body['id']}", json={"name": "Online"}, headers=admin)
        read = await api.get(
            f"/api/v1/tenants/{body['id']}?min_position={renamed.json()['position']}", headers=admin
        )
        assert read.json()["name"] == "Online"


async def test_without_redis_requests_answer_503_and_recover(cluster: Cluster) -> None:
    admin = {"Authorization": f"Bearer {cluster.token}"}
    ws_url = cluster.serves[1].url.replace("http", "ws") + "/api/v1/ws"
    # A feed client connected before the outage keeps hearing after it.
    async with (
        websockets.connect(ws_url, additional_headers=admin) as feed,
        httpx.AsyncClient(base_url=cluster.serves[1].url, timeout=30) as api,
    ):
        assert json.loads(await asyncio.wait_for(feed.recv(), 10))["type"] == "welcome"
        await services_script("down", "redis")
        try:
            ready = await api.get("/ready")
            assert ready.status_code == 503
            assert ready.json()["checks"]["cache"]["ok"] is False
            assert ready.json()["checks"]["event_store"]["ok"] is True
            # Authentication needs the shared cache (revocations must reach every process).
            answer = await api.get("/api/v1/tenants", headers=admin)
            assert answer.status_code == 503
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.json()["type"].endswith("unavailable") and answer.headers["retry-after"]
            assert (await api.get("/health")).status_code == 200  # the process itself is fine
        finally:
            await services_script("up", "redis")

        async def ready_again() -> bool:
            return (await api.get("/ready")).status_code == 200

        await eventually(ready_again)
        assert (await api.get("/api/v1/tenants", headers=admin)).status_code == 200

        # Written through the other process, after Redis came back: the worker's publisher and
        # this process's subscription both reconnected by themselves.
        async with httpx.AsyncClient(base_url=cluster.serves[0].url, timeout=30) as other:
            created = await other.post(
                "/api/v1/tenants", json={"name": "After", "icao": "AFT"}, headers=admin
            )
            assert created.status_code == 201, created.text
        while True:
            frame = json.loads(await asyncio.wait_for(feed.recv(), 20))
            if frame["type"] == "event" and frame["payload"]["event_type"] == "TenantCreated":
                assert frame["payload"]["data"]["icao"] == "AFT"
                break
