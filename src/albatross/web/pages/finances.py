"""The airline's books for staff: balances, revenue and expenses by month (chart and table), the
latest journal entries, and the recurring expenses with their add, edit and delete forms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from albatross.finance import commands
from albatross.finance.domain import ExpenseFields
from albatross.finance.queries import FinanceQueries
from albatross.identity import queries as identity_queries
from albatross.identity.policy import Principal
from albatross.kernel import Context, DomainError
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.formats import money
from albatross.web.pages.common import list_link, page, see_other, staff_tenant
from albatross.web.pages.forms import FormErrors, field_errors, texts, whole
from albatross.web.pictures.charts import finances_chart, month_name
from albatross.web.problems import STATUS_OF

REFUSAL = "The books are for the airline's staff."
FILTERS = ("ledger", "from", "to")
EXPENSE_FIELDS = ("name", "amount", "period", "starts", "active")
ENTRIES_PER_PAGE = 25
PERIODS = {"monthly": "Monthly", "daily": "Daily"}
MAX_AMOUNT = Decimal(10**10)
"""In major units: far above any expense, and small enough to keep cents exact."""
MAX_OFFSET = 10**9


def minor_units(text: str) -> int:
    """ "1,234.5" as 123450; ValueError unless a positive amount with at most two decimals."""
    try:
        amount = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        raise ValueError("Give an amount such as 1200 or 99.50.") from None
    if not amount.is_finite():
        raise ValueError("Give an amount such as 1200 or 99.50.")
    if amount <= 0:
        raise ValueError("Give an amount more than 0.")
    if amount > MAX_AMOUNT:
        raise ValueError(f"Give an amount of at most {MAX_AMOUNT:,}.")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("Give at most two decimals.")
    return int(amount * 100)


def _filters(source: Any) -> dict[str, str]:
    values = texts(source, FILTERS, limit=80)
    values["ledger"] = values["ledger"] or "airline"
    return values


def _offset(source: Any) -> int:
    return whole(str(source.get("offset") or ""), default=0, high=MAX_OFFSET)


def _link(filters: dict[str, str], offset: int) -> str:
    shown = {**filters, "ledger": "" if filters["ledger"] == "airline" else filters["ledger"]}
    return list_link("/staff/finances", {**shown, "offset": str(offset) if offset else ""})


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
    books = FinanceQueries(services.reader)
    errors: dict[str, str] = {}
    try:
        report = await books.report(
            viewer, tenant_id, filters["ledger"], "month", filters["from"] or None, filters["to"] or None
        )
    except DomainError as exc:  # a filter the queries refused: say which, and show the default
        errors = field_errors(exc.detail, exc.fields, FILTERS, "from")
        filters = {**filters, **dict.fromkeys(errors, "")}
        if "ledger" in errors:
            filters["ledger"] = "airline"
        try:
            report = await books.report(
                viewer, tenant_id, filters["ledger"], "month", filters["from"] or None, filters["to"] or None
            )
        except DomainError as again:  # what is left of the period is refused too (from=1970-01&to=x)
            errors.setdefault("from", again.fields.get("from") or again.detail)
            filters = {**filters, "from": "", "to": ""}
            report = await books.report(viewer, tenant_id, filters["ledger"], "month", None, None)
    ledger = filters["ledger"]
    balances = await books.balances(viewer, tenant_id, ledger)
    entries = await books.entries(viewer, tenant_id, ledger, ENTRIES_PER_PAGE, offset)
    expenses = await books.expenses(viewer, tenant_id)
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


async def _set_expense(
    request: Request[Any, Any, Any], viewer: Principal, services: Services, expense_id: str | None
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    submitted = await request.form()
    values = texts(submitted, EXPENSE_FIELDS, limit=100)
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
        shown = field_errors(exc.detail, exc.fields, EXPENSE_FIELDS, "name")
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
