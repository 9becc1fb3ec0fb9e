"""The demo airline: deterministic, real airports, written through the handlers, refused twice."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from albatross.bootstrap import build_services
from albatross.config import load_settings
from albatross.identity.auth import authenticate, handle_create_platform_admin, handle_login
from albatross.identity.policy import Principal
from albatross.identity.queries import list_tenants, list_users
from albatross.operations import airports
from albatross.operations.demo import (
    DemoRefused,
    block_minutes,
    create_demo,
    demo_plan,
    rotate_days,
    summary,
)
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


async def test_the_demo_fills_an_empty_store_through_the_handlers(services: Services) -> None:
    result = await create_demo(services.identity)
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

    lines = summary(result)
    assert sum("password=" in line for line in lines) == 12  # 11 members and the platform admin
    pilot = next(a for a in result.accounts if a.role == "pilot")
    login = await handle_login(services.identity, pilot.username, pilot.password)
    assert login.must_change_password  # one-time, like any password staff set
    me = await authenticate(services.identity, login.token)
    assert (me.role, me.tenant_id) == ("pilot", tenant_id)

    head = await services.store.last_position()
    with pytest.raises(DemoRefused, match="already has an airline"):
        await create_demo(services.identity)
    assert await services.store.last_position() == head  # nothing mixed in


async def test_the_demo_next_to_an_existing_platform_admin_does_not_make_another(
    services: Services,
) -> None:
    assert await handle_create_platform_admin(services.identity) is not None
    result = await create_demo(services.identity)
    assert result.admin_password is None
    assert not any("username=admin " in line for line in summary(result))
