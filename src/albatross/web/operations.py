"""Airline operations over HTTP: reference airports, and per airline its profile, airports,
subfleets, aircraft, flights (schedules), bids, CSV import and export, and record history."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter

from albatross.identity.policy import Action, Principal, authorize
from albatross.identity.queries import HistoryEntry, stream_history
from albatross.kernel import Context, NotFound
from albatross.operations import airports as reference
from albatross.operations import commands, transfer
from albatross.operations.domain import (
    Aircraft,
    AircraftDetails,
    AirlineProfile,
    AirportDetails,
    AirportRecord,
    Flight,
    FlightDetails,
    Subfleet,
    SubfleetDetails,
    clean_code,
)
from albatross.operations.queries import (
    AircraftView,
    AirlineView,
    AirportView,
    BidView,
    FlightSearch,
    FlightView,
    OperationsQueries,
    Page,
    SubfleetView,
    export,
)
from albatross.services import Services
from albatross.web.common import NO_CONTENT, Changed, Created, Strict, no_content
from albatross.web.deps import wait_for_position
from albatross.web.problems import responses

Limit = Annotated[int, QueryParameter(ge=1, le=200)]
Offset = Annotated[int, QueryParameter(ge=0, le=10**9)]
Code = Annotated[str, msgspec.Meta(min_length=3, max_length=4, pattern="^[A-Za-z0-9]{3,4}$")]


def queries(services: Services) -> OperationsQueries:
    return OperationsQueries(services.reader)


# ---- reference airports (any signed-in caller) ----


class AirportPage(msgspec.Struct, frozen=True):
    items: list[reference.Airport]
    total: int
    limit: int
    offset: int


class Distance(msgspec.Struct, frozen=True):
    departure: str
    arrival: str
    nmi: float
    km: float
    mi: float


class ReferenceAirports(Controller):
    path = "/api/v1/airports"
    tags = ["airports"]

    @get("/", responses=responses(400, 401))
    async def search(
        self,
        principal: NamedDependency[Principal],
        q: Annotated[str, QueryParameter(min_length=1, max_length=100)],
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> AirportPage:
        """Search the world's airports by ICAO or IATA code, name or city."""
        items, total = reference.search(q, limit, offset)
        return AirportPage(items, total, limit, offset)

    @get("/{icao:str}", responses=responses(400, 401, 404))
    async def one(self, principal: NamedDependency[Principal], icao: FromPath[str]) -> reference.Airport:
        found = reference.resolve(icao)
        if found is None:
            raise NotFound(f"No airport {icao.strip().upper()[:8]}.")
        return found

    @get("/{departure:str}/distance/{arrival:str}", responses=responses(400, 401, 404))
    async def distance(
        self, principal: NamedDependency[Principal], departure: FromPath[str], arrival: FromPath[str]
    ) -> Distance:
        """Great-circle distance between two airports."""
        a, b = reference.resolve(departure), reference.resolve(arrival)
        if a is None or b is None:
            raise NotFound(f"No airport {(departure if a is None else arrival).strip().upper()[:8]}.")
        nmi = reference.distance_between(a, b)
        return Distance(a.icao, b.icao, round(nmi, 1), round(nmi * 1.852, 1), round(nmi * 1.150779, 1))


# ---- one airline's operations ----


class ProfileRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    profile: AirlineProfile
    pilot_id_prefix: Annotated[str, msgspec.Meta(max_length=6)] | None = None
    pilot_id_width: Annotated[int, msgspec.Meta(ge=1, le=8)] | None = None


class AirportRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    hub: bool = False
    landing_fee: Annotated[float, msgspec.Meta(ge=0, le=1e9)] = 0.0
    ground_handling_cost: Annotated[float, msgspec.Meta(ge=0, le=1e9)] = 0.0
    fuel_100ll_cost: Annotated[float, msgspec.Meta(ge=0, le=1e9)] = 0.0
    fuel_jet_a_cost: Annotated[float, msgspec.Meta(ge=0, le=1e9)] = 0.0
    fuel_mogas_cost: Annotated[float, msgspec.Meta(ge=0, le=1e9)] = 0.0
    iata: Annotated[str, msgspec.Meta(pattern="^[A-Z0-9]{3}$")] | None = None
    name: Annotated[str, msgspec.Meta(max_length=120)] | None = None
    location: Annotated[str, msgspec.Meta(max_length=120)] | None = None
    country: Annotated[str, msgspec.Meta(max_length=60)] | None = None
    timezone: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)] | None = None
    lon: Annotated[float, msgspec.Meta(ge=-180, le=180)] | None = None


class BidRequest(msgspec.Struct, forbid_unknown_fields=True):
    flight_id: Annotated[str, msgspec.Meta(max_length=36)]
    aircraft_id: Annotated[str, msgspec.Meta(max_length=36)] | None = None


class ImportReport(msgspec.Struct, frozen=True):
    kind: str
    dry_run: bool
    rows: int
    created: int
    updated: int
    unchanged: int
    errors: list[transfer.RowProblem]
    position: int | None
    outcomes: list[transfer.RowOutcome]
    """Every row without errors and what importing it does (dry run) or did."""


Kind = Literal["airports", "subfleets", "aircraft", "flights"]


class AirlineOperations(Controller):
    path = "/api/v1/tenants/{tenant_id:str}"
    tags = ["operations"]
    dependencies = {"consistent": Provide(wait_for_position)}

    # -- profile --

    @get("/profile", responses=responses(400, 401, 404, 503))
    async def profile(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> AirlineView:
        """The airline: name, codes, applications, pilot-id format, profile and rules (bids, PIREP
        checks, auto-accept)."""
        return await queries(services).airline(services.store, services.codec, principal, tenant_id)

    @put("/profile", responses=responses(400, 401, 403, 404, 409, 413))
    async def set_profile(
        self,
        tenant_id: FromPath[str],
        data: Annotated[ProfileRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Changed:
        result = await commands.handle_update_profile(
            services.identity,
            context,
            principal,
            tenant_id,
            data.profile,
            pilot_id_prefix=data.pilot_id_prefix,
            pilot_id_width=data.pilot_id_width,
        )
        return Changed(result.position)

    # -- airports of the airline --

    @get("/airports", responses=responses(400, 401, 404, 503))
    async def airports(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
        hubs: Annotated[bool, QueryParameter()] = False,
    ) -> list[AirportView]:
        """The airports the airline has facts about (hubs, costs, its own airports)."""
        return await queries(services).airline_airports(principal, tenant_id, hubs)

    @get("/airports/{icao:str}", responses=responses(400, 401, 404, 503))
    async def airport(
        self,
        tenant_id: FromPath[str],
        icao: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> AirportView:
        return await queries(services).airport(principal, tenant_id, icao)

    @put("/airports/{icao:str}", responses=responses(400, 401, 403, 404, 409, 413))
    async def set_airport(
        self,
        tenant_id: FromPath[str],
        icao: FromPath[str],
        data: Annotated[AirportRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Changed:
        """Make an airport a hub, set its costs, or add one the reference data lacks (name, lat, lon)."""
        details = AirportDetails(icao=clean_code(icao, "icao"), **msgspec.structs.asdict(data))
        result = await commands.handle_set_airport(services.identity, context, principal, tenant_id, details)
        return Changed(result.position)

    @delete(
        "/airports/{icao:str}",
        status_code=204,
        responses={**NO_CONTENT, **responses(400, 401, 403, 404, 409)},
    )
    async def remove_airport(
        self,
        tenant_id: FromPath[str],
        icao: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Response[None]:
        result = await commands.handle_remove_airport(
            services.identity, context, principal, tenant_id, icao.strip().upper()
        )
        return no_content(result.position)

    # -- subfleets --

    @get("/subfleets", responses=responses(400, 401, 404, 503))
    async def subfleets(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page:
        return await queries(services).subfleets(principal, tenant_id, limit, offset)

    @post("/subfleets", status_code=201, responses=responses(400, 401, 403, 404, 409, 413))
    async def add_subfleet(
        self,
        tenant_id: FromPath[str],
        data: Annotated[SubfleetDetails, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Created:
        result = await commands.handle_save_subfleet(services.identity, context, principal, tenant_id, data)
        return Created(result.value, result.position)

    @get("/subfleets/{record_id:str}", responses=responses(400, 401, 404, 503))
    async def subfleet(
        self,
        tenant_id: FromPath[str],
        record_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> SubfleetView:
        return await queries(services).subfleet(principal, tenant_id, record_id)

    @put("/subfleets/{record_id:str}", responses=responses(400, 401, 403, 404, 409, 413))
    async def change_subfleet(
        self,
        tenant_id: FromPath[str],
        record_id: FromPath[str],
        data: Annotated[SubfleetDetails, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Changed:
        result = await commands.handle_save_subfleet(
            services.identity, context, principal, tenant_id, data, record_id
        )
        return Changed(result.position)

    # -- aircraft --

    @get("/aircraft", responses=responses(400, 401, 404, 503))
    async def aircraft(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
        subfleet_id: Annotated[str | None, QueryParameter(max_length=36)] = None,
        status: Annotated[str | None, QueryParameter(max_length=20)] = None,
        location: Annotated[str | None, QueryParameter(max_length=4)] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page:
        return await queries(services).aircraft(
            principal, tenant_id, limit, offset, subfleet_id=subfleet_id, status=status, location=location
        )

    @post("/aircraft", status_code=201, responses=responses(400, 401, 403, 404, 409, 413))
    async def add_aircraft(
        self,
        tenant_id: FromPath[str],
        data: Annotated[AircraftDetails, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Created:
        result = await commands.handle_save_aircraft(services.identity, context, principal, tenant_id, data)
        return Created(result.value, result.position)

    @get("/aircraft/{record_id:str}", responses=responses(400, 401, 404, 503))
    async def one_aircraft(
        self,
        tenant_id: FromPath[str],
        record_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> AircraftView:
        return await queries(services).one_aircraft(principal, tenant_id, record_id)

    @put("/aircraft/{record_id:str}", responses=responses(400, 401, 403, 404, 409, 413))
    async def change_aircraft(
        self,
        tenant_id: FromPath[str],
        record_id: FromPath[str],
        data: Annotated[AircraftDetails, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Changed:
        result = await commands.handle_save_aircraft(
            services.identity, context, principal, tenant_id, data, record_id
        )
        return Changed(result.position)

    # -- flights (schedules) --

    @get("/flights", responses=responses(400, 401, 404, 503))
    async def flights(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
        departure: Annotated[str | None, QueryParameter(max_length=4)] = None,
        arrival: Annotated[str | None, QueryParameter(max_length=4)] = None,
        min_distance: Annotated[float | None, QueryParameter(ge=0, le=20000)] = None,
        max_distance: Annotated[float | None, QueryParameter(ge=0, le=20000)] = None,
        min_minutes: Annotated[int | None, QueryParameter(ge=0, le=5000)] = None,
        max_minutes: Annotated[int | None, QueryParameter(ge=0, le=5000)] = None,
        flight_type: Annotated[str | None, QueryParameter(max_length=1)] = None,
        subfleet_id: Annotated[str | None, QueryParameter(max_length=36)] = None,
        weekday: Annotated[int | None, QueryParameter(ge=1, le=7)] = None,
        on_date: Annotated[date | None, QueryParameter(name="date")] = None,
        q: Annotated[str | None, QueryParameter(max_length=100)] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page:
        """Search the schedule. `date` offers only the flights that run that day (days of week,
        start and end dates); `weekday` (1 = Monday) only the days of week."""
        filters = FlightSearch(
            departure=departure,
            arrival=arrival,
            min_distance=min_distance,
            max_distance=max_distance,
            min_minutes=min_minutes,
            max_minutes=max_minutes,
            flight_type=flight_type,
            subfleet_id=subfleet_id,
            weekday=weekday,
            on_date=on_date,
            text=q,
        )
        return await queries(services).search_flights(principal, tenant_id, filters, limit, offset)

    @post("/flights", status_code=201, responses=responses(400, 401, 403, 404, 409, 413))
    async def add_flight(
        self,
        tenant_id: FromPath[str],
        data: Annotated[FlightDetails, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Created:
        """Add a flight; a distance of 0 is computed from the airports."""
        result = await commands.handle_save_flight(services.identity, context, principal, tenant_id, data)
        return Created(result.value, result.position)

    @get("/flights/{record_id:str}", responses=responses(400, 401, 404, 503))
    async def flight(
        self,
        tenant_id: FromPath[str],
        record_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> FlightView:
        return await queries(services).flight(principal, tenant_id, record_id)

    @put("/flights/{record_id:str}", responses=responses(400, 401, 403, 404, 409, 413))
    async def change_flight(
        self,
        tenant_id: FromPath[str],
        record_id: FromPath[str],
        data: Annotated[FlightDetails, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Changed:
        result = await commands.handle_save_flight(
            services.identity, context, principal, tenant_id, data, record_id
        )
        return Changed(result.position)

    # -- removing and history, for every kind of record --

    @delete(
        "/subfleets/{record_id:str}",
        status_code=204,
        responses={**NO_CONTENT, **responses(400, 401, 403, 404, 409)},
    )
    async def remove_subfleet(
        self,
        tenant_id: FromPath[str],
        record_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Response[None]:
        return await _remove(services, context, principal, tenant_id, "subfleet", record_id)

    @delete(
        "/aircraft/{record_id:str}",
        status_code=204,
        responses={**NO_CONTENT, **responses(400, 401, 403, 404, 409)},
    )
    async def remove_aircraft(
        self,
        tenant_id: FromPath[str],
        record_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Response[None]:
        return await _remove(services, context, principal, tenant_id, "aircraft", record_id)

    @delete(
        "/flights/{record_id:str}",
        status_code=204,
        responses={**NO_CONTENT, **responses(400, 401, 403, 404, 409)},
    )
    async def remove_flight(
        self,
        tenant_id: FromPath[str],
        record_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Response[None]:
        """Remove a flight; its bids go with it."""
        return await _remove(services, context, principal, tenant_id, "flight", record_id)

    @get("/subfleets/{record_id:str}/history", responses=responses(400, 401, 403, 404))
    async def subfleet_history(
        self,
        tenant_id: FromPath[str],
        record_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
    ) -> list[HistoryEntry]:
        """Every change to the subfleet: who, when, what it became."""
        return await _history(services, principal, tenant_id, Subfleet.stream_id(record_id))

    @get("/aircraft/{record_id:str}/history", responses=responses(400, 401, 403, 404))
    async def aircraft_history(
        self,
        tenant_id: FromPath[str],
        record_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
    ) -> list[HistoryEntry]:
        return await _history(services, principal, tenant_id, Aircraft.stream_id(record_id))

    @get("/flights/{record_id:str}/history", responses=responses(400, 401, 403, 404))
    async def flight_history(
        self,
        tenant_id: FromPath[str],
        record_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
    ) -> list[HistoryEntry]:
        return await _history(services, principal, tenant_id, Flight.stream_id(record_id))

    @get("/airports/{icao:str}/history", responses=responses(400, 401, 403, 404))
    async def airport_history(
        self,
        tenant_id: FromPath[str],
        icao: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
    ) -> list[HistoryEntry]:
        stream = AirportRecord.stream_id(commands.airport_stream(tenant_id, icao.strip().upper()))
        return await _history(services, principal, tenant_id, stream)

    # -- bids --

    @get("/bids", responses=responses(400, 401, 404, 503))
    async def bids(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
        user_id: Annotated[str | None, QueryParameter(max_length=36)] = None,
    ) -> list[BidView]:
        """Open bids: a pilot's own; staff may ask for one pilot's or everyone's."""
        return await queries(services).bids(principal, tenant_id, user_id)

    # -- CSV import and export (phpVMS 7 layouts) --

    @post(
        "/import/{kind:str}",
        status_code=200,
        responses=responses(400, 401, 403, 404, 409, 413),
        request_max_body_size=5 * 1024 * 1024,
    )
    async def import_csv(
        self,
        tenant_id: FromPath[str],
        kind: FromPath[Kind],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
        dry_run: Annotated[bool, QueryParameter()] = False,
    ) -> ImportReport:
        """Import a phpVMS 7 CSV file (the body, `text/csv`). `dry_run=true` reports every bad
        row and changes nothing; a real import is all or nothing, and importing the same file
        again changes nothing (rows are matched by their natural key)."""
        body = await request.body()
        report = await transfer.handle_import(
            services.identity, context, principal, tenant_id, kind, body, dry_run=dry_run
        )
        return ImportReport(
            kind,
            dry_run,
            report.rows,
            report.created,
            report.updated,
            report.unchanged,
            report.errors,
            report.position,
            report.outcomes,
        )

    @get("/export/{kind:str}", responses=responses(400, 401, 403, 404), media_type="text/csv")
    async def export_csv(
        self,
        tenant_id: FromPath[str],
        kind: FromPath[Kind],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> Response[str]:
        """The airline's records as a phpVMS 7 CSV file."""
        text = await export(queries(services), principal, tenant_id, kind)
        return Response(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'},
        )


class BidsController(Controller):
    path = "/api/v1/bids"
    tags = ["operations"]

    @post("/", status_code=201, responses=responses(400, 401, 403, 404, 409, 413))
    async def place(
        self,
        data: Annotated[BidRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Created:
        """Bid on a flight of your airline (optionally naming an aircraft), within its bid rules."""
        result = await commands.handle_place_bid(
            services.identity, context, principal, data.flight_id, data.aircraft_id
        )
        return Created(result.value, result.position)

    @delete("/{bid_id:str}", status_code=204, responses={**NO_CONTENT, **responses(400, 401, 404, 409)})
    async def withdraw(
        self,
        bid_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Response[None]:
        result = await commands.handle_withdraw_bid(services.identity, context, principal, bid_id)
        return no_content(result.position)


async def _remove(
    services: Services, context: Context, principal: Principal, tenant_id: str, kind: str, record_id: str
) -> Response[None]:
    result = await commands.handle_remove(services.identity, context, principal, tenant_id, kind, record_id)
    return no_content(result.position)


async def _history(
    services: Services, principal: Principal, tenant_id: str, stream_id: str
) -> list[HistoryEntry]:
    authorize(principal, Action.READ_OPERATIONS, tenant_id)
    events = await services.store.read_stream(stream_id)
    if not events or events[0].tenant_id != tenant_id:
        raise NotFound("No such record.")
    return await stream_history(services.store, services.codec, stream_id)
