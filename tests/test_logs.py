"""`serve` with ALBATROSS_LOG_FORMAT=json: every log line is one JSON object; one per request and
per command; no secret in any of them."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _call(
    base: str, method: str, path: str, body: object = None, token: str | None = None
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json", "X-Request-ID": "trace-me-1"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


async def _open_feed(url: str) -> None:
    import websockets

    async with websockets.connect(url) as ws:
        assert json.loads(await ws.recv())["type"] == "welcome"


def test_json_logs_have_one_line_per_request_and_command_and_no_secrets(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "PATH": "/usr/bin:/bin",
        "ALBATROSS_DATA_DIR": str(tmp_path / "data"),
        "ALBATROSS_LOG_FORMAT": "json",
    }
    out, err = tmp_path / "out.log", tmp_path / "err.log"
    with out.open("w") as stdout, err.open("w") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "albatross", "serve", "--port", str(port)],
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 30
        while "Listening on" not in out.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        password = re.search(r"password=(\S+)", out.read_text())
        assert password is not None, out.read_text() + err.read_text()
        one_time = password.group(1)
        status, login = _call(base, "POST", "/api/v1/auth/login", {"username": "admin", "password": one_time})
        assert status == 200
        token = login["token"]
        new_password = "a long new password"
        assert (
            _call(
                base,
                "POST",
                "/api/v1/auth/password",
                {"current_password": one_time, "new_password": new_password},
                token,
            )[0]
            == 204
        )
        assert _call(base, "POST", "/api/v1/tenants", {"name": "Log Air", "icao": "LOG"}, token)[0] == 201
        assert (
            _call(base, "POST", "/api/v1/auth/login", {"username": "admin", "password": "wrong password!"})[0]
            == 401
        )
        # A live-feed ticket rides in the URL: the handshake's log line must not carry it.
        status, ticket = _call(base, "POST", "/api/v1/ws/tickets", None, token)
        assert status == 201
        asyncio.run(_open_feed(f"ws://127.0.0.1:{port}/api/v1/ws?ticket={ticket['ticket']}"))
    finally:
        server.terminate()
        server.wait(timeout=15)
    lines = [line for line in err.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is JSON
    http = [r for r in records if r["logger"] == "albatross.http"]
    assert {(r["method"], r["path"], r["status"]) for r in http} >= {
        ("POST", "/api/v1/auth/login", 200),
        ("POST", "/api/v1/auth/password", 204),
        ("POST", "/api/v1/tenants", 201),
        ("POST", "/api/v1/auth/login", 401),
    }
    assert all(r["request_id"] == "trace-me-1" and r["duration_ms"] >= 0 for r in http)
    commands = {(r["command"], r["outcome"]) for r in records if r["logger"] == "albatross.commands"}
    assert {("create_tenant", "ok"), ("change_password", "ok")} <= commands
    everything = err.read_text()
    handshakes = [r["message"] for r in records if "WebSocket" in r["message"]]
    assert handshakes and all("127.0.0.1" not in m for m in handshakes)  # no address, and (below) no ticket
    for secret in (one_time, new_password, token, "wrong password!", ticket["ticket"]):
        assert secret not in everything
