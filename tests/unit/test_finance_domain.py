"""Ledger rules as given-events / when-command / then-events (or then-error)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from albatross.finance.domain import (
    Expense,
    ExpenseFields,
    ExpenseRemoved,
    Expenses,
    ExpenseSet,
    FareSale,
    FlightCosting,
    Journal,
    JournalPosted,
    Line,
    due_periods,
    expense_account,
    flight_lines,
)
from albatross.kernel import InvalidInput, InvalidState, NotFound


def per_ledger(lines: list[Line]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.ledger] = totals.get(line.ledger, 0) + line.amount
    return totals


def us(day: str, hour: int = 12) -> int:
    d = date.fromisoformat(day)
    return int(datetime(d.year, d.month, d.day, hour, tzinfo=UTC).timestamp()) * 1_000_000


COSTING = FlightCosting(
    pilot_id="p1",
    fares=[FareSale(code="Y", price=20_000, count=150), FareSale(code="F", price=90_000, count=12)],
    fuel_used_lbs=10_000.5,
    fuel_price_per_lb=33.3,
    block_minutes=95,
    block_hour_cost=250_000,
    landing_fee=12_345,
    ground_handling_cost=50_000,
    ground_handling_multiplier_percent=150,
    pilot_pay=47_500,
)


# ---- a flight's lines ----


def test_a_flight_credits_fares_debits_each_cost_and_balances_cash_from_the_rounded_parts() -> None:
    lines = {(line.ledger, line.account): line.amount for line in flight_lines(COSTING)}
    revenue = 20_000 * 150 + 90_000 * 12
    fuel = round(10_000.5 * 33.3)  # 333016.65 -> 333017
    block = round(95 * 250_000 / 60)  # 395833.33 -> 395833
    ground = 75_000
    assert lines == {
        ("airline", "revenue:fares"): -revenue,
        ("airline", "expense:fuel"): fuel,
        ("airline", "expense:block_hours"): block,
        ("airline", "expense:landing_fees"): 12_345,
        ("airline", "expense:ground_handling"): ground,
        ("airline", "expense:pilot_pay"): 47_500,
        ("airline", "cash"): revenue - fuel - block - 12_345 - ground - 47_500,
        ("pilot:p1", "cash"): 47_500,
        ("pilot:p1", "income:pay"): -47_500,
    }
    assert per_ledger(flight_lines(COSTING)) == {"airline": 0, "pilot:p1": 0}


@pytest.mark.parametrize(
    ("costing", "accounts"),
    [
        (FlightCosting(pilot_id="p1"), None),  # nothing at all: no lines
        (FlightCosting(pilot_id="p1", pilot_pay=100), {"expense:pilot_pay", "cash", "income:pay"}),
        (
            FlightCosting(pilot_id="p1", fares=[FareSale(code="Y", price=100, count=2)]),
            {"revenue:fares", "cash"},
        ),
        (
            FlightCosting(pilot_id="p1", fares=[FareSale(code="Y", price=100, count=2)], landing_fee=200),
            {"revenue:fares", "expense:landing_fees"},  # cash nets to 0: left out
        ),
        (FlightCosting(pilot_id="p1", fuel_used_lbs=0.4, fuel_price_per_lb=1), None),  # rounds to 0
    ],
)
def test_zero_lines_are_left_out(costing: FlightCosting, accounts: set[str] | None) -> None:
    lines = flight_lines(costing)
    assert all(line.amount != 0 for line in lines)
    assert ({line.account for line in lines} or None) == accounts
    assert all(total == 0 for total in per_ledger(lines).values())


def test_a_negative_cost_names_its_field() -> None:
    with pytest.raises(InvalidInput) as error:
        flight_lines(FlightCosting(pilot_id="p1", landing_fee=-1))
    assert "landing_fee" in error.value.fields
    with pytest.raises(InvalidInput) as error:
        flight_lines(FlightCosting(pilot_id="p1", fuel_used_lbs=float("nan"), fuel_price_per_lb=1))
    assert "fuel_used_lbs" in error.value.fields


costings = st.builds(
    FlightCosting,
    pilot_id=st.from_regex(r"[a-z0-9-]{1,36}", fullmatch=True),
    fares=st.lists(
        st.builds(
            FareSale,
            code=st.sampled_from(["Y", "J", "F"]),
            price=st.integers(0, 10**7),
            count=st.integers(0, 500),
        ),
        max_size=4,
    ),
    fuel_used_lbs=st.floats(0, 1e6),
    fuel_price_per_lb=st.floats(0, 1e3),
    block_minutes=st.integers(0, 2000),
    block_hour_cost=st.floats(0, 1e7),
    landing_fee=st.floats(0, 1e7),
    ground_handling_cost=st.floats(0, 1e7),
    ground_handling_multiplier_percent=st.floats(0, 1000),
    pilot_pay=st.integers(0, 10**8),
)


@settings(max_examples=200, deadline=None)
@given(costing=costings, times=st.integers(1, 3))
def test_any_flight_balances_per_ledger_and_each_reversal_negates_it_exactly(
    costing: FlightCosting, times: int
) -> None:
    lines = flight_lines(costing)
    assert all(total == 0 for total in per_ledger(lines).values())
    if not lines:
        return
    journal = Journal("pirep:x")
    for n in range(times):  # accept -> reject, again and again
        [posted] = journal.post("t1", f"e{n}", "flight", "accepted", "x", lines, 1)
        journal.apply(posted)
        [reversal] = journal.reverse(f"r{n}", 2, "rejected")
        assert isinstance(reversal, JournalPosted) and reversal.kind == "flight_reversal"
        assert sorted((x.ledger, x.account, -x.amount) for x in reversal.lines) == sorted(
            (x.ledger, x.account, x.amount) for x in lines
        )
        journal.apply(reversal)
        assert journal.net == {} and not journal.open


# ---- journals ----


def test_accept_reject_accept_reject_nets_zero_even_when_the_costing_changed() -> None:
    journal = Journal("pirep:1")
    first = flight_lines(COSTING)
    second = flight_lines(FlightCosting(pilot_id="p1", pilot_pay=1_000, landing_fee=5))
    for n, lines in enumerate((first, second)):
        events = journal.post("t1", f"e{n}", "flight", "accepted", "1", lines, 1)
        for event in events:
            journal.apply(event)
        assert journal.open
        for event in journal.reverse(f"r{n}", 2, "rejected"):
            journal.apply(event)
        assert not journal.open and journal.net == {}
    assert journal.reverse("r9", 3, "again") == []  # nothing open: nothing to reverse


def test_posting_while_open_is_refused() -> None:
    journal = Journal.fold(
        "pirep:1",
        [
            JournalPosted(
                tenant_id="t1", entry_id="e", kind="flight", memo="", lines=flight_lines(COSTING), at=1
            )
        ],
    )
    with pytest.raises(InvalidState):
        journal.post("t1", "e2", "flight", "again", "1", flight_lines(COSTING), 2)


def test_another_airlines_journal_is_not_found() -> None:
    journal = Journal.fold(
        "pirep:1",
        [
            JournalPosted(
                tenant_id="t1", entry_id="e", kind="flight", memo="", lines=flight_lines(COSTING), at=1
            )
        ],
    )
    with pytest.raises(NotFound):
        journal.post("t2", "e2", "adjustment", "", None, [Line("airline", "cash", 0)], 2)


@pytest.mark.parametrize(
    "lines",
    [
        [],
        [Line("airline", "cash", 0)],
        [Line("airline", "cash", 100), Line("airline", "revenue:fares", -99)],
        # Balanced overall, but not per ledger: the airline cannot pay a pilot from thin air.
        [Line("airline", "cash", -100), Line("pilot:p1", "cash", 100)],
        [Line("bank", "cash", 100), Line("bank", "revenue:fares", -100)],
        [Line("airline", "Cash!", 100), Line("airline", "revenue:fares", -100)],
    ],
)
def test_an_unbalanced_empty_or_malformed_entry_is_refused(lines: list[Line]) -> None:
    with pytest.raises(InvalidInput) as error:
        Journal("adjust:1").post("t1", "e", "adjustment", "", None, lines, 1)
    assert "lines" in error.value.fields


def test_a_balanced_adjustment_is_posted_without_its_zero_lines() -> None:
    lines = [
        Line("airline", "cash", 100),
        Line("airline", "expense:misc", 0),
        Line("airline", "revenue:other", -100),
    ]
    [event] = Journal("adjust:1").post("t1", "e", "adjustment", "gift", None, lines, 1)
    assert isinstance(event, JournalPosted) and len(event.lines) == 2


# ---- recurring expenses ----

TODAY = date(2026, 11, 27)


def expense(**changes: object) -> Expense:
    fields: dict[str, object] = {
        "id": "x1",
        "name": "Rent",
        "amount": 1000,
        "period": "daily",
        "active": True,
        "starts": TODAY,
    }
    fields.update(changes)
    return Expense(**fields)  # type: ignore[arg-type]


def test_an_expense_starts_today_unless_told_otherwise_and_gets_a_clean_name() -> None:
    [event] = Expenses("t1").set(
        "x1", ExpenseFields(name="  Office   rent ", amount=5, period="monthly"), TODAY, new=True
    )
    assert event == ExpenseSet(
        tenant_id="t1",
        expense=Expense(id="x1", name="Office rent", amount=5, period="monthly", active=True, starts=TODAY),
    )
    assert expense_account("Office rent / HQ") == "expense:office_rent_hq"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (ExpenseFields(name="   ", amount=5, period="daily"), "name"),
        (ExpenseFields(name="Rent", amount=0, period="daily"), "amount"),
        (ExpenseFields(name="Rent", amount=5, period="weekly"), "period"),  # type: ignore[arg-type]
        (ExpenseFields(name="rent", amount=5, period="daily"), "name"),  # taken
    ],
)
def test_bad_expense_fields_are_named(fields: ExpenseFields, field: str) -> None:
    expenses = Expenses.fold("t1", [ExpenseSet(tenant_id="t1", expense=expense(id="x0"))])
    with pytest.raises(InvalidInput) as error:
        expenses.set("x1", fields, TODAY, new=True)
    assert field in error.value.fields


def test_a_begun_expense_cannot_start_earlier_and_restarts_today_when_switched_back_on() -> None:
    begun = expense(starts=date(2026, 11, 1), active=False)
    expenses = Expenses.fold("t1", [ExpenseSet(tenant_id="t1", expense=begun)])
    earlier = ExpenseFields(name="Rent", amount=1000, period="daily", starts=date(2026, 10, 1))
    with pytest.raises(InvalidInput) as error:
        expenses.set("x1", earlier, TODAY, new=False)
    assert "starts" in error.value.fields
    [event] = expenses.set("x1", ExpenseFields(name="Rent", amount=1000, period="daily"), TODAY, new=False)
    assert isinstance(event, ExpenseSet) and event.expense.starts == TODAY and event.expense.active
    with pytest.raises(NotFound):
        expenses.set("nope", earlier, TODAY, new=False)
    assert expenses.remove("x1") == [ExpenseRemoved(expense_id="x1")]
    with pytest.raises(NotFound):
        expenses.remove("nope")


@pytest.mark.parametrize(
    ("period", "starts", "now", "limit", "expected"),
    [
        ("daily", "2026-12-30", "2027-01-02", 10, ["2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"]),
        ("daily", "2026-02-27", "2026-03-01", 10, ["2026-02-27", "2026-02-28", "2026-03-01"]),
        ("daily", "2028-02-28", "2028-03-01", 10, ["2028-02-28", "2028-02-29", "2028-03-01"]),
        ("daily", "2026-12-30", "2027-01-02", 2, ["2026-12-30", "2026-12-31"]),
        ("daily", "2026-12-30", "2026-12-29", 10, []),  # not begun
        ("monthly", "2026-11-30", "2027-02-01", 10, ["2026-11", "2026-12", "2027-01", "2027-02"]),
        ("monthly", "2026-11-30", "2026-11-30", 10, ["2026-11"]),
        ("monthly", "2026-11-30", "2027-02-01", 1, ["2026-11"]),
        ("monthly", "2026-11-30", "2027-02-01", 0, []),
    ],
)
def test_due_periods_run_from_the_start_through_now_oldest_first(
    period: str, starts: str, now: str, limit: int, expected: list[str]
) -> None:
    assert due_periods(expense(period=period, starts=date.fromisoformat(starts)), us(now), limit) == expected


def test_a_day_is_a_utc_day() -> None:
    late = us("2026-11-27", 23) + 59 * 60 * 1_000_000
    assert due_periods(expense(), late, 10) == ["2026-11-27"]
    assert due_periods(expense(), late + 60 * 1_000_000, 10) == ["2026-11-27", "2026-11-28"]
