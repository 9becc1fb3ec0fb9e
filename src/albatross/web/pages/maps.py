"""The maps: the airline's route network (from its active flights and hubs) and its flights in
progress; `/live/map` is the live map alone, which live.js fetches again as flights move."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.di import NamedDependency, Provide

from albatross.flights.queries import FlightsQueries, PirepView
from albatross.identity.policy import Principal
from albatross.operations.queries import AirportView, FlightSearch, OperationsQueries, airport_view
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.common import NO_STORE, member_tenant, page
from albatross.web.pictures.maps import Airport, Tracked, live_map, route_map, routes_of

MAX_FLIGHTS = 5000
"""More scheduled flights than any airline flies; the rest would not change the picture much."""
PATH_POINTS = 300
"""A flown path is thinned to about this many points: enough for a line across the map."""
SVG = "image/svg+xml"
CONSISTENT = {"consistent": Provide(wait_for_position)}


async def _own_airports(viewer: Principal, services: Services, tenant_id: str) -> dict[str, AirportView]:
    """The airports the airline has facts about (hubs, its own airports), by ICAO code."""
    return {a.icao: a for a in await OperationsQueries(services.reader).airline_airports(viewer, tenant_id)}


def _placed(codes: set[str], own: dict[str, AirportView]) -> tuple[list[Airport], list[str]]:
    """The airports with a known position (the airline's own facts first, then reference data),
    and the codes of those without one."""
    placed, unplaced = [], []
    for code in sorted(codes):
        view: AirportView | None = own.get(code) or airport_view(code, None)
        if view is None:
            unplaced.append(code)
        else:
            placed.append(Airport(view.icao, view.name, view.lat, view.lon, view.hub))
    return placed, unplaced


@get("/network", include_in_schema=False, dependencies=CONSISTENT)
async def network(
    viewer: NamedDependency[Principal], services: NamedDependency[Services], consistent: NamedDependency[int]
) -> Any:
    tenant_id = member_tenant(viewer, "Only an airline's members see its route map.")
    found = await OperationsQueries(services.reader).search_flights(
        viewer, tenant_id, FlightSearch(active_only=True), MAX_FLIGHTS, 0
    )
    legs = [
        (f"{d.airline}{d.flight_number}", d.departure, d.arrival) for d in (f.details for f in found.items)
    ]
    routes = routes_of(legs)
    own = await _own_airports(viewer, services, tenant_id)
    hubs = {code for code, airport in own.items() if airport.hub}
    airports, unplaced = _placed({c for r in routes for c in r.ends} | hubs, own)
    return page(
        "network.html",
        viewer=viewer,
        picture=route_map(airports, routes, title="Route map"),
        routes=routes,
        airports=airports,
        unplaced=unplaced,
    )


def _thinned(points: list[Any]) -> tuple[tuple[float, float], ...]:
    step = max(1, len(points) // PATH_POINTS)
    kept = points[::step] + ([points[-1]] if (len(points) - 1) % step else [])
    return tuple((p.lon, p.lat) for p in kept)


async def _live(viewer: Principal, services: Services) -> tuple[Any, list[PirepView]]:
    """The live map and the flights it shows (same query as GET /api/v1/flights/live)."""
    tenant_id = member_tenant(viewer, "Only an airline's members see its flights.")
    queries = FlightsQueries(services.reader)
    flights = await queries.live(viewer, tenant_id)
    tracked = []
    for flight in flights:
        where = flight.last_position
        if where is None:
            continue  # not moved yet: in the table, not on the map
        path = _thinned(await queries.track(viewer, flight.id)) if flight.positions >= 2 else ()
        details = flight.details
        tracked.append(
            Tracked(
                id=flight.id,
                flight=f"{details.airline}{details.flight_number}",
                departure=details.departure,
                arrival=details.arrival,
                lat=where.lat,
                lon=where.lon,
                heading=where.heading,
                altitude_ft=where.altitude_ft,
                gs_kt=where.gs_kt,
                phase=flight.phase,
                path=path,
            )
        )
    codes = {c for f in tracked for c in (f.departure, f.arrival)}
    airports, _ = _placed(codes, await _own_airports(viewer, services, tenant_id))
    return live_map(tracked, airports, title="Flights in progress"), flights


@get("/live", include_in_schema=False, dependencies=CONSISTENT)
async def live(
    viewer: NamedDependency[Principal], services: NamedDependency[Services], consistent: NamedDependency[int]
) -> Any:
    picture, flights = await _live(viewer, services)
    return page("live.html", viewer=viewer, picture=picture, flights=flights, live=True)


@get("/live/map", include_in_schema=False, dependencies=CONSISTENT)
async def live_map_only(
    viewer: NamedDependency[Principal], services: NamedDependency[Services], consistent: NamedDependency[int]
) -> Response[str]:
    """The live map alone, as an SVG document; `min_position` waits for the event that asked."""
    picture, _ = await _live(viewer, services)
    return Response(str(picture), media_type=SVG, headers=NO_STORE)
