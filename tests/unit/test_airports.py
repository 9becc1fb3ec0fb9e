"""Reference airports: look-up by code, ranked search, great-circle distances."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from albatross.operations import airports
from albatross.operations.airports import Airport, AirportIndex, distance_between, distance_nm


def test_an_airport_is_found_by_icao_whatever_the_case_and_spaces() -> None:
    jfk = airports.get("  kjfk ")
    assert jfk == Airport(
        icao="KJFK",
        iata="JFK",
        name="John F Kennedy International Airport",
        city="New York",
        country="US",
        lat=pytest.approx(40.64, abs=0.01),
        lon=pytest.approx(-73.78, abs=0.01),
        elevation_ft=13,
        tz="America/New_York",
    )


def test_an_airport_without_an_iata_code_has_none_not_an_empty_string() -> None:
    no_iata = next(airport for airport in airports.airports() if not airport.iata)
    assert no_iata.iata is None


def test_get_takes_only_icao_codes_and_resolve_takes_iata_too() -> None:
    assert airports.get("LHR") is None
    heathrow = airports.resolve("lhr")
    assert heathrow is not None and heathrow.icao == "EGLL"
    assert airports.resolve("EGLL") == heathrow
    assert airports.resolve("ZZZZ") is None


def test_resolve_prefers_an_icao_code_over_the_same_iata_code() -> None:
    index = AirportIndex([_airport("XAB", iata="ABC"), _airport("ABC", iata="XYZ")])
    resolved = index.resolve("abc")
    assert resolved is not None and resolved.icao == "ABC"


def test_the_index_is_loaded_once_per_process() -> None:
    assert airports.airports() is airports.airports()
    assert len(airports.airports()) > 20_000


def test_importing_the_module_loads_no_data() -> None:
    code = "import sys, albatross.operations.airports as a; assert a._index is None; assert 'airportsdata' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_search_ranks_exact_codes_then_code_prefixes_then_names_and_cities() -> None:
    index = AirportIndex(
        [
            _airport("ZZAB", name="Abbey Field"),
            _airport("ABCD", iata="QQQ", name="Somewhere"),
            _airport("QABC", iata="ABC", name="Elsewhere"),
            _airport("ABXX", name="Prefix Strip"),
            _airport("YYYY", name="Field", city="Abcville"),
            _airport("NONE", name="Unrelated"),
        ]
    )
    found, total = index.search("abc")
    assert [airport.icao for airport in found] == ["QABC", "ABCD", "YYYY"]
    assert total == 3
    found, total = index.search("ab")
    # Within a rank, airports with an IATA code come first, then by ICAO.
    assert [airport.icao for airport in found] == ["ABCD", "QABC", "ABXX", "YYYY", "ZZAB"]


def test_search_finds_real_airports_by_code_name_and_city() -> None:
    found, _ = airports.search("LHR")
    assert found[0].icao == "EGLL"
    found, _ = airports.search("egl", limit=100)
    prefixed = [airport for airport in found if airport.icao.startswith("EGL")]
    assert len(prefixed) > 5 and found[: len(prefixed)] == prefixed
    assert all("egl" in airport.name.lower() for airport in found[len(prefixed) :])
    found, _ = airports.search("heathrow")
    assert found[0].icao == "EGLL"
    found, total = airports.search("new york", limit=100)
    assert {"KJFK", "KLGA"} <= {airport.icao for airport in found}
    assert total == len(found)


def test_search_ignores_case_and_accents_both_ways() -> None:
    assert "BIBD" in _icaos(airports.search("BILDUDALUR"))  # the data says Bíldudalur
    assert "SBSP" in _icaos(airports.search("São Paulo", limit=50))  # the data says Sao Paulo


def test_search_needs_every_word_of_the_text() -> None:
    assert _icaos(airports.search("kennedy new york")) == ["KJFK"]
    assert _icaos(airports.search("kennedy paris")) == []


def test_search_pages_through_a_stable_order_and_counts_every_match() -> None:
    everything, total = airports.search("london", limit=1000)
    assert total == len(everything) > 10
    pages = [airports.search("london", limit=4, offset=offset) for offset in range(0, total, 4)]
    assert all(page_total == total for _, page_total in pages)
    assert [airport for page, _ in pages for airport in page] == everything
    assert airports.search("london", limit=4, offset=total) == ([], total)


def test_blank_search_finds_nothing() -> None:
    assert airports.search("   ") == ([], 0)


def test_new_york_to_san_francisco_is_about_2244_nautical_miles() -> None:
    jfk, sfo = airports.get("KJFK"), airports.get("KSFO")
    assert jfk and sfo
    assert distance_between(jfk, sfo) == pytest.approx(2244, abs=5)


def test_london_to_new_york_is_about_2999_nautical_miles() -> None:
    heathrow, jfk = airports.get("EGLL"), airports.get("KJFK")
    assert heathrow and jfk
    # 2,999 is the ellipsoidal figure; the mean-radius sphere is within 0.3% of it (2,991).
    assert distance_between(heathrow, jfk) == pytest.approx(2999, abs=10)


def test_distance_is_zero_to_itself_symmetric_and_half_the_circumference_to_the_antipode() -> None:
    assert distance_nm(51.47, -0.46, 51.47, -0.46) == 0
    assert distance_nm(10, 20, -30, 40) == pytest.approx(distance_nm(-30, 40, 10, 20))
    assert distance_nm(0, 0, 0, 180) == pytest.approx(math.pi * airports.EARTH_RADIUS_NM)
    assert distance_nm(90, 0, -90, 0) == pytest.approx(math.pi * airports.EARTH_RADIUS_NM)


def _airport(icao: str, iata: str | None = None, name: str = "Airport", city: str = "Town") -> Airport:
    return Airport(
        icao=icao,
        iata=iata,
        name=name,
        city=city,
        country="XX",
        lat=0.0,
        lon=0.0,
        elevation_ft=None,
        tz="UTC",
    )


def _icaos(result: tuple[list[Airport], int]) -> list[str]:
    return [airport.icao for airport in result[0]]
