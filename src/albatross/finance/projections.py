"""Finance read models: one row per journal line (with its day and month, UTC, for reports),
and the airline's recurring expenses."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table, Text

from albatross.finance.domain import ExpenseRemoved, ExpenseSet, JournalPosted, utc_day
from albatross.kernel import DomainEvent, StoredEvent
from albatross.readmodels import RowBatch, metadata

ledger_lines = Table(
    "rm_ledger_lines",
    metadata,
    Column("entry_id", String(36), primary_key=True),
    Column("line_no", Integer, primary_key=True),
    Column("tenant_id", String(36), nullable=False),
    Column("ledger", String(80), nullable=False),
    Column("account", String(100), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("memo", Text, nullable=False),
    Column("reference", String(200), nullable=True),
    Column("at", BigInteger, nullable=False),
    Column("day", String(10), nullable=False),
    Column("month", String(7), nullable=False),
    Index("ix_rm_ledger_lines_ledger_month", "tenant_id", "ledger", "month"),
    Index("ix_rm_ledger_lines_ledger_day", "tenant_id", "ledger", "day"),
    Index("ix_rm_ledger_lines_at", "tenant_id", "at"),
    Index("ix_rm_ledger_lines_reference", "tenant_id", "reference"),
)

expenses = Table(
    "rm_expenses",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(36), nullable=False),
    Column("name", String(80), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("period", String(10), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("starts", String(10), nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Index("ix_rm_expenses_tenant", "tenant_id", "name"),
)


class FinanceProjection:
    name = "finance"
    tables = (ledger_lines, expenses)
    event_types = frozenset(e.event_type for e in (JournalPosted, ExpenseSet, ExpenseRemoved))

    async def handle(self, tx: RowBatch, events: Sequence[tuple[StoredEvent, DomainEvent]]) -> None:
        for stored, event in events:
            match event:
                case JournalPosted():
                    day = utc_day(event.at).isoformat()
                    for line_no, line in enumerate(event.lines):
                        tx.insert(
                            ledger_lines,
                            {
                                "entry_id": event.entry_id,
                                "line_no": line_no,
                                "tenant_id": event.tenant_id,
                                "ledger": line.ledger,
                                "account": line.account,
                                "amount": line.amount,
                                "kind": event.kind,
                                "memo": event.memo,
                                "reference": event.reference,
                                "at": event.at,
                                "day": day,
                                "month": day[:7],
                            },
                        )
                case ExpenseSet(tenant_id=tenant_id, expense=expense):
                    # Replace the row (delete, then insert): the first set makes it.
                    tx.delete(expenses, expense.id)
                    tx.insert(
                        expenses,
                        {
                            "id": expense.id,
                            "tenant_id": tenant_id,
                            "name": expense.name,
                            "amount": expense.amount,
                            "period": expense.period,
                            "active": expense.active,
                            "starts": expense.starts.isoformat(),
                            "updated_at": stored.recorded_at,
                        },
                    )
                case ExpenseRemoved(expense_id=expense_id):
                    tx.delete(expenses, expense_id)


def finance_projections() -> tuple[FinanceProjection]:
    return (FinanceProjection(),)
