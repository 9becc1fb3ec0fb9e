"""A staff form changes only what it shows: what another write changed meanwhile survives it, even
while the read models the page reads still lag behind (here: stopped)."""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import Any

from albatross.kernel import Aggregate, Context, UnitOfWork
from albatross.operations.domain import Aircraft, Airline, Flight
from tests.web.conftest import Api, Member


async def post_form(api: Api, member: Member, path: str, **form: str) -> None:
    """Post a page's form as a signed-in member would, with the CSRF token a page hands out."""
    try:
        token = re.search(r'name="_csrf_token" value="([^"]+)"', (await api.client.get("/login")).text)
        assert token is not None
        response = await api.client.post(
            path, data={**form, "_csrf_token": token.group(1)}, headers=member.headers
        )
        assert response.status_code == 303, response.text
    finally:
        api.client.cookies.clear()


async def stop_projections(api: Api) -> None:
    """From now on the read models stay as they are: every page reads a stale copy."""
    await api.settle()
    api.runner.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await api.runner


async def stored(api: Api, kind: type[Aggregate], record_id: str) -> Any:
    """The aggregate as the next command will decide on it (the log, not a read model)."""
    return await UnitOfWork(api.services.store, api.services.codec, Context()).load(kind, record_id)


async def write(api: Api, headers: dict[str, str], method: str, path: str, body: dict[str, Any]) -> Any:
    response = await api.client.request(method, path, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def airline(api: Api, admin: dict[str, str]) -> tuple[str, Member]:
    tenant = await api.tenant(admin, "Nova Air", "NVA")
    return tenant, await api.user(admin, "nova.staff", "tenant_admin", tenant)


PROFILE = {"iata": "NV", "callsign": "NOVA", "country": "US", "timezone": "UTC", "pilot_id_prefix": "NVA"}
PROFILE.update({"pilot_id_width": "4", "logo_url": "", "primary_colour": "", "secondary_colour": ""})
FLIGHT_RULES = {"max_per_pilot": "5", "expire_after_hours": "24", "check-airports_exist": "1"}


async def test_each_settings_form_keeps_what_the_other_saved(api: Api, admin: dict[str, str]) -> None:
    tenant, staff = await airline(api, admin)
    await stop_projections(api)

    await post_form(api, staff, "/staff/settings/profile", **PROFILE)
    await post_form(api, staff, "/staff/settings/flights", **FLIGHT_RULES)
    await post_form(api, staff, "/staff/settings/profile", **{**PROFILE, "callsign": "NOVA TWO"})

    profile = (await stored(api, Airline, tenant)).profile
    assert (profile.iata, profile.callsign, profile.country) == ("NV", "NOVA TWO", "US")
    assert (profile.bids.max_per_pilot, profile.bids.expire_after_hours) == (5, 24)
    assert profile.pirep_checks.airports_exist and not profile.pirep_checks.rank_allows_subfleet


async def test_renaming_an_aircraft_keeps_where_it_went_and_what_it_flew(
    api: Api, admin: dict[str, str]
) -> None:
    tenant, staff = await airline(api, admin)
    base = f"/api/v1/tenants/{tenant}"
    subfleet = (await write(api, admin, "POST", f"{base}/subfleets", {"type": "B738", "name": "737"}))["id"]
    ship = {"registration": "N100NV", "name": "Ship", "subfleet_id": subfleet, "home": "KJFK"}
    aircraft = (await write(api, admin, "POST", f"{base}/aircraft", ship))["id"]
    await stop_projections(api)
    moved = {**ship, "location": "KBOS", "hours": 12.5, "fuel_on_board": 3000.0}
    await write(api, admin, "PUT", f"{base}/aircraft/{aircraft}", moved)

    form = {"registration": "N100NV", "name": "Renamed", "subfleet_id": subfleet, "home": "KJFK"}
    await post_form(api, staff, f"/staff/fleet/aircraft/{aircraft}", **form, status="stored")

    details = (await stored(api, Aircraft, aircraft)).details
    assert (details.name, details.status, details.home) == ("Renamed", "stored", "KJFK")
    assert (details.location, details.hours, details.fuel_on_board) == ("KBOS", 12.5, 3000.0)


async def test_editing_a_flight_keeps_its_fares_and_custom_fields(api: Api, admin: dict[str, str]) -> None:
    tenant, staff = await airline(api, admin)
    path = f"/api/v1/tenants/{tenant}/flights"
    body: dict[str, Any] = {"airline": "NVA", "flight_number": "7", "departure": "KJFK", "arrival": "KBOS"}
    body.update({"distance_nm": 0, "block_minutes": 70, "fares": ["Y?price=200"], "fields": {"gate": "B1"}})
    flight = (await write(api, admin, "POST", path, body))["id"]
    await stop_projections(api)
    await write(
        api, admin, "PUT", f"{path}/{flight}", {**body, "fares": ["F?price=900"], "fields": {"gate": "C3"}}
    )

    form = {"airline": "NVA", "flight_number": "7", "departure": "KJFK", "arrival": "KBOS"}
    await post_form(api, staff, f"/staff/schedules/{flight}", **form, block_minutes="75", active="1")

    details = (await stored(api, Flight, flight)).details
    assert (details.block_minutes, details.visible) == (75, False)
    assert (details.fares, details.fields) == (["F?price=900"], {"gate": "C3"})
