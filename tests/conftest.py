"""Shared fixtures: event stores (one per adapter), services wired like production."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from albatross.adapters.memory import InMemoryEventStore
from albatross.adapters.sql_engine import create_engines
from albatross.adapters.sql_event_store import SqlEventStore
from albatross.adapters.sql_migrations import upgrade
from albatross.bootstrap import build_services
from albatross.config import load_settings
from albatross.kernel import EventStore, NewEvent
from albatross.services import Services

# "sqlite" runs each group commit as one call on aiosqlite's thread; "sqlite-portable" is the
# SQLAlchemy Core path the PostgreSQL adapter shares. All must keep the same contract.
EVENT_STORES = ["memory", "sqlite", "sqlite-portable", "postgres", "postgres-portable"]

# Real servers for the production-mode tests, started by `./dev test` (.ci/services.sh) or
# pointed at your own with these variables.
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
AMQP_URL = os.environ.get("TEST_AMQP_URL", "")
NO_POSTGRES = "no PostgreSQL: set TEST_POSTGRES_URL or run ./dev test as root (it starts one)"
NO_REDIS = "no Redis: set TEST_REDIS_URL or run ./dev test as root (it starts one)"
NO_AMQP = "no RabbitMQ: set TEST_AMQP_URL or run ./dev test as root (it starts one)"


async def delete_queues(*names: str) -> None:
    """Queues outlive connections: a test removes the ones it made (and leftovers of others)."""
    import aio_pika

    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        for name in names:
            channel = await connection.channel()
            await channel.queue_delete(name)
            await channel.close()


async def fresh_postgres() -> tuple[AsyncEngine, AsyncEngine]:
    """Engines on an empty, migrated PostgreSQL schema (every test starts from nothing)."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    writer, reader = create_engines(POSTGRES_URL)
    async with writer.begin() as conn:
        await conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        await conn.exec_driver_sql("CREATE SCHEMA public")
    await upgrade(writer)
    return writer, reader


async def make_store(kind: str, tmp_path: Path) -> EventStore:
    if kind == "memory":
        return InMemoryEventStore()
    if kind in ("postgres", "postgres-portable"):
        writer, reader = await fresh_postgres()
        pg_store = SqlEventStore(writer, reader)
        if kind == "postgres-portable":
            pg_store.use_portable_path()
        return pg_store
    if kind in ("sqlite", "sqlite-portable"):
        writer, reader = create_engines(f"sqlite+aiosqlite:///{tmp_path / f'store-{uuid.uuid4().hex}.db'}")
        await upgrade(writer)
        store = SqlEventStore(writer, reader)
        if kind == "sqlite-portable":
            store.use_portable_path()
        return store
    raise ValueError(kind)


async def close_store(store: EventStore) -> None:
    await store.close()
    if isinstance(store, SqlEventStore):
        await store.writer.dispose()
        await store.reader.dispose()


@pytest.fixture(params=EVENT_STORES)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[EventStore]:
    """Every EventStore adapter; contract tests run once per adapter."""
    s = await make_store(request.param, tmp_path)
    yield s
    await close_store(s)


def new_event(event_type: str = "Tested", payload: bytes = b"x" * 100, **kw: object) -> NewEvent:
    return NewEvent(
        event_id=str(uuid.uuid4()),
        event_type=event_type,
        schema_version=1,
        payload=payload,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    """Services on a fresh SQLite file, wired by the composition root."""
    settings = load_settings(environ={"ALBATROSS_DATA_DIR": str(tmp_path / "data")})
    s = await build_services(settings)
    yield s
    await s.close()
