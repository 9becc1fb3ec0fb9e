"""Maps on the world outline: the airline's route network (airports, great-circle routes) and its
flights in progress (a marker at the last position, turned to the heading, and the path flown)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from albatross.web.pictures.svg import SVG_NS, num, text
from albatross.web.pictures.world import HEIGHT, WIDTH, land_path, project

LonLat = tuple[float, float]
STEP_DEGREES = 2.0
"""Great circles are drawn as straight pieces this long (of arc): smooth at any zoom we show."""
LISTED = 20
"""How many routes or flights the SVG's description names; the page's table lists them all."""
# An arrowhead pointing north, one unit long: turned to the heading, it shows where a flight goes.
PLANE = "M0-1.2L.8.9 0 .45-.8.9z"


@dataclass(frozen=True)
class Airport:
    icao: str
    name: str
    lat: float
    lon: float
    hub: bool = False


@dataclass(frozen=True)
class Route:
    """The flights between two airports, either way: one line on the map."""

    ends: tuple[str, str]
    flights: tuple[str, ...]


@dataclass(frozen=True)
class Tracked:
    """A flight in progress at its last reported position."""

    id: str
    flight: str
    departure: str
    arrival: str
    lat: float
    lon: float
    heading: float | None = None
    altitude_ft: float | None = None
    gs_kt: float | None = None
    phase: str = ""
    path: tuple[LonLat, ...] = ()
    """Where it has flown, oldest first, as (lon, lat)."""


@dataclass(frozen=True)
class View:
    """The part of the flat map shown (map units, see world.py)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def unit(self) -> float:
        """A hundredth of the width: dots and letters scale with it, so they look the same size
        on a map of one country as on the whole world."""
        return self.width / 100


WORLD = View(0.0, 0.0, WIDTH, HEIGHT)


def routes_of(legs: Iterable[tuple[str, str, str]]) -> list[Route]:
    """(flight, departure, arrival) legs as routes: one per pair of airports, whichever way flown.
    A flight back to where it started draws no line and is left out."""
    flights: dict[tuple[str, str], set[str]] = {}
    for flight, departure, arrival in legs:
        if departure != arrival:
            a, b = sorted((departure, arrival))
            flights.setdefault((a, b), set()).add(flight)
    return [Route(ends, tuple(sorted(names))) for ends, names in sorted(flights.items())]


def great_circle(start: LonLat, end: LonLat, step: float = STEP_DEGREES) -> list[LonLat]:
    """Points along the shortest way between two places on the globe, start and end included."""
    a, b = _vector(*start), _vector(*end)
    angle = math.acos(max(-1.0, min(1.0, sum(p * q for p, q in zip(a, b, strict=True)))))
    if math.sin(angle) < 1e-9:  # the same place, or opposite ends of the earth: no one way to draw it
        return [start, end]
    steps = max(1, math.ceil(math.degrees(angle) / step))
    points = []
    for i in range(steps + 1):
        t = i / steps
        wa, wb = math.sin((1 - t) * angle) / math.sin(angle), math.sin(t * angle) / math.sin(angle)
        x, y, z = (wa * p + wb * q for p, q in zip(a, b, strict=True))
        points.append((math.degrees(math.atan2(y, x)), math.degrees(math.atan2(z, math.hypot(x, y)))))
    points[0], points[-1] = start, end
    return points


def _vector(lon: float, lat: float) -> tuple[float, float, float]:
    lam, phi = math.radians(lon), math.radians(lat)
    return math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)


def split_at_antimeridian(points: Sequence[LonLat]) -> list[list[LonLat]]:
    """A line that crosses 180 degrees as pieces that each stay on the flat map: the first ends
    at the map's edge, the next starts at the other edge, at the latitude where it crossed."""
    if not points:
        return []
    pieces = [[points[0]]]
    for (lon0, lat0), (lon1, lat1) in itertools.pairwise(points):
        if abs(lon1 - lon0) > 180:
            edge = 180.0 if lon0 > 0 else -180.0
            across = lon1 + 360 if lon0 > 0 else lon1 - 360
            lat = lat0 + (edge - lon0) / (across - lon0) * (lat1 - lat0)
            pieces[-1].append((edge, lat))
            pieces.append([(-edge, lat)])
        pieces[-1].append((lon1, lat1))
    return pieces


def fit(places: Iterable[LonLat], margin: float = 0.12, least: tuple[float, float] = (16.0, 8.0)) -> View:
    """The smallest comfortable view that shows every place: a margin around them, not narrower
    than `least` degrees, not taller than wide; the whole world when there is nothing to show."""
    points = [project(lon, lat) for lon, lat in places]
    if not points:
        return WORLD
    xs, ys = [x for x, _ in points], [y for _, y in points]
    width, height = max(max(xs) - min(xs), least[0]), max(max(ys) - min(ys), least[1])
    width, height = max(width, height * 1.25), max(height, width / 2.5)
    width, height = min(width * (1 + 2 * margin), WIDTH), min(height * (1 + 2 * margin), HEIGHT)
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    x = min(max(centre_x - width / 2, 0.0), WIDTH - width)
    y = min(max(centre_y - height / 2, 0.0), HEIGHT - height)
    return View(x, y, width, height)


def _points(line: Iterable[LonLat]) -> str:
    return " ".join(f"{num(x, 2)},{num(y, 2)}" for x, y in (project(lon, lat) for lon, lat in line))


def _svg(view: View, map_id: str, kind: str, title: str, description: str, body: Iterable[str]) -> Markup:
    """The picture's frame: sea, land, then the body; named for screen readers by its title and
    description. Every caller's text is escaped before it reaches here."""
    box = f"{num(view.x, 2)} {num(view.y, 2)} {num(view.width, 2)} {num(view.height, 2)}"
    ident = text(map_id)
    return Markup(  # noqa: S704 - built here; every caller-supplied text went through text()
        f'<svg xmlns="{SVG_NS}" class="map {kind}" id="{ident}" viewBox="{box}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" preserveAspectRatio="xMidYMid meet">'
        f'<title id="{ident}-title">{text(title)}</title><desc id="{ident}-desc">{text(description)}</desc>'
        f'<rect class="sea" x="{num(view.x, 2)}" y="{num(view.y, 2)}" width="{num(view.width, 2)}" '
        f'height="{num(view.height, 2)}"/><path class="land" d="{land_path()}"/>{"".join(body)}</svg>'
    )


def _named(names: Sequence[str], none: str) -> str:
    if not names:
        return none
    more = f", and {len(names) - LISTED} more" if len(names) > LISTED else ""
    return ", ".join(names[:LISTED]) + more + "."


def _airport_dots(airports: Iterable[Airport], view: View) -> list[str]:
    """A dot per airport; an ICAO label wherever it does not cover another label, hubs placed
    first (a crowded region keeps its hubs' names; every dot still names itself on hover)."""
    u = view.unit
    size = 1.6 * u
    dots, labels = [], []
    placed: list[tuple[float, float, float, float]] = []
    for airport in sorted(airports, key=lambda a: not a.hub):
        x, y = project(airport.lon, airport.lat)
        kind = "airport hub" if airport.hub else "airport"
        role = " (hub)" if airport.hub else ""
        dots.append(
            f'<circle class="{kind}" data-icao="{text(airport.icao)}" cx="{num(x, 2)}" cy="{num(y, 2)}" '
            f'r="{num((0.9 if airport.hub else 0.55) * u, 2)}">'
            f"<title>{text(airport.icao)} · {text(airport.name)}{role}</title></circle>"
        )
        left, base = x + 1.1 * u, y - 0.6 * u
        # Capitals only: the box is the cap height above the baseline, about 0.65 em per letter.
        box = (left, base - 0.75 * size, left + 0.65 * size * len(airport.icao), base + 0.05 * size)
        if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            continue
        placed.append(box)
        labels.append(
            f'<text class="label" x="{num(left, 2)}" y="{num(base, 2)}">{text(airport.icao)}</text>'
        )
    style = f'font-size="{num(size, 2)}" stroke-width="{num(0.35 * u, 2)}"'
    return [f'<g class="airports">{"".join(dots)}</g>', f'<g class="labels" {style}>{"".join(labels)}</g>']


def route_map(
    airports: Sequence[Airport], routes: Sequence[Route], *, title: str, map_id: str = "network-map"
) -> Markup:
    """The network: each route a great-circle line, each airport a dot (hubs bigger) with its ICAO
    code; the view fits the network. Routes to an airport not in `airports` (no known position)
    are left off the picture."""
    where = {a.icao: (a.lon, a.lat) for a in airports}
    drawn = [r for r in routes if r.ends[0] in where and r.ends[1] in where]
    lines = {r.ends: great_circle(where[r.ends[0]], where[r.ends[1]]) for r in drawn}
    view = fit([p for line in lines.values() for p in line] + list(where.values()))
    shown = []
    for route in drawn:
        a, b = route.ends
        pieces = "".join(
            f'<polyline points="{_points(piece)}"/>' for piece in split_at_antimeridian(lines[route.ends])
        )
        shown.append(
            f'<g class="route" data-route="{text(a)}-{text(b)}">'
            f"<title>{text(a)} ↔ {text(b)}: {text(', '.join(route.flights))}</title>{pieces}</g>"
        )
    description = (
        f"{len(airports)} airport{'' if len(airports) == 1 else 's'} and {len(drawn)} "
        f"route{'' if len(drawn) == 1 else 's'}. "
        + _named([f"{a} to {b}" for a, b in (r.ends for r in drawn)], "No routes yet.")
    )
    body = [f'<g class="routes">{"".join(shown)}</g>', *_airport_dots(airports, view)]
    return _svg(view, map_id, "network", title, description, body)


def _about(flight: Tracked) -> str:
    """One line on a flight: what hover shows and what the description says."""
    facts = [f"{flight.flight} {flight.departure} to {flight.arrival}"]
    if flight.phase:
        facts.append(flight.phase)
    if flight.altitude_ft is not None:
        facts.append(f"{flight.altitude_ft:,.0f} ft")
    if flight.gs_kt is not None:
        facts.append(f"{flight.gs_kt:.0f} kt")
    facts.append(
        f"at {abs(flight.lat):.1f}°{'N' if flight.lat >= 0 else 'S'} {abs(flight.lon):.1f}°{'E' if flight.lon >= 0 else 'W'}"
    )
    return ", ".join(facts)


def live_map(
    flights: Sequence[Tracked], airports: Sequence[Airport] = (), *, title: str, map_id: str = "live-map"
) -> Markup:
    """Flights in progress: each a marker at its last position, turned to its heading (a dot when
    the heading is unknown), labelled with its flight number, its path flown behind it; the
    airports it flies between as small dots. The view fits all of them."""
    places = [(f.lon, f.lat) for f in flights] + [p for f in flights for p in f.path]
    view = fit(places + [(a.lon, a.lat) for a in airports])
    u = view.unit
    paths = "".join(
        f'<polyline data-pirep-id="{text(f.id)}" points="{_points(piece)}"/>'
        for f in flights
        if len(f.path) >= 2
        for piece in split_at_antimeridian([*f.path, (f.lon, f.lat)])
    )
    markers = []
    for flight in flights:
        x, y = project(flight.lon, flight.lat)
        shape = (
            f'<path class="plane" d="{PLANE}" transform="translate({num(x, 2)} {num(y, 2)}) '
            f'rotate({num(flight.heading)}) scale({num(1.3 * u, 3)})"/>'
            if flight.heading is not None
            else f'<circle class="plane" cx="{num(x, 2)}" cy="{num(y, 2)}" r="{num(0.8 * u, 2)}"/>'
        )
        markers.append(
            f'<g class="flight" data-pirep-id="{text(flight.id)}" data-lat="{num(flight.lat, 4)}" '
            f'data-lon="{num(flight.lon, 4)}"><title>{text(_about(flight))}</title>{shape}'
            f'<text class="label" x="{num(x + 1.5 * u, 2)}" y="{num(y + 0.5 * u, 2)}" '
            f'font-size="{num(1.6 * u, 2)}" stroke-width="{num(0.35 * u, 2)}">{text(flight.flight)}</text></g>'
        )
    count = f"{len(flights)} flight{'' if len(flights) == 1 else 's'} in progress: " if flights else ""
    description = count + _named([_about(f) for f in flights], "No flights in progress.")
    body = [
        f'<g class="paths">{paths}</g>',
        *_airport_dots(airports, view),
        f'<g class="flights">{"".join(markers)}</g>',
    ]
    return _svg(view, map_id, "live", title, description, body)
