"""The world outline (Natural Earth land, see world_land.json) and the flat map it is drawn on:
equirectangular, one unit per degree, north up, x from 0 (180 W) to 360, y from 0 (90 N) to 180."""

from __future__ import annotations

import functools
import json
from importlib.resources import files

from albatross.web.pictures.svg import num

WIDTH = 360.0
HEIGHT = 180.0

Ring = list[tuple[float, float]]


def project(lon: float, lat: float) -> tuple[float, float]:
    """Longitude and latitude in degrees to map units."""
    return lon + 180.0, 90.0 - lat


@functools.cache
def land_rings() -> tuple[Ring, ...]:
    """The land as closed rings of (lon, lat), each within -180..180 (read once per process)."""
    data = json.loads(files("albatross.web.pictures").joinpath("world_land.json").read_text("utf-8"))
    return tuple([(r[i], r[i + 1]) for i in range(0, len(r), 2)] for r in data["rings"])


def _short(value: float) -> str:
    written = num(value)
    return written.replace("0.", ".", 1) if written.startswith(("0.", "-0.")) else written


@functools.cache
def land_path() -> str:
    """The land as one SVG path, written short (it is on every map): each ring's first point
    absolute, the rest relative steps after one `l`, no leading zeros, no space before a minus."""
    parts = []
    for ring in land_rings():
        x, y = project(*ring[0])
        steps = [f"M{num(x)} {num(y)}l"]
        for lon, lat in ring[1:-1]:
            nx, ny = project(lon, lat)
            for delta in (nx - x, ny - y):
                written = _short(delta)
                steps.append(written if written.startswith("-") or steps[-1].endswith("l") else f" {written}")
            x, y = nx, ny
        steps.append("z")
        parts.append("".join(steps))
    return "".join(parts)
