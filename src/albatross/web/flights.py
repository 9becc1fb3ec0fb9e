"""Flights over HTTP: PIREPs (file, track, review, comment), live flights and their paths as
GeoJSON, careers (ranks, awards, transfer hours) and aircraft state."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter

from albatross.flights import commands
from albatross.flights.careers import CareerSettings
from albatross.flights.domain import LogLine, Phase, PirepDetails, Position, Source, Waypoint
from albatross.flights.queries import (
    AircraftStateView,
    CareerView,
    CommentView,
    FlightsQueries,
    LogView,
    PirepPage,
    PirepView,
)
from albatross.flights.simbrief import MAX_OFP_BYTES, SimbriefPlan
from albatross.identity.policy import Principal
from albatross.kernel import Context, Forbidden
from albatross.services import Services
from albatross.web.common import NO_CONTENT, Changed, Created, Strict, no_content
from albatross.web.deps import wait_for_position
from albatross.web.problems import responses

Limit = Annotated[int, QueryParameter(ge=1, le=200)]
Offset = Annotated[int, QueryParameter(ge=0, le=10**9)]
GEOJSON = "application/geo+json"


def queries(services: Services) -> FlightsQueries:
    return FlightsQueries(services.reader)


def own_tenant(principal: Principal) -> str:
    if principal.tenant_id is None:
        raise Forbidden(
            "Only an airline's members have flights; platform admins use /api/v1/tenants/{id}/..."
        )
    return principal.tenant_id


class PirepRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    source: Source = "manual"
    """`manual`: a draft to submit later; `tracked`: a flight starting now (a tracker's prefile)."""
    details: PirepDetails


class PirepUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    details: PirepDetails | None = None
    phase: Phase | None = None
    fields: (
        dict[
            Annotated[str, msgspec.Meta(min_length=1, max_length=50)],
            Annotated[str, msgspec.Meta(max_length=500)],
        ]
        | None
    ) = None


class SubmitRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    details: PirepDetails | None = None
    """The final numbers; omitted: as the draft or the tracker last said."""


class Submitted(msgspec.Struct, frozen=True):
    state: str
    position: int


class FiledAnswer(msgspec.Struct, frozen=True):
    id: str
    created: bool
    position: int


class RejectRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class CommentRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class PositionsRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    positions: Annotated[list[Position], msgspec.Meta(min_length=1, max_length=1000)]


class LogRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    lines: Annotated[list[LogLine], msgspec.Meta(min_length=1, max_length=1000)]


class RouteRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    waypoints: Annotated[list[Waypoint], msgspec.Meta(max_length=2000)]


class Counted(msgspec.Struct, frozen=True):
    count: int
    position: int


class PirepsController(Controller):
    path = "/api/v1/pireps"
    tags = ["flights"]
    dependencies = {"consistent": Provide(wait_for_position)}

    @post("/", status_code=201, responses=responses(400, 401, 403, 404, 409, 413))
    async def create(
        self,
        data: Annotated[PirepRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> FiledAnswer:
        """Start a PIREP: a manual draft, or a tracked flight. Each switched-on check has its own
        problem type. The same flight started again within 10 minutes answers with the first
        (`created: false`)."""
        result = await commands.handle_create_pirep(
            services.identity, context, principal, data.details, data.source
        )
        return FiledAnswer(result.value.id, result.value.created, result.position)

    @get("/{pirep_id:str}", responses=responses(400, 401, 404, 503))
    async def one(
        self,
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> PirepView:
        return await queries(services).pirep(principal, pirep_id)

    @put("/{pirep_id:str}", responses=responses(400, 401, 403, 404, 409, 413))
    async def update(
        self,
        pirep_id: FromPath[str],
        data: Annotated[PirepUpdate, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Changed:
        """Change a draft or a flight in progress: its details, phase or custom fields."""
        result = await commands.handle_update_pirep(
            services.identity,
            context,
            principal,
            pirep_id,
            details=data.details,
            phase=data.phase,
            fields=data.fields,
        )
        return Changed(result.position)

    @post("/{pirep_id:str}/submit", status_code=200, responses=responses(400, 401, 403, 404, 409, 413))
    async def submit(
        self,
        pirep_id: FromPath[str],
        data: Annotated[SubmitRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Submitted:
        """File it for review: the checks run, then it is pending, or accepted at once when an
        auto-accept rule matches (the rule is recorded on it)."""
        result = await commands.handle_submit_pirep(
            services.identity, context, principal, pirep_id, data.details
        )
        return Submitted(result.value.value, result.position)

    @post(
        "/{pirep_id:str}/cancel",
        status_code=204,
        responses={**NO_CONTENT, **responses(400, 401, 403, 404, 409)},
    )
    async def cancel(
        self,
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Response[None]:
        result = await commands.handle_cancel_pirep(services.identity, context, principal, pirep_id)
        return no_content(result.position)

    @post(
        "/{pirep_id:str}/accept",
        status_code=204,
        responses={**NO_CONTENT, **responses(400, 401, 403, 404, 409)},
    )
    async def accept(
        self,
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Response[None]:
        """Staff accept a pending (or rejected) PIREP: the pilot's hours, rank and awards, the
        aircraft's state and the ledger follow in the same write."""
        result = await commands.handle_accept_pirep(services.identity, context, principal, pirep_id)
        return no_content(result.position)

    @post(
        "/{pirep_id:str}/reject",
        status_code=204,
        responses={**NO_CONTENT, **responses(400, 401, 403, 404, 409)},
    )
    async def reject(
        self,
        pirep_id: FromPath[str],
        data: Annotated[RejectRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Response[None]:
        """Staff reject a pending or accepted PIREP with a reason; everything an acceptance gave
        is taken back exactly."""
        result = await commands.handle_reject_pirep(
            services.identity, context, principal, pirep_id, data.reason
        )
        return no_content(result.position)

    @get("/{pirep_id:str}/comments", responses=responses(400, 401, 404, 503))
    async def comments(
        self,
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> list[CommentView]:
        return await queries(services).comments(principal, pirep_id)

    @post("/{pirep_id:str}/comments", status_code=201, responses=responses(400, 401, 403, 404, 409, 413))
    async def comment(
        self,
        pirep_id: FromPath[str],
        data: Annotated[CommentRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Created:
        result = await commands.handle_comment(services.identity, context, principal, pirep_id, data.text)
        return Created(result.value, result.position)

    @post("/{pirep_id:str}/positions", status_code=200, responses=responses(400, 401, 403, 404, 409, 413))
    async def positions(
        self,
        pirep_id: FromPath[str],
        data: Annotated[PositionsRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Counted:
        """A batch of positions of a flight in progress; a row whose id was already recorded
        replaces it, so re-posting a batch adds nothing. `count`: rows new or changed."""
        result = await commands.handle_record_positions(
            services.identity, context, principal, pirep_id, data.positions
        )
        return Counted(result.value, result.position)

    @post("/{pirep_id:str}/logs", status_code=200, responses=responses(400, 401, 403, 404, 409, 413))
    async def log(
        self,
        pirep_id: FromPath[str],
        data: Annotated[LogRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Counted:
        result = await commands.handle_log(services.identity, context, principal, pirep_id, data.lines)
        return Counted(result.value, result.position)

    @get("/{pirep_id:str}/logs", responses=responses(400, 401, 404, 503))
    async def logs(
        self,
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> list[LogView]:
        return await queries(services).logs(principal, pirep_id)

    @put("/{pirep_id:str}/route", status_code=200, responses=responses(400, 401, 403, 404, 409, 413))
    async def route(
        self,
        pirep_id: FromPath[str],
        data: Annotated[RouteRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Changed:
        result = await commands.handle_set_route(
            services.identity, context, principal, pirep_id, data.waypoints
        )
        return Changed(result.position)

    @post(
        "/{pirep_id:str}/simbrief",
        status_code=200,
        responses=responses(400, 401, 403, 404, 409, 413),
        request_max_body_size=MAX_OFP_BYTES,
    )
    async def simbrief(
        self,
        pirep_id: FromPath[str],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Changed:
        """Import a SimBrief OFP (the XML, uploaded or pasted as the body): route, planned
        distance, time and fuel, cruise level and alternate go onto the PIREP."""
        result = await commands.handle_brief_pirep(
            services.identity, context, principal, pirep_id, await request.body()
        )
        return Changed(result.position)

    @get("/{pirep_id:str}/track", media_type=GEOJSON, responses=responses(400, 401, 404, 503))
    async def track(
        self,
        pirep_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> dict[str, Any]:
        """The flight's path as a GeoJSON Feature: a LineString of [lon, lat, altitude m]."""
        return await queries(services).geojson(principal, pirep_id)


class BidBriefings(Controller):
    path = "/api/v1/bids/{bid_id:str}/simbrief"
    tags = ["flights"]
    dependencies = {"consistent": Provide(wait_for_position)}

    @post(
        "/",
        status_code=200,
        responses=responses(400, 401, 403, 404, 409, 413),
        request_max_body_size=MAX_OFP_BYTES,
    )
    async def attach(
        self,
        bid_id: FromPath[str],
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Changed:
        """Import a SimBrief OFP onto one of your bids (its airports must be the flight's)."""
        result = await commands.handle_brief_bid(
            services.identity, context, principal, bid_id, await request.body()
        )
        return Changed(result.position)

    @get("/", responses=responses(400, 401, 404, 503))
    async def plan(
        self,
        bid_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> SimbriefPlan:
        return await queries(services).bid_briefing(principal, bid_id)


class LiveFlights(Controller):
    path = "/api/v1/flights/live"
    tags = ["flights"]
    dependencies = {"consistent": Provide(wait_for_position)}

    @get("/", responses=responses(400, 401, 403, 503))
    async def live(
        self,
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
        tenant_id: Annotated[
            str | None, QueryParameter(max_length=36, description="Platform admins: which airline")
        ] = None,
    ) -> list[PirepView]:
        """Your airline's flights in progress, each with its last position."""
        return await queries(services).live(principal, tenant_id or own_tenant(principal))

    @get("/geojson", media_type=GEOJSON, responses=responses(400, 401, 403, 503))
    async def live_geojson(
        self,
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
        tenant_id: Annotated[str | None, QueryParameter(max_length=36)] = None,
    ) -> dict[str, Any]:
        """Flights in progress as a GeoJSON FeatureCollection of points."""
        flights = await queries(services).live(principal, tenant_id or own_tenant(principal))
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [f.last_position.lon, f.last_position.lat]},
                "properties": {
                    "pirep_id": f.id,
                    "flight": f"{f.details.airline}{f.details.flight_number}",
                    "departure": f.details.departure,
                    "arrival": f.details.arrival,
                    "phase": f.phase,
                    "altitude_ft": f.last_position.altitude_ft,
                    "heading": f.last_position.heading,
                    "gs_kt": f.last_position.gs_kt,
                },
            }
            for f in flights
            if f.last_position is not None
        ]
        return {"type": "FeatureCollection", "features": features}


class MyFlights(Controller):
    path = "/api/v1/me"
    tags = ["flights"]
    dependencies = {"consistent": Provide(wait_for_position)}

    @get("/pireps", responses=responses(400, 401, 403, 503))
    async def my_pireps(
        self,
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> PirepPage:
        return await queries(services).pireps(
            principal, own_tenant(principal), pilot_id=principal.user_id, limit=limit, offset=offset
        )

    @get("/career", responses=responses(400, 401, 403, 503))
    async def my_career(
        self,
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> CareerView:
        return await queries(services).career(principal, own_tenant(principal), principal.user_id)


State = Literal["draft", "in_progress", "pending", "accepted", "rejected", "cancelled"]


class RankRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    rank: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]


class TransferRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    minutes: Annotated[int, msgspec.Meta(ge=0, le=6_000_000)]


class AirlineFlights(Controller):
    path = "/api/v1/tenants/{tenant_id:str}"
    tags = ["flights"]
    dependencies = {"consistent": Provide(wait_for_position)}

    @get("/pireps", responses=responses(400, 401, 403, 404, 503))
    async def pireps(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
        states: Annotated[
            list[State] | None,
            QueryParameter(name="state", description="Only these states (repeat the parameter)"),
        ] = None,
        pilot_id: Annotated[str | None, QueryParameter(max_length=36)] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> PirepPage:
        """The airline's PIREPs, newest first; `state=pending` is the review queue, oldest first."""
        return await queries(services).pireps(
            principal,
            tenant_id,
            pilot_id=pilot_id,
            states=list(states) if states else None,
            limit=limit,
            offset=offset,
        )

    @get("/careers", responses=responses(400, 401, 403, 404, 503))
    async def roster(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> list[CareerView]:
        return await queries(services).roster(principal, tenant_id)

    @get("/careers/settings", responses=responses(400, 401, 403, 404, 503))
    async def career_settings(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> CareerSettings:
        return await queries(services).settings(principal, tenant_id)

    @put("/careers/settings", status_code=200, responses=responses(400, 401, 403, 404, 409, 413))
    async def change_career_settings(
        self,
        tenant_id: FromPath[str],
        data: Annotated[CareerSettings, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Changed:
        """Ranks (lowest first, with hours and pay per hour), awards with their rules, and the
        days without a flight after which a pilot is on leave."""
        result = await commands.handle_change_career_settings(
            services.identity, context, principal, tenant_id, data
        )
        return Changed(result.position)

    @get("/careers/{user_id:str}", responses=responses(400, 401, 403, 404, 503))
    async def career(
        self,
        tenant_id: FromPath[str],
        user_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> CareerView:
        return await queries(services).career(principal, tenant_id, user_id)

    @put("/careers/{user_id:str}/rank", status_code=200, responses=responses(400, 401, 403, 404, 409, 413))
    async def set_rank(
        self,
        tenant_id: FromPath[str],
        user_id: FromPath[str],
        data: Annotated[RankRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Changed:
        result = await commands.handle_set_rank(
            services.identity, context, principal, tenant_id, user_id, data.rank
        )
        return Changed(result.position)

    @put(
        "/careers/{user_id:str}/transfer-hours",
        status_code=200,
        responses=responses(400, 401, 403, 404, 409, 413),
    )
    async def set_transfer(
        self,
        tenant_id: FromPath[str],
        user_id: FromPath[str],
        data: Annotated[TransferRequest, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Changed:
        result = await commands.handle_set_transfer_hours(
            services.identity, context, principal, tenant_id, user_id, data.minutes
        )
        return Changed(result.position)

    @get("/aircraft-state", responses=responses(400, 401, 403, 404, 503))
    async def aircraft_state(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> list[AircraftStateView]:
        """Where PIREPs left each aircraft that has flown: location, hours, fuel, in flight or parked."""
        return list((await queries(services).aircraft_states(principal, tenant_id)).values())
