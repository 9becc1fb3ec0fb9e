"""Production mode: PostgreSQL and Redis, two API processes' worth of services sharing them,
projections in a separate worker. The real servers come from `./dev test` (.ci/services.sh)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from redis.asyncio import Redis

from albatross.bootstrap import build_services, channel_prefix
from albatross.config import load_settings
from albatross.identity.auth import handle_create_platform_admin
from albatross.services import Services
from albatross.web.app import create_app
from tests.conftest import NO_REDIS, REDIS_URL, fresh_postgres


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[tuple[list[httpx.AsyncClient], Services, str]]:
    """Two serve-like apps (no projections) and one worker-like runner on shared PG + Redis."""
    writer, reader = await fresh_postgres()  # an empty, migrated schema (skips without PostgreSQL)
    await writer.dispose()
    await reader.dispose()
    if not REDIS_URL:
        pytest.skip(NO_REDIS)
    redis = Redis.from_url(REDIS_URL)
    await redis.flushdb()
    await redis.aclose()
    from tests.conftest import POSTGRES_URL

    environ = {
        "ALBATROSS_DATABASE_URL": POSTGRES_URL,
        "ALBATROSS_CACHE_URL": REDIS_URL,
        "ALBATROSS_READ_WAIT_SECONDS": "10",
    }
    settings = load_settings(environ=environ)
    assert settings.shared_database
    serve_a, serve_b, worker = [await build_services(settings) for _ in range(3)]
    password = await handle_create_platform_admin(serve_a.identity)
    assert password is not None
    assert await handle_create_platform_admin(serve_b.identity) is None  # one admin, whoever starts first
    runner = asyncio.create_task(worker.runner.run())
    clients = [
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(s, run_projections=False)), base_url="http://t"
        )
        for s in (serve_a, serve_b)
    ]
    try:
        yield clients, worker, password
    finally:
        for client in clients:
            await client.aclose()
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
        for s in (serve_a, serve_b, worker):
            await s.close()


async def test_what_one_process_writes_the_other_reads_and_revocations_reach_both(
    cluster: tuple[list[httpx.AsyncClient], Services, str],
) -> None:
    (a, b), worker, password = cluster
    login = await a.post("/api/v1/auth/login", json={"username": "admin", "password": password})
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    assert (
        await a.post(
            "/api/v1/auth/password",
            json={"current_password": password, "new_password": "a long new password"},
            headers=headers,
        )
    ).status_code == 204
    assert (await b.get("/api/v1/me", headers=headers)).json()["must_change_password"] is False

    created = (await a.post("/api/v1/tenants", json={"name": "Nova", "icao": "NVA"}, headers=headers)).json()
    read = await b.get(f"/api/v1/tenants/{created['id']}?min_position={created['position']}", headers=headers)
    assert read.status_code == 200 and read.json()["icao"] == "NVA"

    user = await a.post(
        "/api/v1/users",
        json={
            "username": "pilot",
            "email": "p@example.org",
            "password": "a decent password",
            "name": "P",
            "tenant_id": created["id"],
        },
        headers=headers,
    )
    key = (
        await a.post(f"/api/v1/users/{user.json()['id']}/api-keys", json={"name": "k"}, headers=headers)
    ).json()
    assert (
        await b.get("/api/v1/me", headers={"X-API-Key": key["key"]})
    ).status_code == 200  # cached in B's view
    revoked = await a.delete(f"/api/v1/users/{user.json()['id']}/api-keys/{key['id']}", headers=headers)
    assert revoked.status_code == 204
    assert (await b.get("/api/v1/me", headers={"X-API-Key": key["key"]})).status_code == 401

    assert (await a.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    assert (await b.get("/api/v1/me", headers=headers)).status_code == 401

    ready = (await b.get("/ready")).json()
    assert ready["status"] == "ready", ready
    await worker.runner.wait_for(await worker.store.last_position(), 10)


async def test_a_worker_process_publishes_notifications_through_redis(tmp_path: Path) -> None:
    """`albatross worker` as a real process: it applies what serve appends and announces it on
    the Redis channels every serve process can read."""
    import os
    import subprocess
    import sys

    from tests.conftest import POSTGRES_URL

    writer, reader = await fresh_postgres()
    await writer.dispose()
    await reader.dispose()
    if not REDIS_URL:
        pytest.skip(NO_REDIS)
    environ = {"ALBATROSS_DATABASE_URL": POSTGRES_URL, "ALBATROSS_CACHE_URL": REDIS_URL}
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALBATROSS_")} | environ
    worker = subprocess.Popen(  # noqa: ASYNC220  (starting it does not block; reading is in an executor)
        [sys.executable, "-m", "albatross", "worker"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    redis = Redis.from_url(REDIS_URL)
    pubsub = redis.pubsub()
    serve = await build_services(load_settings(environ=environ))
    try:
        assert worker.stdout is not None
        loop = asyncio.get_running_loop()
        line = await asyncio.wait_for(loop.run_in_executor(None, worker.stdout.readline), 30)
        while b"Worker running projections" not in line:
            line = await asyncio.wait_for(loop.run_in_executor(None, worker.stdout.readline), 30)
        await asyncio.sleep(0.5)  # the worker's runner notes the log head it starts from
        await pubsub.subscribe(channel_prefix(load_settings(environ=environ)) + "platform")
        await handle_create_platform_admin(serve.identity)
        head = await serve.store.last_position()

        async def next_message() -> dict[str, object]:
            async for message in pubsub.listen():
                if message["type"] == "message":
                    return json.loads(message["data"])
            raise AssertionError("no message")

        seen = []
        while not seen or seen[-1]["position"] < head:
            seen.append(await asyncio.wait_for(next_message(), 15))
        assert seen[-1]["event_type"] == "PasswordSet"
    finally:
        worker.terminate()
        worker.wait(timeout=15)
        await pubsub.aclose()
        await redis.aclose()
        await serve.close()
