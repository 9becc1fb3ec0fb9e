"""Operations queries over the read models, scoped to the caller's airline."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from albatross.identity.domain import Tenant
from albatross.identity.policy import Action, Principal, authorize
from albatross.kernel import Context, EventCodec, EventStore, NotFound, UnitOfWork
from albatross.kernel.unit_of_work import now_us
from albatross.operations import airports as reference
from albatross.operations.domain import (
    AircraftDetails,
    AirlineProfile,
    AirportDetails,
    FlightDetails,
    SubfleetDetails,
)
from albatross.operations.projections import aircraft, airports, bids, flights, profiles, subfleets


class Page(msgspec.Struct, frozen=True):
    items: list[Any]
    total: int
    limit: int
    offset: int


class SubfleetView(msgspec.Struct, frozen=True):
    id: str
    version: int
    details: SubfleetDetails


class AircraftView(msgspec.Struct, frozen=True):
    id: str
    version: int
    details: AircraftDetails


class FlightView(msgspec.Struct, frozen=True):
    id: str
    version: int
    details: FlightDetails


class AirportView(msgspec.Struct, frozen=True):
    """An airport as the airline sees it: the reference data, with the airline's own facts."""

    icao: str
    iata: str | None
    name: str
    city: str | None
    country: str | None
    lat: float
    lon: float
    elevation_ft: int | None
    timezone: str | None
    hub: bool = False
    landing_fee: float = 0.0
    ground_handling_cost: float = 0.0
    fuel_100ll_cost: float = 0.0
    fuel_jet_a_cost: float = 0.0
    fuel_mogas_cost: float = 0.0


class AirlineView(msgspec.Struct, frozen=True):
    """The airline as its members see it: identity's name, code, applications switch and
    pilot-id format, with the operations profile and rules."""

    id: str
    name: str
    icao: str
    applications_open: bool
    pilot_id_prefix: str
    pilot_id_width: int
    profile: AirlineProfile


class BidView(msgspec.Struct, frozen=True):
    id: str
    user_id: str
    flight_id: str
    aircraft_id: str | None
    placed_at: int
    expires_at: int | None


def airport_view(icao: str, own: AirportDetails | None) -> AirportView | None:
    ref = reference.get(icao)
    if ref is None and (own is None or own.lat is None or own.lon is None):
        return None
    costs: dict[str, Any] = {}
    if own is not None:
        costs = {
            "hub": own.hub,
            "landing_fee": own.landing_fee,
            "ground_handling_cost": own.ground_handling_cost,
            "fuel_100ll_cost": own.fuel_100ll_cost,
            "fuel_jet_a_cost": own.fuel_jet_a_cost,
            "fuel_mogas_cost": own.fuel_mogas_cost,
        }
    if ref is not None:
        return AirportView(
            ref.icao,
            ref.iata,
            ref.name,
            ref.city,
            ref.country,
            ref.lat,
            ref.lon,
            ref.elevation_ft,
            ref.tz,
            **costs,
        )
    assert own is not None and own.lat is not None and own.lon is not None
    return AirportView(
        own.icao,
        own.iata,
        own.name or own.icao,
        own.location,
        own.country,
        own.lat,
        own.lon,
        None,
        own.timezone,
        **costs,
    )


class OperationsQueries:
    def __init__(self, reader: AsyncEngine) -> None:
        self.reader = reader

    async def _page(self, query: Select[Any], limit: int, offset: int) -> tuple[list[Any], int]:
        async with self.reader.connect() as conn:
            total = (await conn.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
            rows = (await conn.execute(query.limit(limit).offset(offset))).all()
        return list(rows), int(total)

    async def airline(
        self, store: EventStore, codec: EventCodec, principal: Principal, tenant_id: str
    ) -> AirlineView:
        profile = await self.profile(principal, tenant_id)
        tenant = await UnitOfWork(store, codec, Context()).load(Tenant, tenant_id)  # a short stream
        if not tenant.exists:
            raise NotFound("No such airline.")
        prefix = tenant.icao if tenant.pilot_id_prefix is None else tenant.pilot_id_prefix
        return AirlineView(
            tenant_id,
            tenant.name,
            tenant.icao,
            tenant.applications_open,
            prefix,
            tenant.pilot_id_width,
            profile,
        )

    async def profile(self, principal: Principal, tenant_id: str) -> AirlineProfile:
        authorize(principal, Action.READ_OPERATIONS, tenant_id)
        async with self.reader.connect() as conn:
            row = (
                await conn.execute(select(profiles.c.profile).where(profiles.c.tenant_id == tenant_id))
            ).first()
        return msgspec.json.decode(row[0], type=AirlineProfile) if row else AirlineProfile()

    async def airline_airports(
        self, principal: Principal, tenant_id: str, hubs_only: bool = False
    ) -> list[AirportView]:
        authorize(principal, Action.READ_OPERATIONS, tenant_id)
        query = select(airports.c.details).where(airports.c.tenant_id == tenant_id).order_by(airports.c.icao)
        if hubs_only:
            query = query.where(airports.c.hub.is_(True))
        async with self.reader.connect() as conn:
            rows = (await conn.execute(query)).all()
        views = [
            airport_view(d.icao, d) for d in (msgspec.json.decode(r[0], type=AirportDetails) for r in rows)
        ]
        return [v for v in views if v is not None]

    async def airport(self, principal: Principal, tenant_id: str, icao: str) -> AirportView:
        authorize(principal, Action.READ_OPERATIONS, tenant_id)
        code = icao.strip().upper()
        async with self.reader.connect() as conn:
            row = (
                await conn.execute(
                    select(airports.c.details).where(
                        airports.c.tenant_id == tenant_id, airports.c.icao == code
                    )
                )
            ).first()
        view = airport_view(code, msgspec.json.decode(row[0], type=AirportDetails) if row else None)
        if view is None:
            raise NotFound(f"No airport {code}.")
        return view

    async def subfleets(self, principal: Principal, tenant_id: str, limit: int, offset: int) -> Page:
        authorize(principal, Action.READ_OPERATIONS, tenant_id)
        query = select(subfleets).where(subfleets.c.tenant_id == tenant_id).order_by(subfleets.c.type)
        rows, total = await self._page(query, limit, offset)
        items = [
            SubfleetView(r.id, r.version, msgspec.json.decode(r.details, type=SubfleetDetails)) for r in rows
        ]
        return Page(items, total, limit, offset)

    async def subfleet(self, principal: Principal, tenant_id: str, subfleet_id: str) -> SubfleetView:
        page_rows = await self._one(subfleets, principal, tenant_id, subfleet_id, "subfleet")
        return SubfleetView(
            page_rows.id, page_rows.version, msgspec.json.decode(page_rows.details, type=SubfleetDetails)
        )

    async def _one(self, table: Any, principal: Principal, tenant_id: str, record_id: str, label: str) -> Any:
        authorize(principal, Action.READ_OPERATIONS, tenant_id)
        async with self.reader.connect() as conn:
            row = (
                await conn.execute(
                    select(table).where(table.c.id == record_id, table.c.tenant_id == tenant_id)
                )
            ).first()
        if row is None:
            raise NotFound(f"No such {label}.")
        return row

    async def aircraft(
        self,
        principal: Principal,
        tenant_id: str,
        limit: int,
        offset: int,
        *,
        subfleet_id: str | None = None,
        status: str | None = None,
        location: str | None = None,
    ) -> Page:
        authorize(principal, Action.READ_OPERATIONS, tenant_id)
        query = select(aircraft).where(aircraft.c.tenant_id == tenant_id).order_by(aircraft.c.registration)
        if subfleet_id:
            query = query.where(aircraft.c.subfleet_id == subfleet_id)
        if status:
            query = query.where(aircraft.c.status == status)
        if location:
            query = query.where(aircraft.c.location == location.upper())
        rows, total = await self._page(query, limit, offset)
        items = [
            AircraftView(r.id, r.version, msgspec.json.decode(r.details, type=AircraftDetails)) for r in rows
        ]
        return Page(items, total, limit, offset)

    async def one_aircraft(self, principal: Principal, tenant_id: str, aircraft_id: str) -> AircraftView:
        row = await self._one(aircraft, principal, tenant_id, aircraft_id, "aircraft")
        return AircraftView(row.id, row.version, msgspec.json.decode(row.details, type=AircraftDetails))

    async def flight(self, principal: Principal, tenant_id: str, flight_id: str) -> FlightView:
        row = await self._one(flights, principal, tenant_id, flight_id, "flight")
        return FlightView(row.id, row.version, msgspec.json.decode(row.details, type=FlightDetails))

    async def search_flights(
        self, principal: Principal, tenant_id: str, filters: FlightSearch, limit: int, offset: int
    ) -> Page:
        """Pilots see active, visible flights only, each on its days and dates; staff see all
        unless they filter."""
        authorize(principal, Action.READ_OPERATIONS, tenant_id)
        c = flights.c
        where = [c.tenant_id == tenant_id]
        staff = principal.role in ("tenant_admin", "platform_admin")
        if not staff or filters.active_only:
            where += [c.active.is_(True), c.visible.is_(True)]
        if filters.departure:
            where.append(c.departure == filters.departure.upper())
        if filters.arrival:
            where.append(c.arrival == filters.arrival.upper())
        if filters.min_distance is not None:
            where.append(c.distance_nm >= filters.min_distance)
        if filters.max_distance is not None:
            where.append(c.distance_nm <= filters.max_distance)
        if filters.min_minutes is not None:
            where.append(c.block_minutes >= filters.min_minutes)
        if filters.max_minutes is not None:
            where.append(c.block_minutes <= filters.max_minutes)
        if filters.flight_type:
            where.append(c.flight_type == filters.flight_type.upper())
        if filters.subfleet_id:
            where.append(or_(c.subfleets == "", c.subfleets.like(f"%,{filters.subfleet_id},%")))
        if filters.text:
            needle = filters.text.lower().replace("%", "").replace("_", "")
            where.append(c.search.like(f"%{needle}%"))
        if filters.on_date is not None:
            day = filters.on_date.isoformat()
            bit = 1 << filters.on_date.weekday()
            where += [
                or_(c.start_date.is_(None), c.start_date <= day),
                or_(c.end_date.is_(None), c.end_date >= day),
                or_(c.days == 0, c.days.op("&")(bit) != 0),
            ]
        elif filters.weekday is not None:
            bit = 1 << (filters.weekday - 1)
            where.append(or_(c.days == 0, c.days.op("&")(bit) != 0))
        query = select(flights).where(and_(*where)).order_by(c.airline, c.flight_number, c.id)
        rows, total = await self._page(query, limit, offset)
        items = [
            FlightView(r.id, r.version, msgspec.json.decode(r.details, type=FlightDetails)) for r in rows
        ]
        return Page(items, total, limit, offset)

    async def bids(self, principal: Principal, tenant_id: str, user_id: str | None) -> list[BidView]:
        """A pilot's own bids; staff may see anyone's in their airline."""
        authorize(principal, Action.READ_OPERATIONS, tenant_id)
        staff = principal.role in ("tenant_admin", "platform_admin")
        who = user_id if staff else principal.user_id
        now = now_us()
        query = select(bids).where(
            bids.c.tenant_id == tenant_id, or_(bids.c.expires_at.is_(None), bids.c.expires_at > now)
        )
        if who:
            query = query.where(bids.c.user_id == who)
        async with self.reader.connect() as conn:
            rows = (await conn.execute(query.order_by(bids.c.placed_at))).all()
        return [BidView(r.id, r.user_id, r.flight_id, r.aircraft_id, r.placed_at, r.expires_at) for r in rows]


class FlightSearch(msgspec.Struct, frozen=True, kw_only=True):
    departure: str | None = None
    arrival: str | None = None
    min_distance: float | None = None
    max_distance: float | None = None
    min_minutes: int | None = None
    max_minutes: int | None = None
    flight_type: str | None = None
    subfleet_id: str | None = None
    weekday: int | None = None
    """1 = Monday ... 7 = Sunday."""
    on_date: date | None = None
    text: str | None = None
    active_only: bool = False


async def export(q: OperationsQueries, principal: Principal, tenant_id: str, kind: str) -> str:
    """The airline's records of `kind` as a phpVMS 7 CSV file (what `import` reads back)."""
    from albatross.identity.projections import tenants
    from albatross.operations import csv_format
    from albatross.operations.transfer import fare_of

    authorize(principal, Action.MANAGE_OPERATIONS, tenant_id)
    async with q.reader.connect() as conn:
        icao = (
            await conn.execute(select(tenants.c.icao).where(tenants.c.id == tenant_id))
        ).scalar_one_or_none()
        if icao is None:
            raise NotFound("No such airline.")
        types = {
            r.id: r.type
            for r in (
                await conn.execute(
                    select(subfleets.c.id, subfleets.c.type).where(subfleets.c.tenant_id == tenant_id)
                )
            )
        }
    rows: list[Any] = []
    if kind == "airports":
        for view in await q.airline_airports(principal, tenant_id):
            rows.append(
                csv_format.AirportRow(
                    icao=view.icao,
                    iata=view.iata,
                    name=view.name,
                    location=view.city,
                    country=view.country,
                    timezone=view.timezone,
                    hub=view.hub,
                    lat=view.lat,
                    lon=view.lon,
                    ground_handling_cost=view.ground_handling_cost,
                    fuel_100ll_cost=view.fuel_100ll_cost,
                    fuel_jet_a_cost=view.fuel_jet_a_cost,
                    fuel_mogas_cost=view.fuel_mogas_cost,
                )
            )
    elif kind == "subfleets":
        for item in (await q.subfleets(principal, tenant_id, 10**6, 0)).items:
            d = item.details
            rows.append(
                csv_format.SubfleetRow(
                    airline=icao,
                    hub=d.hub,
                    type=d.type,
                    simbrief_type=d.icao_type,
                    name=d.name,
                    fuel_type=d.fuel_type,
                    cost_block_hour=d.cost_block_hour,
                    cost_delay_minute=d.cost_delay_minute,
                    ground_handling_multiplier=d.ground_handling_multiplier,
                    fares=tuple(fare_of(f) for f in d.fares),
                )
            )
    elif kind == "aircraft":
        for item in (await q.aircraft(principal, tenant_id, 10**6, 0)).items:
            d = item.details
            rows.append(
                csv_format.AircraftRow(
                    subfleet=types.get(d.subfleet_id, ""),
                    iata=d.iata,
                    icao=d.icao,
                    home=d.home,
                    location=d.location,
                    name=d.name,
                    registration=d.registration,
                    fin=d.fin,
                    hex_code=d.hex_code,
                    mtow=d.mtow,
                    zfw=d.zfw,
                    status=d.status,
                )
            )
    else:
        search = FlightSearch()
        for item in (await q.search_flights(principal, tenant_id, search, 10**6, 0)).items:
            d = item.details
            rows.append(
                csv_format.FlightRow(
                    airline=d.airline,
                    flight_number=d.flight_number,
                    route_code=d.route_code,
                    callsign=d.callsign,
                    route_leg=d.route_leg,
                    dpt_airport=d.departure,
                    arr_airport=d.arrival,
                    alt_airport=d.alternate,
                    days=d.days,
                    dpt_time=d.departure_time,
                    arr_time=d.arrival_time,
                    level=d.level,
                    distance=d.distance_nm,
                    flight_time=d.block_minutes,
                    flight_type=d.flight_type,
                    load_factor=d.load_factor,
                    load_factor_variance=d.load_factor_variance,
                    pilot_pay=d.pilot_pay,
                    route=d.route,
                    notes=d.notes,
                    start_date=d.start_date,
                    end_date=d.end_date,
                    active=d.active,
                    subfleets=tuple(types[s] for s in d.subfleets if s in types),
                    fares=tuple(fare_of(f) for f in d.fares),
                    fields=dict(d.fields),
                )
            )
    return csv_format.write(kind, rows)  # type: ignore[call-overload,no-any-return]
