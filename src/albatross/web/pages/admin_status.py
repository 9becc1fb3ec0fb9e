"""The platform admin's system status: readiness (the checks /ready makes), projection lag,
versions, which adapter serves each port, and how long this process has been up."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import time
from typing import Any

import sqlalchemy
from litestar import get
from litestar.di import NamedDependency

from albatross import __version__
from albatross.config import redact
from albatross.identity.policy import Principal
from albatross.services import Services
from albatross.web.pages.admin import admin_only
from albatross.web.pages.common import page

STARTED = time.time()  # when this module was loaded: as the app was built, so about the process' start
KINDS = {"sqlite": "SQLite", "memory": "memory", "postgresql": "PostgreSQL", "amqp": "AMQP", "redis": "Redis"}


def url_kind(url: str) -> str:
    """The kind of server a URL names: sqlite, memory, postgresql, amqp or redis."""
    scheme, sep, _ = url.partition("://")
    if not sep:
        return "unknown"
    scheme = scheme.split("+")[0].lower()
    return {"amqps": "amqp", "rediss": "redis"}.get(scheme, scheme)


def _since(seconds: float) -> str:
    minutes, _ = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h {minutes}m" if days else f"{hours}h {minutes}m"


async def _database_version(services: Services) -> str:
    try:
        async with services.reader.connect() as conn:
            info = conn.dialect.server_version_info
    except Exception as exc:  # a status page reports a database that is away, it does not fail
        return f"unavailable ({type(exc).__name__})"
    return ".".join(str(part) for part in info) if info else "unknown"


def _ports(services: Services) -> list[dict[str, str]]:
    settings = services.settings
    database = settings.resolved_database_url
    reader_url = services.reader.url.render_as_string(hide_password=True)
    return [
        {"port": "Event store", "adapter": type(services.store).__name__, "url": database},
        {"port": "Read models", "adapter": services.reader.dialect.name, "url": reader_url},
        {
            "port": "Event distribution",
            "adapter": type(services.distribution).__name__,
            "url": settings.broker_url,
        },
        {"port": "Cache and sessions", "adapter": type(services.cache).__name__, "url": settings.cache_url},
        {"port": "Live notifications", "adapter": "channels", "url": settings.cache_url},
    ]


@get("/admin/status", include_in_schema=False)
async def system_status(viewer: NamedDependency[Principal], services: NamedDependency[Services]) -> Any:
    admin_only(viewer)
    checks = await services.readiness()
    settings = services.settings
    projections = checks.get("projections", {})
    mode = "production" if settings.shared_database else "embedded"
    ports = [
        {
            **port,
            "kind": KINDS.get(url_kind(port["url"]), url_kind(port["url"])),
            "url": redact(port["url"]),
        }
        for port in _ports(services)
    ]
    versions = {
        "Albatross": __version__,
        "Python": platform.python_version(),
        "Litestar": importlib.metadata.version("litestar"),
        "SQLAlchemy": sqlalchemy.__version__,
        f"Database ({KINDS.get(url_kind(settings.resolved_database_url), 'unknown')})": await _database_version(
            services
        ),
    }
    if services.runner.running:
        runs = "in this process (embedded: one runner applies every projection)"
    elif settings.shared_database:
        runs = "in `albatross worker` processes (how many is not known to this process)"
    else:
        runs = "nowhere yet: this process has not started its runner"
    return page(
        "admin_status.html",
        viewer=viewer,
        ready=all(check.get("ok") for check in checks.values()),
        checks=checks,
        lag=projections.get("lag") or {},
        head=checks.get("event_store", {}).get("position"),
        mode=mode,
        ephemeral=settings.ephemeral,
        ports=ports,
        versions=versions,
        pid=os.getpid(),
        runs=runs,
        started=int(STARTED * 1_000_000),
        uptime=_since(time.time() - STARTED),
    )
