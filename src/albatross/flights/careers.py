"""Careers: the airline's ranks, awards and leave rule, and each pilot's record. Pure: no I/O.

A pilot's career is the flights credited to it (one per accepted PIREP). Hours, location,
rank promotions and awards follow from them and are recorded with the PIREP that caused them,
so rejecting an accepted PIREP takes back exactly what accepting it gave.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from albatross.kernel import Aggregate, DomainEvent, InvalidInput, NotFound, registry

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=50)]


class Rank(msgspec.Struct, frozen=True, kw_only=True):
    name: Name
    hours: Annotated[float, msgspec.Meta(ge=0, le=100_000)] = 0
    """Hours (flown plus transferred) that earn it."""
    pay_per_hour: Annotated[float, msgspec.Meta(ge=0, le=1e6)] = 0
    """Pilot pay per block hour, in the airline's currency."""
    auto_promote: bool = True
    """Pilots reach it by hours alone; otherwise staff award it."""


class AwardRule(msgspec.Struct, frozen=True, kw_only=True):
    kind: Literal["flights", "hours", "route", "airport"]
    count: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 1
    """Flights (for flights, route, airport) or hours (for hours) needed."""
    departure: Annotated[str, msgspec.Meta(pattern="^[A-Z0-9]{3,4}$")] | None = None
    arrival: Annotated[str, msgspec.Meta(pattern="^[A-Z0-9]{3,4}$")] | None = None
    airport: Annotated[str, msgspec.Meta(pattern="^[A-Z0-9]{3,4}$")] | None = None
    """For `airport`: flights arriving at or leaving it."""


class Award(msgspec.Struct, frozen=True, kw_only=True):
    id: Annotated[str, msgspec.Meta(pattern="^[a-z0-9][a-z0-9-]{0,49}$")]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    description: Annotated[str, msgspec.Meta(max_length=500)] = ""
    rule: AwardRule


class CareerSettings(msgspec.Struct, frozen=True, kw_only=True):
    ranks: Annotated[list[Rank], msgspec.Meta(max_length=50)] = []
    """Lowest first; a new pilot starts in the first."""
    awards: Annotated[list[Award], msgspec.Meta(max_length=200)] = []
    leave_after_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = 90
    """A pilot with no PIREP for this many days is on leave until they file again; None: never."""


def check_settings(settings: CareerSettings) -> None:
    names = [r.name for r in settings.ranks]
    if len(set(names)) != len(names):
        raise InvalidInput("ranks: each rank name once", fields={"ranks": "each rank name once"})
    if [r.hours for r in settings.ranks] != sorted(r.hours for r in settings.ranks):
        raise InvalidInput(
            "ranks: list them lowest first (hours ascending)", fields={"ranks": "hours ascending"}
        )
    ids = [a.id for a in settings.awards]
    if len(set(ids)) != len(ids):
        raise InvalidInput("awards: each award id once", fields={"awards": "each award id once"})
    for award in settings.awards:
        if award.rule.kind == "route" and not (award.rule.departure and award.rule.arrival):
            raise InvalidInput(
                f"awards: {award.id} is a route award: give departure and arrival",
                fields={"awards": "a route award needs departure and arrival"},
            )
        if award.rule.kind == "airport" and not award.rule.airport:
            raise InvalidInput(
                f"awards: {award.id} is an airport award: give the airport",
                fields={"awards": "an airport award needs the airport"},
            )


@registry.event("CareerSettingsChanged")
class CareerSettingsChanged(DomainEvent, frozen=True, kw_only=True):
    settings: CareerSettings


class AirlineCareers(Aggregate):
    """Stream `careers-<tenant id>`: the airline's ranks, awards and leave rule."""

    stream_type = "careers"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.tenant_id = id
        self.settings = CareerSettings()

    def change(self, settings: CareerSettings) -> list[DomainEvent]:
        check_settings(settings)
        return [] if settings == self.settings else [CareerSettingsChanged(settings=settings)]

    def rank(self, name: str | None) -> Rank | None:
        return next((r for r in self.settings.ranks if r.name == name), None)

    def apply(self, event: DomainEvent) -> None:
        if isinstance(event, CareerSettingsChanged):
            self.settings = event.settings


# ---- a pilot's career ----


@registry.event("FlightCredited")
class FlightCredited(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    pirep_id: str
    departure: str
    arrival: str
    minutes: int
    landing_rate_fpm: float | None = None
    at: int


@registry.event("FlightDebited")
class FlightDebited(DomainEvent, frozen=True, kw_only=True):
    pirep_id: str


@registry.event("RankChanged")
class RankChanged(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    rank: str
    previous: str | None
    by: Literal["staff", "promotion"]
    pirep_id: str | None = None
    """For a promotion: the PIREP whose hours earned it (rejecting it takes the rank back)."""


@registry.event("TransferHoursSet")
class TransferHoursSet(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    minutes: int


@registry.event("AwardGranted")
class AwardGranted(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    award_id: str
    name: str
    pirep_id: str | None = None


@registry.event("AwardRevoked")
class AwardRevoked(DomainEvent, frozen=True, kw_only=True):
    award_id: str
    pirep_id: str | None = None


class Career(Aggregate):
    """Stream `career-<user id>`."""

    stream_type = "career"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.flights: dict[str, FlightCredited] = {}  # in the order credited
        self.transfer_minutes = 0
        self.rank: str | None = None
        self.staff_rank: str | None = None  # the last rank staff set: a debit never goes below it
        self.promotions: dict[str, str | None] = {}  # pirep id -> rank before its promotion
        self.awards: dict[str, str | None] = {}  # award id -> the PIREP that earned it

    @property
    def flight_minutes(self) -> int:
        return sum(f.minutes for f in self.flights.values())

    @property
    def total_hours(self) -> float:
        return (self.flight_minutes + self.transfer_minutes) / 60

    @property
    def location(self) -> str | None:
        last = next(reversed(self.flights.values()), None)
        return last.arrival if last else None

    def credit(self, tenant_id: str, settings: CareerSettings, flight: FlightCredited) -> list[DomainEvent]:
        """Credit an accepted PIREP, then promote and award by what it earned."""
        self.tenant_id = tenant_id
        if flight.pirep_id in self.flights:
            return []
        events: list[DomainEvent] = [flight]
        self._apply_all(events)
        events += self._settle(tenant_id, settings, flight.pirep_id)
        return events

    def debit(self, tenant_id: str, settings: CareerSettings, pirep_id: str) -> list[DomainEvent]:
        """Take back a rejected PIREP: its hours, the promotion it earned, the awards it no longer
        earns."""
        self.tenant_id = tenant_id
        if pirep_id not in self.flights:
            return []
        events: list[DomainEvent] = [FlightDebited(pirep_id=pirep_id)]
        self._apply_all(events)
        # Back to what the remaining hours earn, never below the rank staff set. (Undoing only
        # this PIREP's own promotion is not enough: after an earlier debit re-promoted by the
        # remaining hours, that rank belongs to no PIREP and would never be taken back.)
        ranks = [r.name for r in settings.ranks]
        earned = earned_rank(settings, self.total_hours)
        floor = max(
            (ranks.index(name) for name in (self.staff_rank, earned and earned.name) if name in ranks),
            default=-1,
        )
        if floor >= 0 and self.rank in ranks and ranks.index(self.rank) > floor:
            demotion = RankChanged(tenant_id=tenant_id, rank=ranks[floor], previous=self.rank, by="promotion")
            self._apply_all([demotion])
            events.append(demotion)
        events += self._settle(tenant_id, settings, None)
        return events

    def set_rank(self, tenant_id: str, settings: CareerSettings, rank: str) -> list[DomainEvent]:
        if rank not in {r.name for r in settings.ranks}:
            raise NotFound(f"No rank {rank!r} in this airline.")
        self.tenant_id = tenant_id
        if rank == self.rank == self.staff_rank:
            return []
        # Staff naming the rank a promotion already gave still pins it: a later debit keeps it.
        return [RankChanged(tenant_id=tenant_id, rank=rank, previous=self.rank, by="staff")]

    def set_transfer_minutes(
        self, tenant_id: str, settings: CareerSettings, minutes: int
    ) -> list[DomainEvent]:
        self.tenant_id = tenant_id
        if minutes == self.transfer_minutes:
            return []
        events: list[DomainEvent] = [TransferHoursSet(tenant_id=tenant_id, minutes=minutes)]
        self._apply_all(events)
        return events + self._settle(tenant_id, settings, None)

    def _apply_all(self, events: list[DomainEvent]) -> None:
        for event in events:
            self.apply(event)

    def _settle(self, tenant_id: str, settings: CareerSettings, pirep_id: str | None) -> list[DomainEvent]:
        """Promote by hours (never demote: a rank staff set above the hours is kept), then grant
        and revoke awards so the pilot holds exactly those their credited flights earn."""
        events: list[DomainEvent] = []
        earned = earned_rank(settings, self.total_hours)
        ranks = [r.name for r in settings.ranks]
        current = ranks.index(self.rank) if self.rank in ranks else -1
        if earned is not None and ranks.index(earned.name) > current:
            events.append(
                RankChanged(
                    tenant_id=tenant_id,
                    rank=earned.name,
                    previous=self.rank,
                    by="promotion",
                    pirep_id=pirep_id,
                )
            )
        for award in settings.awards:
            holds = award.id in self.awards
            earns = award_earned(award.rule, list(self.flights.values()), self.total_hours)
            if earns and not holds:
                events.append(
                    AwardGranted(tenant_id=tenant_id, award_id=award.id, name=award.name, pirep_id=pirep_id)
                )
            elif holds and not earns:
                events.append(AwardRevoked(award_id=award.id, pirep_id=self.awards[award.id]))
        self._apply_all(events)
        return events

    def apply(self, event: DomainEvent) -> None:
        match event:
            case FlightCredited():
                self.tenant_id = event.tenant_id
                self.flights[event.pirep_id] = event
            case FlightDebited(pirep_id=pirep_id):
                self.flights.pop(pirep_id, None)
                self.promotions.pop(pirep_id, None)
            case RankChanged(rank=rank, previous=previous, by=by, pirep_id=pirep_id):
                self.rank = rank
                if by == "promotion" and pirep_id is not None:
                    self.promotions[pirep_id] = previous
                elif by == "staff":
                    self.staff_rank = rank
                    self.promotions.clear()  # a staff decision is no longer any PIREP's to undo
            case TransferHoursSet(minutes=minutes):
                self.transfer_minutes = minutes
            case AwardGranted(award_id=award_id, pirep_id=pirep_id):
                self.awards[award_id] = pirep_id
            case AwardRevoked(award_id=award_id):
                self.awards.pop(award_id, None)


def earned_rank(settings: CareerSettings, hours: float) -> Rank | None:
    """The highest rank reached by hours alone."""
    earned = None
    for rank in settings.ranks:
        if rank.auto_promote and rank.hours <= hours + 1e-9:
            earned = rank
    return earned


def award_earned(rule: AwardRule, flights: list[FlightCredited], total_hours: float) -> bool:
    match rule.kind:
        case "flights":
            return len(flights) >= rule.count
        case "hours":
            return total_hours + 1e-9 >= rule.count
        case "route":
            return (
                sum(1 for f in flights if (f.departure, f.arrival) == (rule.departure, rule.arrival))
                >= rule.count
            )
        case _:
            return sum(1 for f in flights if rule.airport in (f.departure, f.arrival)) >= rule.count
