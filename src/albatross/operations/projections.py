"""Operations read models. Each record is kept whole as JSON (`details`, the snapshot its last
event carried) beside the columns that searches filter and sort on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Float, Index, Integer, String, Table, Text, delete

from albatross.kernel import DomainEvent, StoredEvent
from albatross.operations.domain import (
    AircraftAdded,
    AircraftChanged,
    AircraftRemoved,
    AirlineProfileChanged,
    AirportRemoved,
    AirportSet,
    BidPlaced,
    BidRemoved,
    FlightAdded,
    FlightChanged,
    FlightDetails,
    FlightRemoved,
    SubfleetAdded,
    SubfleetChanged,
    SubfleetRemoved,
)
from albatross.readmodels import RowBatch, as_json, metadata, record_id

profiles = Table(
    "rm_airline_profiles",
    metadata,
    Column("tenant_id", String(36), primary_key=True),
    Column("profile", Text, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

airports = Table(
    "rm_airports",
    metadata,
    Column("tenant_id", String(36), primary_key=True),
    Column("icao", String(4), primary_key=True),
    Column("hub", Boolean, nullable=False),
    Column("details", Text, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

subfleets = Table(
    "rm_subfleets",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(36), nullable=False),
    Column("type", String(50), nullable=False),
    Column("details", Text, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_rm_subfleets_tenant", "tenant_id", "type"),
)

aircraft = Table(
    "rm_aircraft",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(36), nullable=False),
    Column("registration", String(10), nullable=False),
    Column("subfleet_id", String(36), nullable=False),
    Column("status", String(20), nullable=False),
    Column("location", String(4), nullable=True),
    Column("details", Text, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_rm_aircraft_tenant", "tenant_id", "registration"),
)

flights = Table(
    "rm_flights",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(36), nullable=False),
    Column("airline", String(3), nullable=False),
    Column("flight_number", String(10), nullable=False),
    Column("departure", String(4), nullable=False),
    Column("arrival", String(4), nullable=False),
    Column("distance_nm", Float, nullable=False),
    Column("block_minutes", Integer, nullable=False),
    Column("flight_type", String(1), nullable=False),
    Column("days", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("visible", Boolean, nullable=False),
    Column("start_date", String(10), nullable=True),
    Column("end_date", String(10), nullable=True),
    # `,id1,id2,`: a subfleet filter is a LIKE on `,id,` (no JSON functions: SQLite and PostgreSQL alike).
    Column("subfleets", Text, nullable=False),
    Column("search", Text, nullable=False),
    Column("details", Text, nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_rm_flights_tenant_route", "tenant_id", "departure", "arrival"),
    Index("ix_rm_flights_tenant_number", "tenant_id", "airline", "flight_number"),
)

bids = Table(
    "rm_bids",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(36), nullable=False),
    Column("user_id", String(36), nullable=False),
    Column("flight_id", String(36), nullable=False),
    Column("aircraft_id", String(36), nullable=True),
    Column("placed_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=True),
    Index("ix_rm_bids_user", "user_id"),
    Index("ix_rm_bids_flight", "flight_id"),
)


def flight_row(details: FlightDetails) -> dict[str, Any]:
    text = " ".join(
        filter(
            None, [details.airline + details.flight_number, details.callsign, details.route, details.notes]
        )
    )
    return {
        "airline": details.airline,
        "flight_number": details.flight_number,
        "departure": details.departure,
        "arrival": details.arrival,
        "distance_nm": details.distance_nm,
        "block_minutes": details.block_minutes,
        "flight_type": details.flight_type,
        "days": details.days,
        "active": details.active,
        "visible": details.visible,
        "start_date": details.start_date.isoformat() if details.start_date else None,
        "end_date": details.end_date.isoformat() if details.end_date else None,
        "subfleets": "," + ",".join(details.subfleets) + "," if details.subfleets else "",
        "search": text.lower(),
        "details": as_json(details),
    }


class OperationsProjection:
    name = "operations"
    tables = (profiles, airports, subfleets, aircraft, flights, bids)
    event_types = frozenset(
        e.event_type
        for e in (
            AirlineProfileChanged,
            AirportSet,
            AirportRemoved,
            SubfleetAdded,
            SubfleetChanged,
            SubfleetRemoved,
            AircraftAdded,
            AircraftChanged,
            AircraftRemoved,
            FlightAdded,
            FlightChanged,
            FlightRemoved,
            BidPlaced,
            BidRemoved,
        )
    )

    async def handle(self, tx: RowBatch, events: Sequence[tuple[StoredEvent, DomainEvent]]) -> None:
        for stored, event in events:
            at = stored.recorded_at
            meta = {"version": stored.version, "updated_at": at}
            match event:
                case AirlineProfileChanged(profile=profile):
                    # Replaces the row (delete, then insert): the first change makes it.
                    tx.delete(profiles, stored.tenant_id)
                    tx.insert(profiles, {"tenant_id": stored.tenant_id, "profile": as_json(profile), **meta})
                case AirportSet(tenant_id=tenant_id, details=details):
                    row = {"tenant_id": tenant_id, "icao": details.icao, "hub": details.hub}
                    tx.delete(airports, (tenant_id, details.icao))
                    tx.insert(airports, {**row, "details": as_json(details), "updated_at": at})
                case AirportRemoved():
                    tenant_id, _, icao = record_id(stored.stream_id).rpartition(":")
                    tx.delete(airports, (tenant_id, icao))
                case SubfleetAdded(tenant_id=tenant_id, details=details):
                    row = {"id": record_id(stored.stream_id), "tenant_id": tenant_id, "type": details.type}
                    tx.insert(subfleets, {**row, "details": as_json(details), **meta})
                case SubfleetChanged(details=details):
                    tx.update(
                        subfleets,
                        record_id(stored.stream_id),
                        {"type": details.type, "details": as_json(details), **meta},
                    )
                case AircraftAdded(tenant_id=tenant_id, details=details):
                    row = {
                        "id": record_id(stored.stream_id),
                        "tenant_id": tenant_id,
                        **self._aircraft(details),
                    }
                    tx.insert(aircraft, {**row, **meta})
                case AircraftChanged(details=details):
                    tx.update(aircraft, record_id(stored.stream_id), {**self._aircraft(details), **meta})
                case FlightAdded(tenant_id=tenant_id, details=details):
                    tx.insert(
                        flights,
                        {
                            "id": record_id(stored.stream_id),
                            "tenant_id": tenant_id,
                            **flight_row(details),
                            **meta,
                        },
                    )
                case FlightChanged(details=details):
                    tx.update(flights, record_id(stored.stream_id), {**flight_row(details), **meta})
                case SubfleetRemoved():
                    tx.delete(subfleets, record_id(stored.stream_id))
                case AircraftRemoved():
                    tx.delete(aircraft, record_id(stored.stream_id))
                case FlightRemoved():
                    flight_id = record_id(stored.stream_id)
                    tx.delete(flights, flight_id)
                    # A removed flight takes its bids with it (the pilots' streams catch up lazily).
                    await tx.flush()
                    await tx.conn.execute(delete(bids).where(bids.c.flight_id == flight_id))
                case BidPlaced():
                    tx.insert(
                        bids,
                        {
                            "id": event.bid_id,
                            "tenant_id": stored.tenant_id,
                            "user_id": record_id(stored.stream_id),
                            "flight_id": event.flight_id,
                            "aircraft_id": event.aircraft_id,
                            "placed_at": event.placed_at,
                            "expires_at": event.expires_at,
                        },
                    )
                case BidRemoved(bid_id=bid_id):
                    tx.delete(bids, bid_id)

    @staticmethod
    def _aircraft(details: Any) -> dict[str, Any]:
        return {
            "registration": details.registration,
            "subfleet_id": details.subfleet_id,
            "status": details.status,
            "location": details.location,
            "details": as_json(details),
        }


def operations_projections() -> tuple[OperationsProjection]:
    return (OperationsProjection(),)
