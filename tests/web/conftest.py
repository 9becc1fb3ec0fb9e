"""An app over fresh services, and an admin who has replaced the one-time password."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from albatross.bootstrap import build_services
from albatross.config import load_settings
from albatross.identity.auth import handle_create_platform_admin
from albatross.services import Services
from albatross.web.app import create_app

ADMIN_PASSWORD = "a long and new password"
MEMBER_PASSWORD = "my own long password"


@dataclass
class Member:
    id: str
    username: str
    headers: dict[str, str]


@dataclass
class Api:
    client: httpx.AsyncClient
    services: Services
    one_time_password: str
    runner: asyncio.Task[None]

    async def login(self, username: str, password: str) -> dict[str, str]:
        response = await self.client.post(
            "/api/v1/auth/login", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    async def tenant(self, admin: dict[str, str], name: str, icao: str) -> str:
        response = await self.client.post("/api/v1/tenants", json={"name": name, "icao": icao}, headers=admin)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def user(
        self, creator: dict[str, str], username: str, role: str = "pilot", tenant_id: str | None = None
    ) -> Member:
        """Create an account, log in with its one-time password and replace it."""
        body = {
            "username": username,
            "email": f"{username}@example.org",
            "password": "one-time password 1",
            "name": f"{username.title()} Tester",
            "role": role,
        }
        if tenant_id is not None:
            body["tenant_id"] = tenant_id
        response = await self.client.post("/api/v1/users", json=body, headers=creator)
        assert response.status_code == 201, response.text
        user_id = response.json()["id"]
        headers = await self.login(username, "one-time password 1")
        changed = await self.client.post(
            "/api/v1/auth/password",
            json={"current_password": "one-time password 1", "new_password": MEMBER_PASSWORD},
            headers=headers,
        )
        assert changed.status_code == 204, changed.text
        return Member(user_id, username, headers)

    async def settle(self) -> None:
        """Wait until the read models include everything written so far."""
        await self.services.runner.wait_for(await self.services.store.last_position(), 5)


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[Api]:
    settings = load_settings(
        environ={"ALBATROSS_DATA_DIR": str(tmp_path / "data"), "ALBATROSS_READ_WAIT_SECONDS": "2"}
    )
    services = await build_services(settings)
    password = await handle_create_platform_admin(services.identity)
    assert password is not None
    # The projection runner runs in this test's event loop, as `serve` runs it in the app's.
    runner = asyncio.create_task(services.runner.run())
    transport = httpx.ASGITransport(app=create_app(services, run_projections=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://albatross.test") as client:
        yield Api(client, services, password, runner)
    runner.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await runner
    await services.close()


@pytest.fixture
async def admin(api: Api) -> dict[str, str]:
    """Headers of the platform admin after the first-login password change."""
    headers = await api.login("admin", api.one_time_password)
    response = await api.client.post(
        "/api/v1/auth/password",
        json={"current_password": api.one_time_password, "new_password": ADMIN_PASSWORD},
        headers=headers,
    )
    assert response.status_code == 204, response.text
    return headers
