"""The dashboard: a pilot's hours (with a chart by month), flights, rank and the next one, awards,
recent PIREPs and bids; staff also see the review queue and, until the airline is set up, a
checklist of what to set up first; a platform admin sees where to start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import get
from litestar.di import NamedDependency, Provide

from albatross.flights.queries import FlightsQueries
from albatross.identity import queries as identity_queries
from albatross.identity.policy import Principal
from albatross.kernel import NotFound
from albatross.operations.domain import AirlineProfile
from albatross.operations.queries import FlightSearch, OperationsQueries
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.common import is_staff, page
from albatross.web.pictures.charts import hours_chart, month_name


@dataclass(frozen=True)
class Step:
    key: str
    text: str
    links: list[tuple[str, str]]
    """(path, link text) pairs."""
    done: bool


async def setup_steps(viewer: Principal, services: Services, tenant_id: str) -> list[Step]:
    """What a new airline sets up first, each ticked once it is there."""
    operations = OperationsQueries(services.reader)
    hubs = await operations.airline_airports(viewer, tenant_id, hubs_only=True)
    fleet = await operations.aircraft(viewer, tenant_id, 1, 0)
    flights = await operations.search_flights(viewer, tenant_id, FlightSearch(), 1, 0)
    pilots = await identity_queries.list_users(
        services.reader, viewer, tenant_id=tenant_id, state="active", role="pilot", limit=1, offset=0
    )
    profile = await operations.profile(viewer, tenant_id)
    return [
        Step("airports", "Add your airports and mark a hub", [("/staff/airports", "Airports")], bool(hubs)),
        Step("fleet", "Add aircraft to your fleet", [("/staff/fleet", "Fleet")], fleet.total > 0),
        Step(
            "schedules",
            "Put flights in your schedule",
            [("/staff/schedules", "Schedules"), ("/staff/import", "import a CSV file")],
            flights.total > 0,
        ),
        Step("pilots", "Bring in pilots", [("/staff/pilots", "Pilots")], pilots.total > 0),
        # Optional: the defaults work, so it never keeps the checklist up on its own.
        Step(
            "settings",
            "Check your airline's settings (PIREP checks, bids, auto-accept)",
            [("/staff/settings", "Settings")],
            profile != AirlineProfile(),
        ),
    ]


@get("/", include_in_schema=False, dependencies={"consistent": Provide(wait_for_position)})
async def dashboard(
    viewer: NamedDependency[Principal], services: NamedDependency[Services], consistent: NamedDependency[int]
) -> Any:
    tenant_id = viewer.tenant_id
    if tenant_id is None:  # a platform admin: the platform's pages, and the first airline to create
        airlines = await identity_queries.list_tenants(services.reader, viewer, limit=1, offset=0)
        return page("dashboard.html", viewer=viewer, career=None, no_airline=airlines.total == 0)
    flights = FlightsQueries(services.reader)
    operations = OperationsQueries(services.reader)
    career = await flights.career(viewer, tenant_id, viewer.user_id)
    months = await flights.hours_by_month(viewer, tenant_id, viewer.user_id)
    recent = (await flights.pireps(viewer, tenant_id, pilot_id=viewer.user_id, limit=5)).items
    bids = []
    for bid in await operations.bids(viewer, tenant_id, viewer.user_id):
        try:
            bids.append((bid, (await operations.flight(viewer, tenant_id, bid.flight_id)).details))
        except NotFound:  # the flight was deleted since
            continue
    staff = is_staff(viewer)
    pending = (await flights.pireps(viewer, tenant_id, states=["pending"], limit=1)).total if staff else None
    steps = await setup_steps(viewer, services, tenant_id) if staff else []
    scheduled = (await operations.search_flights(viewer, tenant_id, FlightSearch(), 1, 0)).total > 0
    return page(
        "dashboard.html",
        viewer=viewer,
        career=career,
        months=months,
        chart=hours_chart([(m.month, m.minutes) for m in months]),
        recent=recent,
        bids=bids,
        pending=pending,
        steps=steps,
        set_up=all(s.done for s in steps if s.key != "settings"),
        scheduled=scheduled,
        month_name=month_name,
    )
