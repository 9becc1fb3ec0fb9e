"""Flights queries: PIREPs, live flights and their tracks, careers and aircraft state, scoped to
the caller's airline (another airline's record answers 404)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from albatross.flights.careers import CareerSettings, Rank
from albatross.flights.domain import PirepDetails, Position, Waypoint
from albatross.flights.projections import (
    acars_logs,
    aircraft_state,
    briefings,
    career_flights,
    career_settings,
    careers,
    comments,
    pilot_awards,
    pireps,
    positions,
)
from albatross.flights.simbrief import SimbriefPlan
from albatross.identity.policy import Action, Principal, authorize
from albatross.identity.projections import users
from albatross.kernel import Forbidden, NotFound
from albatross.kernel.unit_of_work import now_us

DAY_US = 86_400 * 1_000_000


class PirepView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    tenant_id: str
    pilot_id: str
    state: str
    phase: str
    source: str
    details: PirepDetails
    fields: dict[str, str]
    waypoints: list[Waypoint]
    accepted_rule: str | None
    reject_reason: str | None
    last_position: Position | None
    positions: int
    briefing: SimbriefPlan | None
    created_at: int
    submitted_at: int | None
    updated_at: int
    version: int


class PirepPage(msgspec.Struct, frozen=True):
    items: list[PirepView]
    total: int
    limit: int
    offset: int


class CommentView(msgspec.Struct, frozen=True):
    id: str
    author_id: str
    text: str
    at: int


class LogView(msgspec.Struct, frozen=True):
    kind: str
    message: str
    lat: float | None
    lon: float | None
    at: int


class AwardView(msgspec.Struct, frozen=True):
    award_id: str
    name: str
    pirep_id: str | None
    granted_at: int


class CareerView(msgspec.Struct, frozen=True, kw_only=True):
    user_id: str
    tenant_id: str
    flights: int
    flight_minutes: int
    transfer_minutes: int
    total_minutes: int
    rank: str | None
    next_rank: Rank | None
    pay_per_hour: float
    location: str | None
    last_flight_at: int | None
    last_filed_at: int | None
    average_landing_rate_fpm: float | None
    on_leave: bool
    awards: list[AwardView]


class MonthHours(msgspec.Struct, frozen=True):
    month: str
    """YYYY-MM (UTC)."""
    flights: int
    minutes: int


class AircraftStateView(msgspec.Struct, frozen=True):
    aircraft_id: str
    location: str | None
    minutes: int
    fuel_on_board_lbs: float | None
    state: str
    """`in_flight` while a tracked flight has it, else `parked`."""
    pirep_id: str | None


def _pirep(row: Any) -> PirepView:
    return PirepView(
        id=row.id,
        tenant_id=row.tenant_id,
        pilot_id=row.pilot_id,
        state=row.state,
        phase=row.phase,
        source=row.source,
        details=msgspec.json.decode(row.details, type=PirepDetails),
        fields=msgspec.json.decode(row.fields),
        waypoints=msgspec.json.decode(row.waypoints, type=list[Waypoint]),
        accepted_rule=row.accepted_rule,
        reject_reason=row.reject_reason,
        last_position=msgspec.json.decode(row.last_position, type=Position) if row.last_position else None,
        positions=row.positions,
        briefing=msgspec.json.decode(row.briefing, type=SimbriefPlan) if row.briefing else None,
        created_at=row.created_at,
        submitted_at=row.submitted_at,
        updated_at=row.updated_at,
        version=row.version,
    )


class FlightsQueries:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def _rows(self, query: Any) -> list[Any]:
        async with self.engine.connect() as conn:
            return list((await conn.execute(query)).all())

    # ---- PIREPs ----

    async def pirep(self, principal: Principal, pirep_id: str) -> PirepView:
        """Its pilot, and the airline's members, may read a PIREP; its custom fields are for
        its pilot and staff."""
        rows = await self._rows(select(pireps).where(pireps.c.id == pirep_id))
        if not rows or not _may_read(principal, rows[0].tenant_id, rows[0].pilot_id):
            raise NotFound("No such PIREP.")
        view = _pirep(rows[0])
        return view if may_see_private(principal, view) else msgspec.structs.replace(view, fields={})

    async def pireps(
        self,
        principal: Principal,
        tenant_id: str,
        *,
        pilot_id: str | None = None,
        states: list[str] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> PirepPage:
        """Newest first; staff's review queue is `states=["pending"]`, oldest first."""
        if pilot_id != principal.user_id:
            authorize(principal, Action.READ_FLIGHTS, tenant_id)
        elif principal.tenant_id != tenant_id and principal.role != "platform_admin":
            raise NotFound("No such airline.")
        c = pireps.c
        where = [c.tenant_id == tenant_id]
        if pilot_id is not None:
            where.append(c.pilot_id == pilot_id)
        if states:
            where.append(c.state.in_(states))
        order = c.submitted_at.asc() if states == ["pending"] else c.created_at.desc()
        rows = await self._rows(
            select(pireps).where(*where).order_by(order, c.id).limit(limit).offset(offset)
        )
        total = (await self._rows(select(func.count()).select_from(pireps).where(*where)))[0][0]
        return PirepPage([_pirep(r) for r in rows], total, limit, offset)

    async def live(self, principal: Principal, tenant_id: str) -> list[PirepView]:
        """Flights in progress with their last position."""
        authorize(principal, Action.READ_FLIGHTS, tenant_id)
        c = pireps.c
        query = (
            select(pireps).where(c.tenant_id == tenant_id, c.state == "in_progress").order_by(c.created_at)
        )
        return [_pirep(r) for r in await self._rows(query)]

    async def track(self, principal: Principal, pirep_id: str, limit: int = 20_000) -> list[Position]:
        await self.pirep(principal, pirep_id)
        query = (
            select(positions.c.details)
            .where(positions.c.pirep_id == pirep_id)
            .order_by(positions.c.at, positions.c.id)
            .limit(limit)
        )
        return [msgspec.json.decode(r.details, type=Position) for r in await self._rows(query)]

    async def geojson(self, principal: Principal, pirep_id: str) -> dict[str, Any]:
        """The flown path as a GeoJSON Feature (a LineString, [lon, lat, altitude in metres])."""
        pirep = await self.pirep(principal, pirep_id)
        points = await self.track(principal, pirep_id)
        coordinates = [
            [p.lon, p.lat, round(p.altitude_ft * 0.3048, 1)] if p.altitude_ft is not None else [p.lon, p.lat]
            for p in points
        ]
        geometry: dict[str, Any] = (
            {"type": "LineString", "coordinates": coordinates}
            if len(coordinates) >= 2
            else {"type": "Point", "coordinates": coordinates[0]}
            if coordinates
            else None
        )
        details = pirep.details
        return {
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "pirep_id": pirep.id,
                "flight": f"{details.airline}{details.flight_number}",
                "departure": details.departure,
                "arrival": details.arrival,
                "state": pirep.state,
                "phase": pirep.phase,
                "positions": len(points),
            },
        }

    async def logs(self, principal: Principal, pirep_id: str) -> list[LogView]:
        _require_private(principal, await self.pirep(principal, pirep_id))
        c = acars_logs.c
        rows = await self._rows(select(acars_logs).where(c.pirep_id == pirep_id).order_by(c.seq))
        return [LogView(r.kind, r.message, r.lat, r.lon, r.at) for r in rows]

    async def comments(self, principal: Principal, pirep_id: str) -> list[CommentView]:
        _require_private(principal, await self.pirep(principal, pirep_id))
        c = comments.c
        rows = await self._rows(select(comments).where(c.pirep_id == pirep_id).order_by(c.at, c.id))
        return [CommentView(r.id, r.author_id, r.text, r.at) for r in rows]

    async def bid_briefing(self, principal: Principal, bid_id: str) -> SimbriefPlan:
        """The SimBrief plan a pilot imported for their own bid."""
        c = briefings.c
        rows = await self._rows(select(briefings).where(c.bid_id == bid_id, c.user_id == principal.user_id))
        if not rows:
            raise NotFound("No SimBrief plan for this bid.")
        return msgspec.json.decode(rows[0].plan, type=SimbriefPlan)

    # ---- careers ----

    async def settings(self, principal: Principal, tenant_id: str) -> CareerSettings:
        authorize(principal, Action.READ_FLIGHTS, tenant_id)
        rows = await self._rows(
            select(career_settings.c.settings).where(career_settings.c.tenant_id == tenant_id)
        )
        return msgspec.json.decode(rows[0].settings, type=CareerSettings) if rows else CareerSettings()

    async def _require_pilot(self, principal: Principal, tenant_id: str, user_id: str) -> None:
        """The pilot themself, or whoever may read the airline's flights; a member of that airline."""
        if user_id != principal.user_id:
            authorize(principal, Action.READ_FLIGHTS, tenant_id)
        elif principal.tenant_id != tenant_id and principal.role != "platform_admin":
            raise NotFound("No such airline.")
        member = select(users.c.id).where(users.c.id == user_id, users.c.tenant_id == tenant_id)
        if not await self._rows(member):
            raise NotFound("No such pilot.")

    async def career(
        self, principal: Principal, tenant_id: str, user_id: str, *, now: int | None = None
    ) -> CareerView:
        await self._require_pilot(principal, tenant_id, user_id)
        settings = await self.settings(principal, tenant_id)
        rows = await self._rows(
            select(careers).where(careers.c.user_id == user_id, careers.c.tenant_id == tenant_id)
        )
        awards = await self._rows(
            select(pilot_awards)
            .where(pilot_awards.c.user_id == user_id, pilot_awards.c.tenant_id == tenant_id)
            .order_by(pilot_awards.c.granted_at)
        )
        return _career(
            rows[0] if rows else None,
            user_id,
            tenant_id,
            settings,
            [AwardView(a.award_id, a.name, a.pirep_id, a.granted_at) for a in awards],
            now or now_us(),
        )

    async def hours_by_month(
        self, principal: Principal, tenant_id: str, user_id: str, months: int = 12, *, now: int | None = None
    ) -> list[MonthHours]:
        """A pilot's credited flights and minutes per month (by when each was filed, UTC) for the
        last `months` months up to now's, oldest first; a month without a flight has zeros."""
        await self._require_pilot(principal, tenant_id, user_id)
        today = datetime.fromtimestamp((now or now_us()) / 1_000_000, UTC)
        last = today.year * 12 + today.month - 1
        periods = [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(last - max(months, 1) + 1, last + 1)]
        since = datetime(int(periods[0][:4]), int(periods[0][5:]), 1, tzinfo=UTC).timestamp() * 1_000_000
        rows = await self._rows(
            select(career_flights.c.minutes, career_flights.c.at).where(
                career_flights.c.user_id == user_id, career_flights.c.at >= int(since)
            )
        )
        totals = {p: [0, 0] for p in periods}
        for minutes, at in rows:
            month = datetime.fromtimestamp(at / 1_000_000, UTC).strftime("%Y-%m")
            if month in totals:  # a flight filed "in the future" by a skewed clock stays out
                totals[month][0] += 1
                totals[month][1] += minutes
        return [MonthHours(p, flights, minutes) for p, (flights, minutes) in totals.items()]

    async def roster(
        self, principal: Principal, tenant_id: str, *, now: int | None = None
    ) -> list[CareerView]:
        """Every pilot with a career so far, most hours first."""
        authorize(principal, Action.READ_FLIGHTS, tenant_id)
        settings = await self.settings(principal, tenant_id)
        rows = await self._rows(select(careers).where(careers.c.tenant_id == tenant_id))
        views = [_career(r, r.user_id, tenant_id, settings, [], now or now_us()) for r in rows]
        return sorted(views, key=lambda v: (-v.total_minutes, v.user_id))

    # ---- aircraft ----

    async def aircraft_states(self, principal: Principal, tenant_id: str) -> dict[str, AircraftStateView]:
        authorize(principal, Action.READ_OPERATIONS, tenant_id)
        rows = await self._rows(select(aircraft_state).where(aircraft_state.c.tenant_id == tenant_id))
        return {
            r.aircraft_id: AircraftStateView(
                r.aircraft_id,
                r.location,
                r.minutes,
                r.fuel_on_board_lbs,
                "in_flight" if r.in_use_by else "parked",
                r.in_use_by,
            )
            for r in rows
        }


def may_see_private(principal: Principal, pirep: PirepView) -> bool:
    """Comments, the ACARS log and custom fields are between the pilot and the airline's staff."""
    if principal.user_id == pirep.pilot_id:
        return True
    try:
        authorize(principal, Action.REVIEW_PIREPS, pirep.tenant_id)
    except (Forbidden, NotFound):
        return False
    return True


def _require_private(principal: Principal, pirep: PirepView) -> None:
    if not may_see_private(principal, pirep):
        raise Forbidden("Comments and the ACARS log are for the pilot and the airline's staff.")


def _may_read(principal: Principal, tenant_id: str, pilot_id: str) -> bool:
    if principal.role == "platform_admin" or principal.user_id == pilot_id:
        return True
    return principal.tenant_id == tenant_id


def _career(
    row: Any, user_id: str, tenant_id: str, settings: CareerSettings, awards: list[AwardView], now: int
) -> CareerView:
    flight_minutes = row.flight_minutes if row else 0
    transfer = row.transfer_minutes if row else 0
    total = flight_minutes + transfer
    rank = row.rank if row and row.rank else (settings.ranks[0].name if settings.ranks else None)
    names = [r.name for r in settings.ranks]
    current = names.index(rank) if rank in names else -1
    next_rank = next((r for r in settings.ranks[current + 1 :] if r.auto_promote), None)
    pay = settings.ranks[current].pay_per_hour if current >= 0 else 0.0
    last_filed = row.last_filed_at if row else None
    on_leave = False
    if settings.leave_after_days is not None and row is not None:
        since = max(last_filed or 0, row.last_flight_at or 0)
        on_leave = bool(since) and now - since > settings.leave_after_days * DAY_US
    count = row.landing_rate_count if row else 0
    return CareerView(
        user_id=user_id,
        tenant_id=tenant_id,
        flights=row.flights if row else 0,
        flight_minutes=flight_minutes,
        transfer_minutes=transfer,
        total_minutes=total,
        rank=rank,
        next_rank=next_rank,
        pay_per_hour=pay,
        location=row.location if row else None,
        last_flight_at=row.last_flight_at if row else None,
        last_filed_at=last_filed,
        average_landing_rate_fpm=round(row.landing_rate_sum / count, 1) if count else None,
        on_leave=on_leave,
        awards=awards,
    )
