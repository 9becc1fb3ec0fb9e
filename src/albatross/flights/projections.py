"""Flights read models: PIREPs (with their live position), tracks, ACARS logs, comments,
careers and awards, aircraft state, and the airline's career settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec
from sqlalchemy import BigInteger, Column, Float, Index, Integer, String, Table, Text

from albatross.flights.careers import (
    AwardGranted,
    AwardRevoked,
    CareerSettingsChanged,
    FlightCredited,
    FlightDebited,
    RankChanged,
    TransferHoursSet,
)
from albatross.flights.domain import (
    AcarsLogged,
    AircraftFlightReversed,
    AircraftFlown,
    AircraftReleased,
    AircraftTaken,
    BidBriefed,
    PirepAccepted,
    PirepBriefed,
    PirepCancelled,
    PirepCommentAdded,
    PirepCreated,
    PirepDetails,
    PirepFieldsSet,
    PirepPhaseChanged,
    PirepRejected,
    PirepRouteSet,
    PirepSubmitted,
    PirepUpdated,
    PositionsRecorded,
)
from albatross.kernel import DomainEvent, StoredEvent
from albatross.readmodels import RowBatch, as_json, metadata, record_id

pireps = Table(
    "rm_pireps",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(36), nullable=False),
    Column("pilot_id", String(36), nullable=False),
    Column("state", String(12), nullable=False),
    Column("phase", String(20), nullable=False),
    Column("source", String(8), nullable=False),
    Column("airline", String(3), nullable=False),
    Column("flight_number", String(10), nullable=False),
    Column("departure", String(4), nullable=False),
    Column("arrival", String(4), nullable=False),
    Column("aircraft_id", String(36), nullable=True),
    Column("flight_id", String(36), nullable=True),
    Column("flight_minutes", Integer, nullable=True),
    Column("distance_nm", Float, nullable=True),
    Column("landing_rate_fpm", Float, nullable=True),
    Column("details", Text, nullable=False),
    Column("fields", Text, nullable=False),
    Column("waypoints", Text, nullable=False),
    Column("accepted_rule", Text, nullable=True),
    Column("reject_reason", Text, nullable=True),
    Column("last_position", Text, nullable=True),
    Column("positions", Integer, nullable=False),
    Column("briefing", Text, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("submitted_at", BigInteger, nullable=True),
    Column("updated_at", BigInteger, nullable=False),
    Column("version", BigInteger, nullable=False),
    Index("ix_rm_pireps_tenant_state", "tenant_id", "state", "submitted_at"),
    Index("ix_rm_pireps_pilot", "pilot_id", "created_at"),
)

positions = Table(
    "rm_positions",
    metadata,
    Column("pirep_id", String(36), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("tenant_id", String(36), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("altitude_ft", Float, nullable=True),
    Column("at", BigInteger, nullable=False),
    Column("details", Text, nullable=False),
    Index("ix_rm_positions_track", "pirep_id", "at"),
)

acars_logs = Table(
    "rm_acars_logs",
    metadata,
    Column("pirep_id", String(36), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("tenant_id", String(36), nullable=False),
    Column("kind", String(5), nullable=False),
    Column("message", Text, nullable=False),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("at", BigInteger, nullable=False),
)

comments = Table(
    "rm_pirep_comments",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("pirep_id", String(36), nullable=False),
    Column("tenant_id", String(36), nullable=False),
    Column("author_id", String(36), nullable=False),
    Column("text", Text, nullable=False),
    Column("at", BigInteger, nullable=False),
    Index("ix_rm_pirep_comments_pirep", "pirep_id", "at"),
)

careers = Table(
    "rm_careers",
    metadata,
    Column("user_id", String(36), primary_key=True),
    Column("tenant_id", String(36), nullable=False),
    Column("flights", Integer, nullable=False),
    Column("flight_minutes", BigInteger, nullable=False),
    Column("transfer_minutes", BigInteger, nullable=False),
    Column("rank", String(50), nullable=True),
    Column("location", String(4), nullable=True),
    Column("last_flight_at", BigInteger, nullable=True),
    Column("last_filed_at", BigInteger, nullable=True),
    Column("landing_rate_sum", Float, nullable=False),
    Column("landing_rate_count", Integer, nullable=False),
    # The latest credited flights, newest last: where a debit of the newest leaves the pilot.
    Column("recent", Text, nullable=False),
    Index("ix_rm_careers_tenant", "tenant_id"),
)

career_flights = Table(
    "rm_career_flights",
    metadata,
    Column("pirep_id", String(36), primary_key=True),
    Column("user_id", String(36), nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("landing_rate_fpm", Float, nullable=True),
    Column("arrival", String(4), nullable=False),
    Column("at", BigInteger, nullable=False),
    Index("ix_rm_career_flights_user", "user_id", "at"),
)

pilot_awards = Table(
    "rm_pilot_awards",
    metadata,
    Column("user_id", String(36), primary_key=True),
    Column("award_id", String(50), primary_key=True),
    Column("tenant_id", String(36), nullable=False),
    Column("name", String(80), nullable=False),
    Column("pirep_id", String(36), nullable=True),
    Column("granted_at", BigInteger, nullable=False),
)

aircraft_state = Table(
    "rm_aircraft_state",
    metadata,
    Column("aircraft_id", String(36), primary_key=True),
    Column("tenant_id", String(36), nullable=False),
    Column("location", String(4), nullable=True),
    Column("minutes", BigInteger, nullable=False),
    Column("fuel_on_board_lbs", Float, nullable=True),
    Column("in_use_by", String(36), nullable=True),
    Column("recent", Text, nullable=False),
)

career_settings = Table(
    "rm_career_settings",
    metadata,
    Column("tenant_id", String(36), primary_key=True),
    Column("settings", Text, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

briefings = Table(
    "rm_briefings",
    metadata,
    Column("bid_id", String(36), primary_key=True),
    Column("tenant_id", String(36), nullable=False),
    Column("user_id", String(36), nullable=False),
    Column("flight_id", String(36), nullable=False),
    Column("plan", Text, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

_RECENT = 50


def _pirep_columns(details: PirepDetails) -> dict[str, Any]:
    return {
        "airline": details.airline,
        "flight_number": details.flight_number,
        "departure": details.departure,
        "arrival": details.arrival,
        "aircraft_id": details.aircraft_id,
        "flight_id": details.flight_id,
        "flight_minutes": details.flight_minutes,
        "distance_nm": details.distance_nm,
        "landing_rate_fpm": details.landing_rate_fpm,
        "details": as_json(details),
    }


_EVENTS = (
    PirepCreated,
    PirepUpdated,
    PirepPhaseChanged,
    PirepSubmitted,
    PirepAccepted,
    PirepRejected,
    PirepCancelled,
    PirepFieldsSet,
    PirepRouteSet,
    PirepCommentAdded,
    PirepBriefed,
    BidBriefed,
    PositionsRecorded,
    AcarsLogged,
    AircraftTaken,
    AircraftReleased,
    AircraftFlown,
    AircraftFlightReversed,
    CareerSettingsChanged,
    FlightCredited,
    FlightDebited,
    RankChanged,
    TransferHoursSet,
    AwardGranted,
    AwardRevoked,
)


class FlightsProjection:
    name = "flights"
    tables = (
        pireps,
        positions,
        acars_logs,
        comments,
        careers,
        career_flights,
        pilot_awards,
        aircraft_state,
        career_settings,
        briefings,
    )
    event_types = frozenset(e.event_type for e in _EVENTS)

    async def handle(self, tx: RowBatch, events: Sequence[tuple[StoredEvent, DomainEvent]]) -> None:
        for stored, event in events:
            at = stored.recorded_at
            touch = {"updated_at": at, "version": stored.version}
            match event:
                case PirepCreated():
                    tx.insert(
                        pireps,
                        {
                            "id": record_id(stored.stream_id),
                            "tenant_id": event.tenant_id,
                            "pilot_id": event.pilot_id,
                            "state": event.state,
                            "phase": "initiated",
                            "source": event.source,
                            **_pirep_columns(event.details),
                            "fields": "{}",
                            "waypoints": "[]",
                            "accepted_rule": None,
                            "reject_reason": None,
                            "last_position": None,
                            "positions": 0,
                            "briefing": None,
                            "created_at": event.at,
                            "submitted_at": None,
                            **touch,
                        },
                    )
                case PirepUpdated(details=details):
                    tx.update(pireps, record_id(stored.stream_id), {**_pirep_columns(details), **touch})
                case PirepPhaseChanged(phase=phase):
                    tx.update(pireps, record_id(stored.stream_id), {"phase": phase.value, **touch})
                case PirepSubmitted(details=details, at=submitted):
                    row = await tx.get(pireps, record_id(stored.stream_id))
                    phase = "diverted" if row and row["phase"] == "diverted" else "arrived"
                    tx.update(
                        pireps,
                        record_id(stored.stream_id),
                        {
                            **_pirep_columns(details),
                            "state": "pending",
                            "phase": phase,
                            "submitted_at": submitted,
                            **touch,
                        },
                    )
                    if row is not None:
                        await self._filed(tx, row["pilot_id"], row["tenant_id"], submitted)
                case PirepAccepted(rule=rule):
                    tx.update(
                        pireps,
                        record_id(stored.stream_id),
                        {"state": "accepted", "accepted_rule": rule, "reject_reason": None, **touch},
                    )
                case PirepRejected(reason=reason):
                    tx.update(
                        pireps,
                        record_id(stored.stream_id),
                        {"state": "rejected", "reject_reason": reason, **touch},
                    )
                case PirepCancelled():
                    tx.update(
                        pireps,
                        record_id(stored.stream_id),
                        {"state": "cancelled", "phase": "cancelled", **touch},
                    )
                case PirepFieldsSet(fields=fields):
                    row = await tx.get(pireps, record_id(stored.stream_id))
                    merged = {**msgspec.json.decode(row["fields"]), **fields} if row else fields
                    tx.update(pireps, record_id(stored.stream_id), {"fields": as_json(merged), **touch})
                case PirepRouteSet(waypoints=waypoints):
                    tx.update(pireps, record_id(stored.stream_id), {"waypoints": as_json(waypoints), **touch})
                case PirepBriefed(plan=plan):
                    tx.update(pireps, record_id(stored.stream_id), {"briefing": as_json(plan), **touch})
                case BidBriefed():
                    tx.delete(briefings, event.bid_id)
                    tx.insert(
                        briefings,
                        {
                            "bid_id": event.bid_id,
                            "tenant_id": event.tenant_id,
                            "user_id": event.user_id,
                            "flight_id": event.flight_id,
                            "plan": as_json(event.plan),
                            "updated_at": at,
                        },
                    )
                case PirepCommentAdded():
                    tx.insert(
                        comments,
                        {
                            "id": event.comment_id,
                            "pirep_id": record_id(stored.stream_id),
                            "tenant_id": stored.tenant_id,
                            "author_id": event.author_id,
                            "text": event.text,
                            "at": event.at,
                        },
                    )
                case PositionsRecorded():
                    await self._positions(tx, event)
                case AcarsLogged(pirep_id=pirep_id, lines=lines):
                    for i, line in enumerate(lines):
                        tx.insert(
                            acars_logs,
                            {
                                "pirep_id": pirep_id,
                                "seq": stored.position * 10_000 + i,
                                "tenant_id": event.tenant_id,
                                "kind": line.kind,
                                "message": line.message,
                                "lat": line.lat,
                                "lon": line.lon,
                                "at": line.at,
                            },
                        )
                case AircraftTaken() | AircraftReleased() | AircraftFlown() | AircraftFlightReversed():
                    await self._aircraft(tx, stored, event)
                case CareerSettingsChanged(settings=settings):
                    tx.delete(career_settings, stored.tenant_id)
                    tx.insert(
                        career_settings,
                        {"tenant_id": stored.tenant_id, "settings": as_json(settings), "updated_at": at},
                    )
                case FlightCredited() | FlightDebited() | RankChanged() | TransferHoursSet():
                    await self._career(tx, stored, event)
                case AwardGranted():
                    key = (record_id(stored.stream_id), event.award_id)
                    tx.delete(pilot_awards, key)
                    tx.insert(
                        pilot_awards,
                        {
                            "user_id": key[0],
                            "award_id": event.award_id,
                            "tenant_id": event.tenant_id,
                            "name": event.name,
                            "pirep_id": event.pirep_id,
                            "granted_at": at,
                        },
                    )
                case AwardRevoked(award_id=award_id):
                    tx.delete(pilot_awards, (record_id(stored.stream_id), award_id))

    async def _positions(self, tx: RowBatch, event: PositionsRecorded) -> None:
        row = await tx.get(pireps, event.pirep_id)
        latest = msgspec.json.decode(row["last_position"]) if row and row["last_position"] else None
        for position in event.positions:
            key = (event.pirep_id, position.id)
            tx.delete(positions, key)
            tx.insert(
                positions,
                {
                    "pirep_id": event.pirep_id,
                    "id": position.id,
                    "tenant_id": event.tenant_id,
                    "lat": position.lat,
                    "lon": position.lon,
                    "altitude_ft": position.altitude_ft,
                    "at": position.at,
                    "details": as_json(position),
                },
            )
            if latest is None or position.at >= latest["at"]:
                latest = msgspec.to_builtins(position)
        if row is not None:
            tx.update(
                pireps,
                event.pirep_id,
                {"last_position": as_json(latest), "positions": row["positions"] + event.added},
            )

    async def _filed(self, tx: RowBatch, user_id: str, tenant_id: str, at: int) -> None:
        row = await self._career_row(tx, user_id, tenant_id)
        tx.update(careers, user_id, {"last_filed_at": max(at, row["last_filed_at"] or 0)})

    async def _career_row(self, tx: RowBatch, user_id: str, tenant_id: str | None) -> dict[str, Any]:
        row = await tx.get(careers, user_id)
        if row is None:
            row = {
                "user_id": user_id,
                "tenant_id": tenant_id or "",
                "flights": 0,
                "flight_minutes": 0,
                "transfer_minutes": 0,
                "rank": None,
                "location": None,
                "last_flight_at": None,
                "last_filed_at": None,
                "landing_rate_sum": 0.0,
                "landing_rate_count": 0,
                "recent": "[]",
            }
            tx.insert(careers, row)
        elif tenant_id and not row["tenant_id"]:
            tx.update(careers, user_id, {"tenant_id": tenant_id})
        return row

    async def _career(self, tx: RowBatch, stored: StoredEvent, event: DomainEvent) -> None:
        user_id = record_id(stored.stream_id)
        row = await self._career_row(tx, user_id, stored.tenant_id)
        match event:
            case FlightCredited():
                recent = [*msgspec.json.decode(row["recent"]), [event.pirep_id, event.arrival, event.at]][
                    -_RECENT:
                ]
                rated = event.landing_rate_fpm is not None
                tx.update(
                    careers,
                    user_id,
                    {
                        "flights": row["flights"] + 1,
                        "flight_minutes": row["flight_minutes"] + event.minutes,
                        "location": event.arrival,
                        "last_flight_at": max(event.at, row["last_flight_at"] or 0),
                        "landing_rate_sum": row["landing_rate_sum"] + (event.landing_rate_fpm or 0.0),
                        "landing_rate_count": row["landing_rate_count"] + int(rated),
                        "recent": as_json(recent),
                    },
                )
                tx.insert(
                    career_flights,
                    {
                        "pirep_id": event.pirep_id,
                        "user_id": user_id,
                        "minutes": event.minutes,
                        "landing_rate_fpm": event.landing_rate_fpm,
                        "arrival": event.arrival,
                        "at": event.at,
                    },
                )
            case FlightDebited(pirep_id=pirep_id):
                flight = await tx.get(career_flights, pirep_id)
                if flight is None:
                    return
                recent = [r for r in msgspec.json.decode(row["recent"]) if r[0] != pirep_id]
                rated = flight["landing_rate_fpm"] is not None
                tx.update(
                    careers,
                    user_id,
                    {
                        "flights": row["flights"] - 1,
                        "flight_minutes": row["flight_minutes"] - flight["minutes"],
                        "location": recent[-1][1] if recent else None,
                        "last_flight_at": max((r[2] for r in recent), default=None),
                        "landing_rate_sum": row["landing_rate_sum"] - (flight["landing_rate_fpm"] or 0.0),
                        "landing_rate_count": row["landing_rate_count"] - int(rated),
                        "recent": as_json(recent),
                    },
                )
                tx.delete(career_flights, pirep_id)
            case RankChanged(rank=rank):
                tx.update(careers, user_id, {"rank": rank})
            case TransferHoursSet(minutes=minutes):
                tx.update(careers, user_id, {"transfer_minutes": minutes})

    async def _aircraft(self, tx: RowBatch, stored: StoredEvent, event: DomainEvent) -> None:
        aircraft_id = record_id(stored.stream_id)
        row = await tx.get(aircraft_state, aircraft_id)
        if row is None:
            row = {
                "aircraft_id": aircraft_id,
                "tenant_id": stored.tenant_id or "",
                "location": None,
                "minutes": 0,
                "fuel_on_board_lbs": None,
                "in_use_by": None,
                "recent": "[]",
            }
            tx.insert(aircraft_state, row)
        recent = msgspec.json.decode(row["recent"])
        match event:
            case AircraftTaken(pirep_id=pirep_id):
                tx.update(aircraft_state, aircraft_id, {"in_use_by": pirep_id})
            case AircraftReleased(pirep_id=pirep_id):
                if row["in_use_by"] == pirep_id:
                    tx.update(aircraft_state, aircraft_id, {"in_use_by": None})
            case AircraftFlown():
                recent = [*recent, [event.pirep_id, event.arrival, event.minutes, event.fuel_on_board_lbs]][
                    -_RECENT:
                ]
                values: dict[str, Any] = {
                    "location": event.arrival,
                    "minutes": row["minutes"] + event.minutes,
                    "fuel_on_board_lbs": event.fuel_on_board_lbs,
                    "recent": as_json(recent),
                }
                if row["in_use_by"] == event.pirep_id:
                    values["in_use_by"] = None
                tx.update(aircraft_state, aircraft_id, values)
            case AircraftFlightReversed(pirep_id=pirep_id):
                # The PIREP's row has the minutes (an accepted report no longer changes);
                # the recent list only says where the aircraft was before.
                pirep = await tx.get(pireps, pirep_id)
                minutes = (pirep["flight_minutes"] or 0) if pirep else 0
                recent = [r for r in recent if r[0] != pirep_id]
                tx.update(
                    aircraft_state,
                    aircraft_id,
                    {
                        "location": recent[-1][1] if recent else None,
                        "minutes": row["minutes"] - minutes,
                        "fuel_on_board_lbs": recent[-1][3] if recent else None,
                        "recent": as_json(recent),
                    },
                )


def flights_projections() -> tuple[FlightsProjection]:
    return (FlightsProjection(),)
