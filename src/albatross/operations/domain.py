"""Airline operations: the airline's profile and rules, its airports (hubs and costs), fleet
(subfleets and aircraft), schedules (flights) and bids. Pure: no I/O.

Records are event-sourced with a snapshot per change (`...Added`, `...Changed` carry the whole
record as it became, `...Removed` ends it): the log still says who changed what and when, an
import upserts by comparing snapshots, and history reads back as the record at each version.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Generic, Literal, TypeVar

import msgspec

from albatross.kernel import (
    Aggregate,
    AlreadyExists,
    DomainEvent,
    InvalidInput,
    InvalidState,
    NotFound,
    registry,
)
from albatross.operations import csv_format

# ---- shared value types ----

Icao = Annotated[str, msgspec.Meta(pattern="^[A-Z0-9]{3,4}$", description="ICAO airport code, upper case")]
Money = Annotated[float, msgspec.Meta(ge=0, le=1e9)]

# phpVMS's one-letter flight types: the CSV format and the schedule share one list.
FLIGHT_TYPES = csv_format.FLIGHT_TYPES


def invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field}: {message}", fields={field: message})


# ---- the airline's profile and rules ----


class PirepChecks(msgspec.Struct, frozen=True, kw_only=True):
    """Which checks a PIREP must pass (each switchable per airline)."""

    airports_exist: bool = True
    aircraft_belongs_and_active: bool = True
    aircraft_at_departure: bool = False
    pilot_at_departure: bool = False
    rank_allows_subfleet: bool = True
    plausible_flight_time: bool = True


class AutoAcceptRule(msgspec.Struct, frozen=True, kw_only=True):
    """A PIREP that matches every condition given is accepted without review."""

    rank: str | None = None
    source: Literal["manual", "tracked"] | None = None
    max_landing_rate_fpm: Annotated[int, msgspec.Meta(ge=0, le=5000)] | None = None
    max_time_deviation_percent: Annotated[int, msgspec.Meta(ge=0, le=100)] | None = None


class BidRules(msgspec.Struct, frozen=True, kw_only=True):
    max_per_pilot: Annotated[int, msgspec.Meta(ge=1, le=100)] = 1
    block_flight: bool = False
    """Once bid, a flight is offered to nobody else."""
    block_aircraft: bool = True
    """An aircraft named on a bid cannot be named on another."""
    expire_after_hours: Annotated[int, msgspec.Meta(ge=1, le=24 * 90)] | None = 48


Colour = Annotated[str, msgspec.Meta(pattern="^#[0-9a-fA-F]{6}$")]


class AirlineProfile(msgspec.Struct, frozen=True, kw_only=True):
    iata: Annotated[str, msgspec.Meta(pattern="^[A-Z0-9]{2}$")] | None = None
    callsign: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    country: Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$")] | None = None
    logo_url: Annotated[str, msgspec.Meta(max_length=500, pattern="^https://")] | None = None
    primary_colour: Colour | None = None
    secondary_colour: Colour | None = None
    timezone: Annotated[str, msgspec.Meta(max_length=64)] = "UTC"
    bids: BidRules = BidRules()
    pirep_checks: PirepChecks = PirepChecks()
    auto_accept: Annotated[list[AutoAcceptRule], msgspec.Meta(max_length=50)] = []


PROFILE_DETAILS = frozenset(
    {"iata", "callsign", "country", "logo_url", "primary_colour", "secondary_colour", "timezone"}
)
"""The profile's fields that say who the airline is (the rest are its flight rules)."""
FLIGHT_RULES = frozenset({"bids", "pirep_checks", "auto_accept"})


@registry.event("AirlineProfileChanged")
class AirlineProfileChanged(DomainEvent, frozen=True, kw_only=True):
    profile: AirlineProfile


class Airline(Aggregate):
    """The operations side of an airline (its name, code and applications are identity's)."""

    stream_type = "airline"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.tenant_id = id
        self.profile = AirlineProfile()

    def change(self, profile: AirlineProfile) -> list[DomainEvent]:
        return [] if profile == self.profile else [AirlineProfileChanged(profile=profile)]

    def apply(self, event: DomainEvent) -> None:
        if isinstance(event, AirlineProfileChanged):
            self.profile = event.profile


# ---- records: airports of the airline, subfleets, aircraft, flights ----


class AirportDetails(msgspec.Struct, frozen=True, kw_only=True):
    """The airline's own facts about an airport: hub or not, costs, and (for an airport the
    reference data does not know) where it is."""

    icao: Icao
    hub: bool = False
    landing_fee: Money = 0.0
    ground_handling_cost: Money = 0.0
    fuel_100ll_cost: Money = 0.0
    fuel_jet_a_cost: Money = 0.0
    fuel_mogas_cost: Money = 0.0
    iata: Annotated[str, msgspec.Meta(pattern="^[A-Z0-9]{3}$")] | None = None
    name: Annotated[str, msgspec.Meta(max_length=120)] | None = None
    location: Annotated[str, msgspec.Meta(max_length=120)] | None = None
    country: Annotated[str, msgspec.Meta(max_length=60)] | None = None
    timezone: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)] | None = None
    lon: Annotated[float, msgspec.Meta(ge=-180, le=180)] | None = None


class SubfleetDetails(msgspec.Struct, frozen=True, kw_only=True):
    type: Annotated[str, msgspec.Meta(pattern="^[A-Za-z0-9_-]{1,50}$")]
    """The airline's code for it, unique within the airline (often the ICAO type, e.g. B738)."""
    icao_type: Annotated[str, msgspec.Meta(pattern="^[A-Z0-9]{2,4}$")] | None = None
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    hub: Icao | None = None
    fuel_type: Literal["100ll", "jet_a", "mogas"] = "jet_a"
    cost_block_hour: Money = 0.0
    cost_delay_minute: Money = 0.0
    ground_handling_multiplier: Annotated[float, msgspec.Meta(ge=0, le=1000)] = 100.0
    ranks: Annotated[list[Annotated[str, msgspec.Meta(max_length=50)]], msgspec.Meta(max_length=50)] = []
    """Ranks allowed to fly it; empty: every rank."""
    fares: Annotated[list[Annotated[str, msgspec.Meta(max_length=200)]], msgspec.Meta(max_length=20)] = []


class AircraftDetails(msgspec.Struct, frozen=True, kw_only=True):
    registration: Annotated[str, msgspec.Meta(pattern="^[A-Za-z0-9-]{1,10}$")]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    subfleet_id: str
    iata: Annotated[str, msgspec.Meta(max_length=5)] | None = None
    icao: Annotated[str, msgspec.Meta(max_length=5)] | None = None
    fin: Annotated[str, msgspec.Meta(max_length=10)] | None = None
    hex_code: Annotated[str, msgspec.Meta(pattern="^[0-9A-Fa-f]{1,6}$")] | None = None
    mtow: Annotated[float, msgspec.Meta(ge=0, le=1e7)] | None = None
    zfw: Annotated[float, msgspec.Meta(ge=0, le=1e7)] | None = None
    home: Icao | None = None
    location: Icao | None = None
    """Where it is now (a flight moves it)."""
    status: Literal["active", "maintenance", "stored", "retired", "written_off"] = "active"
    state: Literal["parked", "in_use", "in_flight"] = "parked"
    hours: Annotated[float, msgspec.Meta(ge=0)] = 0.0
    fuel_on_board: Annotated[float, msgspec.Meta(ge=0)] = 0.0


class FlightDetails(msgspec.Struct, frozen=True, kw_only=True):
    airline: Annotated[str, msgspec.Meta(pattern="^[A-Z0-9]{2,3}$")]
    flight_number: Annotated[str, msgspec.Meta(pattern="^[A-Za-z0-9]{1,10}$")]
    route_code: Annotated[str, msgspec.Meta(max_length=5)] | None = None
    route_leg: Annotated[str, msgspec.Meta(max_length=5)] | None = None
    callsign: Annotated[str, msgspec.Meta(max_length=10)] | None = None
    departure: Icao
    arrival: Icao
    alternate: Icao | None = None
    departure_time: Annotated[str, msgspec.Meta(pattern="^([01][0-9]|2[0-3]):[0-5][0-9]$")] | None = None
    arrival_time: Annotated[str, msgspec.Meta(pattern="^([01][0-9]|2[0-3]):[0-5][0-9]$")] | None = None
    days: Annotated[int, msgspec.Meta(ge=0, le=127)] = 0
    """Days of the week it runs, bit 0 = Monday; 0: every day."""
    distance_nm: Annotated[float, msgspec.Meta(ge=0, le=13000)]
    block_minutes: Annotated[int, msgspec.Meta(ge=1, le=2000)]
    level: Annotated[int, msgspec.Meta(ge=0, le=60000)] | None = None
    route: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    flight_type: str = "J"
    load_factor: Annotated[float, msgspec.Meta(ge=0, le=100)] | None = None
    load_factor_variance: Annotated[float, msgspec.Meta(ge=0, le=100)] | None = None
    pilot_pay: Money | None = None
    notes: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    subfleets: Annotated[list[str], msgspec.Meta(max_length=50)] = []
    """Subfleet ids that may fly it; empty: any."""
    fares: Annotated[list[Annotated[str, msgspec.Meta(max_length=200)]], msgspec.Meta(max_length=20)] = []
    fields: dict[str, str] = {}
    active: bool = True
    visible: bool = True
    start_date: date | None = None
    end_date: date | None = None


def check_flight(details: FlightDetails) -> None:
    if details.flight_type not in FLIGHT_TYPES:
        raise invalid("flight_type", f"one of {', '.join(FLIGHT_TYPES)}")
    if details.departure == details.arrival:
        raise invalid("arrival", "must differ from the departure")
    if details.start_date and details.end_date and details.end_date < details.start_date:
        raise invalid("end_date", "is before start_date")


def flight_key(details: FlightDetails) -> str:
    """The natural key phpVMS upserts by: airline, number, route code and leg."""
    return ":".join(
        (details.airline, details.flight_number.upper(), details.route_code or "", details.route_leg or "")
    )


@registry.event("AirportSet")
class AirportSet(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    details: AirportDetails


@registry.event("AirportRemoved")
class AirportRemoved(DomainEvent, frozen=True, kw_only=True):
    pass


@registry.event("SubfleetAdded")
class SubfleetAdded(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    details: SubfleetDetails


@registry.event("SubfleetChanged")
class SubfleetChanged(DomainEvent, frozen=True, kw_only=True):
    details: SubfleetDetails


@registry.event("SubfleetRemoved")
class SubfleetRemoved(DomainEvent, frozen=True, kw_only=True):
    pass


@registry.event("AircraftAdded")
class AircraftAdded(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    details: AircraftDetails


@registry.event("AircraftChanged")
class AircraftChanged(DomainEvent, frozen=True, kw_only=True):
    details: AircraftDetails


@registry.event("AircraftRemoved")
class AircraftRemoved(DomainEvent, frozen=True, kw_only=True):
    pass


@registry.event("FlightAdded")
class FlightAdded(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    details: FlightDetails


@registry.event("FlightChanged")
class FlightChanged(DomainEvent, frozen=True, kw_only=True):
    details: FlightDetails


@registry.event("FlightRemoved")
class FlightRemoved(DomainEvent, frozen=True, kw_only=True):
    pass


D = TypeVar("D", bound=msgspec.Struct)


class Changes(msgspec.Struct, Generic[D], frozen=True):
    """Some fields of a record or profile, as one form edits them: those `fields` of `values`
    replace the stored ones, and every other field stays as stored when the command decides
    (not as a page read it earlier, which a concurrent write or a lagging read model makes stale)."""

    values: D
    fields: frozenset[str]

    def __post_init__(self) -> None:
        unknown = self.fields - set(self.values.__struct_fields__)
        if unknown:
            raise ValueError(f"not fields of {type(self.values).__name__}: {sorted(unknown)}")

    def onto(self, stored: D) -> D:
        return msgspec.structs.replace(stored, **{name: getattr(self.values, name) for name in self.fields})


class Record(Aggregate, Generic[D]):
    """A record with a snapshot per change. Subclasses name their events."""

    added: type[DomainEvent]
    changed: type[DomainEvent]
    removed: type[DomainEvent]
    label: str

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.details: D | None = None
        self.removed_ = False

    @property
    def live(self) -> bool:
        return self.details is not None and not self.removed_

    def add(self, tenant_id: str, details: D) -> list[DomainEvent]:
        if self.exists:
            raise AlreadyExists(f"This {self.label} already exists.")
        self.tenant_id = tenant_id
        return [self.added(tenant_id=tenant_id, details=details)]  # type: ignore[call-arg]

    def change(self, details: D) -> list[DomainEvent]:
        self.require_live()
        return [] if details == self.details else [self.changed(details=details)]  # type: ignore[call-arg]

    def remove(self) -> list[DomainEvent]:
        self.require_live()
        return [self.removed()]

    def require_live(self) -> D:
        if not self.live or self.details is None:
            raise NotFound(f"No such {self.label}.")
        return self.details

    def apply(self, event: DomainEvent) -> None:
        if isinstance(event, self.added | self.changed):
            self.details = event.details  # type: ignore[attr-defined]
            self.tenant_id = getattr(event, "tenant_id", self.tenant_id)
            self.removed_ = False
        elif isinstance(event, self.removed):
            self.removed_ = True


class AirportRecord(Record[AirportDetails]):
    """Stream id: `<tenant>:<ICAO>`: one per airline and airport, so it needs no claim."""

    stream_type = "airport"
    added = changed = AirportSet
    removed = AirportRemoved
    label = "airport"

    def set(self, tenant_id: str, details: AirportDetails) -> list[DomainEvent]:
        self.tenant_id = tenant_id
        if self.live and details == self.details:
            return []
        return [AirportSet(tenant_id=tenant_id, details=details)]


class Subfleet(Record[SubfleetDetails]):
    stream_type = "subfleet"
    added, changed, removed = SubfleetAdded, SubfleetChanged, SubfleetRemoved
    label = "subfleet"


class Aircraft(Record[AircraftDetails]):
    stream_type = "aircraft"
    added, changed, removed = AircraftAdded, AircraftChanged, AircraftRemoved
    label = "aircraft"


class Flight(Record[FlightDetails]):
    stream_type = "flight"
    added, changed, removed = FlightAdded, FlightChanged, FlightRemoved
    label = "flight"


# ---- bids ----


@registry.event("BidPlaced")
class BidPlaced(DomainEvent, frozen=True, kw_only=True):
    bid_id: str
    flight_id: str
    aircraft_id: str | None = None
    placed_at: int
    expires_at: int | None = None


@registry.event("BidRemoved")
class BidRemoved(DomainEvent, frozen=True, kw_only=True):
    bid_id: str
    reason: Literal["withdrawn", "expired", "flown", "flight_removed"]


class Bids(Aggregate):
    """A pilot's bids (stream `bids-<user id>`): the per-pilot limit is decided on one stream."""

    stream_type = "bids"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.open: dict[str, BidPlaced] = {}

    def active(self, now: int) -> list[BidPlaced]:
        return [b for b in self.open.values() if b.expires_at is None or b.expires_at > now]

    def place(
        self,
        tenant_id: str,
        bid_id: str,
        flight_id: str,
        aircraft_id: str | None,
        rules: BidRules,
        now: int,
    ) -> list[DomainEvent]:
        self.tenant_id = tenant_id
        events: list[DomainEvent] = [
            BidRemoved(bid_id=b.bid_id, reason="expired")
            for b in self.open.values()
            if b.expires_at is not None and b.expires_at <= now
        ]
        live = self.active(now)
        if any(b.flight_id == flight_id for b in live):
            raise AlreadyExists("You already bid on this flight.")
        if len(live) >= rules.max_per_pilot:
            raise InvalidState(f"You may hold {rules.max_per_pilot} bid(s) at a time; withdraw one first.")
        expires = now + rules.expire_after_hours * 3600 * 1_000_000 if rules.expire_after_hours else None
        events.append(
            BidPlaced(
                bid_id=bid_id, flight_id=flight_id, aircraft_id=aircraft_id, placed_at=now, expires_at=expires
            )
        )
        return events

    def withdraw(
        self, bid_id: str, reason: Literal["withdrawn", "flown", "flight_removed"]
    ) -> list[DomainEvent]:
        if bid_id not in self.open:
            raise NotFound("No such bid.")
        return [BidRemoved(bid_id=bid_id, reason=reason)]

    def apply(self, event: DomainEvent) -> None:
        match event:
            case BidPlaced():
                self.open[event.bid_id] = event
            case BidRemoved(bid_id=bid_id):
                self.open.pop(bid_id, None)


_CODE = re.compile(r"^[A-Z0-9]{3,4}$")


def clean_code(value: str, field: str) -> str:
    code = value.strip().upper()
    if not _CODE.match(code):
        raise invalid(field, "an ICAO code: 3-4 letters or digits")
    return code
