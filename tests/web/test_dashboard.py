"""The dashboard's data: a pilot's hours by month (credited flights counted in the month they were
filed, zeros for quiet months, a rejected flight taken back, nobody else's pilots readable), and
the platform admin's first-run note."""

from __future__ import annotations

import pytest

from albatross.flights.queries import FlightsQueries, MonthHours
from albatross.identity.policy import Principal
from albatross.kernel import NotFound
from albatross.kernel.unit_of_work import now_us
from tests.web.conftest import Api
from tests.web.test_flights import Airline, file, make_airline, submit

DAY_US = 86_400 * 1_000_000


def pilot(airline: Airline, tenant_id: str | None = None) -> Principal:
    return Principal(
        user_id=airline.pilot.id,
        username="p",
        role="pilot",
        tenant_id=tenant_id or airline.id,
        must_change_password=False,
        session_id="s",
    )


async def test_hours_by_month_counts_accepted_flights_in_their_month(api: Api, admin: dict[str, str]) -> None:
    airline = await make_airline(api, admin)
    accepted = []
    for number, minutes in (("101", 80), ("102", 45), ("103", 30)):
        pirep = await file(api, airline, flight_number=number, flight_minutes=minutes)
        await submit(api, airline, pirep)
        accepted.append(pirep)
    for pirep in accepted:
        response = await api.client.post(f"/api/v1/pireps/{pirep}/accept", headers=airline.staff)
        assert response.status_code == 204, response.text
    rejected = await api.client.post(
        f"/api/v1/pireps/{accepted[2]}/reject", json={"reason": "no"}, headers=airline.staff
    )
    assert rejected.status_code == 204, rejected.text
    await api.settle()
    queries = FlightsQueries(api.services.reader)
    now = now_us()

    months = await queries.hours_by_month(pilot(airline), airline.id, airline.pilot.id, now=now)
    assert len(months) == 12
    assert months[-1].flights == 2 and months[-1].minutes == 125  # the rejected one is taken back
    assert all(m == MonthHours(m.month, 0, 0) for m in months[:-1])
    assert [m.month for m in months] == sorted(m.month for m in months)

    # Two months on, this month's flights are two bars back and a 1-month window has none.
    later = now + 62 * DAY_US
    shifted = await queries.hours_by_month(pilot(airline), airline.id, airline.pilot.id, now=later)
    assert [m.minutes for m in shifted[-3:]] in ([125, 0, 0], [0, 125, 0])  # 62 days: 2 or 3 turns
    only = await queries.hours_by_month(pilot(airline), airline.id, airline.pilot.id, 1, now=later)
    assert [m.minutes for m in only] == [0]


async def test_another_airlines_pilot_cannot_read_the_hours(api: Api, admin: dict[str, str]) -> None:
    airline = await make_airline(api, admin)
    other = await make_airline(api, admin, "OTH")
    queries = FlightsQueries(api.services.reader)
    with pytest.raises(NotFound):
        await queries.hours_by_month(pilot(other), airline.id, airline.pilot.id)
    with pytest.raises(NotFound):  # nor asks about their own airline's pilot under another airline
        await queries.hours_by_month(pilot(other), other.id, airline.pilot.id)


async def test_the_platform_admin_is_told_to_create_the_first_airline(
    api: Api, admin: dict[str, str]
) -> None:
    first = await api.client.get("/", headers=admin)
    assert first.status_code == 200
    assert 'id="first-airline"' in first.text and 'href="/admin/airlines"' in first.text
    await api.tenant(admin, "Nova Air", "NVA")
    await api.settle()
    assert 'id="first-airline"' not in (await api.client.get("/", headers=admin)).text
