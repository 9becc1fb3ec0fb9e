"""The PIREP checks and auto-accept rules: pure functions of the report's numbers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from albatross.flights.checks import (
    CHECK_TITLES,
    MAX_BLOCK_SPEED_KT,
    MIN_BLOCK_SPEED_KT,
    CheckFailed,
    auto_accept_rule,
    plausible_time,
)
from albatross.kernel import DomainError
from albatross.operations.domain import AutoAcceptRule

# ---- plausible flight time ----


@pytest.mark.parametrize(("distance", "minutes"), [(300, 60), (700, 60), (30, 60), (5000, 600), (50, 100)])
def test_a_believable_time_passes(distance: float, minutes: int) -> None:
    plausible_time(distance, minutes)


@pytest.mark.parametrize("minutes", [0, -1, -600])
@pytest.mark.parametrize("distance", [0, 10, 300])
def test_no_flight_takes_zero_minutes(distance: float, minutes: int) -> None:
    with pytest.raises(CheckFailed) as error:
        plausible_time(distance, minutes)
    assert error.value.code == "pirep-implausible-time"
    assert error.value.fields == {"flight_time": "flight_time: must be more than 0 minutes"}


def test_too_fast_is_refused_with_the_speed() -> None:
    with pytest.raises(CheckFailed) as error:
        plausible_time(600, 30)
    assert error.value.code == "pirep-implausible-time"
    assert "1200 kt" in error.value.detail and "too fast" in error.value.detail
    assert list(error.value.fields) == ["flight_time"]


def test_too_slow_is_refused_with_the_speed() -> None:
    with pytest.raises(CheckFailed) as error:
        plausible_time(500, 1200)
    assert error.value.code == "pirep-implausible-time"
    assert "25 kt" in error.value.detail and "too slow" in error.value.detail


@pytest.mark.parametrize("minutes", [1, 5, 10_000])
def test_circuits_and_short_hops_may_take_any_time(minutes: int) -> None:
    plausible_time(49.9, minutes)
    plausible_time(0, minutes)


def test_a_hop_of_50_nmi_is_checked() -> None:
    with pytest.raises(CheckFailed, match="too fast"):
        plausible_time(50, 1)
    with pytest.raises(CheckFailed, match="too slow"):
        plausible_time(50, 101)


def test_the_limits_themselves_are_believable() -> None:
    plausible_time(MAX_BLOCK_SPEED_KT, 60)
    plausible_time(MIN_BLOCK_SPEED_KT * 2, 120)


@given(distance=st.floats(50, 13000), minutes=st.integers(1, 2000))
def test_a_time_fails_exactly_when_the_block_speed_is_out_of_bounds(distance: float, minutes: int) -> None:
    speed = distance / (minutes / 60)
    try:
        plausible_time(distance, minutes)
    except CheckFailed as error:
        assert not MIN_BLOCK_SPEED_KT <= speed <= MAX_BLOCK_SPEED_KT
        assert error.code == "pirep-implausible-time"
    else:
        assert MIN_BLOCK_SPEED_KT <= speed <= MAX_BLOCK_SPEED_KT


def test_a_failed_check_is_a_domain_error_with_a_titled_code() -> None:
    failure = CheckFailed("pirep-pilot-elsewhere", "departure: you are at EGLL", "departure")
    assert isinstance(failure, DomainError)
    assert (failure.code, failure.detail, failure.fields) == (
        "pirep-pilot-elsewhere",
        "departure: you are at EGLL",
        {"departure": "departure: you are at EGLL"},
    )
    assert "pirep-implausible-time" in CHECK_TITLES
    assert all(code.startswith("pirep-") and title for code, title in CHECK_TITLES.items())


# ---- auto-accept rules ----

PIREP: dict[str, Any] = dict(
    rank="Captain", source="tracked", landing_rate_fpm=-150.0, minutes=105, planned_minutes=100
)


def first_rule(rules: list[AutoAcceptRule], **changes: Any) -> str | None:
    return auto_accept_rule(rules, **{**PIREP, **changes})


def test_no_rules_leave_every_report_for_review() -> None:
    assert first_rule([]) is None


def test_a_rule_without_conditions_accepts_every_report() -> None:
    assert first_rule([AutoAcceptRule()]) == "auto-accept rule 1: every PIREP"
    assert first_rule([AutoAcceptRule()], rank=None, landing_rate_fpm=None, minutes=None) == (
        "auto-accept rule 1: every PIREP"
    )


def test_the_first_matching_rule_decides_and_is_described() -> None:
    rules = [
        AutoAcceptRule(rank="Cadet"),
        AutoAcceptRule(source="tracked", max_landing_rate_fpm=200),
        AutoAcceptRule(),
    ]
    assert first_rule(rules) == "auto-accept rule 2: tracked report, landing rate 150 <= 200 fpm"
    assert first_rule(rules, landing_rate_fpm=-400) == "auto-accept rule 3: every PIREP"
    assert first_rule(rules, rank="Cadet") == "auto-accept rule 1: rank Cadet"


def test_every_condition_is_described_in_order() -> None:
    rule = AutoAcceptRule(
        rank="Captain", source="tracked", max_landing_rate_fpm=200, max_time_deviation_percent=10
    )
    assert first_rule([rule]) == (
        "auto-accept rule 1: rank Captain, tracked report, landing rate 150 <= 200 fpm, "
        "flight time 5% off plan <= 10%"
    )


def test_no_matching_rule_leaves_the_report_for_review() -> None:
    rules = [AutoAcceptRule(rank="Cadet"), AutoAcceptRule(source="manual")]
    assert first_rule(rules) is None


def test_the_rank_must_match() -> None:
    rule = AutoAcceptRule(rank="Captain")
    assert first_rule([rule]) == "auto-accept rule 1: rank Captain"
    assert first_rule([rule], rank="First Officer") is None
    assert first_rule([rule], rank=None) is None


def test_the_source_must_match() -> None:
    assert first_rule([AutoAcceptRule(source="manual")]) is None
    assert (
        first_rule([AutoAcceptRule(source="manual")], source="manual") == "auto-accept rule 1: manual report"
    )


@pytest.mark.parametrize(
    ("rate", "accepted"),
    [
        (-150.0, True),
        (-200.0, True),
        (200.0, True),
        (-200.5, False),
        (-600.0, False),
        (0.0, True),
        (None, False),
    ],
)
def test_the_landing_rate_is_compared_by_size_and_a_missing_one_never_passes(
    rate: float | None, accepted: bool
) -> None:
    result = first_rule([AutoAcceptRule(max_landing_rate_fpm=200)], landing_rate_fpm=rate)
    assert (result is not None) == accepted
    if accepted:
        assert result == f"auto-accept rule 1: landing rate {abs(rate or 0):.0f} <= 200 fpm"


@pytest.mark.parametrize(
    ("minutes", "planned", "accepted"),
    [
        (100, 100, True),
        (110, 100, True),
        (90, 100, True),
        (111, 100, False),
        (89, 100, False),
        (None, 100, False),
        (100, None, False),
        (100, 0, False),
        (0, 100, False),
        (None, None, False),
    ],
)
def test_the_time_deviation_needs_both_times_and_stays_within_the_percentage(
    minutes: int | None, planned: int | None, accepted: bool
) -> None:
    result = first_rule(
        [AutoAcceptRule(max_time_deviation_percent=10)], minutes=minutes, planned_minutes=planned
    )
    assert (result is not None) == accepted


def test_a_missing_planned_time_skips_to_the_next_rule() -> None:
    rules = [AutoAcceptRule(max_time_deviation_percent=50), AutoAcceptRule(source="tracked")]
    assert first_rule(rules, planned_minutes=None) == "auto-accept rule 2: tracked report"
    assert first_rule(rules) == "auto-accept rule 1: flight time 5% off plan <= 50%"


def test_a_zero_deviation_allowance_accepts_only_the_planned_time() -> None:
    rule = AutoAcceptRule(max_time_deviation_percent=0)
    assert (
        first_rule([rule], minutes=100, planned_minutes=100)
        == "auto-accept rule 1: flight time 0% off plan <= 0%"
    )
    assert first_rule([rule], minutes=101, planned_minutes=100) is None


@given(
    rules=st.lists(
        st.builds(
            AutoAcceptRule,
            rank=st.sampled_from([None, "Captain", "Cadet"]),
            source=st.sampled_from([None, "manual", "tracked"]),
            max_landing_rate_fpm=st.one_of(st.none(), st.integers(0, 500)),
            max_time_deviation_percent=st.one_of(st.none(), st.integers(0, 30)),
        ),
        max_size=5,
    ),
    rate=st.one_of(st.none(), st.floats(-800, 800)),
    minutes=st.one_of(st.none(), st.integers(0, 300)),
    planned=st.one_of(st.none(), st.integers(0, 300)),
)
def test_the_rule_named_is_the_first_whose_every_condition_holds(
    rules: list[AutoAcceptRule], rate: float | None, minutes: int | None, planned: int | None
) -> None:
    def holds(rule: AutoAcceptRule) -> bool:
        return (
            (rule.rank is None or rule.rank == "Captain")
            and (rule.source is None or rule.source == "tracked")
            and (
                rule.max_landing_rate_fpm is None
                or (rate is not None and abs(rate) <= rule.max_landing_rate_fpm)
            )
            and (
                rule.max_time_deviation_percent is None
                or (
                    bool(minutes)
                    and bool(planned)
                    and abs(minutes - planned) / planned * 100 <= rule.max_time_deviation_percent  # type: ignore[operator]
                )
            )
        )

    result = first_rule(rules, landing_rate_fpm=rate, minutes=minutes, planned_minutes=planned)
    matching = [n for n, rule in enumerate(rules, 1) if holds(rule)]
    if matching:
        assert result is not None and result.startswith(f"auto-accept rule {matching[0]}: ")
    else:
        assert result is None
