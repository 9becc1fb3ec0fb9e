"""Schemathesis against a real `albatross serve`: every documented operation, fuzzed.

The server runs as its own process on a free port with a throw-away data directory. The
test logs in with the one-time admin password the server prints, changes it, logs in
again and hands the token to the schemathesis CLI. Logout and password change are left
out: the first would end the token's session, the second could change the password.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
HOST = "127.0.0.1"
NEW_PASSWORD = "schemathesis-admin-password"
CHECKS = ",".join(
    [
        "not_a_server_error",
        "response_schema_conformance",
        "content_type_conformance",
        "status_code_conformance",
    ]
)
# 50 examples per operation keep the run near two minutes on two cores as the API grows (100 took
# over four minutes under CI load); the timeout is a wall against a hang, not a budget.
MAX_EXAMPLES = 50
SEED = 20240601
STARTUP_SECONDS = 30.0
RUN_TIMEOUT_SECONDS = 900.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _local_env(**extra: str) -> dict[str, str]:
    """The environment minus any proxy, so nothing leaves 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["NO_PROXY"] = env["no_proxy"] = HOST
    env.update(extra)
    return env


def _call(base: str, method: str, path: str, body: dict[str, str] | None = None, token: str = "") -> bytes:
    request = urllib.request.Request(
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def _login(base: str, password: str) -> str:
    return json.loads(_call(base, "POST", "/api/v1/auth/login", {"username": "admin", "password": password}))[
        "token"
    ]


def _wait_for_start(server: subprocess.Popen[bytes], log: Path, base: str) -> str:
    """The one-time password from the server's output, once /health answers."""
    deadline = time.monotonic() + STARTUP_SECONDS
    password = None
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"server exited with {server.returncode}:\n{log.read_text(errors='replace')}")
        if password is None:
            match = re.search(r"Platform admin created: username=admin password=(\S+)", log.read_text())
            password = match.group(1) if match else None
        if password is not None:
            try:
                _call(base, "GET", "/health")
                return password
            except (urllib.error.URLError, ConnectionError):
                pass
        time.sleep(0.1)
    pytest.fail(f"server did not start in {STARTUP_SECONDS} s:\n{log.read_text(errors='replace')}")


def test_schemathesis_finds_nothing(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://{HOST}:{port}"
    log = tmp_path / "server.log"
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "albatross", "serve", "--host", HOST, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=_local_env(ALBATROSS_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1"),
            cwd=tmp_path,
        )
    try:
        one_time = _wait_for_start(server, log, base)
        first = _login(base, one_time)
        _call(
            base,
            "POST",
            "/api/v1/auth/password",
            {"current_password": one_time, "new_password": NEW_PASSWORD},
            token=first,
        )
        token = _login(base, NEW_PASSWORD)

        command = [
            str(SCHEMATHESIS),
            "run",
            f"{base}/schema/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--exclude-name",
            "POST /api/v1/auth/logout",
            "--exclude-name",
            "POST /api/v1/auth/password",
            "--checks",
            CHECKS,
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            "--generation-database",
            "none",
            "--workers",
            "2",
            "--request-timeout",
            "10",
            "--no-color",
        ]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_SECONDS,
            env=_local_env(),
            cwd=tmp_path,
            check=False,
        )
        output = result.stdout + result.stderr
        print(output)
        assert result.returncode == 0, (
            f"schemathesis exited with {result.returncode}:\n{output}\n"
            f"--- server log (tail) ---\n{log.read_text(errors='replace')[-5000:]}"
        )
        # Nothing secret in a real server's output (access log included) after ~1,000 requests;
        # the one-time password is the single line printed on purpose, at first start.
        server_output = log.read_text(errors="replace")
        for secret in (token, first, NEW_PASSWORD):
            assert secret not in server_output
        assert server_output.count(one_time) == 1
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
