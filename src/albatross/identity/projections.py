"""Identity read models: airlines and users, folded from the log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import BigInteger, Column, Index, String, Table

from albatross.identity.domain import PasswordSet, TenantCreated, TenantRenamed, UserRegistered
from albatross.kernel import DomainEvent, StoredEvent
from albatross.readmodels import RowBatch, metadata

tenants = Table(
    "rm_tenants",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("icao", String(3), nullable=False),
    Column("name", String(100), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("version", BigInteger, nullable=False),
    Index("ix_rm_tenants_name", "name"),
)

users = Table(
    "rm_users",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("username", String(40), nullable=False),
    Column("role", String(20), nullable=False),
    Column("tenant_id", String(36), nullable=True),
    Column("state", String(20), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("password_changed_at", BigInteger, nullable=True),
    Index("ix_rm_users_tenant", "tenant_id"),
)


class TenantsProjection:
    name = "identity.tenants"
    tables = (tenants,)
    event_types = frozenset({TenantCreated.event_type, TenantRenamed.event_type})

    async def handle(self, tx: RowBatch, events: Sequence[tuple[StoredEvent, DomainEvent]]) -> None:
        for stored, event in events:
            match event:
                case TenantCreated():
                    tx.insert(
                        tenants,
                        {
                            "id": event.tenant_id,
                            "icao": event.icao,
                            "name": event.name,
                            "created_at": stored.recorded_at,
                            "updated_at": stored.recorded_at,
                            "version": stored.version,
                        },
                    )
                case TenantRenamed():
                    tx.update(
                        tenants,
                        stored.tenant_id,
                        {"name": event.name, "updated_at": stored.recorded_at, "version": stored.version},
                    )


class UsersProjection:
    name = "identity.users"
    tables = (users,)
    event_types = frozenset({UserRegistered.event_type, PasswordSet.event_type})

    async def handle(self, tx: RowBatch, events: Sequence[tuple[StoredEvent, DomainEvent]]) -> None:
        for stored, event in events:
            match event:
                case UserRegistered():
                    tx.insert(
                        users,
                        {
                            "id": event.user_id,
                            "username": event.username,
                            "role": event.role,
                            "tenant_id": event.tenant_id,
                            "state": event.state,
                            "created_at": stored.recorded_at,
                            "password_changed_at": None,
                        },
                    )
                case PasswordSet():
                    user_id = stored.stream_id.removeprefix("user-")
                    tx.update(users, user_id, {"password_changed_at": stored.recorded_at})


PROJECTIONS = (TenantsProjection(), UsersProjection())
