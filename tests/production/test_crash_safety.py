"""Crash safety under load: kill -9 a worker, kill -9 a serve process, restart RabbitMQ, restart
Redis, at random moments, several rounds. Afterwards every acknowledged command's events are in
the log exactly once, the log has no gap, no request was answered 500, and every read model
equals a fresh rebuild from the log."""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

import albatross.identity.domain as identity
from albatross.adapters.sql_engine import create_engines
from albatross.adapters.sql_event_store import SqlEventStore
from albatross.bootstrap import build_services
from albatross.config import load_settings
from albatross.identity.projections import tenants, users
from albatross.kernel import EventCodec, registry
from tests.production.processes import (
    UNIT_QUEUES,
    Cluster,
    empty_services,
    production_environment,
    start_serve,
    start_worker,
)

ROUNDS = 2
ACTIONS = ["kill a worker", "kill a serve process", "restart RabbitMQ", "restart Redis"]
CLIENTS = 4
SERVICES_SCRIPT = os.environ.get("TEST_SERVICES_SCRIPT", "")


@dataclass
class Ledger:
    """What the clients were told: acknowledged, or unknown (the connection died mid-request)."""

    acknowledged: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    tenants: list[str] = field(default_factory=list)
    samples: dict[int, str] = field(default_factory=dict)
    """The first answer of each unexpected status, for the failure message."""


async def client_loop(cluster: Cluster, ledger: Ledger, number: int, stop: asyncio.Event) -> None:
    """Create airlines and rename them, each with a value used once, through whichever serve
    process answers."""
    headers = {"Authorization": f"Bearer {cluster.token}"}
    sequence = 0
    async with httpx.AsyncClient(timeout=30) as client:
        while not stop.is_set():
            sequence += 1
            serve = cluster.serves[(number + sequence) % len(cluster.serves)]
            mine = [t for t in ledger.tenants if hash(t) % CLIENTS == number]
            if mine and sequence % 3:
                value = f"Renamed {number}-{sequence}"
                request = client.build_request(
                    "PATCH",
                    f"{serve.url}/api/v1/tenants/{random.choice(mine)}",
                    json={"name": value},
                    headers=headers,
                )
            else:
                n = number * 5000 + sequence
                value = "".join(chr(65 + (n // 26**i) % 26) for i in range(3))  # a fresh ICAO code
                request = client.build_request(
                    "POST",
                    f"{serve.url}/api/v1/tenants",
                    json={"name": f"Air {value}", "icao": value},
                    headers=headers,
                )
            try:
                response = await client.send(request)
            except httpx.TransportError:  # killed mid-request, or not listening yet
                ledger.unknown.append(value)
                await asyncio.sleep(0.1)
                continue
            ledger.statuses[response.status_code] += 1
            if response.status_code >= 400:
                ledger.samples.setdefault(
                    response.status_code, f"{request.method} {request.url.path}: {response.text}"
                )
            if response.status_code in (200, 201):
                ledger.acknowledged.append(value)
                if response.status_code == 201:
                    ledger.tenants.append(response.json()["id"])
            elif response.status_code >= 500:
                ledger.unknown.append(value)  # 503: a server was away; nothing or all was written
                await asyncio.sleep(0.2)


def restart_service(name: str) -> None:
    subprocess.run([SERVICES_SCRIPT, "restart", name], check=True, timeout=120)


async def chaos(cluster: Cluster, rng: random.Random) -> list[str]:
    done = []
    loop = asyncio.get_running_loop()
    for round_ in range(ROUNDS):
        for action in rng.sample(ACTIONS, len(ACTIONS)):
            await asyncio.sleep(rng.uniform(0.5, 2.5))
            done.append(f"round {round_ + 1}: {action}")
            if action == "kill a worker":
                i = rng.randrange(len(cluster.workers))
                cluster.workers[i].kill()
                await asyncio.sleep(rng.uniform(0, 1))
                cluster.workers[i] = await loop.run_in_executor(
                    None, start_worker, cluster.environ, cluster.cwd
                )
            elif action == "kill a serve process":
                i = rng.randrange(len(cluster.serves))
                port = cluster.serves[i].port
                cluster.serves[i].kill()
                await asyncio.sleep(rng.uniform(0, 1))
                cluster.serves[i] = await loop.run_in_executor(
                    None, start_serve, cluster.environ, cluster.cwd, port
                )
            else:
                await loop.run_in_executor(None, restart_service, action.split()[1].lower())
    return done


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    environ = production_environment()
    if not SERVICES_SCRIPT:
        pytest.skip(
            "restarting RabbitMQ and Redis needs the servers ./dev test starts (TEST_SERVICES_SCRIPT)"
        )
    await empty_services()
    made = Cluster(environ, tmp_path)
    try:
        yield made
    finally:
        made.stop()


async def dump(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    async with engine.connect() as conn:
        return {
            table.name: sorted(tuple(row) for row in (await conn.execute(select(table))).all())
            for table in (tenants, users)
        }


async def test_nothing_is_lost_or_doubled_when_processes_and_servers_die(cluster: Cluster) -> None:
    seed = int(os.environ.get("TEST_CRASH_SEED") or random.randrange(1 << 30))  # to replay a failure
    rng = random.Random(seed)
    ledger = Ledger()
    stop = asyncio.Event()
    clients = [asyncio.create_task(client_loop(cluster, ledger, n, stop)) for n in range(CLIENTS)]
    try:
        done = await chaos(cluster, rng)
        await asyncio.sleep(1)
    finally:
        stop.set()
        await asyncio.gather(*clients)
    errors = [line for p in cluster.processes() for line in p.lines if "ERROR" in line or "Error" in line]
    context = (
        f"seed {seed}; {done}; statuses {dict(ledger.statuses)}; {ledger.samples}; errors: {errors[:20]}"
    )
    assert len(ledger.acknowledged) > 50, context  # a steady stream, not a trickle
    assert 500 not in ledger.statuses, context  # outages answer 503, never 500

    writer, reader = create_engines(cluster.environ["ALBATROSS_DATABASE_URL"])
    store = SqlEventStore(writer, reader)
    try:
        # The workers catch up by themselves: every unit's checkpoint reaches the head.
        head = await store.last_position()
        for _ in range(600):
            async with reader.connect() as conn:
                positions = dict(
                    (await conn.execute(text("SELECT name, position FROM projection_checkpoints"))).all()
                )
            if len(positions) == len(UNIT_QUEUES) - 1 and min(positions.values()) == head:  # every unit
                break
            await asyncio.sleep(0.1)
        assert positions and min(positions.values()) == head, (positions, head, context)

        log = await store.read_all(0, 10**9)
        assert [e.position for e in log] == list(range(1, head + 1))  # gap-free
        codec = EventCodec(registry)
        values: Counter[str] = Counter()
        for stored in log:
            if stored.event_type in ("TenantCreated", "TenantRenamed"):
                event = codec.decode(stored.event_type, stored.schema_version, stored.payload)
                assert isinstance(event, identity.TenantCreated | identity.TenantRenamed)
                values[event.icao if isinstance(event, identity.TenantCreated) else event.name] += 1
        for value in ledger.acknowledged:
            assert values[value] == 1, (value, context)  # acknowledged: in the log exactly once
        for value in ledger.unknown:
            assert values[value] <= 1, (value, context)  # unknown: once or not at all
        assert sum(values.values()) <= len(ledger.acknowledged) + len(ledger.unknown)

        for worker in cluster.workers:
            worker.stop()
        live = await dump(reader)
        settings = load_settings(environ=cluster.environ)
        rebuilt = await build_services(settings, role="tool")
        try:
            await rebuilt.runner.rebuild()
        finally:
            await rebuilt.close()
        assert await dump(reader) == live, context
    finally:
        await store.close()
        await writer.dispose()
        await reader.dispose()
