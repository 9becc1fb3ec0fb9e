"""A real Albatross server (uvicorn, as `serve` runs it) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, async_playwright

from albatross.bootstrap import build_services
from albatross.config import load_settings
from albatross.identity.auth import handle_create_platform_admin
from albatross.services import Services
from albatross.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN_PASSWORD = "the admin's long password"
STAFF_PASSWORD = "the staff's long password"
ONE_TIME = "one-time password 1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def serving(services: Services) -> AsyncIterator[str]:
    """The app on a free loopback port, in this event loop, as `serve` runs it; yields its URL."""
    port = free_port()
    config = uvicorn.Config(create_app(services), host="127.0.0.1", port=port, log_config=None, lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@dataclass
class Site:
    url: str
    http: httpx.AsyncClient
    admin: dict[str, str]
    tenant_id: str
    aircraft: str
    """The airline's one aircraft, as the form's select shows it."""


async def _ok(
    http: httpx.AsyncClient, method: str, path: str, headers: dict[str, str], body: Any = None
) -> Any:
    response = await http.request(method, path, json=body, headers=headers)
    assert response.status_code in (200, 201, 204), response.text
    return response.json() if response.content else None


async def _login(http: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    token = (await _ok(http, "POST", "/api/v1/auth/login", {}, {"username": username, "password": password}))[
        "token"
    ]
    return {"Authorization": f"Bearer {token}"}


async def _user(http: httpx.AsyncClient, admin: dict[str, str], tenant_id: str, name: str, role: str) -> None:
    body = {
        "username": name,
        "email": f"{name}@example.org",
        "password": ONE_TIME,
        "name": name.title(),
        "role": role,
        "tenant_id": tenant_id,
    }
    await _ok(http, "POST", "/api/v1/users", admin, body)


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    """An airline (NVA) with staff `staff` (own password set), pilot `pilot` (still on the
    one-time password), airports KJFK and KBOS and one aircraft."""
    services = await build_services(load_settings(environ={"ALBATROSS_DATA_DIR": str(tmp_path)}))
    password = await handle_create_platform_admin(services.identity)
    assert password is not None
    async with serving(services) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        admin = await _login(http, "admin", password)
        change = {"current_password": password, "new_password": ADMIN_PASSWORD}
        await _ok(http, "POST", "/api/v1/auth/password", admin, change)
        tenant_id = (await _ok(http, "POST", "/api/v1/tenants", admin, {"name": "Nova Air", "icao": "NVA"}))[
            "id"
        ]
        await _user(http, admin, tenant_id, "staff", "tenant_admin")
        staff = await _login(http, "staff", ONE_TIME)
        change = {"current_password": ONE_TIME, "new_password": STAFF_PASSWORD}
        await _ok(http, "POST", "/api/v1/auth/password", staff, change)
        await _user(http, admin, tenant_id, "pilot", "pilot")
        base = f"/api/v1/tenants/{tenant_id}"
        await _ok(http, "PUT", f"{base}/airports/KJFK", staff, {"hub": True})
        await _ok(http, "PUT", f"{base}/airports/KBOS", staff, {})
        subfleet = (
            await _ok(http, "POST", f"{base}/subfleets", staff, {"type": "B738", "name": "Boeing 737-800"})
        )["id"]
        aircraft = {"registration": "N100NV", "name": "Ship 100", "subfleet_id": subfleet, "home": "KJFK"}
        await _ok(http, "POST", f"{base}/aircraft", staff, aircraft)
        yield Site(url, http, admin, tenant_id, "N100NV · Ship 100")
    await services.close()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        await launched.close()
