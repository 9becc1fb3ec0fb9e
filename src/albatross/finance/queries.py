"""Finance queries over the ledger lines. Every query is scoped to one airline and authorizes its
caller: the airline's books are for those who may read its finances, a pilot's pay also for them."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

import msgspec
from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from albatross.finance.domain import invalid, pilot_ledger, utc_day
from albatross.finance.projections import expenses, ledger_lines
from albatross.identity.policy import Action, Principal, authorize
from albatross.kernel.unit_of_work import now_us

Granularity = Literal["month", "day"]

MAX_PERIODS = {"month": 120, "day": 400}
"""A report covers at most this many periods (each is listed, with zeros where nothing happened)."""

_LEDGER = re.compile(r"^(airline|pilot:[A-Za-z0-9_.-]{1,64})$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Balance(msgspec.Struct, frozen=True):
    account: str
    balance: int
    """Minor units: positive a debit balance, negative a credit balance."""


class Balances(msgspec.Struct, frozen=True):
    ledger: str
    accounts: list[Balance]
    total: int
    """Always 0: every entry balances in every ledger."""


class ReportRow(msgspec.Struct, frozen=True):
    period: str
    revenue: int
    """Credits to revenue and income accounts, as a positive number."""
    expenses: dict[str, int]
    """Per expense account, debits positive."""
    net: int
    """Revenue less expenses."""


class Report(msgspec.Struct, frozen=True):
    ledger: str
    granularity: Granularity
    from_: str = msgspec.field(name="from")
    to: str = ""
    periods: list[ReportRow] = []
    totals: ReportRow | None = None


class EntryLine(msgspec.Struct, frozen=True):
    ledger: str
    account: str
    amount: int


class Entry(msgspec.Struct, frozen=True):
    entry_id: str
    kind: str
    memo: str
    reference: str | None
    at: int
    lines: list[EntryLine]


class EntryPage(msgspec.Struct, frozen=True):
    items: list[Entry]
    total: int
    limit: int
    offset: int


class ExpenseView(msgspec.Struct, frozen=True):
    id: str
    name: str
    amount: int
    period: str
    active: bool
    starts: str


def check_ledger(ledger: str) -> str:
    if not _LEDGER.match(ledger):
        raise invalid("ledger", '"airline" or "pilot:<user id>"')
    return ledger


def may_read(principal: Principal, tenant_id: str, ledger: str | None) -> None:
    """Another airline's books are not found; one's own pay ledger is one's own to read."""
    if ledger is not None and ledger == pilot_ledger(principal.user_id):
        authorize(principal, Action.FLY, tenant_id)
    else:
        authorize(principal, Action.READ_FINANCES, tenant_id)


def _period(value: str, granularity: Granularity, field: str) -> date:
    try:
        if granularity == "month":
            if not _MONTH.match(value):
                raise ValueError(value)
            found = date.fromisoformat(f"{value}-01")
        else:
            if len(value) != 10:
                raise ValueError(value)
            found = date.fromisoformat(value)
    except ValueError:
        raise invalid(field, "YYYY-MM" if granularity == "month" else "YYYY-MM-DD") from None
    if not 1970 <= found.year <= 9998:  # a default range reaches back from here: keep it in the calendar
        raise invalid(field, "a date from 1970 to 9998")
    return found


def _periods(first: date, last: date, granularity: Granularity) -> list[str]:
    if granularity == "day":
        return [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    start = first.year * 12 + first.month - 1
    end = last.year * 12 + last.month - 1
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(start, end + 1)]


def _row(period: str, amounts: dict[str, int]) -> ReportRow:
    revenue = -sum(v for a, v in amounts.items() if a.startswith(("revenue:", "income:")))
    spent = {a: v for a, v in sorted(amounts.items()) if a.startswith("expense:")}
    return ReportRow(period, revenue, spent, revenue - sum(spent.values()))


class FinanceQueries:
    def __init__(self, reader: AsyncEngine) -> None:
        self.reader = reader

    async def balances(self, principal: Principal, tenant_id: str, ledger: str) -> Balances:
        may_read(principal, tenant_id, ledger)
        check_ledger(ledger)
        query = (
            select(ledger_lines.c.account, func.sum(ledger_lines.c.amount))
            .where(ledger_lines.c.tenant_id == tenant_id, ledger_lines.c.ledger == ledger)
            .group_by(ledger_lines.c.account)
            .order_by(ledger_lines.c.account)
        )
        async with self.reader.connect() as conn:
            rows = (await conn.execute(query)).all()
        accounts = [Balance(account, int(total)) for account, total in rows if int(total) != 0]
        return Balances(ledger, accounts, sum(b.balance for b in accounts))

    async def report(
        self,
        principal: Principal,
        tenant_id: str,
        ledger: str,
        granularity: Granularity = "month",
        from_: str | None = None,
        to: str | None = None,
    ) -> Report:
        """Revenue, each expense account and the net per period from `from_` through `to`
        (inclusive; by default the last 12 months or 31 days up to today), with totals."""
        may_read(principal, tenant_id, ledger)
        check_ledger(ledger)
        if granularity not in ("month", "day"):
            raise invalid("granularity", "month or day")
        today = utc_day(now_us())
        last = _period(to, granularity, "to") if to else today
        if from_:
            first = _period(from_, granularity, "from")
        elif granularity == "day":
            first = last - timedelta(days=30)
        else:
            months = last.year * 12 + last.month - 1 - 11
            first = date(months // 12, months % 12 + 1, 1)
        if first > last:
            raise invalid("from", "after 'to'")
        periods = _periods(first, last, granularity)
        if len(periods) > MAX_PERIODS[granularity]:
            raise invalid("from", f"a report covers at most {MAX_PERIODS[granularity]} {granularity}s")
        column = ledger_lines.c.month if granularity == "month" else ledger_lines.c.day
        query = (
            select(column, ledger_lines.c.account, func.sum(ledger_lines.c.amount))
            .where(
                ledger_lines.c.tenant_id == tenant_id,
                ledger_lines.c.ledger == ledger,
                column >= periods[0],
                column <= periods[-1],
            )
            .group_by(column, ledger_lines.c.account)
        )
        async with self.reader.connect() as conn:
            rows = (await conn.execute(query)).all()
        per_period: dict[str, dict[str, int]] = {p: {} for p in periods}
        overall: dict[str, int] = {}
        for period, account, total in rows:
            per_period[period][account] = int(total)
            overall[account] = overall.get(account, 0) + int(total)
        return Report(
            ledger,
            granularity,
            periods[0],
            periods[-1],
            [_row(p, amounts) for p, amounts in per_period.items()],
            _row("total", overall),
        )

    async def entries(
        self,
        principal: Principal,
        tenant_id: str,
        ledger: str | None,
        limit: int = 50,
        offset: int = 0,
        reference: str | None = None,
    ) -> EntryPage:
        """Journal entries, newest first; with a ledger, only the entries (and lines) of it."""
        may_read(principal, tenant_id, ledger)
        where = [ledger_lines.c.tenant_id == tenant_id]
        if ledger is not None:
            where.append(ledger_lines.c.ledger == check_ledger(ledger))
        if reference is not None:
            where.append(ledger_lines.c.reference == reference)
        heads = (
            select(ledger_lines.c.entry_id, func.max(ledger_lines.c.at).label("at"))
            .where(*where)
            .group_by(ledger_lines.c.entry_id)
        )
        count = select(func.count(func.distinct(ledger_lines.c.entry_id))).where(*where)
        page = (
            heads.order_by(func.max(ledger_lines.c.at).desc(), ledger_lines.c.entry_id)
            .limit(limit)
            .offset(offset)
        )
        async with self.reader.connect() as conn:
            total = int((await conn.execute(count)).scalar_one())
            ids = [row[0] for row in (await conn.execute(page)).all()]
            lines = (
                (
                    await conn.execute(
                        select(ledger_lines)
                        .where(and_(*where), ledger_lines.c.entry_id.in_(ids))
                        .order_by(ledger_lines.c.entry_id, ledger_lines.c.line_no)
                    )
                )
                .mappings()
                .all()
                if ids
                else []
            )
        grouped: dict[str, list[dict[str, object]]] = {}
        for line in lines:
            grouped.setdefault(str(line["entry_id"]), []).append(dict(line))
        items = []
        for entry_id in ids:
            rows = grouped.get(entry_id, [])
            if not rows:
                continue
            head = rows[0]
            items.append(
                Entry(
                    entry_id,
                    str(head["kind"]),
                    str(head["memo"]),
                    head["reference"],  # type: ignore[arg-type]
                    int(head["at"]),  # type: ignore[call-overload]
                    [EntryLine(str(r["ledger"]), str(r["account"]), int(r["amount"])) for r in rows],  # type: ignore[call-overload]
                )
            )
        return EntryPage(items, total, limit, offset)

    async def expenses(self, principal: Principal, tenant_id: str) -> list[ExpenseView]:
        may_read(principal, tenant_id, None)
        query = select(expenses).where(expenses.c.tenant_id == tenant_id).order_by(expenses.c.name)
        async with self.reader.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [
            ExpenseView(r["id"], r["name"], int(r["amount"]), r["period"], bool(r["active"]), r["starts"])
            for r in rows
        ]

    async def trial_balance(self, principal: Principal, tenant_id: str) -> dict[str, int]:
        """Per ledger, the sum of every line: 0 for each, or the books are broken."""
        may_read(principal, tenant_id, None)
        query = (
            select(ledger_lines.c.ledger, func.sum(ledger_lines.c.amount))
            .where(ledger_lines.c.tenant_id == tenant_id)
            .group_by(ledger_lines.c.ledger)
        )
        async with self.reader.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {ledger: int(total) for ledger, total in rows}
