"""The demo airline: deterministic, real airports, written through the handlers, refused twice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from albatross.bootstrap import build_services
from albatross.config import load_settings
from albatross.finance.queries import FinanceQueries
from albatross.flights import demo as flying
from albatross.flights.checks import plausible_time
from albatross.flights.queries import FlightsQueries
from albatross.identity.auth import authenticate, handle_create_platform_admin, handle_login
from albatross.identity.policy import Principal
from albatross.identity.queries import list_tenants, list_users
from albatross.kernel.unit_of_work import now_us
from albatross.operations import airports
from albatross.operations.demo import DemoRefused, block_minutes, create_demo, demo_plan, rotate_days, summary
from albatross.operations.queries import FlightSearch, OperationsQueries
from albatross.services import Services

OPERATOR = Principal(
    user_id="operator", username="admin", role="platform_admin", tenant_id=None, must_change_password=False,
    session_id="test",
)  # fmt: skip


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    settings = load_settings(environ={"ALBATROSS_DATA_DIR": str(tmp_path / "data")})
    built = await build_services(settings, migrate=True)
    yield built
    await built.close()


def test_the_plan_is_the_same_every_time_and_flies_between_real_airports() -> None:
    plan = demo_plan()
    assert plan == demo_plan()
    assert plan != demo_plan(seed=1)
    assert len(plan.flights) >= 200 and len(plan.aircraft) >= 20 and len(plan.subfleets) >= 3
    assert sum(1 for a in plan.airports if a.hub) >= 3
    keys = [(f.airline, f.flight_number) for f in plan.flights]
    assert len(keys) == len(set(keys))
    served = {f.dpt_airport for f in plan.flights} | {f.arr_airport for f in plan.flights}
    assert served == {a.icao for a in plan.airports}
    routes = {(f.dpt_airport, f.arr_airport) for f in plan.flights}
    assert all((arr, dep) in routes for dep, arr in routes)  # both directions
    types = {s.type for s in plan.subfleets}
    for flight in plan.flights:
        dep, arr = airports.get(flight.dpt_airport), airports.get(flight.arr_airport)
        assert (
            dep is not None
            and arr is not None
            and (flight.alt_airport is None or airports.get(flight.alt_airport))
        )
        distance = airports.distance_between(dep, arr)
        assert 30 + distance / 9 <= flight.flight_time <= 45 + distance / 6.5, flight
        assert set(flight.subfleets) <= types and flight.distance is None  # computed on import
    registrations = [a.registration for a in plan.aircraft]
    assert len(set(registrations)) == len(registrations) and all(r.startswith("N") for r in registrations)
    assert {a.home for a in plan.aircraft} == {a.icao for a in plan.airports if a.hub}
    assert [p.role for p in plan.people].count("pilot") == 10


def test_schedule_arithmetic() -> None:
    assert block_minutes(0, east=True) == 40
    assert block_minutes(3000, east=True) < block_minutes(3000, east=False)
    assert rotate_days(0, 1) == 0  # daily stays daily
    assert rotate_days(0b1000000, 1) == 0b0000001  # Sunday's flight returns on Monday
    assert rotate_days(0b0000101, 8) == 0b0001010


def test_the_flying_is_the_same_every_time_and_passes_the_airline_checks() -> None:
    plan = demo_plan()
    now = now_us()
    legs = flying.flying_plan(plan, now)
    assert legs == flying.flying_plan(plan, now)
    outcomes = [leg.outcome for leg in legs]
    assert outcomes.count("tracked") + outcomes.count("manual") == 25
    assert [outcomes.count(o) for o in ("pending", "rejected", "draft", "in_progress")] == [2, 1, 1, 2]
    assert len({leg.pilot for leg in legs if leg.outcome in ("tracked", "manual")}) == 8
    assert len({(leg.pilot, leg.flight.flight_number) for leg in legs}) == len(legs)  # no duplicate filing
    active = {a.registration: a.subfleet for a in plan.aircraft if a.status == "active"}
    for leg in legs:
        assert active[leg.registration] in leg.flight.subfleets
        assert abs(leg.minutes - leg.flight.flight_time) <= 0.1 * leg.flight.flight_time
        plausible_time(leg.distance_nm, leg.minutes)  # raises CheckFailed if not
        assert -400 <= leg.landing_rate_fpm <= -60
        hours = leg.minutes / 60
        assert 2500 * hours < leg.fuel_used_lbs < 20000 * hours
        assert leg.fuel_used_lbs < leg.block_fuel_lbs
    in_air = {leg.registration for leg in legs if leg.outcome == "in_progress"}
    assert len(in_air) == 2
    for leg in legs:
        if leg.outcome != "in_progress":
            assert now - 41 * flying.DAY < leg.block_off_at < leg.block_on_at < now
    # Any day of the week: the schedule's days never push a flight past now.
    for day in range(1, 8):
        later = now + day * flying.DAY
        assert all(
            leg.block_on_at < later for leg in flying.flying_plan(plan, later) if leg.outcome != "in_progress"
        )
    live = next(leg for leg in legs if leg.outcome == "in_progress")
    points = flying.track(live, 15, 0.5)
    origin = airports.get(live.flight.dpt_airport)
    assert origin is not None and len(points) == 15
    assert (points[0].lat, points[0].lon) == (round(origin.lat, 5), round(origin.lon, 5))
    assert [p.at for p in points] == sorted(p.at for p in points) and points[-1].at < now
    assert [p.distance_nm for p in points] == sorted(p.distance_nm or 0 for p in points)


async def test_the_demo_fills_an_empty_store_through_the_handlers(services: Services) -> None:
    living = await flying.create_demo(services.identity)
    result = living.airline
    await services.runner.catch_up()

    assert result.admin_password is not None  # an empty store: the platform admin came with it
    tenants = await list_tenants(services.reader, OPERATOR, limit=10, offset=0)
    assert tenants.total == 1 and tenants.items[0].icao == "ADA"
    tenant_id = result.tenant_id
    q = OperationsQueries(services.reader)
    hubs = await q.airline_airports(OPERATOR, tenant_id, hubs_only=True)
    assert len(hubs) >= 3 and all(h.landing_fee > 0 and h.fuel_jet_a_cost > 0 for h in hubs)
    assert (await q.subfleets(OPERATOR, tenant_id, 50, 0)).total >= 3
    assert (await q.aircraft(OPERATOR, tenant_id, 200, 0)).total >= 20
    flights = await q.search_flights(OPERATOR, tenant_id, FlightSearch(), 1000, 0)
    assert flights.total == result.flights >= 200
    for flight in flights.items:
        assert airports.get(flight.details.departure) and airports.get(flight.details.arrival)
        assert flight.details.distance_nm > 0 and flight.details.subfleets  # ids, resolved from types
    profile = await q.profile(OPERATOR, tenant_id)
    assert profile.callsign == "ALBATROSS" and profile.bids.max_per_pilot == 3

    members = await list_users(
        services.reader, OPERATOR, tenant_id=tenant_id, state=None, role=None, limit=50, offset=0
    )
    assert members.total == 11
    assert sorted(u.role for u in members.items).count("pilot") == 10
    assert all(u.state == "active" and u.pilot_id for u in members.items)

    lines = flying.summary(living)
    assert sum("password=" in line for line in lines) == 12  # 11 members and the platform admin
    assert "25 accepted" in lines[2]
    pilot = next(a for a in result.accounts if a.role == "pilot")
    login = await handle_login(services.identity, pilot.username, pilot.password)
    assert login.must_change_password  # one-time, like any password staff set
    me = await authenticate(services.identity, login.token)
    assert (me.role, me.tenant_id) == ("pilot", tenant_id)

    # It flies: PIREPs in every state, two flights in the air, careers, awards and books.
    f = FlightsQueries(services.reader)
    states = {
        state: (await f.pireps(OPERATOR, tenant_id, states=[state], limit=1)).total
        for state in ("accepted", "pending", "rejected", "draft", "in_progress")
    }
    assert states == {"accepted": 25, "pending": 2, "rejected": 1, "draft": 1, "in_progress": 2}
    assert living.activity.pireps == states
    rejected = (await f.pireps(OPERATOR, tenant_id, states=["rejected"])).items[0]
    assert rejected.reject_reason and await f.comments(OPERATOR, rejected.id)
    auto = (await f.pireps(OPERATOR, tenant_id, states=["accepted"], limit=50)).items
    assert any(p.accepted_rule and p.source == "tracked" for p in auto)
    assert any(p.source == "manual" for p in auto)
    live = await f.live(OPERATOR, tenant_id)
    assert len(live) == 2
    for flight in live:
        assert flight.last_position is not None and 10 <= flight.positions <= 20
        assert flight.phase in ("climb", "enroute", "descent")
        path = await f.geojson(OPERATOR, flight.id)
        assert path["geometry"]["type"] == "LineString" and len(path["geometry"]["coordinates"]) >= 10
    states_now = await f.aircraft_states(OPERATOR, tenant_id)
    assert sum(1 for s in states_now.values() if s.state == "in_flight") == 2

    settings = await f.settings(OPERATOR, tenant_id)
    assert [r.name for r in settings.ranks][-1] == "Senior Captain" and len(settings.awards) == 6
    assert settings.leave_after_days == 60
    roster = await f.roster(OPERATOR, tenant_id)
    assert len({c.rank for c in roster}) >= 3
    senior = roster[0]  # most hours: the long-haul captain with hours from another airline
    assert senior.rank == "Senior Captain" and senior.flights == 6 and senior.transfer_minutes > 0
    career = await f.career(OPERATOR, tenant_id, senior.user_id)
    assert {a.award_id for a in career.awards} >= {
        "first-flight",
        "regular",
        "transatlantic",
        "thousand-hours",
    }
    assert career.flight_minutes > 0 and not career.on_leave and career.average_landing_rate_fpm
    assert len({len(c.awards) for c in [await f.career(OPERATOR, tenant_id, v.user_id) for v in roster]}) >= 3

    books = FinanceQueries(services.reader)
    balances = await books.trial_balance(OPERATOR, tenant_id)
    assert len(balances) > 1 and all(total == 0 for total in balances.values())
    assert len(await books.expenses(OPERATOR, tenant_id)) == 3
    expense_entries = (await books.entries(OPERATOR, tenant_id, "airline", limit=500)).items
    assert sum(e.kind == "expense" for e in expense_entries) == living.activity.expense_entries >= 40
    assert sum(e.kind == "flight" for e in expense_entries) == 25
    assert min(e.at for e in expense_entries if e.kind == "expense") < now_us() - 35 * flying.DAY

    head = await services.store.last_position()
    with pytest.raises(DemoRefused, match="already has an airline"):
        await flying.create_demo(services.identity)
    assert await services.store.last_position() == head  # nothing mixed in


async def test_the_demo_next_to_an_existing_platform_admin_does_not_make_another(
    services: Services,
) -> None:
    assert await handle_create_platform_admin(services.identity) is not None
    result = await create_demo(services.identity)  # the airline alone: the admin comes first
    assert result.admin_password is None
    assert not any("username=admin " in line for line in summary(result))
