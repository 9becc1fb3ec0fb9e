"""Airline operations through the API: airports, fleet, schedules, CSV import/export, bids."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import Api

FLIGHTS_CSV = """airline,flight_number,route_code,callsign,route_leg,dpt_airport,arr_airport,alt_airport,days,dpt_time,arr_time,level,distance,flight_time,flight_type,load_factor,load_factor_variance,pilot_pay,route,notes,start_date,end_date,active,subfleets,fares,fields
NVA,100,,NVA100,,KJFK,KSFO,KOAK,135,0800,1120,350,,370,J,80,5,,DCT,,,,1,B738,Y?price=200&cost=100;F?price=1200,gate=B32
NVA,101,,,,KSFO,KJFK,,,1300,2130,,,330,J,,,,,,,,1,,,
NVA,102,,,,KJFK,ZZZZ,,,,,,,200,J,,,,,,,,1,,,
NVA,,,,,KJFK,KBOS,,,,,,,60,J,,,,,,,,1,,,
NVA,104,,,,KJFK,KBOS,,,,,,,abc,J,,,,,,,,1,,,
NVA,105,,,,KJFK,KBOS,,,,,,,60,Q,,,,,,,,1,,,
NVA,106,,,,KJFK,KBOS,,,,,,,60,J,,,,,,2026-13-01,,1,,,
NVA,107,,,,KJFK,KBOS,,,,,,,60,J,,,,,,,,1,A320,,
"""

SUBFLEETS_CSV = """airline,hub_id,type,simbrief_type,name,fuel_type,cost_block_hour,cost_delay_minute,ground_handling_multiplier,fares
NVA,KJFK,B738,B738,Boeing 737-800,1,2500,10,100,Y?price=200
"""


async def setup(api: Api, admin: dict[str, str]) -> str:
    tenant = await api.tenant(admin, "Nova Air", "NVA")
    return tenant


async def post_csv(api: Api, admin: dict[str, str], tenant: str, kind: str, text: str, dry_run: bool) -> Any:
    response = await api.client.post(
        f"/api/v1/tenants/{tenant}/import/{kind}?dry_run={'true' if dry_run else 'false'}",
        content=text.encode(),
        headers={**admin, "Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_reference_airports_and_great_circle_distance(api: Api, admin: dict[str, str]) -> None:
    distance = (await api.client.get("/api/v1/airports/KJFK/distance/KSFO", headers=admin)).json()
    assert abs(distance["nmi"] - 2244) < 5 and distance["departure"] == "KJFK"
    found = (await api.client.get("/api/v1/airports?q=heathrow", headers=admin)).json()
    assert found["items"][0]["icao"] == "EGLL"
    unknown = await api.client.get("/api/v1/airports/QQQQ", headers=admin)
    assert unknown.status_code == 404 and unknown.json()["type"] == "not-found"


async def test_a_phpvms_flights_file_with_bad_rows_reports_each_and_changes_nothing(
    api: Api, admin: dict[str, str]
) -> None:
    tenant = await setup(api, admin)
    await post_csv(api, admin, tenant, "subfleets", SUBFLEETS_CSV, dry_run=False)
    head = await api.services.store.last_position()
    for dry_run in (True, False):
        report = await post_csv(api, admin, tenant, "flights", FLIGHTS_CSV, dry_run=dry_run)
        lines = {e["line"] for e in report["errors"]}
        assert lines == {4, 5, 6, 7, 8, 9}, report[
            "errors"
        ]  # unknown airport, no number, not a number, bad type, bad date, unknown subfleet
        assert report["position"] is None
        # The good rows are reported one by one too, each with what importing it would do.
        assert [(o["line"], o["outcome"]) for o in report["outcomes"]] == [(2, "created"), (3, "created")]
    assert await api.services.store.last_position() == head  # nothing was written, dry or not


async def test_import_is_idempotent_and_export_reimports_into_an_empty_airline(
    api: Api, admin: dict[str, str]
) -> None:
    tenant = await setup(api, admin)
    good = "\n".join(line for n, line in enumerate(FLIGHTS_CSV.splitlines(), 1) if n <= 3) + "\n"
    assert (await post_csv(api, admin, tenant, "subfleets", SUBFLEETS_CSV, dry_run=False))["created"] == 1
    first = await post_csv(api, admin, tenant, "flights", good, dry_run=False)
    assert (first["created"], first["errors"]) == (2, [])
    again = await post_csv(api, admin, tenant, "flights", good, dry_run=False)
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    assert [o["outcome"] for o in again["outcomes"]] == ["unchanged", "unchanged"]
    await api.settle()

    flights = (await api.client.get(f"/api/v1/tenants/{tenant}/flights", headers=admin)).json()["items"]
    jfk_sfo = next(f["details"] for f in flights if f["details"]["flight_number"] == "100")
    assert abs(jfk_sfo["distance_nm"] - 2244) < 5  # computed from the airports
    assert jfk_sfo["days"] == 0b10101 and jfk_sfo["departure_time"] == "08:00"

    exported = {}
    for kind in ("subfleets", "flights"):
        response = await api.client.get(f"/api/v1/tenants/{tenant}/export/{kind}", headers=admin)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        exported[kind] = response.text
    other = await api.tenant(admin, "Nova Two", "NVB")
    for kind in ("subfleets", "flights"):
        text = exported[kind].replace("NVA,", "NVB,")
        report = await post_csv(api, admin, other, kind, text, dry_run=False)
        assert report["errors"] == [] and report["created"] >= 1
    await api.settle()
    copied = (await api.client.get(f"/api/v1/tenants/{other}/export/flights", headers=admin)).text
    assert copied == exported["flights"].replace("NVA,", "NVB,")


async def test_schedule_search_offers_a_flight_only_on_its_days(api: Api, admin: dict[str, str]) -> None:
    tenant = await setup(api, admin)
    body = {
        "airline": "NVA",
        "flight_number": "7",
        "departure": "KJFK",
        "arrival": "KBOS",
        "distance_nm": 0,
        "block_minutes": 70,
        "days": 0b0000001,
    }  # Mondays only
    created = await api.client.post(f"/api/v1/tenants/{tenant}/flights", json=body, headers=admin)
    assert created.status_code == 201, created.text
    await api.settle()
    search = f"/api/v1/tenants/{tenant}/flights"
    monday = (await api.client.get(f"{search}?date=2026-11-30", headers=admin)).json()
    tuesday = (await api.client.get(f"{search}?date=2026-12-01", headers=admin)).json()
    assert monday["total"] == 1 and tuesday["total"] == 0
    assert (await api.client.get(f"{search}?departure=KBOS", headers=admin)).json()["total"] == 0
    bad = await api.client.post(
        f"/api/v1/tenants/{tenant}/flights", json={**body, "departure": "QQQQ"}, headers=admin
    )
    assert bad.status_code == 400 and "departure" in bad.json()["detail"]


async def test_the_pilot_id_format_applies_to_pilots_numbered_after_it(
    api: Api, admin: dict[str, str]
) -> None:
    tenant = await setup(api, admin)
    changed = await api.client.put(
        f"/api/v1/tenants/{tenant}/profile",
        json={"profile": {}, "pilot_id_prefix": "NV", "pilot_id_width": 3},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    pilot = await api.user(admin, "pia", "pilot", tenant)
    await api.settle()
    view = (await api.client.get(f"/api/v1/users/{pilot.id}", headers=admin)).json()
    assert view["pilot_id"] == "NV001"
    bad = await api.client.put(
        f"/api/v1/tenants/{tenant}/profile", json={"profile": {}, "pilot_id_prefix": "N-V"}, headers=admin
    )
    assert bad.status_code == 400 and "pilot_id_prefix" in bad.text


async def test_bids_follow_the_airline_rules(api: Api, admin: dict[str, str]) -> None:
    tenant = await setup(api, admin)
    pilot = await api.user(admin, "pia", "pilot", tenant)
    other = await api.user(admin, "olga", "pilot", tenant)
    profile = {"profile": {"bids": {"max_per_pilot": 1, "block_flight": True}}}
    assert (
        await api.client.put(f"/api/v1/tenants/{tenant}/profile", json=profile, headers=admin)
    ).status_code == 200
    ids = []
    for number in ("1", "2"):
        body = {
            "airline": "NVA",
            "flight_number": number,
            "departure": "KJFK",
            "arrival": "KBOS",
            "distance_nm": 0,
            "block_minutes": 70,
        }
        ids.append(
            (await api.client.post(f"/api/v1/tenants/{tenant}/flights", json=body, headers=admin)).json()[
                "id"
            ]
        )
    first = await api.client.post("/api/v1/bids", json={"flight_id": ids[0]}, headers=pilot.headers)
    assert first.status_code == 201, first.text
    assert (
        await api.client.post("/api/v1/bids", json={"flight_id": ids[1]}, headers=pilot.headers)
    ).status_code == 409
    taken = await api.client.post("/api/v1/bids", json={"flight_id": ids[0]}, headers=other.headers)
    assert taken.status_code == 409 and "already bid" in taken.json()["detail"]
    # Removing the flight removes its bid; the pilot may bid again.
    assert (
        await api.client.delete(f"/api/v1/tenants/{tenant}/flights/{ids[0]}", headers=admin)
    ).status_code == 204
    await api.settle()
    assert (await api.client.get(f"/api/v1/tenants/{tenant}/bids", headers=pilot.headers)).json() == []
    assert (
        await api.client.post("/api/v1/bids", json={"flight_id": ids[1]}, headers=pilot.headers)
    ).status_code == 201


async def test_a_time_that_is_not_a_clock_time_is_reported_with_its_line(
    api: Api, admin: dict[str, str]
) -> None:
    tenant = await setup(api, admin)
    header = FLIGHTS_CSV.splitlines()[0]
    text = header + "\nNVA,9,,,,KJFK,KBOS,,,0810 CST,,,,60,J,,,,,,,,1,,,\n"
    report = await post_csv(api, admin, tenant, "flights", text, dry_run=False)
    assert [(e["line"], e["column"]) for e in report["errors"]] == [(2, "departure_time")]
    assert report["position"] is None


AIRPORTS_CSV = """icao,iata,name,location,country,timezone,hub,lat,lon,ground_handling_cost,fuel_100ll_cost,fuel_jeta_cost,fuel_mogas_cost
KJFK,JFK,John F Kennedy Intl,New York,US,America/New_York,1,40.64,-73.78,250,5,3.1,4
XVA1,,Virtual Strip,Nowhere,US,America/Chicago,0,35.5,-97.5,10,,,
QQQ9,,No Coordinates,Nowhere,US,,0,,,,,,
"""

AIRCRAFT_CSV = """subfleet,iata,icao,hub_id,airport_id,name,registration,fin,hex_code,mtow,zfw,status
B738,,B738,KJFK,KJFK,Ship One,N801NV,801,A1B2C3,79000,62700,A
B738,,B738,KJFK,XVA1,Ship Two,N802NV,,,,,M
B777,,B77W,KJFK,,Ship Three,N803NV,,,,,A
"""


async def test_airports_and_aircraft_import_and_export_round_trip(api: Api, admin: dict[str, str]) -> None:
    tenant = await setup(api, admin)
    airports = await post_csv(api, admin, tenant, "airports", AIRPORTS_CSV, dry_run=True)
    assert {e["line"] for e in airports["errors"]} == {4}  # lat and lon are required
    good_airports = "\n".join(AIRPORTS_CSV.splitlines()[:3]) + "\n"
    assert (await post_csv(api, admin, tenant, "airports", good_airports, dry_run=False))["created"] == 2
    await post_csv(api, admin, tenant, "subfleets", SUBFLEETS_CSV, dry_run=False)
    aircraft = await post_csv(api, admin, tenant, "aircraft", AIRCRAFT_CSV, dry_run=False)
    assert [(e["line"], e["column"]) for e in aircraft["errors"]] == [(4, "subfleet")]  # no B777 subfleet
    good_aircraft = "\n".join(AIRCRAFT_CSV.splitlines()[:3]) + "\n"
    assert (await post_csv(api, admin, tenant, "aircraft", good_aircraft, dry_run=False))["created"] == 2
    await api.settle()

    hubs = (await api.client.get(f"/api/v1/tenants/{tenant}/airports?hubs=true", headers=admin)).json()
    assert [h["icao"] for h in hubs] == ["KJFK"] and hubs[0]["fuel_jet_a_cost"] == 3.1
    strip = (await api.client.get(f"/api/v1/tenants/{tenant}/airports/XVA1", headers=admin)).json()
    assert (strip["name"], strip["lat"]) == ("Virtual Strip", 35.5)  # an airport of the airline's own
    in_maintenance = (
        await api.client.get(f"/api/v1/tenants/{tenant}/aircraft?status=maintenance", headers=admin)
    ).json()
    assert [a["details"]["registration"] for a in in_maintenance["items"]] == ["N802NV"]

    other = await api.tenant(admin, "Nova Two", "NVB")
    exported = {}
    for kind in ("airports", "subfleets", "aircraft"):
        exported[kind] = (await api.client.get(f"/api/v1/tenants/{tenant}/export/{kind}", headers=admin)).text
        report = await post_csv(
            api, admin, other, kind, exported[kind].replace("NVA,", "NVB,"), dry_run=False
        )
        assert report["errors"] == [], (kind, report)
    await api.settle()
    for kind in ("airports", "aircraft"):
        copied = (await api.client.get(f"/api/v1/tenants/{other}/export/{kind}", headers=admin)).text
        assert copied == exported[kind]


async def test_changes_replace_what_the_read_models_show(api: Api, admin: dict[str, str]) -> None:
    tenant = await setup(api, admin)
    for callsign, fee in (("NOVA", 10.0), ("NOVA TWO", 20.0)):
        profile = await api.client.put(
            f"/api/v1/tenants/{tenant}/profile", json={"profile": {"callsign": callsign}}, headers=admin
        )
        assert profile.status_code == 200, profile.text
        airport = await api.client.put(
            f"/api/v1/tenants/{tenant}/airports/KBOS", json={"hub": True, "landing_fee": fee}, headers=admin
        )
        assert airport.status_code == 200, airport.text
    await api.settle()  # the projections kept up (an upsert that inserted twice would stall them)
    airline = (await api.client.get(f"/api/v1/tenants/{tenant}/profile", headers=admin)).json()
    assert airline["profile"]["callsign"] == "NOVA TWO"
    assert (airline["name"], airline["icao"], airline["pilot_id_prefix"], airline["pilot_id_width"]) == (
        "Nova Air",
        "NVA",
        "NVA",
        4,
    )
    bos = (await api.client.get(f"/api/v1/tenants/{tenant}/airports/KBOS", headers=admin)).json()
    assert bos["landing_fee"] == 20.0 and bos["hub"] is True
    history = (await api.client.get(f"/api/v1/tenants/{tenant}/airports/KBOS/history", headers=admin)).json()
    assert [h["type"] for h in history] == ["AirportSet", "AirportSet"]
