"""The airline's airports for its staff: hubs, fuel prices and fees; add or update one by ICAO
code (from the built-in airports database) and remove one."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter

from albatross.identity.policy import Principal
from albatross.kernel import Context, DomainError
from albatross.operations import airports as reference
from albatross.operations import commands
from albatross.operations.domain import AirportDetails
from albatross.operations.queries import AirportView, OperationsQueries
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.common import page, see_other, staff_tenant
from albatross.web.pages.forms import FormErrors, field_errors, filled, struct_from, texts
from albatross.web.problems import STATUS_OF

COSTS = ("landing_fee", "ground_handling_cost", "fuel_100ll_cost", "fuel_jet_a_cost", "fuel_mogas_cost")
FIELDS = ("icao", *COSTS)
REFUSAL = "Only the airline's staff manage its airports."


def airport_from(values: dict[str, str], hub: bool, known: AirportView | None = None) -> AirportDetails:
    """The form's airport; one the database lacks keeps where the airline said it is."""
    raw: dict[str, Any] = {**filled(values), "hub": hub}
    if "icao" in raw:
        raw["icao"] = raw["icao"].upper()
    if known is not None and reference.get(known.icao) is None:
        raw.update(
            name=known.name,
            lat=known.lat,
            lon=known.lon,
            iata=known.iata,
            location=known.city,
            country=known.country,
            timezone=known.timezone,
        )
    return struct_from({k: v for k, v in raw.items() if v is not None}, AirportDetails)


async def _airports(
    viewer: Principal,
    services: Services,
    *,
    values: dict[str, str] | None = None,
    hub: bool = False,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    airports = await OperationsQueries(services.reader).airline_airports(viewer, tenant_id)
    return page(
        "airports.html",
        status_code=status,
        viewer=viewer,
        airports=airports,
        values=values or {},
        hub=hub,
        errors=errors or {},
    )


@get("/staff/airports", include_in_schema=False, dependencies={"consistent": Provide(wait_for_position)})
async def airports_page(
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
    consistent: NamedDependency[int],
    icao: Annotated[str | None, QueryParameter(max_length=8)] = None,
) -> Any:
    """`icao` fills the form with that airport's facts, to change them."""
    tenant_id = staff_tenant(viewer, REFUSAL)
    if not icao:
        return await _airports(viewer, services)
    known = await OperationsQueries(services.reader).airport(viewer, tenant_id, icao)
    values = {"icao": known.icao, **{name: f"{getattr(known, name):g}" for name in COSTS}}
    return await _airports(viewer, services, values=values, hub=known.hub)


@post("/staff/airports", include_in_schema=False)
async def set_airport(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    form = await request.form()
    values = texts(form, FIELDS, limit=40)
    hub = bool(form.get("hub"))
    try:
        if not values["icao"]:
            raise FormErrors({"icao": "Required."})
        own = {
            a.icao: a for a in await OperationsQueries(services.reader).airline_airports(viewer, tenant_id)
        }
        details = airport_from(values, hub, own.get(values["icao"].upper()))
        result = await commands.handle_set_airport(
            services.identity, Context(actor_id=viewer.user_id), viewer, tenant_id, details
        )
    except FormErrors as exc:
        return await _airports(viewer, services, values=values, hub=hub, errors=exc.fields, status=400)
    except DomainError as exc:
        fields = dict(exc.fields)
        if (
            "icao" in fields
        ):  # the command's message speaks to the API (name, lat, lon); the form has no such fields
            fields["icao"] = f"{values['icao'].upper()} is not in the airports database."
        errors = field_errors(exc.detail, fields, FIELDS, "icao")
        status = STATUS_OF.get(exc.code, 400)
        return await _airports(viewer, services, values=values, hub=hub, errors=errors, status=status)
    return see_other("/staff/airports", result.position)


@post("/staff/airports/{icao:str}/remove", include_in_schema=False)
async def remove_airport(
    icao: FromPath[str], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    result = await commands.handle_remove_airport(
        services.identity, Context(actor_id=viewer.user_id), viewer, tenant_id, icao.strip().upper()[:8]
    )
    return see_other("/staff/airports", result.position)
