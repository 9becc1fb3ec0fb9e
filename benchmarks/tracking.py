"""Flight tracking: trackers posting position batches through the phpVMS-compatible ACARS API.

Run with `.venv/bin/python benchmarks/run.py --part tracking` (also part of the default run, after
the SQLite part); about 50 s on 2 cores, 20 of them making the accounts (password hashing).
Everything runs in real processes:

  * ours: `python -m albatross serve` on a free loopback port and a fresh data directory
    (SQLite, embedded: the same process runs the projections). One airline, a tenant admin (who
    reads) and PILOTS pilots, made through the API as an operator would: the platform admin
    creates each account, the pilot logs in with the one-time password, replaces it and issues
    an API key for the tracker.
  * the peer: the same positions stored the way a phpVMS-like CRUD app stores them, in a tiny
    Litestar app (`peer_app` below, started as `python benchmarks/tracking.py --peer PORT DB`)
    served by uvicorn with the same settings as ours, on aiosqlite with a WAL file (the same
    driver, journal mode and synchronous=NORMAL as ours; one writer connection, one reader). A
    batch is one transaction: an `INSERT ... ON CONFLICT(id) DO UPDATE` of each row into
    `acars`, then an UPDATE of the `pireps` row (status, last position; the WHERE clause checks
    that it is the caller's flight in progress). The API key is looked up in `users` on every
    request (as Laravel does). It answers at the same paths with the same shapes as far as the
    client looks, so one client drives both.

The client (httpx.AsyncClient in this process, sharing the 2 cores with the server) prefiles one
tracked flight per pilot (POST /api/pireps/prefile), posts one untimed warm-up batch per flight,
then ROUNDS batches of BATCH rows per flight (POST /api/pireps/{id}/acars/position, each row with
a client `id`), every flight's batches in order and all flights at once, at most CONCURRENCY
requests in flight. Bodies are built before the clock starts. Measured: positions accepted per
second (timed rows / wall time from the first timed batch to the last answer), the latency of each
batch request (send to answer, queueing in the client excluded) p50/p99/max, the server's CPU time
per batch and its peak RSS (VmHWM from /proc/<pid>/status, at the end).

Read-model lag: the ACARS answer is phpVMS's `{"message", "attrs", "count"}`, with no log position
to hand to `?min_position=`, so from the last batch's answer on, GET /api/v1/flights/live is asked
again and again (no pause, one at a time) until it shows every flight with its last posted row as
`last_position` and all its rows counted; the lag is the time to that answer. The peer's live list
reads the tables the writes went to, so its lag is one GET.

Checks (a fast wrong answer fails the run, exit status 1): every batch answered 200 with
`count` = BATCH; GET /api/v1/pireps/{id}/track of every flight has exactly the rows posted, the
last one where the last row was; a re-post of every flight's last batch leaves the track as it was
(ours also answers `count` 0: rows already recorded are not added again).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import live
from common import progress, sig3, table

PILOTS = 50  # flights tracked at once, one per pilot
ROUNDS = 30  # timed batches per flight, after one warm-up batch
BATCH = 5  # rows per batch
CONCURRENCY = 16  # requests in flight at most
SETUP_CONCURRENCY = 6  # account creations at once (each hashes passwords)
LAG_TIMEOUT = 30.0  # seconds the live list may take to show every flight's last row
PASSWORD = "a long new password for the tracking benchmark"
ONE_TIME = "one-time password 1"
START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


# ---------------------------------------------------------------- the workload


def row_id(flight: int, k: int) -> str:
    return f"f{flight:03d}-{k:05d}"


def batch_body(flight: int, n: int) -> bytes:
    """Batch n (0 = warm-up) of a flight: rows n * BATCH ... n * BATCH + BATCH - 1."""
    rows = []
    for k in range(n * BATCH, (n + 1) * BATCH):
        rows.append(
            {
                "id": row_id(flight, k),
                "lat": 40.6 + k * 0.001,
                "lon": -73.8 + flight * 0.01 + k * 0.001,
                "altitude": 30000 + (k % 7) * 10,
                "heading": 45,
                "gs": 450,
                "vs": 0,
                "ias": 280,
                "fuel": 8000 - k,
                "distance": k * 0.5,
                "status": "ENR",
                "created_at": (START + timedelta(seconds=k)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
    return json.dumps({"positions": rows}).encode()


def prefile_body(flight: int) -> dict[str, Any]:
    return {
        "flight_number": 1000 + flight,
        "dpt_airport_id": "KJFK",
        "arr_airport_id": "KBOS",
        "source_name": "vmsACARS",
        "level": 30000,
        "planned_distance": 162,
        "planned_flight_time": 75,
    }


@dataclass
class Target:
    """A server to drive: its URL, its pilots' tracker headers, the reader's headers."""

    name: str
    url: str
    pilots: list[dict[str, str]]
    reader: dict[str, str]
    counts_added: bool
    """Whether a batch's `count` is the rows added (ours), not the rows sent (the peer)."""


@dataclass
class Outcome:
    name: str
    positions: int
    seconds: float
    latencies_ms: list[float]
    lag_ms: float
    lag_polls: int
    server_cpu_ms: float
    """Server CPU time per timed batch."""
    client_cpu_ms: float
    """This process's CPU time per timed batch."""
    hwm_kib: int = 0

    @property
    def per_s(self) -> float:
        return self.positions / self.seconds


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def drive(target: Target, server: Any) -> Outcome:
    import httpx

    json_header = {"Content-Type": "application/json"}
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=target.url, timeout=60, limits=limits) as client:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def prefile(flight: int) -> str:
            async with gate:
                answer = await client.post(
                    "/api/pireps/prefile", json=prefile_body(flight), headers=target.pilots[flight]
                )
            assert answer.status_code == 200, answer.text
            data = answer.json()["data"]
            assert data["state"] == 0 and data["status"] == "INI", data
            return str(data["id"])

        pireps = await asyncio.gather(*(prefile(f) for f in range(PILOTS)))
        assert len(set(pireps)) == PILOTS, "a flight was prefiled twice"
        bodies = [[batch_body(f, n) for n in range(ROUNDS + 1)] for f in range(PILOTS)]
        headers = [target.pilots[f] | json_header for f in range(PILOTS)]

        async def post(flight: int, n: int) -> tuple[float, httpx.Response]:
            async with gate:
                start = time.perf_counter()
                answer = await client.post(
                    f"/api/pireps/{pireps[flight]}/acars/position",
                    content=bodies[flight][n],
                    headers=headers[flight],
                )
                return (time.perf_counter() - start) * 1000, answer

        def check(answer: httpx.Response, expected: int) -> None:
            assert answer.status_code == 200, answer.text
            assert answer.json()["count"] == expected, answer.text

        for _, answer in await asyncio.gather(*(post(f, 0) for f in range(PILOTS))):  # warm-up
            check(answer, BATCH)

        latencies: list[float] = []
        answers: list[httpx.Response] = []

        async def fly(flight: int) -> None:
            for n in range(1, ROUNDS + 1):
                ms, answer = await post(flight, n)
                latencies.append(ms)
                answers.append(answer)

        gc.collect()
        server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
        start = time.perf_counter()
        await asyncio.gather(*(fly(f) for f in range(PILOTS)))
        last_answer = time.perf_counter()
        seconds = last_answer - start
        batches = PILOTS * ROUNDS
        server_cpu = (server.cpu_seconds() - server_cpu) * 1000 / batches
        client_cpu = (time.process_time() - client_cpu) * 1000 / batches

        # Read-model lag: the live list until it shows every flight's last row.
        rows = (ROUNDS + 1) * BATCH
        expected = {p: row_id(f, rows - 1) for f, p in enumerate(pireps)}
        polls = 0
        while True:
            polls += 1
            listed = await client.get("/api/v1/flights/live", headers=target.reader)
            assert listed.status_code == 200, listed.text
            shown = {
                f["id"]: ((f.get("last_position") or {}).get("id"), f["positions"])
                for f in listed.json()
                if f["id"] in expected
            }
            if all(shown.get(p) == (last, rows) for p, last in expected.items()):
                lag_ms = (time.perf_counter() - last_answer) * 1000
                break
            assert time.perf_counter() - last_answer < LAG_TIMEOUT, f"{target.name}: live list stuck: {shown}"

        for answer in answers:
            check(answer, BATCH)
        assert len(latencies) == batches

        async def track(flight: int) -> None:
            answer = await client.get(f"/api/v1/pireps/{pireps[flight]}/track", headers=target.reader)
            assert answer.status_code == 200, answer.text
            feature = answer.json()
            coordinates = feature["geometry"]["coordinates"]
            assert feature["properties"]["positions"] == len(coordinates) == rows, (
                f"{target.name}: flight {flight} has {len(coordinates)} rows, {rows} posted"
            )
            last = json.loads(bodies[flight][-1])["positions"][-1]
            assert coordinates[-1][:2] == [last["lon"], last["lat"]], (coordinates[-1], last)

        await asyncio.gather(*(track(f) for f in range(PILOTS)))
        for _, answer in await asyncio.gather(*(post(f, ROUNDS) for f in range(PILOTS))):  # re-post
            check(answer, 0 if target.counts_added else BATCH)
        await asyncio.gather(*(track(f) for f in range(PILOTS)))

    return Outcome(
        target.name,
        batches * BATCH,
        seconds,
        latencies,
        lag_ms,
        polls,
        server_cpu,
        client_cpu,
        server.memory_kib()[1],
    )


# ---------------------------------------------------------------- ours


async def albatross_setup(url: str, admin_password: str) -> Target:
    """One airline, its admin (the reader) and PILOTS pilots past their one-time passwords, each
    with an API key."""
    import httpx

    async with httpx.AsyncClient(base_url=url, timeout=60) as api:
        admin = await live.login(api, admin_password)
        created = await api.post("/api/v1/tenants", json={"name": "Track Air", "icao": "TRK"}, headers=admin)
        assert created.status_code == 201, created.text
        tenant_id = created.json()["id"]
        gate = asyncio.Semaphore(SETUP_CONCURRENCY)

        async def member(username: str, role: str) -> tuple[str, dict[str, str]]:
            async with gate:
                body = {
                    "username": username,
                    "email": f"{username}@example.org",
                    "password": ONE_TIME,
                    "name": f"{username.title()} Tracker",
                    "role": role,
                    "tenant_id": tenant_id,
                }
                made = await api.post("/api/v1/users", json=body, headers=admin)
                assert made.status_code == 201, made.text
                logged = await api.post(
                    "/api/v1/auth/login", json={"username": username, "password": ONE_TIME}
                )
                assert logged.status_code == 200, logged.text
                headers = {"Authorization": f"Bearer {logged.json()['token']}"}
                changed = await api.post(
                    "/api/v1/auth/password",
                    json={"current_password": ONE_TIME, "new_password": PASSWORD},
                    headers=headers,
                )
                assert changed.status_code == 204, changed.text
                return made.json()["id"], headers

        _, staff = await member("trackstaff", "tenant_admin")
        members = await asyncio.gather(*(member(f"pilot{n:03d}", "pilot") for n in range(PILOTS)))

        async def key(user_id: str, headers: dict[str, str]) -> dict[str, str]:
            issued = await api.post(
                f"/api/v1/users/{user_id}/api-keys", json={"name": "vmsACARS"}, headers=headers
            )
            assert issued.status_code == 201, issued.text
            return {"X-API-Key": issued.json()["key"]}

        pilots = await asyncio.gather(*(key(u, h) for u, h in members))
    return Target("Albatross", url, list(pilots), staff, counts_added=True)


def albatross(began: float) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="albatross-bench-tracking-") as directory:
        serve = live.Process("serve", {"ALBATROSS_DATA_DIR": directory}, directory, live.free_port())
        try:
            serve.wait_for_line(r"^Listening on ")
            target = asyncio.run(albatross_setup(serve.url, live.admin_password(serve)))
            progress(f"tracking, Albatross: {PILOTS} pilots with keys: {time.perf_counter() - began:.0f} s")
            return asyncio.run(drive(target, serve))
        finally:
            serve.stop()


# ---------------------------------------------------------------- the peer


class PeerProcess(live.Process):
    """`python benchmarks/tracking.py --peer PORT DB`, with live.Process's helpers."""

    def __init__(self, directory: str) -> None:
        self.command = "peer"
        self.port = live.free_port()
        self.lines = []
        self.popen = subprocess.Popen(
            [sys.executable, __file__, "--peer", str(self.port), os.path.join(directory, "phpvms.db")],
            cwd=directory,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for_line(r"^Listening on ")


def peer(began: float) -> Outcome:
    import httpx

    with tempfile.TemporaryDirectory(prefix="phpvms-bench-tracking-") as directory:
        server = PeerProcess(directory)
        try:
            made = httpx.post(f"{server.url}/bench/pilots", json={"count": PILOTS + 1}, timeout=60)
            assert made.status_code == 201, made.text
            keys = made.json()["keys"]
            target = Target(
                "phpVMS-like CRUD",
                server.url,
                [{"X-API-Key": k} for k in keys[1:]],
                {"Authorization": f"Bearer {keys[0]}"},
                counts_added=False,
            )
            progress(f"tracking, peer: {PILOTS} pilots with keys: {time.perf_counter() - began:.0f} s")
            return asyncio.run(drive(target, server))
        finally:
            server.stop()


SCHEMA = """
CREATE TABLE users (id INTEGER PRIMARY KEY, api_key TEXT NOT NULL UNIQUE, name TEXT NOT NULL);
CREATE TABLE pireps (
    id TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), flight_number TEXT,
    dpt_airport_id TEXT, arr_airport_id TEXT, source_name TEXT, level INTEGER, planned_distance REAL,
    planned_flight_time INTEGER, state INTEGER NOT NULL, status TEXT NOT NULL, last_acars_id TEXT,
    lat REAL, lon REAL, altitude REAL, heading REAL, gs REAL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX pireps_user ON pireps(user_id);
CREATE INDEX pireps_state ON pireps(state, created_at);
CREATE TABLE acars (
    id TEXT PRIMARY KEY, pirep_id TEXT NOT NULL REFERENCES pireps(id), type INTEGER NOT NULL,
    lat REAL NOT NULL, lon REAL NOT NULL, altitude REAL, heading REAL, gs REAL, vs REAL, ias REAL,
    fuel REAL, distance REAL, status TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE INDEX acars_pirep ON acars(pirep_id, type, created_at);
"""

UPSERT = """
INSERT INTO acars (id, pirep_id, type, lat, lon, altitude, heading, gs, vs, ias, fuel, distance,
                   status, created_at, updated_at)
VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT(id) DO UPDATE SET
    lat = excluded.lat, lon = excluded.lon, altitude = excluded.altitude, heading = excluded.heading,
    gs = excluded.gs, vs = excluded.vs, ias = excluded.ias, fuel = excluded.fuel,
    distance = excluded.distance, status = excluded.status, created_at = excluded.created_at,
    updated_at = excluded.updated_at
"""

UPDATE_PIREP = """
UPDATE pireps SET status = ?, last_acars_id = ?, lat = ?, lon = ?, altitude = ?, heading = ?, gs = ?,
                  updated_at = ?
WHERE id = ? AND user_id = ? AND state = 0
"""


def peer_app(path: str) -> Any:
    """The phpVMS-like CRUD app: the same paths, the fields the client sends, plain SQL."""
    import secrets
    import uuid

    import aiosqlite
    import msgspec
    from litestar import Litestar, Request, get, post
    from litestar.exceptions import NotAuthorizedException, NotFoundException, ValidationException

    db: dict[str, aiosqlite.Connection] = {}
    write_lock = asyncio.Lock()

    async def connect() -> aiosqlite.Connection:
        conn = await aiosqlite.connect(path, isolation_level=None)  # explicit BEGIN ... COMMIT
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA busy_timeout=30000")
        await conn.execute("PRAGMA foreign_keys=ON")
        return conn

    @contextlib.asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        db["writer"] = await connect()
        await db["writer"].executescript(SCHEMA)
        db["reader"] = await connect()
        try:
            yield
        finally:
            await db["reader"].close()
            await db["writer"].close()

    @contextlib.asynccontextmanager
    async def transaction() -> AsyncIterator[aiosqlite.Connection]:
        async with write_lock:
            conn = db["writer"]
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")

    async def user_of(request: Request[Any, Any, Any]) -> int:
        key = request.headers.get("x-api-key") or request.headers.get("authorization", "").removeprefix(
            "Bearer "
        )
        async with db["reader"].execute("SELECT id FROM users WHERE api_key = ?", (key,)) as cursor:
            found = await cursor.fetchone()
        if found is None:
            raise NotAuthorizedException("Invalid or missing API key")
        return int(found[0])

    def now() -> str:
        return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    @post("/bench/pilots", status_code=201)
    async def pilots(data: dict[str, int]) -> dict[str, list[str]]:
        keys = [secrets.token_urlsafe(24) for _ in range(data["count"])]
        async with transaction() as conn:
            await conn.executemany(
                "INSERT INTO users (api_key, name) VALUES (?, ?)", [(k, f"Pilot {k[:6]}") for k in keys]
            )
        return {"keys": keys}

    @post("/api/pireps/prefile", status_code=200)
    async def prefile(request: Request[Any, Any, Any], data: dict[str, Any]) -> dict[str, Any]:
        user_id = await user_of(request)
        pirep_id = uuid.uuid4().hex[:16]
        at = now()
        async with transaction() as conn:
            await conn.execute(
                "INSERT INTO pireps (id, user_id, flight_number, dpt_airport_id, arr_airport_id, source_name,"
                " level, planned_distance, planned_flight_time, state, status, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'INI', ?, ?)",
                (
                    pirep_id,
                    user_id,
                    str(data["flight_number"]),
                    data["dpt_airport_id"],
                    data["arr_airport_id"],
                    data.get("source_name"),
                    data.get("level"),
                    data.get("planned_distance"),
                    data.get("planned_flight_time"),
                    at,
                    at,
                ),
            )
        return {"data": {"id": pirep_id, "user_id": user_id, "state": 0, "status": "INI"}}

    @post("/api/pireps/{pirep_id:str}/acars/position", status_code=200)
    async def positions(pirep_id: str, request: Request[Any, Any, Any]) -> dict[str, Any]:
        user_id = await user_of(request)
        rows = msgspec.json.decode(await request.body()).get("positions")
        if not isinstance(rows, list) or not rows:
            raise ValidationException("positions: required")
        at = now()
        values = [
            (
                str(r["id"]),
                pirep_id,
                r["lat"],
                r["lon"],
                r.get("altitude"),
                r.get("heading"),
                r.get("gs"),
                r.get("vs"),
                r.get("ias"),
                r.get("fuel"),
                r.get("distance"),
                r.get("status"),
                r.get("created_at") or at,
                at,
            )
            for r in rows
        ]
        last = rows[-1]
        async with transaction() as conn:
            await conn.executemany(UPSERT, values)
            cursor = await conn.execute(
                UPDATE_PIREP,
                (
                    last.get("status") or "ENR",
                    str(last["id"]),
                    last["lat"],
                    last["lon"],
                    last.get("altitude"),
                    last.get("heading"),
                    last.get("gs"),
                    at,
                    pirep_id,
                    user_id,
                ),
            )
            if cursor.rowcount != 1:
                raise NotFoundException("No such flight in progress")
        return {"message": f"{len(rows)} positions added", "attrs": [], "count": len(rows)}

    @get("/api/v1/pireps/{pirep_id:str}/track")
    async def track(pirep_id: str, request: Request[Any, Any, Any]) -> dict[str, Any]:
        await user_of(request)
        async with db["reader"].execute(
            "SELECT lon, lat, altitude FROM acars WHERE pirep_id = ? AND type = 0 ORDER BY created_at, id",
            (pirep_id,),
        ) as cursor:
            coordinates = [[lon, lat, round(alt * 0.3048, 1)] for lon, lat, alt in await cursor.fetchall()]
        return {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": coordinates},
            "properties": {"pirep_id": pirep_id, "positions": len(coordinates)},
        }

    @get("/api/v1/flights/live")
    async def live_flights(request: Request[Any, Any, Any]) -> list[dict[str, Any]]:
        await user_of(request)
        async with db["reader"].execute(
            "SELECT p.id, p.status, p.last_acars_id, p.lat, p.lon, p.altitude, p.heading, p.gs,"
            " (SELECT COUNT(*) FROM acars a WHERE a.pirep_id = p.id AND a.type = 0)"
            " FROM pireps p WHERE p.state = 0 ORDER BY p.created_at"
        ) as cursor:
            found = await cursor.fetchall()
        return [
            {
                "id": pid,
                "phase": status,
                "last_position": None
                if last is None
                else {"id": last, "lat": lat, "lon": lon, "altitude_ft": alt, "heading": hdg, "gs_kt": gs},
                "positions": count,
            }
            for pid, status, last, lat, lon, alt, hdg, gs, count in found
        ]

    return Litestar(
        [pilots, prefile, positions, track, live_flights],
        lifespan=[lifespan],
        signature_namespace={"Request": Request},  # the handlers' annotations are strings
    )


def peer_main(port: int, path: str) -> None:
    import uvicorn

    config = uvicorn.Config(
        peer_app(path), host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on"
    )
    server = uvicorn.Server(config)

    async def serve() -> None:
        serving = asyncio.create_task(server.serve())
        while not server.started and not serving.done():  # noqa: ASYNC110  (as albatross serve does)
            await asyncio.sleep(0.05)
        if server.started:
            print(f"Listening on http://127.0.0.1:{port}", flush=True)
        await serving

    asyncio.run(serve())


# ---------------------------------------------------------------- report


def run(began: float) -> bool:
    """Measures and prints the tracking part; False when a check failed."""
    print(
        f"\nFlight tracking: {PILOTS} trackers (pilots' API keys) each posting {ROUNDS} batches of {BATCH} "
        f"positions (+1 warm-up batch) to POST /api/pireps/{{id}}/acars/position, at most {CONCURRENCY} "
        f"requests in flight (httpx, in the benchmark process); Albatross serve (SQLite, embedded) vs a "
        f"phpVMS-like CRUD app (Litestar + uvicorn, aiosqlite, WAL, upsert per row + UPDATE pireps per "
        f"batch in one transaction).",
        flush=True,
    )
    outcomes: list[Outcome] = []
    try:
        outcomes.append(albatross(began))
        progress(f"tracking, Albatross: {time.perf_counter() - began:.0f} s")
        outcomes.append(peer(began))
        progress(f"tracking, peer: {time.perf_counter() - began:.0f} s")
    except AssertionError as exc:
        print(f"  [FAILED] tracking: {exc}")
        return False

    rows = [
        [
            o.name,
            f"{o.positions:,}",
            sig3(o.seconds),
            sig3(o.per_s),
            sig3(_percentile(o.latencies_ms, 50)),
            sig3(_percentile(o.latencies_ms, 99)),
            sig3(max(o.latencies_ms)),
            sig3(o.lag_ms),
            str(o.lag_polls),
            sig3(o.server_cpu_ms),
            sig3(o.client_cpu_ms),
            f"{o.hwm_kib / 1024:.0f}",
        ]
        for o in outcomes
    ]
    table(
        f"Flight tracking ({PILOTS} flights x {ROUNDS} batches x {BATCH} rows; latency per batch request; "
        f"lag = last answer -> live list showing every flight's last row; CPU per batch)",
        [
            "server",
            "positions",
            "seconds",
            "positions/s",
            "p50 ms",
            "p99 ms",
            "max ms",
            "lag ms",
            "GETs",
            "server CPU ms",
            "client CPU ms",
            "VmHWM MiB",
        ],
        rows,
    )
    ours, other = outcomes
    table(
        "Ratios, Albatross / phpVMS-like CRUD",
        ["measure", "ratio"],
        [
            ["positions/s (higher is better)", sig3(ours.per_s / other.per_s)],
            [
                "p99 latency (lower is better)",
                sig3(_percentile(ours.latencies_ms, 99) / _percentile(other.latencies_ms, 99)),
            ],
        ],
    )
    return True


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--peer":
        peer_main(int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(
            "usage: tracking.py --peer PORT DB (run the benchmark with benchmarks/run.py --part tracking)"
        )
