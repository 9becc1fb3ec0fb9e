"""Regenerate src/albatross/web/pictures/world_land.json, the world outline the maps draw, from the
npm package world-atlas@2 (Natural Earth 1:110m land as TopoJSON; data public domain, package ISC).

    npm pack world-atlas@2 && tar xzf world-atlas-2.*.tgz
    python build/world_outline.py package/land-110m.json

TopoJSON stores each shared border once as an "arc" of quantized, delta-encoded points; a polygon
ring lists the arcs it follows (a negative index ~i means arc i backwards). This script decodes the
arcs into lon/lat, stitches them into rings, cuts the rings that cross the antimeridian (Fiji,
Chukotka, Antarctica) into pieces that each lie within -180..180 so they can be drawn flat, rounds
to 0.1 degree (a world map never needs more) and drops the points that rounding made repeat, so the
file stays small.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).resolve().parent.parent / "src/albatross/web/pictures/world_land.json"
SOURCE = (
    "Natural Earth 1:110m land (naturalearthdata.com), via the npm package world-atlas@2 "
    "(land-110m.json), decoded and rounded to 0.1 degree by build/world_outline.py"
)
LICENCE = (
    "Natural Earth data is in the public domain. world-atlas is ISC-licensed: Copyright 2013-2019 "
    "Michael Bostock; permission to use, copy, modify, and/or distribute for any purpose with or "
    "without fee is granted, provided the copyright notice and this permission notice appear in all copies."
)

Point = tuple[float, float]


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Every arc as absolute lon/lat: undo the delta encoding, then the quantization."""
    (scale_x, scale_y), (move_x, move_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + move_x, y * scale_y + move_y))
        arcs.append(points)
    return arcs


def stitch(ring: list[int], arcs: list[list[Point]]) -> list[Point]:
    """One ring from its arcs; each arc after the first starts where the previous one ended."""
    points: list[Point] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def unwrapped(points: list[Point]) -> list[Point]:
    """The ring with continuous longitudes: a step across the antimeridian (from 179 to -179)
    continues past 180 instead, so the ring is a plain polygon on the flat map."""
    offset = 0.0
    out = [points[0]]
    for (previous, _), (lon, lat) in itertools.pairwise(points):
        if lon - previous > 180:
            offset -= 360
        elif lon - previous < -180:
            offset += 360
        out.append((lon + offset, lat))
    end_lon, end_lat = out[-1]
    if abs(end_lon - out[0][0]) > 180:
        # It went once round the world (Antarctica): close it through the pole beneath it.
        pole = -90.0 if end_lat < 0 else 90.0
        out += [(end_lon, pole), (out[0][0], pole), out[0]]
    return out


def clipped(points: list[Point], edge: float, keep_east: bool) -> list[Point]:
    """Sutherland-Hodgman against one meridian: the part of the closed ring east (or west) of it."""

    def inside(point: Point) -> bool:
        return point[0] >= edge if keep_east else point[0] <= edge

    out: list[Point] = []
    for start, end in itertools.pairwise(points):
        if inside(end):
            if not inside(start):
                out.append(_crossing(start, end, edge))
            out.append(end)
        elif inside(start):
            out.append(_crossing(start, end, edge))
    return out + out[:1]


def _crossing(start: Point, end: Point, edge: float) -> Point:
    t = (edge - start[0]) / (end[0] - start[0])
    return (edge, start[1] + t * (end[1] - start[1]))


def area(points: list[Point]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(points))) / 2


def pieces(ring: list[Point]) -> list[list[Point]]:
    """The parts of a ring on the map's -180..180: the ring itself, or its copies moved a world
    to the east or west, each cut at the map's edges."""
    flat = unwrapped(ring)
    out = []
    for shift in (-360.0, 0.0, 360.0):
        moved = [(lon + shift, lat) for lon, lat in flat]
        piece = clipped(clipped(moved, -180.0, keep_east=True), 180.0, keep_east=False)
        if len(piece) >= 4:
            out.append(piece)
    return out


def rounded(points: list[Point]) -> list[Point]:
    kept: list[Point] = []
    for lon, lat in points:
        point = (round(lon, 1), round(lat, 1))
        if not kept or point != kept[-1]:
            kept.append(point)
    return kept


def rings_of(topology: dict[str, Any]) -> list[list[Point]]:
    arcs = decode_arcs(topology)
    rings = []
    for geometry in topology["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for ring in polygon:
                for piece in pieces(stitch(ring, arcs)):
                    points = rounded(piece)
                    if len(points) >= 4 and area(points) >= 0.01:  # smaller islands vanish at this scale
                        rings.append(points)
    return rings


def main(path: str) -> None:
    topology = json.loads(Path(path).read_text(encoding="utf-8"))
    rings = rings_of(topology)
    # Flat [lon, lat, lon, lat, ...] per ring: half the brackets of a list of pairs.
    data = {"source": SOURCE, "licence": LICENCE, "rings": [[v for p in r for v in p] for r in rings]}
    OUTPUT.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUTPUT}: {len(rings)} rings, {sum(map(len, rings))} points, {OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} path/to/world-atlas/land-110m.json")
    main(sys.argv[1])
