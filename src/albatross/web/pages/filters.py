"""Jinja filters: times and durations as people read them."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar.plugins.jinja import JinjaTemplateEngine

from albatross.web.formats import hours


def when(us: int | None) -> str:
    """µs since the epoch as a UTC date and time."""
    return datetime.fromtimestamp(us / 1_000_000, UTC).strftime("%Y-%m-%d %H:%M UTC") if us else ""


def register_filters(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters.update(when=when, hours=hours)
