"""The airline's books: a double-entry ledger per airline and per pilot, amounts in integer
minor currency units (cents). Pure: no I/O.

Every journal entry balances to zero in each ledger it touches, so the airline's ledger and each
pilot's ledger balance on their own. A line's amount is a debit when positive, a credit when
negative. Accounts: the airline's `cash`, `revenue:fares`, `expense:<kind>`; a pilot's `cash`
and `income:pay`.

A journal (stream `journal-<id>`, the id chosen by the caller: `pirep:<id>` for a flight,
`expense:<tenant>:<expense id>:<period>` for one period of a recurring expense) holds what was
posted about one thing; a reversal negates exactly what is posted there and not yet reversed.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

import msgspec

from albatross.kernel import Aggregate, DomainEvent, InvalidState, NotFound, registry
from albatross.operations.domain import invalid

MAX_AMOUNT = 10**15
"""The largest amount one line may carry (in minor units), far inside a 64-bit column."""

AIRLINE = "airline"


def pilot_ledger(user_id: str) -> str:
    return f"pilot:{user_id}"


_LEDGER = re.compile(r"^(airline|pilot:[A-Za-z0-9_.-]{1,64})$")
_ACCOUNT = re.compile(r"^[a-z][a-z0-9_]*(:[a-z0-9][a-z0-9_-]*)*$")


class Line(msgspec.Struct, frozen=True):
    ledger: Annotated[str, msgspec.Meta(pattern=_LEDGER.pattern)]
    """"airline" or "pilot:<user id>"."""
    account: Annotated[str, msgspec.Meta(pattern=_ACCOUNT.pattern, max_length=100)]
    amount: int
    """Minor units: positive debit, negative credit."""


Kind = Literal["flight", "flight_reversal", "expense", "adjustment"]


@registry.event("JournalPosted")
class JournalPosted(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    entry_id: str
    kind: Kind
    memo: str
    reference: str | None = None
    """What the entry is about: a PIREP id, an expense period."""
    lines: list[Line]
    at: int
    """When it counts in the books: microseconds since the epoch (UTC)."""


def check_lines(lines: list[Line]) -> list[Line]:
    """The lines without zero amounts; InvalidInput unless they balance in every ledger."""
    kept = [line for line in lines if line.amount != 0]
    if not kept:
        raise invalid("lines", "an entry needs at least one non-zero line")
    totals: dict[str, int] = {}
    for line in kept:
        if not _LEDGER.match(line.ledger):
            raise invalid("lines", f"unknown ledger {line.ledger[:80]!r}")
        if len(line.account) > 100 or not _ACCOUNT.match(line.account):
            raise invalid("lines", f"bad account name {line.account[:100]!r}")
        if not isinstance(line.amount, int) or isinstance(line.amount, bool) or abs(line.amount) > MAX_AMOUNT:
            raise invalid("lines", f"amounts are whole minor units of at most {MAX_AMOUNT}")
        totals[line.ledger] = totals.get(line.ledger, 0) + line.amount
    unbalanced = {ledger: total for ledger, total in totals.items() if total != 0}
    if unbalanced:
        detail = ", ".join(f"{ledger} by {total}" for ledger, total in sorted(unbalanced.items()))
        raise invalid("lines", f"the entry does not balance: {detail}")
    return kept


class Journal(Aggregate):
    """What is posted about one thing (a flight, one period of an expense)."""

    stream_type = "journal"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.net: dict[tuple[str, str], int] = {}
        """Per (ledger, account): what all entries here add up to."""
        self.open = False
        """Something is posted and not reversed."""
        self.entries: list[str] = []
        self.reference: str | None = None

    def post(
        self,
        tenant_id: str,
        entry_id: str,
        kind: Kind,
        memo: str,
        reference: str | None,
        lines: list[Line],
        at: int,
    ) -> list[DomainEvent]:
        if self.tenant_id not in (None, tenant_id):
            raise NotFound("No such journal.")
        if self.open:
            raise InvalidState("Something is already posted here; reverse it first.")
        if kind == "flight_reversal":
            raise invalid("kind", "reversals come from reverse()")
        kept = check_lines(lines)
        self.tenant_id = tenant_id
        return [
            JournalPosted(
                tenant_id=tenant_id,
                entry_id=entry_id,
                kind=kind,
                memo=memo[:500],
                reference=reference,
                lines=kept,
                at=at,
            )
        ]

    def reverse(self, entry_id: str, at: int, memo: str) -> list[DomainEvent]:
        """The exact negation of what is posted here and not yet reversed; nothing when nothing is."""
        lines = [
            Line(ledger, account, -amount) for (ledger, account), amount in self.net.items() if amount != 0
        ]
        if not self.open or not lines or self.tenant_id is None:
            return []
        return [
            JournalPosted(
                tenant_id=self.tenant_id,
                entry_id=entry_id,
                kind="flight_reversal",
                memo=memo[:500],
                reference=self.reference,
                lines=lines,
                at=at,
            )
        ]

    def apply(self, event: DomainEvent) -> None:
        if isinstance(event, JournalPosted):
            self.tenant_id = event.tenant_id
            self.entries.append(event.entry_id)
            for line in event.lines:
                key = (line.ledger, line.account)
                total = self.net.get(key, 0) + line.amount
                if total:
                    self.net[key] = total
                else:
                    self.net.pop(key, None)
            if event.kind == "flight_reversal":
                self.open = False
            else:
                self.open = True
                self.reference = event.reference


# ---- what a flight earns and costs ----

Minor = Annotated[float, msgspec.Meta(ge=0, le=1e12)]


class FareSale(msgspec.Struct, frozen=True, kw_only=True):
    code: Annotated[str, msgspec.Meta(max_length=20)]
    price: Annotated[int, msgspec.Meta(ge=0, le=10**9)]
    """Minor units per seat."""
    count: Annotated[int, msgspec.Meta(ge=0, le=100_000)]


class FlightCosting(msgspec.Struct, frozen=True, kw_only=True):
    """What the flights context decided a flight earned and cost; minor units throughout."""

    pilot_id: str
    fares: list[FareSale] = []
    fuel_used_lbs: Annotated[float, msgspec.Meta(ge=0, le=1e7)] = 0.0
    fuel_price_per_lb: Minor = 0.0
    block_minutes: Annotated[int, msgspec.Meta(ge=0, le=100_000)] = 0
    block_hour_cost: Minor = 0.0
    """Per hour of block time."""
    landing_fee: Minor = 0.0
    ground_handling_cost: Minor = 0.0
    ground_handling_multiplier_percent: Annotated[float, msgspec.Meta(ge=0, le=1000)] = 100.0
    pilot_pay: Annotated[int, msgspec.Meta(ge=0, le=10**12)] = 0
    """Already decided by the caller (rank rate x hours, or the flight's fixed pay)."""


def _rounded(value: float, field: str) -> int:
    """Half up, once; InvalidInput for a negative, infinite or absurd value."""
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise invalid(field, "a finite number")
    if value < 0:
        raise invalid(field, "must not be negative")
    amount = math.floor(value + 0.5)
    if amount > MAX_AMOUNT:
        raise invalid(field, f"at most {MAX_AMOUNT} minor units")
    return int(amount)


def flight_lines(costing: FlightCosting) -> list[Line]:
    """The airline's revenue and costs of a flight, and the pilot's pay, as balanced lines.

    Each component is rounded to whole minor units once; cash is computed from the rounded
    parts, so the entry balances exactly. Zero lines are left out.
    """
    revenue = 0
    for n, fare in enumerate(costing.fares):
        revenue += _rounded(fare.price, f"fares[{n}].price") * _rounded(fare.count, f"fares[{n}].count")
    revenue = _rounded(revenue, "fares")
    fuel = _number(costing.fuel_used_lbs, "fuel_used_lbs") * _number(
        costing.fuel_price_per_lb, "fuel_price_per_lb"
    )
    block = _number(costing.block_minutes, "block_minutes") * _number(
        costing.block_hour_cost, "block_hour_cost"
    )
    ground = _number(costing.ground_handling_cost, "ground_handling_cost") * _number(
        costing.ground_handling_multiplier_percent, "ground_handling_multiplier_percent"
    )
    expenses = {
        "expense:fuel": _rounded(fuel, "fuel_price_per_lb"),
        "expense:block_hours": _rounded(block / 60, "block_hour_cost"),
        "expense:landing_fees": _rounded(costing.landing_fee, "landing_fee"),
        "expense:ground_handling": _rounded(ground / 100, "ground_handling_cost"),
        "expense:pilot_pay": _rounded(costing.pilot_pay, "pilot_pay"),
    }
    cash = revenue - sum(expenses.values())
    lines = [Line(AIRLINE, "revenue:fares", -revenue)]
    lines += [Line(AIRLINE, account, amount) for account, amount in expenses.items()]
    lines.append(Line(AIRLINE, "cash", cash))
    pay = expenses["expense:pilot_pay"]
    if pay:
        if not costing.pilot_id or not _LEDGER.match(pilot_ledger(costing.pilot_id)):
            raise invalid("pilot_id", "a user id")
        ledger = pilot_ledger(costing.pilot_id)
        lines += [Line(ledger, "cash", pay), Line(ledger, "income:pay", -pay)]
    return [line for line in lines if line.amount != 0]


def _number(value: float, field: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise invalid(field, "a finite number")
    if value < 0:
        raise invalid(field, "must not be negative")
    return float(value)


# ---- recurring expenses ----

Period = Literal["daily", "monthly"]


class ExpenseFields(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What staff say about a recurring expense."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    amount: Annotated[int, msgspec.Meta(ge=1, le=10**12)]
    """Minor units per period."""
    period: Period
    active: bool = True
    starts: date | None = None
    """The first day it is charged (UTC); none: today."""


class Expense(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    amount: Annotated[int, msgspec.Meta(ge=1, le=10**12)]
    period: Period
    active: bool
    starts: date


@registry.event("ExpenseSet")
class ExpenseSet(DomainEvent, frozen=True, kw_only=True):
    tenant_id: str
    expense: Expense


@registry.event("ExpenseRemoved")
class ExpenseRemoved(DomainEvent, frozen=True, kw_only=True):
    expense_id: str


def expense_account(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:60]
    return f"expense:{slug or 'other'}"


class Expenses(Aggregate):
    """An airline's recurring expenses (stream `expenses-<tenant id>`)."""

    stream_type = "expenses"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.tenant_id = id
        self.items: dict[str, Expense] = {}

    def set(self, expense_id: str, fields: ExpenseFields, today: date, *, new: bool) -> list[DomainEvent]:
        """Add (`new`) or change an expense.

        A schedule never charges a period twice nor skips one: an expense switched back on, or
        moved to another period, is charged again from the period containing today (what fell
        while it was off is not charged), and once it has begun its start cannot move earlier."""
        old = self.items.get(expense_id)
        if new and old is not None:
            raise invalid("id", "exists")
        if not new and old is None:
            raise NotFound("No such expense.")
        name = " ".join(fields.name.split())
        if not 1 <= len(name) <= 80:
            raise invalid("name", "1 to 80 characters")
        if (
            isinstance(fields.amount, bool)
            or not isinstance(fields.amount, int)
            or not 0 < fields.amount <= 10**12
        ):
            raise invalid("amount", "whole minor units, more than 0")
        if fields.period not in ("daily", "monthly"):
            raise invalid("period", "daily or monthly")
        if any(e.id != expense_id and e.name.lower() == name.lower() for e in self.items.values()):
            raise invalid("name", "another expense has this name")
        starts = fields.starts or today
        moved = fields.starts is not None and (old is None or fields.starts != old.starts)
        if moved and fields.starts is not None and (today - fields.starts).days > 366:
            # The clock catches up every period from the start: a year back is history enough.
            raise invalid("starts", "at most a year ago")
        if old is not None:
            if fields.starts is None:
                starts = old.starts
            if old.starts <= today and starts < old.starts:
                raise invalid("starts", f"it has begun: it cannot move before {old.starts.isoformat()}")
            if (fields.active and not old.active) or fields.period != old.period:
                starts = max(starts, today)
        expense = Expense(
            id=expense_id,
            name=name,
            amount=fields.amount,
            period=fields.period,
            active=fields.active,
            starts=starts,
        )
        if expense == old:
            return []
        return [ExpenseSet(tenant_id=self.id, expense=expense)]

    def remove(self, expense_id: str) -> list[DomainEvent]:
        if expense_id not in self.items:
            raise NotFound("No such expense.")
        return [ExpenseRemoved(expense_id=expense_id)]

    def apply(self, event: DomainEvent) -> None:
        match event:
            case ExpenseSet(expense=expense):
                self.items[expense.id] = expense
            case ExpenseRemoved(expense_id=expense_id):
                self.items.pop(expense_id, None)


def utc_day(at_us: int) -> date:
    return datetime.fromtimestamp(at_us / 1_000_000, UTC).date()


def period_count(expense: Expense, now_us: int) -> int:
    """How many periods are due: from the one `starts` is in through the one containing now."""
    today = utc_day(now_us)
    if today < expense.starts:
        return 0
    if expense.period == "daily":
        return (today - expense.starts).days + 1
    return (today.year * 12 + today.month) - (expense.starts.year * 12 + expense.starts.month) + 1


def period_key(expense: Expense, index: int) -> str:
    """The `index`th period of the expense (0: the one `starts` is in): "2026-11-27" or "2026-11"."""
    if expense.period == "daily":
        return (expense.starts + timedelta(days=index)).isoformat()
    months = expense.starts.year * 12 + expense.starts.month - 1 + index
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


def due_periods(expense: Expense, now_us: int, limit: int) -> list[str]:
    """The period keys from `starts` through the period containing now (UTC), oldest first,
    at most `limit`."""
    return [period_key(expense, i) for i in range(min(period_count(expense, now_us), max(limit, 0)))]


def period_start_us(period: str) -> int:
    """When a period begins (for an expense entry's `at`)."""
    day = date.fromisoformat(period if len(period) == 10 else f"{period}-01")
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1_000_000


def expense_lines(expense: Expense) -> list[Line]:
    return [
        Line(AIRLINE, expense_account(expense.name), expense.amount),
        Line(AIRLINE, "cash", -expense.amount),
    ]
