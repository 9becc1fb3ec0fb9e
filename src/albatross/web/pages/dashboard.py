"""The pilot's dashboard: hours, flights, rank and the next one, awards, recent PIREPs, bids;
staff also see how many PIREPs wait for review."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.di import NamedDependency, Provide

from albatross.flights.queries import FlightsQueries
from albatross.identity.policy import Principal
from albatross.kernel import NotFound
from albatross.operations.queries import OperationsQueries
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.common import is_staff, page


@get("/", include_in_schema=False, dependencies={"consistent": Provide(wait_for_position)})
async def dashboard(
    viewer: NamedDependency[Principal], services: NamedDependency[Services], consistent: NamedDependency[int]
) -> Any:
    tenant_id = viewer.tenant_id
    if tenant_id is None:  # a platform admin: their pages come with the admin screens
        return page("dashboard.html", viewer=viewer, career=None, recent=[], bids=[], pending=None)
    flights = FlightsQueries(services.reader)
    operations = OperationsQueries(services.reader)
    career = await flights.career(viewer, tenant_id, viewer.user_id)
    recent = (await flights.pireps(viewer, tenant_id, pilot_id=viewer.user_id, limit=5)).items
    bids = []
    for bid in await operations.bids(viewer, tenant_id, viewer.user_id):
        try:
            bids.append((bid, (await operations.flight(viewer, tenant_id, bid.flight_id)).details))
        except NotFound:  # the flight was deleted since
            continue
    pending = (
        (await flights.pireps(viewer, tenant_id, states=["pending"], limit=1)).total
        if is_staff(viewer)
        else None
    )
    return page("dashboard.html", viewer=viewer, career=career, recent=recent, bids=bids, pending=pending)
