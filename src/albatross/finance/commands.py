"""Finance commands: staff manage recurring expenses; the expense clock posts what is due; the
flights context posts and reverses a flight's entry inside its own unit of work."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from albatross.finance.domain import (
    Expense,
    ExpenseFields,
    Expenses,
    FlightCosting,
    Journal,
    Kind,
    Line,
    expense_lines,
    flight_lines,
    period_count,
    period_key,
    period_start_us,
    utc_day,
)
from albatross.identity.commands import IdentityDeps, run
from albatross.identity.domain import Tenant
from albatross.identity.policy import Action, Principal, authorize
from albatross.kernel import CommandResult, Context, NotFound, UnitOfWork
from albatross.kernel.unit_of_work import now_us

log = logging.getLogger("albatross.finance")

POSTING_LIMIT = 1000
"""At most this many expense periods are posted per airline per call; the next call goes on."""


async def _tenant(uow: UnitOfWork, tenant_id: str) -> Tenant:
    tenant = await uow.load(Tenant, tenant_id)
    if not tenant.exists:
        raise NotFound("No such airline.")
    return tenant


# ---- entries: what other contexts call inside their own unit of work ----


def flight_journal(pirep_id: str) -> str:
    return f"pirep:{pirep_id}"


def expense_journal(tenant_id: str, expense_id: str, period: str) -> str:
    return f"expense:{tenant_id}:{expense_id}:{period}"


async def post_entry(
    uow: UnitOfWork,
    tenant_id: str,
    journal_id: str,
    kind: Kind,
    memo: str,
    reference: str | None,
    lines: list[Line],
    at: int,
) -> str:
    """Post balanced `lines` on journal `journal_id`; returns the entry id."""
    journal = await uow.load(Journal, journal_id)
    entry_id = str(uuid.uuid4())
    uow.record(journal, journal.post(tenant_id, entry_id, kind, memo, reference, lines, at))
    return entry_id


async def post_flight(
    uow: UnitOfWork, tenant_id: str, pirep_id: str, costing: FlightCosting, at: int, memo: str
) -> str | None:
    """Post a flight's revenue, costs and the pilot's pay (journal `pirep:<id>`); returns the
    entry id, or None for a flight that earned and cost nothing (an airline with no prices set).
    InvalidState while an earlier posting of it is not reversed."""
    lines = flight_lines(costing)
    if not lines:
        return None
    return await post_entry(uow, tenant_id, flight_journal(pirep_id), "flight", memo, pirep_id, lines, at)


async def reverse_flight(uow: UnitOfWork, tenant_id: str, pirep_id: str, at: int, memo: str) -> str | None:
    """Reverse exactly what is posted for the flight and not yet reversed; returns the reversal's
    entry id, or None when nothing is open."""
    journal = await uow.load(Journal, flight_journal(pirep_id))
    if journal.tenant_id not in (None, tenant_id):
        raise NotFound("No such flight entry.")
    entry_id = str(uuid.uuid4())
    events = journal.reverse(entry_id, at, memo)
    if not events:
        return None
    uow.record(journal, events)
    return entry_id


# ---- recurring expenses ----


async def handle_set_expense(
    deps: IdentityDeps,
    ctx: Context,
    principal: Principal,
    tenant_id: str,
    expense_fields: ExpenseFields,
    expense_id: str | None = None,
) -> CommandResult[str]:
    """Add (no id) or change a recurring expense; returns its id."""
    authorize(principal, Action.MANAGE_FINANCES, tenant_id)
    today = utc_day(now_us())

    async def set_(uow: UnitOfWork) -> str:
        await _tenant(uow, tenant_id)
        expenses = await uow.load(Expenses, tenant_id)
        new = expense_id is None
        chosen = expense_id or str(uuid.uuid4())
        uow.record(expenses, expenses.set(chosen, expense_fields, today, new=new))
        return chosen

    return await run(deps, ctx, set_)


async def handle_remove_expense(
    deps: IdentityDeps, ctx: Context, principal: Principal, tenant_id: str, expense_id: str
) -> CommandResult[None]:
    """Stop charging an expense (what it already posted stays in the books)."""
    authorize(principal, Action.MANAGE_FINANCES, tenant_id)

    async def remove(uow: UnitOfWork) -> None:
        expenses = await uow.load(Expenses, tenant_id)
        uow.record(expenses, expenses.remove(expense_id))

    return await run(deps, ctx, remove)


async def handle_post_due_expenses(
    deps: IdentityDeps, ctx: Context, principal: Principal, tenant_id: str
) -> tuple[int, int]:
    """Staff post what is due now; returns (how many entries, the log position)."""
    authorize(principal, Action.MANAGE_FINANCES, tenant_id)
    posted, position = await _post_due(deps, ctx, tenant_id, now_us(), POSTING_LIMIT)
    return posted, position if position is not None else await deps.store.last_position()


async def post_due_expenses(
    deps: IdentityDeps, ctx: Context, tenant_id: str, now_us: int, limit: int = POSTING_LIMIT
) -> int:
    """Post one entry per active expense and due period not posted yet, oldest first, at most
    `limit`; returns how many were posted.

    Each period has its own journal (`expense:<tenant>:<expense>:<period>`) and is posted only
    while that journal is empty, so a period is charged exactly once however many processes
    run this at the same time (the loser of a race retries and finds it posted) and periods
    when nothing ran are caught up. Periods are posted oldest first without gaps, so what is
    posted is a prefix of the schedule and the first unposted period is found by bisection.
    """
    return (await _post_due(deps, ctx, tenant_id, now_us, limit))[0]


async def post_all_due_expenses(
    deps: IdentityDeps, ctx: Context, tenant_ids: Iterable[str], now_us: int
) -> int:
    """`post_due_expenses` for each airline; one airline's failure is logged and the rest go on."""
    posted = 0
    for tenant_id in tenant_ids:
        try:
            posted += await post_due_expenses(deps, ctx, tenant_id, now_us)
        except Exception:
            log.exception("posting the due expenses of airline %s failed", tenant_id)
    return posted


async def _post_due(
    deps: IdentityDeps, ctx: Context, tenant_id: str, now: int, limit: int
) -> tuple[int, int | None]:
    expenses = await UnitOfWork(deps.store, deps.codec, ctx).load(Expenses, tenant_id)
    posted, position = 0, None
    for expense in sorted(expenses.items.values(), key=lambda e: e.id):
        if posted >= limit:
            break
        count = period_count(expense, now) if expense.active else 0
        if count == 0:
            continue
        # Nearly always the latest period is posted already: answer that without a command.
        latest = expense_journal(tenant_id, expense.id, period_key(expense, count - 1))
        if await deps.store.read_stream(Journal.stream_id(latest)):
            continue
        result = await post_expense_periods(deps, ctx, tenant_id, expense.id, now, limit - posted)
        if result.value:
            posted += result.value
            position = result.position
    return posted, position


async def post_expense_periods(
    deps: IdentityDeps, ctx: Context, tenant_id: str, expense_id: str, now: int, budget: int
) -> CommandResult[int]:
    """Post the due periods of one expense not posted yet (at most `budget`), in one append."""

    async def post(uow: UnitOfWork) -> int:
        current = (await uow.load(Expenses, tenant_id)).items.get(expense_id)
        if current is None or not current.active:
            return 0
        return await _post_expense(uow, tenant_id, current, now, budget)

    return await run(deps, ctx, post)


async def _post_expense(uow: UnitOfWork, tenant_id: str, expense: Expense, now: int, budget: int) -> int:
    count = period_count(expense, now)
    if count == 0:
        return 0

    async def journal(index: int) -> Journal:
        return await uow.load(Journal, expense_journal(tenant_id, expense.id, period_key(expense, index)))

    # The first period not posted yet: posted periods form a prefix of the schedule.
    if not (await journal(0)).exists:
        first = 0
    elif (await journal(count - 1)).exists:
        return 0
    else:
        low, high = 0, count - 1  # journal(low) is posted, journal(high) is not
        while high - low > 1:
            middle = (low + high) // 2
            if (await journal(middle)).exists:
                low = middle
            else:
                high = middle
        first = high
    posted = 0
    lines = expense_lines(expense)
    for index in range(first, min(count, first + budget)):
        period = period_key(expense, index)
        entry = await journal(index)
        if entry.exists:
            continue
        memo = f"{expense.name} ({period})"
        events = entry.post(
            tenant_id,
            str(uuid.uuid4()),
            "expense",
            memo,
            f"expense:{expense.id}:{period}",
            lines,
            period_start_us(period),
        )
        uow.record(entry, events)
        posted += 1
    return posted
