"""Identity queries: read models for lists, the log itself for history."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from albatross.identity.domain import Tenant
from albatross.identity.projections import tenants
from albatross.kernel import EventCodec, EventStore, NotFound


def iso(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, tz=UTC)


class TenantView(msgspec.Struct, frozen=True):
    id: str
    icao: str
    name: str
    created_at: datetime
    updated_at: datetime
    version: int


class TenantPage(msgspec.Struct, frozen=True):
    items: list[TenantView]
    total: int
    limit: int
    offset: int


class HistoryEntry(msgspec.Struct, frozen=True):
    position: int
    version: int
    type: str
    recorded_at: datetime
    actor_id: str | None
    correlation_id: str | None
    data: dict[str, object]


def _view(row: object) -> TenantView:
    r = row._mapping  # type: ignore[attr-defined]
    return TenantView(r.id, r.icao, r.name, iso(r.created_at), iso(r.updated_at), r.version)


async def list_tenants(engine: AsyncEngine, *, only: str | None, limit: int, offset: int) -> TenantPage:
    query = select(tenants)
    count = select(func.count()).select_from(tenants)
    if only is not None:
        query, count = query.where(tenants.c.id == only), count.where(tenants.c.id == only)
    async with engine.connect() as conn:
        total = (await conn.execute(count)).scalar_one()
        rows = await conn.execute(query.order_by(tenants.c.name, tenants.c.id).limit(limit).offset(offset))
        return TenantPage([_view(r) for r in rows], total, limit, offset)


async def get_tenant(engine: AsyncEngine, tenant_id: str) -> TenantView:
    async with engine.connect() as conn:
        row = (await conn.execute(select(tenants).where(tenants.c.id == tenant_id))).first()
    if row is None:
        raise NotFound("No such airline.")
    return _view(row)


async def stream_history(store: EventStore, codec: EventCodec, stream_id: str) -> list[HistoryEntry]:
    stored = await store.read_stream(stream_id)
    return [
        HistoryEntry(
            position=e.position,
            version=e.version,
            type=e.event_type,
            recorded_at=iso(e.recorded_at),
            actor_id=e.actor_id,
            correlation_id=e.correlation_id,
            data=codec.to_builtins(codec.decode(e.event_type, e.schema_version, e.payload)),
        )
        for e in stored
    ]


async def tenant_history(store: EventStore, codec: EventCodec, tenant_id: str) -> list[HistoryEntry]:
    history = await stream_history(store, codec, Tenant.stream_id(tenant_id))
    if not history:
        raise NotFound("No such airline.")
    return history
