"""Jinja filters: times and durations as people read them."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar.plugins.jinja import JinjaTemplateEngine


def when(us: int | None) -> str:
    """µs since the epoch as a UTC date and time."""
    return datetime.fromtimestamp(us / 1_000_000, UTC).strftime("%Y-%m-%d %H:%M UTC") if us else ""


def hours(minutes: int | None) -> str:
    """Minutes as h:mm."""
    minutes = minutes or 0
    return f"{minutes // 60}:{minutes % 60:02d}"


def register_filters(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters.update(when=when, hours=hours)
