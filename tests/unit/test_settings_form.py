"""The settings and fleet forms' text as domain structs: rows kept, removed, added, and a bad
field named so the page can mark it."""

from __future__ import annotations

import pytest

from albatross.flights.careers import Rank
from albatross.operations.domain import AirlineProfile
from albatross.web.pages.fleet import aircraft_from, subfleet_from
from albatross.web.pages.forms import FormErrors, plain
from albatross.web.pages.settings import (
    award_id,
    career_settings_from,
    flight_rules_from,
    posted_rows,
    with_new_row,
)


def test_rows_come_in_order_with_their_checkboxes() -> None:
    form = {
        "ranks-1-name": "First Officer",
        "ranks-0-name": " Cadet ",
        "ranks-0-auto_promote": "1",
        "ranks-1-remove": "1",
        "awards-0-name": "elsewhere",
    }
    rows = posted_rows(form, "ranks", ("name", "hours"), ("auto_promote",))
    assert rows == [
        {"name": "Cadet", "hours": "", "auto_promote": "1", "remove": "", "new": ""},
        {"name": "First Officer", "hours": "", "auto_promote": "", "remove": "1", "new": ""},
    ]


def test_ranks_are_kept_removed_added_and_sorted_by_hours() -> None:
    form = {
        "ranks-0-name": "Captain",
        "ranks-0-hours": "100",
        "ranks-0-pay_per_hour": "80",
        "ranks-1-name": "Gone",
        "ranks-1-remove": "1",
        "ranks-2-name": "Cadet",
        "ranks-2-hours": "0",
        "ranks-2-auto_promote": "1",
        "ranks-2-new": "1",
        "awards-0-new": "1",  # the empty row offered for a new award: ignored
        "awards-0-kind": "flights",
        "leave_after_days": "",
    }
    settings, rows, errors = career_settings_from(form)
    assert errors == {}
    assert settings.ranks == [
        Rank(name="Cadet", hours=0, auto_promote=True),
        Rank(name="Captain", hours=100, pay_per_hour=80, auto_promote=False),
    ]
    assert settings.awards == []
    assert settings.leave_after_days is None
    assert len(rows["ranks"]) == 3  # the form comes back as sent if another row fails


def test_a_bad_row_is_named_by_its_field() -> None:
    form = {
        "ranks-0-name": "Cadet",
        "ranks-0-hours": "-5",
        "ranks-1-name": "Cadet",
        "ranks-2-name": "",
        "ranks-2-hours": "abc",
        "ranks-2-new": "1",
        "leave_after_days": "0",
    }
    _, _, errors = career_settings_from(form)
    assert errors == {
        "ranks-0-hours": "Give a number of at least 0.",
        "ranks-1-name": "Each rank name once.",
        "ranks-2-hours": "Give a number.",
        "leave_after_days": "Give a number of at least 1.",
    }


def test_awards_take_an_id_from_the_name_and_need_what_their_kind_needs() -> None:
    assert award_id("Transatlantic 10!") == "transatlantic-10"
    form = {
        "awards-0-name": "Shuttle",
        "awards-0-kind": "route",
        "awards-0-count": "10",
        "awards-0-departure": "kjfk",
        "awards-0-arrival": "KBOS",
        "awards-1-name": "Hub regular",
        "awards-1-kind": "airport",
        "awards-1-count": "0",
        "awards-1-airport": "KJFK",
        "awards-2-name": "Home",
        "awards-2-kind": "airport",
    }
    settings, _, errors = career_settings_from(form)
    assert errors == {
        "awards-1-count": "Give a number of at least 1.",
        "awards-2-airport": "Required for this kind of award.",
    }
    form.pop("awards-1-count")
    form["awards-2-airport"] = "EGLL"
    settings, _, errors = career_settings_from(form)
    assert errors == {}
    assert [(a.id, a.rule.kind, a.rule.departure, a.rule.count) for a in settings.awards] == [
        ("shuttle", "route", "KJFK", 10),
        ("hub-regular", "airport", None, 1),
        ("home", "airport", None, 1),
    ]


def test_flight_rules_replace_bids_checks_and_auto_accept_and_keep_the_rest() -> None:
    profile = AirlineProfile(callsign="NOVA")
    form = {
        "max_per_pilot": "3",
        "expire_after_hours": "",
        "block_flight": "1",
        "check-airports_exist": "1",
        "auto_accept-0-rank": "",
        "auto_accept-0-source": "",
        "auto_accept-0-max_landing_rate_fpm": "",
        "auto_accept-0-max_time_deviation_percent": "",  # an existing rule that accepts everything
        "auto_accept-1-source": "tracked",
        "auto_accept-1-max_landing_rate_fpm": "300",
        "auto_accept-1-new": "1",
        "auto_accept-2-new": "1",
    }
    changed, _, errors = flight_rules_from(form, profile)
    assert errors == {}
    assert changed.callsign == "NOVA"
    assert (changed.bids.max_per_pilot, changed.bids.expire_after_hours) == (3, None)
    assert (changed.bids.block_flight, changed.bids.block_aircraft) == (True, False)
    assert changed.pirep_checks.airports_exist and not changed.pirep_checks.plausible_flight_time
    assert [(r.source, r.max_landing_rate_fpm) for r in changed.auto_accept] == [
        (None, None),
        ("tracked", 300),
    ]

    form["auto_accept-1-max_landing_rate_fpm"] = "-1"
    form["max_per_pilot"] = "0"
    _, _, errors = flight_rules_from(form, profile)
    assert set(errors) == {"auto_accept-1-max_landing_rate_fpm", "max_per_pilot"}


def test_an_empty_row_is_offered_once() -> None:
    rows = with_new_row([], ("name",))
    assert rows == [{"name": "", "new": "1"}]
    assert with_new_row(rows, ("name",)) == rows
    assert len(with_new_row([{"name": "x", "new": "1"}], ("name",))) == 2


def test_fleet_forms() -> None:
    subfleet = subfleet_from(
        {"type": "B738", "name": "737-800", "hub": "kjfk", "fares": "Y?price=200; F", "cost_block_hour": ""}
    )
    assert (subfleet.hub, subfleet.fares, subfleet.cost_block_hour) == ("KJFK", ["Y?price=200", "F"], 0.0)
    with pytest.raises(FormErrors) as refused:
        subfleet_from({"type": "B738", "name": "", "cost_block_hour": "-1"})
    assert list(refused.value.fields) in (["name"], ["cost_block_hour"])

    aircraft = aircraft_from(
        {"registration": "n1", "name": "Ship", "subfleet_id": "s", "home": "", "status": ""}
    )
    assert (aircraft.home, aircraft.status) == (None, "active")
    stored = aircraft_from({"name": "Renamed", "status": "stored", "home": "kbos"}, aircraft)
    assert (stored.registration, stored.name, stored.status, stored.home) == (
        "n1",
        "Renamed",
        "stored",
        "KBOS",
    )


def test_plain_messages() -> None:
    assert plain("Expected `float` >= 0.0 - at `$.hours`") == "Give a number of at least 0."
    assert plain("Expected `str` of length >= 1 - at `$.name`") == "Required."
    assert plain("Invalid enum value 'x' - at `$.status`") == "Pick one from the list."
