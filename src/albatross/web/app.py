"""create_app: all HTTP wiring in one place."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.di import Provide
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from albatross import __version__
from albatross.services import Services
from albatross.web import identity, live, operations, system, users
from albatross.web.deps import provide_context, provide_principal
from albatross.web.http_metrics import http_metrics
from albatross.web.problems import EXCEPTION_HANDLERS, outage_handler
from albatross.web.request_log import request_log


def create_app(services: Services, *, run_projections: bool = True) -> Litestar:
    """The Litestar app over `services`; it runs the projection runner while it is up."""

    @contextlib.asynccontextmanager
    async def projections(_: Litestar) -> AsyncIterator[None]:
        task = asyncio.create_task(services.runner.run()) if run_projections else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app = Litestar(
        route_handlers=[
            system.health,
            system.ready,
            system.metrics,
            identity.AuthController,
            identity.me,
            identity.TenantController,
            users.UserController,
            users.audit,
            operations.ReferenceAirports,
            operations.AirlineOperations,
            operations.BidsController,
            live.live,
            live.create_ticket,
        ],
        dependencies={
            "services": Provide(lambda: services, sync_to_thread=False),
            "principal": Provide(provide_principal),
            "context": Provide(provide_context, sync_to_thread=False),
        },
        exception_handlers={  # type: ignore[arg-type]
            **EXCEPTION_HANDLERS,
            **dict.fromkeys(services.outage_errors, outage_handler),
        },
        lifespan=[projections],
        plugins=[services.notifier] if isinstance(services.notifier, ChannelsPlugin) else [],
        openapi_config=OpenAPIConfig(
            title="Albatross",
            version=__version__,
            description="A multi-tenant virtual airline platform on an event-sourced core.",
            path="/schema",
            components=Components(
                security_schemes={
                    "BearerToken": SecurityScheme(
                        type="http", scheme="bearer", description="From /api/v1/auth/login"
                    )
                }
            ),
            security=[{"BearerToken": []}],
        ),
        request_max_body_size=1024 * 1024,
        middleware=[request_log],
        logging_config=None,  # logging is the CLI's (albatross.logs): text or one JSON object per line
        debug=False,
    )
    # Around the whole handler, not as app middleware (which Litestar runs only for matched
    # routes), so that requests no route matches are counted too.
    app.asgi_handler = http_metrics(app.asgi_handler, services.metrics)
    return app
