"""create_app: all HTTP wiring in one place."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from litestar import Litestar, Request, Response
from litestar.channels import ChannelsPlugin
from litestar.di import Provide
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from albatross import __version__
from albatross.services import Services
from albatross.web import acars, finance, flights, identity, live, operations, system, users
from albatross.web.deps import provide_context, provide_principal
from albatross.web.http_metrics import http_metrics
from albatross.web.live_hub import LiveHub
from albatross.web.pages import csrf_config, pages_router, static_router, template_config
from albatross.web.pages.common import in_words
from albatross.web.problems import EXCEPTION_HANDLERS, internal_error_handler, outage_handler
from albatross.web.request_log import request_log


def create_app(services: Services, *, run_projections: bool = True) -> Litestar:
    """The Litestar app over `services`; it runs the projection runner while it is up."""

    def outage_or_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        return (
            outage_handler(request, exc) if services.is_outage(exc) else internal_error_handler(request, exc)
        )

    hub = (
        LiveHub(services.store, services.publisher, services.notifier, services.progress)
        if isinstance(services.notifier, ChannelsPlugin) and services.publisher and services.progress
        else None
    )

    @contextlib.asynccontextmanager
    async def projections(_: Litestar) -> AsyncIterator[None]:
        jobs = [services.runner.run, *services.clocks] if run_projections else []
        tasks = [asyncio.create_task(job()) for job in jobs]
        if hub is not None:
            tasks.append(asyncio.create_task(hub.run()))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

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
            finance.FinanceController,
            finance.MyFinancesController,
            flights.PirepsController,
            flights.LiveFlights,
            flights.BidBriefings,
            flights.MyFlights,
            flights.AirlineFlights,
            live.live,
            live.create_ticket,
            acars.router(services),  # the phpVMS 7 flight-tracking API under /api
            pages_router(),  # the browser interface: cookie sessions, CSRF on every form
            static_router(),
        ],
        dependencies={
            "services": Provide(lambda: services, sync_to_thread=False),
            "principal": Provide(provide_principal),
            "context": Provide(provide_context, sync_to_thread=False),
            # Not "hub": Litestar takes a body field named like a dependency for a server fault.
            "live_hub": Provide(lambda: hub, sync_to_thread=False),
        },
        exception_handlers={  # type: ignore[arg-type]
            kind: in_words(handler)
            for kind, handler in {
                **EXCEPTION_HANDLERS,
                **dict.fromkeys(services.outage_errors, outage_or_error),
            }.items()
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
        template_config=template_config(),
        csrf_config=csrf_config(services.settings.csrf_secret),
        middleware=[request_log],
        logging_config=None,  # logging is the CLI's (albatross.logs): text or one JSON object per line
        debug=False,
    )
    # Around the whole handler, not as app middleware (which Litestar runs only for matched
    # routes), so that requests no route matches are counted too.
    app.asgi_handler = http_metrics(app.asgi_handler, services.metrics)
    return app
