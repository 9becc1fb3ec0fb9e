"""The composition root: the only module that picks adapters, from the settings' URLs."""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import tempfile
from pathlib import Path
from typing import Any, Literal

import asyncpg
import redis.exceptions
import sqlalchemy.exc
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis
from sqlalchemy import select

# Imported for what they register: each context's events and what the live feed may tell of them.
import albatross.finance.domain
import albatross.flights.careers
import albatross.flights.domain
import albatross.flights.feed
import albatross.identity.domain
import albatross.identity.feed
import albatross.operations.domain
import albatross.operations.feed  # noqa: F401
from albatross.adapters import sql_migrations
from albatross.adapters.counters import MemoryCounters, RedisCounters
from albatross.adapters.memory import InMemoryEventStore, InProcessDistribution
from albatross.adapters.metrics import PrometheusMetrics
from albatross.adapters.rabbitmq import RabbitDistribution
from albatross.adapters.redis_channels import ResilientRedisChannels
from albatross.adapters.sql_engine import create_engines
from albatross.adapters.sql_event_store import SqlEventStore
from albatross.adapters.sql_read_models import SqlReadModelStore
from albatross.adapters.vault import SqlVault
from albatross.config import Settings
from albatross.finance.clock import run_expense_clock
from albatross.finance.projections import finance_projections
from albatross.flights.projections import flights_projections
from albatross.identity.commands import IdentityDeps
from albatross.identity.projections import identity_projections, tenants
from albatross.kernel import Counters, EventCodec, EventDistribution, EventStore, ProjectionRunner, registry
from albatross.kernel.notifications import Announcements, EventPublisher
from albatross.operations.projections import operations_projections
from albatross.services import Services

# What the drivers raise when their server is away (or goes away mid-request).
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    OSError,  # refused, reset, unreachable: asyncpg and aio-pika raise these as they are
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,  # admin shutdown, cannot connect now
    asyncpg.exceptions.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


def is_outage(exc: BaseException) -> bool:
    """Is `exc` a server being away, rather than a bug? Through SQLAlchemy's asyncpg dialect a
    dropped connection can surface as a plain DBAPIError: look at what it wraps."""
    if isinstance(exc, OUTAGE_ERRORS):
        return True
    if isinstance(exc, sqlalchemy.exc.DBAPIError):
        cause = exc.orig.__cause__ if exc.orig is not None else None
        return exc.connection_invalidated or isinstance(cause, OUTAGE_ERRORS)
    return False


def channel_prefix(settings: Settings) -> str:
    """Pub/sub channels of this installation on a shared Redis: named after its database."""
    digest = hashlib.sha256(settings.resolved_database_url.encode()).hexdigest()[:12]
    return f"albatross:{digest}:"


def database_path(settings: Settings) -> Path | None:
    url = settings.resolved_database_url
    if url.startswith("sqlite+aiosqlite:///"):
        return Path(url.removeprefix("sqlite+aiosqlite:///"))
    return None


Role = Literal["serve", "worker", "tool"]


async def build_services(settings: Settings, *, migrate: bool = True, role: Role = "tool") -> Services:
    """Bind every port to its adapter. Ephemeral runs keep the log in memory and the read
    models in a throwaway SQLite file (SQLAlchemy needs a real database for them).

    `role` says who asks: with a broker, `serve` runs the relay and `worker` consumes the
    projections' queues; a `tool` (migrate, rebuild, admin) never connects to the broker."""
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
    read_models = SqlReadModelStore(writer, reader)
    vault = SqlVault(writer, reader)
    projections = (
        *identity_projections(vault),
        *operations_projections(),
        *finance_projections(),
        *flights_projections(),
    )
    unit_names = [p.name for p in projections] + [Announcements.name]

    async def lowest_checkpoint() -> int:
        return min((await read_models.checkpoints(unit_names)).values(), default=0)

    distribution: EventDistribution
    broker: RabbitDistribution | None = None
    if settings.broker_url.startswith("amqp") and role != "tool":
        broker = RabbitDistribution(settings.broker_url, store, lowest_checkpoint, relay=role == "serve")
        await broker.start()
        closers.append(broker.close)
        distribution = broker
    else:
        distribution = InProcessDistribution()
    cache: Store
    redis: Redis | None = None
    if settings.cache_url.startswith("redis"):
        redis = Redis.from_url(
            settings.cache_url, socket_timeout=5, socket_connect_timeout=5, health_check_interval=15
        )
        closers.append(redis.aclose)
        # One store (and so one key space) shared by every process: revocations reach them all.
        cache = RedisStore(redis, namespace="albatross")
        counters: Counters = RedisCounters(redis)
        backend: ChannelsBackend = ResilientRedisChannels(redis=redis, prefix=channel_prefix(settings))
    else:
        cache = MemoryStore()
        counters = MemoryCounters()
        backend = MemoryChannelsBackend()
    # Notifications: Litestar's channels (memory backend embedded, Redis pub/sub in production).
    channels = ChannelsPlugin(backend=backend, arbitrary_channels_allowed=True)
    publisher = EventPublisher(channels, codec)
    # Embedded: one runner applies every projection, then announces. In production each
    # projection is its own unit (a queue of its own, so workers share the work), and so are
    # the announcements.
    runner = ProjectionRunner(store, codec, read_models, projections, distribution, publisher=publisher)
    units = [ProjectionRunner(store, codec, read_models, [p], distribution, unit=p.name) for p in projections]

    async def progress() -> int:
        """How far every projection has got: the live feed tells of nothing beyond it."""
        if runner.running:
            return min(runner.positions.values(), default=0)
        return min((await read_models.checkpoints([p.name for p in projections])).values(), default=0)

    units.append(
        ProjectionRunner(
            store,
            codec,
            read_models,
            [Announcements()],
            distribution,
            publisher=publisher,
            unit=Announcements.name,
        )
    )
    # The lag of what this deployment runs: embedded, the one runner announces by itself (the
    # announcements' checkpoint stays put); with a shared database the workers run every unit.
    lag_names = unit_names if settings.shared_database else [p.name for p in runner.projections]

    async def projection_lag() -> dict[str, int]:
        head = await store.last_position()
        return {name: max(head - at, 0) for name, at in (await read_models.checkpoints(lag_names)).items()}

    metrics = PrometheusMetrics(projection_lag)
    identity = IdentityDeps(
        store=store,
        codec=codec,
        cache=cache,
        distribution=distribution,
        vault=vault,
        counters=counters,
        session_ttl_seconds=settings.session_ttl_seconds,
        auth_cache_seconds=settings.auth_cache_seconds,
        telemetry=metrics,
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
        if redis is not None:
            try:
                async with asyncio.timeout(2):
                    await redis.ping()
                checks["cache"] = {"ok": True}
            except Exception as exc:
                checks["cache"] = {"ok": False, "error": type(exc).__name__}
        if broker is not None:
            checks["broker"] = {"ok": broker.connected}
        names = [p.name for p in runner.projections]
        try:
            positions = dict(runner.positions) if runner.running else await read_models.checkpoints(names)
            lag = {name: (head - pos) if head is not None else None for name, pos in positions.items()}
            # With a shared database the projections run in `albatross worker` processes.
            checks["projections"] = {"ok": runner.running or settings.shared_database, "lag": lag}
        except Exception as exc:
            checks["projections"] = {"ok": False, "error": type(exc).__name__}
        return checks

    async def airline_ids() -> list[str]:
        async with reader.connect() as conn:
            return [row.id for row in await conn.execute(select(tenants.c.id))]

    return Services(
        clocks=[lambda: run_expense_clock(identity, airline_ids)],
        settings=settings,
        store=store,
        codec=codec,
        runner=runner,
        units=units,
        cache=cache,
        distribution=distribution,
        reader=reader,
        identity=identity,
        readiness=readiness,
        notifier=channels,
        publisher=publisher,
        progress=progress,
        closers=closers,
        metrics=metrics,
        outage_errors=(*OUTAGE_ERRORS, sqlalchemy.exc.DBAPIError),
        is_outage=is_outage,
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
