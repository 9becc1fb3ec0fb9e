"""The staff pages' pure helpers: hours as staff type them, and event names as people read them."""

from __future__ import annotations

import pytest

from albatross.web.pages.audit import event_label
from albatross.web.pages.staff_pilots import transfer_minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("120:30", 7230), ("0:05", 5), ("12", 720), ("12.5", 750), (" .25 ", 15), ("100000", 6_000_000)],
)
def test_transfer_hours_read_as_h_mm_or_decimal(text: str, minutes: int) -> None:
    assert transfer_minutes(text) == minutes


@pytest.mark.parametrize("text", ["", "lots", "1:60", "1:5", "-3", "1.234", "100000:01", "1e3"])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        transfer_minutes(text)


def test_event_types_read_as_words() -> None:
    assert event_label("UserStateChanged") == "User state changed"
    assert event_label("RankChanged") == "Rank changed"
