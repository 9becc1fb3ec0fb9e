"""The single binary dist/albatross, built for real and run like an operator would run it.

The binary is (re)built with build/build.sh when it is missing or older than any source it is
made from. Every run happens from a temporary directory with a clean environment (PATH, HOME
and ALBATROSS_DATA_DIR only), so nothing from the checkout or the dev venv can leak in.
Only the standard library talks to the binary, but for one walk through the pages in Chromium.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / "dist" / "albatross"
SOURCES = ("src", "adapters", "migrations", "build", "pyproject.toml", "requirements.lock")
BUILD_WORK = ROOT / "build" / "work"  # the build's own scratch space, not a source
BUILD_TIMEOUT = 1800.0
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
HTTP_TIMEOUT = 15.0
HOST = "127.0.0.1"
NEW_PASSWORD = "smoke-test-admin-password"
PASSWORD_LINE = re.compile(r"^Platform admin created: username=admin password=(\S+)$")
LISTENING = "Listening on http://"
# No proxy for loopback, whatever the environment of the test run says.
HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in SOURCES:
        top = ROOT / name
        if top.is_file():
            newest = max(newest, top.stat().st_mtime)
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            here = Path(dirpath)
            dirnames[:] = [d for d in dirnames if d != "__pycache__" and here / d != BUILD_WORK]
            for filename in filenames:
                if not filename.endswith(".pyc"):
                    newest = max(newest, (here / filename).stat().st_mtime)
    return newest


@pytest.fixture(scope="module")
def binary() -> Path:
    """dist/albatross, built first when missing or out of date."""
    newest = _newest_source_mtime()
    if not BINARY.exists() or BINARY.stat().st_mtime < newest:
        try:
            result = subprocess.run(
                ["bash", str(ROOT / "build" / "build.sh")],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=BUILD_TIMEOUT,
            )
        except subprocess.TimeoutExpired as exc:
            pytest.fail(
                f"build/build.sh did not finish in {BUILD_TIMEOUT:.0f} s:\n{exc.stdout}\n{exc.stderr}"
            )
        if result.returncode != 0:
            pytest.fail(
                f"build/build.sh failed ({result.returncode}):\n{result.stdout[-5000:]}\n{result.stderr[-5000:]}"
            )
    assert BINARY.is_file() and os.access(BINARY, os.X_OK), f"{BINARY} was not built"
    # Against the sources as they were when the build started (they may change meanwhile).
    assert BINARY.stat().st_mtime >= newest, "build/build.sh did not replace dist/albatross"
    return BINARY


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "ALBATROSS_DATA_DIR": str(home / "data"), **extra}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def project_version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def call(method: str, url: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    """One JSON request; returns (status, decoded body or None) for any HTTP status."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with HTTP.open(request, timeout=HTTP_TIMEOUT) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    return status, (json.loads(raw) if raw else None)


class Server:
    """`albatross serve` as a child process, its output collected line by line."""

    def __init__(self, binary: Path, home: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._changed = threading.Condition()
        self.started = time.monotonic()
        # Its own session, so the whole group (the onefile bootloader and the Python process it
        # unpacks and starts) can be killed if the graceful stop does not work.
        self.proc = subprocess.Popen(
            [str(binary), "serve", "--port", str(self.port)],
            cwd=home,
            env={**clean_env(home), **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            start_new_session=True,
        )
        self._readers = [
            threading.Thread(target=self._read, args=(self.proc.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: Any, lines: list[str]) -> None:
        for line in stream:
            with self._changed:
                lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def output(self) -> str:
        with self._changed:
            return "stdout:\n" + "\n".join(self.stdout) + "\nstderr:\n" + "\n".join(self.stderr)

    def wait_for_stdout(self, prefix: str, timeout: float = START_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self.stdout:
                    if line.startswith(prefix):
                        return line
                remaining = deadline - time.monotonic()
                if self.proc.poll() is not None and not any(r.is_alive() for r in self._readers):
                    pytest.fail(f"albatross exited ({self.proc.returncode}) before printing {prefix!r}")
                if remaining <= 0:
                    pytest.fail(f"albatross printed no {prefix!r} line within {timeout:.0f} s")
                self._changed.wait(min(remaining, 0.5))

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> float:
        """Polls /health until it answers 200; returns seconds since launch."""
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                pytest.fail(f"albatross exited ({self.proc.returncode}) before /health answered")
            try:
                status, body = call("GET", f"{self.base}/health")
                if status == 200:
                    assert body["status"] == "ok"
                    return time.monotonic() - self.started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"/health did not answer 200 within {timeout:.0f} s")
            time.sleep(0.05)

    def stop(self) -> int:
        """SIGTERM, then wait (bounded) for the process to exit; returns its exit status."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"albatross did not stop within {STOP_TIMEOUT:.0f} s of SIGTERM")

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=STOP_TIMEOUT)
        for reader in self._readers:
            reader.join(timeout=5)


@contextlib.contextmanager
def serving(binary: Path, home: Path, env: dict[str, str] | None = None) -> Iterator[Server]:
    server = Server(binary, home, env)
    try:
        yield server
    except BaseException:
        print(server.output())  # shown by pytest for the failing test
        raise
    finally:
        server.kill()


def login(server: Server, password: str) -> str:
    status, body = call(
        "POST", f"{server.base}/api/v1/auth/login", {"username": "admin", "password": password}
    )
    assert status == 200, (status, body)
    return body["token"]


def test_version(binary: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(binary), "version"],
        cwd=tmp_path,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"albatross {project_version()}\n"


def test_a_bad_setting_is_one_line_on_stderr(binary: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(binary), "serve"],
        cwd=tmp_path,
        env=clean_env(tmp_path, ALBATROSS_PORT="notaport"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "ALBATROSS_PORT" in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "data").exists(), "nothing is created when the settings are wrong"


def test_serve_keeps_its_data_across_a_restart(binary: Path, tmp_path: Path) -> None:
    # First start: a new database and a one-time admin password on stdout.
    with serving(binary, tmp_path) as server:
        server.wait_for_stdout(LISTENING)
        password_lines = [m for line in server.stdout if (m := PASSWORD_LINE.match(line))]
        assert len(password_lines) == 1, server.output()
        one_time_password = password_lines[0].group(1)
        assert f"{LISTENING}{HOST}:{server.port}" in server.stdout
        seconds = server.wait_healthy()
        print(f"first /health after {seconds:.2f} s")

        token = login(server, one_time_password)
        status, body = call(
            "POST",
            f"{server.base}/api/v1/auth/password",
            {"current_password": one_time_password, "new_password": NEW_PASSWORD},
            token,
        )
        assert status == 204, (status, body)

        token = login(server, NEW_PASSWORD)
        status, created = call(
            "POST", f"{server.base}/api/v1/tenants", {"name": "Smoke Air", "icao": "SMK"}, token
        )
        assert status == 201, (status, created)
        position = created["position"]

        # Operations in the binary: the airports' reference data (airportsdata's files) and a
        # phpVMS-format import.
        status, distance = call("GET", f"{server.base}/api/v1/airports/KJFK/distance/KSFO", token=token)
        assert status == 200 and abs(distance["nmi"] - 2242) < 5, (status, distance)
        flights_csv = b"airline,flight_number,dpt_airport,arr_airport,flight_time\nSMK,1,KJFK,KSFO,370\n"
        request = urllib.request.Request(
            f"{server.base}/api/v1/tenants/{created['id']}/import/flights",
            data=flights_csv,
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
        )
        with HTTP.open(request, timeout=HTTP_TIMEOUT) as response:
            report = json.loads(response.read())
        assert (report["created"], report["errors"]) == (1, []), report

        # Identity in the binary: the breached-password list (zxcvbn), the personal-data vault
        # (cryptography) and an API key sent as X-API-Key.
        member = {
            "username": "smoke.pilot",
            "email": "smoke@example.org",
            "password": "qwertyuiop",
            "name": "Smoke Pilot",
            "tenant_id": created["id"],
        }
        status, body = call("POST", f"{server.base}/api/v1/users", member, token)
        assert status == 400 and body["errors"][0]["message"] == "commonly breached", (status, body)
        status, pilot = call(
            "POST", f"{server.base}/api/v1/users", {**member, "password": "a decent password"}, token
        )
        assert status == 201, (status, pilot)
        status, issued = call(
            "POST", f"{server.base}/api/v1/users/{pilot['id']}/api-keys", {"name": "acars"}, token
        )
        assert status == 201 and issued["key"].startswith("alb_"), (status, issued)
        request = urllib.request.Request(f"{server.base}/api/v1/me", headers={"X-API-Key": issued["key"]})
        with HTTP.open(request, timeout=HTTP_TIMEOUT) as response:
            assert json.loads(response.read())["username"] == "smoke.pilot"
        status, view = call(
            "GET", f"{server.base}/api/v1/users/{pilot['id']}?min_position={issued['position']}", token=token
        )
        assert (status, view["email"], view["pilot_id"]) == (200, "smoke@example.org", "SMK0001"), (
            status,
            view,
        )

        exit_status = server.stop()
        assert exit_status in (0, -signal.SIGTERM, 128 + signal.SIGTERM), server.output()
        assert "Traceback" not in server.output()
    assert (tmp_path / "data" / "albatross.db").is_file()

    # Second start, same data directory: no new password, the changed one still works and the
    # airline is still there.
    with serving(binary, tmp_path) as server:
        server.wait_for_stdout(LISTENING)
        assert not any(line.startswith("Platform admin created") for line in server.stdout), server.output()
        server.wait_healthy()

        status, body = call(
            "POST", f"{server.base}/api/v1/auth/login", {"username": "admin", "password": one_time_password}
        )
        assert status == 401, (status, body)
        token = login(server, NEW_PASSWORD)
        status, page = call("GET", f"{server.base}/api/v1/tenants?min_position={position}", token=token)
        assert status == 200, (status, page)
        assert [(t["name"], t["icao"]) for t in page["items"]] == [("Smoke Air", "SMK")]

        assert server.stop() in (0, -signal.SIGTERM, 128 + signal.SIGTERM), server.output()
        assert "Traceback" not in server.output()


def test_the_same_binary_runs_on_postgresql_and_redis_by_configuration(binary: Path, tmp_path: Path) -> None:
    import asyncio

    from tests.conftest import NO_POSTGRES, NO_REDIS, POSTGRES_URL, REDIS_URL, fresh_postgres

    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    if not REDIS_URL:
        pytest.skip(NO_REDIS)

    async def empty_database() -> None:
        writer, reader = await fresh_postgres()
        async with writer.begin() as conn:  # fresh_postgres migrates; the binary must do it itself
            await conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            await conn.exec_driver_sql("CREATE SCHEMA public")
        await writer.dispose()
        await reader.dispose()

    asyncio.run(empty_database())
    production = {"ALBATROSS_DATABASE_URL": POSTGRES_URL, "ALBATROSS_CACHE_URL": REDIS_URL}
    with serving(binary, tmp_path, production) as server:
        server.wait_for_stdout(LISTENING)
        password = next(m.group(1) for line in server.stdout if (m := PASSWORD_LINE.match(line)))
        server.wait_healthy()
        status, ready = call("GET", f"{server.base}/ready")
        assert status == 200 and ready["checks"]["migrations"]["ok"], (status, ready)
        token = login(server, password)
        status, me = call("GET", f"{server.base}/api/v1/me", token=token)
        assert status == 200 and me["username"] == "admin"
        assert server.stop() in (0, -signal.SIGTERM, 128 + signal.SIGTERM), server.output()
        assert "Traceback" not in server.output()


def test_the_binary_fills_a_demo_airline(binary: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(binary), "demo"],
        env=clean_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("password=") >= 11, result.stdout
    again = subprocess.run(
        [str(binary), "demo"],
        env=clean_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 2 and "Traceback" not in again.stderr, again.stderr


async def test_a_new_user_runs_an_airline_in_the_browser_on_the_binary(binary: Path, tmp_path: Path) -> None:
    """Issue 8's "done when" on the real binary (offline: templates, static files and the world
    outline come from inside it): first sign-in to an accepted PIREP and a finance report."""
    from playwright.async_api import async_playwright

    from tests.browser.airline_from_scratch import run_an_airline
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    with serving(binary, tmp_path) as server:
        server.wait_for_stdout(LISTENING)
        one_time = next(m for line in server.stdout if (m := PASSWORD_LINE.match(line))).group(1)
        server.wait_healthy()
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                await run_an_airline(browser, server.base, one_time)
            finally:
                await browser.close()
        assert "Traceback" not in server.output()
