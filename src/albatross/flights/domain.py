"""PIREPs (pilot reports) and their flight tracks. Pure: no I/O.

A PIREP moves draft -> pending (a manual report) or in progress -> pending (a tracked flight),
then staff (or an auto-accept rule) accept or reject it; staff may move it between accepted and
rejected. Accepted, rejected and cancelled reports are read-only. The track (positions, ACARS
log lines) lives on its own stream so a tracker's frequent posts never race the report itself.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

import msgspec

from albatross.flights.simbrief import SimbriefPlan
from albatross.kernel import (
    Aggregate,
    AlreadyExists,
    DomainEvent,
    InvalidInput,
    InvalidState,
    NotFound,
    registry,
)
from albatross.operations.domain import Icao

# µs since the epoch, up to the end of year 9999: what every store and read model can hold.
Timestamp = Annotated[int, msgspec.Meta(ge=0, le=253_402_300_799_999_999)]

# A submission repeated within this window returns the report already made.
DUPLICATE_WINDOW_US = 10 * 60 * 1_000_000


class PirepState(StrEnum):
    DRAFT = "draft"
    IN_PROGRESS = "in_progress"
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Phase(StrEnum):
    """Where a flight is; a tracker reports it, a manual report is `arrived` once submitted."""

    INITIATED = "initiated"
    SCHEDULED = "scheduled"
    BOARDING = "boarding"
    RDY_START = "ready_to_start"
    PUSHBACK = "pushback"
    TAXI = "taxi"
    TAKEOFF = "takeoff"
    CLIMB = "climb"
    ENROUTE = "enroute"
    DESCENT = "descent"
    APPROACH = "approach"
    FINAL = "final"
    LANDED = "landed"
    ON_BLOCK = "on_block"
    ARRIVED = "arrived"
    DIVERTED = "diverted"
    EMERGENCY = "emergency"
    PAUSED = "paused"
    CANCELLED = "cancelled"


Source = Literal["manual", "tracked"]


class FareCount(msgspec.Struct, frozen=True, kw_only=True):
    code: Annotated[str, msgspec.Meta(pattern="^[A-Za-z0-9_-]{1,50}$")]
    count: Annotated[int, msgspec.Meta(ge=0, le=10_000)]
    price: Annotated[float, msgspec.Meta(ge=0, le=1e7)] | None = None
    """Per seat, in the airline's currency; None: the schedule's or subfleet's price."""


class PirepDetails(msgspec.Struct, frozen=True, kw_only=True):
    """What the pilot reports: the flight flown and its numbers. Units: nmi, lbs, minutes, feet."""

    airline: Annotated[str, msgspec.Meta(pattern="^[A-Z0-9]{2,3}$")]
    flight_number: Annotated[str, msgspec.Meta(pattern="^[A-Za-z0-9]{1,10}$")]
    route_code: Annotated[str, msgspec.Meta(max_length=5)] | None = None
    route_leg: Annotated[str, msgspec.Meta(max_length=5)] | None = None
    flight_type: Annotated[str, msgspec.Meta(pattern="^[A-Z]$")] = "J"
    flight_id: Annotated[str, msgspec.Meta(max_length=36)] | None = None
    """The scheduled flight flown, if any."""
    departure: Icao
    arrival: Icao
    alternate: Icao | None = None
    aircraft_id: Annotated[str, msgspec.Meta(max_length=36)] | None = None
    level: Annotated[int, msgspec.Meta(ge=0, le=60000)] | None = None
    route: Annotated[str, msgspec.Meta(max_length=4000)] = ""
    planned_distance_nm: Annotated[float, msgspec.Meta(ge=0, le=13000)] | None = None
    planned_minutes: Annotated[int, msgspec.Meta(ge=0, le=2000)] | None = None
    planned_fuel_lbs: Annotated[float, msgspec.Meta(ge=0, le=2e6)] | None = None
    distance_nm: Annotated[float, msgspec.Meta(ge=0, le=13000)] | None = None
    """Flown."""
    flight_minutes: Annotated[int, msgspec.Meta(ge=0, le=2000)] | None = None
    """Block time flown."""
    block_fuel_lbs: Annotated[float, msgspec.Meta(ge=0, le=2e6)] | None = None
    fuel_used_lbs: Annotated[float, msgspec.Meta(ge=0, le=2e6)] | None = None
    landing_rate_fpm: Annotated[float, msgspec.Meta(ge=-10000, le=10000)] | None = None
    score: Annotated[int, msgspec.Meta(ge=-100000, le=100000)] | None = None
    block_off_at: Timestamp | None = None
    """µs since the epoch, UTC."""
    block_on_at: Timestamp | None = None
    fares: Annotated[list[FareCount], msgspec.Meta(max_length=20)] = []
    notes: Annotated[str, msgspec.Meta(max_length=4000)] = ""
    source_name: Annotated[str, msgspec.Meta(max_length=50)] = ""
    """The tracker that sent it (e.g. "vmsACARS")."""


@registry.event("PirepCreated")
class PirepCreated(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    pilot_id: str
    source: Source
    state: Literal["draft", "in_progress"]
    details: PirepDetails
    at: int


@registry.event("PirepUpdated")
class PirepUpdated(DomainEvent, frozen=True, kw_only=True):
    details: PirepDetails


@registry.event("PirepPhaseChanged")
class PirepPhaseChanged(DomainEvent, frozen=True, kw_only=True):
    phase: Phase


@registry.event("PirepSubmitted")
class PirepSubmitted(DomainEvent, frozen=True, kw_only=True):
    details: PirepDetails
    at: int


@registry.event("PirepAccepted")
class PirepAccepted(DomainEvent, frozen=True, kw_only=True):
    by: Literal["staff", "auto"]
    rule: str | None = None
    """The auto-accept rule that decided, in words."""
    at: int


@registry.event("PirepRejected")
class PirepRejected(DomainEvent, frozen=True, kw_only=True):
    reason: str
    at: int


@registry.event("PirepCancelled")
class PirepCancelled(DomainEvent, frozen=True, kw_only=True):
    at: int


@registry.event("PirepFieldsSet")
class PirepFieldsSet(DomainEvent, frozen=True, kw_only=True):
    fields: dict[str, str]
    """The custom fields given (merged over the earlier ones)."""


@registry.event("PirepCommentAdded")
class PirepCommentAdded(DomainEvent, frozen=True, kw_only=True):
    comment_id: str
    author_id: str
    text: str
    at: int


class Waypoint(msgspec.Struct, frozen=True, kw_only=True):
    order: Annotated[int, msgspec.Meta(ge=0, le=10_000)]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=20)]
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)]
    lon: Annotated[float, msgspec.Meta(ge=-180, le=180)]
    kind: Annotated[str, msgspec.Meta(max_length=20)] = ""


@registry.event("PirepRouteSet")
class PirepRouteSet(DomainEvent, frozen=True, kw_only=True):
    waypoints: list[Waypoint]


@registry.event("PirepBriefed")
class PirepBriefed(DomainEvent, frozen=True, kw_only=True):
    """A SimBrief flight plan imported onto the report (its numbers also go into the details)."""

    plan: SimbriefPlan


class PirepComment(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    author_id: str
    text: str
    at: int


READ_ONLY = frozenset({PirepState.ACCEPTED, PirepState.REJECTED, PirepState.CANCELLED})
_MAX_COMMENTS = 500


class Pirep(Aggregate):
    stream_type = "pirep"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.pilot_id = ""
        self.source: Source = "manual"
        self.state = PirepState.DRAFT
        self.phase = Phase.INITIATED
        self.details: PirepDetails | None = None
        self.created_at = 0
        self.submitted_at: int | None = None
        self.fields: dict[str, str] = {}
        self.comments: list[PirepComment] = []
        self.waypoints: list[Waypoint] = []
        self.accepted_by_rule: str | None = None
        self.reject_reason: str | None = None
        self.briefing: SimbriefPlan | None = None

    # ---- decisions ----

    def create(
        self,
        tenant_id: str,
        pilot_id: str,
        source: Source,
        details: PirepDetails,
        now: int,
    ) -> list[DomainEvent]:
        if self.exists:
            raise AlreadyExists("This PIREP already exists.")
        check_route(details)
        state: Literal["draft", "in_progress"] = "in_progress" if source == "tracked" else "draft"
        self.tenant_id = tenant_id
        return [
            PirepCreated(
                tenant_id=tenant_id, pilot_id=pilot_id, source=source, state=state, details=details, at=now
            )
        ]

    def require(self) -> PirepDetails:
        if not self.exists or self.details is None:
            raise NotFound("No such PIREP.")
        return self.details

    def require_editable(self) -> PirepDetails:
        details = self.require()
        if self.state in READ_ONLY or self.state == PirepState.PENDING:
            raise InvalidState(
                f"This PIREP is {self.state.value.replace('_', ' ')}: it can no longer be changed."
            )
        return details

    def update(self, details: PirepDetails) -> list[DomainEvent]:
        self.require_editable()
        check_route(details)
        return [] if details == self.details else [PirepUpdated(details=details)]

    def change_phase(self, phase: Phase) -> list[DomainEvent]:
        self.require_editable()
        if self.state != PirepState.IN_PROGRESS:
            raise InvalidState("Only a flight in progress reports its phase.")
        return [] if phase == self.phase else [PirepPhaseChanged(phase=phase)]

    def submit(self, details: PirepDetails, now: int) -> list[DomainEvent]:
        """A manual report's submission, or a tracker's `file`."""
        self.require_editable()
        check_route(details)
        missing = [f for f in ("flight_minutes",) if getattr(details, f) is None]
        if missing:
            raise InvalidInput(
                f"{missing[0]}: required to file a PIREP",
                fields={m: "required to file a PIREP" for m in missing},
            )
        return [PirepSubmitted(details=details, at=now)]

    def accept(self, by: Literal["staff", "auto"], rule: str | None, now: int) -> list[DomainEvent]:
        self.require()
        if self.state not in (PirepState.PENDING, PirepState.REJECTED):
            raise InvalidState(
                f"Only a pending or rejected PIREP can be accepted; this one is {self.state.value}."
            )
        if self.state == PirepState.REJECTED and by == "auto":
            raise InvalidState("A rejected PIREP is accepted by staff only.")
        return [PirepAccepted(by=by, rule=rule, at=now)]

    def reject(self, reason: str, now: int) -> list[DomainEvent]:
        self.require()
        reason = reason.strip()
        if not reason:
            raise InvalidInput("reason: say why the PIREP is rejected", fields={"reason": "required"})
        if self.state not in (PirepState.PENDING, PirepState.ACCEPTED):
            raise InvalidState(
                f"Only a pending or accepted PIREP can be rejected; this one is {self.state.value}."
            )
        return [PirepRejected(reason=reason[:1000], at=now)]

    def cancel(self, now: int) -> list[DomainEvent]:
        self.require()
        if self.state not in (PirepState.DRAFT, PirepState.IN_PROGRESS):
            raise InvalidState(
                f"Only a draft or a flight in progress can be cancelled; this one is {self.state.value}."
            )
        return [PirepCancelled(at=now)]

    def set_fields(self, fields: dict[str, str]) -> list[DomainEvent]:
        self.require_editable()
        changed = {k: v for k, v in fields.items() if self.fields.get(k) != v}
        if len({**self.fields, **changed}) > 100:
            raise InvalidInput("fields: at most 100 custom fields", fields={"fields": "at most 100"})
        return [PirepFieldsSet(fields=changed)] if changed else []

    def set_route(self, waypoints: list[Waypoint]) -> list[DomainEvent]:
        self.require_editable()
        ordered = sorted(waypoints, key=lambda w: w.order)
        return [] if ordered == self.waypoints else [PirepRouteSet(waypoints=ordered)]

    def brief(self, plan: SimbriefPlan) -> list[DomainEvent]:
        """Take route, planned distance, time and fuel, cruise level and alternate from a plan
        for this flight's airports."""
        details = self.require_editable()
        check_plan(plan, details.departure, details.arrival)
        planned = msgspec.structs.replace(
            details,
            route=plan.route[:4000],
            planned_distance_nm=min(plan.planned_distance_nm, 13000),
            planned_minutes=min(plan.planned_flight_minutes, 2000),
            planned_fuel_lbs=min(plan.planned_fuel_lbs, 2e6),
            level=min(plan.cruise_level, 60000),
            alternate=plan.alternate or details.alternate,
        )
        events: list[DomainEvent] = [] if planned == details else [PirepUpdated(details=planned)]
        return [*events, PirepBriefed(plan=plan)]

    def comment(self, comment_id: str, author_id: str, text: str, now: int) -> list[DomainEvent]:
        self.require()
        text = text.strip()
        if not text:
            raise InvalidInput("comment: must not be empty", fields={"comment": "must not be empty"})
        if len(self.comments) >= _MAX_COMMENTS:
            raise InvalidState(f"A PIREP holds at most {_MAX_COMMENTS} comments.")
        return [PirepCommentAdded(comment_id=comment_id, author_id=author_id, text=text, at=now)]

    # ---- folding ----

    def apply(self, event: DomainEvent) -> None:
        match event:
            case PirepCreated():
                self.tenant_id = event.tenant_id
                self.pilot_id = event.pilot_id
                self.source = event.source
                self.state = PirepState(event.state)
                self.details = event.details
                self.created_at = event.at
            case PirepUpdated(details=details):
                self.details = details
            case PirepPhaseChanged(phase=phase):
                self.phase = phase
            case PirepSubmitted(details=details, at=at):
                self.details = details
                self.submitted_at = at
                self.state = PirepState.PENDING
                if self.phase not in (Phase.DIVERTED,):
                    self.phase = Phase.ARRIVED
            case PirepAccepted(rule=rule):
                self.state = PirepState.ACCEPTED
                self.accepted_by_rule = rule
                self.reject_reason = None
            case PirepRejected(reason=reason):
                self.state = PirepState.REJECTED
                self.reject_reason = reason
            case PirepCancelled():
                self.state = PirepState.CANCELLED
                self.phase = Phase.CANCELLED
            case PirepFieldsSet(fields=fields):
                self.fields = {**self.fields, **fields}
            case PirepRouteSet(waypoints=waypoints):
                self.waypoints = list(waypoints)
            case PirepBriefed(plan=plan):
                self.briefing = plan
            case PirepCommentAdded():
                self.comments.append(
                    PirepComment(id=event.comment_id, author_id=event.author_id, text=event.text, at=event.at)
                )


def check_route(details: PirepDetails) -> None:
    if details.departure == details.arrival and details.flight_type not in ("C", "E", "T", "M"):
        # Training, check and maintenance flights may return where they started.
        raise InvalidInput(
            "arrival: must differ from the departure", fields={"arrival": "must differ from the departure"}
        )


def check_plan(plan: SimbriefPlan, departure: str, arrival: str) -> None:
    if (plan.origin, plan.destination) != (departure, arrival):
        message = f"the plan is {plan.origin}-{plan.destination}, the flight {departure}-{arrival}"
        raise InvalidInput(f"ofp: {message}", fields={"ofp": message})


# ---- a SimBrief plan made for a bid, before the flight starts ----


@registry.event("BidBriefed")
class BidBriefed(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    user_id: str
    bid_id: str
    flight_id: str
    plan: SimbriefPlan


class Briefing(Aggregate):
    """Stream `briefing-<bid id>`: the latest SimBrief plan a pilot imported for a bid."""

    stream_type = "briefing"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.plan: SimbriefPlan | None = None

    def attach(
        self, tenant_id: str, user_id: str, flight_id: str, departure: str, arrival: str, plan: SimbriefPlan
    ) -> list[DomainEvent]:
        check_plan(plan, departure, arrival)
        self.tenant_id = tenant_id
        return [
            BidBriefed(tenant_id=tenant_id, user_id=user_id, bid_id=self.id, flight_id=flight_id, plan=plan)
        ]

    def apply(self, event: DomainEvent) -> None:
        if isinstance(event, BidBriefed):
            self.tenant_id = event.tenant_id
            self.plan = event.plan


# ---- a repeated submission returns the report already made ----


@registry.event("PirepFilingRecorded")
class PirepFilingRecorded(DomainEvent, frozen=True, kw_only=True):
    pirep_id: str
    at: int


class RecentFiling(Aggregate):
    """Stream `filing-<pilot>:<flight>:<from>:<to>`: the last report a pilot started for one
    flight, so a repeat within the window is answered with it, decided on one stream (race-free)."""

    stream_type = "filing"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.last: PirepFilingRecorded | None = None

    @staticmethod
    def key(pilot_id: str, details: PirepDetails) -> str:
        return f"{pilot_id}:{details.airline}{details.flight_number.upper()}:{details.departure}:{details.arrival}"

    def repeat_of(self, now: int) -> str | None:
        if self.last is not None and now - self.last.at < DUPLICATE_WINDOW_US:
            return self.last.pirep_id
        return None

    def record(self, tenant_id: str, pirep_id: str, now: int) -> list[DomainEvent]:
        self.tenant_id = tenant_id
        return [PirepFilingRecorded(pirep_id=pirep_id, at=now)]

    def apply(self, event: DomainEvent) -> None:
        if isinstance(event, PirepFilingRecorded):
            self.last = event


# ---- the track: positions and ACARS log lines ----


class Position(msgspec.Struct, frozen=True, kw_only=True):
    id: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    """The client's id for the row (a re-post of the same id replaces it), or one we made."""
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)]
    lon: Annotated[float, msgspec.Meta(ge=-180, le=180)]
    altitude_ft: Annotated[float, msgspec.Meta(ge=-2000, le=100_000)] | None = None
    heading: Annotated[float, msgspec.Meta(ge=0, le=360)] | None = None
    gs_kt: Annotated[float, msgspec.Meta(ge=0, le=5000)] | None = None
    ias_kt: Annotated[float, msgspec.Meta(ge=0, le=5000)] | None = None
    vs_fpm: Annotated[float, msgspec.Meta(ge=-50000, le=50000)] | None = None
    fuel_lbs: Annotated[float, msgspec.Meta(ge=0, le=2e6)] | None = None
    fuel_flow: Annotated[float, msgspec.Meta(ge=0, le=1e6)] | None = None
    distance_nm: Annotated[float, msgspec.Meta(ge=0, le=20000)] | None = None
    transponder: Annotated[int, msgspec.Meta(ge=0, le=9999)] | None = None
    autopilot: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    phase: Phase | None = None
    sim_time: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    log: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    at: Timestamp
    """When it was reported (µs since the epoch, UTC)."""


class LogLine(msgspec.Struct, frozen=True, kw_only=True):
    kind: Literal["log", "event"]
    message: Annotated[str, msgspec.Meta(max_length=2000)]
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)] | None = None
    lon: Annotated[float, msgspec.Meta(ge=-180, le=180)] | None = None
    at: Timestamp


@registry.event("PositionsRecorded")
class PositionsRecorded(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    pirep_id: str
    positions: list[Position]
    """New rows, and rows re-posted with changes (they replace the earlier row of that id)."""
    added: int = 0
    """How many of them are new ids: the track's size follows without reading it back."""


@registry.event("AcarsLogged")
class AcarsLogged(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    pirep_id: str
    lines: list[LogLine]


MAX_TRACK_POINTS = 20_000


class Track(Aggregate):
    """Stream `track-<pirep id>`: positions by id (upserted) and the ACARS log."""

    stream_type = "track"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.positions: dict[str, Position] = {}
        self.log_lines = 0

    def record(self, tenant_id: str, positions: list[Position]) -> list[DomainEvent]:
        self.tenant_id = tenant_id
        batch = {position.id: position for position in positions}  # the last of a repeated id wins
        fresh = {id: position for id, position in batch.items() if self.positions.get(id) != position}
        added = sum(1 for id in fresh if id not in self.positions)  # a re-posted row replaces its own
        if len(self.positions) + added > MAX_TRACK_POINTS:
            raise InvalidState(f"A flight's track holds at most {MAX_TRACK_POINTS} positions.")
        return (
            [
                PositionsRecorded(
                    tenant_id=tenant_id, pirep_id=self.id, positions=list(fresh.values()), added=added
                )
            ]
            if fresh
            else []
        )

    def log(self, tenant_id: str, lines: list[LogLine]) -> list[DomainEvent]:
        self.tenant_id = tenant_id
        if self.log_lines + len(lines) > MAX_TRACK_POINTS:
            raise InvalidState(f"A flight's ACARS log holds at most {MAX_TRACK_POINTS} lines.")
        return [AcarsLogged(tenant_id=tenant_id, pirep_id=self.id, lines=lines)] if lines else []

    def apply(self, event: DomainEvent) -> None:
        match event:
            case PositionsRecorded(positions=positions):
                for position in positions:
                    self.positions[position.id] = position
            case AcarsLogged(lines=lines):
                self.log_lines += len(lines)


# ---- aircraft state: where PIREPs leave each aircraft ----


@registry.event("AircraftTaken")
class AircraftTaken(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    pirep_id: str


@registry.event("AircraftReleased")
class AircraftReleased(DomainEvent, frozen=True, kw_only=True):
    pirep_id: str


@registry.event("AircraftFlown")
class AircraftFlown(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    pirep_id: str
    departure: str
    arrival: str
    minutes: int
    fuel_on_board_lbs: float | None = None


@registry.event("AircraftFlightReversed")
class AircraftFlightReversed(DomainEvent, frozen=True, kw_only=True):
    pirep_id: str


class AircraftState(Aggregate):
    """Stream `aircraft_state-<aircraft id>`: flights credited to an aircraft. Its location,
    hours and fuel follow from them, so a rejected flight is taken back exactly."""

    stream_type = "aircraft_state"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.flights: dict[str, AircraftFlown] = {}  # in the order flown
        self.in_use_by: str | None = None

    @property
    def location(self) -> str | None:
        last = next(reversed(self.flights.values()), None)
        return last.arrival if last else None

    @property
    def minutes(self) -> int:
        return sum(f.minutes for f in self.flights.values())

    @property
    def fuel_on_board_lbs(self) -> float | None:
        last = next(reversed(self.flights.values()), None)
        return last.fuel_on_board_lbs if last else None

    def take(self, tenant_id: str, pirep_id: str) -> list[DomainEvent]:
        self.tenant_id = tenant_id
        return [] if self.in_use_by == pirep_id else [AircraftTaken(tenant_id=tenant_id, pirep_id=pirep_id)]

    def release(self, pirep_id: str) -> list[DomainEvent]:
        return [AircraftReleased(pirep_id=pirep_id)] if self.in_use_by == pirep_id else []

    def fly(
        self, tenant_id: str, pirep_id: str, departure: str, arrival: str, minutes: int, fuel: float | None
    ) -> list[DomainEvent]:
        self.tenant_id = tenant_id
        if pirep_id in self.flights:
            return []
        return [
            AircraftFlown(
                tenant_id=tenant_id,
                pirep_id=pirep_id,
                departure=departure,
                arrival=arrival,
                minutes=minutes,
                fuel_on_board_lbs=fuel,
            )
        ]

    def reverse(self, pirep_id: str) -> list[DomainEvent]:
        return [AircraftFlightReversed(pirep_id=pirep_id)] if pirep_id in self.flights else []

    def apply(self, event: DomainEvent) -> None:
        match event:
            case AircraftTaken(tenant_id=tenant_id, pirep_id=pirep_id):
                self.tenant_id = tenant_id
                self.in_use_by = pirep_id
            case AircraftReleased(pirep_id=pirep_id):
                if self.in_use_by == pirep_id:
                    self.in_use_by = None
            case AircraftFlown():
                self.tenant_id = event.tenant_id
                self.flights[event.pirep_id] = event
                if self.in_use_by == event.pirep_id:
                    self.in_use_by = None
            case AircraftFlightReversed(pirep_id=pirep_id):
                self.flights.pop(pirep_id, None)
