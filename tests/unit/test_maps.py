"""The maps drawn as SVG: the projection, great circles cut at the antimeridian, the view that
fits the network, hostile text escaped, and the world outline data that ships with them."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET
from importlib.resources import files

import pytest
from markupsafe import Markup

from albatross.web.pictures import world
from albatross.web.pictures.maps import (
    WORLD,
    Airport,
    Route,
    Tracked,
    fit,
    great_circle,
    live_map,
    route_map,
    routes_of,
    split_at_antimeridian,
)
from albatross.web.pictures.svg import num, text

NS = {"svg": "http://www.w3.org/2000/svg"}
JFK = Airport("KJFK", "John F Kennedy", 40.64, -73.78, hub=True)
BOS = Airport("KBOS", "Logan", 42.36, -71.01)
HND = Airport("RJTT", "Haneda", 35.55, 139.78)
LAX = Airport("KLAX", "Los Angeles", 33.94, -118.41)


def parsed(svg: Markup) -> ET.Element:
    """The picture as XML: it must be well-formed to be served as image/svg+xml."""
    return ET.fromstring(str(svg))


@pytest.mark.parametrize(
    ("lon", "lat", "x", "y"),
    [(-180, 90, 0, 0), (180, -90, 360, 180), (0, 0, 180, 90), (-73.78, 40.64, 106.22, 49.36)],
)
def test_the_projection_puts_known_places_where_expected(lon: float, lat: float, x: float, y: float) -> None:
    assert world.project(lon, lat) == pytest.approx((x, y))


def test_the_world_outline_loads_and_is_a_real_map() -> None:
    data = json.loads(files("albatross.web.pictures").joinpath("world_land.json").read_text("utf-8"))
    assert "Natural Earth" in data["source"] and "public domain" in data["licence"]
    rings = world.land_rings()
    assert len(rings) > 100
    assert sum(len(r) for r in rings) > 4000
    for ring in rings:
        assert ring[0] == ring[-1] and len(ring) >= 4
        assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in ring)
    lons = [lon for ring in rings for lon, _ in ring]
    assert min(lons) == -180 and max(lons) == 180
    # Land where land is, sea where sea is.
    for lon, lat in ((20.0, 0.0), (134.0, -25.0), (-60.0, -10.0), (90.0, 60.0), (0.0, -85.0)):
        assert on_land(lon, lat), (lon, lat)
    for lon, lat in ((-150.0, 0.0), (-30.0, 30.0), (80.0, -20.0)):
        assert not on_land(lon, lat), (lon, lat)
    assert len(files("albatross.web.pictures").joinpath("world_land.json").read_bytes()) < 100_000


def on_land(lon: float, lat: float) -> bool:
    """Inside an odd number of rings (a ray to the east crosses their edges an odd number of times)."""
    inside = False
    for ring in world.land_rings():
        for (x1, y1), (x2, y2) in itertools.pairwise(ring):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def test_the_land_path_is_one_closed_subpath_per_ring() -> None:
    path = world.land_path()
    assert path.count("M") == len(world.land_rings()) == path.count("z")
    assert world.land_path() is path  # built once


def test_routes_are_pairs_of_airports_whichever_way_flown() -> None:
    routes = routes_of(
        [
            ("NVA100", "KJFK", "KBOS"),
            ("NVA200", "KBOS", "KJFK"),
            ("NVA300", "KJFK", "RJTT"),
            ("X", "KJFK", "KJFK"),
        ]
    )
    assert routes == [Route(("KBOS", "KJFK"), ("NVA100", "NVA200")), Route(("KJFK", "RJTT"), ("NVA300",))]


def test_a_great_circle_runs_from_start_to_end_through_the_pole_side() -> None:
    line = great_circle((JFK.lon, JFK.lat), (HND.lon, HND.lat))
    assert line[0] == (JFK.lon, JFK.lat) and line[-1] == (HND.lon, HND.lat)
    assert len(line) > 40
    # New York to Tokyo goes north over Canada and Alaska, far above either end's latitude.
    assert max(lat for _, lat in line) > 65
    assert great_circle((1.0, 2.0), (1.0, 2.0)) == [(1.0, 2.0), (1.0, 2.0)]


def test_a_line_across_the_antimeridian_is_cut_at_the_edges_of_the_map() -> None:
    pieces = split_at_antimeridian([(170.0, 10.0), (179.0, 12.0), (-179.0, 14.0), (-170.0, 16.0)])
    assert pieces == [
        [(170.0, 10.0), (179.0, 12.0), (180.0, 13.0)],
        [(-180.0, 13.0), (-179.0, 14.0), (-170.0, 16.0)],
    ]
    eastward = split_at_antimeridian([(-175.0, 0.0), (175.0, 10.0)])
    assert eastward == [[(-175.0, 0.0), (-180.0, 5.0)], [(180.0, 5.0), (175.0, 10.0)]]
    assert split_at_antimeridian([(0.0, 0.0), (10.0, 0.0)]) == [[(0.0, 0.0), (10.0, 0.0)]]
    # Tokyo to Los Angeles crosses the Pacific: two pieces, each within the map.
    crossing = split_at_antimeridian(great_circle((HND.lon, HND.lat), (LAX.lon, LAX.lat)))
    assert len(crossing) == 2
    assert all(-180 <= lon <= 180 for piece in crossing for lon, _ in piece)


def test_the_view_fits_the_places_with_a_margin_and_is_the_world_when_empty() -> None:
    assert fit([]) == WORLD
    view = fit([(JFK.lon, JFK.lat), (BOS.lon, BOS.lat)])
    for lon, lat in ((JFK.lon, JFK.lat), (BOS.lon, BOS.lat)):
        x, y = world.project(lon, lat)
        assert view.x < x < view.x + view.width and view.y < y < view.y + view.height
    assert 16 <= view.width < 30 and view.width >= view.height  # a close-up, not the world
    spread = fit([(-170.0, 80.0), (170.0, -80.0)])
    assert (spread.x, spread.y) == (0, 0) and spread.width == 360 and spread.height <= 180


def test_the_route_map_has_a_dot_per_airport_a_line_per_route_and_labels() -> None:
    routes = routes_of([("NVA100", "KJFK", "KBOS"), ("NVA200", "KBOS", "KJFK"), ("NVA7", "KLAX", "RJTT")])
    svg = route_map([JFK, BOS, HND, LAX], routes, title="Route map")
    root = parsed(svg)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "network-map-title network-map-desc"
    assert root.find("svg:title", NS).text == "Route map"
    assert "4 airports and 2 routes" in root.find("svg:desc", NS).text
    assert len(root.findall(".//svg:circle", NS)) == 4
    assert len(root.findall(".//svg:circle[@class='airport hub']", NS)) == 1
    route_groups = root.findall(".//svg:g[@class='route']", NS)
    assert [g.get("data-route") for g in route_groups] == ["KBOS-KJFK", "KLAX-RJTT"]
    assert len(route_groups[1].findall("svg:polyline", NS)) == 2  # cut at the antimeridian
    labels = [t.text for t in root.findall(".//svg:text", NS)]
    # On the whole world KBOS's label would cover the hub's: the hub keeps its name, and every
    # dot still names itself in its <title>.
    assert sorted(labels) == ["KJFK", "KLAX", "RJTT"]
    assert sorted(c.find("svg:title", NS).text[:4] for c in root.findall(".//svg:circle", NS)) == [
        "KBOS",
        "KJFK",
        "KLAX",
        "RJTT",
    ]


def test_labels_that_fit_are_all_shown_in_a_close_up() -> None:
    svg = route_map([JFK, BOS], routes_of([("NVA100", "KJFK", "KBOS")]), title="Route map")
    assert sorted(t.text for t in parsed(svg).findall(".//svg:text", NS)) == ["KBOS", "KJFK"]


def test_a_route_to_an_airport_without_a_position_is_left_off() -> None:
    svg = route_map([JFK], [Route(("KJFK", "ZZZZ"), ("NVA1",))], title="Route map")
    assert parsed(svg).findall(".//svg:g[@class='route']", NS) == []


def test_hostile_text_is_escaped_everywhere() -> None:
    evil = "<script>alert('x')</script>&\""
    svg = route_map(
        [Airport(evil, evil, 1.0, 2.0), BOS], [Route((evil, "KBOS"), (evil,))], title=evil, map_id=evil
    )
    assert "<script>" not in svg
    root = parsed(svg)  # still well-formed XML
    assert root.find("svg:title", NS).text == evil
    assert any(t.text == evil for t in root.iter("{http://www.w3.org/2000/svg}text"))
    flight = Tracked("p<1>", evil, evil, evil, 10.0, 20.0, heading=90.0, phase=evil)
    live = live_map([flight], title=evil)
    assert "<script>" not in live
    assert parsed(live).find(".//svg:g[@class='flight']", NS).get("data-pirep-id") == "p<1>"
    assert text("<a href='x'>") == "&lt;a href=&#39;x&#39;&gt;"


def test_a_live_flight_is_a_marker_turned_to_its_heading_with_its_label_and_path() -> None:
    moving = Tracked(
        "p1",
        "NVA100",
        "KJFK",
        "KBOS",
        41.0,
        -72.9,
        heading=45.0,
        altitude_ft=21000,
        gs_kt=420,
        phase="climb",
        path=((-73.78, 40.64), (-73.3, 40.8)),
    )
    parked = Tracked("p2", "NVA200", "KBOS", "KJFK", 42.36, -71.01)
    root = parsed(live_map([moving, parked], [JFK, BOS], title="Flights in progress"))
    first, second = root.findall(".//svg:g[@class='flight']", NS)
    assert (first.get("data-pirep-id"), first.get("data-lat"), first.get("data-lon")) == ("p1", "41", "-72.9")
    plane = first.find("svg:path[@class='plane']", NS)
    assert plane is not None and "translate(107.1 49) rotate(45)" in plane.get("transform", "")
    assert first.find("svg:text", NS).text == "NVA100"
    hover = first.find("svg:title", NS).text
    assert hover == "NVA100 KJFK to KBOS, climb, 21,000 ft, 420 kt, at 41.0°N 72.9°W"
    assert second.find("svg:circle[@class='plane']", NS) is not None  # no heading: a dot
    path = root.findall(".//svg:g[@class='paths']/svg:polyline", NS)
    assert len(path) == 1 and path[0].get("points") == "106.22,49.36 106.7,49.2 107.1,49"
    assert "2 flights in progress" in root.find("svg:desc", NS).text


def test_an_empty_live_map_is_the_whole_world() -> None:
    root = parsed(live_map([], title="Flights in progress"))
    assert root.get("viewBox") == "0 0 360 180"
    assert root.find("svg:desc", NS).text == "No flights in progress."


@pytest.mark.parametrize(("value", "written"), [(12.0, "12"), (-0.04, "0"), (0.5, "0.5"), (1.25, "1.2")])
def test_numbers_are_written_short(value: float, written: str) -> None:
    assert num(value) == written
