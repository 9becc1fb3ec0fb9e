"""The staff's review queue: pending PIREPs, oldest first, each with accept and reject forms."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from albatross.flights import commands
from albatross.flights.queries import FlightsQueries
from albatross.identity.policy import Principal
from albatross.kernel import Context, InvalidInput
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.common import page, see_other, staff_tenant


@get("/review", include_in_schema=False, dependencies={"consistent": Provide(wait_for_position)})
async def review_queue(
    viewer: NamedDependency[Principal], services: NamedDependency[Services], consistent: NamedDependency[int]
) -> Any:
    tenant_id = staff_tenant(viewer, "The review queue is for the airline's staff.")
    found = await FlightsQueries(services.reader).pireps(viewer, tenant_id, states=["pending"], limit=200)
    return page("review.html", viewer=viewer, pireps=found.items, total=found.total, live=True)


@post("/review/{pirep_id:str}/accept", include_in_schema=False)
async def accept(
    pirep_id: FromPath[str], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    staff_tenant(viewer, "The review queue is for the airline's staff.")
    context = Context(actor_id=viewer.user_id)
    result = await commands.handle_accept_pirep(services.identity, context, viewer, pirep_id)
    return see_other("/review", result.position)


@post("/review/{pirep_id:str}/reject", include_in_schema=False)
async def reject(
    request: Request[Any, Any, Any],
    pirep_id: FromPath[str],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
) -> Any:
    staff_tenant(viewer, "The review queue is for the airline's staff.")
    reason = str((await request.form()).get("reason", "")).strip()[:1000]
    if not reason:
        raise InvalidInput("Give a reason for the rejection.", fields={"reason": "required"})
    context = Context(actor_id=viewer.user_id)
    result = await commands.handle_reject_pirep(services.identity, context, viewer, pirep_id, reason)
    return see_other("/review", result.position)
