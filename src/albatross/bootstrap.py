"""The composition root: the only module that picks adapters, from the settings' URLs."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis

import albatross.identity.domain  # noqa: F401  (registers the identity events)
from albatross.adapters import sql_migrations
from albatross.adapters.counters import MemoryCounters, RedisCounters
from albatross.adapters.memory import InMemoryEventStore, InProcessDistribution
from albatross.adapters.sql_engine import create_engines
from albatross.adapters.sql_event_store import SqlEventStore
from albatross.adapters.sql_read_models import SqlReadModelStore
from albatross.adapters.vault import SqlVault
from albatross.config import Settings
from albatross.identity.commands import IdentityDeps
from albatross.identity.projections import identity_projections
from albatross.kernel import Counters, EventCodec, EventStore, ProjectionRunner, registry
from albatross.kernel.notifications import EventPublisher
from albatross.services import Services


def database_path(settings: Settings) -> Path | None:
    url = settings.resolved_database_url
    if url.startswith("sqlite+aiosqlite:///"):
        return Path(url.removeprefix("sqlite+aiosqlite:///"))
    return None


async def build_services(settings: Settings, *, migrate: bool = True) -> Services:
    """Bind every port to its adapter. Ephemeral runs keep the log in memory and the read
    models in a throwaway SQLite file (SQLAlchemy needs a real database for them)."""
    closers = []
    url = settings.resolved_database_url
    store: EventStore
    if settings.ephemeral:
        scratch = tempfile.mkdtemp(prefix="albatross-")
        closers.append(_remove(scratch))
        writer, reader = create_engines(f"sqlite+aiosqlite:///{scratch}/read-models.db")
        store = InMemoryEventStore()
    else:
        path = database_path(settings)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        writer, reader = create_engines(url)
        store = SqlEventStore(writer, reader)
    closers.append(_dispose(writer, reader))
    closers.append(store.close)
    if migrate or settings.ephemeral:
        await sql_migrations.upgrade(writer)

    codec = EventCodec(registry)
    distribution = InProcessDistribution()
    read_models = SqlReadModelStore(writer, reader)
    vault = SqlVault(writer, reader)
    cache: Store
    if settings.cache_url.startswith("redis"):
        redis = Redis.from_url(settings.cache_url)
        closers.append(redis.aclose)
        # One store (and so one key space) shared by every process: revocations reach them all.
        cache = RedisStore(redis, namespace="albatross")
        counters: Counters = RedisCounters(redis)
        backend: ChannelsBackend = RedisChannelsPubSubBackend(redis=redis)
    else:
        cache = MemoryStore()
        counters = MemoryCounters()
        backend = MemoryChannelsBackend()
    # Notifications: Litestar's channels (memory backend embedded, Redis pub/sub in production).
    channels = ChannelsPlugin(backend=backend, arbitrary_channels_allowed=True)
    runner = ProjectionRunner(
        store,
        codec,
        read_models,
        identity_projections(vault),
        distribution,
        publisher=EventPublisher(channels),
    )
    identity = IdentityDeps(
        store=store,
        codec=codec,
        cache=cache,
        distribution=distribution,
        vault=vault,
        counters=counters,
        session_ttl_seconds=settings.session_ttl_seconds,
        auth_cache_seconds=settings.auth_cache_seconds,
    )

    async def readiness() -> dict[str, Any]:
        checks: dict[str, Any] = {}
        try:
            head = await store.last_position()
            checks["event_store"] = {"ok": True, "position": head}
        except Exception as exc:
            checks["event_store"] = {"ok": False, "error": type(exc).__name__}
            head = None
        try:
            current, expected = await sql_migrations.current_revision(reader), sql_migrations.head_revision()
            checks["migrations"] = {"ok": current == expected, "current": current, "head": expected}
        except Exception as exc:
            checks["migrations"] = {"ok": False, "error": type(exc).__name__}
        names = [p.name for p in runner.projections]
        try:
            positions = dict(runner.positions) if runner.running else await read_models.checkpoints(names)
            lag = {name: (head - pos) if head is not None else None for name, pos in positions.items()}
            # With a shared database the projections run in `albatross worker` processes.
            checks["projections"] = {"ok": runner.running or settings.shared_database, "lag": lag}
        except Exception as exc:
            checks["projections"] = {"ok": False, "error": type(exc).__name__}
        return checks

    return Services(
        settings=settings,
        store=store,
        codec=codec,
        runner=runner,
        cache=cache,
        distribution=distribution,
        reader=reader,
        identity=identity,
        readiness=readiness,
        notifier=channels,
        closers=closers,
    )


def _dispose(*engines: Any):  # type: ignore[no-untyped-def]
    async def dispose() -> None:
        for engine in {id(e): e for e in engines}.values():
            await engine.dispose()

    return dispose


def _remove(path: str):  # type: ignore[no-untyped-def]
    async def remove() -> None:
        shutil.rmtree(path, ignore_errors=True)

    return remove
