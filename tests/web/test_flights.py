"""PIREPs through the API: filing, checks, review and its exact reversal, careers, aircraft
state, the ledger, tracking, live flights and their GeoJSON paths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.web.conftest import Api, Member


@dataclass
class Airline:
    id: str
    staff: dict[str, str]
    pilot: Member
    aircraft_id: str
    flight_id: str


CAREERS = {
    "ranks": [
        {"name": "Cadet", "hours": 0, "pay_per_hour": 30},
        {"name": "First Officer", "hours": 1, "pay_per_hour": 50},
        {"name": "Captain", "hours": 100, "pay_per_hour": 90, "auto_promote": False},
    ],
    "awards": [
        {"id": "first-flight", "name": "First flight", "rule": {"kind": "flights", "count": 1}},
        {"id": "boston", "name": "Boston regular", "rule": {"kind": "airport", "airport": "KBOS"}},
    ],
    "leave_after_days": 30,
}


async def make_airline(api: Api, admin: dict[str, str], icao: str = "NVA") -> Airline:
    tenant = await api.tenant(admin, f"Airline {icao}", icao)
    staff = (await api.user(admin, f"{icao.lower()}staff", "tenant_admin", tenant)).headers
    pilot = await api.user(admin, f"{icao.lower()}pilot", "pilot", tenant)
    base = f"/api/v1/tenants/{tenant}"

    async def ok(method: str, path: str, body: Any) -> Any:
        response = await api.client.request(method, base + path, json=body, headers=staff)
        assert response.status_code in (200, 201, 204), response.text
        return response.json() if response.content else None

    await ok("PUT", "/airports/KJFK", {"hub": True, "fuel_jet_a_cost": 0.5, "ground_handling_cost": 150})
    await ok("PUT", "/airports/KBOS", {"landing_fee": 300})
    subfleet = (
        await ok(
            "POST",
            "/subfleets",
            {
                "type": "B738",
                "name": "Boeing 737-800",
                "cost_block_hour": 1200,
                "fares": ["Y?price=120&capacity=150"],
            },
        )
    )["id"]
    aircraft = (
        await ok(
            "POST",
            "/aircraft",
            {"registration": "N100NV", "name": "Ship 100", "subfleet_id": subfleet, "home": "KJFK"},
        )
    )["id"]
    flight = (
        await ok(
            "POST",
            "/flights",
            {
                "airline": icao,
                "flight_number": "100",
                "departure": "KJFK",
                "arrival": "KBOS",
                "distance_nm": 0,
                "block_minutes": 75,
            },
        )
    )["id"]
    await ok("PUT", "/careers/settings", CAREERS)
    await api.settle()  # tests read the fleet back through the read models
    return Airline(tenant, staff, pilot, aircraft, flight)


def report(airline: Airline, /, **overrides: Any) -> dict[str, Any]:
    details = {
        "airline": "NVA",
        "flight_number": "100",
        "departure": "KJFK",
        "arrival": "KBOS",
        "aircraft_id": airline.aircraft_id,
        "flight_id": airline.flight_id,
        "flight_minutes": 80,
        "fuel_used_lbs": 5000,
        "block_fuel_lbs": 9000,
        "landing_rate_fpm": -180,
    }
    details.update(overrides)
    return details


async def file(api: Api, airline: Airline, /, source: str = "manual", **overrides: Any) -> str:
    response = await api.client.post(
        "/api/v1/pireps",
        json={"source": source, "details": report(airline, **overrides)},
        headers=airline.pilot.headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def submit(api: Api, airline: Airline, pirep: str) -> dict[str, Any]:
    response = await api.client.post(f"/api/v1/pireps/{pirep}/submit", json={}, headers=airline.pilot.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def career(api: Api, airline: Airline) -> dict[str, Any]:
    await api.settle()
    return dict((await api.client.get("/api/v1/me/career", headers=airline.pilot.headers)).json())


async def trial_balance(api: Api, airline: Airline) -> dict[str, Any]:
    from albatross.finance.queries import FinanceQueries
    from albatross.identity.policy import Principal

    staff = Principal(
        user_id="staff", username="staff", role="tenant_admin", tenant_id=airline.id,
        must_change_password=False, session_id="s",
    )  # fmt: skip
    return dict(await FinanceQueries(api.services.reader).trial_balance(staff, airline.id))


async def aircraft_state(api: Api, airline: Airline) -> dict[str, Any]:
    await api.settle()
    states = (
        await api.client.get(f"/api/v1/tenants/{airline.id}/aircraft-state", headers=airline.staff)
    ).json()
    return next((s for s in states if s["aircraft_id"] == airline.aircraft_id), {})


@pytest.fixture
async def airline(api: Api, admin: dict[str, str]) -> Airline:
    return await make_airline(api, admin)


async def test_a_manual_pirep_is_drafted_submitted_and_accepted_with_every_effect(
    api: Api, airline: Airline
) -> None:
    pirep = await file(api, airline)
    assert (await submit(api, airline, pirep))["state"] == "pending"
    await api.settle()
    queue = (
        await api.client.get(f"/api/v1/tenants/{airline.id}/pireps?state=pending", headers=airline.staff)
    ).json()
    assert [p["id"] for p in queue["items"]] == [pirep]

    accepted = await api.client.post(f"/api/v1/pireps/{pirep}/accept", headers=airline.staff)
    assert accepted.status_code == 204, accepted.text
    mine = await career(api, airline)
    assert (mine["flights"], mine["flight_minutes"], mine["location"]) == (1, 80, "KBOS")
    assert mine["rank"] == "First Officer"  # 80 minutes passes the 1-hour rank
    assert mine["average_landing_rate_fpm"] == -180
    assert {a["award_id"] for a in mine["awards"]} == {"first-flight", "boston"}
    state = await aircraft_state(api, airline)
    assert (state["location"], state["minutes"], state["fuel_on_board_lbs"], state["state"]) == (
        "KBOS",
        80,
        4000,
        "parked",
    )

    entries = (
        await api.client.get(
            f"/api/v1/tenants/{airline.id}/finances/entries?reference={pirep}", headers=airline.staff
        )
    ).json()
    lines = {
        (line["ledger"], line["account"]): line["amount"] for e in entries["items"] for line in e["lines"]
    }
    # 150 seats x 80% load x 120.00; 5000 lbs x 0.50; 80 min of 1200.00/h; KBOS landing 300; KJFK handling 150;
    # pay at the rank flown (Cadet, 30.00/h) for 80 minutes.
    assert lines[("airline", "revenue:fares")] == -120 * 12000
    assert lines[("airline", "expense:fuel")] == 250000
    assert lines[("airline", "expense:block_hours")] == 160000
    assert lines[("airline", "expense:landing_fees")] == 30000
    assert lines[("airline", "expense:ground_handling")] == 15000
    assert lines[("airline", "expense:pilot_pay")] == 4000
    assert all(v == 0 for v in (await trial_balance(api, airline)).values())

    read_only = await api.client.put(
        f"/api/v1/pireps/{pirep}",
        json={"details": report(airline, flight_minutes=10)},
        headers=airline.pilot.headers,
    )
    assert read_only.status_code == 409 and read_only.json()["type"] == "invalid-state"


async def test_rejecting_an_accepted_pirep_takes_back_exactly_what_it_gave(
    api: Api, airline: Airline
) -> None:
    first = await file(api, airline)
    await submit(api, airline, first)
    assert (await api.client.post(f"/api/v1/pireps/{first}/accept", headers=airline.staff)).status_code == 204
    before = await career(api, airline)
    state_before = await aircraft_state(api, airline)

    second = await file(api, airline, departure="KBOS", arrival="KJFK", flight_id=None, flight_number="101")
    await submit(api, airline, second)
    assert (
        await api.client.post(f"/api/v1/pireps/{second}/accept", headers=airline.staff)
    ).status_code == 204
    assert (await career(api, airline))["location"] == "KJFK"

    no_reason = await api.client.post(
        f"/api/v1/pireps/{second}/reject", json={"reason": ""}, headers=airline.staff
    )
    assert no_reason.status_code == 400
    rejected = await api.client.post(
        f"/api/v1/pireps/{second}/reject", json={"reason": "wrong aircraft"}, headers=airline.staff
    )
    assert rejected.status_code == 204, rejected.text
    after = await career(api, airline)
    for key in ("flights", "flight_minutes", "location", "rank", "average_landing_rate_fpm"):
        assert after[key] == before[key], key
    assert {a["award_id"] for a in after["awards"]} == {a["award_id"] for a in before["awards"]}
    state_after = await aircraft_state(api, airline)
    for key in ("location", "minutes", "fuel_on_board_lbs"):
        assert state_after[key] == state_before[key], key

    entries = (
        await api.client.get(
            f"/api/v1/tenants/{airline.id}/finances/entries?reference={second}", headers=airline.staff
        )
    ).json()["items"]
    assert sorted(e["kind"] for e in entries) == ["flight", "flight_reversal"]
    posted = {
        (li["ledger"], li["account"]): li["amount"]
        for e in entries
        if e["kind"] == "flight"
        for li in e["lines"]
    }
    reversed_ = {
        (li["ledger"], li["account"]): li["amount"]
        for e in entries
        if e["kind"] != "flight"
        for li in e["lines"]
    }
    assert reversed_ == {k: -v for k, v in posted.items()}

    # Staff may change their mind again: accepted once more, it is credited once more.
    assert (
        await api.client.post(f"/api/v1/pireps/{second}/accept", headers=airline.staff)
    ).status_code == 204
    assert (await career(api, airline))["flights"] == 2
    assert all(v == 0 for v in (await trial_balance(api, airline)).values())


async def test_promotion_keeps_a_staff_rank_above_the_hours_and_rejection_takes_back_awards(
    api: Api, airline: Airline
) -> None:
    set_rank = await api.client.put(
        f"/api/v1/tenants/{airline.id}/careers/{airline.pilot.id}/rank",
        json={"rank": "Captain"},
        headers=airline.staff,
    )
    assert set_rank.status_code == 200, set_rank.text
    pirep = await file(api, airline)
    await submit(api, airline, pirep)
    await api.client.post(f"/api/v1/pireps/{pirep}/accept", headers=airline.staff)
    mine = await career(api, airline)
    assert mine["rank"] == "Captain" and mine["next_rank"] is None
    await api.client.post(
        f"/api/v1/pireps/{pirep}/reject", json={"reason": "duplicate"}, headers=airline.staff
    )
    mine = await career(api, airline)
    assert (mine["rank"], mine["flights"], mine["awards"]) == ("Captain", 0, [])

    unknown = await api.client.put(
        f"/api/v1/tenants/{airline.id}/careers/{airline.pilot.id}/rank",
        json={"rank": "Admiral"},
        headers=airline.staff,
    )
    assert unknown.status_code == 404
    by_pilot = await api.client.put(
        f"/api/v1/tenants/{airline.id}/careers/{airline.pilot.id}/rank",
        json={"rank": "Captain"},
        headers=airline.pilot.headers,
    )
    assert by_pilot.status_code == 403


async def test_transfer_hours_count_towards_ranks(api: Api, airline: Airline) -> None:
    response = await api.client.put(
        f"/api/v1/tenants/{airline.id}/careers/{airline.pilot.id}/transfer-hours",
        json={"minutes": 120},
        headers=airline.staff,
    )
    assert response.status_code == 200, response.text
    mine = await career(api, airline)
    assert (mine["transfer_minutes"], mine["total_minutes"], mine["rank"]) == (120, 120, "First Officer")


async def test_an_auto_accept_rule_accepts_and_is_recorded(api: Api, airline: Airline) -> None:
    profile = {"profile": {"auto_accept": [{"source": "manual", "max_landing_rate_fpm": 300}]}}
    changed = await api.client.put(
        f"/api/v1/tenants/{airline.id}/profile", json=profile, headers=airline.staff
    )
    assert changed.status_code == 200, changed.text
    soft = await file(api, airline)
    assert (await submit(api, airline, soft))["state"] == "accepted"
    hard = await file(api, airline, landing_rate_fpm=-650, flight_number="102", flight_id=None)
    assert (await submit(api, airline, hard))["state"] == "pending"
    await api.settle()
    view = (await api.client.get(f"/api/v1/pireps/{soft}", headers=airline.pilot.headers)).json()
    assert view["accepted_rule"] == "auto-accept rule 1: manual report, landing rate 180 <= 300 fpm"
    assert (await career(api, airline))["flights"] == 1


@pytest.mark.parametrize(
    ("checks", "overrides", "problem"),
    [
        ({}, {"arrival": "QQQQ", "flight_id": None}, "pirep-unknown-airport"),
        ({}, {"flight_minutes": 5}, "pirep-implausible-time"),
        ({}, {"flight_minutes": 900}, "pirep-implausible-time"),
        (
            {"aircraft_at_departure": True},
            {"departure": "KBOS", "arrival": "KJFK", "flight_id": None},
            "pirep-aircraft-elsewhere",
        ),
    ],
)
async def test_each_check_has_its_own_problem_type(
    api: Api, airline: Airline, checks: dict[str, bool], overrides: dict[str, Any], problem: str
) -> None:
    if checks:
        body = {"profile": {"pirep_checks": checks}}
        assert (
            await api.client.put(f"/api/v1/tenants/{airline.id}/profile", json=body, headers=airline.staff)
        ).status_code == 200
    created = await api.client.post(
        "/api/v1/pireps",
        json={"source": "manual", "details": report(airline, **overrides)},
        headers=airline.pilot.headers,
    )
    assert created.status_code == 201, created.text
    response = await api.client.post(
        f"/api/v1/pireps/{created.json()['id']}/submit", json={}, headers=airline.pilot.headers
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == problem and response.json()["errors"]


async def test_switched_off_checks_let_the_report_through(api: Api, airline: Airline) -> None:
    body = {"profile": {"pirep_checks": {"plausible_flight_time": False, "airports_exist": False}}}
    assert (
        await api.client.put(f"/api/v1/tenants/{airline.id}/profile", json=body, headers=airline.staff)
    ).status_code == 200
    pirep = await file(api, airline, flight_minutes=5, arrival="QQQQ", flight_id=None)
    assert (await submit(api, airline, pirep))["state"] == "pending"


async def test_rank_check_and_inactive_aircraft_and_pilot_location(
    api: Api, airline: Airline, admin: dict[str, str]
) -> None:
    base = f"/api/v1/tenants/{airline.id}"
    subfleets = (await api.client.get(f"{base}/subfleets", headers=airline.staff)).json()["items"]
    details = {**subfleets[0]["details"], "ranks": ["Captain"]}
    assert (
        await api.client.put(f"{base}/subfleets/{subfleets[0]['id']}", json=details, headers=airline.staff)
    ).status_code == 200
    tracked = await api.client.post(
        "/api/v1/pireps",
        json={"source": "tracked", "details": report(airline)},
        headers=airline.pilot.headers,
    )
    assert tracked.status_code == 400 and tracked.json()["type"] == "pirep-rank-not-allowed"

    aircraft = (await api.client.get(f"{base}/aircraft/{airline.aircraft_id}", headers=airline.staff)).json()
    grounded = {**aircraft["details"], "status": "maintenance"}
    details["ranks"] = []
    await api.client.put(f"{base}/subfleets/{subfleets[0]['id']}", json=details, headers=airline.staff)
    assert (
        await api.client.put(f"{base}/aircraft/{airline.aircraft_id}", json=grounded, headers=airline.staff)
    ).status_code == 200
    tracked = await api.client.post(
        "/api/v1/pireps",
        json={"source": "tracked", "details": report(airline)},
        headers=airline.pilot.headers,
    )
    assert tracked.status_code == 400 and tracked.json()["type"] == "pirep-aircraft-unavailable"

    # The pilot ends up at KBOS, so a flight from KJFK fails the pilot-location check.
    grounded["status"] = "active"
    await api.client.put(f"{base}/aircraft/{airline.aircraft_id}", json=grounded, headers=airline.staff)
    first = await file(api, airline)
    await submit(api, airline, first)
    await api.client.post(f"/api/v1/pireps/{first}/accept", headers=airline.staff)
    body = {"profile": {"pirep_checks": {"pilot_at_departure": True}}}
    await api.client.put(f"{base}/profile", json=body, headers=airline.staff)
    again = await api.client.post(
        "/api/v1/pireps",
        json={
            "source": "tracked",
            "details": report(airline, aircraft_id=None, flight_number="103", flight_id=None),
        },
        headers=airline.pilot.headers,
    )
    assert again.status_code == 400 and again.json()["type"] == "pirep-pilot-elsewhere"


async def test_another_airlines_aircraft_is_refused(
    api: Api, admin: dict[str, str], airline: Airline
) -> None:
    other = await make_airline(api, admin, "OTH")
    response = await api.client.post(
        "/api/v1/pireps",
        json={"source": "tracked", "details": report(airline, aircraft_id=other.aircraft_id)},
        headers=airline.pilot.headers,
    )
    assert response.status_code == 400 and response.json()["type"] == "pirep-aircraft-unavailable"
    pirep = await file(api, other, airline="OTH")
    await api.settle()
    assert (await api.client.get(f"/api/v1/pireps/{pirep}", headers=airline.pilot.headers)).status_code == 404
    assert (await api.client.post(f"/api/v1/pireps/{pirep}/accept", headers=airline.staff)).status_code == 404
    assert (
        await api.client.get(f"/api/v1/tenants/{other.id}/pireps", headers=airline.staff)
    ).status_code == 404


async def test_a_repeat_within_ten_minutes_returns_the_first_report(api: Api, airline: Airline) -> None:
    body = {"source": "tracked", "details": report(airline)}
    first = await api.client.post("/api/v1/pireps", json=body, headers=airline.pilot.headers)
    again = await api.client.post("/api/v1/pireps", json=body, headers=airline.pilot.headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"] and again.json()["created"] is False
    cancelled = await api.client.post(
        f"/api/v1/pireps/{first.json()['id']}/cancel", headers=airline.pilot.headers
    )
    assert cancelled.status_code == 204
    fresh = await api.client.post("/api/v1/pireps", json=body, headers=airline.pilot.headers)
    assert fresh.json()["created"] is True and fresh.json()["id"] != first.json()["id"]


async def test_a_tracked_flight_moves_live_and_its_path_is_geojson(api: Api, airline: Airline) -> None:
    created = await api.client.post(
        "/api/v1/pireps",
        json={"source": "tracked", "details": report(airline)},
        headers=airline.pilot.headers,
    )
    pirep = created.json()["id"]
    assert (await aircraft_state(api, airline))["state"] == "in_flight"
    batch = {
        "positions": [
            {
                "id": "p1",
                "lat": 40.64,
                "lon": -73.78,
                "altitude_ft": 0,
                "gs_kt": 0,
                "phase": "taxi",
                "at": 1_000_000,
            },
            {
                "id": "p2",
                "lat": 41.0,
                "lon": -72.9,
                "altitude_ft": 20000,
                "gs_kt": 420,
                "phase": "climb",
                "at": 2_000_000,
            },
        ]
    }
    url = f"/api/v1/pireps/{pirep}/positions"
    first = await api.client.post(url, json=batch, headers=airline.pilot.headers)
    assert first.status_code == 200 and first.json()["count"] == 2
    again = await api.client.post(url, json=batch, headers=airline.pilot.headers)
    assert again.json()["count"] == 0  # a re-post adds nothing
    batch["positions"][1]["altitude_ft"] = 21000
    assert (await api.client.post(url, json=batch, headers=airline.pilot.headers)).json()["count"] == 1
    await api.settle()

    live = (await api.client.get("/api/v1/flights/live", headers=airline.staff)).json()
    assert [f["id"] for f in live] == [pirep]
    assert (
        live[0]["phase"] == "climb"
        and live[0]["last_position"]["altitude_ft"] == 21000
        and live[0]["positions"] == 2
    )
    path = await api.client.get(f"/api/v1/pireps/{pirep}/track", headers=airline.pilot.headers)
    assert path.headers["content-type"].startswith("application/geo+json")
    assert path.json()["geometry"]["coordinates"] == [[-73.78, 40.64, 0.0], [-72.9, 41.0, 6400.8]]
    points = (await api.client.get("/api/v1/flights/live/geojson", headers=airline.pilot.headers)).json()
    assert points["features"][0]["geometry"]["coordinates"] == [-72.9, 41.0]

    filed = await submit(api, airline, pirep)
    assert filed["state"] == "pending"
    late = await api.client.post(url, json=batch, headers=airline.pilot.headers)
    assert late.status_code == 409
    await api.settle()
    assert (await api.client.get("/api/v1/flights/live", headers=airline.staff)).json() == []
    assert (await aircraft_state(api, airline))["state"] == "parked"


async def test_filing_uses_up_the_bid_on_the_flight(api: Api, airline: Airline) -> None:
    bid = await api.client.post(
        "/api/v1/bids", json={"flight_id": airline.flight_id}, headers=airline.pilot.headers
    )
    assert bid.status_code == 201, bid.text
    pirep = await file(api, airline)
    await submit(api, airline, pirep)
    await api.settle()
    bids = await api.client.get(f"/api/v1/tenants/{airline.id}/bids", headers=airline.pilot.headers)
    assert bids.status_code == 200 and bids.json() == []


async def test_comments_are_between_the_pilot_and_staff(api: Api, airline: Airline) -> None:
    pirep = await file(api, airline)
    for headers, text in ((airline.pilot.headers, "Fuel figures from the sim"), (airline.staff, "Thanks")):
        response = await api.client.post(
            f"/api/v1/pireps/{pirep}/comments", json={"text": text}, headers=headers
        )
        assert response.status_code == 201, response.text
    await api.settle()
    comments = (
        await api.client.get(f"/api/v1/pireps/{pirep}/comments", headers=airline.pilot.headers)
    ).json()
    assert [c["text"] for c in comments] == ["Fuel figures from the sim", "Thanks"]
    empty = await api.client.post(
        f"/api/v1/pireps/{pirep}/comments", json={"text": ""}, headers=airline.pilot.headers
    )
    assert empty.status_code == 400


async def test_pilots_may_not_review_and_cannot_touch_others_reports(
    api: Api, admin: dict[str, str], airline: Airline
) -> None:
    other = await api.user(admin, "secondpilot", "pilot", airline.id)
    pirep = await file(api, airline)
    await submit(api, airline, pirep)
    assert (
        await api.client.post(f"/api/v1/pireps/{pirep}/accept", headers=airline.pilot.headers)
    ).status_code == 403
    assert (await api.client.post(f"/api/v1/pireps/{pirep}/cancel", headers=other.headers)).status_code == 403
    cancel_pending = await api.client.post(f"/api/v1/pireps/{pirep}/cancel", headers=airline.pilot.headers)
    assert cancel_pending.status_code == 409


async def test_a_simbrief_plan_goes_onto_a_draft_and_a_bid(api: Api, airline: Airline) -> None:
    from tests.unit.test_simbrief import OFP_LBS

    ofp = OFP_LBS.replace("katl", "KJFK").replace("KLEX", "KBOS").replace("KIND", "KPVD")
    pirep = await file(api, airline)
    url = f"/api/v1/pireps/{pirep}/simbrief"
    imported = await api.client.post(
        url, content=ofp.encode(), headers={**airline.pilot.headers, "Content-Type": "application/xml"}
    )
    assert imported.status_code == 200, imported.text
    await api.settle()
    view = (await api.client.get(f"/api/v1/pireps/{pirep}", headers=airline.pilot.headers)).json()
    details = view["details"]
    assert (details["route"], details["planned_distance_nm"], details["level"]) == (
        "PADGT2 RAFTN DCT HYK DCT",
        321,
        35000,
    )
    assert (details["planned_fuel_lbs"], details["planned_minutes"], details["alternate"]) == (
        14009,
        70,
        "KPVD",
    )
    assert view["briefing"]["registration"] == "N574AD"

    elsewhere = await api.client.post(url, content=OFP_LBS.encode(), headers=airline.pilot.headers)
    assert elsewhere.status_code == 400 and elsewhere.json()["errors"][0]["field"] == "ofp"
    junk = await api.client.post(
        url, content=b"<!DOCTYPE x [<!ENTITY a 'b'>]><OFP/>", headers=airline.pilot.headers
    )
    assert junk.status_code == 400 and junk.json()["type"] == "invalid-input"

    bid = (
        await api.client.post(
            "/api/v1/bids", json={"flight_id": airline.flight_id}, headers=airline.pilot.headers
        )
    ).json()
    on_bid = await api.client.post(
        f"/api/v1/bids/{bid['id']}/simbrief", content=ofp, headers=airline.pilot.headers
    )
    assert on_bid.status_code == 200, on_bid.text
    await api.settle()
    plan = (await api.client.get(f"/api/v1/bids/{bid['id']}/simbrief", headers=airline.pilot.headers)).json()
    assert (plan["origin"], plan["destination"], plan["cruise_level"]) == ("KJFK", "KBOS", 35000)
    assert (
        await api.client.get(f"/api/v1/bids/{bid['id']}/simbrief", headers=airline.staff)
    ).status_code == 404


async def test_a_flight_that_earned_and_cost_nothing_is_accepted_with_no_entry(
    api: Api, airline: Airline
) -> None:
    # No ranks (so no pay), no aircraft, no schedule, no fuel, and no fees at KBOS or KJFK this way round.
    await api.client.put(f"/api/v1/tenants/{airline.id}/careers/settings", json={}, headers=airline.staff)
    free = await file(
        api,
        airline,
        aircraft_id=None,
        flight_id=None,
        fuel_used_lbs=0,
        flight_number="901",
        departure="KBOS",
        arrival="KJFK",
    )
    await submit(api, airline, free)
    assert (await api.client.post(f"/api/v1/pireps/{free}/accept", headers=airline.staff)).status_code == 204
    await api.settle()
    entries = (
        await api.client.get(
            f"/api/v1/tenants/{airline.id}/finances/entries?reference={free}", headers=airline.staff
        )
    ).json()
    assert entries["items"] == []
    assert (
        await api.client.post(f"/api/v1/pireps/{free}/reject", json={"reason": "r"}, headers=airline.staff)
    ).status_code == 204


async def test_a_pilot_goes_on_leave_after_the_airlines_days_without_a_flight_and_returns_by_filing(
    api: Api, airline: Airline
) -> None:
    from albatross.flights.queries import DAY_US, FlightsQueries
    from albatross.identity.policy import Principal

    pirep = await file(api, airline)
    await submit(api, airline, pirep)
    await api.settle()
    queries = FlightsQueries(api.services.reader)
    me = Principal(
        user_id=airline.pilot.id,
        username="p",
        role="pilot",
        tenant_id=airline.id,
        must_change_password=False,
        session_id="s",
    )
    filed = (await queries.career(me, airline.id, airline.pilot.id)).last_filed_at
    assert filed is not None
    assert not (await queries.career(me, airline.id, airline.pilot.id, now=filed + 29 * DAY_US)).on_leave
    assert (await queries.career(me, airline.id, airline.pilot.id, now=filed + 31 * DAY_US)).on_leave
    roster = await queries.roster(me, airline.id, now=filed + 31 * DAY_US)
    assert [c.on_leave for c in roster if c.user_id == airline.pilot.id] == [True]


async def test_a_rebuild_in_any_batch_size_equals_the_live_read_models(api: Api, airline: Airline) -> None:
    from sqlalchemy import select

    from albatross.finance.projections import FinanceProjection
    from albatross.flights.projections import FlightsProjection

    first = await file(api, airline, source="tracked")
    batch = {"positions": [{"id": str(i), "lat": 40 + i / 10, "lon": -73.0, "at": i} for i in range(5)]}
    await api.client.post(f"/api/v1/pireps/{first}/positions", json=batch, headers=airline.pilot.headers)
    await api.client.post(
        f"/api/v1/pireps/{first}/comments", json={"text": "on my way"}, headers=airline.pilot.headers
    )
    await submit(api, airline, first)
    second = await file(api, airline, departure="KBOS", arrival="KJFK", flight_id=None, flight_number="2")
    await submit(api, airline, second)
    for pirep, steps in ((first, ["accept", "reject", "accept"]), (second, ["accept", "reject"])):
        for step in steps:
            body = {"json": {"reason": "checked"}} if step == "reject" else {}
            response = await api.client.post(f"/api/v1/pireps/{pirep}/{step}", headers=airline.staff, **body)
            assert response.status_code == 204, response.text
    await api.settle()
    tables = [*FlightsProjection.tables, *FinanceProjection.tables]

    async def dump() -> dict[str, list[tuple[Any, ...]]]:
        async with api.services.reader.connect() as conn:
            return {t.name: sorted(map(tuple, await conn.execute(select(t)))) for t in tables}

    live = await dump()
    assert live["rm_pireps"] and live["rm_ledger_lines"] and live["rm_positions"]
    api.runner.cancel()  # the rebuild replaces the running projections, as `projections rebuild` does
    for size in (1, 3, 1000):
        api.services.runner.batch_size = size
        await api.services.runner.rebuild()
        assert await dump() == live, size


async def test_review_findings_stay_fixed(api: Api, admin: dict[str, str], airline: Airline) -> None:
    """Inputs that once got through: each now gets its 4xx, or is ignored, and never stalls a projection."""
    long_id = await api.client.post(
        "/api/v1/pireps",
        json={"details": report(airline, aircraft_id="X" * 300)},
        headers=airline.pilot.headers,
    )
    assert long_id.status_code == 400 and long_id.json()["errors"][0]["field"] == "details.aircraft_id"
    other = await make_airline(api, admin, "OTH")
    theirs = await api.client.post(
        "/api/v1/pireps",
        json={"details": report(airline, aircraft_id=other.aircraft_id)},
        headers=airline.pilot.headers,
    )
    assert theirs.status_code == 400 and theirs.json()["type"] == "pirep-aircraft-unavailable"
    their_career = await api.client.get(
        f"/api/v1/tenants/{airline.id}/careers/{other.pilot.id}", headers=airline.pilot.headers
    )
    assert their_career.status_code == 404

    base = f"/api/v1/tenants/{airline.id}"
    subfleet = (await api.client.get(f"{base}/subfleets", headers=airline.staff)).json()["items"][0]
    infinite = {**subfleet["details"], "fares": ["Y?price=inf&capacity=1e400"]}
    assert (
        await api.client.put(f"{base}/subfleets/{subfleet['id']}", json=infinite, headers=airline.staff)
    ).status_code == 200
    pirep = await file(api, airline)
    await submit(api, airline, pirep)
    assert (await api.client.post(f"/api/v1/pireps/{pirep}/accept", headers=airline.staff)).status_code == 204

    manual = await file(api, airline, flight_number="55", flight_id=None)
    tracked = await api.client.post(
        "/api/v1/pireps",
        json={
            "source": "tracked",
            "details": report(airline, flight_number="55", flight_id=None, aircraft_id=None),
        },
        headers=airline.pilot.headers,
    )
    assert tracked.json()["created"] is True and tracked.json()["id"] != manual

    second = await api.user(admin, "nosy", "pilot", airline.id)
    await api.client.post(
        f"/api/v1/pireps/{manual}/comments", json={"text": "private"}, headers=airline.pilot.headers
    )
    await api.client.put(
        f"/api/v1/pireps/{manual}", json={"fields": {"Gate": "B2"}}, headers=airline.pilot.headers
    )
    await api.settle()
    assert (
        await api.client.get(f"/api/v1/pireps/{manual}/comments", headers=second.headers)
    ).status_code == 403
    assert (await api.client.get(f"/api/v1/pireps/{manual}", headers=second.headers)).json()["fields"] == {}
    assert (await api.client.get(f"/api/v1/pireps/{manual}", headers=airline.staff)).json()["fields"] == {
        "Gate": "B2"
    }

    early = await api.client.get(
        f"{base}/finances/report?granularity=day&to=0001-01-05", headers=airline.staff
    )
    assert early.status_code == 400
    ancient = await api.client.post(
        f"{base}/finances/expenses",
        json={"name": "Old", "amount": 5, "period": "daily", "starts": "0001-01-01"},
        headers=airline.staff,
    )
    assert ancient.status_code == 400 and ancient.json()["errors"][0]["field"] == "starts"
