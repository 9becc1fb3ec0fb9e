"""CSV import in phpVMS 7's layouts: every bad row reported with its line, all or nothing, and
idempotent (rows are matched by natural key: airport ICAO, subfleet type, registration, and
airline + flight number + route code + leg)."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

import msgspec

from albatross.identity.commands import IdentityDeps, run
from albatross.identity.domain import Tenant, UniqueValue
from albatross.identity.policy import Action, Principal, authorize
from albatross.kernel import Context, DomainError, NotFound, UnitOfWork
from albatross.operations import csv_format
from albatross.operations.commands import (
    airport_stream,
    save_aircraft,
    save_flight,
    save_subfleet,
    set_airport,
)
from albatross.operations.domain import (
    Aircraft,
    AircraftDetails,
    Airline,
    AirportDetails,
    AirportRecord,
    Flight,
    FlightDetails,
    Subfleet,
    SubfleetDetails,
    flight_key,
)

Kind = Literal["airports", "subfleets", "aircraft", "flights"]
Outcome = Literal["created", "updated", "unchanged"]


class RowProblem(msgspec.Struct, frozen=True):
    line: int
    """1-based line in the file (the header is line 1); 0 for the file as a whole."""
    column: str | None
    message: str


class RowOutcome(msgspec.Struct, frozen=True):
    line: int
    outcome: Outcome
    """What importing this row does (a dry run) or did."""


class ImportResult(msgspec.Struct, frozen=True):
    rows: int
    created: int
    updated: int
    unchanged: int
    errors: list[RowProblem]
    position: int | None
    """Where the import's events end in the log (None: nothing was written)."""
    outcomes: list[RowOutcome] = []
    """Every row without errors, in file order."""


class _Rejected(Exception):
    """Stops a unit of work: a dry run, or rows that failed (nothing may be written)."""


def fare_text(fare: csv_format.Fare) -> str:
    return csv_format.format_multi([csv_format.MultiItem(key=fare.code, attrs=dict(fare.attrs))])


def fare_of(text: str) -> csv_format.Fare:
    item = csv_format.parse_multi(text)[0]
    return csv_format.Fare(code=item.key, attrs=dict(item.attrs))


async def _owner(uow: UnitOfWork, kind: str, tenant_id: str, value: str) -> str | None:
    claim = await uow.load(UniqueValue, UniqueValue.key(kind, f"{tenant_id}:{value}"))
    return claim.owner_id


def _money(value: float | None) -> float:
    return value or 0.0


async def _import_row(uow: UnitOfWork, tenant: Tenant, codes: set[str], kind: Kind, row: Any) -> Outcome:
    tenant_id = tenant.id
    if kind == "airports":
        details = AirportDetails(
            icao=row.icao,
            hub=row.hub,
            ground_handling_cost=_money(row.ground_handling_cost),
            fuel_100ll_cost=_money(row.fuel_100ll_cost),
            fuel_jet_a_cost=_money(row.fuel_jet_a_cost),
            fuel_mogas_cost=_money(row.fuel_mogas_cost),
            iata=row.iata if row.iata and len(row.iata) == 3 else None,
            name=row.name,
            location=row.location,
            country=row.country,
            timezone=row.timezone,
            lat=row.lat,
            lon=row.lon,
        )
        record = await uow.load(AirportRecord, airport_stream(tenant_id, row.icao))
        before = record.details if record.live else None
        await set_airport(uow, tenant_id, details := validated(details))
        return _outcome(before, details)
    if kind == "subfleets":
        if row.airline and row.airline.upper() not in codes:
            raise DomainError(
                f"airline {row.airline} is not this airline ({tenant.icao})",
                fields={"airline": "other airline"},
            )
        subfleet_id = await _owner(uow, "subfleet", tenant_id, row.type.upper())
        old = (await uow.load(Subfleet, subfleet_id)).details if subfleet_id else None
        details = SubfleetDetails(
            type=row.type,
            icao_type=row.simbrief_type.upper()
            if row.simbrief_type and 2 <= len(row.simbrief_type) <= 4
            else None,
            name=row.name,
            hub=row.hub,
            fuel_type=row.fuel_type or "jet_a",
            cost_block_hour=_money(row.cost_block_hour),
            cost_delay_minute=_money(row.cost_delay_minute),
            ground_handling_multiplier=100.0
            if row.ground_handling_multiplier is None
            else row.ground_handling_multiplier,
            ranks=list(old.ranks) if old else [],
            fares=[fare_text(f) for f in row.fares],
        )
        await save_subfleet(uow, tenant_id, subfleet_id, details := validated(details))
        return _outcome(old, details)
    if kind == "aircraft":
        subfleet_id = await _owner(uow, "subfleet", tenant_id, row.subfleet.upper())
        if subfleet_id is None:
            raise DomainError(f"unknown subfleet {row.subfleet}", fields={"subfleet": "unknown"})
        aircraft_id = await _owner(uow, "registration", tenant_id, row.registration.upper())
        old_aircraft = (await uow.load(Aircraft, aircraft_id)).details if aircraft_id else None
        details = AircraftDetails(
            registration=row.registration.upper(),
            name=row.name,
            subfleet_id=subfleet_id,
            iata=row.iata,
            icao=row.icao,
            fin=row.fin,
            hex_code=row.hex_code,
            mtow=row.mtow,
            zfw=row.zfw,
            home=row.home,
            location=row.location or (old_aircraft.location if old_aircraft else None) or row.home,
            status=row.status,
            state=old_aircraft.state if old_aircraft else "parked",
            hours=old_aircraft.hours if old_aircraft else 0.0,
            fuel_on_board=old_aircraft.fuel_on_board if old_aircraft else 0.0,
        )
        await save_aircraft(uow, tenant_id, aircraft_id, details := validated(details))
        return _outcome(old_aircraft, details)
    if row.airline.upper() not in codes:
        raise DomainError(
            f"airline {row.airline} is not this airline ({tenant.icao})", fields={"airline": "other airline"}
        )
    subfleet_ids = []
    for code in row.subfleets:
        found = await _owner(uow, "subfleet", tenant_id, code.upper())
        if found is None:
            raise DomainError(f"unknown subfleet {code}", fields={"subfleets": "unknown"})
        subfleet_ids.append(found)
    details = FlightDetails(
        airline=row.airline.upper(),
        flight_number=row.flight_number,
        route_code=row.route_code,
        route_leg=row.route_leg,
        callsign=row.callsign,
        departure=row.dpt_airport,
        arrival=row.arr_airport,
        alternate=row.alt_airport,
        departure_time=row.dpt_time,
        arrival_time=row.arr_time,
        days=row.days,
        distance_nm=row.distance or 0.0,
        block_minutes=row.flight_time,
        level=row.level,
        route=row.route,
        flight_type=row.flight_type,
        load_factor=row.load_factor,
        load_factor_variance=row.load_factor_variance,
        pilot_pay=row.pilot_pay,
        notes=row.notes,
        subfleets=subfleet_ids,
        fares=[fare_text(f) for f in row.fares],
        fields=dict(row.fields),
        active=row.active,
        start_date=row.start_date,
        end_date=row.end_date,
    )
    flight_id = await _owner(uow, "flight", tenant_id, flight_key(details))
    old_flight = (await uow.load(Flight, flight_id)).details if flight_id else None
    if old_flight is not None and not row.distance:  # keep the distance computed last time
        details = msgspec.structs.replace(details, distance_nm=old_flight.distance_nm)
    await save_flight(uow, tenant_id, flight_id, details := validated(details))
    return _outcome(old_flight, details)


def validated(details: Any) -> Any:
    """A Struct built by hand skips its constraints (only decoding checks them): check them
    here, so that what is stored can always be read back."""
    try:
        return msgspec.convert(msgspec.to_builtins(details), type(details))
    except msgspec.ValidationError as exc:
        message = str(exc)
        field = message.split("at `$.", 1)[1].rstrip("`").split(".")[0] if "at `$." in message else None
        raise DomainError(message.split(" - at ")[0], fields={field: "invalid"} if field else {}) from None


def _outcome(before: Any, after: Any) -> Outcome:
    if before is None:
        return "created"
    return "unchanged" if before == after else "updated"


async def handle_import(
    deps: IdentityDeps,
    ctx: Context,
    principal: Principal,
    tenant_id: str,
    kind: Kind,
    body: bytes,
    *,
    dry_run: bool,
) -> ImportResult:
    authorize(principal, Action.MANAGE_OPERATIONS, tenant_id)
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ImportResult(0, 0, 0, 0, [RowProblem(0, None, "The file is not UTF-8 text.")], None)
    parsed = csv_format.parse(kind, text)
    syntax = [RowProblem(e.line, e.column, e.message) for e in parsed.errors]
    outcomes: list[RowOutcome] = []
    problems: list[RowProblem] = []

    async def apply(uow: UnitOfWork) -> None:
        outcomes.clear()
        problems.clear()
        tenant = await uow.load(Tenant, tenant_id)
        if not tenant.exists:
            raise NotFound("No such airline.")
        iata = (await uow.load(Airline, tenant_id)).profile.iata
        codes = {tenant.icao} | ({iata} if iata else set())
        for row, line in zip(parsed.rows, parsed.lines, strict=True):
            try:
                outcomes.append(RowOutcome(line, await _import_row(uow, tenant, codes, kind, row)))
            except NotFound as exc:
                if exc.detail == "No such airline.":
                    raise
                problems.append(RowProblem(line, next(iter(exc.fields), None), exc.detail))
            except DomainError as exc:
                problems.append(RowProblem(line, next(iter(exc.fields), None), exc.detail))
        if dry_run or problems or syntax:
            raise _Rejected

    position: int | None = None
    try:
        if dry_run:
            await apply(UnitOfWork(deps.store, deps.codec, ctx))
        else:
            position = (await run(deps, ctx, apply)).position
    except _Rejected:
        pass
    errors = sorted(syntax + problems, key=lambda p: p.line)
    wrote = not dry_run and not errors
    counts = Counter(o.outcome for o in outcomes)
    return ImportResult(
        rows=len(parsed.rows) + len({e.line for e in parsed.errors if e.line > 1}),
        created=counts["created"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        errors=errors,
        position=position if wrote else None,
        outcomes=list(outcomes),
    )
