"""My PIREPs, and the manual PIREP form: it creates a draft and files it at once; a failed check
is shown next to its field (and the draft is cancelled, so filing again starts clean)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency, Provide

from albatross.flights import commands
from albatross.flights.domain import PirepDetails
from albatross.flights.queries import FlightsQueries
from albatross.identity.policy import Principal
from albatross.kernel import Context, DomainError
from albatross.operations.queries import OperationsQueries
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.common import member_tenant, page, see_other
from albatross.web.pages.forms import FormErrors, field_errors, struct_from, texts
from albatross.web.problems import STATUS_OF

FORM_FIELDS = (
    "airline",
    "flight_number",
    "departure",
    "arrival",
    "aircraft_id",
    "block_off_at",
    "block_on_at",
    "fuel_used_lbs",
    "landing_rate_fpm",
)
# Where a check's complaint belongs on the form.
FIELD_OF = {"flight_time": "block_on_at", "flight_minutes": "block_on_at", "block_off_at": "block_off_at"}
# A cancelled report is one the form gave up on after a failed check: not worth listing.
SHOWN = ["draft", "in_progress", "pending", "accepted", "rejected"]


@get("/pireps", include_in_schema=False, dependencies={"consistent": Provide(wait_for_position)})
async def my_pireps(
    viewer: NamedDependency[Principal], services: NamedDependency[Services], consistent: NamedDependency[int]
) -> Any:
    tenant_id = member_tenant(viewer, "Only an airline's members file PIREPs.")
    found = await FlightsQueries(services.reader).pireps(
        viewer, tenant_id, pilot_id=viewer.user_id, states=SHOWN, limit=100
    )
    return page("pireps.html", viewer=viewer, pireps=found.items, total=found.total, live=True)


async def _form(
    viewer: Principal, services: Services, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Any:
    tenant_id = member_tenant(viewer, "Only an airline's members file PIREPs.")
    operations = OperationsQueries(services.reader)
    fleet = (await operations.aircraft(viewer, tenant_id, 200, 0, status="active")).items
    if not values.get("airline"):
        airline = await operations.airline(services.store, services.codec, viewer, tenant_id)
        values = {**values, "airline": airline.icao}
    return page(
        "pirep_new.html", status_code=status, viewer=viewer, values=values, errors=errors, fleet=fleet
    )


@get("/pireps/new", include_in_schema=False)
async def new_pirep_form(viewer: NamedDependency[Principal], services: NamedDependency[Services]) -> Any:
    return await _form(viewer, services, {}, {})


def _timestamp(value: str) -> int | None:
    return int(datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp() * 1_000_000) if value else None


def details_from(values: dict[str, str]) -> PirepDetails:
    """The form's text as PirepDetails; InvalidInput-like errors name the form field."""
    errors: dict[str, str] = {}
    times: dict[str, int | None] = {}
    for field in ("block_off_at", "block_on_at"):
        try:
            times[field] = _timestamp(values.get(field, ""))
        except ValueError:
            errors[field] = "Give a date and time (UTC)."
    numbers: dict[str, float | None] = {}
    for field in ("fuel_used_lbs", "landing_rate_fpm"):
        try:
            numbers[field] = float(values[field]) if values.get(field) else None
        except ValueError:
            errors[field] = "Give a number."
    off, on = times.get("block_off_at"), times.get("block_on_at")
    minutes = None
    if off is not None and on is not None:
        minutes = (on - off) // 60_000_000
        if minutes <= 0:
            errors["block_on_at"] = "Block on must be after block off."
    if errors:
        raise FormErrors(errors)
    raw = {
        "airline": values.get("airline", "").upper(),
        "flight_number": values.get("flight_number", ""),
        "departure": values.get("departure", "").upper(),
        "arrival": values.get("arrival", "").upper(),
        "aircraft_id": values.get("aircraft_id") or None,
        "block_off_at": off,
        "block_on_at": on,
        "flight_minutes": minutes,
        **numbers,
    }
    return struct_from({k: v for k, v in raw.items() if v is not None}, PirepDetails, fields=FIELD_OF)


@post("/pireps/new", include_in_schema=False)
async def file_pirep(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    form = await request.form()
    values = texts(form, FORM_FIELDS, limit=100)
    try:
        details = details_from(values)
    except FormErrors as exc:
        return await _form(viewer, services, values, exc.fields, 400)
    context = Context(actor_id=viewer.user_id)
    try:
        created = await commands.handle_create_pirep(services.identity, context, viewer, details, "manual")
    except DomainError as exc:
        return await _form(viewer, services, values, _field_errors(exc), STATUS_OF.get(exc.code, 400))
    pirep_id = created.value.id
    try:
        submitted = await commands.handle_submit_pirep(services.identity, context, viewer, pirep_id)
    except DomainError as exc:
        await commands.handle_cancel_pirep(services.identity, context, viewer, pirep_id)
        return await _form(viewer, services, values, _field_errors(exc), STATUS_OF.get(exc.code, 400))
    return see_other("/pireps", submitted.position)


def _field_errors(exc: DomainError) -> dict[str, str]:
    return field_errors(
        exc.detail, exc.fields, FORM_FIELDS, "flight_number", rename=FIELD_OF, each_detail=True
    )
