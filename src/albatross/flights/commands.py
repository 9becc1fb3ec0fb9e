"""PIREP and career commands. Every handler authorizes, then decides in one unit of work: an
acceptance commits with its career credit, aircraft state and ledger entry, or not at all."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Literal

import msgspec

from albatross.finance import commands as finance
from albatross.finance.domain import FareSale, FlightCosting
from albatross.flights.careers import AirlineCareers, Career, CareerSettings, FlightCredited
from albatross.flights.checks import CheckFailed, auto_accept_rule, plausible_time
from albatross.flights.domain import (
    AircraftState,
    Briefing,
    LogLine,
    Phase,
    Pirep,
    PirepDetails,
    PirepState,
    Position,
    RecentFiling,
    Source,
    Track,
    Waypoint,
)
from albatross.flights.simbrief import parse_ofp
from albatross.identity.commands import IdentityDeps, run
from albatross.identity.domain import User
from albatross.identity.policy import Action, Principal, authorize
from albatross.kernel import CommandResult, Context, Forbidden, InvalidInput, NotFound, UnitOfWork
from albatross.kernel.unit_of_work import now_us
from albatross.operations import airports
from albatross.operations import commands as operations
from albatross.operations.csv_format import fare_number, fare_terms
from albatross.operations.domain import (
    Aircraft,
    Airline,
    AirportRecord,
    Bids,
    Flight,
    FlightDetails,
    Subfleet,
    SubfleetDetails,
)


class Filed(msgspec.Struct, frozen=True):
    id: str
    created: bool
    """False when a repeat within the duplicate window returned the report already made."""


def _pilot_tenant(principal: Principal) -> str:
    if principal.tenant_id is None:
        raise Forbidden("Only an airline's members fly its flights.")
    authorize(principal, Action.FLY, principal.tenant_id)
    return principal.tenant_id


async def _pirep(uow: UnitOfWork, principal: Principal, pirep_id: str, *, staff: bool = False) -> Pirep:
    """The PIREP if the caller may change it: its pilot, or (with `staff`) the airline's staff."""
    pirep = await uow.load(Pirep, pirep_id)
    if not pirep.exists:
        raise NotFound("No such PIREP.")
    if principal.role != "platform_admin" and pirep.tenant_id != principal.tenant_id:
        raise NotFound("No such PIREP.")
    if pirep.pilot_id == principal.user_id and not staff:
        return pirep
    authorize(principal, Action.REVIEW_PIREPS, pirep.tenant_id)
    return pirep


# ---- checks that need the records ----


async def _aircraft(uow: UnitOfWork, tenant_id: str, aircraft_id: str) -> Aircraft:
    """Another airline's aircraft is as good as none, whichever checks are on."""
    aircraft = await uow.load(Aircraft, aircraft_id)
    if not aircraft.live or aircraft.tenant_id != tenant_id:
        raise CheckFailed(
            "pirep-aircraft-unavailable", "aircraft_id: no such aircraft in this airline", "aircraft_id"
        )
    return aircraft


async def run_checks(
    uow: UnitOfWork,
    tenant_id: str,
    pilot_id: str,
    pirep_id: str,
    details: PirepDetails,
    *,
    departing: bool,
    filing: bool,
) -> None:
    """The airline's switched-on checks; `departing` ones (where aircraft and pilot are) run when
    a flight starts, `filing` ones (the time flown) when it is filed."""
    checks = (await uow.load(Airline, tenant_id)).profile.pirep_checks
    if checks.airports_exist:
        for field in ("departure", "arrival", "alternate"):
            code = getattr(details, field)
            if code is not None and await operations.airport_position(uow, tenant_id, code) is None:
                raise CheckFailed("pirep-unknown-airport", f"{field}: unknown airport {code}", field)
    career = await uow.load(Career, pilot_id)
    if details.aircraft_id is not None:
        aircraft = await _aircraft(uow, tenant_id, details.aircraft_id)
        record = aircraft.require_live()
        state = await uow.load(AircraftState, details.aircraft_id)
        if departing and checks.aircraft_belongs_and_active:
            if record.status != "active":
                raise CheckFailed(
                    "pirep-aircraft-unavailable",
                    f"aircraft_id: {record.registration} is {record.status.replace('_', ' ')}, not active",
                    "aircraft_id",
                )
            if state.in_use_by not in (None, pirep_id):
                raise CheckFailed(
                    "pirep-aircraft-unavailable",
                    f"aircraft_id: {record.registration} is flying another flight",
                    "aircraft_id",
                )
        location = state.location or record.location
        if (
            departing
            and checks.aircraft_at_departure
            and location is not None
            and location != details.departure
        ):
            raise CheckFailed(
                "pirep-aircraft-elsewhere",
                f"aircraft_id: {record.registration} is at {location}, not at {details.departure}",
                "aircraft_id",
            )
        if checks.rank_allows_subfleet:
            subfleet = await uow.load(Subfleet, record.subfleet_id)
            allowed = subfleet.details.ranks if subfleet.details else []
            rank = await pilot_rank(uow, tenant_id, career)
            if allowed and rank not in allowed:
                raise CheckFailed(
                    "pirep-rank-not-allowed",
                    f"aircraft_id: your rank ({rank or 'none'}) may not fly the {subfleet.details.name if subfleet.details else 'subfleet'}",
                    "aircraft_id",
                )
    if (
        departing
        and checks.pilot_at_departure
        and career.location is not None
        and career.location != details.departure
    ):
        raise CheckFailed(
            "pirep-pilot-elsewhere",
            f"departure: you are at {career.location}, not at {details.departure}",
            "departure",
        )
    if filing and checks.plausible_flight_time and details.flight_minutes is not None:
        plausible_time(await _distance(uow, tenant_id, details), details.flight_minutes)


async def _distance(uow: UnitOfWork, tenant_id: str, details: PirepDetails) -> float:
    if details.distance_nm:
        return details.distance_nm
    if details.planned_distance_nm:
        return details.planned_distance_nm
    return await _great_circle(uow, tenant_id, details) or 0.0


async def _great_circle(uow: UnitOfWork, tenant_id: str, details: PirepDetails) -> float | None:
    """Nmi between the report's airports, when both are known."""
    a = await operations.airport_position(uow, tenant_id, details.departure)
    b = await operations.airport_position(uow, tenant_id, details.arrival)
    return airports.distance_nm(*a, *b) if a and b else None


async def pilot_rank(uow: UnitOfWork, tenant_id: str, career: Career) -> str | None:
    """A pilot with no rank yet holds the airline's first."""
    if career.rank is not None:
        return career.rank
    ranks = (await uow.load(AirlineCareers, tenant_id)).settings.ranks
    return ranks[0].name if ranks else None


# ---- filing ----


async def handle_create_pirep(
    deps: IdentityDeps,
    ctx: Context,
    principal: Principal,
    details: PirepDetails,
    source: Source,
    fields: dict[str, str] | None = None,
) -> CommandResult[Filed]:
    """Start a report: a manual draft, or a tracked flight (a tracker's prefile), with its
    custom fields in the same write. The same kind of report of the same flight started again
    within ten minutes answers with the first unless it was cancelled (fields merged while it
    is open)."""
    tenant_id = _pilot_tenant(principal)

    async def create(uow: UnitOfWork) -> Filed:
        now = now_us()
        await operations.require_tenant(uow, tenant_id)
        filing = await uow.load(RecentFiling, RecentFiling.key(principal.user_id, details))
        repeat = filing.repeat_of(now)
        if repeat is not None:
            earlier = await uow.load(Pirep, repeat)
            # The same kind of report, not cancelled: a double submit or a tracker's retry.
            if earlier.source == source and earlier.state != PirepState.CANCELLED:
                if fields and earlier.state in (PirepState.DRAFT, PirepState.IN_PROGRESS):
                    uow.record(earlier, earlier.set_fields(fields))
                return Filed(repeat, created=False)
        pirep_id = str(uuid.uuid4())
        resolved = await _resolve(uow, tenant_id, details)
        if source == "tracked":
            await run_checks(
                uow, tenant_id, principal.user_id, pirep_id, resolved, departing=True, filing=False
            )
        elif resolved.aircraft_id is not None:
            await _aircraft(uow, tenant_id, resolved.aircraft_id)
        pirep = await uow.load(Pirep, pirep_id)
        uow.record(pirep, pirep.create(tenant_id, principal.user_id, source, resolved, now))
        if fields:
            uow.record(pirep, pirep.set_fields(fields))
        uow.record(filing, filing.record(tenant_id, pirep_id, now))
        if source == "tracked" and resolved.aircraft_id is not None:
            state = await uow.load(AircraftState, resolved.aircraft_id)
            uow.record(state, state.take(tenant_id, pirep_id))
        return Filed(pirep_id, created=True)

    return await run(deps, ctx, create)


async def _resolve(uow: UnitOfWork, tenant_id: str, details: PirepDetails) -> PirepDetails:
    """Fill what a scheduled flight already says (planned distance and time, route, level)."""
    if details.flight_id is not None:
        flight = await uow.load(Flight, details.flight_id)
        if not flight.live or flight.tenant_id != tenant_id or flight.details is None:
            raise InvalidInput(
                "flight_id: no such flight in this airline", fields={"flight_id": "no such flight"}
            )
        scheduled = flight.details
        details = msgspec.structs.replace(
            details,
            planned_distance_nm=details.planned_distance_nm or scheduled.distance_nm,
            planned_minutes=details.planned_minutes or scheduled.block_minutes,
            route=details.route or scheduled.route,
            level=details.level or scheduled.level,
        )
    if (
        details.planned_distance_nm is None
        and (nmi := await _great_circle(uow, tenant_id, details)) is not None
    ):
        details = msgspec.structs.replace(details, planned_distance_nm=round(nmi, 1))
    return details


async def handle_update_pirep(
    deps: IdentityDeps,
    ctx: Context,
    principal: Principal,
    pirep_id: str,
    *,
    details: PirepDetails | None = None,
    phase: Phase | None = None,
    fields: dict[str, str] | None = None,
) -> CommandResult[None]:
    """Change a draft or a flight in progress: its details (replaced whole), phase or fields."""
    return await handle_amend_pirep(
        deps, ctx, principal, pirep_id, lambda current: details or current, phase=phase, fields=fields
    )


async def _move_aircraft(uow: UnitOfWork, pirep: Pirep, details: PirepDetails) -> None:
    tenant_id = pirep.tenant_id or ""
    await run_checks(uow, tenant_id, pirep.pilot_id, pirep.id, details, departing=True, filing=False)
    old = pirep.require().aircraft_id
    if old is not None:
        state = await uow.load(AircraftState, old)
        uow.record(state, state.release(pirep.id))
    if details.aircraft_id is not None:
        state = await uow.load(AircraftState, details.aircraft_id)
        uow.record(state, state.take(tenant_id, pirep.id))


async def handle_submit_pirep(
    deps: IdentityDeps,
    ctx: Context,
    principal: Principal,
    pirep_id: str,
    details: PirepDetails | None = None,
    *,
    amend: Callable[[PirepDetails], PirepDetails] | None = None,
    fields: dict[str, str] | None = None,
) -> CommandResult[PirepState]:
    """File the report (a manual submission or a tracker's `file`, with its last numbers and
    fields in the same write): checks, then pending, or accepted at once when an auto-accept
    rule matches. The pilot's bid on the flight is used up."""

    async def submit(uow: UnitOfWork) -> PirepState:
        pirep = await _pirep(uow, principal, pirep_id)
        tenant_id = pirep.tenant_id or ""
        current = pirep.require_editable()
        if fields:
            uow.record(pirep, pirep.set_fields(fields))
        filed = await _resolve(uow, tenant_id, details or (amend(current) if amend else current))
        if filed.aircraft_id is not None and filed.aircraft_id != current.aircraft_id:
            await _aircraft(uow, tenant_id, filed.aircraft_id)
        await run_checks(
            uow,
            tenant_id,
            pirep.pilot_id,
            pirep_id,
            filed,
            departing=pirep.state == PirepState.DRAFT,
            filing=True,
        )
        now = now_us()
        uow.record(pirep, pirep.submit(filed, now))
        for aircraft_id in {current.aircraft_id, filed.aircraft_id} - {None}:
            state = await uow.load(AircraftState, aircraft_id)  # type: ignore[arg-type]
            uow.record(state, state.release(pirep_id))
        await _use_up_bid(uow, pirep)
        career = await uow.load(Career, pirep.pilot_id)
        rule = auto_accept_rule(
            (await uow.load(Airline, tenant_id)).profile.auto_accept,
            rank=await pilot_rank(uow, tenant_id, career),
            source=pirep.source,
            landing_rate_fpm=filed.landing_rate_fpm,
            minutes=filed.flight_minutes,
            planned_minutes=filed.planned_minutes,
        )
        if rule is not None:
            await accept(uow, pirep, "auto", rule, now)
        return pirep.state

    return await run(deps, ctx, submit)


async def _use_up_bid(uow: UnitOfWork, pirep: Pirep) -> None:
    details = pirep.require()
    if details.flight_id is None:
        return
    bids = await uow.load(Bids, pirep.pilot_id)
    for bid in list(bids.open.values()):
        if bid.flight_id == details.flight_id:
            await operations.remove_bid(uow, pirep.pilot_id, pirep.tenant_id or "", bid.bid_id, "flown")


async def handle_cancel_pirep(
    deps: IdentityDeps, ctx: Context, principal: Principal, pirep_id: str
) -> CommandResult[None]:
    async def cancel(uow: UnitOfWork) -> None:
        pirep = await _pirep(uow, principal, pirep_id)
        details = pirep.require()
        uow.record(pirep, pirep.cancel(now_us()))
        if details.aircraft_id is not None:
            state = await uow.load(AircraftState, details.aircraft_id)
            uow.record(state, state.release(pirep_id))

    return await run(deps, ctx, cancel)


# ---- review: every effect of an acceptance, and its exact reversal ----


async def handle_accept_pirep(
    deps: IdentityDeps, ctx: Context, principal: Principal, pirep_id: str
) -> CommandResult[None]:
    async def accept_(uow: UnitOfWork) -> None:
        pirep = await _pirep(uow, principal, pirep_id, staff=True)
        await accept(uow, pirep, "staff", None, now_us())

    return await run(deps, ctx, accept_)


async def handle_reject_pirep(
    deps: IdentityDeps, ctx: Context, principal: Principal, pirep_id: str, reason: str
) -> CommandResult[None]:
    async def reject(uow: UnitOfWork) -> None:
        pirep = await _pirep(uow, principal, pirep_id, staff=True)
        was_accepted = pirep.state == PirepState.ACCEPTED
        now = now_us()
        uow.record(pirep, pirep.reject(reason, now))
        if was_accepted:
            await _reverse(uow, pirep, now)

    return await run(deps, ctx, reject)


async def accept(
    uow: UnitOfWork, pirep: Pirep, by: Literal["staff", "auto"], rule: str | None, now: int
) -> None:
    tenant_id = pirep.tenant_id or ""
    details = pirep.require()
    uow.record(pirep, pirep.accept(by, rule, now))
    minutes = details.flight_minutes or 0
    settings = (await uow.load(AirlineCareers, tenant_id)).settings
    career = await uow.load(Career, pirep.pilot_id)
    credit = FlightCredited(
        tenant_id=tenant_id,
        pirep_id=pirep.id,
        departure=details.departure,
        arrival=details.arrival,
        minutes=minutes,
        landing_rate_fpm=details.landing_rate_fpm,
        at=pirep.submitted_at or now,
    )
    rank = await pilot_rank(uow, tenant_id, career)  # pay at the rank flown, before any promotion
    uow.record(career, career.credit(tenant_id, settings, credit))
    subfleet: SubfleetDetails | None = None
    if details.aircraft_id is not None:
        state = await uow.load(AircraftState, details.aircraft_id)
        fuel = None
        if details.block_fuel_lbs is not None and details.fuel_used_lbs is not None:
            fuel = max(0.0, details.block_fuel_lbs - details.fuel_used_lbs)
        uow.record(state, state.fly(tenant_id, pirep.id, details.departure, details.arrival, minutes, fuel))
        aircraft = await uow.load(Aircraft, details.aircraft_id)
        if aircraft.details is not None:
            subfleet = (await uow.load(Subfleet, aircraft.details.subfleet_id)).details
    flight = (await uow.load(Flight, details.flight_id)).details if details.flight_id else None
    costing = await _costing(uow, tenant_id, pirep, details, settings, rank, subfleet, flight)
    memo = f"{details.airline}{details.flight_number} {details.departure}-{details.arrival}"
    await finance.post_flight(uow, tenant_id, pirep.id, costing, now, memo)


async def _reverse(uow: UnitOfWork, pirep: Pirep, now: int) -> None:
    tenant_id = pirep.tenant_id or ""
    details = pirep.require()
    settings = (await uow.load(AirlineCareers, tenant_id)).settings
    career = await uow.load(Career, pirep.pilot_id)
    uow.record(career, career.debit(tenant_id, settings, pirep.id))
    if details.aircraft_id is not None:
        state = await uow.load(AircraftState, details.aircraft_id)
        uow.record(state, state.reverse(pirep.id))
    memo = f"reversal: {details.airline}{details.flight_number} rejected"
    await finance.reverse_flight(uow, tenant_id, pirep.id, now, memo)


def _minor(amount: float) -> int:
    return round(amount * 100)


async def _costing(
    uow: UnitOfWork,
    tenant_id: str,
    pirep: Pirep,
    details: PirepDetails,
    settings: CareerSettings,
    rank: str | None,
    subfleet: SubfleetDetails | None,
    flight: FlightDetails | None,
) -> FlightCosting:
    """What the flight earned and cost, in minor units, from the airline's own prices."""
    departure = (
        await uow.load(AirportRecord, operations.airport_stream(tenant_id, details.departure))
    ).details
    arrival = (await uow.load(AirportRecord, operations.airport_stream(tenant_id, details.arrival))).details
    fuel_price = 0.0
    if departure is not None:
        fuel_type = subfleet.fuel_type if subfleet else "jet_a"
        fuel_price = {"100ll": departure.fuel_100ll_cost, "mogas": departure.fuel_mogas_cost}.get(
            fuel_type, departure.fuel_jet_a_cost
        )
    minutes = details.flight_minutes or 0
    if flight is not None and flight.pilot_pay is not None:
        pay = _minor(flight.pilot_pay)
    else:
        rate = next((r.pay_per_hour for r in settings.ranks if r.name == rank), 0.0)
        pay = round(_minor(rate) * minutes / 60)
    return FlightCosting(
        pilot_id=pirep.pilot_id,
        fares=_fares(details, subfleet, flight),
        fuel_used_lbs=details.fuel_used_lbs or 0.0,
        fuel_price_per_lb=fuel_price * 100,
        block_minutes=minutes,
        block_hour_cost=_minor(subfleet.cost_block_hour) if subfleet else 0,
        landing_fee=_minor(arrival.landing_fee) if arrival else 0,
        ground_handling_cost=_minor(departure.ground_handling_cost) if departure else 0,
        ground_handling_multiplier_percent=subfleet.ground_handling_multiplier if subfleet else 100.0,
        pilot_pay=pay,
    )


def _fares(
    details: PirepDetails, subfleet: SubfleetDetails | None, flight: FlightDetails | None
) -> list[FareSale]:
    """Seats sold per fare: as reported, else the subfleet's capacity at the flight's load factor;
    prices as reported, else the schedule's, else the subfleet's."""
    terms = fare_terms(subfleet.fares if subfleet else [])
    for code, attrs in fare_terms(flight.fares if flight else []).items():
        terms[code] = {**terms.get(code, {}), **attrs}
    sales = []
    if details.fares:
        for fare in details.fares:
            price = (
                fare.price
                if fare.price is not None
                else fare_number(terms.get(fare.code, {}), "price") or 0.0
            )
            sales.append(FareSale(code=fare.code, price=_minor(price), count=fare.count))
        return sales
    load = (flight.load_factor if flight and flight.load_factor is not None else 80.0) / 100
    for code, attrs in terms.items():
        capacity = fare_number(attrs, "capacity")
        if capacity:
            sales.append(
                FareSale(
                    code=code, price=_minor(fare_number(attrs, "price") or 0.0), count=int(capacity * load)
                )
            )
    return sales


# ---- the track, route, fields and comments ----


async def _tracking(uow: UnitOfWork, principal: Principal, pirep_id: str) -> Pirep:
    pirep = await _pirep(uow, principal, pirep_id)
    pirep.require_editable()
    if pirep.state != PirepState.IN_PROGRESS:
        raise InvalidInput("Only a flight in progress is tracked; prefile it first.")
    return pirep


async def handle_record_positions(
    deps: IdentityDeps, ctx: Context, principal: Principal, pirep_id: str, positions: list[Position]
) -> CommandResult[int]:
    """A tracker's batch: rows with an id already recorded replace it, so a re-post adds nothing.
    The latest row's phase becomes the flight's."""

    async def record(uow: UnitOfWork) -> int:
        pirep = await _tracking(uow, principal, pirep_id)
        track = await uow.load(Track, pirep_id)
        events = track.record(pirep.tenant_id or "", positions)
        uow.record(track, events)
        phases = [p.phase for p in positions if p.phase is not None]
        if phases:
            uow.record(pirep, pirep.change_phase(phases[-1]))
        return sum(len(e.positions) for e in events)  # type: ignore[attr-defined]

    return await run(deps, ctx, record)


async def handle_log(
    deps: IdentityDeps, ctx: Context, principal: Principal, pirep_id: str, lines: list[LogLine]
) -> CommandResult[int]:
    async def log(uow: UnitOfWork) -> int:
        pirep = await _tracking(uow, principal, pirep_id)
        track = await uow.load(Track, pirep_id)
        uow.record(track, track.log(pirep.tenant_id or "", lines))
        return len(lines)

    return await run(deps, ctx, log)


async def handle_set_route(
    deps: IdentityDeps, ctx: Context, principal: Principal, pirep_id: str, waypoints: list[Waypoint]
) -> CommandResult[None]:
    async def set_route(uow: UnitOfWork) -> None:
        pirep = await _pirep(uow, principal, pirep_id)
        uow.record(pirep, pirep.set_route(waypoints))

    return await run(deps, ctx, set_route)


async def handle_comment(
    deps: IdentityDeps, ctx: Context, principal: Principal, pirep_id: str, text: str
) -> CommandResult[str]:
    """Its pilot and the airline's staff discuss a report, in any state."""

    async def comment(uow: UnitOfWork) -> str:
        pirep = await _pirep(uow, principal, pirep_id)
        comment_id = str(uuid.uuid4())
        uow.record(pirep, pirep.comment(comment_id, principal.user_id, text, now_us()))
        return comment_id

    return await run(deps, ctx, comment)


# ---- SimBrief ----


async def handle_brief_pirep(
    deps: IdentityDeps, ctx: Context, principal: Principal, pirep_id: str, ofp: str | bytes
) -> CommandResult[None]:
    """Import a SimBrief OFP onto a draft or a flight in progress."""
    plan = parse_ofp(ofp)

    async def brief(uow: UnitOfWork) -> None:
        pirep = await _pirep(uow, principal, pirep_id)
        uow.record(pirep, pirep.brief(plan))

    return await run(deps, ctx, brief)


async def handle_brief_bid(
    deps: IdentityDeps, ctx: Context, principal: Principal, bid_id: str, ofp: str | bytes
) -> CommandResult[None]:
    """Import a SimBrief OFP onto one of the pilot's own bids."""
    tenant_id = _pilot_tenant(principal)
    plan = parse_ofp(ofp)

    async def brief(uow: UnitOfWork) -> None:
        bid = (await uow.load(Bids, principal.user_id)).open.get(bid_id)
        if bid is None:
            raise NotFound("No such bid.")
        flight = (await uow.load(Flight, bid.flight_id)).details
        if flight is None:
            raise NotFound("The bid's flight no longer exists.")
        briefing = await uow.load(Briefing, bid_id)
        uow.record(
            briefing,
            briefing.attach(
                tenant_id, principal.user_id, bid.flight_id, flight.departure, flight.arrival, plan
            ),
        )

    return await run(deps, ctx, brief)


# ---- careers ----


async def handle_change_career_settings(
    deps: IdentityDeps, ctx: Context, principal: Principal, tenant_id: str, settings: CareerSettings
) -> CommandResult[None]:
    authorize(principal, Action.MANAGE_CAREERS, tenant_id)

    async def change(uow: UnitOfWork) -> None:
        await operations.require_tenant(uow, tenant_id)
        careers = await uow.load(AirlineCareers, tenant_id)
        uow.record(careers, careers.change(settings))

    return await run(deps, ctx, change)


async def _member_career(uow: UnitOfWork, tenant_id: str, user_id: str) -> tuple[Career, CareerSettings]:
    user = await uow.load(User, user_id)
    if not user.exists or user.tenant_id != tenant_id:
        raise NotFound("No such pilot.")
    return await uow.load(Career, user_id), (await uow.load(AirlineCareers, tenant_id)).settings


async def handle_set_rank(
    deps: IdentityDeps, ctx: Context, principal: Principal, tenant_id: str, user_id: str, rank: str
) -> CommandResult[None]:
    """Staff set a pilot's rank; one above the pilot's hours is kept (promotion never demotes)."""
    authorize(principal, Action.MANAGE_CAREERS, tenant_id)
    return await _on_career(deps, ctx, tenant_id, user_id, lambda c, s: c.set_rank(tenant_id, s, rank))


async def handle_set_transfer_hours(
    deps: IdentityDeps, ctx: Context, principal: Principal, tenant_id: str, user_id: str, minutes: int
) -> CommandResult[None]:
    """Hours a pilot brings from another airline count towards ranks and hour awards."""
    authorize(principal, Action.MANAGE_CAREERS, tenant_id)
    return await _on_career(
        deps, ctx, tenant_id, user_id, lambda c, s: c.set_transfer_minutes(tenant_id, s, minutes)
    )


async def _on_career(
    deps: IdentityDeps,
    ctx: Context,
    tenant_id: str,
    user_id: str,
    decide: Callable[[Career, CareerSettings], list],  # type: ignore[type-arg]
) -> CommandResult[None]:
    async def change(uow: UnitOfWork) -> None:
        career, settings = await _member_career(uow, tenant_id, user_id)
        uow.record(career, decide(career, settings))

    return await run(deps, ctx, change)


# ---- the phpVMS-compatible (ACARS) API: a change given as a patch over the current report ----


async def handle_amend_pirep(
    deps: IdentityDeps,
    ctx: Context,
    principal: Principal,
    pirep_id: str,
    amend: Callable[[PirepDetails], PirepDetails],
    *,
    phase: Phase | None = None,
    fields: dict[str, str] | None = None,
) -> CommandResult[None]:
    """A phpVMS tracker's update: `amend` turns the report's current details into the new ones
    inside the unit of work, so two quick updates never overwrite each other's fields."""

    async def update(uow: UnitOfWork) -> None:
        pirep = await _pirep(uow, principal, pirep_id)
        current = pirep.require_editable()
        details = amend(current)
        if details != current:
            resolved = await _resolve(uow, pirep.tenant_id or "", details)
            if resolved.aircraft_id != current.aircraft_id and pirep.state == PirepState.IN_PROGRESS:
                await _move_aircraft(uow, pirep, resolved)
            elif resolved.aircraft_id is not None and resolved.aircraft_id != current.aircraft_id:
                await _aircraft(uow, pirep.tenant_id or "", resolved.aircraft_id)
            uow.record(pirep, pirep.update(resolved))
        if phase is not None:
            uow.record(pirep, pirep.change_phase(phase))
        if fields:
            uow.record(pirep, pirep.set_fields(fields))

    return await run(deps, ctx, update)
