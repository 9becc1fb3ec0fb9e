"""The live feed (GET /api/v1/ws): from a command's acknowledgement to its frame at 500 clients.

Run with `.venv/bin/python benchmarks/run.py --part live` (also part of `--part all`); about
20 s embedded, 25 s more in production. Everything runs in real processes, as
deployed: `python -m albatross serve` (and `worker`) started by this module, CLIENTS WebSocket
clients (the `websockets` library, in this process, one asyncio task each) connected with the
platform admin's bearer token, so every one of them hears the `platform` channel.

Method. One airline is created before the clients connect; then WARMUP + COMMANDS renames of it
(PATCH /api/v1/tenants/{id}, a new name each time) go out one after another through one HTTP
connection. A rename appends one event, TenantRenamed, so the position in its answer is that
event's, and that is the position its frame carries: a sample is, for one client and one
command, the time from the HTTP answer being received here ("command acknowledged") to that
client's recv() returning the frame with that position ("frame received"), both on this
process's perf_counter. The next command goes out once every client has its frame (or after
FRAME_WAIT seconds), PAUSE later, so one command's fan-out does not queue behind the previous
one's: the figures are those of one change reaching 500 listeners, not of a sustained rate.
Every frame is checked: channel `platform`, event TenantRenamed, the name sent; a client that
lacks a command's frame counts as a missed frame (there must be none), a second frame with the
same position as a duplicate, a frame at a position no command returned as unexpected.

The clients share the machine with the servers (2 cores on the development machine), so the
figures include this process's own work: 500 recv() and JSON decodes per frame, the last client
served last. Frames are compressed (permessage-deflate, negotiated by default by both sides, as
browsers do) and the servers' heartbeats (every 15 s, each with a fresh look at the credential)
go on meanwhile.

  * embedded: one `albatross serve` on a fresh data directory (SQLite); it takes the commands,
    runs the projections and the `notifications` unit, and holds the clients (channels' memory
    backend).
  * production, when TEST_POSTGRES_URL, TEST_REDIS_URL and TEST_AMQP_URL are set (else one line
    says it was skipped): `serve` A takes the commands, `serve` B holds the clients, one `worker`
    runs the projections; the envelope goes A's relay -> RabbitMQ -> the worker's notifications
    unit -> Redis pub/sub -> B -> the clients. Kept clear of anyone else using the same servers:
    a database of its own (DATABASE, dropped and created at the start, dropped at the end,
    through the server's `postgres` database), a RabbitMQ vhost of its own (VHOST, made with
    rabbitmqctl the same way), and a redis-server of its own on a free loopback port, started
    and stopped here: Litestar's Redis pub/sub channels are named `platform`, `tenant:<id>`...
    with no prefix, and pub/sub ignores the database number, so on a shared Redis our envelopes
    would reach every other serve process's clients, and theirs ours (TEST_REDIS_URL's server is
    therefore left alone; the variable only says that the production servers are there).

Also reported: per command, the first client's latency (the way to the serve process) and the
spread from the first client's frame to the last's (the fan-out); the server's cost: VmRSS of
the serve process holding the clients (/proc/<pid>/status) before they connect and with all of
them connected (after the commands), its VmHWM, and its CPU time (/proc/<pid>/stat) and this
process's per command. One run, no repeats. Reported, not enforced; a missed, duplicated or
wrong frame fails the run (exit status 1).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from common import progress, sig3, table
from postgres import _admin, _percentile, _version

CLIENTS = 500
COMMANDS = 100  # measured renames, one after another
WARMUP = 5  # renames before them, not counted (first requests, caches, the worker's wake-ups)
PAUSE = 0.02  # seconds between a command's last frame and the next command
FRAME_WAIT = 10.0  # seconds a command's frame may take to reach every client before moving on
CONNECT_BATCH = 50  # clients opening their connections at once
START_TIMEOUT = 60.0  # seconds for a process to start listening

PRODUCTION_ENV = ("TEST_POSTGRES_URL", "TEST_REDIS_URL", "TEST_AMQP_URL")
DATABASE = "albatross_bench_live"
VHOST = "albatross-bench-live"
RABBITMQCTL_ENV = {"RABBITMQ_NODENAME": "albatross-test@localhost", "ERL_EPMD_ADDRESS": "127.0.0.1"}
PASSWORD = "a long new password for the live benchmark"


# ---------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Process:
    """One `python -m albatross <command>`, its output collected by a thread."""

    def __init__(self, command: str, environ: dict[str, str], cwd: str, port: int | None = None) -> None:
        self.command = command
        self.port = port
        env = {k: v for k, v in os.environ.items() if not k.startswith("ALBATROSS_")} | environ
        env["ALBATROSS_LOG_LEVEL"] = "WARNING"  # no line per request or connection
        if port is not None:
            env["ALBATROSS_PORT"] = str(port)
        self.lines: list[str] = []
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "albatross", command],
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, pattern: str) -> re.Match[str]:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if match := re.search(pattern, line):
                    return match
            if self.popen.poll() is not None:
                raise AssertionError(
                    f"{self.command} exited ({self.popen.returncode}):\n" + "\n".join(self.lines)
                )
            time.sleep(0.05)
        raise AssertionError(f"{self.command}: no line matching {pattern!r}:\n" + "\n".join(self.lines))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def memory_kib(self) -> tuple[int, int]:
        """(VmRSS, VmHWM) in KiB."""
        status = Path(f"/proc/{self.popen.pid}/status").read_text()
        found = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.M))
        return int(found["VmRSS"]), int(found["VmHWM"])

    def cpu_seconds(self) -> float:
        """User + system CPU time so far."""
        fields = Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)


def start_serve(environ: dict[str, str], cwd: str) -> Process:
    process = Process("serve", environ, cwd, free_port())
    process.wait_for_line(r"^Listening on ")
    return process


def admin_password(serve: Process) -> str:
    return serve.wait_for_line(r"Platform admin created: username=admin password=(\S+)").group(1)


# ---------------------------------------------------------------- the clients


@dataclass
class Client:
    arrivals: dict[int, float] = field(default_factory=dict)
    """position -> perf_counter() when recv() returned its frame."""
    seen: dict[int, tuple[str, str, Any]] = field(default_factory=dict)
    """position -> (channel, event type, data's name)."""
    duplicates: int = 0
    ended: str | None = None
    """Why the connection ended before the benchmark closed it."""


class Feed:
    """CLIENTS connections to one serve process, and who heard what when."""

    def __init__(self) -> None:
        self.clients: list[Client] = []
        self.sockets: list[Any] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.counts: Counter[int] = Counter()
        self.waiters: dict[int, asyncio.Future[None]] = {}

    async def connect(self, ws_url: str, token: str) -> float:
        """Opens CLIENTS connections, CONNECT_BATCH at a time, each past its welcome frame; seconds taken."""
        start = time.perf_counter()
        for _ in range(0, CLIENTS, CONNECT_BATCH):
            await asyncio.gather(*(self._open(ws_url, token) for _ in range(CONNECT_BATCH)))
        return time.perf_counter() - start

    async def _open(self, ws_url: str, token: str) -> None:
        from websockets.asyncio.client import connect

        ws = await connect(
            ws_url,
            additional_headers={"Authorization": f"Bearer {token}"},
            open_timeout=30,
            ping_interval=None,  # the server's heartbeats are enough; no pings of ours in the figures
        )
        welcome = json.loads(await asyncio.wait_for(ws.recv(), 30))
        assert welcome["type"] == "welcome" and "platform" in welcome["channels"], welcome
        client = Client()
        self.clients.append(client)
        self.sockets.append(ws)
        self.tasks.append(asyncio.create_task(self._listen(ws, client)))

    async def _listen(self, ws: Any, client: Client) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for message in ws:
                now = time.perf_counter()
                frame = json.loads(message)
                if frame["type"] != "event":
                    if frame["type"] != "heartbeat":
                        client.ended = f"unexpected frame {frame}"
                    continue
                position = frame["position"]
                if position in client.arrivals:
                    client.duplicates += 1
                    continue
                client.arrivals[position] = now
                payload = frame["payload"]
                client.seen[position] = (frame["channel"], payload["event_type"], payload["data"].get("name"))
                self.counts[position] += 1
                if self.counts[position] == CLIENTS and position in self.waiters:
                    self.waiters[position].set_result(None)
            client.ended = f"closed by the server ({ws.close_code})"
        except ConnectionClosed as exc:
            client.ended = f"{type(exc).__name__}: {exc}"

    async def heard_by_all(self, position: int, timeout: float) -> bool:
        if self.counts[position] >= CLIENTS:
            return True
        waiter = self.waiters.setdefault(position, asyncio.get_running_loop().create_future())
        try:
            await asyncio.wait_for(asyncio.shield(waiter), timeout)
        except TimeoutError:
            return False
        return True

    async def close(self) -> None:
        ended = [c.ended for c in self.clients if c.ended]
        assert not ended, f"{len(ended)} connections ended early, first: {ended[0]}"
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(30):
                await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


# ---------------------------------------------------------------- one run


@dataclass
class Outcome:
    mode: str
    latencies: list[float]
    """Milliseconds, one per (client, measured command) pair that got its frame."""
    missed: int
    duplicates: int
    unexpected: int
    connect_s: float
    first_ms: list[float]
    """Per measured command: the first client's latency (the way there, before the fan-out)."""
    spread_ms: list[float]
    """Per measured command: last client's frame minus first client's (the fan-out)."""
    rss_before_kib: int
    rss_connected_kib: int
    hwm_kib: int
    serve_cpu_ms: float
    """CPU time of the serve process holding the clients, per command (all WARMUP + COMMANDS)."""
    clients_cpu_ms: float
    """CPU time of this process (the clients and the HTTP client), per command."""


async def login(api: Any, password: str) -> dict[str, str]:
    """The platform admin's bearer header, the one-time password replaced."""
    login = await api.post("/api/v1/auth/login", json={"username": "admin", "password": password})
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    changed = await api.post(
        "/api/v1/auth/password",
        json={"current_password": password, "new_password": PASSWORD},
        headers=headers,
    )
    assert changed.status_code == 204, changed.text
    return headers


async def measure(
    mode: str, commands_to: Process, clients_to: Process, password: str, began: float
) -> Outcome:
    """Logs in through `commands_to`, connects the clients to `clients_to`, drives the renames."""
    import httpx

    async with httpx.AsyncClient(base_url=commands_to.url, timeout=30) as api:
        admin = await login(api, password)
        created = await api.post("/api/v1/tenants", json={"name": "Live Air", "icao": "LVA"}, headers=admin)
        assert created.status_code == 201, created.text
        tenant_id = created.json()["id"]

        rss_before, _ = clients_to.memory_kib()
        feed = Feed()
        try:
            connect_s = await feed.connect(
                clients_to.url.replace("http://", "ws://") + "/api/v1/ws", admin["Authorization"][7:]
            )
            rss_connected, _ = clients_to.memory_kib()
            progress(
                f"live, {mode}: {CLIENTS} clients connected in {connect_s:.1f} s: {time.perf_counter() - began:.0f} s"
            )

            sent: list[tuple[int, float, str]] = []  # measured commands: (position, acknowledged at, name)
            late = 0
            serve_cpu, clients_cpu = clients_to.cpu_seconds(), time.process_time()
            for n in range(WARMUP + COMMANDS):
                name = f"Live Air {n:04d}"
                answer = await api.patch(f"/api/v1/tenants/{tenant_id}", json={"name": name}, headers=admin)
                acknowledged = time.perf_counter()
                assert answer.status_code == 200, answer.text
                position = answer.json()["position"]
                if n >= WARMUP:
                    sent.append((position, acknowledged, name))
                if not await feed.heard_by_all(position, FRAME_WAIT):
                    late += 1
                await asyncio.sleep(PAUSE)
            serve_cpu = (clients_to.cpu_seconds() - serve_cpu) * 1000 / (WARMUP + COMMANDS)
            clients_cpu = (time.process_time() - clients_cpu) * 1000 / (WARMUP + COMMANDS)
            if late:  # give the stragglers one more chance before counting them missed
                await asyncio.sleep(FRAME_WAIT)
            rss_after, hwm = clients_to.memory_kib()
            rss_connected = max(rss_connected, rss_after)
            progress(f"live, {mode}: {WARMUP + COMMANDS} commands: {time.perf_counter() - began:.0f} s")
        finally:
            await feed.close()

    latencies: list[float] = []
    first: list[float] = []
    spread: list[float] = []
    missed = 0
    positions = {p for p, _, _ in sent}
    for position, acknowledged, name in sent:
        times = []
        for client in feed.clients:
            at = client.arrivals.get(position)
            if at is None:
                missed += 1
                continue
            seen = client.seen[position]
            assert seen == ("platform", "TenantRenamed", name), f"position {position}: {seen}, sent {name!r}"
            latencies.append((at - acknowledged) * 1000)
            times.append(at)
        if times:
            first.append((min(times) - acknowledged) * 1000)
            spread.append((max(times) - min(times)) * 1000)
    # Frames at positions of the warm-up commands are expected; anything else is not.
    first_measured = min(positions)
    unexpected = sum(
        1 for c in feed.clients for p in c.arrivals if p >= first_measured and p not in positions
    )
    return Outcome(
        mode,
        latencies,
        missed,
        sum(c.duplicates for c in feed.clients),
        unexpected,
        connect_s,
        first,
        spread,
        rss_before,
        rss_connected,
        hwm,
        serve_cpu,
        clients_cpu,
    )


# ---------------------------------------------------------------- embedded


def embedded(began: float) -> Outcome:
    with tempfile.TemporaryDirectory(prefix="albatross-bench-live-") as directory:
        serve = Process("serve", {"ALBATROSS_DATA_DIR": directory}, directory, free_port())
        try:
            serve.wait_for_line(r"^Listening on ")
            return asyncio.run(measure("embedded", serve, serve, admin_password(serve), began))
        finally:
            serve.stop()


# ---------------------------------------------------------------- production


def production_skip_reason() -> str | None:
    missing = [name for name in PRODUCTION_ENV if not os.environ.get(name)]
    if missing:
        return f"{', '.join(missing)} not set (they name the PostgreSQL, Redis and RabbitMQ to use)"
    if not shutil.which("rabbitmqctl"):
        return "rabbitmqctl is not installed (it makes the run's own vhost)"
    if not shutil.which("redis-server"):
        return "redis-server is not installed (the run starts a Redis of its own, see the docstring)"
    return None


def _rabbitmqctl(*args: str, check: bool = True) -> None:
    done = subprocess.run(
        ["rabbitmqctl", "-q", *args],
        env=os.environ | RABBITMQCTL_ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"rabbitmqctl {' '.join(args)}: {done.stdout}{done.stderr}")


def _database_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=DATABASE).render_as_string(hide_password=False)


def _broker_url(url: str) -> tuple[str, str]:
    """(the URL on VHOST, its user name)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{VHOST}")), parts.username or "guest"


def _start_redis() -> tuple[subprocess.Popen[bytes], str]:
    """A redis-server of our own on loopback, nothing saved; (its process, its URL)."""
    port = free_port()
    popen = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return popen, f"redis://127.0.0.1:{port}/0"
        if popen.poll() is not None:
            break
        time.sleep(0.05)
    popen.kill()
    raise AssertionError("redis-server did not start")


def _versions(pg_url: str, redis_url: str) -> str:
    import redis

    server = asyncio.run(_admin(pg_url, "SELECT current_setting('server_version')"))[0][0]
    client = redis.Redis.from_url(redis_url)
    try:
        redis_version = client.info("server")["redis_version"]
    finally:
        client.close()
    return f"PostgreSQL {server}, Redis {redis_version}"


def production(began: float) -> tuple[Outcome, str]:
    pg_url = _database_url(os.environ["TEST_POSTGRES_URL"])
    amqp_url, amqp_user = _broker_url(os.environ["TEST_AMQP_URL"])
    drop = f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)"
    asyncio.run(_admin(pg_url, drop, f"CREATE DATABASE {DATABASE}", database="postgres"))
    _rabbitmqctl("delete_vhost", VHOST, check=False)  # absent on a first run
    _rabbitmqctl("add_vhost", VHOST)
    _rabbitmqctl("set_permissions", "-p", VHOST, amqp_user, ".*", ".*", ".*")
    redis_server, redis_url = _start_redis()
    processes: list[Process] = []
    try:
        versions = _versions(pg_url, redis_url)
        environ = {
            "ALBATROSS_DATABASE_URL": pg_url,
            "ALBATROSS_CACHE_URL": redis_url,
            "ALBATROSS_BROKER_URL": amqp_url,
        }
        with tempfile.TemporaryDirectory(prefix="albatross-bench-live-") as directory:
            a = Process("serve", environ, directory, free_port())
            processes.append(a)
            a.wait_for_line(r"^Listening on ")
            password = admin_password(a)
            b = start_serve(environ, directory)
            processes.append(b)
            worker = Process("worker", environ, directory)
            processes.append(worker)
            worker.wait_for_line(r"^Worker running projections")
            progress(f"live, production: 2 serve + 1 worker started: {time.perf_counter() - began:.0f} s")
            outcome = asyncio.run(measure("production", a, b, password, began))
    finally:
        for process in reversed(processes):
            process.stop()
        redis_server.terminate()
        redis_server.wait(timeout=10)
        with contextlib.suppress(Exception):
            asyncio.run(_admin(pg_url, drop, database="postgres"))
        with contextlib.suppress(Exception):
            _rabbitmqctl("delete_vhost", VHOST)
    return outcome, versions


# ---------------------------------------------------------------- report


def _raise_open_files() -> None:
    """Room for CLIENTS sockets here (the servers, started from here, inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = CLIENTS * 2 + 1024
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(
            resource.RLIMIT_NOFILE, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard)
        )


def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f}"


def run(began: float) -> bool:
    """Measures and prints the live-feed part; False when a frame was missed."""
    _raise_open_files()
    print(
        f"\nLive feed: {CLIENTS} WebSocket clients (websockets {_version('websockets')}, in the benchmark "
        f"process) on GET /api/v1/ws as the platform admin; {COMMANDS} airline renames after {WARMUP} "
        f"warm-up ones, one after another, each once every client has the previous frame, {PAUSE * 1000:.0f} ms "
        f"later; a sample is a (client, command) pair: HTTP answer received -> that client's frame received.",
        flush=True,
    )
    outcomes = [embedded(began)]
    reason = production_skip_reason()
    versions = ""
    if reason is None:
        outcome, versions = production(began)
        outcomes.append(outcome)

    rows = []
    for o in outcomes:
        rows.append(
            [
                o.mode,
                f"{len(o.latencies):,}",
                str(o.missed),
                sig3(_percentile(o.latencies, 50)),
                sig3(_percentile(o.latencies, 99)),
                sig3(max(o.latencies)),
                sig3(_percentile(o.first_ms, 50)),
                sig3(_percentile(o.spread_ms, 50)),
                sig3(o.connect_s),
                _mib(o.rss_before_kib),
                _mib(o.rss_connected_kib),
                sig3((o.rss_connected_kib - o.rss_before_kib) / CLIENTS),
                _mib(o.hwm_kib),
                sig3(o.serve_cpu_ms),
                sig3(o.clients_cpu_ms),
            ]
        )
    table(
        f"Live feed latency, command acknowledged -> frame received at each of {CLIENTS} clients "
        f"(ms; first = the first client's, spread = last client's frame - first's, medians over the "
        f"commands; memory and CPU of the serve process holding the clients)",
        [
            "mode",
            "samples",
            "missed",
            "p50 ms",
            "p99 ms",
            "max ms",
            "first ms",
            "spread ms",
            "connect s",
            "RSS before MiB",
            "with clients MiB",
            "KiB/client",
            "VmHWM MiB",
            "serve CPU ms/cmd",
            "clients CPU ms/cmd",
        ],
        rows,
    )
    if reason is None:
        print(
            f"  production: serve A takes the commands, serve B holds the clients, one worker; {versions}, "
            f"RabbitMQ vhost {VHOST}"
        )
    else:
        print(f"\nLive feed, production skipped: {reason}.")
    ok = True
    for o in outcomes:
        if o.missed or o.duplicates or o.unexpected:
            ok = False
            print(
                f"  [FAILED] {o.mode}: {o.missed} frames missed, {o.duplicates} duplicated, "
                f"{o.unexpected} unexpected (all must be 0)"
            )
    return ok
