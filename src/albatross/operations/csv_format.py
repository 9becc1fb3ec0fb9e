"""phpVMS 7 CSV files (airports, subfleets, aircraft, flights): parse them into typed rows,
reporting every problem by line and column, and write rows back in the same layout. Pure.

Checks here are syntactic (present, well-formed, in range, unique within the file); whether an
airport or subfleet exists is for the caller, which can report against `ParseResult.lines`.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, Literal, TypeVar, overload

import msgspec

Kind = Literal["airports", "subfleets", "aircraft", "flights"]
AircraftStatus = Literal["active", "maintenance", "stored", "retired", "written_off"]
FuelType = Literal["100ll", "jet_a", "mogas"]

MAX_BYTES = 5_000_000
MAX_ROWS = 20_000

FLIGHT_TYPES = {
    "J": "Scheduled passenger",
    "F": "Scheduled cargo",
    "C": "Charter passenger",
    "A": "Additional cargo",
    "E": "VIP",
    "G": "Additional passenger",
    "H": "Charter cargo",
    "I": "Ambulance",
    "K": "Training",
    "M": "Mail",
    "O": "Charter special",
    "P": "Positioning",
    "T": "Technical test",
    "W": "Military",
    "X": "Technical stop",
}

# phpVMS has no maintenance letter, so ours exports as M; scrapped (C) has no word of ours and
# reads as retired.
STATUS_LETTERS: dict[AircraftStatus, str] = {
    "active": "A",
    "maintenance": "M",
    "stored": "S",
    "retired": "R",
    "written_off": "W",
}
_STATUSES: dict[str, AircraftStatus] = {
    **{letter.lower(): word for word, letter in STATUS_LETTERS.items()},
    **{word: word for word in STATUS_LETTERS},
    "c": "retired",
    "scrapped": "retired",
    "written off": "written_off",
}
FUEL_CODES: dict[FuelType, str] = {"100ll": "0", "jet_a": "1", "mogas": "2"}
_FUELS: dict[str, FuelType] = {
    **{code: word for word, code in FUEL_CODES.items()},
    **{word: word for word in FUEL_CODES},
    "jeta": "jet_a",
    "jet a": "jet_a",
    "jet-a": "jet_a",
}

ALL_DAYS = 0b1111111
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"0", "false", "no", "n"}


# ---- values of the rows ----


class RowError(msgspec.Struct, frozen=True):
    """One problem: `line` is 1-based in the file (header = 1; 0 = the file as a whole)."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class MultiItem(msgspec.Struct, frozen=True):
    """One `;`-separated item: a bare `value`, `key=value`, or `CODE?k=v&k2=v2` (attributes)."""

    key: str
    value: str | None = None
    attrs: dict[str, str] = {}


class Fare(msgspec.Struct, frozen=True):
    """A fare class offered, with phpVMS overrides such as price, cost and capacity."""

    code: str
    attrs: dict[str, str] = {}


class AirportRow(msgspec.Struct, frozen=True, kw_only=True):
    icao: str
    iata: str | None = None
    name: str
    location: str | None = None
    country: str | None = None
    timezone: str | None = None
    hub: bool = False
    lat: float
    lon: float
    ground_handling_cost: float | None = None
    fuel_100ll_cost: float | None = None
    fuel_jet_a_cost: float | None = None
    fuel_mogas_cost: float | None = None


class SubfleetRow(msgspec.Struct, frozen=True, kw_only=True):
    airline: str | None = None
    hub: str | None = None
    type: str
    simbrief_type: str | None = None
    name: str
    fuel_type: FuelType | None = None
    cost_block_hour: float | None = None
    cost_delay_minute: float | None = None
    ground_handling_multiplier: float | None = None
    fares: tuple[Fare, ...] = ()


class AircraftRow(msgspec.Struct, frozen=True, kw_only=True):
    subfleet: str
    """The subfleet's type code."""
    iata: str | None = None
    icao: str | None = None
    home: str | None = None
    location: str | None = None
    name: str
    registration: str
    fin: str | None = None
    hex_code: str | None = None
    mtow: float | None = None
    zfw: float | None = None
    status: AircraftStatus = "active"


class FlightRow(msgspec.Struct, frozen=True, kw_only=True):
    airline: str
    flight_number: str
    route_code: str | None = None
    callsign: str | None = None
    route_leg: str | None = None
    dpt_airport: str
    arr_airport: str
    alt_airport: str | None = None
    days: int = 0
    """Bit 0 = Monday ... bit 6 = Sunday; 0: every day."""
    dpt_time: str | None = None
    """"HH:MM" when the file's text reads as a time, else that text."""
    arr_time: str | None = None
    level: int | None = None
    distance: float | None = None
    flight_time: int
    """Minutes."""
    flight_type: str = "J"
    load_factor: float | None = None
    load_factor_variance: float | None = None
    pilot_pay: float | None = None
    route: str = ""
    notes: str = ""
    start_date: date | None = None
    end_date: date | None = None
    active: bool = True
    subfleets: tuple[str, ...] = ()
    """Subfleet type codes."""
    fares: tuple[Fare, ...] = ()
    fields: dict[str, str] = {}


Row = AirportRow | SubfleetRow | AircraftRow | FlightRow
RowT = TypeVar("RowT", AirportRow, SubfleetRow, AircraftRow, FlightRow)


class ParseResult(msgspec.Struct, Generic[RowT], frozen=True, kw_only=True):
    """The good rows (with the file line of each) and every problem found.

    A row with any problem yields no row; a file-level problem (size, header, unreadable)
    yields no rows at all."""

    kind: Kind
    rows: list[RowT]
    lines: list[int]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


# ---- cell encodings, usable on their own ----


class CellError(ValueError):
    """A cell's text does not read as its column's type; the message says what it should be."""


def parse_multi(text: str) -> list[MultiItem]:
    """`Y?price=200&cost=100;F` or `gate=B32;cost index=100` -> items; empty items are skipped.

    An item is `CODE?attributes` if its first `?` comes before any `=`, else `key=value` (the
    value may hold `?`, `=` and `&`), else a bare value."""
    items: list[MultiItem] = []
    for raw in text.split(";"):
        part = raw.strip()
        if not part:
            continue
        question, equals = part.find("?"), part.find("=")
        if question != -1 and (equals == -1 or question < equals):
            key, _, query = part.partition("?")
            key = key.strip()
            if not key:
                raise CellError(f"{part!r} should read CODE?name=value&name=value")
            attrs: dict[str, str] = {}
            for pair in query.split("&"):
                if not pair.strip():
                    continue
                name, has_value, value = pair.partition("=")
                if not has_value or not name.strip():
                    raise CellError(f"{part!r} should read CODE?name=value&name=value")
                if name.strip() in attrs:
                    raise CellError(f"{part!r} gives {name.strip()!r} twice")
                attrs[name.strip()] = value.strip()
            items.append(MultiItem(key, attrs=attrs))
        elif equals != -1:
            key, _, value = part.partition("=")
            if not key.strip():
                raise CellError(f"{part!r} has no name before '='")
            items.append(MultiItem(key.strip(), value.strip()))
        else:
            items.append(MultiItem(part))
    return items


def fare_terms(texts: Iterable[str]) -> dict[str, dict[str, str]]:
    """Stored fare texts (`Y?price=200&capacity=150`) -> terms per fare code; unreadable ones
    are left out (a fare is an offer, not something to fail a flight over)."""
    terms: dict[str, dict[str, str]] = {}
    for text in texts:
        try:
            for item in parse_multi(text):
                terms[item.key] = dict(item.attrs)
        except CellError:
            continue
    return terms


def fare_number(attrs: Mapping[str, str], name: str) -> float | None:
    """A fare's price, cost or capacity: a finite number from 0 to 1e9, else None."""
    try:
        value = float(attrs[name])
    except (KeyError, ValueError):
        return None
    return value if math.isfinite(value) and 0 <= value <= 1e9 else None


def format_multi(items: Iterable[MultiItem]) -> str:
    """The inverse of `parse_multi`; raises ValueError for text the format cannot carry."""
    parts = []
    for item in items:
        _check_multi_text(item.key, ";?&=")
        if item.attrs:
            for name, value in item.attrs.items():
                _check_multi_text(name, ";?&=")
                _check_multi_text(value, ";&", allow_empty=True)
            parts.append(f"{item.key}?" + "&".join(f"{name}={value}" for name, value in item.attrs.items()))
        elif item.value is not None:
            _check_multi_text(item.value, ";", allow_empty=True)
            parts.append(f"{item.key}={item.value}")
        else:
            parts.append(item.key)
    return ";".join(parts)


def _check_multi_text(text: str, reserved: str, allow_empty: bool = False) -> None:
    if (not text and not allow_empty) or text != text.strip() or any(char in text for char in reserved):
        raise ValueError(
            f"{text!r} cannot be written in a phpVMS multi-value column (empty, padded or has one of {reserved})"
        )


def parse_days(text: str) -> int:
    """ISO weekday digits ("135" = Monday, Wednesday, Friday) -> mask, bit 0 = Monday; "" -> 0."""
    mask = 0
    for char in text.strip():
        if char not in "1234567":
            raise CellError(f"should be weekday digits 1-7 (1 = Monday), e.g. 135, not {_shown(text)}")
        mask |= 1 << (int(char) - 1)
    return mask


def format_days(mask: int) -> str:
    if not 0 <= mask <= ALL_DAYS:
        raise ValueError(f"days mask {mask} is outside 0..127")
    return "".join(str(day + 1) for day in range(7) if mask & (1 << day))


def parse_bool(text: str, default: bool) -> bool:
    word = text.strip().lower()
    if not word:
        return default
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise CellError(f"should be 1/0, true/false, yes/no or y/n, not {_shown(text)}")


_TIME = re.compile(r"^(\d{1,2}):?(\d{2})(?::\d{2})?\s*(?:([ap])\.?m\.?)?$", re.IGNORECASE)


def normalise_time(text: str) -> str:
    """ "0830", "8:30", "08:30:00" or "8:30 pm" -> "HH:MM"; anything else is returned as it is."""
    text = text.strip()
    match = _TIME.match(text)
    if not match:
        return text
    hour, minute, half = int(match[1]), int(match[2]), (match[3] or "").lower()
    if half:
        if not 1 <= hour <= 12:
            return text
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        return text
    return f"{hour:02d}:{minute:02d}"


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")


# ---- readers and writers of one column ----

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")


def _text(max_length: int) -> Callable[[str], str]:
    def read(cell: str) -> str:
        if len(cell) > max_length:
            raise CellError(f"should be at most {max_length} characters, not {len(cell)}")
        return cell

    return read


def _code(pattern: str, what: str, upper: bool = True) -> Callable[[str], str]:
    compiled = re.compile(pattern)

    def read(cell: str) -> str:
        value = cell.upper() if upper else cell
        if not compiled.match(value):
            raise CellError(f"should be {what}, not {_shown(cell)}")
        return value

    return read


def _number(low: float, high: float) -> Callable[[str], float]:
    def read(cell: str) -> float:
        if not _NUMBER.match(cell):
            raise CellError(f"should be a number, not {_shown(cell)}")
        value = float(cell)
        if not (math.isfinite(value) and low <= value <= high):
            raise CellError(f"should be between {_plain(low)} and {_plain(high)}, not {_shown(cell)}")
        return value

    return read


def _integer(low: int, high: int, what: str = "a whole number") -> Callable[[str], int]:
    def read(cell: str) -> int:
        if not _INTEGER.match(cell):
            raise CellError(f"should be {what}, not {_shown(cell)}")
        value = int(cell)
        if not low <= value <= high:
            raise CellError(f"should be between {low} and {high}, not {_shown(cell)}")
        return value

    return read


def _read_date(cell: str) -> date:
    match = _DATE.match(cell)
    try:
        if match:
            return date.fromisoformat(match[1])
    except ValueError:
        pass
    raise CellError(f"should be a date YYYY-MM-DD, not {_shown(cell)}")


def _read_time(cell: str) -> str:
    value = normalise_time(cell)
    if len(value) > 16:
        raise CellError(f"should be a time such as 08:30, not {_shown(cell)}")
    return value


def _choice(mapping: Mapping[str, Any], what: str) -> Callable[[str], Any]:
    def read(cell: str) -> Any:
        try:
            return mapping[cell.lower()]
        except KeyError:
            raise CellError(f"should be {what}, not {_shown(cell)}") from None

    return read


def _read_flight_type(cell: str) -> str:
    code = cell.upper()
    if code not in FLIGHT_TYPES:
        raise CellError(f"should be a phpVMS flight type ({', '.join(FLIGHT_TYPES)}), not {_shown(cell)}")
    return code


_FARE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,50}$")
_SUBFLEET_TYPE = r"^[A-Za-z0-9_-]{1,50}$"


def _read_fares(cell: str) -> tuple[Fare, ...]:
    fares: list[Fare] = []
    for item in parse_multi(cell):
        if item.value is not None or not _FARE_CODE.match(item.key):
            raise CellError(f"should list fare codes such as Y;F or Y?price=200&cost=100, not {_shown(cell)}")
        if any(fare.code == item.key for fare in fares):
            raise CellError(f"lists fare {item.key!r} twice")
        fares.append(Fare(item.key, item.attrs))
    if len(fares) > 20:
        raise CellError(f"should list at most 20 fares, not {len(fares)}")
    return tuple(fares)


def _read_subfleets(cell: str) -> tuple[str, ...]:
    codes: list[str] = []
    for item in parse_multi(cell):
        if item.value is not None or item.attrs or not re.match(_SUBFLEET_TYPE, item.key):
            raise CellError(f"should list subfleet type codes such as A320;B738, not {_shown(cell)}")
        if item.key in codes:
            raise CellError(f"lists subfleet {item.key!r} twice")
        codes.append(item.key)
    if len(codes) > 50:
        raise CellError(f"should list at most 50 subfleets, not {len(codes)}")
    return tuple(codes)


def _read_fields(cell: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in parse_multi(cell):
        if item.value is None:
            raise CellError(
                f"should list name=value pairs such as gate=B32;cost index=100, not {_shown(cell)}"
            )
        if item.key in fields:
            raise CellError(f"gives field {item.key!r} twice")
        if len(item.key) > 100 or len(item.value) > 1000:
            raise CellError(
                f"field {item.key[:40]!r} is too long (name up to 100, value up to 1000 characters)"
            )
        fields[item.key] = item.value
    return fields


def _plain(value: float) -> str:
    # The shortest text that reads back as the same float: 120 not 120.0, 0.1 not 0.10000...
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _write_text(value: Any) -> str:
    return "" if value is None else str(value)


def _write_number(value: float | None) -> str:
    return "" if value is None else _plain(value)


def _write_bool(value: bool) -> str:
    return "1" if value else "0"


def _write_date(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def _write_fares(fares: Iterable[Fare]) -> str:
    return format_multi(MultiItem(fare.code, attrs=fare.attrs) for fare in fares)


def _write_subfleets(codes: Iterable[str]) -> str:
    return format_multi(MultiItem(code) for code in codes)


def _write_fields(fields: Mapping[str, str]) -> str:
    return format_multi(MultiItem(name, value) for name, value in fields.items())


@dataclass(frozen=True)
class _Column:
    name: str
    """As in the phpVMS file."""
    field: str
    """On the row Struct."""
    read: Callable[[str], Any]
    """Reads a non-empty, stripped cell; an empty cell takes the Struct's default."""
    write: Callable[[Any], str] = _write_text
    required: bool = False


_ICAO = _code(r"^[A-Z0-9]{3,4}$", "an ICAO airport code of 3-4 letters or digits")
_AIRLINE = _code(r"^[A-Z0-9]{2,3}$", "an airline code of 2-3 letters or digits")
_MONEY = _number(0, 1e9)


@dataclass(frozen=True)
class _Layout:
    kind: Kind
    row_type: type[Any]
    columns: tuple[_Column, ...]
    key: Callable[[Any], tuple[Any, ...]]
    """What must be unique within one file."""
    key_column: str
    key_label: str
    check: Callable[[dict[str, Any]], list[tuple[str, str]]] = lambda values: []
    """Rules across cells of one row: (column, message) pairs."""


def _check_flight(values: dict[str, Any]) -> list[tuple[str, str]]:
    problems = []
    if values["dpt_airport"] == values["arr_airport"]:
        problems.append(("arr_airport", "should differ from dpt_airport"))
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        problems.append(("end_date", f"is before start_date {start.isoformat()}"))
    return problems


def _check_aircraft(values: dict[str, Any]) -> list[tuple[str, str]]:
    mtow, zfw = values.get("mtow"), values.get("zfw")
    if mtow is not None and zfw is not None and zfw > mtow:
        return [("zfw", "should not exceed mtow")]
    return []


_LAYOUTS: dict[Kind, _Layout] = {
    "airports": _Layout(
        "airports",
        AirportRow,
        (
            _Column("icao", "icao", _ICAO, required=True),
            _Column("iata", "iata", _code(r"^[A-Z0-9]{3}$", "an IATA airport code of 3 letters or digits")),
            _Column("name", "name", _text(120), required=True),
            _Column("location", "location", _text(120)),
            _Column("country", "country", _text(60)),
            _Column("timezone", "timezone", _text(64)),
            _Column("hub", "hub", lambda cell: parse_bool(cell, False), _write_bool),
            _Column("lat", "lat", _number(-90, 90), _write_number, required=True),
            _Column("lon", "lon", _number(-180, 180), _write_number, required=True),
            _Column("ground_handling_cost", "ground_handling_cost", _MONEY, _write_number),
            _Column("fuel_100ll_cost", "fuel_100ll_cost", _MONEY, _write_number),
            _Column("fuel_jeta_cost", "fuel_jet_a_cost", _MONEY, _write_number),
            _Column("fuel_mogas_cost", "fuel_mogas_cost", _MONEY, _write_number),
        ),
        key=lambda row: (row.icao,),
        key_column="icao",
        key_label="the same icao",
    ),
    "subfleets": _Layout(
        "subfleets",
        SubfleetRow,
        (
            _Column("airline", "airline", _AIRLINE),
            _Column("hub_id", "hub", _ICAO),
            _Column(
                "type",
                "type",
                _code(_SUBFLEET_TYPE, "a type code of up to 50 letters, digits, - or _", upper=False),
                required=True,
            ),
            _Column("simbrief_type", "simbrief_type", _text(50)),
            _Column("name", "name", _text(100), required=True),
            _Column(
                "fuel_type",
                "fuel_type",
                _choice(_FUELS, "0 (100LL), 1 (Jet A) or 2 (MOGAS)"),
                lambda value: "" if value is None else FUEL_CODES[value],
            ),
            _Column("cost_block_hour", "cost_block_hour", _MONEY, _write_number),
            _Column("cost_delay_minute", "cost_delay_minute", _MONEY, _write_number),
            _Column(
                "ground_handling_multiplier", "ground_handling_multiplier", _number(0, 1000), _write_number
            ),
            _Column("fares", "fares", _read_fares, _write_fares),
        ),
        key=lambda row: (row.type,),
        key_column="type",
        key_label="the same type",
    ),
    "aircraft": _Layout(
        "aircraft",
        AircraftRow,
        (
            _Column(
                "subfleet",
                "subfleet",
                _code(_SUBFLEET_TYPE, "a subfleet type code", upper=False),
                required=True,
            ),
            _Column(
                "iata",
                "iata",
                _code(r"^[A-Z0-9]{1,5}$", "an IATA aircraft type of up to 5 letters or digits"),
            ),
            _Column(
                "icao",
                "icao",
                _code(r"^[A-Z0-9]{1,5}$", "an ICAO aircraft type of up to 5 letters or digits"),
            ),
            _Column("hub_id", "home", _ICAO),
            _Column("airport_id", "location", _ICAO),
            _Column("name", "name", _text(100), required=True),
            _Column(
                "registration",
                "registration",
                _code(r"^[A-Z0-9-]{1,10}$", "a registration of up to 10 letters, digits or -"),
                required=True,
            ),
            _Column("fin", "fin", _text(10)),
            _Column(
                "hex_code", "hex_code", _code(r"^[0-9A-F]{1,6}$", "a transponder code of up to 6 hex digits")
            ),
            _Column("mtow", "mtow", _number(0, 1e7), _write_number),
            _Column("zfw", "zfw", _number(0, 1e7), _write_number),
            _Column(
                "status",
                "status",
                _choice(_STATUSES, "A, S, R, C, W or active, maintenance, stored, retired, written_off"),
                lambda value: STATUS_LETTERS[value],
            ),
        ),
        key=lambda row: (row.registration,),
        key_column="registration",
        key_label="the same registration",
        check=_check_aircraft,
    ),
    "flights": _Layout(
        "flights",
        FlightRow,
        (
            _Column("airline", "airline", _AIRLINE, required=True),
            _Column(
                "flight_number",
                "flight_number",
                _code(r"^[A-Z0-9]{1,10}$", "up to 10 letters or digits"),
                required=True,
            ),
            _Column("route_code", "route_code", _code(r"^[A-Z0-9]{1,5}$", "up to 5 letters or digits")),
            _Column("callsign", "callsign", _text(10)),
            _Column("route_leg", "route_leg", _code(r"^[A-Z0-9]{1,5}$", "up to 5 letters or digits")),
            _Column("dpt_airport", "dpt_airport", _ICAO, required=True),
            _Column("arr_airport", "arr_airport", _ICAO, required=True),
            _Column("alt_airport", "alt_airport", _ICAO),
            _Column("days", "days", parse_days, format_days),
            _Column("dpt_time", "dpt_time", _read_time),
            _Column("arr_time", "arr_time", _read_time),
            _Column("level", "level", _integer(0, 60000)),
            _Column("distance", "distance", _number(0, 13000), _write_number),
            _Column(
                "flight_time", "flight_time", _integer(1, 2000, "a whole number of minutes"), required=True
            ),
            _Column("flight_type", "flight_type", _read_flight_type),
            _Column("load_factor", "load_factor", _number(0, 100), _write_number),
            _Column("load_factor_variance", "load_factor_variance", _number(0, 100), _write_number),
            _Column("pilot_pay", "pilot_pay", _MONEY, _write_number),
            _Column("route", "route", _text(2000)),
            _Column("notes", "notes", _text(2000)),
            _Column("start_date", "start_date", _read_date, _write_date),
            _Column("end_date", "end_date", _read_date, _write_date),
            _Column("active", "active", lambda cell: parse_bool(cell, True), _write_bool),
            _Column("subfleets", "subfleets", _read_subfleets, _write_subfleets),
            _Column("fares", "fares", _read_fares, _write_fares),
            _Column("fields", "fields", _read_fields, _write_fields),
        ),
        key=lambda row: (row.airline, row.flight_number, row.route_code, row.route_leg),
        key_column="flight_number",
        key_label="the same airline, flight_number, route_code and route_leg",
        check=_check_flight,
    ),
}

COLUMNS: dict[Kind, tuple[str, ...]] = {
    kind: tuple(column.name for column in layout.columns) for kind, layout in _LAYOUTS.items()
}
"""Each kind's columns in the order phpVMS exports them (and `write` writes them)."""
REQUIRED_COLUMNS: dict[Kind, tuple[str, ...]] = {
    kind: tuple(column.name for column in layout.columns if column.required)
    for kind, layout in _LAYOUTS.items()
}


def _layout(kind: str) -> _Layout:
    try:
        return _LAYOUTS[kind]  # type: ignore[index]
    except KeyError:
        raise ValueError(f"unknown CSV kind {kind!r}: one of {', '.join(_LAYOUTS)}") from None


# ---- whole files ----


@overload
def parse(kind: Literal["airports"], text: str) -> ParseResult[AirportRow]: ...
@overload
def parse(kind: Literal["subfleets"], text: str) -> ParseResult[SubfleetRow]: ...
@overload
def parse(kind: Literal["aircraft"], text: str) -> ParseResult[AircraftRow]: ...
@overload
def parse(kind: Literal["flights"], text: str) -> ParseResult[FlightRow]: ...
def parse(kind: Kind, text: str) -> ParseResult[Any]:
    """Read a phpVMS CSV file of this kind: a header row naming the columns (any order, the
    optional ones may be left out), then one record per row."""
    layout = _layout(kind)

    def fail(*errors: RowError) -> ParseResult[Any]:
        return ParseResult(kind=kind, rows=[], lines=[], errors=list(errors))

    if len(text) > MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return fail(RowError(0, None, f"the file is larger than {MAX_BYTES // 1_000_000} MB; split it"))
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    records: list[tuple[int, list[str]]] = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            return fail(RowError(line, None, f"unreadable CSV: {error}"))
        if any(cell.strip() for cell in cells):  # blank lines and rows of bare commas are skipped
            records.append((line, cells))
            if len(records) > MAX_ROWS + 1:
                return fail(RowError(0, None, f"the file has more than {MAX_ROWS} rows; split it"))
    if not records:
        return fail(
            RowError(1, None, f"the file is empty: it needs a header row ({', '.join(COLUMNS[kind])})")
        )

    header_line, header = records[0]
    names = [name.strip().lower() for name in header]
    problems = _header_problems(layout, header_line, names)
    if problems:
        return fail(*problems)
    by_name = {column.name: column for column in layout.columns}
    columns = [(position, by_name[name]) for position, name in enumerate(names)]

    rows: list[Any] = []
    lines: list[int] = []
    errors: list[RowError] = []
    first_line_of: dict[tuple[Any, ...], int] = {}
    for line, cells in records[1:]:
        if len(cells) < len(names) or any(cell.strip() for cell in cells[len(names) :]):
            errors.append(RowError(line, None, f"has {len(cells)} cells; the header has {len(names)}"))
            continue
        values: dict[str, Any] = {}
        row_errors: list[RowError] = []
        for position, column in columns:
            cell = cells[position].strip()
            if not cell:
                if column.required:
                    row_errors.append(RowError(line, column.name, "is required"))
                continue
            try:
                values[column.field] = column.read(cell)
            except CellError as error:
                row_errors.append(RowError(line, column.name, str(error)))
        if not row_errors:
            row_errors = [RowError(line, name, message) for name, message in layout.check(values)]
        if row_errors:
            errors.extend(row_errors)
            continue
        row = layout.row_type(**values)
        key = layout.key(row)
        if key in first_line_of:
            errors.append(
                RowError(line, layout.key_column, f"has {layout.key_label} as line {first_line_of[key]}")
            )
            continue
        first_line_of[key] = line
        rows.append(row)
        lines.append(line)
    return ParseResult(kind=kind, rows=rows, lines=lines, errors=errors)


def _header_problems(layout: _Layout, line: int, names: list[str]) -> list[RowError]:
    known = {column.name for column in layout.columns}
    problems: list[RowError] = []
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            problems.append(RowError(line, None, f"column {position} has no name"))
        elif name not in known:
            problems.append(
                RowError(
                    line,
                    name,
                    f"is not a column of a phpVMS {layout.kind} file ({', '.join(COLUMNS[layout.kind])})",
                )
            )
        elif name in seen:
            problems.append(RowError(line, name, "appears more than once in the header"))
        seen.add(name)
    for column in layout.columns:
        if column.required and column.name not in seen:
            problems.append(
                RowError(line, column.name, "is a required column and is missing from the header")
            )
    return problems


@overload
def write(kind: Literal["airports"], rows: Iterable[AirportRow]) -> str: ...
@overload
def write(kind: Literal["subfleets"], rows: Iterable[SubfleetRow]) -> str: ...
@overload
def write(kind: Literal["aircraft"], rows: Iterable[AircraftRow]) -> str: ...
@overload
def write(kind: Literal["flights"], rows: Iterable[FlightRow]) -> str: ...
def write(kind: Kind, rows: Iterable[Any]) -> str:
    """A phpVMS CSV file of these rows: the full header in phpVMS's column order, then one line
    per row. Raises ValueError for a value the format cannot carry (e.g. ';' in a fare code)."""
    layout = _layout(kind)
    out = io.StringIO()
    # CRLF line ends (RFC 4180); with "\n" alone, the writer would leave a lone "\r" unquoted.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS[kind])
    for row in rows:
        if not isinstance(row, layout.row_type):
            raise TypeError(f"a {kind} file holds {layout.row_type.__name__}, not {type(row).__name__}")
        writer.writerow([column.write(getattr(row, column.field)) for column in layout.columns])
    return out.getvalue()
