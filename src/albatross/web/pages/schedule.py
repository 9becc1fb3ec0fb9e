"""The schedule: a pilot searches their airline's flights (a GET form), bids on one, and
withdraws a bid; a refused bid (limit reached, already bid) is shown on the page."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from albatross.identity.policy import Principal
from albatross.kernel import Context, DomainError, NotFound
from albatross.operations import commands
from albatross.operations.csv_format import FLIGHT_TYPES
from albatross.operations.queries import FlightSearch, OperationsQueries
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.common import list_link, member_tenant, page, see_other
from albatross.web.pages.forms import texts
from albatross.web.problems import STATUS_OF

SEARCH_FIELDS = ("departure", "arrival", "date", "flight_type")
LIMIT = 100


def _search_values(source: Any) -> dict[str, str]:
    return texts(source, SEARCH_FIELDS, limit=20)


def _back(values: dict[str, str]) -> str:
    return list_link("/schedule", values)


async def _schedule(
    viewer: Principal, services: Services, values: dict[str, str], message: str = "", status: int = 200
) -> Any:
    tenant_id = member_tenant(viewer, "Only an airline's members see its schedule.")
    operations = OperationsQueries(services.reader)
    errors: dict[str, str] = {}
    on_date = None
    if values.get("date"):
        try:
            on_date = date.fromisoformat(values["date"])
        except ValueError:
            errors["date"] = "Give a date as YYYY-MM-DD."
    flight_type = values.get("flight_type", "").upper()
    if flight_type and flight_type not in FLIGHT_TYPES:
        errors["flight_type"] = "Pick a flight type from the list."
    flights: list[Any] = []
    total = 0
    if not errors:
        filters = FlightSearch(
            departure=values.get("departure") or None,
            arrival=values.get("arrival") or None,
            flight_type=flight_type or None,
            on_date=on_date,
        )
        found = await operations.search_flights(viewer, tenant_id, filters, LIMIT, 0)
        flights, total = found.items, found.total
    bids = []
    for bid in await operations.bids(viewer, tenant_id, viewer.user_id):
        try:
            flight = await operations.flight(viewer, tenant_id, bid.flight_id)
        except NotFound:
            flight = None
        bids.append({"bid": bid, "flight": flight})
    return page(
        "schedule.html",
        status_code=400 if errors and status == 200 else status,
        viewer=viewer,
        values=values,
        errors=errors,
        message=message,
        flights=flights,
        total=total,
        bids=bids,
        flight_types=FLIGHT_TYPES,
    )


@get("/schedule", include_in_schema=False, dependencies={"consistent": Provide(wait_for_position)})
async def schedule(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
    consistent: NamedDependency[int],
) -> Any:
    return await _schedule(viewer, services, _search_values(request.query_params))


@post("/schedule/bids", include_in_schema=False)
async def place_bid(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    member_tenant(viewer, "Only an airline's members see its schedule.")
    form = await request.form()
    values = _search_values(form)
    flight_id = str(form.get("flight_id", "")).strip()[:100]
    try:
        if not flight_id:
            raise NotFound("No such flight.")
        result = await commands.handle_place_bid(
            services.identity, Context(actor_id=viewer.user_id), viewer, flight_id
        )
    except DomainError as exc:
        return await _schedule(viewer, services, values, exc.detail, STATUS_OF.get(exc.code, 400))
    return see_other(_back(values), result.position)


@post("/schedule/bids/{bid_id:str}/withdraw", include_in_schema=False)
async def withdraw_bid(
    request: Request[Any, Any, Any],
    bid_id: FromPath[str],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
) -> Any:
    member_tenant(viewer, "Only an airline's members see its schedule.")
    values = _search_values(await request.form())
    try:
        result = await commands.handle_withdraw_bid(
            services.identity, Context(actor_id=viewer.user_id), viewer, bid_id
        )
    except DomainError as exc:
        return await _schedule(viewer, services, values, exc.detail, STATUS_OF.get(exc.code, 400))
    return see_other(_back(values), result.position)
