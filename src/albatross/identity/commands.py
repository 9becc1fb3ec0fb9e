"""Identity dependencies, and the airline (tenant) commands."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from albatross.identity.domain import (
    Tenant,
    UniqueValue,
    clean_icao,
)
from albatross.identity.policy import Action, Principal, authorize
from albatross.kernel import (
    Cache,
    CommandResult,
    Context,
    Counters,
    EventCodec,
    EventDistribution,
    EventStore,
    NoTelemetry,
    NotFound,
    Telemetry,
    UnitOfWork,
    Vault,
    execute,
)

T = TypeVar("T")


@dataclass
class IdentityDeps:
    store: EventStore
    codec: EventCodec
    cache: Cache
    distribution: EventDistribution
    vault: Vault
    counters: Counters
    session_ttl_seconds: int = 12 * 3600
    auth_cache_seconds: int = 5
    login_failures_per_account: int = 10
    login_failures_per_address: int = 50
    login_failure_window_seconds: int = 15 * 60
    applications_per_address_per_hour: int = 5
    telemetry: Telemetry = field(default_factory=NoTelemetry)
    """Where every command reports its latency and outcome, and every append its size."""


async def run(
    deps: IdentityDeps, ctx: Context, operation: Callable[[UnitOfWork], Awaitable[T]]
) -> CommandResult[T]:
    """Execute a unit of work and wake the projections."""
    return await execute(
        deps.store, deps.codec, ctx, operation, distribution=deps.distribution, telemetry=deps.telemetry
    )


# ---- tenants ----


async def handle_create_tenant(
    deps: IdentityDeps, ctx: Context, principal: Principal, name: str, icao: str
) -> CommandResult[str]:
    authorize(principal, Action.CREATE_TENANT)
    tenant_id = str(uuid.uuid4())
    code = clean_icao(icao)

    async def create(uow: UnitOfWork) -> str:
        await create_tenant(uow, tenant_id, name, code)
        return tenant_id

    return await run(deps, ctx, create)


async def create_tenant(uow: UnitOfWork, tenant_id: str, name: str, code: str) -> None:
    """Record a new airline, claiming its (cleaned) ICAO code."""
    tenant = await uow.load(Tenant, tenant_id)
    events = tenant.create(name, code)
    claim = await uow.load(UniqueValue, UniqueValue.key("icao", code))
    uow.record(claim, claim.claim("icao", code, tenant_id, "Airline code"))
    uow.record(tenant, events)


async def handle_update_tenant(
    deps: IdentityDeps,
    ctx: Context,
    principal: Principal,
    tenant_id: str,
    *,
    name: str | None = None,
    applications_open: bool | None = None,
) -> CommandResult[None]:
    """Rename the airline and/or open or close it to applications, in one append (or none)."""
    authorize(principal, Action.MANAGE_TENANT, tenant_id)

    async def update(uow: UnitOfWork) -> None:
        tenant = await uow.load(Tenant, tenant_id)
        if not tenant.exists:
            raise NotFound("No such airline.")
        uow.record(tenant, tenant.rename(name) if name is not None else [])
        if applications_open is not None:
            uow.record(tenant, tenant.set_applications(applications_open))

    return await run(deps, ctx, update)
