"""The airline's books over HTTP: balances, reports and entries of the airline's and the pilots'
ledgers, recurring expenses; and for a pilot, their own pay."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, Response, delete, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter

from albatross.finance import commands
from albatross.finance.domain import ExpenseFields, pilot_ledger
from albatross.finance.queries import Balances, EntryPage, ExpenseView, FinanceQueries, Granularity, Report
from albatross.identity.policy import Principal
from albatross.kernel import Context, InvalidInput
from albatross.services import Services
from albatross.web.common import NO_CONTENT, Changed, Created, Strict, no_content
from albatross.web.deps import wait_for_position
from albatross.web.problems import responses

Ledger = Annotated[
    str,
    QueryParameter(
        min_length=1, max_length=80, description='"airline" or "pilot:<user id>"; default: the airline\'s'
    ),
]
_PERIOD = "YYYY-MM (by month) or YYYY-MM-DD (by day), inclusive"
From = Annotated[str | None, QueryParameter(name="from", max_length=10, description=_PERIOD)]
To = Annotated[str | None, QueryParameter(max_length=10, description=_PERIOD)]
GranularityParam = Annotated[Granularity, QueryParameter(description="month or day")]


def queries(services: Services) -> FinanceQueries:
    return FinanceQueries(services.reader)


class Posted(msgspec.Struct, frozen=True):
    posted: int
    """How many expense entries were posted."""
    position: int


class MyFinances(msgspec.Struct, frozen=True):
    balances: Balances
    report: Report


class FinanceController(Controller):
    path = "/api/v1/tenants/{tenant_id:str}/finances"
    tags = ["finance"]
    dependencies = {"consistent": Provide(wait_for_position)}

    @get("/balances", responses=responses(400, 401, 403, 404, 503))
    async def balances(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
        ledger: Ledger = "airline",
    ) -> Balances:
        """Per account, the balance of a ledger (minor units; positive: debit)."""
        return await queries(services).balances(principal, tenant_id, ledger)

    @get("/report", responses=responses(400, 401, 403, 404, 503))
    async def report(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
        ledger: Ledger = "airline",
        granularity: GranularityParam = "month",
        from_: From = None,
        to: To = None,
    ) -> Report:
        """Revenue, each expense and the net per month or day, with totals."""
        return await queries(services).report(principal, tenant_id, ledger, granularity, from_, to)

    @get("/entries", responses=responses(400, 401, 403, 404, 503))
    async def entries(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
        ledger: Annotated[str | None, QueryParameter(min_length=1, max_length=80)] = None,
        reference: Annotated[str | None, QueryParameter(min_length=1, max_length=200)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=10**9)] = 0,
    ) -> EntryPage:
        """Journal entries, newest first; `ledger` keeps one ledger's lines, `reference` one
        PIREP's or expense period's entries."""
        return await queries(services).entries(principal, tenant_id, ledger, limit, offset, reference)

    @get("/expenses", responses=responses(400, 401, 403, 404, 503))
    async def expenses(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
    ) -> list[ExpenseView]:
        return await queries(services).expenses(principal, tenant_id)

    @post("/expenses", status_code=201, responses=responses(400, 401, 403, 404, 409, 413))
    async def add_expense(
        self,
        tenant_id: FromPath[str],
        data: Annotated[ExpenseFields, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Created:
        """A recurring expense, charged once per day or month from `starts` (default today, UTC),
        periods missed while nothing ran included."""
        result = await commands.handle_set_expense(services.identity, context, principal, tenant_id, data)
        return Created(result.value, result.position)

    @put("/expenses/{expense_id:str}", responses=responses(400, 401, 403, 404, 409, 413))
    async def change_expense(
        self,
        tenant_id: FromPath[str],
        expense_id: FromPath[str],
        data: Annotated[ExpenseFields, Strict],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Changed:
        """Change an expense. Switched back on, or moved to another period, it is charged again
        from today; once begun, its start cannot move earlier."""
        result = await commands.handle_set_expense(
            services.identity, context, principal, tenant_id, data, expense_id
        )
        return Changed(result.position)

    @delete(
        "/expenses/{expense_id:str}",
        status_code=204,
        responses={**NO_CONTENT, **responses(400, 401, 403, 404, 409)},
    )
    async def remove_expense(
        self,
        tenant_id: FromPath[str],
        expense_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Response[None]:
        """Stop charging an expense; what it posted stays in the books."""
        result = await commands.handle_remove_expense(
            services.identity, context, principal, tenant_id, expense_id
        )
        return no_content(result.position)

    @post("/expenses/post-due", status_code=200, responses=responses(400, 401, 403, 404, 409))
    async def post_due(
        self,
        tenant_id: FromPath[str],
        principal: NamedDependency[Principal],
        context: NamedDependency[Context],
        services: NamedDependency[Services],
    ) -> Posted:
        """Post every due expense period now (the expense clock does this every minute)."""
        posted, position = await commands.handle_post_due_expenses(
            services.identity, context, principal, tenant_id
        )
        return Posted(posted, position)


class MyFinancesController(Controller):
    path = "/api/v1/me/finances"
    tags = ["finance"]
    dependencies = {"consistent": Provide(wait_for_position)}

    @get("/", responses=responses(400, 401, 403, 503))
    async def mine(
        self,
        principal: NamedDependency[Principal],
        services: NamedDependency[Services],
        consistent: NamedDependency[int],
        granularity: GranularityParam = "month",
        from_: From = None,
        to: To = None,
    ) -> MyFinances:
        """Your pay: the balances and report of your own ledger."""
        tenant_id = principal.tenant_id
        if tenant_id is None:
            raise InvalidInput("Only an airline's members are paid.")
        ledger = pilot_ledger(principal.user_id)
        found = queries(services)
        return MyFinances(
            await found.balances(principal, tenant_id, ledger),
            await found.report(principal, tenant_id, ledger, granularity, from_, to),
        )
