"""Identity read models: airlines and users, folded from the log."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy import BigInteger, Boolean, Column, Index, String, Table

from albatross.identity.domain import (
    PasswordSet,
    PilotIdAssigned,
    TenantApplicationsChanged,
    TenantCreated,
    TenantRenamed,
    UserDetailsChanged,
    UserErased,
    UserRegistered,
    UserRoleChanged,
    UserStateChanged,
)
from albatross.kernel import DomainEvent, StoredEvent, Vault
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
    Column("applications_open", Boolean, nullable=False),
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
    Column("email", String(254), nullable=True),
    Column("name", String(100), nullable=True),
    Column("pilot_id", String(20), nullable=True),
    Column("erased", Boolean, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("password_changed_at", BigInteger, nullable=True),
    Index("ix_rm_users_tenant", "tenant_id"),
)


class TenantsProjection:
    name = "identity.tenants"
    tables = (tenants,)
    event_types = frozenset(
        {TenantCreated.event_type, TenantRenamed.event_type, TenantApplicationsChanged.event_type}
    )

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
                            "applications_open": False,
                        },
                    )
                case TenantApplicationsChanged():
                    tx.update(
                        tenants,
                        stored.tenant_id,
                        {
                            "applications_open": event.open,
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
    """Users with their decrypted email and name; once a person's key is gone, they read as erased."""

    name = "identity.users"
    tables = (users,)
    event_types = frozenset(
        {
            UserRegistered.event_type,
            UserDetailsChanged.event_type,
            UserRoleChanged.event_type,
            UserStateChanged.event_type,
            PilotIdAssigned.event_type,
            UserErased.event_type,
            PasswordSet.event_type,
        }
    )

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self._forgetting: set[asyncio.Task[None]] = set()

    async def _reveal(self, user_id: str, ciphertext: bytes | None) -> str | None:
        return await self.vault.decrypt(user_id, ciphertext) if ciphertext else None

    async def handle(self, tx: RowBatch, events: Sequence[tuple[StoredEvent, DomainEvent]]) -> None:
        for stored, event in events:
            user_id = stored.stream_id.removeprefix("user-")
            changes: dict[str, object] = {"updated_at": stored.recorded_at}
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
                            "email": await self._reveal(user_id, event.email),
                            "name": await self._reveal(user_id, event.name),
                            "pilot_id": None,
                            "erased": False,
                            "created_at": stored.recorded_at,
                            "updated_at": stored.recorded_at,
                            "password_changed_at": None,
                        },
                    )
                    continue
                case UserDetailsChanged():
                    if event.email is not None:
                        changes["email"] = await self._reveal(user_id, event.email)
                    if event.name is not None:
                        changes["name"] = await self._reveal(user_id, event.name)
                case UserRoleChanged(role=role):
                    changes["role"] = role
                case UserStateChanged(state=state):
                    changes["state"] = state
                case PilotIdAssigned(pilot_id=pilot_id):
                    changes["pilot_id"] = pilot_id
                case UserErased():
                    changes.update(email=None, name=None, erased=True)
                    # Finishes an erasure whose command died before destroying the key (idempotent).
                    # After this transaction: the vault may need the connection it holds.
                    task = asyncio.create_task(self.vault.forget(user_id))
                    self._forgetting.add(task)
                    task.add_done_callback(self._forgetting.discard)
                case PasswordSet():
                    changes["password_changed_at"] = stored.recorded_at
            tx.update(users, user_id, changes)


def identity_projections(vault: Vault) -> tuple[TenantsProjection, UsersProjection]:
    return (TenantsProjection(), UsersProjection(vault))
