"""Liveness, readiness and metrics."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import MediaType, Response, get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec

from albatross import __version__
from albatross.services import Services


class Health(msgspec.Struct, frozen=True):
    status: str
    version: str


@get("/health", tags=["system"], security=[])
async def health() -> Health:
    """The process is up."""
    return Health("ok", __version__)


class Readiness(msgspec.Struct, frozen=True):
    status: str
    checks: dict[str, Any]


@get(
    "/ready",
    tags=["system"],
    security=[],
    responses={503: ResponseSpec(data_container=Readiness, description="A dependency is not ready")},
)
async def ready(services: NamedDependency[Services]) -> Response[Readiness]:
    """Adapters reachable, migrations applied, projections running (with their lag)."""
    checks = await services.readiness()
    ok = all(c.get("ok") for c in checks.values())
    return Response(Readiness("ready" if ok else "not-ready", checks), status_code=200 if ok else 503)


@get("/metrics", tags=["system"], security=[], include_in_schema=False)
async def metrics(services: NamedDependency[Services]) -> Response[bytes]:
    """Prometheus metrics, in the text exposition format.

    Unauthenticated, like /ready: operators keep it on their own network (or behind their
    proxy). It holds no secrets and no tenant data: labels are methods, route templates,
    statuses, command, outcome and projection names, never ids of people or airlines."""
    body, content_type = await services.metrics.render()
    # As a header: a text/* media type would get a second charset from Litestar.
    return Response(body, media_type=MediaType.TEXT, headers={"content-type": content_type})
