"""The pages' shared form and query reading: whole numbers from a query, a domain refusal on the
form's fields, amounts of money, and the formats every page and chart shares."""

from __future__ import annotations

import pytest

from albatross.web.formats import hours, money
from albatross.web.pages.common import list_link
from albatross.web.pages.finances import minor_units
from albatross.web.pages.forms import field_errors, texts, whole


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),
        ("0", 0),
        ("100", 100),
        ("²", 5),  # a digit to str.isdigit(), not to int()
        ("١٢", 5),  # Arabic-Indic digits: int() reads them, a query should not
        ("-1", 5),
        ("+3", 5),
        (" 3", 5),
        ("", 5),
        ("3.0", 5),
        ("101", 5),
        ("9" * 5000, 5),
    ],
)
def test_whole_takes_only_plain_digits_within_bounds(text: str, expected: int) -> None:
    assert whole(text, default=5, high=100) == expected


def test_whole_refuses_below_its_low_bound() -> None:
    assert whole("0", default=1, low=1, high=10) == 1
    assert whole("1", default=9, low=1, high=10) == 1


def test_texts_strips_and_cuts_and_reads_absent_as_blank() -> None:
    assert texts({"a": "  x  ", "b": "y" * 10}, ("a", "b", "c"), limit=4) == {"a": "x", "b": "yyyy", "c": ""}


def test_field_errors_puts_each_field_where_the_form_has_it() -> None:
    fields = {"email": "an email address", "flight": "taken", "elsewhere": "no"}
    errors = field_errors(
        "The whole story.", fields, ("email", "number"), "number", rename={"flight": "number"}
    )
    assert errors == {"email": "an email address", "number": "taken"}


def test_field_errors_can_show_the_detail_and_leave_unknown_fields_to_the_page() -> None:
    detail = "The username 'x' is already taken."
    assert field_errors(detail, {"username": "already taken"}, ("username",), None, each_detail=True) == {
        "username": detail
    }
    assert field_errors(detail, {"tenant_id": "role"}, ("username",), None) == {}
    assert field_errors(detail, {}, ("username",), "username") == {"username": detail}
    assert field_errors(detail, {"tenant_id": "role"}, ("username",), "username") == {"username": detail}


@pytest.mark.parametrize(
    ("text", "minor"), [("1,234.5", 123450), ("99.50", 9950), ("10000000000", 10**12), (" 0.01 ", 1)]
)
def test_minor_units_reads_amounts(text: str, minor: int) -> None:
    assert minor_units(text) == minor


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("1e30", "at most 10,000,000,000"),
        ("10000000000.01", "at most 10,000,000,000"),
        ("9" * 400, "at most 10,000,000,000"),
        ("NaN", "such as 1200"),
        ("sNaN", "such as 1200"),
        ("Infinity", "such as 1200"),
        ("-Infinity", "such as 1200"),
        ("abc", "such as 1200"),
        ("0", "more than 0"),
        ("-5", "more than 0"),
        ("1.005", "two decimals"),
        ("1e-30", "two decimals"),
    ],
)
def test_minor_units_refuses_with_a_message_for_the_field(text: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        minor_units(text)


def test_money_and_hours_read_the_same_everywhere() -> None:
    assert money(-123450) == "-1,234.50"
    assert money(5) == "0.05"
    assert hours(125) == "2:05"
    assert hours(None) == "0:00"
    assert hours(-61) == "-1:01"


def test_list_link_leaves_blank_values_out() -> None:
    assert list_link("/x", {"a": "", "b": ""}) == "/x"
    assert list_link("/x", {"a": "1 2", "b": "", "c": "&"}) == "/x?a=1+2&c=%26"
