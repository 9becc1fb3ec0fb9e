"""The demo airline, flying: careers, recurring expenses and six weeks of PIREPs.

`create_demo()` first writes the airline, fleet, schedule and people (`operations.demo`), then
what makes it look alive, through the ordinary command handlers like everything else: career
settings (ranks, awards, leave), hours some pilots bring from other airlines, recurring expenses
posted from about forty days ago, and PIREPs flown by the demo pilots over the demo schedule:
accepted ones (tracked and auto-accepted, or manual and accepted by the airline's admin),
some in the review queue, one rejected, one draft and two tracked flights in the air now.

`flying_plan()` is pure and seeded: the same legs for the same seed and moment. Times are
relative to now, so the history always ends today. (The operations context cannot import this
one; the CLI calls this module, which calls the operations demo first.)
"""

from __future__ import annotations

import math
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Literal, NamedTuple

import msgspec

from albatross.finance.commands import handle_set_expense, post_due_expenses
from albatross.finance.domain import ExpenseFields, Period, utc_day
from albatross.flights.careers import Award, AwardRule, CareerSettings, Rank
from albatross.flights.commands import (
    handle_accept_pirep,
    handle_change_career_settings,
    handle_comment,
    handle_create_pirep,
    handle_record_positions,
    handle_reject_pirep,
    handle_set_rank,
    handle_set_transfer_hours,
    handle_submit_pirep,
)
from albatross.flights.domain import Phase, PirepDetails, Position
from albatross.identity.auth import find_user
from albatross.identity.commands import IdentityDeps
from albatross.identity.domain import UniqueValue
from albatross.identity.policy import Principal
from albatross.kernel import Context, UnitOfWork
from albatross.kernel.unit_of_work import now_us
from albatross.operations import airports
from albatross.operations import demo as airline_demo
from albatross.operations.csv_format import FlightRow
from albatross.operations.demo import DEMO_SEED, HUBS, DemoPlan, DemoRefused, DemoResult, demo_plan
from albatross.operations.domain import FlightDetails, flight_key

__all__ = ["DemoRefused", "LivingDemo", "create_demo", "flying_plan", "summary"]

MINUTE = 60 * 1_000_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR

CAREERS = CareerSettings(
    ranks=[
        Rank(name="Cadet", hours=0, pay_per_hour=25),
        Rank(name="Second Officer", hours=10, pay_per_hour=45),
        Rank(name="First Officer", hours=50, pay_per_hour=70),
        Rank(name="Captain", hours=150, pay_per_hour=110),
        Rank(name="Senior Captain", hours=500, pay_per_hour=140, auto_promote=False),
    ],
    awards=[
        Award(
            id="first-flight",
            name="First Flight",
            description="Your first accepted PIREP with Albatross Demo Air.",
            rule=AwardRule(kind="flights", count=1),
        ),
        Award(
            id="regular",
            name="Regular",
            description="Five accepted flights.",
            rule=AwardRule(kind="flights", count=5),
        ),
        Award(
            id="centurion",
            name="Centurion",
            description="A hundred hours in the logbook (transferred hours count).",
            rule=AwardRule(kind="hours", count=100),
        ),
        Award(
            id="thousand-hours",
            name="Thousand-Hour Club",
            description="A thousand hours in the logbook.",
            rule=AwardRule(kind="hours", count=1000),
        ),
        Award(
            id="transatlantic",
            name="Transatlantic",
            description="New York JFK to London Heathrow.",
            rule=AwardRule(kind="route", departure="KJFK", arrival="EGLL"),
        ),
        Award(
            id="peach-state",
            name="Peach State",
            description="Three flights into or out of Atlanta.",
            rule=AwardRule(kind="airport", airport="KATL", count=3),
        ),
    ],
    leave_after_days=60,
)

EXPENSE_HISTORY_DAYS = 40
EXPENSES: tuple[tuple[str, int, Period], ...] = (
    ("Hangar rent", 1_850_000, "monthly"),
    ("IT and flight ops systems", 42_000, "daily"),
    ("Hull and liability insurance", 975_000, "monthly"),
)
"""Recurring expenses: name, amount in cents per period, period."""

Outcome = Literal["tracked", "manual", "pending", "rejected", "draft", "in_progress"]
"""tracked: filed by a tracker and auto-accepted; manual: filed by hand and accepted by staff."""


class _Role(NamedTuple):
    flown: int
    """Accepted flights."""
    transfer_hours: int
    then: Outcome | None = None
    """What the pilot's latest report is, after the accepted ones."""
    long_haul: bool = False
    first: str | None = None
    """Where the pilot's first flight goes."""
    staff_rank: str | None = None


ROSTER = (
    _Role(6, 1180, long_haul=True, first="EGLL", staff_rank="Senior Captain"),
    _Role(5, 150, then="in_progress"),
    _Role(4, 45),
    _Role(3, 8, then="pending"),
    _Role(3, 0),
    _Role(2, 0, then="rejected"),
    _Role(1, 0),
    _Role(1, 0, then="pending"),
    _Role(0, 0, then="draft"),
    _Role(0, 0, then="in_progress"),
)
"""The ten demo pilots, in the order the operations demo lists them (home: HUBS[i % 4])."""

BURN_LBS_PER_HOUR = {"E175": 3300, "A320": 5400, "B738": 5600, "B77W": 16500}
TRACKED_SHARE = 0.6
LIVE_PROGRESS = (0.55, 0.3)
"""How far along the two flights in the air are (of their airborne time)."""
LIVE_POSITIONS = (18, 12)
HISTORY_POSITIONS = 8
REJECT_REASON = (
    "Filed against the wrong aircraft: the tail you flew was at another airport that day. "
    "Please refile with the aircraft you flew."
)
NOTES = (
    "",
    "",
    "",
    "Smooth ride, light chop on the descent.",
    "Vectored around weather after the top of climb.",
    "Long taxi for a runway change.",
    "Hand-flown approach, gusty crosswind.",
)


class DemoLeg(msgspec.Struct, frozen=True, kw_only=True):
    """One flight a demo pilot files."""

    pilot: str
    """The pilot's username."""
    outcome: Outcome
    flight: FlightRow
    registration: str
    aircraft_type: str
    block_off_at: int
    block_on_at: int
    minutes: int
    distance_nm: float
    landing_rate_fpm: float
    fuel_used_lbs: float
    block_fuel_lbs: float
    notes: str = ""


class DemoActivity(msgspec.Struct, frozen=True, kw_only=True):
    pireps: dict[str, int]
    """By state."""
    positions: int
    transfers: int
    expenses: int
    expense_entries: int
    position: int


class LivingDemo(msgspec.Struct, frozen=True, kw_only=True):
    airline: DemoResult
    activity: DemoActivity


# ---- the plan: pure and deterministic ----


def _departure_after(row: FlightRow, after: int) -> int:
    """The flight's next scheduled departure (UTC, µs) at or after `after`: its local time on
    the days it runs, in the departure airport's standard time."""
    origin = airports.get(row.dpt_airport)
    offset = airline_demo.utc_offset_minutes(origin) * MINUTE if origin else 0
    hours, minutes = (int(part) for part in row.dpt_time.split(":")) if row.dpt_time else (12, 0)
    local = datetime.fromtimestamp((after + offset) // 1_000_000, UTC)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    for days in range(9):
        day = midnight + timedelta(days=days)
        runs = row.days == 0 or bool(row.days >> day.weekday() & 1)
        at = int(day.timestamp()) * 1_000_000 + (hours * 60 + minutes) * MINUTE - offset
        if runs and at >= after:
            return at
    return after  # a flight that never runs is not in the demo schedule


def _distance(row: FlightRow) -> float:
    a, b = airports.get(row.dpt_airport), airports.get(row.arr_airport)
    return airports.distance_between(a, b) if a and b else 0.0


def _pick(
    rng: random.Random, choices: list[FlightRow], ready: int, latest: int
) -> tuple[FlightRow, int] | None:
    """A flight leaving within a day of `ready` and landing by `latest`, else the soonest that
    lands by then."""
    timed = [(row, _departure_after(row, ready)) for row in choices]
    fits = [(row, at) for row, at in timed if at + row.flight_time * MINUTE <= latest]
    soon = [(row, at) for row, at in fits if at - ready <= DAY]
    if soon:
        return rng.choice(soon)
    return min(fits, key=lambda item: (item[1], item[0].flight_number)) if fits else None


def _numbers(rng: random.Random, row: FlightRow, type_code: str, minutes: int) -> dict[str, float]:
    burn = BURN_LBS_PER_HOUR.get(type_code, 5000)
    fuel_used = burn * max(minutes - 18, 10) / 60 + 450 * rng.uniform(0.9, 1.2)
    reserve = burn * 0.75 + 1500 * rng.uniform(0.8, 1.4)
    return {
        "fuel_used_lbs": float(round(fuel_used, -1)),
        "block_fuel_lbs": float(round(fuel_used + reserve, -2)),
        "landing_rate_fpm": float(-rng.randrange(60, 401)),
    }


_Chain = list[tuple[str, Outcome, FlightRow, int, int]]
"""pilot, outcome, flight, block off, minutes"""


def _itinerary(
    rng: random.Random,
    by_departure: dict[str, list[FlightRow]],
    username: str,
    role: _Role,
    home: str,
    now: int,
    history_days: int,
    live: int,
) -> _Chain | None:
    """One pilot's flights, oldest first, spread over `history_days`; None if they overrun now."""
    spacing = history_days * DAY // max(role.flown + (role.then is not None), 1)
    ready = now - (history_days + 3) * DAY + int(rng.uniform(0, 0.6) * spacing)
    outcomes: list[Outcome] = [
        "tracked" if rng.random() < TRACKED_SHARE else "manual" for _ in range(role.flown)
    ]
    if role.then is not None:
        outcomes.append(role.then)
    at, flown, chain = home, set[str](), []
    for number, outcome in enumerate(outcomes):
        choices = [f for f in by_departure[at] if f.flight_number not in flown]
        if role.long_haul:
            choices = [f for f in choices if "B77W" in f.subfleets] or choices
        if number == 0 and role.first:
            choices = [f for f in choices if f.arr_airport == role.first] or choices
        if outcome == "in_progress":  # in the air now, off schedule
            row = rng.choice(choices)
            off = now - int((10 + LIVE_PROGRESS[live] * (row.flight_time - 20)) * MINUTE) - MINUTE
        else:
            picked = None
            if outcome in ("pending", "rejected", "draft"):  # the latest reports: recent if it can be
                picked = _pick(rng, choices, max(ready, now - 3 * DAY), now - 6 * HOUR)
            picked = picked or _pick(rng, choices, ready, now - 6 * HOUR)
            if picked is None:
                return None
            row, off = picked
        minutes = round(row.flight_time * (1 + rng.uniform(-0.06, 0.08)))
        chain.append((username, outcome, row, off, minutes))
        flown.add(row.flight_number)
        at = row.arr_airport
        ready = min(off + minutes * MINUTE + int(rng.uniform(0.5, 1.0) * spacing), now - 3 * DAY)
    return chain


def flying_plan(plan: DemoPlan, now: int, seed: int = DEMO_SEED) -> list[DemoLeg]:
    """Every PIREP the demo files, oldest first: the same for the same plan, moment and seed."""
    rng = random.Random(seed + 1)  # noqa: S311  (demo data must repeat)
    by_departure: dict[str, list[FlightRow]] = {}
    for row in sorted(plan.flights, key=lambda f: int(f.flight_number)):
        by_departure.setdefault(row.dpt_airport, []).append(row)
    pilots = [p for p in plan.people if p.role == "pilot"]
    chains: _Chain = []
    for index, (person, role) in enumerate(zip(pilots, ROSTER, strict=True)):
        live = sum(1 for c in chains if c[1] == "in_progress")
        for history_days in (37, 25, 15, 8):  # a schedule that waits days for a flight: squeeze
            chain = _itinerary(
                rng, by_departure, person.username, role, HUBS[index % len(HUBS)], now, history_days, live
            )
            if chain is not None:
                break
        else:
            raise RuntimeError(f"the demo pilot {person.username}'s flights do not fit before now")
        chains += chain

    # Aircraft, in the order flown: one of the flight's types, free, best already at the departure.
    kinds = {a.registration: a.subfleet for a in plan.aircraft if a.status == "active"}
    location = {a.registration: a.home for a in plan.aircraft if a.status == "active"}
    free_at = dict.fromkeys(kinds, 0)
    legs = []
    for username, outcome, row, off, minutes in sorted(chains, key=lambda c: (c[3], c[0])):
        fitting = sorted(r for r, kind in kinds.items() if kind in row.subfleets)
        free = [r for r in fitting if free_at[r] <= off] or fitting
        here = [r for r in free if location[r] == row.dpt_airport]
        registration = rng.choice(here or free)
        on = off + minutes * MINUTE
        if outcome != "draft":
            free_at[registration] = on if outcome != "in_progress" else now + DAY
            location[registration] = row.arr_airport
        legs.append(
            DemoLeg(
                pilot=username,
                outcome=outcome,
                flight=row,
                registration=registration,
                aircraft_type=kinds[registration],
                block_off_at=off,
                block_on_at=on,
                minutes=minutes,
                distance_nm=round(_distance(row), 1),
                notes=rng.choice(NOTES),
                **_numbers(rng, row, kinds[registration], minutes),
            )
        )
    return legs


def _great_circle(a: airports.Airport, b: airports.Airport, fraction: float) -> tuple[float, float]:
    phi1, lam1, phi2, lam2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    delta = airports.distance_between(a, b) / airports.EARTH_RADIUS_NM
    if delta < 1e-9:
        return a.lat, a.lon
    k1, k2 = math.sin((1 - fraction) * delta) / math.sin(delta), math.sin(fraction * delta) / math.sin(delta)
    x = k1 * math.cos(phi1) * math.cos(lam1) + k2 * math.cos(phi2) * math.cos(lam2)
    y = k1 * math.cos(phi1) * math.sin(lam1) + k2 * math.cos(phi2) * math.sin(lam2)
    z = k1 * math.sin(phi1) + k2 * math.sin(phi2)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def _bearing(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2, d_lambda = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    y = math.sin(d_lambda) * math.cos(phi2)
    x = math.cos(phi1) * math.sin(phi2) - math.sin(phi1) * math.cos(phi2) * math.cos(d_lambda)
    return round(math.degrees(math.atan2(y, x)) % 360, 1)


def track(leg: DemoLeg, count: int, progress: float = 1.0) -> list[Position]:
    """`count` positions along the great circle from the departure to `progress` of the way
    (of the airborne time): climb, cruise at the schedule's level, descent."""
    a, b = airports.get(leg.flight.dpt_airport), airports.get(leg.flight.arr_airport)
    if a is None or b is None:
        return []
    distance = airports.distance_between(a, b)
    level_given = leg.flight.level or 300
    cruise_ft = level_given * 100 if level_given < 1000 else level_given  # a flight level, or feet
    climb_nm, descent_nm = min(120.0, distance * 0.3), min(130.0, distance * 0.35)
    airborne = max(leg.minutes - 20, 10) * MINUTE
    burn = BURN_LBS_PER_HOUR.get(leg.aircraft_type, 5000)
    positions = []
    for i in range(count):
        fraction = progress * i / (count - 1)
        flown = distance * fraction
        lat, lon = _great_circle(a, b, fraction)
        level = min(
            1.0, flown / climb_nm if climb_nm else 1.0, (distance - flown) / descent_nm if descent_nm else 1.0
        )
        altitude = round(max(level, 0.0) * cruise_ft, -2)
        if flown < 3:
            phase, vs = Phase.TAKEOFF, 1800.0
        elif flown < climb_nm and level < 1:
            phase, vs = Phase.CLIMB, 2000.0
        elif distance - flown < descent_nm and level < 1:
            phase, vs = (Phase.DESCENT if altitude > 10_000 else Phase.APPROACH), -1500.0
        else:
            phase, vs = Phase.ENROUTE, 0.0
        at = leg.block_off_at + 10 * MINUTE + int(fraction * airborne)
        ahead = _great_circle(a, b, min(1.0, fraction + 0.01))
        positions.append(
            Position(
                id=f"p{i:03d}",
                lat=round(lat, 5),
                lon=round(lon, 5),
                altitude_ft=altitude,
                heading=_bearing(lat, lon, *ahead) if fraction < 1 else _bearing(a.lat, a.lon, lat, lon),
                gs_kt=round(160 + 300 * max(level, 0.0)),
                ias_kt=round(150 + 130 * max(level, 0.0)),
                vs_fpm=vs,
                fuel_lbs=round(leg.block_fuel_lbs - 450 - burn * fraction * airborne / HOUR),
                distance_nm=round(flown, 1),
                phase=phase,
                at=at,
            )
        )
    return positions


# ---- writing it: through the command handlers ----


class _Ids(NamedTuple):
    users: dict[str, str]
    flights: dict[str, str]
    aircraft: dict[str, str]


async def _ids(deps: IdentityDeps, tenant_id: str, plan: DemoPlan, legs: list[DemoLeg]) -> _Ids:
    uow = UnitOfWork(deps.store, deps.codec, Context())
    users: dict[str, str] = {}
    for person in plan.people:
        user = await find_user(uow, person.username)
        if user is not None:
            users[person.username] = user.id

    async def owner(kind: str, value: str) -> str:
        claim = await uow.load(UniqueValue, UniqueValue.key(kind, f"{tenant_id}:{value}"))
        if claim.owner_id is None:
            raise RuntimeError(f"the demo {kind} {value} was not written")
        return claim.owner_id

    flights, aircraft = {}, {}
    for leg in legs:
        row = leg.flight
        key = flight_key(
            FlightDetails(
                airline=row.airline,
                flight_number=row.flight_number,
                route_code=row.route_code,
                route_leg=row.route_leg,
                departure=row.dpt_airport,
                arrival=row.arr_airport,
                distance_nm=0,
                block_minutes=1,
            )
        )
        flights[row.flight_number] = await owner("flight", key)
        aircraft[leg.registration] = await owner("registration", leg.registration.upper())
    return _Ids(users, flights, aircraft)


def _principal(user_id: str, username: str, role: str, tenant_id: str) -> Principal:
    return Principal(
        user_id=user_id,
        username=username,
        role=role,
        tenant_id=tenant_id,
        must_change_password=False,
        session_id="demo",
    )


def _details(leg: DemoLeg, ids: _Ids, *, filed: bool) -> PirepDetails:
    """What the pilot reports; a prefile (not `filed`) has only the plan."""
    row = leg.flight
    planned = {
        "airline": row.airline,
        "flight_number": row.flight_number,
        "flight_id": ids.flights[row.flight_number],
        "departure": row.dpt_airport,
        "arrival": row.arr_airport,
        "alternate": row.alt_airport,
        "aircraft_id": ids.aircraft[leg.registration],
        "block_fuel_lbs": leg.block_fuel_lbs,
        "source_name": "" if leg.outcome in ("manual", "pending", "rejected", "draft") else "vmsACARS",
    }
    if not filed:
        return PirepDetails(**planned)
    return PirepDetails(
        **planned,
        distance_nm=leg.distance_nm,
        flight_minutes=leg.minutes,
        fuel_used_lbs=leg.fuel_used_lbs,
        landing_rate_fpm=leg.landing_rate_fpm,
        block_off_at=leg.block_off_at,
        block_on_at=leg.block_on_at,
        notes=leg.notes,
    )


async def fly_demo(
    deps: IdentityDeps, airline: DemoResult, *, seed: int = DEMO_SEED, plan: DemoPlan | None = None
) -> DemoActivity:
    """Career settings, transfer hours, expenses and PIREPs for the demo airline just written."""
    plan = plan or demo_plan(seed)
    now = now_us()
    legs = flying_plan(plan, now, seed)
    tenant_id = airline.tenant_id
    ids = await _ids(deps, tenant_id, plan, legs)
    correlation = uuid.uuid4().hex  # the audit shows one demo, each step by whoever took it
    admin = next(p for p in plan.people if p.role == "tenant_admin")
    staff = _principal(ids.users[admin.username], admin.username, "tenant_admin", tenant_id)
    staff_ctx = Context(actor_id=staff.user_id, correlation_id=correlation)

    await handle_change_career_settings(deps, staff_ctx, staff, tenant_id, CAREERS)
    pilots = [p for p in plan.people if p.role == "pilot"]
    transfers = 0
    for person, role in zip(pilots, ROSTER, strict=True):
        user_id = ids.users[person.username]
        if role.transfer_hours:
            await handle_set_transfer_hours(
                deps, staff_ctx, staff, tenant_id, user_id, role.transfer_hours * 60
            )
            transfers += 1
        if role.staff_rank:
            await handle_set_rank(deps, staff_ctx, staff, tenant_id, user_id, role.staff_rank)

    today = utc_day(now)
    for name, amount, period in EXPENSES:
        fields = ExpenseFields(
            name=name,
            amount=amount,
            period=period,
            starts=today - timedelta(days=EXPENSE_HISTORY_DAYS),
        )
        await handle_set_expense(deps, staff_ctx, staff, tenant_id, fields)
    expense_entries = await post_due_expenses(deps, staff_ctx, tenant_id, now)

    states: dict[str, int] = {}
    positions = 0
    live = 0
    for leg in legs:
        pilot = _principal(ids.users[leg.pilot], leg.pilot, "pilot", tenant_id)
        ctx = Context(actor_id=pilot.user_id, correlation_id=correlation)
        tracked = leg.outcome in ("tracked", "in_progress")
        filed = _details(leg, ids, filed=True)
        first = _details(leg, ids, filed=False) if tracked or leg.outcome == "draft" else filed
        source = "tracked" if tracked else "manual"
        pirep_id = (await handle_create_pirep(deps, ctx, pilot, first, source)).value.id
        if tracked:
            if leg.outcome == "in_progress":
                points = track(leg, LIVE_POSITIONS[live], LIVE_PROGRESS[live])
                live += 1
            else:
                points = track(leg, HISTORY_POSITIONS)
            positions += (await handle_record_positions(deps, ctx, pilot, pirep_id, points)).value
        state = "in_progress" if leg.outcome == "in_progress" else "draft"
        if leg.outcome not in ("in_progress", "draft"):
            state = (await handle_submit_pirep(deps, ctx, pilot, pirep_id, filed if tracked else None)).value
        if leg.outcome == "manual":
            await handle_accept_pirep(deps, staff_ctx, staff, pirep_id)
            state = "accepted"
        elif leg.outcome == "rejected":
            await handle_reject_pirep(deps, staff_ctx, staff, pirep_id, REJECT_REASON)
            await handle_comment(
                deps, ctx, pilot, pirep_id, "Sorry, my mistake: refiling with the right tail."
            )
            state = "rejected"
        elif leg.outcome == "pending":
            await handle_comment(
                deps, ctx, pilot, pirep_id, "Busy arrival, vectored for spacing: a few minutes long."
            )
        states[str(state)] = states.get(str(state), 0) + 1
    return DemoActivity(
        pireps=dict(sorted(states.items())),
        positions=positions,
        transfers=transfers,
        expenses=len(EXPENSES),
        expense_entries=expense_entries,
        position=await deps.store.last_position(),
    )


async def create_demo(deps: IdentityDeps, *, seed: int = DEMO_SEED) -> LivingDemo:
    """The demo airline (`operations.demo.create_demo`, DemoRefused on a store with an airline),
    then its careers, expenses and flying."""
    airline = await airline_demo.create_demo(deps, seed=seed)
    return LivingDemo(airline=airline, activity=await fly_demo(deps, airline, seed=seed))


def summary(result: LivingDemo) -> list[str]:
    """The airline's summary with a line about its flying before the credentials."""
    lines = airline_demo.summary(result.airline)
    activity = result.activity
    pireps = ", ".join(f"{count} {state.replace('_', ' ')}" for state, count in activity.pireps.items())
    flying = [
        f"  PIREPs: {pireps} ({activity.positions} track positions); 5 ranks, "
        f"{len(CAREERS.awards)} awards; {activity.expenses} recurring expenses, "
        f"{activity.expense_entries} expense entries posted (log position {activity.position})",
    ]
    return lines[:2] + flying + lines[2:]  # after the counts, before the credentials
