"""The flight-tracking (ACARS) API of phpVMS 7, at its paths (`/api/pireps/prefile`, ...), so
trackers written for phpVMS (vmsACARS, smartCARS modules, ...) work against Albatross.

It runs over the same commands and queries as our own `/api/v1`; only the shapes differ (see
`acars_format`). Callers authenticate with one of our API keys in `X-API-Key` (any letter
case), or phpVMS's raw `Authorization: <key>`, or `Authorization: Bearer <key or token>`.
Errors leave in phpVMS's error body, not problem+json. The routes are left out of our OpenAPI
document: their contract is phpVMS's (see the README).
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, Router, get, route
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import FromPath, QueryParameter

from albatross import __version__
from albatross.flights import commands
from albatross.flights.checks import CHECK_TITLES
from albatross.flights.domain import LogLine, PirepDetails, Position, Waypoint
from albatross.flights.queries import FlightsQueries, PirepView, may_see_private
from albatross.identity.api_keys import record_key_use
from albatross.identity.auth import authenticate
from albatross.identity.policy import Principal
from albatross.identity.queries import get_user, list_tenants
from albatross.kernel import (
    Context,
    DomainError,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    ProjectionTimeout,
    TooManyRequests,
    Unavailable,
)
from albatross.kernel.unit_of_work import now_us
from albatross.operations import airports as reference
from albatross.operations import commands as operations
from albatross.operations.queries import FlightSearch, FlightView, OperationsQueries, airport_view
from albatross.services import Services
from albatross.web import acars_format as fmt
from albatross.web.problems import STATUS_OF, http_error_handler, validation_error_handler

log = logging.getLogger("albatross.web")

MEDIA_TYPE = "application/problem+json"
MAX_ID = 64
MAX_BATCH = 1000
ALL = 10_000  # "every record of the airline" for the small lists a page is cut from

Page = Annotated[int, QueryParameter(ge=1, le=10**6)]
PerPage = Annotated[int, QueryParameter(ge=1, le=200)]
OptionalText = Annotated[str | None, QueryParameter(max_length=64)]


# ---- authentication ----


def acars_credential(request: Request[Any, Any, Any]) -> str:
    """phpVMS's order: `X-API-Key` (headers are case-insensitive), else the `Authorization`
    header, raw (phpVMS) or as `Bearer <key>`."""
    api_key = request.headers.get("x-api-key", "").strip()
    if api_key:
        return api_key
    header = request.headers.get("authorization", "").strip()
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    if header:
        return header
    raise NotAuthenticated("X-API-KEY header missing")


async def provide_acars_principal(
    request: Request[Any, Any, Any], services: NamedDependency[Services]
) -> Principal:
    principal = await authenticate(services.identity, acars_credential(request))
    await record_key_use(services.identity, principal)
    if principal.must_change_password:
        raise Forbidden(
            "Your password is a one-time password: change it with POST /api/v1/auth/password first.",
            code="password-change-required",
        )
    return principal


# ---- errors, the phpVMS way ----


def _title(code: str) -> str:
    return CHECK_TITLES.get(code) or code.replace("-", " ").capitalize()


def _reply(
    request: Request[Any, Any, Any],
    status: int,
    type_: str,
    title: str,
    detail: str,
    fields: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    extra: dict[str, Any] = {}
    with contextlib.suppress(Exception):
        pirep_id = request.path_params.get("pirep_id")
        if pirep_id:
            extra["pirep_id"] = str(pirep_id)[:MAX_ID]
    return Response(
        fmt.error_body(status, type_, title, detail, fields, extra),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers or None,
    )


def _domain_error(request: Request[Any, Any, Any], exc: DomainError) -> Response[dict[str, Any]]:
    status = STATUS_OF.get(exc.code, 400)
    headers: dict[str, str] = {}
    detail = exc.detail
    if isinstance(exc, NotAuthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="albatross"'
        detail = f"Invalid or missing API key ({exc.detail})"
    if isinstance(exc, Unavailable | TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after)
    return _reply(request, status, exc.code, _title(exc.code), detail, exc.fields, headers)


def _validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[dict[str, Any]]:
    problem = validation_error_handler(request, exc).content
    fields = {e.field: e.message for e in problem.errors}
    return _reply(request, 400, "invalid-input", "Validation Error", problem.detail, fields)


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    problem = http_error_handler(request, exc).content
    return _reply(request, problem.status, problem.type, problem.title, problem.detail, None, exc.headers)


def _bad_encoding(request: Request[Any, Any, Any], exc: UnicodeDecodeError) -> Response[dict[str, Any]]:
    return _reply(request, 400, "invalid-input", "Validation Error", "The body is not valid UTF-8.")


def _internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _reply(request, 500, "internal-error", "Internal error", "Something went wrong on our side.")


def _outage(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.warning("%s %s: a service is unreachable (%s)", request.method, request.url.path, type(exc).__name__)
    return _reply(
        request,
        503,
        "unavailable",
        "Temporarily unavailable",
        "A service Albatross depends on is unreachable; try again shortly.",
        headers={"Retry-After": "2"},
    )


# ---- shared helpers ----


def _own_tenant(principal: Principal) -> str:
    if principal.tenant_id is None:
        raise Forbidden(
            "Only an airline's members use the flight-tracking API; a platform admin has no airline."
        )
    return principal.tenant_id


def _id(value: str, label: str) -> str:
    """A path id; anything longer than our ids cannot be one."""
    if not value or len(value) > MAX_ID:
        raise NotFound(f"No such {label}.")
    return value


def _flights(services: Services) -> FlightsQueries:
    return FlightsQueries(services.reader)


def _operations(services: Services) -> OperationsQueries:
    return OperationsQueries(services.reader)


async def _caught_up(services: Services, position: int | None = None, *, strict: bool = False) -> None:
    """Read your writes: wait (bounded) until the read models include `position` (default: all
    written so far). A read serves what they have if they lag; a write's answer (`strict`) is 503."""
    target = position if position is not None else await services.store.last_position()
    try:
        await services.runner.wait_for(target, services.settings.read_wait_seconds)
    except ProjectionTimeout:
        if strict:
            raise


async def _body(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return fmt.decode_body(await request.body())


async def _airline(services: Services, principal: Principal, tenant_id: str) -> fmt.AirlineInfo:
    view = await _operations(services).airline(services.store, services.codec, principal, tenant_id)
    p = view.profile
    return fmt.AirlineInfo(view.id, view.icao, p.iata, view.name, p.country, p.logo_url, p.callsign)


def _is_airline(value: Any, airline: fmt.AirlineInfo) -> bool:
    given = fmt.text(value)
    return given is None or given == airline.id or given.upper() in {airline.icao, airline.iata}


async def _aircraft_id(services: Services, principal: Principal, tenant_id: str, given: Any) -> str | None:
    """Our aircraft id, or a registration (any case); anything else goes to the command as is,
    whose check answers `pirep-aircraft-unavailable`."""
    value = fmt.text(given)
    if value is None:
        return None
    if len(value) > MAX_ID:
        raise fmt.invalid("aircraft_id", "no such aircraft")
    queries = _operations(services)
    with contextlib.suppress(NotFound):
        return (await queries.one_aircraft(principal, tenant_id, value)).id
    fleet = await queries.aircraft(principal, tenant_id, ALL, 0)
    match = next((a.id for a in fleet.items if a.details.registration.upper() == value.upper()), None)
    return match or value


def _details(data: dict[str, Any]) -> PirepDetails:
    return fmt.convert(data, PirepDetails, fmt.PHPVMS_FIELD)


async def _user(services: Services, principal: Principal, user_id: str) -> Any | None:
    try:
        return await get_user(services.reader, principal, user_id)
    except DomainError:
        return None


async def _fleet(services: Services, principal: Principal, tenant_id: str) -> dict[str, dict[str, Any]]:
    """Every aircraft of the airline as a resource, by id (with where PIREPs left it)."""
    page = await _operations(services).aircraft(principal, tenant_id, ALL, 0)
    states = await _flights(services).aircraft_states(principal, tenant_id)
    return {a.id: fmt.aircraft(a, tenant_id, states.get(a.id)) for a in page.items}


async def _pirep_resource(
    services: Services,
    principal: Principal,
    view: PirepView,
    *,
    full: bool = False,
    fleet: dict[str, dict[str, Any]] | None = None,
    airline: fmt.AirlineInfo | None = None,
) -> dict[str, Any]:
    airline = airline or await _airline(services, principal, view.tenant_id)
    aircraft_id = view.details.aircraft_id
    if fleet is None and aircraft_id is not None:
        fleet = await _fleet(services, principal, view.tenant_id)
    craft = (fleet or {}).get(aircraft_id or "")
    if not full:
        return fmt.pirep(view, airline, craft)
    comments = await _comments(services, principal, view.id) if may_see_private(principal, view) else []
    pilot = await _user(services, principal, view.pilot_id)
    return fmt.pirep(
        view, airline, craft, full=True, comments=comments, user=fmt.person(pilot, view.pilot_id)
    )


async def _comments(services: Services, principal: Principal, pirep_id: str) -> list[dict[str, Any]]:
    views = await _flights(services).comments(principal, pirep_id)
    authors = {a: await _user(services, principal, a) for a in {v.author_id for v in views}}
    return [fmt.comment(v, authors[v.author_id]) for v in sorted(views, key=lambda v: (-v.at, v.id))]


async def _answer(services: Services, principal: Principal, pirep_id: str, position: int) -> dict[str, Any]:
    """`{"data": Pirep}` once the read models include the write at `position`."""
    await _caught_up(services, position, strict=True)
    view = await _flights(services).pirep(principal, pirep_id)
    return {"data": await _pirep_resource(services, principal, view)}


# ---- PIREPs ----


class AcarsPireps(Controller):
    path = "/pireps"

    @route("/prefile", http_method=["POST"], status_code=200)
    async def prefile(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        """Start a tracked flight. The same pilot, flight number and airports again within 10
        minutes answers with the PIREP already started."""
        tenant_id = _own_tenant(principal)
        body = fmt.convert(await _body(request), fmt.PirepIn)
        airline = await _airline(services, principal, tenant_id)
        if not _is_airline(body.airline_id, airline):
            raise fmt.invalid("airline_id", "not your airline (give its id, ICAO or IATA code)")
        changes = fmt.detail_changes(body)
        missing = [f for f in ("flight_number", "departure", "arrival") if f not in changes]
        if missing:
            names = [fmt.PHPVMS_FIELD.get(m, m) for m in missing]
            raise InvalidInput(f"{', '.join(names)}: required", fields={name: "required" for name in names})
        changes["airline"] = airline.icao
        aircraft_id = await _aircraft_id(services, principal, tenant_id, body.aircraft_id)
        if aircraft_id is not None:
            changes["aircraft_id"] = aircraft_id
        fields = fmt.field_values(body.fields)
        details = _details(changes)
        result = await commands.handle_create_pirep(
            services.identity, context, principal, details, "tracked", fields=fields or None
        )
        position = result.position
        return await _answer(services, principal, result.value.id, position)

    @get("/{pirep_id:str}")
    async def one(
        self,
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        await _caught_up(services)
        view = await _flights(services).pirep(principal, _id(pirep_id, "PIREP"))
        return {"data": await _pirep_resource(services, principal, view, full=True)}

    async def _update(
        self,
        request: Request[Any, Any, Any],
        pirep_id: str,
        principal: Principal,
        context: Context,
        services: Services,
        *,
        filing: bool,
    ) -> dict[str, Any]:
        pirep_id = _id(pirep_id, "PIREP")
        body = fmt.convert(await _body(request), fmt.PirepIn)
        await _caught_up(services)
        view = await _flights(services).pirep(principal, pirep_id)
        airline = await _airline(services, principal, view.tenant_id)
        if not _is_airline(body.airline_id, airline):
            raise fmt.invalid("airline_id", "a PIREP stays with its airline")
        changes = fmt.detail_changes(body)
        if body.aircraft_id is not None:
            changes["aircraft_id"] = await _aircraft_id(services, principal, view.tenant_id, body.aircraft_id)
        fields = fmt.field_values(body.fields)
        phase = None if filing else fmt.phase_of(body.status)

        def amend(current: PirepDetails) -> PirepDetails:
            return _details({**msgspec.to_builtins(current), **changes}) if changes else current

        if filing:
            result = await commands.handle_submit_pirep(
                services.identity, context, principal, pirep_id, amend=amend, fields=fields or None
            )
        else:
            result = await commands.handle_amend_pirep(
                services.identity, context, principal, pirep_id, amend, phase=phase, fields=fields or None
            )
        position = result.position
        assert position is not None
        return await _answer(services, principal, pirep_id, position)

    @route(
        ["/{pirep_id:str}", "/{pirep_id:str}/update"], http_method=["POST", "PUT", "PATCH"], status_code=200
    )
    async def update(
        self,
        request: Request[Any, Any, Any],
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        """Change a flight in progress: any PIREP field, `status` (the phase code), `fields`."""
        return await self._update(request, pirep_id, principal, context, services, filing=False)

    @route("/{pirep_id:str}/file", http_method=["POST"], status_code=200)
    async def file(
        self,
        request: Request[Any, Any, Any],
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        """File the flight: the final numbers (flight_time, distance, fuel_used, landing_rate...)
        go on, the checks run, then it is pending (state 1) or accepted (2) by an auto-accept rule."""
        return await self._update(request, pirep_id, principal, context, services, filing=True)

    @route("/{pirep_id:str}/cancel", http_method=["PUT", "DELETE"], status_code=200)
    async def cancel(
        self,
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        pirep_id = _id(pirep_id, "PIREP")
        await commands.handle_cancel_pirep(services.identity, context, principal, pirep_id)
        return fmt.message(f"PIREP {pirep_id} cancelled")

    # -- positions, logs and events --

    @route(
        ["/{pirep_id:str}/acars/position", "/{pirep_id:str}/acars/positions"],
        http_method=["POST"],
        status_code=200,
    )
    async def positions(
        self,
        request: Request[Any, Any, Any],
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        """A batch `{"positions": [...]}`; a row whose `id` was posted before replaces it."""
        pirep_id = _id(pirep_id, "PIREP")
        data = await _body(request)
        if not isinstance(data.get("positions"), list) or not data["positions"]:
            raise fmt.invalid("positions", "required: a list of positions")
        if len(data["positions"]) > MAX_BATCH:
            raise fmt.invalid("positions", f"at most {MAX_BATCH} a batch")
        batch = fmt.convert(data, fmt.PositionsIn)
        now = now_us()
        rows = [
            fmt.convert(
                fmt.position(row, i, now, uuid.uuid4().hex), Position, fmt.POSITION_FIELD, f"positions.{i}."
            )
            for i, row in enumerate(batch.positions)
        ]
        result = await commands.handle_record_positions(services.identity, context, principal, pirep_id, rows)
        return fmt.message(f"{result.value} positions added", result.value)

    @get("/{pirep_id:str}/acars/position")
    async def track(
        self,
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        await _caught_up(services)
        pirep_id = _id(pirep_id, "PIREP")
        points = await _flights(services).track(principal, pirep_id)
        return {"data": [fmt.acars_row(pirep_id, p) for p in points]}

    async def _log(
        self,
        request: Request[Any, Any, Any],
        pirep_id: str,
        principal: Principal,
        context: Context,
        services: Services,
        *,
        key: str,
    ) -> dict[str, Any]:
        pirep_id = _id(pirep_id, "PIREP")
        data = await _body(request)
        items = data.get(key)
        if not isinstance(items, list) or not items:
            raise fmt.invalid(key, f"required: a list of {key}")
        if len(items) > MAX_BATCH:
            raise fmt.invalid(key, f"at most {MAX_BATCH} a batch")
        entries = fmt.convert(items, list[fmt.LogIn], prefix=f"{key}.")
        now = now_us()
        kind = "event" if key == "events" else "log"
        lines = []
        for i, entry in enumerate(entries):
            message = fmt.text(entry.event if kind == "event" and entry.event is not None else entry.log)
            if message is None:
                raise fmt.invalid(f"{key}.{i}.{'event' if kind == 'event' else 'log'}", "required")
            at = fmt.parse_time(entry.created_at, f"{key}.{i}.created_at")
            line = {"kind": kind, "message": message[:2000], "lat": entry.lat, "lon": entry.lon}
            line["at"] = at if at is not None else now + i
            lines.append(fmt.convert(line, LogLine, prefix=f"{key}.{i}."))
        result = await commands.handle_log(services.identity, context, principal, pirep_id, lines)
        return fmt.message(f"{result.value} logs added", result.value)

    @route("/{pirep_id:str}/acars/logs", http_method=["POST"], status_code=200)
    async def logs(
        self,
        request: Request[Any, Any, Any],
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        """`{"logs": [{"log": "text", "lat"?, "lon"?, "created_at"?}]}`."""
        return await self._log(request, pirep_id, principal, context, services, key="logs")

    @route("/{pirep_id:str}/acars/events", http_method=["POST"], status_code=200)
    async def events(
        self,
        request: Request[Any, Any, Any],
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        """`{"events": [{"event": "text", "lat"?, "lon"?, "created_at"?}]}`."""
        return await self._log(request, pirep_id, principal, context, services, key="events")

    # -- route, fields, comments --

    @get("/{pirep_id:str}/route")
    async def route_points(
        self,
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        await _caught_up(services)
        view = await _flights(services).pirep(principal, _id(pirep_id, "PIREP"))
        return {"data": [fmt.route_row(view.id, w) for w in sorted(view.waypoints, key=lambda w: w.order)]}

    @route("/{pirep_id:str}/route", http_method=["POST"], status_code=200)
    async def set_route(
        self,
        request: Request[Any, Any, Any],
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        """`{"route": [{"name", "order", "nav_type"?, "lat", "lon"}]}` replaces the route."""
        pirep_id = _id(pirep_id, "PIREP")
        data = await _body(request)
        points = data.get("route")
        if not isinstance(points, list) or not points:
            raise fmt.invalid("route", "required: a list of points")
        if len(points) > 2000:
            raise fmt.invalid("route", "at most 2000 points")
        given = fmt.convert(points, list[fmt.WaypointIn], prefix="route.")
        waypoints = [
            fmt.convert(
                {
                    "order": p.order,
                    "name": (fmt.text(p.name) or "")[:20],
                    "lat": p.lat,
                    "lon": p.lon,
                    "kind": (fmt.text(p.nav_type) or "")[:20],
                },
                Waypoint,
                prefix=f"route.{i}.",
            )
            for i, p in enumerate(given)
        ]
        await commands.handle_set_route(services.identity, context, principal, pirep_id, waypoints)
        return fmt.message(f"{len(waypoints)} points added", len(waypoints))

    @route("/{pirep_id:str}/route", http_method=["DELETE"], status_code=200)
    async def delete_route(
        self,
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        await commands.handle_set_route(services.identity, context, principal, _id(pirep_id, "PIREP"), [])
        return fmt.message("Route deleted")

    @get("/{pirep_id:str}/fields")
    async def fields(
        self,
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        await _caught_up(services)
        view = await _flights(services).pirep(principal, _id(pirep_id, "PIREP"))
        return {"data": dict(view.fields) or []}

    @route("/{pirep_id:str}/fields", http_method=["POST"], status_code=200)
    async def set_fields(
        self,
        request: Request[Any, Any, Any],
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        """`{"fields": {"name": value, ...}}`, merged over the fields already set."""
        pirep_id = _id(pirep_id, "PIREP")
        data = await _body(request)
        values = fmt.field_values(data.get("fields"))
        if not values:
            raise fmt.invalid("fields", "required: an object of name: value")
        result = await commands.handle_update_pirep(
            services.identity, context, principal, pirep_id, fields=values
        )
        await _caught_up(services, result.position, strict=True)
        view = await _flights(services).pirep(principal, pirep_id)
        return {"data": dict(view.fields) or []}

    @get("/{pirep_id:str}/comments")
    async def comments(
        self,
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        await _caught_up(services)
        return {"data": await _comments(services, principal, _id(pirep_id, "PIREP"))}

    @route("/{pirep_id:str}/comments", http_method=["POST"], status_code=201)
    async def comment(
        self,
        request: Request[Any, Any, Any],
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        """`{"comment": "text"}`; 201 with the comment."""
        pirep_id = _id(pirep_id, "PIREP")
        text = fmt.text((await _body(request)).get("comment"))
        if text is None:
            raise fmt.invalid("comment", "required")
        if len(text) > 4000:
            raise fmt.invalid("comment", "at most 4000 characters")
        result = await commands.handle_comment(services.identity, context, principal, pirep_id, text)
        await _caught_up(services, result.position, strict=True)
        found = next(
            (c for c in await _comments(services, principal, pirep_id) if c["id"] == result.value), None
        )
        return {"data": found}


# ---- the caller, their PIREPs and bids ----


def _page_of(items: list[Any], page: int, limit: int) -> list[Any]:
    return items[(page - 1) * limit : page * limit]


def _query(request: Request[Any, Any, Any]) -> dict[str, Any]:
    return {k: v for k, v in request.query_params.items() if k not in ("page", "limit")}


def _url(request: Request[Any, Any, Any]) -> str:
    return str(request.url).split("?", 1)[0]


class AcarsUser(Controller):
    path = "/user"

    @get("/")
    async def me(
        self, principal: NamedDependency[Principal], services: NamedDependency[Services]
    ) -> dict[str, Any]:
        """The caller, with their airline, rank, hours, location and bids."""
        await _caught_up(services)
        user = await get_user(services.reader, principal, principal.user_id)
        out: dict[str, Any] = {
            "id": user.id,
            "pilot_id": user.pilot_id,
            "ident": user.pilot_id,
            "name": user.name,
            "name_private": _private(user.name),
            "email": user.email,
            "avatar": None,
            "airline_id": user.tenant_id,
            "rank_id": None,
            "home_airport": None,
            "curr_airport": None,
            "last_pirep_id": None,
            "flights": 0,
            "flight_time": 0,
            "transfer_time": 0,
            "total_time": 0,
            "timezone": "UTC",
            "state": fmt.USER_STATE_CODE.get(user.state, 1),
            "airline": None,
            "rank": None,
            "bids": [],
        }
        if principal.tenant_id is not None:
            tenant_id = principal.tenant_id
            career = await _flights(services).career(principal, tenant_id, principal.user_id)
            last = await _flights(services).pireps(principal, tenant_id, pilot_id=principal.user_id, limit=1)
            out.update(
                rank_id=career.rank,
                rank={"name": career.rank} if career.rank else None,
                curr_airport=career.location,
                last_pirep_id=last.items[0].id if last.items else None,
                flights=career.flights,
                flight_time=career.flight_minutes,
                transfer_time=career.transfer_minutes,
                total_time=career.total_minutes,
                airline=(await _airline(services, principal, tenant_id)).resource(),
                bids=await _bids(services, principal, tenant_id),
            )
        return {"data": out}

    @get("/pireps")
    async def pireps(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        pirep_state: Annotated[int | None, QueryParameter(name="state", ge=0, le=100)] = None,
        page: Page = 1,
        limit: PerPage = 50,
    ) -> dict[str, Any]:
        """The caller's PIREPs, newest first; without `state`, all but the cancelled."""
        tenant_id = _own_tenant(principal)
        await _caught_up(services)
        if pirep_state is None:
            states = [s for s in fmt.STATE_CODE if s != "cancelled"]
        else:
            states = [fmt.STATE_OF_CODE.get(pirep_state, "none")]
        found = await _flights(services).pireps(
            principal,
            tenant_id,
            pilot_id=principal.user_id,
            states=states,
            limit=limit,
            offset=(page - 1) * limit,
        )
        airline = await _airline(services, principal, tenant_id)
        fleet = await _fleet(services, principal, tenant_id)
        items = [
            await _pirep_resource(services, principal, v, fleet=fleet, airline=airline) for v in found.items
        ]
        return fmt.paginated(items, found.total, page, limit, _url(request), _query(request))

    @get("/bids")
    async def bids(
        self, principal: NamedDependency[Principal], services: NamedDependency[Services]
    ) -> dict[str, Any]:
        tenant_id = _own_tenant(principal)
        await _caught_up(services)
        return {"data": await _bids(services, principal, tenant_id)}

    @route("/bids", http_method=["PUT", "POST"], status_code=200)
    async def place_bid(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        """`{"flight_id": id, "aircraft_id"?: id or registration}`; 409 for a flight already bid."""
        tenant_id = _own_tenant(principal)
        data = await _body(request)
        flight_id = fmt.text(data.get("flight_id"))
        if flight_id is None:
            raise fmt.invalid("flight_id", "required")
        aircraft_id = await _aircraft_id(services, principal, tenant_id, data.get("aircraft_id"))
        result = await operations.handle_place_bid(
            services.identity, context, principal, _id(flight_id, "flight"), aircraft_id
        )
        await _caught_up(services, result.position, strict=True)
        placed = [b for b in await _bids(services, principal, tenant_id) if b["id"] == result.value]
        return {"data": placed[0] if placed else None}

    @route("/bids", http_method=["DELETE"], status_code=200)
    async def remove_bid(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        """`{"bid_id": id}` or `{"flight_id": id}` (in the body or the query); answers the bids left."""
        tenant_id = _own_tenant(principal)
        data = {**dict(request.query_params), **await _body(request)}
        bid_id, flight_id = fmt.text(data.get("bid_id")), fmt.text(data.get("flight_id"))
        if bid_id is None and flight_id is None:
            raise fmt.invalid("flight_id", "required (or bid_id)")
        await _caught_up(services)
        mine = await _operations(services).bids(principal, tenant_id, principal.user_id)
        if bid_id is not None:
            chosen = [b for b in mine if b.id == bid_id]
        else:
            chosen = [b for b in mine if b.flight_id == flight_id]
        if not chosen:
            raise NotFound("No such bid." if bid_id is not None else "You have no bid on this flight.")
        position = 0
        for found in chosen:
            position = (
                await operations.handle_withdraw_bid(services.identity, context, principal, found.id)
            ).position
        await _caught_up(services, position, strict=True)
        return {"data": await _bids(services, principal, tenant_id)}


def _private(name: str | None) -> str | None:
    if not name:
        return name
    parts = name.split()
    return parts[0] if len(parts) == 1 else f"{parts[0]} {parts[-1][0]}."


async def _bids(services: Services, principal: Principal, tenant_id: str) -> list[dict[str, Any]]:
    views = await _operations(services).bids(principal, tenant_id, principal.user_id)
    if not views:
        return []
    airline = await _airline(services, principal, tenant_id)
    subfleets = await _subfleets(services, principal, tenant_id)
    out = []
    for view in views:
        flight = None
        with contextlib.suppress(NotFound):
            found = await _operations(services).flight(principal, tenant_id, view.flight_id)
            flight = fmt.flight(found, airline, _flight_subfleets(found, subfleets), has_bid=True)
        out.append(fmt.bid(view, flight))
    return out


# ---- flights, fleet, airports, airlines, status ----


async def _subfleets(services: Services, principal: Principal, tenant_id: str) -> dict[str, dict[str, Any]]:
    """Every subfleet of the airline as a resource with its aircraft, by id."""
    page = await _operations(services).subfleets(principal, tenant_id, ALL, 0)
    fleet = await _fleet(services, principal, tenant_id)
    return {
        s.id: fmt.subfleet(s, tenant_id, [a for a in fleet.values() if a["subfleet_id"] == s.id])
        for s in page.items
    }


def _flight_subfleets(view: FlightView, subfleets: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The subfleets that fly it (none named: every one)."""
    if not view.details.subfleets:
        return list(subfleets.values())
    return [subfleets[s] for s in view.details.subfleets if s in subfleets]


class AcarsFlights(Controller):
    path = "/flights"

    async def _search(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        services: Services,
        filters: dict[str, Any],
        page: int,
        limit: int,
    ) -> dict[str, Any]:
        tenant_id = _own_tenant(principal)
        await _caught_up(services)
        airline = await _airline(services, principal, tenant_id)
        f = {k: (v.strip() if isinstance(v, str) else v) for k, v in filters.items()}
        flight_type = f["flight_type"] if f["flight_type"] not in (None, "", "0") else None
        search = FlightSearch(
            departure=f["dpt_airport_id"] or f["dep_icao"] or None,
            arrival=f["arr_airport_id"] or f["arr_icao"] or None,
            min_distance=f["dgt"],
            max_distance=f["dlt"],
            min_minutes=f["tgt"],
            max_minutes=f["tlt"],
            flight_type=flight_type,
            subfleet_id=f["subfleet_id"] or None,
            text=(f["flight_number"] or "").lower() or None,
        )
        keep: list[Callable[[FlightView], bool]] = []
        if f["flight_id"]:
            keep.append(lambda v: v.id == f["flight_id"])
        if f["flight_number"]:
            keep.append(lambda v: v.details.flight_number.upper() == f["flight_number"].upper())
        if f["route_code"]:
            keep.append(lambda v: (v.details.route_code or "").upper() == f["route_code"].upper())
        if f["callsign"]:
            keep.append(lambda v: (v.details.callsign or "").upper() == f["callsign"].upper())
        if f["airline_id"] and not _is_airline(f["airline_id"], airline):
            keep.append(lambda v: v.details.airline == f["airline_id"].upper())
        queries = _operations(services)
        if keep:
            every = await queries.search_flights(principal, tenant_id, search, ALL, 0)
            matching = [v for v in every.items if all(k(v) for k in keep)]
            views, total = _page_of(matching, page, limit), len(matching)
        else:
            found = await queries.search_flights(principal, tenant_id, search, limit, (page - 1) * limit)
            views, total = found.items, found.total
        subfleets = await _subfleets(services, principal, tenant_id) if views else {}
        bid_on = {b.flight_id for b in await queries.bids(principal, tenant_id, principal.user_id)}
        items = [fmt.flight(v, airline, _flight_subfleets(v, subfleets), v.id in bid_on) for v in views]
        return fmt.paginated(items, total, page, limit, _url(request), _query(request))

    @get(["/", "/search"])
    async def index(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        flight_id: OptionalText = None,
        airline_id: OptionalText = None,
        flight_number: OptionalText = None,
        callsign: OptionalText = None,
        route_code: OptionalText = None,
        flight_type: OptionalText = None,
        dpt_airport_id: OptionalText = None,
        dep_icao: OptionalText = None,
        arr_airport_id: OptionalText = None,
        arr_icao: OptionalText = None,
        subfleet_id: OptionalText = None,
        dgt: Annotated[float | None, QueryParameter(ge=0, le=20000)] = None,
        dlt: Annotated[float | None, QueryParameter(ge=0, le=20000)] = None,
        tgt: Annotated[int | None, QueryParameter(ge=0, le=5000)] = None,
        tlt: Annotated[int | None, QueryParameter(ge=0, le=5000)] = None,
        page: Page = 1,
        limit: PerPage = 50,
    ) -> dict[str, Any]:
        """The airline's schedule (pilots: active and visible flights), filtered the phpVMS way."""
        filters = dict(locals())
        for name in ("self", "request", "principal", "services", "page", "limit"):
            filters.pop(name)
        return await self._search(request, principal, services, filters, page, limit)

    @get("/{flight_id:str}")
    async def one(
        self,
        flight_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        tenant_id = _own_tenant(principal)
        await _caught_up(services)
        queries = _operations(services)
        view = await queries.flight(principal, tenant_id, _id(flight_id, "flight"))
        airline = await _airline(services, principal, tenant_id)
        subfleets = await _subfleets(services, principal, tenant_id)
        bid_on = {b.flight_id for b in await queries.bids(principal, tenant_id, principal.user_id)}
        return {"data": fmt.flight(view, airline, _flight_subfleets(view, subfleets), view.id in bid_on)}


class AcarsFleet(Controller):
    path = "/fleet"

    @get("/")
    async def subfleets(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        page: Page = 1,
        limit: PerPage = 50,
    ) -> dict[str, Any]:
        """The airline's subfleets, each with its aircraft and fares."""
        tenant_id = _own_tenant(principal)
        await _caught_up(services)
        every = list((await _subfleets(services, principal, tenant_id)).values())
        return fmt.paginated(
            _page_of(every, page, limit), len(every), page, limit, _url(request), _query(request)
        )

    @get("/aircraft/{aircraft_id:str}")
    async def aircraft(
        self,
        aircraft_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        type: Annotated[str | None, QueryParameter(max_length=20)] = None,  # phpVMS calls it so
    ) -> dict[str, Any]:
        """An aircraft by our id, or by registration (also with `?type=registration`)."""
        tenant_id = _own_tenant(principal)
        await _caught_up(services)
        key = _id(aircraft_id, "aircraft")
        fleet = await _fleet(services, principal, tenant_id)
        found = None if type and type != "id" else fleet.get(key)
        if found is None:
            column = {"tail_number": "registration", "icao": "icao", "iata": "iata", "fin": "fin"}.get(
                type or "registration", "registration"
            )
            found = next((a for a in fleet.values() if str(a.get(column) or "").upper() == key.upper()), None)
        if found is None:
            raise NotFound("No such aircraft.")
        subfleets = await _operations(services).subfleets(principal, tenant_id, ALL, 0)
        owner = next((s for s in subfleets.items if s.id == found["subfleet_id"]), None)
        return {"data": {**found, "subfleet": fmt.subfleet(owner, tenant_id) if owner else None}}


async def _airport(services: Services, principal: Principal, code: str) -> dict[str, Any]:
    wanted = code.strip().upper()[:8]
    ref = reference.resolve(wanted)
    icao = ref.icao if ref is not None else wanted
    if principal.tenant_id is not None:
        with contextlib.suppress(NotFound):
            own = await _operations(services).airport(principal, principal.tenant_id, icao)
            return fmt.airport(own.icao, own) or {}
    view = airport_view(icao, None)
    if view is None:
        raise NotFound(f"Airport {wanted} not found")
    return fmt.airport(view.icao, view) or {}


class AcarsAirports(Controller):
    path = "/airports"

    @get("/{icao:str}")
    async def one(
        self, icao: FromPath[str], principal: NamedDependency[Principal], services: NamedDependency[Services]
    ) -> dict[str, Any]:
        return {"data": await _airport(services, principal, icao)}

    @get("/{departure:str}/distance/{arrival:str}")
    async def distance(
        self,
        departure: FromPath[str],
        arrival: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
    ) -> dict[str, Any]:
        """Great-circle distance: `{"fromIcao", "toIcao", "distance": {m, km, mi, nmi}}`."""
        a = await _airport(services, principal, departure)
        b = await _airport(services, principal, arrival)
        nmi = reference.distance_nm(a["lat"], a["lon"], b["lat"], b["lon"])
        return {"data": {"fromIcao": a["icao"], "toIcao": b["icao"], "distance": fmt.distance(nmi)}}


class AcarsAirlines(Controller):
    path = "/airlines"

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        page: Page = 1,
        limit: PerPage = 50,
    ) -> dict[str, Any]:
        """The caller's airline (a platform admin: every airline), by name."""
        found = await list_tenants(services.reader, principal, limit=limit, offset=(page - 1) * limit)
        items = [(await _airline(services, principal, t.id)).resource() for t in found.items]
        return fmt.paginated(items, found.total, page, limit, _url(request), _query(request))


@get("/status")
async def status() -> dict[str, Any]:
    """What phpVMS's `/api/status` says (no key needed): name and a phpVMS-7 version string."""
    return {"name": "Albatross", "version": f"7.0.0+albatross.{__version__}", "albatross": __version__}


def router(services: Services) -> Router:
    """The phpVMS-compatible routes under `/api`, with their own authentication and error body."""
    handlers: dict[Any, Any] = {
        UnicodeDecodeError: _bad_encoding,
        DomainError: _domain_error,
        ValidationException: _validation_error,
        HTTPException: _http_error,
        Exception: _internal_error,
        **dict.fromkeys(services.outage_errors, _outage),
    }
    return Router(
        path="/api",
        route_handlers=[
            AcarsPireps,
            AcarsUser,
            AcarsFlights,
            AcarsFleet,
            AcarsAirports,
            AcarsAirlines,
            status,
        ],
        dependencies={"principal": Provide(provide_acars_principal)},
        exception_handlers=handlers,
        include_in_schema=False,
        tags=["acars"],
    )
