"""The phpVMS 7 compatible flight-tracking (ACARS) API under /api: a tracked flight as a tracker
flies it, phpVMS field names, units, envelopes and error bodies, keys, bids, schedules, fleet,
airports and airlines."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import Api
from tests.web.test_flights import Airline, make_airline

ERROR_KEYS = {"type", "title", "details", "status", "error"}


async def key_of(api: Api, member_id: str, headers: dict[str, str]) -> str:
    issued = await api.client.post(
        f"/api/v1/users/{member_id}/api-keys", json={"name": "vmsACARS"}, headers=headers
    )
    assert issued.status_code == 201, issued.text
    return str(issued.json()["key"])


@pytest.fixture
async def airline(api: Api, admin: dict[str, str]) -> Airline:
    return await make_airline(api, admin)


@pytest.fixture
async def tracker(api: Api, airline: Airline) -> dict[str, str]:
    """The pilot's tracker: an API key in X-API-Key."""
    await api.settle()
    return {"X-API-Key": await key_of(api, airline.pilot.id, airline.pilot.headers)}


def prefile_body(airline: Airline, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "airline_id": airline.id,
        "aircraft_id": "n100nv",  # a registration, any case
        "flight_id": airline.flight_id,
        "flight_number": 100,
        "dpt_airport_id": "kjfk",
        "arr_airport_id": "KBOS",
        "source_name": "vmsACARS",
        "level": 24000,
        "planned_distance": 162,
        "planned_flight_time": 75,
        "block_fuel": 9000,
        "route": "merit roberts",
        "fields": {"Gate": "B22", "Network": "VATSIM"},
    }
    body.update(overrides)
    return body


async def prefile(api: Api, airline: Airline, tracker: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = await api.client.post(
        "/api/pireps/prefile", json=prefile_body(airline, **overrides), headers=tracker
    )
    assert response.status_code == 200, response.text
    return dict(response.json()["data"])


def assert_error(response: Any, status: int, type_: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = dict(response.json())
    assert ERROR_KEYS <= set(body), body
    assert body["type"] == type_ and body["status"] == status
    assert body["error"]["status"] == status and body["error"]["message"] == body["details"]
    return body


async def test_a_tracked_flight_as_a_tracker_flies_it(
    api: Api, airline: Airline, tracker: dict[str, str]
) -> None:
    pirep = await prefile(api, airline, tracker)
    pid = pirep["id"]
    assert (pirep["state"], pirep["status"], pirep["source"], pirep["source_name"]) == (
        0,
        "INI",
        1,
        "vmsACARS",
    )
    assert pirep["airline_id"] == airline.id and pirep["aircraft_id"] == airline.aircraft_id
    assert pirep["aircraft"]["registration"] == "N100NV"
    assert (pirep["dpt_airport_id"], pirep["arr_airport_id"], pirep["flight_number"]) == (
        "KJFK",
        "KBOS",
        "100",
    )
    assert pirep["route"] == "MERIT ROBERTS" and pirep["fields"] == {"Gate": "B22", "Network": "VATSIM"}
    assert pirep["planned_distance"]["nmi"] == 162 and pirep["planned_distance"]["km"] == 300.02
    assert pirep["block_fuel"] == {"kg": 4082.33, "lbs": 9000}
    assert pirep["airline"]["icao"] == "NVA" and pirep["ident"] == "NVA100"
    assert pirep["created_at"].endswith("Z") and pirep["dpt_airport"]["name"]

    # The same flight started again within 10 minutes answers with the first.
    again = await prefile(api, airline, tracker)
    assert again["id"] == pid

    # Phase changes come as status codes, by any of the update routes and methods.
    for method, path, status in (
        ("POST", f"/api/pireps/{pid}", "BST"),
        ("PUT", f"/api/pireps/{pid}/update", "PBT"),
        ("PATCH", f"/api/pireps/{pid}", "TXI"),
        ("POST", f"/api/pireps/{pid}/update", "TOF"),
    ):
        updated = await api.client.request(method, path, json={"status": status}, headers=tracker)
        assert updated.status_code == 200, updated.text
        assert updated.json()["data"]["status"] == status
    updated = await api.client.post(
        f"/api/pireps/{pid}", json={"status": "ICL", "distance": "12.5", "fuel_used": 800}, headers=tracker
    )
    data = updated.json()["data"]
    assert (data["status"], data["phase"], data["status_text"]) == ("ICL", "ICL", "Climb")
    assert data["distance"]["nmi"] == 12.5 and data["fuel_used"]["lbs"] == 800
    assert data["block_fuel"]["lbs"] == 9000  # what an update leaves out stays

    # Positions: batches; a row with a client id is upserted, a row without gets one.
    url = f"/api/pireps/{pid}/acars/position"
    batch = {
        "positions": [
            {
                "id": "p1",
                "lat": 40.9,
                "lon": -73.2,
                "altitude": 9000,
                "heading": 45,
                "gs": 250,
                "vs": 1500,
                "status": "ICL",
                "transponder": "2000",
                "fuel": 8000,
                "distance": 30,
                "created_at": "2024-05-01T12:00:00Z",
            },
            {
                "id": "p2",
                "lat": 41.2,
                "lon": -72.6,
                "altitude_msl": 15000,
                "gs": 320,
                "sim_time": "2024-05-01 12:01:00",
            },
        ]
    }
    posted = await api.client.post(url, json=batch, headers=tracker)
    assert posted.status_code == 200, posted.text
    assert posted.json() == {"message": "2 positions added", "attrs": [], "count": 2}
    again_posted = await api.client.post(url, json=batch, headers=tracker)
    assert again_posted.json()["count"] == 0  # a re-post adds nothing
    batch["positions"][1]["altitude_msl"] = 16000
    batch["positions"].append({"lat": 41.5, "lon": -72.0, "altitude": 20000, "status": "ENR"})
    changed = await api.client.post(f"/api/pireps/{pid}/acars/positions", json=batch, headers=tracker)
    assert changed.json()["count"] == 2  # p2 replaced, one new

    track = (await api.client.get(url, headers=tracker)).json()["data"]
    assert [p["id"] for p in track][:2] == ["p1", "p2"] and len(track) == 3
    assert track[1]["altitude_msl"] == 16000 and track[0]["created_at"] == "2024-05-01T12:00:00.000000Z"
    assert track[0]["fuel"] == {"kg": 3628.74, "lbs": 8000} and track[0]["transponder"] == 2000
    assert track[2]["id"] and track[2]["status"] == "ENR"

    # The live part: our own API lists the flight with its last position.
    live = (await api.client.get("/api/v1/flights/live", headers=airline.staff)).json()
    assert [f["id"] for f in live] == [pid]
    assert live[0]["phase"] == "enroute" and live[0]["positions"] == 3

    logs = await api.client.post(
        f"/api/pireps/{pid}/acars/logs",
        json={
            "logs": [
                {"log": "V1", "lat": 40.6, "lon": -73.8},
                {"log": "Rotate", "created_at": "2024-05-01T12:00:00Z"},
            ]
        },
        headers=tracker,
    )
    assert logs.json() == {"message": "2 logs added", "attrs": [], "count": 2}
    events = await api.client.post(
        f"/api/pireps/{pid}/acars/events", json={"events": [{"event": "Gear up"}]}, headers=tracker
    )
    assert events.json() == {"message": "1 logs added", "attrs": [], "count": 1}
    await api.settle()
    ours = (await api.client.get(f"/api/v1/pireps/{pid}/logs", headers=airline.pilot.headers)).json()
    assert [(line["kind"], line["message"]) for line in ours] == [
        ("log", "V1"),
        ("log", "Rotate"),
        ("event", "Gear up"),
    ]

    route = {
        "route": [
            {"name": "ROBER", "order": 2, "nav_type": 11, "lat": 41.5, "lon": -72.4},
            {"name": "MERIT", "order": 1, "nav_type": 11, "lat": 41.38, "lon": -73.13},
        ]
    }
    set_route = await api.client.post(f"/api/pireps/{pid}/route", json=route, headers=tracker)
    assert set_route.json() == {"message": "2 points added", "attrs": [], "count": 2}
    points = (await api.client.get(f"/api/pireps/{pid}/route", headers=tracker)).json()["data"]
    assert [(p["order"], p["name"], p["nav_type"], p["type"]) for p in points] == [
        (1, "MERIT", 11, 1),
        (2, "ROBER", 11, 1),
    ]
    deleted = await api.client.delete(f"/api/pireps/{pid}/route", headers=tracker)
    assert deleted.status_code == 200 and deleted.json() == {"message": "Route deleted", "attrs": []}
    assert (await api.client.get(f"/api/pireps/{pid}/route", headers=tracker)).json() == {"data": []}

    fields = await api.client.post(
        f"/api/pireps/{pid}/fields", json={"fields": {"Gate": "C4", "Pax": 150}}, headers=tracker
    )
    assert fields.status_code == 200, fields.text
    assert fields.json() == {"data": {"Gate": "C4", "Network": "VATSIM", "Pax": "150"}}
    assert (await api.client.get(f"/api/pireps/{pid}/fields", headers=tracker)).json()["data"]["Pax"] == "150"

    commented = await api.client.post(
        f"/api/pireps/{pid}/comments", json={"comment": "Smooth"}, headers=tracker
    )
    assert commented.status_code == 201, commented.text
    comment = commented.json()["data"]
    assert comment["comment"] == "Smooth" and comment["user"]["id"] == airline.pilot.id
    assert comment["created_at"].endswith("Z")
    listed = (await api.client.get(f"/api/pireps/{pid}/comments", headers=tracker)).json()["data"]
    assert [c["id"] for c in listed] == [comment["id"]]

    filed = await api.client.post(
        f"/api/pireps/{pid}/file",
        json={
            "flight_time": 80,
            "distance": 162.4,
            "fuel_used": 5000,
            "landing_rate": -180.5,
            "block_on_time": "2024-05-01T13:20:00+00:00",
        },
        headers=tracker,
    )
    assert filed.status_code == 200, filed.text
    data = filed.json()["data"]
    assert (data["state"], data["status"]) == (1, "ARR")
    assert data["flight_time"] == 80 and data["landing_rate"] == -180.5
    assert data["distance"] == {"m": 300764.8, "km": 300.76, "mi": 186.89, "nmi": 162.4}
    assert data["fuel_used"] == {"kg": 2267.96, "lbs": 5000}
    assert data["block_on_time"] == "2024-05-01T13:20:00Z" and data["submitted_at"].endswith("Z")

    one = (await api.client.get(f"/api/pireps/{pid}", headers=tracker)).json()["data"]
    assert (one["state"], one["status"], one["source"]) == (1, "ARR", 1)
    assert one["position"]["id"] and one["position"]["distance"]["nmi"] >= 0
    assert [c["comment"] for c in one["comments"]] == ["Smooth"]
    assert one["user"]["id"] == airline.pilot.id
    assert {"distance", "planned_distance", "block_fuel", "fuel_used", "flight_time", "block_time"} <= set(
        one
    )

    # Positions after filing are refused (phpVMS stores them): the flight is no longer in progress.
    late = await api.client.post(url, json={"positions": [{"lat": 42.3, "lon": -71.0}]}, headers=tracker)
    assert_error(late, 409, "invalid-state")
    twice = await api.client.post(f"/api/pireps/{pid}/file", json={"flight_time": 80}, headers=tracker)
    assert_error(twice, 409, "invalid-state")

    # Staff accept it: the state integer follows.
    assert (await api.client.post(f"/api/v1/pireps/{pid}/accept", headers=airline.staff)).status_code == 204
    await api.settle()
    assert (await api.client.get(f"/api/pireps/{pid}", headers=tracker)).json()["data"]["state"] == 2


async def test_cancel_and_the_state_codes(api: Api, airline: Airline, tracker: dict[str, str]) -> None:
    pid = (await prefile(api, airline, tracker, aircraft_id=None, flight_id=None))["id"]
    cancelled = await api.client.put(f"/api/pireps/{pid}/cancel", headers=tracker)
    assert cancelled.status_code == 200 and cancelled.json() == {
        "message": f"PIREP {pid} cancelled",
        "attrs": [],
    }
    one = (await api.client.get(f"/api/pireps/{pid}", headers=tracker)).json()["data"]
    assert (one["state"], one["status"]) == (3, "DX")
    assert_error(await api.client.delete(f"/api/pireps/{pid}/cancel", headers=tracker), 409, "invalid-state")
    assert_error(
        await api.client.post(f"/api/pireps/{pid}", json={"notes": "x"}, headers=tracker),
        409,
        "invalid-state",
    )
    # Cancelled PIREPs are left out of the pilot's list unless asked for by state.
    mine = (await api.client.get("/api/user/pireps", headers=tracker)).json()
    assert mine["data"] == []
    asked = (await api.client.get("/api/user/pireps?state=3", headers=tracker)).json()
    assert [p["id"] for p in asked["data"]] == [pid]


async def test_lists_have_phpvms_pagination(api: Api, airline: Airline, tracker: dict[str, str]) -> None:
    ids = []
    for number in ("1", "2", "3"):
        ids.append(
            (await prefile(api, airline, tracker, flight_number=number, aircraft_id=None, flight_id=None))[
                "id"
            ]
        )
    first = (await api.client.get("/api/user/pireps?limit=2", headers=tracker)).json()
    assert set(first) == {"data", "links", "meta"}
    assert [p["id"] for p in first["data"]] == ids[::-1][:2]  # newest first
    meta = first["meta"]
    assert (meta["current_page"], meta["per_page"], meta["total"], meta["last_page"]) == (1, 2, 3, 2)
    assert (meta["from"], meta["to"], meta["prev_page"]) == (1, 2, None)
    assert meta["next_page"].endswith("page=2&limit=2") and meta["path"].endswith("/api/user/pireps")
    assert set(first["links"]) == {"first", "last", "prev", "next"}
    second = (await api.client.get("/api/user/pireps?page=2&limit=2", headers=tracker)).json()
    assert [p["id"] for p in second["data"]] == [ids[0]]
    assert second["meta"]["next_page"] is None and second["links"]["prev"].endswith("page=1&limit=2")
    assert "position" not in second["data"][0] and "comments" not in second["data"][0]
    in_progress = (await api.client.get("/api/user/pireps?state=0", headers=tracker)).json()
    assert in_progress["meta"]["total"] == 3
    assert_error(await api.client.get("/api/user/pireps?page=0", headers=tracker), 400, "invalid-input")


async def test_errors_have_phpvms_bodies_and_statuses(
    api: Api, airline: Airline, tracker: dict[str, str]
) -> None:
    missing = await api.client.post("/api/pireps/prefile", json={"airline_id": airline.id}, headers=tracker)
    body = assert_error(missing, 400, "invalid-input")
    assert set(body["errors"]) == {"flight_number", "dpt_airport_id", "arr_airport_id"}
    assert body["errors"]["flight_number"] == ["required"]

    wrong_type = await api.client.post(
        "/api/pireps/prefile", json=prefile_body(airline, distance="far"), headers=tracker
    )
    assert "distance" in assert_error(wrong_type, 400, "invalid-input")["errors"]
    not_ours = await api.client.post(
        "/api/pireps/prefile", json=prefile_body(airline, airline_id="XYZ"), headers=tracker
    )
    assert "airline_id" in assert_error(not_ours, 400, "invalid-input")["errors"]
    by_code = await api.client.post(
        "/api/pireps/prefile", json=prefile_body(airline, airline_id="nva"), headers=tracker
    )
    assert by_code.status_code == 200

    # A PIREP check keeps its own type, as a phpVMS-style 400.
    no_such_aircraft = await api.client.post(
        "/api/pireps/prefile",
        json=prefile_body(airline, aircraft_id="N999XX", flight_number="7"),
        headers=tracker,
    )
    failed = assert_error(no_such_aircraft, 400, "pirep-aircraft-unavailable")
    assert failed["title"] == "Aircraft not available" and "aircraft_id" in failed["errors"]
    unknown_airport = await api.client.post(
        "/api/pireps/prefile",
        json=prefile_body(
            airline, aircraft_id=None, flight_id=None, flight_number="8", arr_airport_id="ZZZZ"
        ),
        headers=tracker,
    )
    assert "arr_airport_id" in assert_error(unknown_airport, 400, "pirep-unknown-airport")["errors"]

    pid = (await prefile(api, airline, tracker))["id"]
    bad_position = await api.client.post(
        f"/api/pireps/{pid}/acars/position", json={"positions": [{"lat": 91, "lon": 0}]}, headers=tracker
    )
    assert "positions.0.lat" in assert_error(bad_position, 400, "invalid-input")["errors"]
    no_lat = await api.client.post(
        f"/api/pireps/{pid}/acars/position", json={"positions": [{"lon": 0}]}, headers=tracker
    )
    assert "positions.0.lat" in assert_error(no_lat, 400, "invalid-input")["errors"]
    empty = await api.client.post(
        f"/api/pireps/{pid}/acars/position", json={"positions": []}, headers=tracker
    )
    assert "positions" in assert_error(empty, 400, "invalid-input")["errors"]
    no_log = await api.client.post(
        f"/api/pireps/{pid}/acars/logs", json={"logs": [{"lat": 1}]}, headers=tracker
    )
    assert "logs.0.log" in assert_error(no_log, 400, "invalid-input")["errors"]
    bad_time = await api.client.post(
        f"/api/pireps/{pid}/acars/logs",
        json={"logs": [{"log": "x", "created_at": "yesterday"}]},
        headers=tracker,
    )
    assert "logs.0.created_at" in assert_error(bad_time, 400, "invalid-input")["errors"]

    unknown = await api.client.get("/api/pireps/no-such-pirep", headers=tracker)
    assert assert_error(unknown, 404, "not-found")["pirep_id"] == "no-such-pirep"
    assert_error(
        await api.client.post("/api/pireps/no-such/file", json={}, headers=tracker), 404, "not-found"
    )
    assert_error(await api.client.get("/api/pireps/" + "x" * 300, headers=tracker), 404, "not-found")

    anonymous = await api.client.get("/api/user")
    assert assert_error(anonymous, 401, "not-authenticated")["error"]["message"].startswith(
        "Invalid or missing API key"
    )
    assert_error(
        await api.client.get("/api/user", headers={"X-API-Key": "alb_" + "A" * 43}), 401, "not-authenticated"
    )

    # Our own API keeps problem+json of its own shape.
    ours = await api.client.get("/api/v1/pireps/no-such-pirep", headers=tracker)
    assert ours.status_code == 404 and "error" not in ours.json() and ours.json()["type"] == "not-found"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'"text"',
        b"\xff\xfe",
        b'{"positions": "many"}',
        b'{"positions": [null]}',
        b'{"positions": [{"lat": "north", "lon": 1}]}',
        b'{"positions": [{"lat": 1, "lon": 1, "heading": 1e308, "created_at": 1e300}]}',
        b'{"positions": [{"lat": 1, "lon": 1, "transponder": "squawk", "id": {"a": 1}}]}',
        b'{"logs": [{"log": null}], "events": 5, "route": [{}], "fields": [1]}',
        b'{"flight_number": {"x": 1}, "level": "high", "block_off_time": [1], "fares": [{"count": "x"}]}',
        b'{"fields": {"": 1}, "status": 17, "aircraft_id": "' + b"x" * 500 + b'"}',
    ],
)
async def test_nothing_a_client_sends_gives_a_server_error(
    api: Api, airline: Airline, tracker: dict[str, str], body: bytes
) -> None:
    pid = (await prefile(api, airline, tracker))["id"]
    headers = {**tracker, "Content-Type": "application/json"}
    for method, path in (
        ("POST", "/api/pireps/prefile"),
        ("POST", f"/api/pireps/{pid}"),
        ("POST", f"/api/pireps/{pid}/acars/position"),
        ("POST", f"/api/pireps/{pid}/acars/logs"),
        ("POST", f"/api/pireps/{pid}/acars/events"),
        ("POST", f"/api/pireps/{pid}/route"),
        ("POST", f"/api/pireps/{pid}/fields"),
        ("POST", f"/api/pireps/{pid}/comments"),
        ("PUT", "/api/user/bids"),
        ("DELETE", "/api/user/bids"),
        ("POST", f"/api/pireps/{pid}/file"),
    ):
        response = await api.client.request(method, path, content=body, headers=headers)
        assert response.status_code < 500, (method, path, response.text)
        if response.status_code >= 400:
            assert ERROR_KEYS <= set(response.json()), response.text


async def test_keys_in_any_header_case_raw_authorization_and_revocation(api: Api, airline: Airline) -> None:
    await api.settle()
    issued = (
        await api.client.post(
            f"/api/v1/users/{airline.pilot.id}/api-keys",
            json={"name": "smartCARS"},
            headers=airline.pilot.headers,
        )
    ).json()
    key = issued["key"]
    for headers in ({"x-api-key": key}, {"X-API-KEY": key}, {"X-Api-Key": key}, {"Authorization": key}):
        me = await api.client.get("/api/user", headers=headers)
        assert me.status_code == 200, (headers, me.text)
        assert me.json()["data"]["id"] == airline.pilot.id
    assert (await api.client.get("/api/user", headers=airline.pilot.headers)).status_code == 200  # Bearer too
    revoked = await api.client.delete(
        f"/api/v1/users/{airline.pilot.id}/api-keys/{issued['id']}", headers=airline.pilot.headers
    )
    assert revoked.status_code == 204
    for headers in ({"x-api-key": key}, {"Authorization": key}):
        assert_error(await api.client.get("/api/user", headers=headers), 401, "not-authenticated")
    # The key never shows in what we answer.
    refused = await api.client.get("/api/user", headers={"X-API-Key": key})
    assert key not in refused.text


async def test_another_airlines_pireps_are_not_found(
    api: Api, admin: dict[str, str], airline: Airline, tracker: dict[str, str]
) -> None:
    pid = (await prefile(api, airline, tracker))["id"]
    other = await make_airline(api, admin, "OTH")
    await api.settle()
    theirs = {"X-API-Key": await key_of(api, other.pilot.id, other.pilot.headers)}
    for method, path, body in (
        ("GET", f"/api/pireps/{pid}", None),
        ("POST", f"/api/pireps/{pid}", {"status": "TXI"}),
        ("POST", f"/api/pireps/{pid}/file", {"flight_time": 60}),
        ("PUT", f"/api/pireps/{pid}/cancel", None),
        ("POST", f"/api/pireps/{pid}/acars/position", {"positions": [{"lat": 1, "lon": 1}]}),
        ("GET", f"/api/pireps/{pid}/acars/position", None),
        ("POST", f"/api/pireps/{pid}/acars/logs", {"logs": [{"log": "x"}]}),
        ("GET", f"/api/pireps/{pid}/route", None),
        ("POST", f"/api/pireps/{pid}/fields", {"fields": {"a": "b"}}),
        ("GET", f"/api/pireps/{pid}/comments", None),
        ("POST", f"/api/pireps/{pid}/comments", {"comment": "hi"}),
        ("GET", f"/api/flights/{airline.flight_id}", None),
        ("GET", f"/api/fleet/aircraft/{airline.aircraft_id}", None),
    ):
        response = await api.client.request(method, path, json=body, headers=theirs)
        assert_error(response, 404, "not-found")
    # Their prefile is theirs, whatever airline_id says.
    wrong = await api.client.post("/api/pireps/prefile", json=prefile_body(airline), headers=theirs)
    assert "airline_id" in assert_error(wrong, 400, "invalid-input")["errors"]


async def test_bids(api: Api, airline: Airline, tracker: dict[str, str]) -> None:
    assert (await api.client.get("/api/user/bids", headers=tracker)).json() == {"data": []}
    placed = await api.client.put("/api/user/bids", json={"flight_id": airline.flight_id}, headers=tracker)
    assert placed.status_code == 200, placed.text
    bid = placed.json()["data"]
    assert bid["flight_id"] == airline.flight_id and bid["user_id"] == airline.pilot.id
    assert bid["flight"]["id"] == airline.flight_id and bid["flight"]["has_bid"] is True
    assert bid["created_at"].endswith("Z")
    duplicate = await api.client.post(
        "/api/user/bids", json={"flight_id": airline.flight_id}, headers=tracker
    )
    assert_error(duplicate, 409, "already-exists")
    listed = (await api.client.get("/api/user/bids", headers=tracker)).json()["data"]
    assert [b["id"] for b in listed] == [bid["id"]]
    me = (await api.client.get("/api/user", headers=tracker)).json()["data"]
    assert [b["id"] for b in me["bids"]] == [bid["id"]] and me["airline"]["icao"] == "NVA"
    flights = (await api.client.get("/api/flights", headers=tracker)).json()["data"]
    assert flights[0]["has_bid"] is True
    assert_error(
        await api.client.put("/api/user/bids", json={"flight_id": "nope"}, headers=tracker), 404, "not-found"
    )
    assert_error(await api.client.put("/api/user/bids", json={}, headers=tracker), 400, "invalid-input")

    removed = await api.client.request(
        "DELETE", "/api/user/bids", json={"flight_id": airline.flight_id}, headers=tracker
    )
    assert removed.status_code == 200 and removed.json() == {"data": []}
    again = await api.client.request(
        "DELETE", "/api/user/bids", json={"flight_id": airline.flight_id}, headers=tracker
    )
    assert_error(again, 404, "not-found")
    by_id = (
        await api.client.put("/api/user/bids", json={"flight_id": airline.flight_id}, headers=tracker)
    ).json()
    gone = await api.client.delete(f"/api/user/bids?bid_id={by_id['data']['id']}", headers=tracker)
    assert gone.status_code == 200 and gone.json() == {"data": []}


async def test_flight_search_filters(api: Api, airline: Airline, tracker: dict[str, str]) -> None:
    base = f"/api/v1/tenants/{airline.id}/flights"
    for number, arrival, minutes, kind in (
        ("200", "KLAX", 380, "J"),
        ("300", "KBOS", 70, "F"),
        ("301", "KORD", 150, "J"),
    ):
        body = {
            "airline": "NVA",
            "flight_number": number,
            "departure": "KJFK",
            "arrival": arrival,
            "distance_nm": 0,
            "block_minutes": minutes,
            "flight_type": kind,
            "callsign": f"NVA{number}X",
        }
        response = await api.client.post(base, json=body, headers=airline.staff)
        assert response.status_code == 201, response.text
    await api.settle()

    async def numbers(query: str) -> list[str]:
        response = await api.client.get(f"/api/flights/search{query}", headers=tracker)
        assert response.status_code == 200, response.text
        return sorted(f["flight_number"] for f in response.json()["data"])

    assert await numbers("") == ["100", "200", "300", "301"]
    assert await numbers("?arr_icao=kbos") == ["100", "300"]
    assert await numbers("?arr_airport_id=KBOS&dep_icao=KJFK") == ["100", "300"]
    assert await numbers("?flight_number=30") == []  # exact, as phpVMS's flight_number is
    assert await numbers("?flight_number=300") == ["300"]
    assert await numbers("?tgt=100&tlt=200") == ["301"]
    assert await numbers("?dgt=1000") == ["200"]
    assert await numbers("?flight_type=F") == ["300"]
    assert await numbers("?flight_type=0") == ["100", "200", "300", "301"]
    assert await numbers("?callsign=nva301x") == ["301"]
    assert await numbers(f"?airline_id={airline.id}") == ["100", "200", "300", "301"]
    assert await numbers("?airline_id=ZZZ") == []
    page = (await api.client.get("/api/flights?limit=3&page=2", headers=tracker)).json()
    assert len(page["data"]) == 1 and page["meta"]["total"] == 4 and page["meta"]["last_page"] == 2

    one = (await api.client.get(f"/api/flights/{airline.flight_id}", headers=tracker)).json()["data"]
    assert (one["dpt_airport_id"], one["arr_airport_id"], one["flight_time"], one["ident"]) == (
        "KJFK",
        "KBOS",
        75,
        "NVA100",
    )
    assert one["distance"]["nmi"] > 150 and set(one["distance"]) == {"m", "km", "mi", "nmi"}
    assert one["airline"]["id"] == airline.id
    assert [s["type"] for s in one["subfleets"]] == ["B738"]
    assert one["subfleets"][0]["aircraft"][0]["registration"] == "N100NV"
    assert_error(await api.client.get("/api/flights/nope", headers=tracker), 404, "not-found")
    assert_error(await api.client.get("/api/flights?dgt=-1", headers=tracker), 400, "invalid-input")


async def test_fleet_airports_airlines_and_status(
    api: Api, airline: Airline, tracker: dict[str, str]
) -> None:
    fleet = (await api.client.get("/api/fleet", headers=tracker)).json()
    assert set(fleet) == {"data", "links", "meta"} and fleet["meta"]["total"] == 1
    subfleet = fleet["data"][0]
    assert (subfleet["type"], subfleet["name"], subfleet["airline_id"]) == (
        "B738",
        "Boeing 737-800",
        airline.id,
    )
    assert subfleet["fares"][0]["code"] == "Y" and subfleet["fares"][0]["capacity"] == 150
    craft = subfleet["aircraft"][0]
    assert (craft["id"], craft["registration"], craft["status"], craft["state"]) == (
        airline.aircraft_id,
        "N100NV",
        "A",
        0,
    )
    assert set(craft["fuel_onboard"]) == {"kg", "lbs"}

    one = (await api.client.get(f"/api/fleet/aircraft/{airline.aircraft_id}", headers=tracker)).json()["data"]
    assert one["registration"] == "N100NV" and one["subfleet"]["type"] == "B738"
    by_registration = await api.client.get("/api/fleet/aircraft/n100nv?type=registration", headers=tracker)
    assert by_registration.json()["data"]["id"] == airline.aircraft_id
    assert_error(await api.client.get("/api/fleet/aircraft/N999", headers=tracker), 404, "not-found")

    jfk = (await api.client.get("/api/airports/kjfk", headers=tracker)).json()["data"]
    assert (jfk["id"], jfk["icao"], jfk["iata"], jfk["hub"]) == ("KJFK", "KJFK", "JFK", True)
    assert jfk["fuel_jeta_cost"] == 0.5 and jfk["lat"] == pytest.approx(40.64, abs=0.05)
    assert (await api.client.get("/api/airports/BOS", headers=tracker)).json()["data"]["icao"] == "KBOS"
    assert_error(await api.client.get("/api/airports/ZZZZ", headers=tracker), 404, "not-found")
    far = (await api.client.get("/api/airports/KJFK/distance/egll", headers=tracker)).json()["data"]
    assert (far["fromIcao"], far["toIcao"]) == ("KJFK", "EGLL")
    assert far["distance"]["nmi"] == pytest.approx(2990, abs=15) and set(far["distance"]) == {
        "m",
        "km",
        "mi",
        "nmi",
    }
    assert_error(await api.client.get("/api/airports/KJFK/distance/ZZZZ", headers=tracker), 404, "not-found")

    airlines = (await api.client.get("/api/airlines", headers=tracker)).json()
    assert [a["id"] for a in airlines["data"]] == [airline.id] and airlines["meta"]["total"] == 1
    assert {"id", "icao", "iata", "name", "country", "logo"} <= set(airlines["data"][0])
    assert airlines["data"][0]["icao"] == "NVA"

    status = await api.client.get("/api/status")
    assert status.status_code == 200 and status.json()["name"] == "Albatross"
    assert status.json()["version"].startswith("7.")

    me = (await api.client.get("/api/user", headers=tracker)).json()["data"]
    assert (me["id"], me["airline_id"], me["state"], me["flights"]) == (airline.pilot.id, airline.id, 1, 0)
    assert {"pilot_id", "ident", "name", "rank", "curr_airport", "flight_time", "bids"} <= set(me)


async def test_a_repeated_prefile_after_filing_answers_the_filed_pirep(
    api: Api, airline: Airline, tracker: dict[str, str]
) -> None:
    pid = (await prefile(api, airline, tracker, aircraft_id=None, flight_id=None))["id"]
    filed = await api.client.post(f"/api/pireps/{pid}/file", json={"flight_time": 75}, headers=tracker)
    assert filed.status_code == 200, filed.text
    again = await prefile(api, airline, tracker, aircraft_id=None, flight_id=None, fields={"Gate": "Z9"})
    assert (again["id"], again["state"], again["fields"]["Gate"]) == (pid, 1, "B22")


async def test_a_prefile_or_file_that_fails_writes_nothing(
    api: Api, airline: Airline, tracker: dict[str, str]
) -> None:
    too_many = {f"F{i}": "x" for i in range(101)}
    refused = await api.client.post(
        "/api/pireps/prefile", json=prefile_body(airline, fields=too_many), headers=tracker
    )
    assert_error(refused, 400, "invalid-input")
    await api.settle()
    mine = (await api.client.get("/api/v1/me/pireps", headers=tracker)).json()
    assert mine["total"] == 0  # no flight started, so no aircraft taken either

    pid = (await prefile(api, airline, tracker))["id"]
    implausible = await api.client.post(
        f"/api/pireps/{pid}/file", json={"flight_time": 2, "distance": 900, "fuel_used": 1}, headers=tracker
    )
    assert_error(implausible, 400, "pirep-implausible-time")
    await api.settle()
    kept = (await api.client.get(f"/api/v1/pireps/{pid}", headers=tracker)).json()
    assert (kept["state"], kept["details"]["flight_minutes"], kept["details"]["fuel_used_lbs"]) == (
        "in_progress",
        None,
        None,
    )
