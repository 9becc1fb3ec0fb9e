"""The airline's books for staff: balances, revenue and expenses by month (chart and table), the
latest journal entries, and the recurring expenses with their add, edit and delete forms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from albatross.finance import commands
from albatross.finance.domain import ExpenseFields
from albatross.finance.queries import FinanceQueries
from albatross.identity import queries as identity_queries
from albatross.identity.policy import Action, Principal, authorize
from albatross.kernel import Context, DomainError
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.common import page, see_other, staff_tenant
from albatross.web.pictures.charts import finances_chart, month_name
from albatross.web.problems import STATUS_OF

REFUSAL = "The books are for the airline's staff."
FILTERS = ("ledger", "from", "to")
EXPENSE_FIELDS = ("name", "amount", "period", "starts", "active")
ENTRIES_PER_PAGE = 25
PERIODS = {"monthly": "Monthly", "daily": "Daily"}


def money(minor: int) -> str:
    """Minor units (cents) as major units, grouped: -1,234.50."""
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100:,}.{abs(minor) % 100:02d}"


def minor_units(text: str) -> int:
    """ "1,234.5" as 123450; ValueError unless a positive amount with at most two decimals."""
    try:
        amount = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        raise ValueError("Give an amount such as 1200 or 99.50.") from None
    if not amount.is_finite() or amount <= 0:
        raise ValueError("Give an amount more than 0.")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("Give at most two decimals.")
    return int(amount * 100)


def _filters(source: Any) -> dict[str, str]:
    values = {name: str(source.get(name) or "")[:80].strip() for name in FILTERS}
    values["ledger"] = values["ledger"] or "airline"
    return values


def _offset(source: Any) -> int:
    text = str(source.get("offset") or "0")[:10]
    return max(int(text), 0) if text.isdigit() else 0


def _link(filters: dict[str, str], offset: int) -> str:
    query = {k: v for k, v in filters.items() if v and not (k == "ledger" and v == "airline")}
    if offset:
        query["offset"] = str(offset)
    return f"/staff/finances?{urlencode(query)}" if query else "/staff/finances"


async def _finances(
    viewer: Principal,
    services: Services,
    filters: dict[str, str],
    *,
    offset: int = 0,
    editing: str | None = None,
    form: dict[str, str] | None = None,
    form_errors: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    authorize(viewer, Action.READ_FINANCES, tenant_id)
    books = FinanceQueries(services.reader)
    errors: dict[str, str] = {}
    try:
        report = await books.report(
            tenant_id, filters["ledger"], "month", filters["from"] or None, filters["to"] or None
        )
    except DomainError as exc:  # a filter the queries refused: say which, and show the default
        errors = {k if k in FILTERS else "from": v for k, v in exc.fields.items()} or {"from": exc.detail}
        filters = {**filters, **dict.fromkeys(errors, "")}
        if "ledger" in errors:
            filters["ledger"] = "airline"
        report = await books.report(
            tenant_id, filters["ledger"], "month", filters["from"] or None, filters["to"] or None
        )
    ledger = filters["ledger"]
    balances = await books.balances(tenant_id, ledger)
    entries = await books.entries(tenant_id, ledger, ENTRIES_PER_PAGE, offset)
    expenses = await books.expenses(tenant_id)
    members = await identity_queries.list_users(
        services.reader, viewer, tenant_id=tenant_id, state=None, role=None, limit=200, offset=0
    )
    accounts = sorted({a for row in report.periods for a in row.expenses})
    if form is None:
        chosen = next((e for e in expenses if e.id == editing), None)
        editing = chosen.id if chosen else None
        form = (
            {
                "name": chosen.name,
                "amount": money(chosen.amount).replace(",", ""),
                "period": chosen.period,
                "starts": chosen.starts,
                "active": "on" if chosen.active else "",
            }
            if chosen
            else {"period": "monthly", "active": "on"}
        )
    more = entries.offset + len(entries.items) < entries.total
    return page(
        "finances.html",
        status_code=400 if errors and status == 200 else status,
        viewer=viewer,
        filters=filters,
        errors=errors,
        ledgers=[("airline", "The airline")]
        + [(f"pilot:{m.id}", f"{m.name or m.username} ({m.username})") for m in members.items],
        balances=balances,
        report=report,
        accounts=accounts,
        chart=finances_chart([(r.period, r.revenue, r.revenue - r.net) for r in report.periods]),
        entries=entries,
        newer=_link(filters, max(offset - ENTRIES_PER_PAGE, 0)) if offset else None,
        older=_link(filters, offset + ENTRIES_PER_PAGE) if more else None,
        expenses=expenses,
        editing=editing,
        form=form,
        form_errors=form_errors or {},
        message=message,
        periods=PERIODS,
        money=money,
        month_name=month_name,
    )


@get("/staff/finances", include_in_schema=False, dependencies={"consistent": Provide(wait_for_position)})
async def finances(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
    consistent: NamedDependency[int],
) -> Any:
    query = request.query_params
    editing = str(query.get("edit") or "")[:100] or None
    return await _finances(viewer, services, _filters(query), offset=_offset(query), editing=editing)


def _expense_fields(values: dict[str, str]) -> ExpenseFields:
    errors: dict[str, str] = {}
    if not values["name"]:
        errors["name"] = "Give the expense a name."
    amount = 0
    try:
        amount = minor_units(values["amount"])
    except ValueError as exc:
        errors["amount"] = str(exc)
    if values["period"] not in PERIODS:
        errors["period"] = "Pick monthly or daily."
    starts = None
    if values["starts"]:
        try:
            starts = date.fromisoformat(values["starts"])
        except ValueError:
            errors["starts"] = "Give a date as YYYY-MM-DD."
    if errors:
        raise FormErrors(errors)
    return ExpenseFields(
        name=values["name"],
        amount=amount,
        period="daily" if values["period"] == "daily" else "monthly",
        active=bool(values["active"]),
        starts=starts,
    )


class FormErrors(Exception):
    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


async def _set_expense(
    request: Request[Any, Any, Any], viewer: Principal, services: Services, expense_id: str | None
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    submitted = await request.form()
    values = {name: str(submitted.get(name, ""))[:100].strip() for name in EXPENSE_FIELDS}
    again = {"form": values, "editing": expense_id}
    try:
        fields = _expense_fields(values)
        result = await commands.handle_set_expense(
            services.identity, Context(actor_id=viewer.user_id), viewer, tenant_id, fields, expense_id
        )
    except FormErrors as exc:
        return await _finances(viewer, services, _filters({}), form_errors=exc.fields, status=400, **again)
    except DomainError as exc:
        if exc.code == "not-found":
            raise
        shown = {k: v for k, v in exc.fields.items() if k in EXPENSE_FIELDS} or {"name": exc.detail}
        status = STATUS_OF.get(exc.code, 400)
        return await _finances(viewer, services, _filters({}), form_errors=shown, status=status, **again)
    return see_other("/staff/finances", result.position)


@post("/staff/finances/expenses", include_in_schema=False)
async def add_expense(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    return await _set_expense(request, viewer, services, None)


@post("/staff/finances/expenses/{expense_id:str}", include_in_schema=False)
async def change_expense(
    request: Request[Any, Any, Any],
    expense_id: FromPath[str],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
) -> Any:
    return await _set_expense(request, viewer, services, expense_id)


@post("/staff/finances/expenses/{expense_id:str}/delete", include_in_schema=False)
async def remove_expense(
    expense_id: FromPath[str], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    result = await commands.handle_remove_expense(
        services.identity, Context(actor_id=viewer.user_id), viewer, tenant_id, expense_id
    )
    return see_other("/staff/finances", result.position)
