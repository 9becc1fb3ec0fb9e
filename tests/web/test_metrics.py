"""GET /metrics: Prometheus text with requests by route template, commands, appends and the
projection lag; no ids in it, and an answer even when the database is away."""

from __future__ import annotations

import asyncio

import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from albatross.adapters import metrics as metrics_adapter
from tests.web.conftest import Api

TENANT_ROUTE = "/api/v1/tenants/{tenant_id}"


async def scrape(api: Api) -> tuple[str, dict[str, list[Sample]]]:
    response = await api.client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    families = {f.name: f.samples for f in text_string_to_metric_families(response.text)}
    return response.text, families


def value(samples: list[Sample], name: str, **labels: str) -> float:
    """The sample `name` with exactly these labels, or 0 when there is none (yet)."""
    found = [s.value for s in samples if s.name == name and s.labels == labels]
    assert len(found) <= 1
    return found[0] if found else 0.0


def labelled(samples: list[Sample], name: str) -> dict[str, float]:
    return {s.labels["projection"]: s.value for s in samples if s.name == name}


async def test_requests_commands_appends_and_lag_are_exposed(api: Api, admin: dict[str, str]) -> None:
    _, before = await scrape(api)
    requests_before = value(
        before["albatross_http_requests"],
        "albatross_http_requests_total",
        method="GET",
        route=TENANT_ROUTE,
        status="200",
    )
    created = await api.client.post(
        "/api/v1/tenants", json={"name": "Nova Air", "icao": "NVA"}, headers=admin
    )
    assert created.status_code == 201
    tenant_id, position = created.json()["id"], created.json()["position"]
    for _ in range(2):
        one = await api.client.get(f"/api/v1/tenants/{tenant_id}?min_position={position}", headers=admin)
        assert one.status_code == 200
    assert (await api.client.get("/api/v1/tenants/no-such-airline", headers=admin)).status_code == 404
    assert (await api.client.get(f"/nowhere/{tenant_id}")).status_code == 404
    await api.services.runner.wait_for(await api.services.store.last_position(), 5)

    text, families = await scrape(api)

    requests = families["albatross_http_requests"]
    by_route = {"method": "GET", "route": TENANT_ROUTE}
    assert value(requests, "albatross_http_requests_total", **by_route, status="200") == requests_before + 2
    assert value(requests, "albatross_http_requests_total", **by_route, status="404") == 1
    assert (
        value(requests, "albatross_http_requests_total", method="POST", route="/api/v1/tenants", status="201")
        == 1
    )
    assert (
        value(requests, "albatross_http_requests_total", method="GET", route="unmatched", status="404") == 1
    )
    latency = families["albatross_http_request_duration_seconds"]
    assert value(latency, "albatross_http_request_duration_seconds_count", **by_route, status="200") >= 2

    commands = families["albatross_command_duration_seconds"]
    labels = {"command": "create_tenant", "outcome": "ok"}
    assert value(commands, "albatross_command_duration_seconds_count", **labels) == 1
    assert value(commands, "albatross_command_duration_seconds_sum", **labels) > 0

    appends = families["albatross_event_store_append_duration_seconds"]
    appended = value(appends, "albatross_event_store_append_duration_seconds_count")
    assert appended >= 3  # the admin's password change and login, the airline
    events = value(families["albatross_events_appended"], "albatross_events_appended_total")
    assert events >= appended + 1  # the airline came with its code's claim, in one append

    lag = labelled(families["albatross_projection_lag_events"], "albatross_projection_lag_events")
    assert set(lag) == {p.name for p in api.services.runner.projections}
    assert all(v == 0 for v in lag.values()), lag

    assert value(families["albatross_websocket_clients"], "albatross_websocket_clients") == 0
    me = (await api.client.get("/api/v1/me", headers=admin)).json()
    assert tenant_id not in text and me["id"] not in text and "NVA" not in text


async def test_the_lag_shows_what_projections_have_not_applied_yet(api: Api, admin: dict[str, str]) -> None:
    api.runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await api.runner
    await api.client.post("/api/v1/tenants", json={"name": "Nova Air", "icao": "NVA"}, headers=admin)
    _, families = await scrape(api)
    lag = labelled(families["albatross_projection_lag_events"], "albatross_projection_lag_events")
    assert lag and all(v >= 2 for v in lag.values()), lag  # the airline and its code's claim at least


async def test_without_the_database_the_scrape_still_answers_without_the_lag(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def away() -> int:
        raise OSError("connection refused")

    _, families = await scrape(api)
    assert labelled(families["albatross_projection_lag_events"], "albatross_projection_lag_events")
    monkeypatch.setattr(api.services.store, "last_position", away)
    _, families = await scrape(api)
    assert labelled(families["albatross_projection_lag_events"], "albatross_projection_lag_events") == {}
    assert "albatross_http_requests" in families


async def test_a_hanging_database_does_not_hang_the_scrape(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    async def hangs() -> int:
        await asyncio.sleep(60)
        return 0

    monkeypatch.setattr(metrics_adapter, "LAG_TIMEOUT_SECONDS", 0.05)
    monkeypatch.setattr(api.services.store, "last_position", hangs)
    _, families = await asyncio.wait_for(scrape(api), 5)
    assert labelled(families["albatross_projection_lag_events"], "albatross_projection_lag_events") == {}


async def test_metrics_are_not_in_the_api_document(api: Api) -> None:
    document = (await api.client.get("/schema/openapi.json")).json()
    assert "/metrics" not in document["paths"]
