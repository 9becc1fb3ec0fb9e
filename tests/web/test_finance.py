"""The books through the API: recurring expenses, posting them exactly once, flight entries
posted and reversed by the flights context, reports, and who sees which ledger."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from albatross.finance import commands
from albatross.finance.clock import run_expense_clock
from albatross.finance.domain import FareSale, FlightCosting, Line
from albatross.finance.queries import FinanceQueries
from albatross.identity.policy import Principal
from albatross.kernel import Context, Forbidden, InvalidInput, InvalidState, NotFound, UnitOfWork, execute
from tests.web.conftest import Api, Member

CTX = Context(actor_id=None)


def principal(user_id: str, role: str, tenant_id: str | None) -> Principal:
    return Principal(
        user_id=user_id, username=user_id, role=role, tenant_id=tenant_id, must_change_password=False,
        session_id="test",
    )  # fmt: skip


OPERATOR = principal("operator", "platform_admin", None)


def today() -> date:
    return datetime.now(UTC).date()


def noon_us(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, 12, tzinfo=UTC).timestamp()) * 1_000_000


def finances(tenant: str) -> str:
    return f"/api/v1/tenants/{tenant}/finances"


async def add_expense(api: Api, headers: dict[str, str], tenant: str, **body: Any) -> str:
    response = await api.client.post(f"{finances(tenant)}/expenses", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def read(api: Api, headers: dict[str, str], path: str) -> Any:
    await api.settle()
    response = await api.client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def fly(api: Api, tenant: str, pirep_id: str, costing: FlightCosting, at: int) -> str:
    """What the flights context does when a PIREP is accepted."""

    async def accept(uow: UnitOfWork) -> str:
        return await commands.post_flight(uow, tenant, pirep_id, costing, at, f"PIREP {pirep_id} accepted")

    services = api.services
    return (await execute(services.store, services.codec, CTX, accept)).value


async def unfly(api: Api, tenant: str, pirep_id: str, at: int) -> str | None:
    async def reject(uow: UnitOfWork) -> str | None:
        return await commands.reverse_flight(uow, tenant, pirep_id, at, f"PIREP {pirep_id} rejected")

    services = api.services
    return (await execute(services.store, services.codec, CTX, reject)).value


async def test_expenses_are_added_listed_changed_and_removed(api: Api, admin: dict[str, str]) -> None:
    tenant = await api.tenant(admin, "Nova Air", "NVA")
    starts = (today() + timedelta(days=10)).isoformat()
    expense_id = await add_expense(
        api, admin, tenant, name="Hangar rent", amount=150_000, period="monthly", starts=starts
    )
    listed = await read(api, admin, f"{finances(tenant)}/expenses")
    assert listed == [
        {
            "id": expense_id,
            "name": "Hangar rent",
            "amount": 150_000,
            "period": "monthly",
            "active": True,
            "starts": starts,
        }
    ]
    changed = await api.client.put(
        f"{finances(tenant)}/expenses/{expense_id}",
        json={"name": "Hangar", "amount": 160_000, "period": "monthly", "active": False},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    position = changed.json()["position"]
    response = await api.client.get(f"{finances(tenant)}/expenses?min_position={position}", headers=admin)
    [row] = response.json()
    assert (row["name"], row["amount"], row["active"], row["starts"]) == ("Hangar", 160_000, False, starts)

    removed = await api.client.delete(f"{finances(tenant)}/expenses/{expense_id}", headers=admin)
    assert removed.status_code == 204 and int(removed.headers["X-Albatross-Position"]) > position
    assert await read(api, admin, f"{finances(tenant)}/expenses") == []
    again = await api.client.delete(f"{finances(tenant)}/expenses/{expense_id}", headers=admin)
    assert again.status_code == 404 and again.headers["content-type"].startswith("application/problem+json")


async def test_bad_expense_input_gets_a_problem_naming_the_field(api: Api, admin: dict[str, str]) -> None:
    tenant = await api.tenant(admin, "Nova Air", "NVA")
    await add_expense(api, admin, tenant, name="Rent", amount=1, period="daily")
    for body, field in (
        ({"name": "X", "amount": 0, "period": "daily"}, "amount"),
        ({"name": "X", "amount": 10, "period": "weekly"}, "period"),
        ({"name": "", "amount": 10, "period": "daily"}, "name"),
        ({"name": "rent", "amount": 10, "period": "daily"}, "name"),  # taken
        ({"name": "X", "amount": 10, "period": "daily", "starts": "yesterday"}, "starts"),
        ({"name": "X", "amount": 10, "period": "daily", "colour": "red"}, "colour"),
    ):
        response = await api.client.post(f"{finances(tenant)}/expenses", json=body, headers=admin)
        assert response.status_code == 400, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in response.text, (field, response.text)
    for query, field in (
        ("granularity=week", "granularity"),
        ("from=2026-13", "from"),
        ("ledger=bank", "ledger"),
    ):
        response = await api.client.get(f"{finances(tenant)}/report?{query}", headers=admin)
        assert response.status_code == 400 and field in response.text, response.text


async def test_post_due_twice_posts_once(api: Api, admin: dict[str, str]) -> None:
    tenant = await api.tenant(admin, "Nova Air", "NVA")
    await add_expense(api, admin, tenant, name="Office", amount=2_500, period="daily")
    await add_expense(api, admin, tenant, name="Licences", amount=9_900, period="monthly")
    first = await api.client.post(f"{finances(tenant)}/expenses/post-due", headers=admin)
    assert first.status_code == 200, first.text
    assert first.json()["posted"] == 2
    second = await api.client.post(f"{finances(tenant)}/expenses/post-due", headers=admin)
    assert second.json()["posted"] == 0
    balances = await read(api, admin, f"{finances(tenant)}/balances?min_position={first.json()['position']}")
    assert {b["account"]: b["balance"] for b in balances["accounts"]} == {
        "cash": -12_400,
        "expense:licences": 9_900,
        "expense:office": 2_500,
    }
    assert balances["total"] == 0


async def test_a_missed_stretch_is_caught_up_once_even_with_five_runners_at_once(
    api: Api, admin: dict[str, str]
) -> None:
    tenant = await api.tenant(admin, "Nova Air", "NVA")
    starts = today() - timedelta(days=2)  # three days are due: two days ago, yesterday, today
    await add_expense(
        api, admin, tenant, name="Crew rest", amount=700, period="daily", starts=starts.isoformat()
    )
    deps, now = api.services.identity, noon_us(today())
    results = await asyncio.gather(*(commands.post_due_expenses(deps, CTX, tenant, now) for _ in range(5)))
    assert sorted(results) == [0, 0, 0, 0, 3]
    assert await commands.post_due_expenses(deps, CTX, tenant, now) == 0
    tomorrow = noon_us(today() + timedelta(days=1))
    assert await commands.post_all_due_expenses(deps, CTX, [tenant], tomorrow) == 1
    assert await commands.post_all_due_expenses(deps, CTX, [tenant], tomorrow) == 0

    entries = await read(api, admin, f"{finances(tenant)}/entries")
    assert entries["total"] == 4
    days = sorted(e["reference"].rsplit(":", 1)[1] for e in entries["items"])
    assert days == [(starts + timedelta(days=n)).isoformat() for n in range(4)]
    assert all(e["kind"] == "expense" for e in entries["items"])
    report = await read(
        api, admin, f"{finances(tenant)}/report?granularity=day&from={starts.isoformat()}&to={days[-1]}"
    )
    assert [p["expenses"] for p in report["periods"]] == [{"expense:crew_rest": 700}] * 4
    assert report["totals"]["net"] == -2_800


async def test_a_long_stretch_is_posted_in_bounded_steps_without_gaps(
    api: Api, admin: dict[str, str]
) -> None:
    tenant = await api.tenant(admin, "Nova Air", "NVA")
    starts = today() - timedelta(days=99)
    await add_expense(
        api, admin, tenant, name="Parking", amount=10, period="daily", starts=starts.isoformat()
    )
    deps, now = api.services.identity, noon_us(today())
    posted = [await commands.post_due_expenses(deps, CTX, tenant, now, limit=30) for _ in range(5)]
    assert posted == [30, 30, 30, 10, 0]
    await api.settle()
    assert await FinanceQueries(api.services.reader).trial_balance(OPERATOR, tenant) == {"airline": 0}
    balances = await read(api, admin, f"{finances(tenant)}/balances")
    assert {b["account"]: b["balance"] for b in balances["accounts"]}["cash"] == -1_000


async def test_flights_post_and_reverse_and_the_books_balance(api: Api, admin: dict[str, str]) -> None:
    tenant = await api.tenant(admin, "Nova Air", "NVA")
    pilot = await api.user(admin, "pilot.one", "pilot", tenant)
    other = await api.user(admin, "pilot.two", "pilot", tenant)
    costing = FlightCosting(
        pilot_id=pilot.id,
        fares=[FareSale(code="Y", price=10_000, count=100)],
        fuel_used_lbs=5_000,
        fuel_price_per_lb=50,
        block_minutes=60,
        block_hour_cost=100_000,
        landing_fee=20_000,
        ground_handling_cost=10_000,
        pilot_pay=30_000,
    )
    january, february = noon_us(date(2026, 1, 15)), noon_us(date(2026, 2, 3))
    await fly(api, tenant, "p1", costing, january)
    await unfly(api, tenant, "p1", january + 1)
    await fly(api, tenant, "p1", costing, february)  # accepted again after the rejection
    await fly(api, tenant, "p2", FlightCosting(pilot_id=other.id, pilot_pay=5_000), february)
    assert await unfly(api, tenant, "p3", february) is None  # nothing posted: nothing reversed

    await api.settle()
    assert await FinanceQueries(api.services.reader).trial_balance(OPERATOR, tenant) == {
        "airline": 0,
        f"pilot:{pilot.id}": 0,
        f"pilot:{other.id}": 0,
    }
    report = await read(api, admin, f"{finances(tenant)}/report?from=2026-01&to=2026-03")
    by_month = {p["period"]: p for p in report["periods"]}
    assert (by_month["2026-01"]["revenue"], by_month["2026-01"]["net"]) == (0, 0)  # posted and reversed
    assert by_month["2026-02"]["revenue"] == 1_000_000
    assert by_month["2026-02"]["expenses"] == {
        "expense:block_hours": 100_000,
        "expense:fuel": 250_000,
        "expense:ground_handling": 10_000,
        "expense:landing_fees": 20_000,
        "expense:pilot_pay": 35_000,
    }
    assert by_month["2026-02"]["net"] == 1_000_000 - 415_000 == report["totals"]["net"]
    assert by_month["2026-03"] == {"period": "2026-03", "revenue": 0, "expenses": {}, "net": 0}

    flight = await read(api, admin, f"{finances(tenant)}/entries?reference=p1")
    assert [e["kind"] for e in flight["items"]] == ["flight", "flight_reversal", "flight"]
    paged = await read(api, admin, f"{finances(tenant)}/entries?limit=2&offset=2")
    assert paged["total"] == 4 and len(paged["items"]) == 2
    cash = await read(api, admin, f"{finances(tenant)}/balances?ledger=pilot:{pilot.id}")
    assert {b["account"]: b["balance"] for b in cash["accounts"]} == {"cash": 30_000, "income:pay": -30_000}

    # A pilot sees their own pay and nothing else.
    mine = await read(api, pilot.headers, "/api/v1/me/finances?from=2026-01&to=2026-02")
    assert mine["balances"]["ledger"] == f"pilot:{pilot.id}"
    assert {b["account"]: b["balance"] for b in mine["balances"]["accounts"]} == {
        "cash": 30_000,
        "income:pay": -30_000,
    }
    assert [p["revenue"] for p in mine["report"]["periods"]] == [0, 30_000]
    theirs = await read(
        api, other.headers, "/api/v1/me/finances?granularity=day&from=2026-02-01&to=2026-02-28"
    )
    assert theirs["report"]["totals"]["revenue"] == 5_000 and len(theirs["report"]["periods"]) == 28
    for path in ("balances", "report", "entries", "expenses"):
        response = await api.client.get(f"{finances(tenant)}/{path}", headers=pilot.headers)
        assert response.status_code == 403, (path, response.text)


async def test_a_flight_posted_twice_without_reversal_is_refused(api: Api, admin: dict[str, str]) -> None:
    tenant = await api.tenant(admin, "Nova Air", "NVA")
    costing = FlightCosting(pilot_id="p", pilot_pay=100)
    await fly(api, tenant, "p1", costing, noon_us(today()))
    with pytest.raises(InvalidState):
        await fly(api, tenant, "p1", costing, noon_us(today()))

    async def unbalanced(uow: UnitOfWork) -> str:
        lines = [Line("airline", "cash", 1)]
        return await commands.post_entry(uow, tenant, "adjust:1", "adjustment", "", None, lines, 1)

    with pytest.raises(InvalidInput):
        await execute(api.services.store, api.services.codec, CTX, unbalanced)


async def test_another_airline_gets_404_and_a_platform_admin_reads_any(
    api: Api, admin: dict[str, str]
) -> None:
    tenant = await api.tenant(admin, "Nova Air", "NVA")
    other = await api.tenant(admin, "Other Air", "OTH")
    their_admin: Member = await api.user(admin, "their.admin", "tenant_admin", other)
    await add_expense(api, admin, tenant, name="Rent", amount=5, period="daily")
    for method, path in (
        ("GET", "balances"),
        ("GET", "report"),
        ("GET", "entries"),
        ("GET", "expenses"),
        ("POST", "expenses/post-due"),
    ):
        response = await api.client.request(method, f"{finances(tenant)}/{path}", headers=their_admin.headers)
        assert response.status_code == 404, (path, response.text)
    assert (await read(api, their_admin.headers, f"{finances(other)}/expenses")) == []
    assert len(await read(api, admin, f"{finances(tenant)}/expenses")) == 1
    platform = await api.client.get("/api/v1/me/finances", headers=admin)
    assert platform.status_code == 400


async def test_the_queries_themselves_keep_each_airlines_books_to_it(api: Api, admin: dict[str, str]) -> None:
    tenant = await api.tenant(admin, "Nova Air", "NVA")
    other = await api.tenant(admin, "Other Air", "OTH")
    await fly(api, tenant, "p1", FlightCosting(pilot_id="pilot-1", pilot_pay=5_000), noon_us(today()))
    await api.settle()
    books = FinanceQueries(api.services.reader)
    their_staff = principal("their-staff", "tenant_admin", other)
    reads = (
        lambda who: books.balances(who, tenant, "airline"),
        lambda who: books.report(who, tenant, "airline"),
        lambda who: books.entries(who, tenant, None),
        lambda who: books.expenses(who, tenant),
        lambda who: books.trial_balance(who, tenant),
    )
    for query in reads:
        with pytest.raises(NotFound):  # another airline's books do not exist for them
            await query(their_staff)
        with pytest.raises(Forbidden):  # a pilot does not read the airline's books
            await query(principal("pilot-1", "pilot", tenant))
        await query(principal("our-staff", "tenant_admin", tenant))
    pilot = principal("pilot-1", "pilot", tenant)
    assert (await books.balances(pilot, tenant, "pilot:pilot-1")).accounts  # their own pay
    with pytest.raises(Forbidden):
        await books.balances(principal("pilot-2", "pilot", tenant), tenant, "pilot:pilot-1")
    with pytest.raises(NotFound):
        await books.balances(principal("pilot-1", "pilot", other), tenant, "pilot:pilot-1")


async def test_the_expense_clock_posts_at_start_and_survives_failures(
    api: Api, admin: dict[str, str]
) -> None:
    tenant = await api.tenant(admin, "Nova Air", "NVA")
    await add_expense(api, admin, tenant, name="Rent", amount=5, period="daily")
    calls = 0
    fourth = asyncio.Event()

    async def tenants() -> list[str]:
        nonlocal calls
        calls += 1
        if calls == 4:
            fourth.set()
        if calls == 2:
            raise RuntimeError("the read models are away")
        return [tenant]

    clock = asyncio.create_task(run_expense_clock(api.services.identity, tenants, interval_seconds=0.01))
    await asyncio.wait_for(fourth.wait(), 10)
    clock.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await clock
    entries = await read(api, admin, f"{finances(tenant)}/entries")
    assert entries["total"] == 1


async def test_the_services_bring_an_expense_clock_over_every_airline(
    api: Api, admin: dict[str, str]
) -> None:
    """What serve (embedded) and every worker (production) run beside the projections."""
    first = await api.tenant(admin, "Nova Air", "NVA")
    second = await api.tenant(admin, "Orbit Air", "ORB")
    for tenant in (first, second):
        await add_expense(api, admin, tenant, name="Rent", amount=5, period="monthly")
    await api.settle()  # the clock finds the airlines in the read models
    clock = asyncio.create_task(api.services.clocks[0]())
    try:
        for tenant in (first, second):
            for _ in range(200):
                await api.settle()
                if (await read(api, admin, f"{finances(tenant)}/entries"))["total"] == 1:
                    break
                await asyncio.sleep(0.05)
            assert (await read(api, admin, f"{finances(tenant)}/entries"))["total"] == 1
    finally:
        clock.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await clock
