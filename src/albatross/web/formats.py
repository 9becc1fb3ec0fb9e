"""Amounts and durations as people read them, the same on every page and in every chart."""

from __future__ import annotations


def money(minor: int) -> str:
    """Minor units (cents) as major units, grouped: -123450 as -1,234.50."""
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100:,}.{abs(minor) % 100:02d}"


def hours(minutes: int | None) -> str:
    """Minutes as h:mm: 125 as 2:05."""
    minutes = minutes or 0
    sign = "-" if minutes < 0 else ""
    return f"{sign}{abs(minutes) // 60}:{abs(minutes) % 60:02d}"
