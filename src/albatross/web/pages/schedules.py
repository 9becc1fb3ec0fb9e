"""The staff's schedule: the airline's flights, filtered and paged, and the form that adds, changes
or removes one (the same commands as the flights API; a bad value is shown next to its field)."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from albatross.identity.policy import Principal
from albatross.kernel import Context, DomainError
from albatross.operations import commands
from albatross.operations.csv_format import FLIGHT_TYPES
from albatross.operations.domain import Changes, FlightDetails
from albatross.operations.queries import FlightSearch, OperationsQueries
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.common import list_link, page, see_other, staff_tenant
from albatross.web.pages.forms import FormErrors, field_errors, struct_from, texts, whole
from albatross.web.problems import STATUS_OF

REFUSAL = "The schedules are for the airline's staff."
PAGE_SIZE = 50
FILTERS = ("departure", "arrival", "flight_type", "q", "active_only", "page")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DONE = {
    "added": "The flight was added.",
    "saved": "The flight was saved.",
    "deleted": "The flight was deleted.",
}

# The form's text fields; each is cut at a length well above any valid value, so that a too-long
# value still reaches validation (and is refused) instead of being silently shortened.
TEXT_FIELDS = (
    "airline",
    "flight_number",
    "route_code",
    "route_leg",
    "callsign",
    "departure",
    "arrival",
    "alternate",
    "departure_time",
    "arrival_time",
    "distance_nm",
    "block_minutes",
    "level",
    "flight_type",
    "load_factor",
    "load_factor_variance",
    "pilot_pay",
    "start_date",
    "end_date",
    "route",
    "notes",
)
CAP = 2100
UPPER = ("airline", "departure", "arrival", "alternate", "flight_type")
REQUIRED = ("airline", "flight_number", "departure", "arrival", "block_minutes")
NUMBERS: dict[str, type] = {
    "distance_nm": float,
    "block_minutes": int,
    "level": int,
    "load_factor": float,
    "load_factor_variance": float,
    "pilot_pay": float,
}
DATES = ("start_date", "end_date")
_ICAO = "Give an ICAO code: 3-4 letters or digits."
_PERCENT = "Give a percentage from 0 to 100."
_TIME = "Give a time as HH:MM (24 hours)."
HINTS = {
    "airline": "Give the airline's code: 2-3 letters or digits.",
    "flight_number": "Give 1-10 letters or digits.",
    "route_code": "At most 5 characters.",
    "route_leg": "At most 5 characters.",
    "callsign": "At most 10 characters.",
    "departure": _ICAO,
    "arrival": _ICAO,
    "alternate": _ICAO,
    "departure_time": _TIME,
    "arrival_time": _TIME,
    "distance_nm": "Give a distance from 0 to 13000 nm (0: computed from the airports).",
    "block_minutes": "Give the block time in whole minutes, 1 to 2000.",
    "level": "Give a cruise level in feet, 0 to 60000.",
    "flight_type": "Pick a flight type from the list.",
    "load_factor": _PERCENT,
    "load_factor_variance": _PERCENT,
    "pilot_pay": "Give an amount of 0 or more.",
    "start_date": "Give a date as YYYY-MM-DD.",
    "end_date": "Give a date as YYYY-MM-DD.",
    "route": "At most 2000 characters.",
    "notes": "At most 2000 characters.",
    "subfleets": "Pick subfleets from the list.",
}
# Where a command's complaint belongs on the form: the natural key's claim is the flight number's.
FIELD_OF = {"flight": "flight_number"}
EDITED = frozenset(FlightDetails.__struct_fields__) - {"fares", "fields"}
"""What the form edits: every field of a flight but its fares and custom fields."""
TAKEN = "Another flight has this airline, number, route code and leg."
LAST_PAGE = 10**6 - 1


def days_text(mask: int) -> str:
    """A days-of-week mask (bit 0 = Monday; 0 = every day) as people read it."""
    if mask in (0, 0b1111111):
        return "Every day"
    return " ".join(name for bit, name in enumerate(WEEKDAYS) if mask & (1 << bit))


def _filters(source: Any) -> dict[str, str]:
    return texts(source, FILTERS, limit=100)


def _page_number(text: str) -> int:
    return whole(text, default=1, low=1, high=LAST_PAGE)


def _list_link(filters: dict[str, str], page_number: int) -> str:
    return list_link("/staff/schedules", {**filters, "page": str(page_number) if page_number > 1 else ""})


@get("/staff/schedules", include_in_schema=False, dependencies={"consistent": Provide(wait_for_position)})
async def schedules(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
    consistent: NamedDependency[int],
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    filters = _filters(request.query_params)
    errors: dict[str, str] = {}
    flight_type = filters["flight_type"].upper()
    if flight_type and flight_type not in FLIGHT_TYPES:
        errors["flight_type"] = HINTS["flight_type"]
    number = _page_number(filters["page"])
    flights: list[Any] = []
    total = 0
    if not errors:
        search = FlightSearch(
            departure=filters["departure"] or None,
            arrival=filters["arrival"] or None,
            flight_type=flight_type or None,
            text=filters["q"] or None,
            active_only=bool(filters["active_only"]),
        )
        found = await OperationsQueries(services.reader).search_flights(
            viewer, tenant_id, search, PAGE_SIZE, (number - 1) * PAGE_SIZE
        )
        flights = [{"view": f, "days": days_text(f.details.days)} for f in found.items]
        total = found.total
    first = (number - 1) * PAGE_SIZE
    return page(
        "schedules.html",
        status_code=400 if errors else 200,
        viewer=viewer,
        values=filters,
        errors=errors,
        flights=flights,
        total=total,
        first=first + 1,
        last=first + len(flights),
        previous=_list_link(filters, number - 1) if number > 1 else None,
        next=_list_link(filters, number + 1) if first + len(flights) < total else None,
        notice=DONE.get(str(request.query_params.get("done", ""))),
        flight_types=FLIGHT_TYPES,
    )


def _values_of(details: FlightDetails) -> dict[str, Any]:
    """A stored flight as the form shows it."""
    plain = msgspec.to_builtins(details)
    values: dict[str, Any] = {
        name: "" if plain.get(name) is None else str(plain[name]) for name in TEXT_FIELDS
    }
    values["distance_nm"] = f"{details.distance_nm:g}"
    values["days"] = [str(bit + 1) for bit in range(7) if details.days & (1 << bit)]
    values["subfleets"] = list(details.subfleets)
    values["active"] = details.active
    values["visible"] = details.visible
    return values


def _values_from(form: FormMultiDict) -> dict[str, Any]:
    values: dict[str, Any] = texts(form, TEXT_FIELDS, limit=CAP)
    for name in UPPER:
        values[name] = values[name].upper()
    values["days"] = [str(d) for d in form.getall("days", [])][:7]
    values["subfleets"] = [str(s)[:40] for s in form.getall("subfleets", [])][:60]
    values["active"] = bool(form.get("active"))
    values["visible"] = bool(form.get("visible"))
    return values


def details_from(values: dict[str, Any]) -> FlightDetails:
    """The form as FlightDetails (fares and custom fields, which it does not show, left empty)."""
    errors = {name: "Required." for name in REQUIRED if not values.get(name)}
    raw: dict[str, Any] = {
        name: values[name]
        for name in TEXT_FIELDS
        if values.get(name) and name not in NUMBERS and name not in DATES
    }
    for name, kind in NUMBERS.items():
        if values.get(name) and name not in errors:
            try:
                raw[name] = kind(values[name])
            except ValueError:
                errors[name] = HINTS[name]
    raw.setdefault("distance_nm", 0.0)
    for name in DATES:
        if values.get(name):
            try:
                raw[name] = date.fromisoformat(values[name]).isoformat()
            except ValueError:
                errors[name] = HINTS[name]
    if raw.get("flight_type", "J") not in FLIGHT_TYPES:
        errors["flight_type"] = HINTS["flight_type"]
    if any(d not in ("1", "2", "3", "4", "5", "6", "7") for d in values["days"]):
        errors["days"] = "Pick days from the list."
    if errors:
        raise FormErrors(errors)
    raw["days"] = sum(1 << (int(d) - 1) for d in set(values["days"]))
    raw["subfleets"] = values["subfleets"]
    raw["active"] = values["active"]
    raw["visible"] = values["visible"]
    try:
        return struct_from(raw, FlightDetails)
    except FormErrors as exc:  # the form's own hint says what a field takes better than msgspec
        raise FormErrors({name: HINTS.get(name, message) for name, message in exc.fields.items()}) from None


def _command_errors(exc: DomainError) -> dict[str, str]:
    fields = {name: TAKEN if name == "flight" else message for name, message in exc.fields.items()}
    known = (*TEXT_FIELDS, "days", "subfleets")
    errors = field_errors(exc.detail, fields, known, "flight_number", rename=FIELD_OF)
    return {name: message[:1].upper() + message[1:] for name, message in errors.items()}


async def _form(
    viewer: Principal,
    services: Services,
    values: dict[str, Any],
    errors: dict[str, str],
    record_id: str | None = None,
    status: int = 200,
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    found = await OperationsQueries(services.reader).subfleets(viewer, tenant_id, 200, 0)
    return page(
        "schedule_edit.html",
        status_code=status,
        viewer=viewer,
        values=values,
        errors=errors,
        record_id=record_id,
        subfleets=found.items,
        weekdays=list(enumerate(WEEKDAYS, start=1)),
        flight_types=FLIGHT_TYPES,
    )


@get("/staff/schedules/new", include_in_schema=False)
async def new_flight_form(viewer: NamedDependency[Principal], services: NamedDependency[Services]) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    airline = await OperationsQueries(services.reader).airline(
        services.store, services.codec, viewer, tenant_id
    )
    values = {
        "airline": airline.icao,
        "flight_type": "J",
        "distance_nm": "0",
        "active": True,
        "visible": True,
    }
    return await _form(viewer, services, values, {})


@post("/staff/schedules/new", include_in_schema=False)
async def add_flight(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    values = _values_from(await request.form())
    try:
        details = details_from(values)
    except FormErrors as exc:
        return await _form(viewer, services, values, exc.fields, status=400)
    try:
        result = await commands.handle_save_flight(
            services.identity, Context(actor_id=viewer.user_id), viewer, tenant_id, details
        )
    except DomainError as exc:
        status = STATUS_OF.get(exc.code, 400)
        return await _form(viewer, services, values, _command_errors(exc), status=status)
    return see_other("/staff/schedules?done=added", result.position)


@get(
    "/staff/schedules/{record_id:str}",
    include_in_schema=False,
    dependencies={"consistent": Provide(wait_for_position)},
)
async def flight_form(
    record_id: FromPath[str],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
    consistent: NamedDependency[int],
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    flight = await OperationsQueries(services.reader).flight(viewer, tenant_id, record_id)
    return await _form(viewer, services, _values_of(flight.details), {}, flight.id)


@post("/staff/schedules/{record_id:str}", include_in_schema=False)
async def change_flight(
    request: Request[Any, Any, Any],
    record_id: FromPath[str],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    flight = await OperationsQueries(services.reader).flight(viewer, tenant_id, record_id)
    values = _values_from(await request.form())
    try:
        details = details_from(values)
    except FormErrors as exc:
        return await _form(viewer, services, values, exc.fields, flight.id, 400)
    try:
        # Only what the form shows: fares and custom fields stay as stored, whatever this page read.
        result = await commands.handle_save_flight(
            services.identity,
            Context(actor_id=viewer.user_id),
            viewer,
            tenant_id,
            Changes(details, EDITED),
            flight.id,
        )
    except DomainError as exc:
        status = STATUS_OF.get(exc.code, 400)
        return await _form(viewer, services, values, _command_errors(exc), flight.id, status)
    return see_other("/staff/schedules?done=saved", result.position)


@post("/staff/schedules/{record_id:str}/delete", include_in_schema=False)
async def delete_flight(
    record_id: FromPath[str], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    result = await commands.handle_remove(
        services.identity, Context(actor_id=viewer.user_id), viewer, tenant_id, "flight", record_id
    )
    return see_other("/staff/schedules?done=deleted", result.position)
