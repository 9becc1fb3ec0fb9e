"""Identity queries: read models for lists, the log itself for history."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from albatross.identity.domain import Tenant
from albatross.identity.policy import (
    Action,
    Principal,
    authorize,
    authorize_on_user,
    sees_contact_details,
    visible_tenant,
)
from albatross.identity.projections import tenants, users
from albatross.kernel import EventCodec, EventStore, LogQuery, NotFound


def iso(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, tz=UTC)


class TenantView(msgspec.Struct, frozen=True):
    id: str
    icao: str
    name: str
    created_at: datetime
    updated_at: datetime
    version: int
    applications_open: bool


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
    return TenantView(
        r.id, r.icao, r.name, iso(r.created_at), iso(r.updated_at), r.version, r.applications_open
    )


async def list_tenants(engine: AsyncEngine, viewer: Principal, *, limit: int, offset: int) -> TenantPage:
    """Airlines the viewer may see: all for platform admins, else their own."""
    authorize(viewer, Action.LIST_TENANTS)
    only = visible_tenant(viewer)
    query = select(tenants)
    count = select(func.count()).select_from(tenants)
    if only is not None:
        query, count = query.where(tenants.c.id == only), count.where(tenants.c.id == only)
    async with engine.connect() as conn:
        total = (await conn.execute(count)).scalar_one()
        rows = await conn.execute(query.order_by(tenants.c.name, tenants.c.id).limit(limit).offset(offset))
        return TenantPage([_view(r) for r in rows], total, limit, offset)


async def get_tenant(engine: AsyncEngine, viewer: Principal, tenant_id: str) -> TenantView:
    authorize(viewer, Action.READ_TENANT, tenant_id)
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


async def tenant_history(
    store: EventStore, codec: EventCodec, viewer: Principal, tenant_id: str
) -> list[HistoryEntry]:
    authorize(viewer, Action.READ_TENANT_HISTORY, tenant_id)
    history = await stream_history(store, codec, Tenant.stream_id(tenant_id))
    if not history:
        raise NotFound("No such airline.")
    return history


ERASED_NAME = "Erased user"


class UserView(msgspec.Struct, frozen=True):
    id: str
    username: str
    role: str
    tenant_id: str | None
    state: str
    pilot_id: str | None
    name: str | None
    email: str | None
    """Only for the person themself and staff."""
    erased: bool
    created_at: datetime
    updated_at: datetime


class UserPage(msgspec.Struct, frozen=True):
    items: list[UserView]
    total: int
    limit: int
    offset: int


def _user_view(row: object, viewer: Principal) -> UserView:
    r = row._mapping  # type: ignore[attr-defined]
    return UserView(
        id=r.id,
        username=r.username,
        role=r.role,
        tenant_id=r.tenant_id,
        state=r.state,
        pilot_id=r.pilot_id,
        name=ERASED_NAME if r.erased else r.name,
        email=r.email if sees_contact_details(viewer, r.id) else None,
        erased=r.erased,
        created_at=iso(r.created_at),
        updated_at=iso(r.updated_at),
    )


async def list_users(
    engine: AsyncEngine,
    viewer: Principal,
    *,
    tenant_id: str | None,
    state: str | None,
    role: str | None,
    limit: int,
    offset: int,
) -> UserPage:
    """Users by username: platform admins see everyone (or one airline), others their airline."""
    authorize(viewer, Action.LIST_USERS, tenant_id)
    tenant_id = visible_tenant(viewer) or tenant_id
    conditions = [
        column == value
        for column, value in ((users.c.tenant_id, tenant_id), (users.c.state, state), (users.c.role, role))
        if value is not None
    ]
    if not sees_contact_details(viewer, ""):  # pilots: the roster, not applicants or the suspended
        conditions.append(or_(users.c.state.in_(("active", "on_leave")), users.c.id == viewer.user_id))
    async with engine.connect() as conn:
        total = (await conn.execute(select(func.count()).select_from(users).where(*conditions))).scalar_one()
        rows = await conn.execute(
            select(users).where(*conditions).order_by(users.c.username).limit(limit).offset(offset)
        )
        return UserPage([_user_view(r, viewer) for r in rows], total, limit, offset)


async def get_user(engine: AsyncEngine, viewer: Principal, user_id: str) -> UserView:
    async with engine.connect() as conn:
        row = (await conn.execute(select(users).where(users.c.id == user_id))).first()
    if row is None:
        raise NotFound("No such user.")
    authorize_on_user(viewer, Action.READ_USER, user_id=user_id, tenant_id=row.tenant_id)
    return _user_view(row, viewer)


class AuditEntry(msgspec.Struct, frozen=True):
    position: int
    recorded_at: datetime
    type: str
    stream_id: str
    version: int
    tenant_id: str | None
    actor_id: str | None
    correlation_id: str | None


class AuditPage(msgspec.Struct, frozen=True):
    items: list[AuditEntry]
    next_before_position: int | None
    """Pass as ?before_position= for the next (older) page; None on the last page."""


async def audit(store: EventStore, viewer: Principal, q: LogQuery) -> AuditPage:
    """The audit trail, newest first: platform admins everything (or one airline), airline
    admins their airline only."""
    authorize(viewer, Action.READ_AUDIT, q.tenant_id)
    if viewer.role != "platform_admin":
        q = msgspec.structs.replace(q, tenant_id=viewer.tenant_id)
    found = await store.query(q)
    items = [
        AuditEntry(
            e.position,
            iso(e.recorded_at),
            e.event_type,
            e.stream_id,
            e.version,
            e.tenant_id,
            e.actor_id,
            e.correlation_id,
        )
        for e in found
    ]
    return AuditPage(items, items[-1].position if len(items) == q.limit else None)
