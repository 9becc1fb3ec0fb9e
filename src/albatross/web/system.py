"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Response, get
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
