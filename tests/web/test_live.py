"""The live feed (GET /api/v1/ws) through a real uvicorn server and a real WebSocket client:
authentication, channel authorization, frames, disconnects, and gap-free resume."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
import websockets
from websockets.asyncio.client import ClientConnection

from albatross.bootstrap import build_services
from albatross.config import load_settings
from albatross.identity.auth import handle_create_platform_admin
from albatross.services import Services
from albatross.web.app import create_app

PASSWORD = "a long new password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Live:
    http: httpx.AsyncClient
    ws_url: str
    services: Services
    admin: dict[str, str]

    async def tenant(self, icao: str) -> str:
        created = await self.http.post(
            "/api/v1/tenants", json={"name": f"Air {icao}", "icao": icao}, headers=self.admin
        )
        assert created.status_code == 201, created.text
        return str(created.json()["id"])

    async def pilot(self, tenant_id: str, username: str) -> tuple[str, str]:
        """A pilot of `tenant_id` and an API key of theirs."""
        user = await self.http.post(
            "/api/v1/users",
            json={
                "username": username,
                "email": f"{username}@example.org",
                "password": "a decent password",
                "name": username.title(),
                "tenant_id": tenant_id,
            },
            headers=self.admin,
        )
        assert user.status_code == 201, user.text
        user_id = user.json()["id"]
        key = await self.http.post(
            f"/api/v1/users/{user_id}/api-keys", json={"name": "feed"}, headers=self.admin
        )
        return user_id, key.json()["key"]

    def connect(self, key: str | None = None, query: str = "") -> Any:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return websockets.connect(self.ws_url + query, additional_headers=headers, open_timeout=10)


@pytest.fixture
async def live(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Live]:
    heartbeat = getattr(request, "param", 0.5)  # seconds; a test may ask for another
    environ = {"ALBATROSS_DATA_DIR": str(tmp_path), "ALBATROSS_WS_HEARTBEAT_SECONDS": str(heartbeat)}
    services = await build_services(load_settings(environ=environ))
    password = await handle_create_platform_admin(services.identity)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(services), host="127.0.0.1", port=port, log_config=None, lifespan="on")
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
        token = (
            await http.post("/api/v1/auth/login", json={"username": "admin", "password": password})
        ).json()["token"]
        admin = {"Authorization": f"Bearer {token}"}
        changed = await http.post(
            "/api/v1/auth/password",
            json={"current_password": password, "new_password": PASSWORD},
            headers=admin,
        )
        assert changed.status_code == 204
        yield Live(http, f"ws://127.0.0.1:{port}/api/v1/ws", services, admin)
    server.should_exit = True
    await serving
    await services.close()


async def frame(ws: ClientConnection, timeout: float = 5) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def event_frame(ws: ClientConnection, timeout: float = 5) -> dict[str, Any]:
    """The next event frame (heartbeats and acks skipped)."""
    while (got := await frame(ws, timeout))["type"] != "event":
        assert got["type"] in ("heartbeat", "ack", "welcome"), got
    return got


async def closed_with(ws: ClientConnection, timeout: float = 5) -> tuple[int | None, list[dict[str, Any]]]:
    """Read until the server closes; the close code and the frames before it."""
    frames = []
    with pytest.raises(websockets.ConnectionClosed):
        while True:
            frames.append(await frame(ws, timeout))
    return ws.close_code, frames


async def test_without_a_credential_the_feed_says_why_and_closes(live: Live) -> None:
    for query in ("", "?token=alb_notakey", "?ticket=albw_forged"):
        async with live.connect(query=query) as ws:
            code, frames = await closed_with(ws)
            assert code == 4401
            assert frames[-1]["type"] == "error" and frames[-1]["code"] == "not-authenticated"


async def test_a_pilot_hears_their_airline_and_themselves_and_nothing_else(live: Live) -> None:
    nova, other = await live.tenant("NVA"), await live.tenant("OTH")
    pilot_id, key = await live.pilot(nova, "pia")
    second_id, second_key = await live.pilot(nova, "paul")
    async with live.connect(key) as ws, live.connect(second_key) as second:
        welcome = await frame(ws)
        assert welcome["type"] == "welcome" and welcome["channels"] == [f"tenant:{nova}", f"user:{pilot_id}"]
        await frame(second)
        await ws.send(
            json.dumps(
                {
                    "type": "subscribe",
                    "channels": [f"tenant:{nova}", f"tenant:{other}", "platform", f"user:{second_id}"],
                }
            )
        )
        ack = await frame(ws)
        assert ack == {
            "type": "ack",
            "accepted": [f"tenant:{nova}"],
            "rejected": [f"tenant:{other}", "platform", f"user:{second_id}"],
        }
        await live.http.patch(f"/api/v1/tenants/{other}", json={"name": "Elsewhere"}, headers=live.admin)
        issued = await live.http.post(
            f"/api/v1/users/{pilot_id}/api-keys", json={"name": "second"}, headers=live.admin
        )
        renamed = await live.http.patch(
            f"/api/v1/tenants/{nova}", json={"name": "Nova Air"}, headers=live.admin
        )

        own = await event_frame(ws)  # the other airline's rename never comes
        assert own["channel"] == f"user:{pilot_id}" and own["payload"]["event_type"] == "ApiKeyIssued"
        assert own["position"] <= issued.json()["position"]  # the command's last event is its key claim
        assert set(own["payload"]["data"]) == {"key_id", "name", "prefix", "created_at"}  # no digest
        assert own["payload"]["meta"]["stream_id"] == f"user-{pilot_id}"
        airline = await event_frame(ws)
        assert airline["channel"] == f"tenant:{nova}" and airline["position"] == renamed.json()["position"]
        assert airline["payload"]["event_type"] == "TenantRenamed" and airline["payload"]["data"] == {
            "name": "Nova Air"
        }
        assert airline["payload"]["ts"].endswith("Z")

        # Another pilot of the airline hears the airline, not the first pilot's keys.
        theirs = await event_frame(second)
        assert theirs["payload"]["event_type"] == "TenantRenamed"


async def test_applicants_and_suspensions_reach_the_airline_staff_not_its_pilots(live: Live) -> None:
    nova = await live.tenant("NVA")
    _, key = await live.pilot(nova, "pia")
    staff = await live.http.post(
        "/api/v1/users",
        json={
            "username": "stella",
            "email": "stella@example.org",
            "password": "a decent password",
            "name": "Stella",
            "tenant_id": nova,
            "role": "tenant_admin",
        },
        headers=live.admin,
    )
    staff_key = (
        await live.http.post(
            f"/api/v1/users/{staff.json()['id']}/api-keys", json={"name": "k"}, headers=live.admin
        )
    ).json()["key"]
    async with live.connect(key) as pilot_ws, live.connect(staff_key) as staff_ws:
        assert f"tenant-staff:{nova}" in (await frame(staff_ws))["channels"]
        await frame(pilot_ws)
        await pilot_ws.send(json.dumps({"type": "subscribe", "channels": [f"tenant-staff:{nova}"]}))
        assert (await frame(pilot_ws))["rejected"] == [f"tenant-staff:{nova}"]
        await live.pilot(nova, "olga")  # registered by the platform admin
        renamed = await live.http.patch(
            f"/api/v1/tenants/{nova}", json={"name": "Nova Air"}, headers=live.admin
        )
        seen = []
        while (got := await event_frame(staff_ws))["position"] < renamed.json()["position"]:
            seen.append(got["payload"]["event_type"])
        assert "UserRegistered" in seen
        theirs = await event_frame(pilot_ws)  # the pilot hears the rename, not the new colleague
        assert theirs["payload"]["event_type"] == "TenantRenamed"
        assert "actor_id" not in theirs["payload"]["meta"]


async def test_payloads_carry_no_secrets_or_personal_data(live: Live) -> None:
    async with live.connect(live.admin["Authorization"].split()[1]) as ws:
        await frame(ws)
        nova = await live.tenant("NVA")
        await live.pilot(nova, "secretive")
        seen = []
        while len(seen) < 6:  # created, registered, details, password, pilot id..., key issued
            got = await event_frame(ws)
            seen.append(got)
            if got["payload"]["event_type"] == "ApiKeyIssued":
                break
        raw = json.dumps(seen)
        for secret in ("secretive@example.org", "Secretive", "password_hash", "digest", "$argon2"):
            assert secret not in raw
        types = [f["payload"]["event_type"] for f in seen]
        assert "UserRegistered" in types and "ApiKeyIssued" in types


async def test_ping_heartbeat_bad_messages_and_the_rate_limit(live: Live) -> None:
    async with live.connect(live.admin["Authorization"].split()[1]) as ws:
        await frame(ws)
        await ws.send(json.dumps({"type": "ping", "id": "abc"}))
        while (got := await frame(ws))["type"] == "heartbeat":
            pass
        assert got == {"type": "pong", "id": "abc"}
        assert "albatross_websocket_clients 1.0" in (await live.http.get("/metrics")).text
        heartbeat = await frame(ws, timeout=3)  # every 0.5 s here
        assert heartbeat["type"] == "heartbeat" and "position" in heartbeat
        await ws.send("not json")
        while (got := await frame(ws))["type"] == "heartbeat":
            pass
        assert got["type"] == "error" and got["code"] == "invalid-message"
        for n in range(40):
            await ws.send(json.dumps({"type": "ping", "id": n}))
        code, frames = await closed_with(ws)
        assert code == 1008 and frames[-1]["code"] == "rate-limited"


async def test_a_ticket_opens_the_feed_once(live: Live) -> None:
    ticket = (await live.http.post("/api/v1/ws/tickets", headers=live.admin)).json()
    assert ticket["ticket"].startswith("albw_") and ticket["expires_in"] == 30
    async with live.connect(query=f"?ticket={ticket['ticket']}") as ws:
        assert (await frame(ws))["type"] == "welcome"
    async with live.connect(query=f"?ticket={ticket['ticket']}") as ws:
        code, _ = await closed_with(ws)
        assert code == 4401
    # A ticket is not a credential anywhere else.
    assert (
        await live.http.get("/api/v1/me", headers={"Authorization": f"Bearer {ticket['ticket']}"})
    ).status_code == 401


@pytest.mark.parametrize("live", [300], indirect=True)  # no heartbeat in time: the event does it
async def test_revoking_a_key_or_suspending_its_owner_disconnects_at_once(live: Live) -> None:
    nova = await live.tenant("NVA")
    pilot_id, key = await live.pilot(nova, "pia")
    keys = (await live.http.get(f"/api/v1/users/{pilot_id}/api-keys", headers=live.admin)).json()
    async with live.connect(key) as ws:
        await frame(ws)
        await live.http.delete(f"/api/v1/users/{pilot_id}/api-keys/{keys[0]['id']}", headers=live.admin)
        code, frames = await closed_with(ws)
        assert code == 4401 and frames[-1]["code"] == "not-authenticated"

    other_id, other_key = await live.pilot(nova, "olga")
    async with live.connect(other_key) as ws:
        await frame(ws)
        suspended = await live.http.post(f"/api/v1/users/{other_id}/suspend", headers=live.admin)
        assert suspended.status_code == 200, suspended.text
        code, _ = await closed_with(ws)
        assert code == 4401


async def test_a_client_that_reconnects_with_since_misses_nothing_and_gets_nothing_twice(live: Live) -> None:
    nova = await live.tenant("NVA")
    stop = asyncio.Event()

    async def keep_changing() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            await live.http.patch(f"/api/v1/tenants/{nova}", json={"name": f"Nova {n}"}, headers=live.admin)
            if n % 5 == 0:
                await live.tenant("".join(chr(65 + (n // 5 // 26**i) % 26) for i in range(3)))

    token = live.admin["Authorization"].split()[1]
    changes = asyncio.create_task(keep_changing())
    received: list[int] = []
    try:
        async with live.connect(token) as ws:
            await frame(ws)
            while len(received) < 20:
                received.append((await event_frame(ws))["position"])
        await asyncio.sleep(0.5)  # commands go on while the client is away
        async with live.connect(token, query=f"?since={received[-1]}") as ws:
            welcome = await frame(ws)
            assert welcome["position"] == received[-1]
            while len(received) < 80:
                received.append((await event_frame(ws))["position"])
    finally:
        stop.set()
        await changes
    publisher = live.services.publisher
    assert publisher is not None
    log = await live.services.store.read_all(received[0] - 1, received[-1] - received[0] + 1)
    expected = [e.position for e in log if publisher.envelope(e) is not None]
    assert received == expected  # in order, no gap, no duplicate


async def test_a_trackers_positions_reach_the_airlines_subscribers_and_no_one_else(live: Live) -> None:
    nova, other = await live.tenant("NVA"), await live.tenant("OTH")
    pilot_id, key = await live.pilot(nova, "pia")
    _, watcher_key = await live.pilot(nova, "wanda")
    _, outsider_key = await live.pilot(other, "otto")
    login = await live.http.post(
        "/api/v1/auth/login", json={"username": "pia", "password": "a decent password"}
    )
    session = {"Authorization": f"Bearer {login.json()['token']}"}
    changed = await live.http.post(
        "/api/v1/auth/password",
        json={"current_password": "a decent password", "new_password": "pia flies the early shift"},
        headers=session,
    )
    assert changed.status_code == 204, changed.text
    tracker = {"X-API-Key": key}
    details = {"airline": "NVA", "flight_number": "1", "departure": "KJFK", "arrival": "KBOS"}
    started = await live.http.post(
        "/api/v1/pireps", json={"source": "tracked", "details": details}, headers=tracker
    )
    assert started.status_code == 201, started.text
    pirep = started.json()["id"]
    async with (
        live.connect(watcher_key, f"?since={started.json()['position']}") as ws,
        live.connect(outsider_key) as outsider,
    ):
        await frame(ws)
        await frame(outsider)
        batch = {
            "positions": [
                {"id": "1", "lat": 40.9, "lon": -73.2, "altitude_ft": 9000, "phase": "climb", "at": 5}
            ]
        }
        posted = await live.http.post(f"/api/v1/pireps/{pirep}/positions", json=batch, headers=tracker)
        assert posted.status_code == 200, posted.text
        seen = []
        while not {"PositionsRecorded", "PirepPhaseChanged"} <= {f["payload"]["event_type"] for f in seen}:
            seen.append(await event_frame(ws))
        moved = next(f for f in seen if f["payload"]["event_type"] == "PositionsRecorded")
        assert moved["channel"] == f"tenant:{nova}"
        assert moved["payload"]["data"]["pirep_id"] == pirep
        assert moved["payload"]["data"]["positions"][0]["altitude_ft"] == 9000
        phase = next(f for f in seen if f["payload"]["event_type"] == "PirepPhaseChanged")
        assert phase["payload"]["data"] == {"phase": "climb"}
        with pytest.raises(TimeoutError):  # another airline hears nothing of it (heartbeats only)
            await asyncio.wait_for(event_frame(outsider), 1.5)
    live_now = (await live.http.get("/api/v1/flights/live", headers=tracker)).json()
    assert [(f["id"], f["pilot_id"]) for f in live_now] == [(pirep, pilot_id)]
