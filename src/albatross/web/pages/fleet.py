"""The airline's fleet for its staff: subfleets and aircraft (with where each is and what it has
flown), forms to add both, edit an aircraft, and remove either."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter

from albatross.flights.queries import FlightsQueries
from albatross.identity.policy import Principal
from albatross.kernel import Context, DomainError
from albatross.operations import commands
from albatross.operations.domain import AircraftDetails, Changes, SubfleetDetails
from albatross.operations.queries import OperationsQueries
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.common import page, see_other, staff_tenant
from albatross.web.pages.forms import FormErrors, field_errors, filled, struct_from, texts
from albatross.web.problems import STATUS_OF

SUBFLEET_FIELDS = (
    "type",
    "icao_type",
    "name",
    "hub",
    "fuel_type",
    "cost_block_hour",
    "cost_delay_minute",
    "ground_handling_multiplier",
    "fares",
)
AIRCRAFT_FIELDS = ("registration", "name", "subfleet_id", "home", "status")
STATUSES = {
    "active": "Active",
    "maintenance": "In maintenance (inactive)",
    "stored": "Stored (inactive)",
    "retired": "Retired",
    "written_off": "Written off",
}
FUEL_TYPES = {"jet_a": "Jet A", "100ll": "100LL", "mogas": "Mogas"}
LIMIT = 200
REFUSAL = "Only the airline's staff manage its fleet."
# Stands in for what an edit does not post, so that what it posts is checked as an aircraft's; the
# command takes only the posted fields, and every other (where it is, hours, ...) as stored.
UNPOSTED = AircraftDetails(registration="-", name="-", subfleet_id="-")


def subfleet_from(values: dict[str, str]) -> SubfleetDetails:
    raw: dict[str, Any] = filled(values)
    for code in ("icao_type", "hub"):
        if code in raw:
            raw[code] = raw[code].upper()
    if "fares" in raw:
        raw["fares"] = [f.strip() for f in raw["fares"].replace("\n", ";").split(";") if f.strip()]
    return struct_from(raw, SubfleetDetails)


def aircraft_from(values: dict[str, str], base: AircraftDetails | None = None) -> AircraftDetails:
    """The form's aircraft; what the form did not post comes from `base`."""
    raw: dict[str, Any] = msgspec.structs.asdict(base) if base else {}
    raw.update({k: v for k, v in values.items() if k in AIRCRAFT_FIELDS})
    raw["home"] = (raw.get("home") or "").upper() or None
    return struct_from({k: v for k, v in raw.items() if v != ""}, AircraftDetails)


async def _fleet(
    viewer: Principal,
    services: Services,
    *,
    editing: str | None = None,
    form: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    operations = OperationsQueries(services.reader)
    subfleets = (await operations.subfleets(viewer, tenant_id, LIMIT, 0)).items
    found = await operations.aircraft(viewer, tenant_id, LIMIT, 0)
    states = await FlightsQueries(services.reader).aircraft_states(viewer, tenant_id)
    airports = await operations.airline_airports(viewer, tenant_id)
    edited = None
    if editing:
        edited = await operations.one_aircraft(viewer, tenant_id, editing)  # another airline's: 404
        if form != "edit":
            details = edited.details
            form = "edit"
            values = {
                "registration": details.registration,
                "name": details.name,
                "subfleet_id": details.subfleet_id,
                "home": details.home or "",
                "status": details.status,
            }
    return page(
        "fleet.html",
        status_code=status,
        viewer=viewer,
        subfleets=subfleets,
        subfleet_names={s.id: s.details.type for s in subfleets},
        aircraft=[{"record": a, "state": states.get(a.id)} for a in found.items],
        total=found.total,
        subfleet_choices=[(s.id, f"{s.details.type} · {s.details.name}") for s in subfleets],
        airport_choices=[(a.icao, f"{a.icao} · {a.name}") for a in airports],
        status_choices=list(STATUSES.items()),
        fuel_choices=list(FUEL_TYPES.items()),
        edited=edited,
        form=form,
        values=values or {},
        errors=errors or {},
        message=message,
        statuses=STATUSES,
        fuel_types=FUEL_TYPES,
    )


@get("/staff/fleet", include_in_schema=False, dependencies={"consistent": Provide(wait_for_position)})
async def fleet(
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
    consistent: NamedDependency[int],
    edit: Annotated[str | None, QueryParameter(max_length=36)] = None,
) -> Any:
    return await _fleet(viewer, services, editing=edit)


@post("/staff/fleet/subfleets", include_in_schema=False)
async def add_subfleet(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    values = texts(await request.form(), SUBFLEET_FIELDS)
    try:
        details = subfleet_from(values)
        result = await commands.handle_save_subfleet(
            services.identity, Context(actor_id=viewer.user_id), viewer, tenant_id, details
        )
    except FormErrors as exc:
        return await _fleet(viewer, services, form="subfleet", values=values, errors=exc.fields, status=400)
    except DomainError as exc:
        errors = field_errors(
            exc.detail,
            {"type" if k == "subfleet" else k: v for k, v in exc.fields.items()},
            SUBFLEET_FIELDS,
            "type",
        )
        status = STATUS_OF.get(exc.code, 400)
        return await _fleet(viewer, services, form="subfleet", values=values, errors=errors, status=status)
    return see_other("/staff/fleet", result.position)


@post("/staff/fleet/subfleets/{subfleet_id:str}/remove", include_in_schema=False)
async def remove_subfleet(
    subfleet_id: FromPath[str], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    result = await commands.handle_remove(
        services.identity, Context(actor_id=viewer.user_id), viewer, tenant_id, "subfleet", subfleet_id
    )
    return see_other("/staff/fleet", result.position)


@post("/staff/fleet/aircraft", include_in_schema=False)
async def add_aircraft(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    values = texts(await request.form(), AIRCRAFT_FIELDS)
    return await _save_aircraft(viewer, services, tenant_id, values, None)


@post("/staff/fleet/aircraft/{aircraft_id:str}", include_in_schema=False)
async def change_aircraft(
    request: Request[Any, Any, Any],
    aircraft_id: FromPath[str],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    form = await request.form()
    # What the form leaves out stays as it is.
    values = texts(form, [name for name in AIRCRAFT_FIELDS if name in form])
    return await _save_aircraft(viewer, services, tenant_id, values, aircraft_id)


async def _save_aircraft(
    viewer: Principal, services: Services, tenant_id: str, values: dict[str, str], aircraft_id: str | None
) -> Any:
    form = "edit" if aircraft_id else "aircraft"
    try:
        details: AircraftDetails | Changes[AircraftDetails] = (
            Changes(aircraft_from(values, UNPOSTED), frozenset(values))
            if aircraft_id
            else aircraft_from(values)
        )
        result = await commands.handle_save_aircraft(
            services.identity, Context(actor_id=viewer.user_id), viewer, tenant_id, details, aircraft_id
        )
    except FormErrors as exc:
        return await _fleet(
            viewer, services, editing=aircraft_id, form=form, values=values, errors=exc.fields, status=400
        )
    except DomainError as exc:
        fields = dict(exc.fields)
        if not fields and "subfleet" in exc.detail.lower():
            fields = {"subfleet_id": exc.detail}
        elif not fields and aircraft_id:
            raise  # the aircraft itself is gone (or another airline's): the error page
        errors = field_errors(exc.detail, fields, AIRCRAFT_FIELDS, "registration")
        status = STATUS_OF.get(exc.code, 400)
        return await _fleet(
            viewer, services, editing=aircraft_id, form=form, values=values, errors=errors, status=status
        )
    return see_other("/staff/fleet", result.position)


@post("/staff/fleet/aircraft/{aircraft_id:str}/remove", include_in_schema=False)
async def remove_aircraft(
    aircraft_id: FromPath[str], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    result = await commands.handle_remove(
        services.identity, Context(actor_id=viewer.user_id), viewer, tenant_id, "aircraft", aircraft_id
    )
    return see_other("/staff/fleet", result.position)
