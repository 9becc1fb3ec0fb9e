"""Real `albatross serve` and `albatross worker` processes on the real servers of `./dev test`."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import AMQP_URL, NO_AMQP, NO_POSTGRES, NO_REDIS, POSTGRES_URL, REDIS_URL

START_TIMEOUT = 60.0


def production_environment() -> dict[str, str]:
    for url, reason in ((POSTGRES_URL, NO_POSTGRES), (REDIS_URL, NO_REDIS), (AMQP_URL, NO_AMQP)):
        if not url:
            pytest.skip(reason)
    return {
        "ALBATROSS_DATABASE_URL": POSTGRES_URL,
        "ALBATROSS_CACHE_URL": REDIS_URL,
        "ALBATROSS_BROKER_URL": AMQP_URL,
        "ALBATROSS_READ_WAIT_SECONDS": "20",
        "ALBATROSS_LOG_LEVEL": "WARNING",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Process:
    """One `python -m albatross <command>` with its output collected by a thread."""

    def __init__(self, command: str, environ: dict[str, str], cwd: Path, port: int | None = None) -> None:
        self.command = command
        self.port = port
        env = {k: v for k, v in os.environ.items() if not k.startswith("ALBATROSS_")} | environ
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

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for_line(self, pattern: str, timeout: float = START_TIMEOUT) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if match := re.search(pattern, line):
                    return match
            if self.popen.poll() is not None:
                raise AssertionError(f"{self.command} exited ({self.popen.returncode}):\n{self.output}")
            time.sleep(0.05)
        raise AssertionError(f"{self.command}: no line matching {pattern!r} in {timeout} s:\n{self.output}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """kill -9: no shutdown, no flush, no goodbye."""
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def start_serve(environ: dict[str, str], cwd: Path, port: int | None = None) -> Process:
    process = Process("serve", environ, cwd, port or free_port())
    process.wait_for_line(r"^Listening on ")
    return process


def start_worker(environ: dict[str, str], cwd: Path) -> Process:
    process = Process("worker", environ, cwd)
    process.wait_for_line(r"^Worker running projections")
    return process


def admin_token(serve: Process, password: str) -> str:
    """Log in as the platform admin and replace the one-time password; returns a bearer token."""
    with httpx.Client(base_url=serve.url, timeout=30) as client:
        token = client.post("/api/v1/auth/login", json={"username": "admin", "password": password}).json()[
            "token"
        ]
        changed = client.post(
            "/api/v1/auth/password",
            json={"current_password": password, "new_password": "a long new password"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert changed.status_code == 204, changed.text
        return str(token)


UNIT_QUEUES = [
    "albatross.identity.tenants",
    "albatross.identity.users",
    "albatross.operations",
    "albatross.finance",
    "albatross.flights",
    "albatross.notifications",
    "albatross.dead-letters",
]


async def empty_services() -> None:
    """A fresh schema, an empty Redis, no queues left by earlier tests."""
    from redis.asyncio import Redis

    from tests.conftest import delete_queues, fresh_postgres

    writer, reader = await fresh_postgres()
    await writer.dispose()
    await reader.dispose()
    redis = Redis.from_url(REDIS_URL)
    await redis.flushdb()
    await redis.aclose()
    await delete_queues(*UNIT_QUEUES)


class Cluster:
    """Two serve and two worker processes on the same PostgreSQL, Redis and RabbitMQ."""

    def __init__(self, environ: dict[str, str], cwd: Path) -> None:
        self.environ = environ
        self.cwd = cwd
        first = start_serve(environ, cwd)
        password = first.wait_for_line(r"Platform admin created: username=admin password=(\S+)").group(1)
        self.serves = [first, start_serve(environ, cwd)]
        self.workers = [start_worker(environ, cwd) for _ in range(2)]
        self.token = admin_token(first, password)

    def processes(self) -> list[Process]:
        return [*self.serves, *self.workers]

    def stop(self) -> None:
        for process in self.processes():
            process.stop()
