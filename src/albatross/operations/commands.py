"""Operations commands: staff manage the airline's profile, airports, fleet and schedules;
pilots bid. Every handler authorizes first, then decides in one unit of work."""

from __future__ import annotations

import uuid
from typing import Literal, TypeVar

import msgspec

from albatross.identity.commands import IdentityDeps, run
from albatross.identity.domain import Tenant, UniqueValue
from albatross.identity.policy import Action, Principal, authorize
from albatross.kernel import AlreadyExists, CommandResult, Context, InvalidInput, NotFound, UnitOfWork
from albatross.kernel.unit_of_work import now_us
from albatross.operations import airports
from albatross.operations.domain import (
    Aircraft,
    AircraftDetails,
    Airline,
    AirlineProfile,
    AirportDetails,
    AirportRecord,
    Bids,
    Changes,
    Flight,
    FlightDetails,
    Record,
    Subfleet,
    SubfleetDetails,
    check_flight,
    flight_key,
    invalid,
)


def airport_stream(tenant_id: str, icao: str) -> str:
    return f"{tenant_id}:{icao}"


async def require_tenant(uow: UnitOfWork, tenant_id: str) -> Tenant:
    """The airline, or a 404."""
    tenant = await uow.load(Tenant, tenant_id)
    if not tenant.exists:
        raise NotFound("No such airline.")
    return tenant


async def airport_position(uow: UnitOfWork, tenant_id: str, icao: str) -> tuple[float, float] | None:
    """Where `icao` is: the airline's own airport record, else the reference data's; None if
    neither knows it."""
    own = await uow.load(AirportRecord, airport_stream(tenant_id, icao))
    if own.live and own.details is not None and own.details.lat is not None and own.details.lon is not None:
        return own.details.lat, own.details.lon
    found = airports.get(icao)
    return (found.lat, found.lon) if found else None


async def known_airport(uow: UnitOfWork, tenant_id: str, icao: str, field: str) -> tuple[float, float]:
    """Where `icao` is, or a 400 naming `field`."""
    position = await airport_position(uow, tenant_id, icao)
    if position is None:
        raise invalid(field, f"unknown airport {icao}")
    return position


# ---- the airline's profile ----


async def handle_update_profile(
    deps: IdentityDeps,
    ctx: Context,
    principal: Principal,
    tenant_id: str,
    profile: AirlineProfile | Changes[AirlineProfile],
    *,
    pilot_id_prefix: str | None = None,
    pilot_id_width: int | None = None,
) -> CommandResult[None]:
    """Replace the profile, or (given `Changes`) only some of its fields."""
    authorize(principal, Action.MANAGE_OPERATIONS, tenant_id)

    async def update(uow: UnitOfWork) -> None:
        tenant = await require_tenant(uow, tenant_id)
        airline = await uow.load(Airline, tenant_id)
        changed = profile.onto(airline.profile) if isinstance(profile, Changes) else profile
        uow.record(airline, airline.change(changed))
        if pilot_id_prefix is not None or pilot_id_width is not None:
            uow.record(tenant, tenant.set_pilot_id_format(pilot_id_prefix, pilot_id_width))

    return await run(deps, ctx, update)


# ---- airports of the airline: hubs, costs, airports the reference data lacks ----


async def handle_set_airport(
    deps: IdentityDeps, ctx: Context, principal: Principal, tenant_id: str, details: AirportDetails
) -> CommandResult[None]:
    authorize(principal, Action.MANAGE_OPERATIONS, tenant_id)

    async def set_(uow: UnitOfWork) -> None:
        await require_tenant(uow, tenant_id)
        await set_airport(uow, tenant_id, details)

    return await run(deps, ctx, set_)


async def set_airport(uow: UnitOfWork, tenant_id: str, details: AirportDetails) -> None:
    if airports.get(details.icao) is None and (
        details.lat is None or details.lon is None or not details.name
    ):
        raise invalid("icao", f"{details.icao} is not in the reference data: give its name, lat and lon")
    record = await uow.load(AirportRecord, airport_stream(tenant_id, details.icao))
    uow.record(record, record.set(tenant_id, details))


async def handle_remove_airport(
    deps: IdentityDeps, ctx: Context, principal: Principal, tenant_id: str, icao: str
) -> CommandResult[None]:
    authorize(principal, Action.MANAGE_OPERATIONS, tenant_id)

    async def remove(uow: UnitOfWork) -> None:
        record = await uow.load(AirportRecord, airport_stream(tenant_id, icao))
        if record.tenant_id not in (None, tenant_id):
            raise NotFound("No such airport.")
        uow.record(record, record.remove())

    return await run(deps, ctx, remove)


# ---- subfleets ----


async def _claim(uow: UnitOfWork, kind: str, tenant_id: str, value: str, owner: str, label: str) -> None:
    claim = await uow.load(UniqueValue, UniqueValue.key(kind, f"{tenant_id}:{value}"))
    uow.record(claim, claim.claim(kind, value, owner, label))


async def _release(uow: UnitOfWork, kind: str, tenant_id: str, value: str, owner: str) -> None:
    claim = await uow.load(UniqueValue, UniqueValue.key(kind, f"{tenant_id}:{value}"))
    uow.record(claim, claim.release(owner))


async def save_subfleet(
    uow: UnitOfWork, tenant_id: str, subfleet_id: str | None, details: SubfleetDetails
) -> str:
    """Add (no id) or change a subfleet; its type is unique within the airline."""
    if details.hub is not None:
        await known_airport(uow, tenant_id, details.hub, "hub")
    if subfleet_id is None:
        subfleet_id = str(uuid.uuid4())
        subfleet = await uow.load(Subfleet, subfleet_id)
        await _claim(uow, "subfleet", tenant_id, details.type.upper(), subfleet_id, "Subfleet type")
        uow.record(subfleet, subfleet.add(tenant_id, details))
        return subfleet_id
    subfleet = await _owned(uow, Subfleet, subfleet_id, tenant_id)
    old = subfleet.require_live()
    if old.type.upper() != details.type.upper():
        await _release(uow, "subfleet", tenant_id, old.type.upper(), subfleet_id)
        await _claim(uow, "subfleet", tenant_id, details.type.upper(), subfleet_id, "Subfleet type")
    uow.record(subfleet, subfleet.change(details))
    return subfleet_id


R = TypeVar("R", bound=Record)  # type: ignore[type-arg]


async def _owned(uow: UnitOfWork, kind: type[R], record_id: str, tenant_id: str) -> R:
    """The live record of this airline, or 404 (another airline's is as good as none)."""
    record = await uow.load(kind, record_id)
    if not record.live or record.tenant_id != tenant_id:
        raise NotFound(f"No such {record.label}.")
    return record


async def handle_save_subfleet(
    deps: IdentityDeps,
    ctx: Context,
    principal: Principal,
    tenant_id: str,
    details: SubfleetDetails,
    subfleet_id: str | None = None,
) -> CommandResult[str]:
    authorize(principal, Action.MANAGE_OPERATIONS, tenant_id)

    async def save(uow: UnitOfWork) -> str:
        await require_tenant(uow, tenant_id)
        return await save_subfleet(uow, tenant_id, subfleet_id, details)

    return await run(deps, ctx, save)


async def handle_remove(
    deps: IdentityDeps, ctx: Context, principal: Principal, tenant_id: str, kind: str, record_id: str
) -> CommandResult[None]:
    """Remove a subfleet, an aircraft or a flight (and free its unique name)."""
    authorize(principal, Action.MANAGE_OPERATIONS, tenant_id)

    async def remove(uow: UnitOfWork) -> None:
        if kind == "subfleet":
            subfleet = await _owned(uow, Subfleet, record_id, tenant_id)
            await _release(uow, "subfleet", tenant_id, subfleet.require_live().type.upper(), record_id)
            uow.record(subfleet, subfleet.remove())
        elif kind == "aircraft":
            aircraft = await _owned(uow, Aircraft, record_id, tenant_id)
            await _release(
                uow, "registration", tenant_id, aircraft.require_live().registration.upper(), record_id
            )
            uow.record(aircraft, aircraft.remove())
        else:
            flight = await _owned(uow, Flight, record_id, tenant_id)
            await _release(uow, "flight", tenant_id, flight_key(flight.require_live()), record_id)
            uow.record(flight, flight.remove())

    return await run(deps, ctx, remove)


# ---- aircraft ----


async def save_aircraft(
    uow: UnitOfWork,
    tenant_id: str,
    aircraft_id: str | None,
    details: AircraftDetails | Changes[AircraftDetails],
) -> str:
    """Add (no id) or change an aircraft; a change of some fields (`Changes`) keeps the others,
    such as where the aircraft is, as stored."""
    aircraft = None if aircraft_id is None else await _owned(uow, Aircraft, aircraft_id, tenant_id)
    if isinstance(details, Changes):
        details = details.values if aircraft is None else details.onto(aircraft.require_live())
    await _owned(uow, Subfleet, details.subfleet_id, tenant_id)
    for field in ("home", "location"):
        code = getattr(details, field)
        if code is not None:
            await known_airport(uow, tenant_id, code, field)
    registration = details.registration.upper()
    details = msgspec.structs.replace(details, registration=registration)
    if aircraft is None:
        aircraft_id = str(uuid.uuid4())
        aircraft = await uow.load(Aircraft, aircraft_id)
        await _claim(uow, "registration", tenant_id, registration, aircraft_id, "Registration")
        if details.location is None and details.home is not None:
            details = msgspec.structs.replace(details, location=details.home)
        uow.record(aircraft, aircraft.add(tenant_id, details))
        return aircraft_id
    old = aircraft.require_live()
    if old.registration != registration:
        await _release(uow, "registration", tenant_id, old.registration, aircraft.id)
        await _claim(uow, "registration", tenant_id, registration, aircraft.id, "Registration")
    uow.record(aircraft, aircraft.change(details))
    return aircraft.id


async def handle_save_aircraft(
    deps: IdentityDeps,
    ctx: Context,
    principal: Principal,
    tenant_id: str,
    details: AircraftDetails | Changes[AircraftDetails],
    aircraft_id: str | None = None,
) -> CommandResult[str]:
    authorize(principal, Action.MANAGE_OPERATIONS, tenant_id)

    async def save(uow: UnitOfWork) -> str:
        await require_tenant(uow, tenant_id)
        return await save_aircraft(uow, tenant_id, aircraft_id, details)

    return await run(deps, ctx, save)


# ---- flights ----


async def save_flight(
    uow: UnitOfWork, tenant_id: str, flight_id: str | None, details: FlightDetails | Changes[FlightDetails]
) -> str:
    """Add (no id) or change a flight; a change of some fields (`Changes`) keeps the others as
    stored."""
    flight = None if flight_id is None else await _owned(uow, Flight, flight_id, tenant_id)
    if isinstance(details, Changes):
        details = details.values if flight is None else details.onto(flight.require_live())
    check_flight(details)
    dep = await known_airport(uow, tenant_id, details.departure, "departure")
    arr = await known_airport(uow, tenant_id, details.arrival, "arrival")
    if details.alternate is not None:
        await known_airport(uow, tenant_id, details.alternate, "alternate")
    if not details.distance_nm:
        details = msgspec.structs.replace(details, distance_nm=round(airports.distance_nm(*dep, *arr), 1))
    for subfleet_id in details.subfleets:
        await _owned(uow, Subfleet, subfleet_id, tenant_id)
    key = flight_key(details)
    if flight is None:
        flight_id = str(uuid.uuid4())
        flight = await uow.load(Flight, flight_id)
        await _claim(uow, "flight", tenant_id, key, flight_id, "Flight")
        uow.record(flight, flight.add(tenant_id, details))
        return flight_id
    old_key = flight_key(flight.require_live())
    if old_key != key:
        await _release(uow, "flight", tenant_id, old_key, flight.id)
        await _claim(uow, "flight", tenant_id, key, flight.id, "Flight")
    uow.record(flight, flight.change(details))
    return flight.id


async def handle_save_flight(
    deps: IdentityDeps,
    ctx: Context,
    principal: Principal,
    tenant_id: str,
    details: FlightDetails | Changes[FlightDetails],
    flight_id: str | None = None,
) -> CommandResult[str]:
    authorize(principal, Action.MANAGE_OPERATIONS, tenant_id)

    async def save(uow: UnitOfWork) -> str:
        await require_tenant(uow, tenant_id)
        return await save_flight(uow, tenant_id, flight_id, details)

    return await run(deps, ctx, save)


# ---- bids ----


async def handle_place_bid(
    deps: IdentityDeps,
    ctx: Context,
    principal: Principal,
    flight_id: str,
    aircraft_id: str | None = None,
) -> CommandResult[str]:
    """A pilot bids on a flight of their airline, optionally naming an aircraft."""
    tenant_id = principal.tenant_id
    if tenant_id is None:
        raise InvalidInput("Only an airline's members bid on its flights.")
    authorize(principal, Action.BID, tenant_id)

    async def place(uow: UnitOfWork) -> str:
        rules = (await uow.load(Airline, tenant_id)).profile.bids
        flight = await _owned(uow, Flight, flight_id, tenant_id)
        details = flight.require_live()
        if not details.active:
            raise invalid("flight_id", "this flight is not active")
        if aircraft_id is not None:
            aircraft = await _owned(uow, Aircraft, aircraft_id, tenant_id)
            if details.subfleets and aircraft.require_live().subfleet_id not in details.subfleets:
                raise invalid("aircraft_id", "this aircraft's subfleet does not fly this flight")
        bids = await uow.load(Bids, principal.user_id)
        for open_bid in list(bids.open.values()):  # a removed flight takes its bids with it
            if not (await uow.load(Flight, open_bid.flight_id)).live:
                uow.record(bids, bids.withdraw(open_bid.bid_id, "flight_removed"))
        bid_id = str(uuid.uuid4())
        now = now_us()
        uow.record(bids, bids.place(tenant_id, bid_id, flight_id, aircraft_id, rules, now))
        owner = f"{principal.user_id}/{bid_id}"
        if rules.block_flight:
            await _take_over(uow, "bid-flight", tenant_id, flight_id, owner, "This flight", now)
        if rules.block_aircraft and aircraft_id is not None:
            await _take_over(uow, "bid-aircraft", tenant_id, aircraft_id, owner, "This aircraft", now)
        return bid_id

    return await run(deps, ctx, place)


async def _take_over(
    uow: UnitOfWork, kind: str, tenant_id: str, value: str, owner: str, label: str, now: int
) -> None:
    """Claim a flight or aircraft for a bid; a claim whose bid has expired is taken over."""
    claim = await uow.load(UniqueValue, UniqueValue.key(kind, f"{tenant_id}:{value}"))
    if claim.owner_id is not None and claim.owner_id != owner:
        holder, _, bid_id = claim.owner_id.partition("/")
        bids = await uow.load(Bids, holder)
        if bid_id in {b.bid_id for b in bids.active(now)}:
            raise AlreadyExists(f"{label} is already bid on by another pilot.")
        if bid_id in bids.open:
            uow.record(bids, bids.withdraw(bid_id, "withdrawn"))
        uow.record(claim, claim.release(claim.owner_id))
    uow.record(claim, claim.claim(kind, value, owner, label))


async def handle_withdraw_bid(
    deps: IdentityDeps, ctx: Context, principal: Principal, bid_id: str
) -> CommandResult[None]:
    async def withdraw(uow: UnitOfWork) -> None:
        if principal.tenant_id is None:
            raise NotFound("No such bid.")
        await remove_bid(uow, principal.user_id, principal.tenant_id, bid_id, "withdrawn")

    return await run(deps, ctx, withdraw)


async def remove_bid(
    uow: UnitOfWork, user_id: str, tenant_id: str, bid_id: str, reason: Literal["withdrawn", "flown"]
) -> None:
    """End a pilot's bid (withdrawn, or used up by a filed PIREP) and free what it blocked."""
    bids = await uow.load(Bids, user_id)
    bid = bids.open.get(bid_id)
    if bid is None:
        raise NotFound("No such bid.")
    uow.record(bids, bids.withdraw(bid_id, reason))
    owner = f"{user_id}/{bid_id}"
    await _release(uow, "bid-flight", tenant_id, bid.flight_id, owner)
    if bid.aircraft_id is not None:
        await _release(uow, "bid-aircraft", tenant_id, bid.aircraft_id, owner)
