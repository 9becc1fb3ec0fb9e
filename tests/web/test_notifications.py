"""Change envelopes reach subscribers of the right channels through Litestar's channels
(memory backend): the real plugin, started by the app's own lifespan."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from litestar.channels import ChannelsPlugin

from albatross.bootstrap import build_services
from albatross.config import load_settings
from albatross.identity.auth import handle_create_platform_admin
from albatross.web.app import create_app


async def next_envelope(events: AsyncIterator[bytes], timeout: float = 5) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(anext(events), timeout))


async def test_changes_reach_their_channels_after_the_read_models(tmp_path: Path) -> None:
    services = await build_services(load_settings(environ={"ALBATROSS_DATA_DIR": str(tmp_path)}))
    password = await handle_create_platform_admin(services.identity)
    channels = services.notifier
    assert isinstance(channels, ChannelsPlugin)
    app = create_app(services)
    try:
        async with app.lifespan():  # starts the channels plugin and the projection runner
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://albatross.test") as client:
                login = await client.post(
                    "/api/v1/auth/login", json={"username": "admin", "password": password}
                )
                headers = {"Authorization": f"Bearer {login.json()['token']}"}
                await client.post(
                    "/api/v1/auth/password",
                    json={"current_password": password, "new_password": "a long new password"},
                    headers=headers,
                )
                async with channels.start_subscription(["platform"]) as platform:
                    platform_events = platform.iter_events()
                    created = (
                        await client.post(
                            "/api/v1/tenants", json={"name": "Nova", "icao": "NVA"}, headers=headers
                        )
                    ).json()
                    envelope = await next_envelope(platform_events)
                    while envelope["event_type"] != "TenantCreated":  # e.g. the admin's PasswordSet
                        envelope = await next_envelope(platform_events)
                    assert envelope["position"] == created["position"]
                    assert envelope["meta"]["tenant_id"] == created["id"]
                    assert envelope["data"] == {"tenant_id": created["id"], "name": "Nova", "icao": "NVA"}
                    assert envelope["channels"] == ["platform", f"tenant:{created['id']}"]
                    # Announced only once the read models have it: querying now finds it.
                    found = await client.get(f"/api/v1/tenants/{created['id']}", headers=headers)
                    assert found.status_code == 200

                    async with (
                        channels.start_subscription([f"tenant:{created['id']}"]) as nova,
                        channels.start_subscription(["tenant:someone-else"]) as other,
                    ):
                        renamed = await client.patch(
                            f"/api/v1/tenants/{created['id']}", json={"name": "Nova Air"}, headers=headers
                        )
                        envelope = await next_envelope(nova.iter_events())
                        assert (envelope["event_type"], envelope["position"]) == (
                            "TenantRenamed",
                            renamed.json()["position"],
                        )
                        other_events = other.iter_events()
                        try:
                            leaked = await next_envelope(other_events, timeout=0.5)
                        except TimeoutError:
                            leaked = None
                        assert leaked is None
                    # Logins are never announced: their stream ids are token digests.
                    await client.post(
                        "/api/v1/auth/login", json={"username": "admin", "password": "a long new password"}
                    )
                    await client.patch(
                        f"/api/v1/tenants/{created['id']}", json={"name": "Nova Air 2"}, headers=headers
                    )
                    seen = []
                    while not seen or seen[-1]["event_type"] != "TenantRenamed":
                        seen.append(await next_envelope(platform_events))
                    assert all(not e["meta"]["stream_id"].startswith(("session-", "unique-")) for e in seen)
    finally:
        await services.close()
