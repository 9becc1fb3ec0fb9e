"""The SVG bar charts: round ticks, scaling, bars below zero, escaped text, a phone-friendly viewBox."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markupsafe import Markup

from albatross.web.pictures.charts import (
    Series,
    bar_chart,
    finances_chart,
    hours_chart,
    month_label,
    month_name,
    nice_ticks,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: Markup) -> ET.Element:
    return ET.fromstring(str(svg))  # well-formed XML, or this raises


def bars(svg: Markup) -> list[ET.Element]:
    return parse(svg).findall(f"{SVG}g[@class='bars']/{SVG}rect")


def test_ticks_are_round_and_cover_the_data_and_zero() -> None:
    assert nice_ticks(0, 97) == [0, 25, 50, 75, 100]
    assert nice_ticks(0, 1.3) == [0, 0.5, 1, 1.5]
    assert nice_ticks(0, 12_345) == [0, 5000, 10_000, 15_000]
    assert nice_ticks(-30, 70) == [-50, -25, 0, 25, 50, 75]
    assert nice_ticks(5, 9) == [0, 2.5, 5, 7.5, 10]  # zero always shows
    assert nice_ticks(-3, -1) == [-3, -2, -1, 0]
    assert nice_ticks(0, 0) == [0, 1]
    assert nice_ticks(0, 0.3) == [0, 0.1, 0.2, 0.3]  # no 0.30000000000000004


def test_months_read_as_people_say_them() -> None:
    assert month_label("2025-03") == "Mar"
    assert month_name("2024-12") == "December 2024"
    assert month_label("odd") == "odd"


def test_bars_scale_to_the_top_tick_and_carry_their_value() -> None:
    svg = hours_chart([("2025-01", 60), ("2025-02", 0), ("2025-03", 120)])
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 640 260"
    assert root.get("width") is None  # the stylesheet sizes it: it scales on a phone
    assert root.find(f"{SVG}title").text == "Hours flown by month"
    assert "3:00 in all" in root.find(f"{SVG}desc").text
    found = bars(svg)
    assert [b.get("data-period") for b in found] == ["2025-01", "2025-03"]  # no bar for nothing
    heights = [float(b.get("height")) for b in found]
    assert heights[1] == 2 * heights[0]
    assert found[1].find(f"{SVG}title").text == "March 2025, Hours: 2:00"
    # The tallest bar reaches the top tick (2 h), which is the top of the plot.
    ticks = [t.text for t in root.findall(f"{SVG}g[@class='axis']/{SVG}text")]
    assert ticks[0] == "0 h" and ticks[-1] == "2 h"
    assert float(found[1].get("y")) == 30
    labels = [t.text for t in root.findall(f"{SVG}g[@class='months']/{SVG}text")]
    assert labels == ["Jan", "2025", "Feb", "Mar"]


def test_a_loss_hangs_below_the_zero_line_in_its_own_class() -> None:
    svg = finances_chart([("2024-12", 10_000, 4_000), ("2025-01", 1_000, 6_000)])
    root = parse(svg)
    zero = float(root.find(f"{SVG}line[@class='zero']").get("y1"))
    by_title = {b.find(f"{SVG}title").text: b for b in bars(svg)}
    loss = by_title["January 2025, Net: -50.00"]
    assert loss.get("class") == "bar net negative"
    assert float(loss.get("y")) == zero  # it starts at zero and goes down
    profit = by_title["December 2024, Net: 60.00"]
    assert profit.get("class") == "bar net"
    assert float(profit.get("y")) + float(profit.get("height")) == zero
    assert by_title["December 2024, Revenue: 100.00"].get("class") == "bar revenue"
    assert by_title["January 2025, Expenses: 60.00"].get("class") == "bar expenses"
    assert [t.text for t in root.findall(f"{SVG}g[@class='legend']/{SVG}text")] == [
        "Revenue",
        "Expenses",
        "Net",
    ]
    years = [t.text for t in root.findall(f"{SVG}g[@class='months']/{SVG}text[@class='year']")]
    assert years == ["2024", "2025"]


def test_every_text_is_escaped() -> None:
    evil = '<script>alert("x")</script> & co'
    svg = bar_chart(
        'c"1',
        evil,
        evil,
        ["2025-01"],
        [Series(evil, 'x" onload="y', [3])],
        lambda v: f"{v} <b>",
    )
    assert "<script>" not in svg and "<b>" not in svg and 'onload="y' not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == evil
    assert bars(svg)[0].find(f"{SVG}title").text == f"January 2025, {evil}: 3 <b>"


def test_a_chart_with_no_months_still_draws() -> None:
    root = parse(hours_chart([]))
    assert root.find(f"{SVG}desc").text.startswith("Block hours per month with no months")
    assert re.fullmatch(r"[\d.]+", root.find(f"{SVG}line[@class='zero']").get("y1") or "")
