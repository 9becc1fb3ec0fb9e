"""Parse a SimBrief OFP (the XML of `xml.fetcher.php`, downloaded or pasted) into a `SimbriefPlan`."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from typing import NoReturn

import msgspec

from albatross.kernel import InvalidInput

MAX_OFP_BYTES = 5 * 1024 * 1024
LBS_PER_KG = 2.20462

_AIRPORT = re.compile(r"[A-Z0-9]{3,4}")
_TYPE_OR_AIRLINE = re.compile(r"[A-Z0-9]{2,4}")
# float() also takes "nan", "inf", "1e999" and "1_0"; an OFP only ever holds plain decimals.
_DECIMAL = re.compile(r"\d+(?:\.\d+)?", re.ASCII)
_DECLARATION = re.compile(r"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class SimbriefPlan(msgspec.Struct, frozen=True, kw_only=True):
    origin: str
    destination: str
    alternate: str | None
    route: str
    planned_distance_nm: float
    """`general/route_distance`: the ground distance along the filed route, not the wind-adjusted air distance."""
    cruise_level: int
    """Initial cruise altitude in feet (36000 for FL360)."""
    planned_fuel_lbs: float
    """Block (ramp) fuel, converted from kilograms when the OFP is in kilograms."""
    planned_flight_minutes: int
    callsign: str | None
    airline_icao: str | None
    flight_number: str | None
    aircraft_icao: str
    registration: str | None
    ofp_id: str | None
    units: str
    """The OFP's weight unit as found: "lbs" or "kgs"."""


def parse_ofp(text: str | bytes) -> SimbriefPlan:
    """Read an OFP; anything that is not a usable one raises `InvalidInput` with `fields={"ofp": reason}`."""
    root = _parse_xml(_screen(text))
    if root.tag != "OFP":
        _fail("This is XML but not a SimBrief OFP.", "not a SimBrief OFP")
    status = _text(root, "fetch/status")
    if status is not None and status.lower() != "success":
        # SimBrief answers a failed fetch with an OFP holding only the reason: pass it on.
        _fail(f"SimBrief did not return a flight plan: {status[:200]}", "SimBrief returned an error")
    origin = _text(root, "origin/icao_code")
    destination = _text(root, "destination/icao_code")
    if origin is None or destination is None:
        _fail("This XML has no origin or destination: it is not a SimBrief OFP.", "not a SimBrief OFP")

    units = _required(root, "params/units").lower()
    if units not in ("lbs", "kgs"):
        _fail(f"params/units is {units[:20]!r}, expected lbs or kgs.", "unknown weight unit")
    ramp_fuel = _number(root, "fuel/plan_ramp", 2_000_000)
    alternate = _text(root, "alternate/icao_code")
    airline = _text(root, "general/icao_airline")
    return SimbriefPlan(
        origin=_code(origin, "origin/icao_code", _AIRPORT),
        destination=_code(destination, "destination/icao_code", _AIRPORT),
        alternate=None if alternate is None else _code(alternate, "alternate/icao_code", _AIRPORT),
        route=_required(root, "general/route"),
        planned_distance_nm=_number(root, "general/route_distance", 13_000),
        cruise_level=round(_number(root, "general/initial_altitude", 60_000)),
        planned_fuel_lbs=ramp_fuel * LBS_PER_KG if units == "kgs" else ramp_fuel,
        planned_flight_minutes=round(_number(root, "times/est_time_enroute", 120_000) / 60),
        callsign=_upper(_text(root, "atc/callsign")),
        airline_icao=None if airline is None else _code(airline, "general/icao_airline", _TYPE_OR_AIRLINE),
        flight_number=_upper(_text(root, "general/flight_number")),
        aircraft_icao=_code(_required(root, "aircraft/icaocode"), "aircraft/icaocode", _TYPE_OR_AIRLINE),
        registration=_upper(_text(root, "aircraft/reg")),
        ofp_id=_text(root, "params/request_id"),
        units=units,
    )


def _screen(text: str | bytes) -> str:
    # Measured before encoding so a huge pasted string is refused without copying it.
    if len(text) > MAX_OFP_BYTES:
        _too_large()
    if isinstance(text, str):
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            _fail("The OFP is not valid text.", "not UTF-8 text")
    else:
        data = bytes(text)
    if len(data) > MAX_OFP_BYTES:
        _too_large()
    data = data.strip()
    data = data.removeprefix(b"\xef\xbb\xbf").strip()
    if not data:
        _fail("The OFP is empty.", "empty")
    try:
        # Decoded here rather than by expat so a declared encoding (UTF-16, EBCDIC...) cannot hide a DOCTYPE.
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        _fail("The OFP is not UTF-8 text.", "not UTF-8 text")
    _refuse_declarations(decoded)
    return decoded


def _refuse_declarations(text: str) -> None:
    # An OFP never needs a DTD; refusing DOCTYPE/ENTITY up front keeps entity-expansion bombs from the parser.
    if _DECLARATION.search(text):
        _fail("The OFP may not contain a DOCTYPE or ENTITY declaration.", "DOCTYPE or ENTITY not allowed")


def _parse_xml(text: str) -> ET.Element:
    try:
        return ET.fromstring(text)  # noqa: S314 - declarations were refused by _refuse_declarations
    except ET.ParseError as error:
        _fail(f"The OFP is not valid XML ({error}).", "not XML")


def _text(root: ET.Element, path: str) -> str | None:
    element = root.find(path)
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _required(root: ET.Element, path: str) -> str:
    value = _text(root, path)
    if value is None:
        _fail(f"The OFP has no {path}.", f"{path} missing")
    return value


def _number(root: ET.Element, path: str, most: float) -> float:
    """A plain decimal from 0 to `most` (no real flight plan holds more; larger numbers would
    not fit what a PIREP stores)."""
    value = _required(root, path)
    if not _DECIMAL.fullmatch(value):
        _fail(f"{path} is {value[:20]!r}, not a number.", f"{path} is not a number")
    number = float(value)
    if not math.isfinite(number) or not 0 <= number <= most:
        _fail(f"{path} is out of range (0 to {most:,.0f}).", f"{path} is out of range")
    return number


def _code(value: str, path: str, pattern: re.Pattern[str]) -> str:
    code = value.upper()
    if not pattern.fullmatch(code):
        _fail(f"{path} is {value[:20]!r}, not an ICAO code.", f"{path} is not an ICAO code")
    return code


def _upper(value: str | None) -> str | None:
    return None if value is None else value.upper()


def _too_large() -> NoReturn:
    _fail(f"The OFP is larger than {MAX_OFP_BYTES // (1024 * 1024)} MB.", "larger than 5 MB")


def _fail(detail: str, reason: str) -> NoReturn:
    raise InvalidInput(detail, fields={"ofp": reason})
