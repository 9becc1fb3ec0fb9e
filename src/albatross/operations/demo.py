"""Demo data: a realistic airline built from real airports, for a first look at Albatross.

`demo_plan()` is pure and seeded, so the same airline, fleet and schedule come out every time.
`create_demo()` writes it through the ordinary command handlers (tenant, profile, airports, the
phpVMS CSV importer for subfleets, aircraft and flights, user creation): validated,
event-sourced and projected exactly like staff input. Only the passwords are random (`secrets`),
and they are one-time, as for any account staff create.

It refuses a store that already has an airline, so demo data never mixes into a real airline.

Schedule times are local at each airport (as phpVMS airlines usually publish them), converted
with each zone's standard (winter) offset; block times come from the great-circle distance.
"""

from __future__ import annotations

import random
from typing import Literal, NamedTuple

import msgspec

from albatross.identity.auth import PLATFORM_ADMIN, find_user, handle_create_platform_admin
from albatross.identity.commands import IdentityDeps, handle_create_tenant, handle_update_tenant, run
from albatross.identity.domain import User
from albatross.identity.passwords import one_time_password
from albatross.identity.policy import Action, Principal, authorize
from albatross.identity.users import NewUser, handle_create_user
from albatross.kernel import AlreadyExists, Context, EventStore, LogQuery, UnitOfWork
from albatross.operations import airports, csv_format
from albatross.operations.commands import handle_update_profile, set_airport
from albatross.operations.csv_format import AircraftRow, Fare, FlightRow, SubfleetRow
from albatross.operations.domain import AirlineProfile, AirportDetails, AutoAcceptRule, BidRules
from albatross.operations.transfer import handle_import

DEMO_SEED = 20240917
AIRLINE_NAME = "Albatross Demo Air"
AIRLINE_ICAO = "ADA"
AIRLINE_IATA = "QD"
EMAIL_DOMAIN = "demo.albatross.example"

HUBS = ("KJFK", "KORD", "KATL", "KDFW")
SPOKES: dict[str, tuple[str, ...]] = {
    "KJFK": ("KBOS", "KBUF", "KPIT", "KBTV", "KPWM", "KSYR", "KROC", "KCLE", "KRIC", "KORF", "KMIA", "KSFO"),
    "KORD": ("KMSP", "KDTW", "KSTL", "KMCI", "KDEN", "KOMA", "KMKE", "KIND", "KCVG", "KCMH", "KDSM", "KSEA"),
    "KATL": ("KMCO", "KMIA", "KTPA", "KCLT", "KBNA", "KMSY", "KJAX", "KRDU", "KMEM", "KBHM", "KSAV", "KCHS"),
    "KDFW": ("KIAH", "KAUS", "KSAT", "KELP", "KPHX", "KLAX", "KSFO", "KLAS", "KABQ", "KOKC", "KTUL", "KDEN"),
}
LONG_HAUL = (
    ("KJFK", "EGLL"),
    ("KJFK", "LFPG"),
    ("KORD", "EDDF"),
    ("KATL", "EHAM"),
    ("KDFW", "RJAA"),
    ("KDFW", "PHNL"),
)
ALTERNATES = {
    "KJFK": "KEWR",
    "KORD": "KMDW",
    "KATL": "KBHM",
    "KDFW": "KDAL",
    "EGLL": "EGKK",
    "LFPG": "LFPO",
    "EDDF": "EDDK",
    "EHAM": "EBBR",
    "RJAA": "RJTT",
    "PHNL": "PHOG",
}
FIRST_NUMBER = {"KJFK": 1001, "KORD": 2001, "KATL": 3001, "KDFW": 4001}
"""Hub-and-spoke flights are numbered by hub; hub-to-hub from 101, long-haul from 1. Outbound
numbers are odd, the return leg's is the next even number."""

STANDARD_OFFSET_HOURS = {
    "America/New_York": -5,
    "America/Detroit": -5,
    "America/Indiana/Indianapolis": -5,
    "America/Kentucky/Louisville": -5,
    "America/Chicago": -6,
    "America/Denver": -7,
    "America/Phoenix": -7,
    "America/Los_Angeles": -8,
    "Pacific/Honolulu": -10,
    "Europe/London": 0,
    "Europe/Paris": 1,
    "Europe/Berlin": 1,
    "Europe/Amsterdam": 1,
    "Asia/Tokyo": 9,
}
"""Standard-time UTC offsets of the zones the demo flies to (others: longitude / 15)."""


class _Type(NamedTuple):
    code: str
    iata: str
    name: str
    hub: str
    cost_block_hour: float
    cost_delay_minute: float
    mtow: float
    zfw: float
    count: int
    registration_digit: str
    fares: tuple[tuple[str, int, int], ...]
    """(fare code, base price, seats)"""


TYPES = (
    _Type(
        "E175", "E75", "Embraer 175", "KJFK", cost_block_hour=1850, cost_delay_minute=12,
        mtow=38790, zfw=31700, count=7, registration_digit="6", fares=(("Y", 129, 64), ("J", 389, 12)),
    ),
    _Type(
        "A320", "320", "Airbus A320-200", "KORD", cost_block_hour=2650, cost_delay_minute=18,
        mtow=78000, zfw=62500, count=7, registration_digit="3", fares=(("Y", 149, 138), ("J", 549, 12)),
    ),
    _Type(
        "B738", "738", "Boeing 737-800", "KATL", cost_block_hour=2900, cost_delay_minute=20,
        mtow=79016, zfw=62732, count=8, registration_digit="8", fares=(("Y", 159, 144), ("J", 589, 16)),
    ),
    _Type(
        "B77W", "77W", "Boeing 777-300ER", "KDFW", cost_block_hour=8400, cost_delay_minute=55,
        mtow=351534, zfw=237682, count=4, registration_digit="7",
        fares=(("Y", 519, 264), ("W", 989, 40), ("J", 2890, 60)),
    ),
)  # fmt: skip
"""The fleet: per type, its costs, real MTOW and MZFW (kg), how many, and the digit its
registrations (N6xxDA) and fleet numbers (6xx) start with."""

SEABIRDS = (
    "Wandering Albatross", "Royal Albatross", "Laysan Albatross", "Black-footed Albatross",
    "Sooty Albatross", "Light-mantled Albatross", "Grey-headed Albatross", "Shy Albatross",
    "Northern Fulmar", "Sooty Shearwater", "Manx Shearwater", "Cory's Shearwater",
    "Great Frigatebird", "Magnificent Frigatebird", "Northern Gannet", "Cape Gannet",
    "Blue-footed Booby", "Red-footed Booby", "Arctic Tern", "Sooty Tern", "Atlantic Puffin",
    "Tufted Puffin", "Red-billed Tropicbird", "White-tailed Tropicbird", "Wilson's Storm Petrel",
    "Cape Petrel", "Snow Petrel", "Brown Pelican", "Black Skimmer", "Razorbill",
)  # fmt: skip
"""Aircraft names."""

FIRST_NAMES = (
    "Amelia", "Bessie", "Carlos", "Dana", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jamal",
    "Katarina", "Liam", "Mei", "Nadia", "Oscar", "Priya", "Quinn", "Rafael", "Sofia", "Tomas",
)  # fmt: skip
LAST_NAMES = (
    "Okafor", "Lindqvist", "Moreno", "Nakamura", "Kowalski", "Haddad", "Fitzgerald", "Osei",
    "Varga", "Delgado", "Brennan", "Sato", "Mbeki", "Petrov", "Ramirez", "Chen", "Novak", "Ahmed",
)  # fmt: skip

DAILY = 0
WEEKDAYS = 0b0011111
PATTERNS = (DAILY, DAILY, DAILY, WEEKDAYS, 0b1010101, 0b1110110, 0b1100000)
"""Days of the week a spoke route may run (bit 0 = Monday): mostly daily."""


class DemoPerson(msgspec.Struct, frozen=True, kw_only=True):
    username: str
    name: str
    email: str
    role: Literal["pilot", "tenant_admin"]


class DemoPlan(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the demo writes, except passwords."""

    name: str
    icao: str
    profile: AirlineProfile
    airports: list[AirportDetails]
    subfleets: list[SubfleetRow]
    aircraft: list[AircraftRow]
    flights: list[FlightRow]
    people: list[DemoPerson]


class DemoAccount(msgspec.Struct, frozen=True, kw_only=True):
    username: str
    name: str
    role: str
    pilot_id: str | None
    password: str


class DemoResult(msgspec.Struct, frozen=True, kw_only=True):
    tenant_id: str
    name: str
    icao: str
    hubs: int
    airports: int
    subfleets: int
    aircraft: int
    flights: int
    accounts: list[DemoAccount]
    admin_password: str | None
    """The platform admin's one-time password, when the demo created the admin."""
    position: int


class DemoRefused(Exception):
    """The store already has an airline: demo data goes into an empty installation only."""


# ---- the plan: pure and deterministic ----


def _airport(icao: str) -> airports.Airport:
    found = airports.get(icao)
    if found is None:  # the lists above are checked by the tests; this is a programming error
        raise ValueError(f"demo airport {icao} is not in the reference data")
    return found


def utc_offset_minutes(airport: airports.Airport) -> int:
    hours = STANDARD_OFFSET_HOURS.get(airport.tz, round(airport.lon / 15))
    return hours * 60


def eastbound(origin: airports.Airport, destination: airports.Airport) -> bool:
    return ((destination.lon - origin.lon + 540) % 360) - 180 > 0


def block_minutes(distance_nm: float, east: bool) -> int:
    """Taxi, climb and descent (40 min) plus cruise at about 450 kt, helped east by the jet
    stream and slowed west; rounded to 5 minutes as schedules are."""
    cruise = distance_nm / 7.5 * (0.95 if east else 1.06)
    return round((40 + cruise) / 5) * 5


def cruise_level(distance_nm: float, east: bool) -> int:
    """A flight level by stage length: odd thousands eastbound, even westbound."""
    for limit, east_level, west_level in ((250, 250, 240), (500, 330, 320), (1500, 370, 360)):
        if distance_nm <= limit:
            return east_level if east else west_level
    return 390 if east else 380


def clock(minutes: int) -> str:
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def rotate_days(mask: int, shift: int) -> int:
    """The same weekly pattern `shift` days later (for a return leg that leaves the next day)."""
    shift %= 7
    if mask == DAILY or shift == 0:
        return mask
    return ((mask << shift) | (mask >> (7 - shift))) & 0b1111111


def _fares(distance_nm: float, types: list[_Type]) -> tuple[Fare, ...]:
    codes: dict[str, float] = {}
    for kind in types:
        for code, _, _ in kind.fares:
            codes.setdefault(code, {"Y": 1.0, "W": 1.9, "J": 3.4}[code])
    base = 59 + 0.115 * distance_nm
    return tuple(Fare(code, {"price": str(round(base * factor / 5) * 5)}) for code, factor in codes.items())


def _types_for(distance_nm: float, hub_to_hub: bool) -> list[_Type]:
    by_code = {kind.code: kind for kind in TYPES}
    if distance_nm > 2500:
        return [by_code["B77W"]]
    if hub_to_hub or distance_nm > 900:
        return [by_code["B738"], by_code["A320"]]
    if distance_nm > 450:
        return [by_code["A320"], by_code["E175"]]
    return [by_code["E175"]]


def _slots(rng: random.Random, frequencies: int) -> list[int]:
    """Local departure times (minutes after midnight) spread over the day."""
    windows = {
        1: ((7 * 60, 17 * 60),),
        2: ((6 * 60 + 30, 9 * 60 + 30), (14 * 60, 17 * 60 + 30)),
        3: ((6 * 60, 8 * 60 + 30), (11 * 60, 13 * 60 + 30), (16 * 60 + 30, 19 * 60)),
    }[frequencies]
    return [rng.randrange(start, end + 1, 5) for start, end in windows]


def _route_flights(
    rng: random.Random,
    origin: str,
    destination: str,
    number: int,
    departures: list[int],
    days: list[int],
    *,
    hub_to_hub: bool = False,
    turnaround: int = 50,
) -> list[FlightRow]:
    """Both directions of a route: each outbound departure and the return leg it turns into."""
    a, b = _airport(origin), _airport(destination)
    distance = airports.distance_between(a, b)
    types = _types_for(distance, hub_to_hub)
    rows = []
    for departure, mask in zip(departures, days, strict=True):
        out_block = block_minutes(distance, eastbound(a, b))
        arrival = departure + out_block + utc_offset_minutes(b) - utc_offset_minutes(a)
        back_departure = arrival + turnaround
        back_block = block_minutes(distance, eastbound(b, a))
        back_arrival = back_departure + back_block + utc_offset_minutes(a) - utc_offset_minutes(b)
        legs = (
            (a, b, departure, arrival, out_block, mask),
            (b, a, back_departure, back_arrival, back_block, rotate_days(mask, back_departure // 1440)),
        )
        for offset, (dep, arr, dep_time, arr_time, block, leg_days) in enumerate(legs):
            east = eastbound(dep, arr)
            rows.append(
                FlightRow(
                    airline=AIRLINE_ICAO,
                    flight_number=str(number + offset),
                    dpt_airport=dep.icao,
                    arr_airport=arr.icao,
                    alt_airport=ALTERNATES.get(arr.icao),
                    days=leg_days,
                    dpt_time=clock(dep_time),
                    arr_time=clock(arr_time),
                    level=cruise_level(distance, east),
                    flight_time=block,
                    flight_type="J",
                    load_factor=float(rng.randrange(72, 93)),
                    load_factor_variance=float(rng.randrange(4, 11)),
                    subfleets=tuple(kind.code for kind in types),
                    fares=_fares(distance, types),
                )
            )
        number += 2
    return rows


def _flights(rng: random.Random) -> list[FlightRow]:
    flights: list[FlightRow] = []
    number = 1
    for origin, destination in LONG_HAUL:
        if -30 < _airport(destination).lon < 45:  # to Europe overnight: evening departures
            departure = rng.randrange(17 * 60 + 30, 21 * 60 + 31, 5)
        else:
            departure = rng.randrange(9 * 60, 12 * 60 + 31, 5)
        mask = DAILY if destination == "EGLL" else rng.choice((0b1010111, 0b0110101, 0b1111011))
        flights += _route_flights(rng, origin, destination, number, [departure], [mask], turnaround=150)
        number += 2
    number = 101
    for i, origin in enumerate(HUBS):
        for destination in HUBS[i + 1 :]:
            flights += _route_flights(
                rng, origin, destination, number, _slots(rng, 3), [DAILY] * 3, hub_to_hub=True
            )
            number += 6
    for hub in HUBS:
        number = FIRST_NUMBER[hub]
        for spoke in SPOKES[hub]:
            frequencies = rng.choice((1, 2, 2, 3))
            days = [rng.choice(PATTERNS)] + [rng.choice((DAILY, WEEKDAYS)) for _ in range(frequencies - 1)]
            flights += _route_flights(
                rng, hub, spoke, number, _slots(rng, frequencies), days, turnaround=rng.randrange(40, 71, 5)
            )
            number += 2 * frequencies
    return flights


def _airports(rng: random.Random, flights: list[FlightRow]) -> list[AirportDetails]:
    served = sorted({f.dpt_airport for f in flights} | {f.arr_airport for f in flights})
    details = []
    for icao in served:
        hub = icao in HUBS
        details.append(
            AirportDetails(
                icao=icao,
                hub=hub,
                landing_fee=float(rng.randrange(350, 651, 25) if hub else rng.randrange(120, 376, 5)),
                ground_handling_cost=float(
                    rng.randrange(280, 481, 10) if hub else rng.randrange(120, 301, 10)
                ),
                fuel_jet_a_cost=round(rng.uniform(0.68, 0.78) if hub else rng.uniform(0.74, 0.95), 2),
                fuel_100ll_cost=round(rng.uniform(1.10, 1.45), 2),
                fuel_mogas_cost=round(rng.uniform(0.90, 1.15), 2),
            )
        )
    return details


def _subfleets() -> list[SubfleetRow]:
    return [
        SubfleetRow(
            airline=AIRLINE_ICAO,
            hub=kind.hub,
            type=kind.code,
            simbrief_type=kind.code,
            name=kind.name,
            fuel_type="jet_a",
            cost_block_hour=kind.cost_block_hour,
            cost_delay_minute=kind.cost_delay_minute,
            ground_handling_multiplier=100.0 if kind.code != "B77W" else 180.0,
            fares=tuple(
                Fare(code, {"price": str(price), "capacity": str(seats)}) for code, price, seats in kind.fares
            ),
        )
        for kind in TYPES
    ]


def _aircraft(rng: random.Random) -> list[AircraftRow]:
    names = rng.sample(SEABIRDS, sum(kind.count for kind in TYPES))
    rows = []
    for kind in TYPES:
        numbers = sorted(rng.sample(range(1, 100), kind.count))
        for i, number in enumerate(numbers):
            fin = f"{kind.registration_digit}{number:02d}"
            rows.append(
                AircraftRow(
                    subfleet=kind.code,
                    iata=kind.iata,
                    icao=kind.code,
                    home=HUBS[(HUBS.index(kind.hub) + i) % len(HUBS)],
                    name=names.pop(),
                    registration=f"N{fin}DA",
                    fin=fin,
                    mtow=kind.mtow,
                    zfw=kind.zfw,
                    status="maintenance" if kind.code == "B738" and i == len(numbers) - 1 else "active",
                )
            )
    return rows


def _people(rng: random.Random) -> list[DemoPerson]:
    firsts = rng.sample(FIRST_NAMES, 11)
    lasts = rng.sample(LAST_NAMES, 11)
    people = []
    for i, (first, last) in enumerate(zip(firsts, lasts, strict=True)):
        username = f"{AIRLINE_ICAO.lower()}.admin" if i == 0 else f"{first}.{last}".lower()
        people.append(
            DemoPerson(
                username=username,
                name=f"{first} {last}",
                email=f"{username}@{EMAIL_DOMAIN}",
                role="tenant_admin" if i == 0 else "pilot",
            )
        )
    return people


def demo_plan(seed: int = DEMO_SEED) -> DemoPlan:
    """The demo airline, fleet, schedule and people: the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311  (demo data must repeat; passwords come from secrets)
    flights = _flights(rng)
    profile = AirlineProfile(
        iata=AIRLINE_IATA,
        callsign="ALBATROSS",
        country="US",
        primary_colour="#0B3D91",
        secondary_colour="#F2A900",
        timezone="America/New_York",
        bids=BidRules(max_per_pilot=3, block_flight=False, block_aircraft=True, expire_after_hours=48),
        auto_accept=[
            AutoAcceptRule(source="tracked", max_landing_rate_fpm=500, max_time_deviation_percent=15)
        ],
    )
    return DemoPlan(
        name=AIRLINE_NAME,
        icao=AIRLINE_ICAO,
        profile=profile,
        airports=_airports(rng, flights),
        subfleets=_subfleets(),
        aircraft=_aircraft(rng),
        flights=flights,
        people=_people(rng),
    )


# ---- writing it: through the command handlers ----


async def has_airline(store: EventStore) -> bool:
    return bool(await store.query(LogQuery(event_type="TenantCreated", limit=1)))


async def _operator(deps: IdentityDeps) -> Principal:
    """The platform admin, acting with the operator's rights (the CLI runs on the machine)."""
    admin = await find_user(UnitOfWork(deps.store, deps.codec, Context()), PLATFORM_ADMIN)
    if admin is None:
        raise DemoRefused(f"there is no platform admin named {PLATFORM_ADMIN!r} to act as")
    return Principal(
        user_id=admin.id,
        username=PLATFORM_ADMIN,
        role="platform_admin",
        tenant_id=None,
        must_change_password=False,
        session_id="demo",
    )


async def set_demo_airports(
    deps: IdentityDeps, ctx: Context, principal: Principal, tenant_id: str, records: list[AirportDetails]
) -> None:
    """The airline's airports (hubs and costs), all in one append."""
    authorize(principal, Action.MANAGE_OPERATIONS, tenant_id)

    async def set_all(uow: UnitOfWork) -> None:
        for details in records:
            await set_airport(uow, tenant_id, details)

    await run(deps, ctx, set_all)


async def create_demo(deps: IdentityDeps, *, seed: int = DEMO_SEED) -> DemoResult:
    """Fill an installation without airlines with the demo airline; DemoRefused otherwise.

    Creates the platform admin too when the store is empty (its password is in the result)."""
    if await has_airline(deps.store):
        raise DemoRefused("the store already has an airline; demo data goes into an empty installation only")
    plan = demo_plan(seed)
    admin_password = await handle_create_platform_admin(deps)
    principal = await _operator(deps)
    ctx = Context(actor_id=principal.user_id)  # one correlation id: the audit shows one demo
    try:
        tenant_id = (await handle_create_tenant(deps, ctx, principal, plan.name, plan.icao)).value
    except AlreadyExists as exc:  # another demo won the race for the code
        raise DemoRefused(
            f"the airline code {plan.icao} is taken; demo data goes into an empty installation only"
        ) from exc
    await handle_update_tenant(deps, ctx, principal, tenant_id, applications_open=True)
    await handle_update_profile(deps, ctx, principal, tenant_id, plan.profile)
    await set_demo_airports(deps, ctx, principal, tenant_id, plan.airports)
    created: dict[str, int] = {}
    imports: tuple[tuple[csv_format.Kind, list[SubfleetRow] | list[AircraftRow] | list[FlightRow]], ...] = (
        ("subfleets", plan.subfleets),
        ("aircraft", plan.aircraft),
        ("flights", plan.flights),
    )
    for kind, rows in imports:
        text = csv_format.write(kind, rows)  # type: ignore[call-overload]
        result = await handle_import(deps, ctx, principal, tenant_id, kind, text.encode(), dry_run=False)
        if result.errors:  # the plan is fixed and tested: this is a bug, not bad input
            raise RuntimeError(f"the demo {kind} were rejected: {result.errors[0]}")
        created[kind] = result.created
    accounts = []
    for person in plan.people:
        password = one_time_password()
        new = NewUser(
            username=person.username,
            email=person.email,
            password=password,
            name=person.name,
            role=person.role,
            tenant_id=tenant_id,
        )
        user_id = (await handle_create_user(deps, ctx, principal, new)).value
        user = await UnitOfWork(deps.store, deps.codec, ctx).load(User, user_id)
        accounts.append(
            DemoAccount(
                username=person.username,
                name=person.name,
                role=person.role,
                pilot_id=user.pilot_id,
                password=password,
            )
        )
    return DemoResult(
        tenant_id=tenant_id,
        name=plan.name,
        icao=plan.icao,
        hubs=sum(1 for a in plan.airports if a.hub),
        airports=len(plan.airports),
        subfleets=created["subfleets"],
        aircraft=created["aircraft"],
        flights=created["flights"],
        accounts=accounts,
        admin_password=admin_password,
        position=await deps.store.last_position(),
    )


def summary(result: DemoResult) -> list[str]:
    """What the operator is shown: counts, then every credential (this once, never again)."""
    pilots = sum(1 for a in result.accounts if a.role == "pilot")
    lines = [
        f"Demo airline created: {result.name} ({result.icao}), id {result.tenant_id}",
        f"  {result.hubs} hubs, {result.airports} airports, {result.subfleets} subfleets, "
        f"{result.aircraft} aircraft, {result.flights} flights, {len(result.accounts) - pilots} airline admin, "
        f"{pilots} pilots (log position {result.position})",
    ]
    if result.admin_password is not None:
        lines.append(f"Platform admin created: username={PLATFORM_ADMIN} password={result.admin_password}")
    lines.append("One-time passwords, shown only now (each is changed at the first login):")
    for account in result.accounts:
        lines.append(
            f"  {account.role:<12} {account.pilot_id or '-':<8} {account.name:<22} "
            f"username={account.username} password={account.password}"
        )
    return lines
