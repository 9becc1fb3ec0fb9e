"""Reference airports (ICAO/IATA codes, names, positions, time zones) from the `airportsdata`
package, and great-circle distances. Read-only, loaded once per process on first use.

The data is a CSV shipped inside `airportsdata`; a PyInstaller binary must bundle it, so the
spec needs `collect_data_files("airportsdata")` in its `datas`.
"""

from __future__ import annotations

import bisect
import math
import threading
import unicodedata
from collections.abc import Iterator

import msgspec

EARTH_RADIUS_NM = 3440.065


class Airport(msgspec.Struct, frozen=True, kw_only=True):
    icao: str
    iata: str | None
    name: str
    city: str
    country: str
    """ISO 3166-1 alpha-2 code (plus XK for Kosovo)."""
    lat: float
    lon: float
    elevation_ft: int | None
    tz: str
    """IANA time zone name; empty for Antarctica."""


def fold(text: str) -> str:
    """Lower-case and strip accents, so that "Zurich" finds "Zürich" and "sao" finds "São"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class AirportIndex:
    """Airports by ICAO and IATA code, with a ranked text search."""

    def __init__(self, airports: list[Airport]) -> None:
        self._airports = sorted(airports, key=lambda airport: airport.icao)
        self._by_icao = {airport.icao: airport for airport in self._airports}
        self._by_iata = {airport.iata: airport for airport in self._airports if airport.iata}
        self._icaos = list(self._by_icao)
        self._iatas = sorted(self._by_iata)
        self._haystacks = [fold(f"{airport.name}\n{airport.city}") for airport in self._airports]

    def __len__(self) -> int:
        return len(self._airports)

    def __iter__(self) -> Iterator[Airport]:
        return iter(self._airports)

    def get(self, icao: str) -> Airport | None:
        """The airport with this ICAO code (case and surrounding spaces ignored)."""
        return self._by_icao.get(icao.strip().upper())

    def resolve(self, code: str) -> Airport | None:
        """The airport with this ICAO code or, failing that, this IATA code."""
        code = code.strip().upper()
        return self._by_icao.get(code) or self._by_iata.get(code)

    def search(self, text: str, limit: int = 20, offset: int = 0) -> tuple[list[Airport], int]:
        """A page of the airports matching `text`, and how many match in all.

        Ranked: exact ICAO or IATA code, then code prefix, then name or city containing every
        word of the text (case- and accent-insensitive). Within a rank, airports with an IATA
        code (the ones airlines fly to) come first, then by ICAO. Blank text matches nothing.
        """
        code = text.strip().upper()
        words = fold(text).split()
        if not words:
            return [], 0
        rank: dict[str, int] = {}  # ICAO -> best rank; dicts keep first-insertion order
        for airport in (self._by_icao.get(code), self._by_iata.get(code)):
            if airport:
                rank.setdefault(airport.icao, 0)
        for icao in _prefixed(self._icaos, code):
            rank.setdefault(icao, 1)
        for iata in _prefixed(self._iatas, code):
            rank.setdefault(self._by_iata[iata].icao, 1)
        first, *others = words
        for i, haystack in enumerate(self._haystacks):
            if first in haystack and all(word in haystack for word in others):
                rank.setdefault(self._airports[i].icao, 2)
        found = [self._by_icao[icao] for icao in rank]
        found.sort(key=lambda airport: (rank[airport.icao], airport.iata is None, airport.icao))
        start = max(0, offset)
        return found[start : start + max(0, limit)], len(found)


def _prefixed(sorted_codes: list[str], prefix: str) -> list[str]:
    start = bisect.bisect_left(sorted_codes, prefix)
    end = start
    while end < len(sorted_codes) and sorted_codes[end].startswith(prefix):
        end += 1
    return sorted_codes[start:end]


def _from_airportsdata() -> list[Airport]:
    import airportsdata  # imported here: loading its 28k rows is deferred to first use

    return [
        Airport(
            icao=row["icao"],
            iata=row["iata"] or None,
            name=row["name"],
            city=row["city"],
            country=row["country"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            elevation_ft=round(row["elevation"]) if row["elevation"] != "" else None,
            tz=row["tz"],
        )
        for row in airportsdata.load("ICAO").values()
    ]


_index: AirportIndex | None = None
_index_lock = threading.Lock()


def airports() -> AirportIndex:
    """The process-wide index, built on first call (about 0.2 s: call it off the event loop
    once at start-up to keep that out of a request)."""
    global _index
    if _index is None:
        with _index_lock:
            if _index is None:
                _index = AirportIndex(_from_airportsdata())
    return _index


def get(icao: str) -> Airport | None:
    return airports().get(icao)


def resolve(code: str) -> Airport | None:
    return airports().resolve(code)


def search(text: str, limit: int = 20, offset: int = 0) -> tuple[list[Airport], int]:
    return airports().search(text, limit, offset)


def distance_nm(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Great-circle distance in nautical miles (haversine on a sphere of the Earth's mean radius)."""
    phi_a, phi_b = math.radians(a_lat), math.radians(b_lat)
    d_phi = phi_b - phi_a
    d_lambda = math.radians(b_lon - a_lon)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_NM * math.asin(min(1.0, math.sqrt(h)))


def distance_between(a: Airport, b: Airport) -> float:
    return distance_nm(a.lat, a.lon, b.lat, b.lon)
