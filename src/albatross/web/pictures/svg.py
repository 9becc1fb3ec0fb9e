"""Small SVG helpers any picture may use: escaping text for XML and writing numbers compactly."""

from __future__ import annotations

from markupsafe import Markup, escape

SVG_NS = "http://www.w3.org/2000/svg"


def text(value: object) -> Markup:
    """Text or an attribute value, XML-escaped (&, <, >, both quotes)."""
    return escape(str(value))


def num(value: float, places: int = 1) -> str:
    """A coordinate or size with at most `places` decimals and no trailing zeros: 12.0 -> 12."""
    rounded = round(float(value), places)
    written = f"{rounded:.{places}f}".rstrip("0").rstrip(".") if places else str(int(rounded))
    return "0" if written in ("-0", "") else written
