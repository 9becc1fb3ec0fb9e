"""Careers as given-events / when-command / then-events: settings, credit, debit, ranks and awards."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from albatross.flights.careers import (
    AirlineCareers,
    Award,
    AwardGranted,
    AwardRevoked,
    AwardRule,
    Career,
    CareerSettings,
    CareerSettingsChanged,
    FlightCredited,
    FlightDebited,
    Rank,
    RankChanged,
    TransferHoursSet,
    award_earned,
    check_settings,
    earned_rank,
)
from albatross.kernel import DomainEvent, InvalidInput, NotFound

T = "t1"
U = "u1"

RANKS = [
    Rank(name="Cadet", hours=0),
    Rank(name="First Officer", hours=10),
    Rank(name="Captain", hours=50),
    Rank(name="Chief Pilot", hours=60, auto_promote=False),
    Rank(name="Senior Captain", hours=100),
]
SETTINGS = CareerSettings(ranks=RANKS)


def flight(
    pirep_id: str, minutes: int, departure: str = "EGLL", arrival: str = "LFPG", at: int = 1
) -> FlightCredited:
    return FlightCredited(
        tenant_id=T, pirep_id=pirep_id, departure=departure, arrival=arrival, minutes=minutes, at=at
    )


def promoted(rank: str, previous: str | None, pirep_id: str | None) -> RankChanged:
    return RankChanged(tenant_id=T, rank=rank, previous=previous, by="promotion", pirep_id=pirep_id)


def staff(rank: str, previous: str | None) -> RankChanged:
    return RankChanged(tenant_id=T, rank=rank, previous=previous, by="staff")


def granted(award: Award, pirep_id: str | None) -> AwardGranted:
    return AwardGranted(tenant_id=T, award_id=award.id, name=award.name, pirep_id=pirep_id)


def decide(events: list[DomainEvent], decision: Any) -> list[DomainEvent]:
    """Fold the given events, take the decision, return the log with its events appended."""
    return [*events, *decision(Career.fold(U, events))]


# ---- settings ----


def award(id: str, kind: str, **rule: Any) -> Award:
    return Award(id=id, name=id.title(), rule=AwardRule(kind=kind, **rule))  # type: ignore[arg-type]


def test_sound_settings_pass_the_check() -> None:
    check_settings(CareerSettings())
    check_settings(
        CareerSettings(
            ranks=[*RANKS, Rank(name="Legend", hours=100)],  # equal hours are ascending enough
            awards=[
                award("ten", "flights", count=10),
                award("paris", "route", departure="EGLL", arrival="LFPG"),
                award("jfk", "airport", airport="KJFK"),
                award("hours", "hours", count=100),
            ],
        )
    )


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (CareerSettings(ranks=[Rank(name="A"), Rank(name="A", hours=5)]), "ranks"),
        (CareerSettings(ranks=[Rank(name="A", hours=5), Rank(name="B", hours=1)]), "ranks"),
        (CareerSettings(awards=[award("x", "flights"), award("x", "hours")]), "awards"),
        (CareerSettings(awards=[award("r", "route")]), "awards"),
        (CareerSettings(awards=[award("r", "route", departure="EGLL")]), "awards"),
        (CareerSettings(awards=[award("r", "route", arrival="LFPG")]), "awards"),
        (CareerSettings(awards=[award("a", "airport")]), "awards"),
    ],
    ids=[
        "duplicate-rank",
        "ranks-descending",
        "duplicate-award",
        "route-without-airports",
        "route-without-arrival",
        "route-without-departure",
        "airport-without-airport",
    ],
)
def test_unsound_settings_are_refused(bad: CareerSettings, field: str) -> None:
    with pytest.raises(InvalidInput) as error:
        check_settings(bad)
    assert list(error.value.fields) == [field]
    with pytest.raises(InvalidInput):
        AirlineCareers(T).change(bad)


def test_airline_settings_change_once_and_name_their_ranks() -> None:
    careers = AirlineCareers(T)
    assert careers.tenant_id == T
    assert careers.settings == CareerSettings()
    assert careers.change(CareerSettings()) == []
    assert careers.change(SETTINGS) == [CareerSettingsChanged(settings=SETTINGS)]
    changed = AirlineCareers.fold(T, [CareerSettingsChanged(settings=SETTINGS)])
    assert changed.change(SETTINGS) == []
    assert changed.rank("Captain") == RANKS[2]
    assert changed.rank("Nobody") is None
    assert changed.rank(None) is None


# ---- crediting ----


def test_a_first_credit_adds_minutes_location_and_the_first_rank() -> None:
    events = Career(U).credit(T, SETTINGS, flight("p1", 90))
    assert events == [flight("p1", 90), promoted("Cadet", None, "p1")]
    career = Career.fold(U, events)
    assert (career.flight_minutes, career.total_hours, career.location, career.rank) == (
        90,
        1.5,
        "LFPG",
        "Cadet",
    )
    assert career.tenant_id == T


def test_each_credit_adds_minutes_and_moves_the_pilot() -> None:
    events = decide([], lambda c: c.credit(T, SETTINGS, flight("p1", 60)))
    events = decide(events, lambda c: c.credit(T, SETTINGS, flight("p2", 45, "LFPG", "EDDF")))
    assert events[-1] == flight("p2", 45, "LFPG", "EDDF")
    career = Career.fold(U, events)
    assert (career.flight_minutes, career.location, list(career.flights)) == (105, "EDDF", ["p1", "p2"])


def test_a_flight_is_credited_once() -> None:
    career = Career.fold(U, [flight("p1", 60)])
    assert career.credit(T, SETTINGS, flight("p1", 60)) == []


def test_hours_earn_promotions_and_the_promoting_report_is_named() -> None:
    given = [flight("p1", 9 * 60), promoted("Cadet", None, "p1")]
    assert Career.fold(U, given).credit(T, SETTINGS, flight("p2", 60)) == [
        flight("p2", 60),
        promoted("First Officer", "Cadet", "p2"),
    ]
    # several thresholds at once: straight to the highest one earned
    assert Career.fold(U, given).credit(T, SETTINGS, flight("p2", 41 * 60)) == [
        flight("p2", 41 * 60),
        promoted("Captain", "Cadet", "p2"),
    ]


def test_a_rank_staff_award_is_never_reached_by_hours() -> None:
    assert earned_rank(SETTINGS, 99) == RANKS[2]
    assert earned_rank(SETTINGS, 100) == RANKS[4]
    assert earned_rank(SETTINGS, 0) == RANKS[0]
    assert earned_rank(CareerSettings(), 1000) is None
    assert earned_rank(CareerSettings(ranks=[Rank(name="A", hours=1)]), 0.5) is None


def test_transfer_hours_count_towards_promotion() -> None:
    events = decide(
        [flight("p1", 60), promoted("Cadet", None, "p1")],
        lambda c: c.set_transfer_minutes(T, SETTINGS, 9 * 60),
    )
    assert events[2:] == [
        TransferHoursSet(tenant_id=T, minutes=540),
        promoted("First Officer", "Cadet", None),
    ]
    career = Career.fold(U, events)
    assert (career.transfer_minutes, career.total_hours) == (540, 10)
    assert career.set_transfer_minutes(T, SETTINGS, 540) == []
    # with transfer hours, a flight crosses the next threshold
    assert career.credit(T, SETTINGS, flight("p2", 40 * 60))[1:] == [
        promoted("Captain", "First Officer", "p2")
    ]


def test_a_staff_rank_above_the_hours_is_kept_after_further_credits() -> None:
    events = decide(
        [flight("p1", 60), promoted("Cadet", None, "p1")], lambda c: c.set_rank(T, SETTINGS, "Chief Pilot")
    )
    assert events[-1] == staff("Chief Pilot", "Cadet")
    events = decide(events, lambda c: c.credit(T, SETTINGS, flight("p2", 20 * 60)))
    assert events[-1] == flight("p2", 20 * 60)  # no demotion to First Officer
    events = decide(events, lambda c: c.credit(T, SETTINGS, flight("p3", 80 * 60)))
    assert events[-1] == promoted("Senior Captain", "Chief Pilot", "p3")  # promotion above it still comes
    assert Career.fold(U, events).rank == "Senior Captain"


def test_staff_set_only_known_ranks_and_confirming_a_promotion_pins_it_once() -> None:
    career = Career.fold(U, [flight("p1", 60), promoted("Cadet", None, "p1")])
    with pytest.raises(NotFound):
        career.set_rank(T, SETTINGS, "Admiral")
    pinned = career.set_rank(T, SETTINGS, "Cadet")
    assert pinned == [staff("Cadet", "Cadet")]
    career = Career.fold(U, [flight("p1", 60), promoted("Cadet", None, "p1"), *pinned])
    assert career.set_rank(T, SETTINGS, "Cadet") == []
    assert career.set_rank(T, SETTINGS, "Captain") == [staff("Captain", "Cadet")]


# ---- debiting ----


def test_debiting_an_unknown_flight_records_nothing() -> None:
    assert Career(U).debit(T, SETTINGS, "p1") == []
    assert Career.fold(U, [flight("p1", 60)]).debit(T, SETTINGS, "p2") == []


def test_a_debit_takes_back_the_minutes_and_the_location() -> None:
    given = [flight("p1", 60), promoted("Cadet", None, "p1"), flight("p2", 30, "LFPG", "EDDF")]
    events = decide(given, lambda c: c.debit(T, SETTINGS, "p2"))
    assert events[len(given) :] == [FlightDebited(pirep_id="p2")]
    career = Career.fold(U, events)
    assert (career.flight_minutes, career.location, career.rank) == (60, "LFPG", "Cadet")
    assert career.debit(T, SETTINGS, "p2") == []  # once


def test_a_debit_takes_back_the_promotion_the_flight_earned() -> None:
    given = [
        flight("p1", 9 * 60),
        promoted("Cadet", None, "p1"),
        flight("p2", 60),
        promoted("First Officer", "Cadet", "p2"),
    ]
    events = Career.fold(U, given).debit(T, SETTINGS, "p2")
    assert events == [FlightDebited(pirep_id="p2"), promoted("Cadet", "First Officer", None)]
    career = Career.fold(U, [*given, *events])
    assert (career.rank, career.promotions, career.total_hours) == ("Cadet", {"p1": None}, 9)


def test_a_debit_of_a_flight_that_promoted_nobody_leaves_the_rank_earned_by_the_rest() -> None:
    given = [flight("p1", 10 * 60), promoted("First Officer", None, "p1"), flight("p2", 60)]
    assert Career.fold(U, given).debit(T, SETTINGS, "p2") == [FlightDebited(pirep_id="p2")]


def test_a_debit_takes_a_promotion_back_to_the_staff_rank_not_below() -> None:
    given = [
        flight("p1", 60),
        promoted("Cadet", None, "p1"),
        staff("First Officer", "Cadet"),
        flight("p2", 50 * 60),
        promoted("Captain", "First Officer", "p2"),
    ]
    events = Career.fold(U, given).debit(T, SETTINGS, "p2")
    assert events == [FlightDebited(pirep_id="p2"), promoted("First Officer", "Captain", None)]


def test_a_debit_never_takes_back_a_rank_staff_set_after_the_promotion() -> None:
    given = [
        flight("p1", 10 * 60),
        promoted("First Officer", None, "p1"),
        staff("Chief Pilot", "First Officer"),
    ]
    events = Career.fold(U, given).debit(T, SETTINGS, "p1")
    assert events == [FlightDebited(pirep_id="p1")]


def test_a_debit_of_a_middle_promotion_still_lets_the_remaining_hours_be_taken_back() -> None:
    # p1, p2 and p3 each promote; p2 is rejected (the rest still earn Captain), then p3 too.
    events: list[DomainEvent] = []
    for pirep_id, minutes in (("p1", 60), ("p2", 10 * 60), ("p3", 40 * 60)):
        events = decide(events, lambda c, p=pirep_id, m=minutes: c.credit(T, SETTINGS, flight(p, m)))
    assert Career.fold(U, events).rank == "Captain"
    events = decide(events, lambda c: c.debit(T, SETTINGS, "p2"))
    assert Career.fold(U, events).rank == "First Officer"  # 41 hours remain
    events = decide(events, lambda c: c.debit(T, SETTINGS, "p3"))
    career = Career.fold(U, events)
    assert (career.rank, career.total_hours) == ("Cadet", 1)


def test_rejecting_then_reaccepting_a_promoting_flight_gives_the_promotion_again() -> None:
    events = decide([], lambda c: c.credit(T, SETTINGS, flight("p1", 10 * 60)))
    events = decide(events, lambda c: c.debit(T, SETTINGS, "p1"))
    events = decide(events, lambda c: c.credit(T, SETTINGS, flight("p1", 10 * 60)))
    assert events[-1] == promoted("First Officer", "Cadet", "p1")


# ---- awards ----

TEN_FLIGHTS = award("ten-flights", "flights", count=2)
FIVE_HOURS = award("five-hours", "hours", count=5)
PARIS = award("paris", "route", departure="EGLL", arrival="LFPG", count=2)
JFK = award("jfk", "airport", airport="KJFK")
AWARDS = CareerSettings(ranks=RANKS, awards=[TEN_FLIGHTS, FIVE_HOURS, PARIS, JFK])


def test_award_rules_count_flights_hours_routes_and_airports() -> None:
    paris, back, jfk_in, jfk_out = (
        flight("a", 60),
        flight("b", 60, "LFPG", "EGLL"),
        flight("c", 60, "EGLL", "KJFK"),
        flight("d", 60, "KJFK", "EGLL"),
    )
    assert not award_earned(TEN_FLIGHTS.rule, [paris], 1)
    assert award_earned(TEN_FLIGHTS.rule, [paris, back], 2)
    assert not award_earned(FIVE_HOURS.rule, [], 4.99)
    assert award_earned(FIVE_HOURS.rule, [], 5)
    assert not award_earned(PARIS.rule, [paris, back], 2)  # the route has a direction
    assert award_earned(PARIS.rule, [paris, back, paris], 3)
    assert not award_earned(JFK.rule, [paris, back], 2)
    assert award_earned(JFK.rule, [jfk_in], 1)
    assert award_earned(JFK.rule, [jfk_out], 1)
    assert not award_earned(award("j2", "airport", airport="KJFK", count=2).rule, [jfk_in], 1)
    assert award_earned(award("j2", "airport", airport="KJFK", count=2).rule, [jfk_in, jfk_out], 2)


def test_a_credit_grants_the_awards_it_earns_naming_the_report() -> None:
    events = decide([], lambda c: c.credit(T, AWARDS, flight("p1", 60, "EGLL", "KJFK")))
    assert events == [flight("p1", 60, "EGLL", "KJFK"), promoted("Cadet", None, "p1"), granted(JFK, "p1")]
    events = decide(events, lambda c: c.credit(T, AWARDS, flight("p2", 4 * 60)))
    assert events[-2:] == [granted(TEN_FLIGHTS, "p2"), granted(FIVE_HOURS, "p2")]
    events = decide(events, lambda c: c.credit(T, AWARDS, flight("p3", 30)))
    assert events[-2:] == [flight("p3", 30), granted(PARIS, "p3")]
    assert Career.fold(U, events).awards == {
        "jfk": "p1",
        "ten-flights": "p2",
        "five-hours": "p2",
        "paris": "p3",
    }
    events = decide(events, lambda c: c.credit(T, AWARDS, flight("p4", 30)))
    assert events[-1] == flight("p4", 30)  # an award is granted once


def test_transfer_hours_earn_an_hours_award() -> None:
    events = Career(U).set_transfer_minutes(T, AWARDS, 5 * 60)
    assert events == [
        TransferHoursSet(tenant_id=T, minutes=300),
        promoted("Cadet", None, None),
        granted(FIVE_HOURS, None),
    ]


def test_a_debit_revokes_exactly_the_awards_no_longer_earned() -> None:
    events: list[DomainEvent] = []
    for pirep_id, minutes, arrival in (("p1", 60, "KJFK"), ("p2", 4 * 60, "LFPG"), ("p3", 60, "LFPG")):
        events = decide(
            events, lambda c, p=pirep_id, m=minutes, a=arrival: c.credit(T, AWARDS, flight(p, m, "EGLL", a))
        )
    assert set(Career.fold(U, events).awards) == {"jfk", "ten-flights", "five-hours", "paris"}
    # taking back p2: still 2 flights (p1, p3) but 2 hours, and one flight to Paris
    debit = Career.fold(U, events).debit(T, AWARDS, "p2")
    assert debit == [
        FlightDebited(pirep_id="p2"),
        AwardRevoked(award_id="five-hours", pirep_id="p2"),
        AwardRevoked(award_id="paris", pirep_id="p3"),
    ]
    assert Career.fold(U, [*events, *debit]).awards == {"jfk": "p1", "ten-flights": "p2"}


def test_a_revoked_award_is_granted_again_when_earned_again() -> None:
    events = decide([], lambda c: c.credit(T, AWARDS, flight("p1", 60, "EGLL", "KJFK")))
    events = decide(events, lambda c: c.debit(T, AWARDS, "p1"))
    assert events[-1] == AwardRevoked(award_id="jfk", pirep_id="p1")
    assert Career.fold(U, events).awards == {}
    events = decide(events, lambda c: c.credit(T, AWARDS, flight("p2", 60, "KJFK", "EGLL")))
    assert events[-1] == granted(JFK, "p2")


# ---- property: debits take back exactly ----

PROPERTY_RANKS = [
    Rank(name="R0", hours=0),
    Rank(name="R1", hours=1),
    Rank(name="R2", hours=2),
    Rank(name="R3", hours=3, auto_promote=False),
    Rank(name="R4", hours=4),
    Rank(name="R5", hours=6),
]
PROPERTY_SETTINGS = CareerSettings(
    ranks=PROPERTY_RANKS,
    awards=[
        award("two", "flights", count=2),
        award("five", "hours", count=5),
        award("route", "route", departure="EGLL", arrival="LFPG"),
        award("jfk", "airport", airport="KJFK", count=2),
    ],
)
RANK_NAMES = [r.name for r in PROPERTY_RANKS]

airports = st.sampled_from(["EGLL", "LFPG", "KJFK"])
credits = st.tuples(st.just("credit"), st.integers(0, 7), st.integers(0, 150), airports, airports)
debits = st.tuples(st.just("debit"), st.integers(0, 7))
operations = st.lists(st.one_of(credits, debits), max_size=30)


def run(
    operations: list[tuple[Any, ...]], transfer: int, staff_rank: tuple[int, str] | None
) -> tuple[Career, list[FlightCredited], bool]:
    """Carry out the operations on a career folded from its log; return it, the flights it
    should still hold (in the order credited) and whether a credit or debit followed staff's rank."""
    events: list[DomainEvent] = []
    if transfer:
        events = decide(events, lambda c: c.set_transfer_minutes(T, PROPERTY_SETTINGS, transfer))
    held: dict[str, FlightCredited] = {}
    settled_after_staff = False
    before = 0
    for step, (kind, n, *rest) in enumerate(operations):
        if staff_rank is not None and step == staff_rank[0]:
            events = decide(events, lambda c: c.set_rank(T, PROPERTY_SETTINGS, staff_rank[1]))
            before = len(events)
        elif staff_rank is not None and step > staff_rank[0] and len(events) > before:
            settled_after_staff = True
        pirep_id = f"p{n}"
        if kind == "credit":
            credited = FlightCredited(
                tenant_id=T, pirep_id=pirep_id, departure=rest[1], arrival=rest[2], minutes=rest[0], at=step
            )
            events = decide(events, lambda c, f=credited: c.credit(T, PROPERTY_SETTINGS, f))
            held.setdefault(pirep_id, credited)
        else:
            events = decide(events, lambda c, p=pirep_id: c.debit(T, PROPERTY_SETTINGS, p))
            held.pop(pirep_id, None)
    career = Career.fold(U, events)
    # the decisions applied their own events: folding the log agrees with what they saw
    assert list(career.flights.values()) == list(held.values())
    if staff_rank is not None and staff_rank[0] < len(operations) and len(events) > before:
        settled_after_staff = True
    return career, list(held.values()), settled_after_staff


def rebuilt(remaining: list[FlightCredited], transfer: int) -> Career:
    events: list[DomainEvent] = []
    if transfer:
        events = decide(events, lambda c: c.set_transfer_minutes(T, PROPERTY_SETTINGS, transfer))
    for credited in remaining:
        events = decide(events, lambda c, f=credited: c.credit(T, PROPERTY_SETTINGS, f))
    return Career.fold(U, events)


def first_rank_if_none(rank: str | None) -> str:
    return rank or RANK_NAMES[0]  # a pilot with no rank recorded holds the first


@settings(max_examples=300, deadline=None)
@given(operations=operations, transfer=st.sampled_from([0, 0, 90, 200]))
def test_any_credits_and_debits_equal_crediting_only_the_remaining_flights(
    operations: list[tuple[Any, ...]], transfer: int
) -> None:
    career, remaining, _ = run(operations, transfer, None)
    expected = rebuilt(remaining, transfer)
    assert career.flight_minutes == expected.flight_minutes
    assert career.location == expected.location
    assert set(career.awards) == set(expected.awards)
    assert first_rank_if_none(career.rank) == first_rank_if_none(expected.rank)
    earned = earned_rank(PROPERTY_SETTINGS, career.total_hours)
    assert earned is not None and first_rank_if_none(career.rank) == earned.name


@settings(max_examples=300, deadline=None)
@given(
    operations=operations,
    transfer=st.sampled_from([0, 90]),
    staff_rank=st.tuples(st.integers(0, 29), st.sampled_from(RANK_NAMES)),
)
def test_after_a_staff_decision_the_rank_is_the_higher_of_the_staff_rank_and_the_hours(
    operations: list[tuple[Any, ...]], transfer: int, staff_rank: tuple[int, str]
) -> None:
    career, remaining, settled = run(operations, transfer, staff_rank)
    expected = rebuilt(remaining, transfer)
    assert (career.flight_minutes, career.location, set(career.awards)) == (
        expected.flight_minutes,
        expected.location,
        set(expected.awards),
    )
    earned = earned_rank(PROPERTY_SETTINGS, career.total_hours)
    assert earned is not None
    held = RANK_NAMES.index(first_rank_if_none(career.rank))
    if staff_rank[0] < len(operations):
        # staff may set a rank below the hours; the next credit or debit promotes by the hours
        expected_rank = max(RANK_NAMES.index(staff_rank[1]), RANK_NAMES.index(earned.name))
        assert held == expected_rank if settled else held == RANK_NAMES.index(staff_rank[1])
    else:
        assert held == RANK_NAMES.index(earned.name)
