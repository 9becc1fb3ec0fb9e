"""phpVMS 7 shapes for the flight-tracking (ACARS) API: its codes for states, phases and sources,
its units, times and list envelope, its error body, and the resources (PIREP, position, flight,
subfleet, aircraft, airport, airline, bid, comment, user) built from our views. Pure: no I/O.

Requests arrive in phpVMS's internal units (nmi, lbs, minutes, feet, knots); responses add the
conversions phpVMS adds (`distance` -> {m, km, mi, nmi}, `fuel` -> {kg, lbs}).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, TypeVar
from urllib.parse import urlencode

import msgspec

from albatross.flights.domain import Phase, PirepState, Position, Waypoint
from albatross.flights.queries import CommentView, PirepView
from albatross.kernel import InvalidInput
from albatross.operations.csv_format import CellError, fare_number, parse_multi
from albatross.operations.domain import invalid
from albatross.operations.queries import (
    AircraftView,
    AirportView,
    BidView,
    FlightView,
    SubfleetView,
    airport_view,
)

T = TypeVar("T")

# ---- codes ----

STATE_CODE: dict[str, int] = {
    PirepState.IN_PROGRESS: 0,
    PirepState.PENDING: 1,
    PirepState.ACCEPTED: 2,
    PirepState.CANCELLED: 3,
    PirepState.DRAFT: 5,
    PirepState.REJECTED: 6,
}
STATE_OF_CODE: dict[int, str] = {code: state for state, code in STATE_CODE.items()}

# Our phase -> phpVMS status code (`status` / `phase` of a PIREP, `status` of a position).
STATUS_CODE: dict[str, str] = {
    Phase.INITIATED: "INI",
    Phase.SCHEDULED: "SCH",
    Phase.BOARDING: "BST",
    Phase.RDY_START: "RDT",
    Phase.PUSHBACK: "PBT",
    Phase.TAXI: "TXI",
    Phase.TAKEOFF: "TOF",
    Phase.CLIMB: "ICL",
    Phase.ENROUTE: "ENR",
    Phase.DESCENT: "ENR",  # phpVMS has no descent code
    Phase.APPROACH: "TEN",
    Phase.FINAL: "FIN",
    Phase.LANDED: "LAN",
    Phase.ON_BLOCK: "ONB",
    Phase.ARRIVED: "ARR",
    Phase.DIVERTED: "DV",
    Phase.EMERGENCY: "EMG",
    Phase.PAUSED: "PSD",
    Phase.CANCELLED: "DX",
}

# phpVMS status code -> our phase (what a tracker sends). Codes not listed leave the phase as is.
PHASE_OF_STATUS: dict[str, Phase] = {
    "INI": Phase.INITIATED,
    "SCH": Phase.SCHEDULED,
    "BST": Phase.BOARDING,
    "RDT": Phase.RDY_START,
    "PBT": Phase.PUSHBACK,
    "OFB": Phase.PUSHBACK,
    "DIR": Phase.TAXI,
    "DIC": Phase.TAXI,
    "GRT": Phase.TAXI,
    "TXI": Phase.TAXI,
    "TOF": Phase.TAKEOFF,
    "ICL": Phase.CLIMB,
    "TKO": Phase.ENROUTE,
    "ENR": Phase.ENROUTE,
    "DV": Phase.DIVERTED,
    "TEN": Phase.APPROACH,
    "APR": Phase.APPROACH,
    "FIN": Phase.FINAL,
    "LDG": Phase.FINAL,
    "LAN": Phase.LANDED,
    "ONB": Phase.ON_BLOCK,
    "ARR": Phase.ARRIVED,
    "EMG": Phase.EMERGENCY,
    "PSD": Phase.PAUSED,
}

SOURCE_CODE = {"manual": 0, "tracked": 1}
USER_STATE_CODE = {"pending": 0, "active": 1, "rejected": 2, "on_leave": 3, "suspended": 4}
AIRCRAFT_STATUS_CODE = {
    "active": "A",
    "maintenance": "M",
    "stored": "S",
    "retired": "R",
    "written_off": "W",
}
FUEL_TYPE_CODE = {"100ll": 0, "jet_a": 1, "mogas": 2}


def phase_of(status: Any) -> Phase | None:
    """A phpVMS status code (or one of our phase names); None when we do not know it."""
    if not isinstance(status, str):
        return None
    text = status.strip()
    if text.upper() in PHASE_OF_STATUS:
        return PHASE_OF_STATUS[text.upper()]
    try:
        phase = Phase(text.lower())
    except ValueError:
        return None
    return None if phase == Phase.CANCELLED else phase


def status_text(phase: str) -> str:
    return phase.replace("_", " ").capitalize()


# ---- units and times ----

KM_PER_NMI = 1.852
MI_PER_NMI = 1.150779448
KG_PER_LB = 0.45359237


def distance(nmi: float | None) -> dict[str, float]:
    n = nmi or 0.0
    return {
        "m": round(n * KM_PER_NMI * 1000, 2),
        "km": round(n * KM_PER_NMI, 2),
        "mi": round(n * MI_PER_NMI, 2),
        "nmi": round(n, 2),
    }


def fuel(lbs: float | None) -> dict[str, float]:
    n = lbs or 0.0
    return {"kg": round(n * KG_PER_LB, 2), "lbs": round(n, 2)}


def stamp(us: int | None) -> str | None:
    """An Eloquent date: `2024-05-01T12:34:56.000000Z`."""
    if us is None:
        return None
    return datetime.fromtimestamp(us / 1_000_000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def zulu(us: int | None) -> str | None:
    """A block time as the Pirep resource writes it: `2024-05-01T12:34:56Z`."""
    if us is None:
        return None
    return datetime.fromtimestamp(us / 1_000_000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


LATEST_US = 253_402_300_799_000_000  # 9999-12-31T23:59:59Z


def parse_time(value: Any, field: str) -> int | None:
    """Any date a tracker sends (ISO 8601 with Z or an offset, `Y-m-d H:i:s` as UTC, or a Unix
    time in s, ms or µs) -> µs since the epoch; None for an empty value."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise invalid(field, "must be a date")
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise invalid(field, "must be a date")
        scale = 1_000_000 if value < 1e11 else 1_000 if value < 1e14 else 1
        if value * scale > LATEST_US:
            raise invalid(field, "must be a date")
        return int(value * scale)
    if not isinstance(value, str) or len(value) > 40:
        raise invalid(field, "must be a date")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise invalid(field, f"{value!r} is not a date") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if not 1970 <= parsed.year <= 9999:
        raise invalid(field, "must be a date")
    return int(parsed.timestamp() * 1_000_000)


# ---- request bodies ----


_PATH = re.compile(r"at `\$\.?(.*)`")
_MISSING = re.compile(r"missing required field `([^`]+)`")


def _dotted(path: str) -> str:
    return re.sub(r"\[(\d+)\]", r".\1", path).strip(".") or "body"


def decode_body(body: bytes) -> dict[str, Any]:
    """The JSON object a tracker sent; an empty body is an empty object."""
    if not body.strip():
        return {}
    try:
        data = msgspec.json.decode(body)
    except (msgspec.DecodeError, UnicodeDecodeError):
        raise InvalidInput("The body is not valid JSON.", fields={"body": "not valid JSON"}) from None
    if not isinstance(data, dict):
        raise InvalidInput("The body must be a JSON object.", fields={"body": "must be a JSON object"})
    return data


def convert(data: Any, kind: type[T], renames: dict[str, str] | None = None, prefix: str = "") -> T:
    """`data` as `kind`, leniently (numbers may come as strings, as Laravel allows); a mismatch is a
    400 naming the field the phpVMS way (`positions.0.lat`)."""
    try:
        return msgspec.convert(data, kind, strict=False)
    except msgspec.ValidationError as exc:
        message = str(exc)
        match = _PATH.search(message)
        field = _dotted(match.group(1)) if match else "body"
        text = _PATH.sub("", message).strip(" -") or "invalid"
        if missing := _MISSING.search(message):
            field = missing.group(1) if field == "body" else f"{field}.{missing.group(1)}"
            text = "required"
        if renames:
            head, dot, rest = field.partition(".")
            field = renames.get(head, head) + dot + rest
        field = prefix + field if field != "body" or not prefix else prefix.rstrip(".")
        raise InvalidInput(f"{field}: {text}", fields={field: text}) from None


def text(value: Any) -> str | None:
    """A string field that may come as a number; blank is absent."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    out = str(value).strip()
    return out or None


def field_values(fields: Any) -> dict[str, str]:
    """phpVMS custom fields (`{"name": value}`) as our strings; 7.0's `{"fields": {...}}` too."""
    if fields is None or fields == []:
        return {}
    if not isinstance(fields, dict):
        raise invalid("fields", "must be an object of name: value")
    if set(fields) == {"fields"} and isinstance(fields["fields"], dict):
        fields = fields["fields"]
    out: dict[str, str] = {}
    for name, value in fields.items():
        key = str(name).strip()
        if not 1 <= len(key) <= 50:
            raise invalid("fields", "names are 1-50 characters")
        if isinstance(value, dict | list):
            raise invalid(f"fields.{key}", "must be a text or a number")
        rendered = "" if value is None else text(value) or ""
        if len(rendered) > 500:
            raise invalid(f"fields.{key}", "at most 500 characters")
        out[key] = rendered
    return out


class FareIn(msgspec.Struct, kw_only=True):
    id: str | int | None = None
    code: str | None = None
    count: int = 0
    price: float | None = None


class PirepIn(msgspec.Struct, kw_only=True):
    """The fields of a phpVMS prefile, update or file request (all optional here; unknown ones
    are ignored, as Laravel's mass assignment ignores them)."""

    airline_id: str | int | None = None
    aircraft_id: str | int | None = None
    flight_id: str | int | None = None
    flight_number: str | int | None = None
    route_code: str | int | None = None
    route_leg: str | int | None = None
    flight_type: str | None = None
    dpt_airport_id: str | None = None
    arr_airport_id: str | None = None
    alt_airport_id: str | None = None
    level: float | None = None
    distance: float | None = None
    planned_distance: float | None = None
    block_time: float | None = None
    flight_time: float | None = None
    planned_flight_time: float | None = None
    zfw: float | None = None
    block_fuel: float | None = None
    fuel_used: float | None = None
    landing_rate: float | None = None
    score: float | None = None
    route: str | None = None
    notes: str | None = None
    source_name: str | None = None
    status: str | None = None
    block_off_time: str | float | None = None
    block_on_time: str | float | None = None
    fares: list[FareIn] | None = None
    fields: Any = None


# Our PirepDetails field -> the phpVMS request field, for error messages.
PHPVMS_FIELD = {
    "airline": "airline_id",
    "departure": "dpt_airport_id",
    "arrival": "arr_airport_id",
    "alternate": "alt_airport_id",
    "distance_nm": "distance",
    "planned_distance_nm": "planned_distance",
    "planned_minutes": "planned_flight_time",
    "flight_minutes": "flight_time",
    "block_fuel_lbs": "block_fuel",
    "fuel_used_lbs": "fuel_used",
    "landing_rate_fpm": "landing_rate",
    "block_off_at": "block_off_time",
    "block_on_at": "block_on_time",
    "planned_fuel_lbs": "planned_fuel",
}


# Our Position field -> the phpVMS position field, for error messages.
POSITION_FIELD = {
    "altitude_ft": "altitude",
    "gs_kt": "gs",
    "ias_kt": "ias",
    "vs_fpm": "vs",
    "fuel_lbs": "fuel",
    "distance_nm": "distance",
    "phase": "status",
    "at": "created_at",
}


def _number(value: float | None, field: str) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value):
        raise invalid(field, "must be a number")
    return value


def _minutes(value: float | None, field: str) -> int | None:
    number = _number(value, field)
    return None if number is None else round(number)


def detail_changes(body: PirepIn) -> dict[str, Any]:
    """The PirepDetails fields a request gives (airline and aircraft are resolved by the caller)."""
    changes: dict[str, Any] = {}

    def put(name: str, value: Any) -> None:
        if value is not None:
            changes[name] = value

    put("flight_number", text(body.flight_number))
    put("route_code", text(body.route_code))
    put("route_leg", text(body.route_leg))
    put("flight_type", text(body.flight_type) and str(body.flight_type).strip().upper())
    put("flight_id", text(body.flight_id))
    for ours, given in (
        ("departure", body.dpt_airport_id),
        ("arrival", body.arr_airport_id),
        ("alternate", body.alt_airport_id),
    ):
        put(ours, text(given) and str(given).strip().upper())
    level = _number(body.level, "level")
    put("level", None if level is None else round(level))
    put("distance_nm", _number(body.distance, "distance"))
    put("planned_distance_nm", _number(body.planned_distance, "planned_distance"))
    flown = _minutes(body.flight_time, "flight_time")
    put("flight_minutes", flown if flown is not None else _minutes(body.block_time, "block_time"))
    put("planned_minutes", _minutes(body.planned_flight_time, "planned_flight_time"))
    put("block_fuel_lbs", _number(body.block_fuel, "block_fuel"))
    put("fuel_used_lbs", _number(body.fuel_used, "fuel_used"))
    put("landing_rate_fpm", _number(body.landing_rate, "landing_rate"))
    score = _number(body.score, "score")
    put("score", None if score is None else round(score))
    put("route", body.route.strip().upper() if body.route is not None else None)
    put("notes", body.notes)
    put("source_name", body.source_name)
    put("block_off_at", parse_time(body.block_off_time, "block_off_time"))
    put("block_on_at", parse_time(body.block_on_time, "block_on_time"))
    if body.fares is not None:
        fares = []
        for i, fare in enumerate(body.fares):
            code = text(fare.code) or text(fare.id)
            if code is None:
                raise invalid(f"fares.{i}.id", "required")
            fare_row: dict[str, Any] = {"code": code, "count": fare.count}
            if fare.price is not None:
                fare_row["price"] = fare.price
            fares.append(fare_row)
        changes["fares"] = fares
    return changes


class PositionIn(msgspec.Struct, kw_only=True):
    id: str | int | None = None
    lat: float
    lon: float
    status: str | None = None
    altitude: float | None = None
    altitude_agl: float | None = None
    altitude_msl: float | None = None
    heading: float | None = None
    vs: float | None = None
    gs: float | None = None
    ias: float | None = None
    transponder: str | int | None = None
    autopilot: str | int | bool | None = None
    fuel: float | None = None
    fuel_flow: float | None = None
    distance: float | None = None
    log: str | None = None
    sim_time: str | float | None = None
    created_at: str | float | None = None


class PositionsIn(msgspec.Struct, kw_only=True):
    positions: list[PositionIn]


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def position(row: PositionIn, index: int, now: int, new_id: str) -> dict[str, Any]:
    """A phpVMS position row as our Position's fields. A row without `created_at` is dated by its
    `sim_time`, else now (rows of one batch keep their order)."""
    field = f"positions.{index}"
    at = parse_time(row.created_at, f"{field}.created_at")
    if at is None and row.sim_time is not None:
        try:
            at = parse_time(row.sim_time, f"{field}.sim_time")
        except InvalidInput:
            at = None  # sim_time is also free text ("12:34:56"): then it is kept as text only
    altitude = next(
        (a for a in (row.altitude_msl, row.altitude, row.altitude_agl) if _finite(a) is not None), None
    )
    heading = _finite(row.heading)
    transponder = None
    if text(row.transponder) is not None:
        try:
            transponder = int(float(str(row.transponder)))
            if not 0 <= transponder <= 9999:
                raise ValueError
        except (ValueError, OverflowError):
            raise invalid(f"{field}.transponder", "must be a number from 0 to 9999") from None
    out: dict[str, Any] = {
        "id": text(row.id) or new_id,
        "lat": row.lat,
        "lon": row.lon,
        "altitude_ft": altitude,
        "heading": None if heading is None else heading % 360,
        "gs_kt": None if _finite(row.gs) is None else abs(row.gs or 0),
        "ias_kt": None if _finite(row.ias) is None else abs(row.ias or 0),
        "vs_fpm": _finite(row.vs),
        "fuel_lbs": _finite(row.fuel),
        "fuel_flow": None if _finite(row.fuel_flow) is None else abs(row.fuel_flow or 0),
        "distance_nm": _finite(row.distance),
        "transponder": transponder,
        "autopilot": None if row.autopilot is None else (text(row.autopilot) or "")[:50],
        "phase": phase_of(row.status),
        "sim_time": None if row.sim_time is None else (text(row.sim_time) or "")[:40] or None,
        "log": None if row.log is None else row.log[:500],
        "at": at if at is not None else now + index,
    }
    return {k: v for k, v in out.items() if v is not None}


class LogIn(msgspec.Struct, kw_only=True):
    log: str | None = None
    event: str | None = None
    lat: float | None = None
    lon: float | None = None
    created_at: str | float | None = None
    sim_time: str | float | None = None


class WaypointIn(msgspec.Struct, kw_only=True):
    id: str | int | None = None
    name: str | int
    order: int
    nav_type: int | str | None = None
    lat: float
    lon: float


# ---- the list envelope ----


def paginated(
    items: list[Any], total: int, page: int, limit: int, url: str, query: dict[str, Any]
) -> dict[str, Any]:
    """phpVMS's paginated collection: `data`, `links` and `meta` (with page URLs)."""
    last_page = max(1, math.ceil(total / limit))

    def link(number: int) -> str:
        return f"{url}?{urlencode({**query, 'page': number, 'limit': limit})}"

    prev_page = link(page - 1) if 1 < page <= last_page + 1 else None
    next_page = link(page + 1) if page < last_page else None
    first = (page - 1) * limit + 1
    return {
        "data": items,
        "links": {"first": link(1), "last": link(last_page), "prev": prev_page, "next": next_page},
        "meta": {
            "current_page": page,
            "from": first if items else None,
            "last_page": last_page,
            "path": url,
            "per_page": limit,
            "to": first + len(items) - 1 if items else None,
            "total": total,
            "prev_page": prev_page,
            "next_page": next_page,
        },
    }


def message(text_: str, count: int | None = None) -> dict[str, Any]:
    """phpVMS's answer to many writes: `{"message", "attrs": [], "count"?}`."""
    out: dict[str, Any] = {"message": text_, "attrs": []}
    if count is not None:
        out["count"] = count
    return out


# ---- the error body ----


def error_body(
    status: int,
    type_: str,
    title: str,
    detail: str,
    fields: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """phpVMS's API error: problem-ish fields, its backwards-compatible `error` block (with the
    401 block's `code`/`http_code`), and Laravel's `errors` map for invalid fields."""
    shown = detail or title
    body: dict[str, Any] = {
        "type": type_,
        "title": title,
        "details": shown,
        "status": status,
        "error": {
            "status": status,
            "code": str(status),
            "http_code": HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error",
            "message": shown,
        },
    }
    if fields:
        body["errors"] = {PHPVMS_FIELD.get(k, k): [v] for k, v in fields.items()}
    if extra:
        body.update(extra)
    return body


# ---- resources ----


class AirlineInfo(msgspec.Struct, frozen=True):
    id: str
    icao: str
    iata: str | None
    name: str
    country: str | None
    logo: str | None
    callsign: str | None = None

    def resource(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "icao": self.icao,
            "iata": self.iata,
            "name": self.name,
            "country": self.country,
            "logo": self.logo,
            "callsign": self.callsign,
            "active": True,
        }


def airport(icao: str | None, own: AirportView | None = None) -> dict[str, Any] | None:
    if icao is None:
        return None
    view = own or airport_view(icao, None)
    if view is None:
        return {"id": icao, "icao": icao, "name": icao}
    return {
        "id": view.icao,
        "icao": view.icao,
        "iata": view.iata,
        "name": view.name,
        "location": view.city,
        "country": view.country,
        "timezone": view.timezone,
        "hub": view.hub,
        "lat": view.lat,
        "lon": view.lon,
        "elevation": view.elevation_ft,
        "ground_handling_cost": view.ground_handling_cost,
        "fuel_100ll_cost": view.fuel_100ll_cost,
        "fuel_jeta_cost": view.fuel_jet_a_cost,
        "fuel_mogas_cost": view.fuel_mogas_cost,
        "landing_fee": view.landing_fee,
        "notes": None,
    }


def acars_row(pirep_id: str, p: Position) -> dict[str, Any]:
    """An ACARS position row (type 0), with the Acars resource's unit objects."""
    return {
        "id": p.id,
        "pirep_id": pirep_id,
        "type": 0,
        "status": STATUS_CODE.get(p.phase, "ENR") if p.phase else None,
        "lat": p.lat,
        "lon": p.lon,
        "altitude": p.altitude_ft,
        "altitude_msl": p.altitude_ft,
        "altitude_agl": None,
        "heading": p.heading,
        "vs": p.vs_fpm,
        "gs": p.gs_kt,
        "ias": p.ias_kt,
        "transponder": p.transponder,
        "autopilot": p.autopilot,
        "fuel": fuel(p.fuel_lbs),
        "fuel_flow": p.fuel_flow,
        "distance": distance(p.distance_nm),
        "log": p.log,
        "sim_time": p.sim_time,
        "created_at": stamp(p.at),
        "updated_at": stamp(p.at),
    }


def route_row(pirep_id: str, w: Waypoint) -> dict[str, Any]:
    return {
        "id": f"{pirep_id}:{w.order}",
        "pirep_id": pirep_id,
        "type": 1,
        "order": w.order,
        "name": w.name,
        "nav_type": int(w.kind) if w.kind.isdigit() else (w.kind or None),
        "lat": w.lat,
        "lon": w.lon,
    }


def person(user: Any | None, user_id: str) -> dict[str, Any]:
    """The short user block of comments and PIREPs: `{id, pilot_id, ident, name}`."""
    if user is None:
        return {"id": user_id, "pilot_id": None, "ident": None, "name": None}
    return {"id": user.id, "pilot_id": user.pilot_id, "ident": user.pilot_id, "name": user.name}


def comment(view: CommentView, author: Any | None) -> dict[str, Any]:
    return {
        "id": view.id,
        "comment": view.text,
        "created_at": stamp(view.at),
        "user": person(author, view.author_id),
    }


def fares(texts: list[str]) -> list[dict[str, Any]]:
    out = []
    for raw in texts:
        try:
            items = parse_multi(raw)
        except CellError:
            continue
        for item in items:
            attrs = dict(item.attrs)

            def number(name: str, attrs: dict[str, str] = attrs) -> float | None:
                return fare_number(attrs, name)

            capacity = number("capacity")
            out.append(
                {
                    "id": item.key,
                    "code": item.key,
                    "name": attrs.get("name", item.key),
                    "capacity": None if capacity is None else int(capacity),
                    "count": None if capacity is None else int(capacity),
                    "price": number("price"),
                    "cost": number("cost"),
                    "type": 1 if attrs.get("type", "").lower() in ("1", "cargo") else 0,
                    "notes": attrs.get("notes"),
                    "active": True,
                }
            )
    return out


def aircraft(
    view: AircraftView,
    tenant_id: str,
    state: Any | None = None,
    subfleet: dict[str, Any] | None = None,
) -> dict[str, Any]:
    d = view.details
    in_flight = state is not None and state.state == "in_flight"
    minutes = state.minutes if state is not None else round(d.hours * 60)
    out: dict[str, Any] = {
        "id": view.id,
        "subfleet_id": d.subfleet_id,
        "airline_id": tenant_id,
        "icao": d.icao,
        "iata": d.iata,
        "airport_id": (state.location if state is not None else None) or d.location or d.home,
        "hub_id": d.home,
        "landing_time": None,
        "hex_code": d.hex_code,
        "selcal": None,
        "fin": d.fin,
        "name": d.name,
        "registration": d.registration,
        "ident": d.registration,
        "flight_time": minutes,
        "status": AIRCRAFT_STATUS_CODE.get(d.status, "A"),
        "state": 2 if in_flight else {"parked": 0, "in_use": 1, "in_flight": 2}.get(d.state, 0),
        "mtow": fuel(d.mtow),
        "zfw": fuel(d.zfw),
        "dow": fuel(None),
        "mlw": fuel(None),
        "fuel_onboard": fuel(
            state.fuel_on_board_lbs
            if state is not None and state.fuel_on_board_lbs is not None
            else d.fuel_on_board
        ),
    }
    if subfleet is not None:
        out["subfleet"] = subfleet
    return out


def subfleet(view: SubfleetView, tenant_id: str, craft: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    d = view.details
    out: dict[str, Any] = {
        "id": view.id,
        "airline_id": tenant_id,
        "hub_id": d.hub,
        "type": d.type,
        "simbrief_type": d.icao_type,
        "name": d.name,
        "fuel_type": FUEL_TYPE_CODE.get(d.fuel_type, 1),
        "cost_block_hour": d.cost_block_hour,
        "cost_delay_minute": d.cost_delay_minute,
        "ground_handling_multiplier": d.ground_handling_multiplier,
        "fares": fares(d.fares),
    }
    if craft is not None:
        out["aircraft"] = craft
    return out


def flight(
    view: FlightView,
    airline: AirlineInfo,
    subfleets: list[dict[str, Any]],
    has_bid: bool = False,
) -> dict[str, Any]:
    d = view.details
    ident = f"{d.airline}{d.flight_number}"
    if d.route_code:
        ident += f"/C.{d.route_code}"
    if d.route_leg:
        ident += f"/L.{d.route_leg}"
    return {
        "id": view.id,
        "airline_id": airline.id,
        "flight_number": d.flight_number,
        "callsign": d.callsign,
        "route_code": d.route_code,
        "route_leg": d.route_leg,
        "ident": ident,
        "dpt_airport_id": d.departure,
        "arr_airport_id": d.arrival,
        "alt_airport_id": d.alternate,
        "dpt_time": d.departure_time,
        "arr_time": d.arrival_time,
        "level": d.level,
        "distance": distance(d.distance_nm),
        "flight_time": d.block_minutes,
        "flight_type": d.flight_type,
        "load_factor": d.load_factor,
        "load_factor_variance": d.load_factor_variance,
        "pilot_pay": d.pilot_pay,
        "route": d.route,
        "notes": d.notes,
        "start_date": d.start_date.isoformat() if d.start_date else None,
        "end_date": d.end_date.isoformat() if d.end_date else None,
        "days": d.days,
        "active": d.active,
        "visible": d.visible,
        "has_bid": has_bid,
        "airline": airline.resource(),
        "subfleets": subfleets,
        "fields": dict(d.fields),
    }


def bid(view: BidView, flight_resource: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": view.id,
        "user_id": view.user_id,
        "flight_id": view.flight_id,
        "aircraft_id": view.aircraft_id,
        "created_at": stamp(view.placed_at),
        "updated_at": stamp(view.placed_at),
        "expires_at": stamp(view.expires_at),
        "flight": flight_resource,
    }


def pirep(
    view: PirepView,
    airline: AirlineInfo,
    aircraft_resource: dict[str, Any] | None,
    *,
    full: bool = False,
    comments: list[dict[str, Any]] | None = None,
    user: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The Pirep resource; `full` adds what the single-PIREP GET loads (position, comments, user)."""
    d = view.details
    ident = f"{d.airline}{d.flight_number}"
    if d.route_code:
        ident += f"/C.{d.route_code}"
    if d.route_leg:
        ident += f"/L.{d.route_leg}"
    out: dict[str, Any] = {
        "id": view.id,
        "user_id": view.pilot_id,
        "airline_id": view.tenant_id,
        "aircraft_id": d.aircraft_id,
        "flight_id": d.flight_id,
        "flight_number": d.flight_number,
        "route_code": d.route_code,
        "route_leg": d.route_leg,
        "flight_type": d.flight_type,
        "ident": ident,
        "dpt_airport_id": d.departure,
        "arr_airport_id": d.arrival,
        "alt_airport_id": d.alternate,
        "level": d.level,
        "distance": distance(d.distance_nm),
        "planned_distance": distance(d.planned_distance_nm),
        "block_time": d.flight_minutes,
        "flight_time": d.flight_minutes,
        "planned_flight_time": d.planned_minutes,
        "zfw": None,
        "block_fuel": fuel(d.block_fuel_lbs),
        "fuel_used": fuel(d.fuel_used_lbs),
        "landing_rate": d.landing_rate_fpm,
        "score": d.score,
        "route": d.route,
        "notes": d.notes,
        "source": SOURCE_CODE.get(view.source, 0),
        "source_name": d.source_name,
        "state": STATE_CODE.get(view.state, 0),
        "status": STATUS_CODE.get(view.phase, "INI"),
        "phase": STATUS_CODE.get(view.phase, "INI"),
        "status_text": status_text(view.phase),
        "submitted_at": stamp(view.submitted_at),
        "block_off_time": zulu(d.block_off_at),
        "block_on_time": zulu(d.block_on_at),
        "created_at": stamp(view.created_at),
        "updated_at": stamp(view.updated_at),
        "airline": airline.resource(),
        "aircraft": aircraft_resource,
        "dpt_airport": airport(d.departure),
        "arr_airport": airport(d.arrival),
        "fields": dict(view.fields) if view.fields else [],
    }
    if full:
        out["position"] = acars_row(view.id, view.last_position) if view.last_position else None
        out["comments"] = comments or []
        out["user"] = user
    return out
