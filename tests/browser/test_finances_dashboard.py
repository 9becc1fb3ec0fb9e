"""End to end in Chromium: a new airline's set-up checklist ticking as it fills; an accepted PIREP
in the finances page's table and chart and in the pilot's hours chart; recurring expenses added,
changed and deleted through the form; the platform admin's start page."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import ADMIN_PASSWORD, ONE_TIME, STAFF_PASSWORD, Site, _login, _ok, _user
from tests.browser.test_pilot_and_staff import PILOT_PASSWORD, sign_in


async def _own_password(site: Site, username: str, password: str) -> dict[str, str]:
    headers = await _login(site.http, username, ONE_TIME)
    change = {"current_password": ONE_TIME, "new_password": password}
    await _ok(site.http, "POST", "/api/v1/auth/password", headers, change)
    return await _login(site.http, username, password)


async def _step(page: Page, key: str) -> str | None:
    return await page.locator(f"#setup [data-step={key}]").get_attribute("data-done")


async def test_a_new_airline_is_walked_through_its_set_up(site: Site, browser: Browser) -> None:
    tenant = (
        await _ok(site.http, "POST", "/api/v1/tenants", site.admin, {"name": "Fresh Air", "icao": "FRA"})
    )["id"]
    await _user(site.http, site.admin, tenant, "fresh", "tenant_admin")
    staff = await _own_password(site, "fresh", STAFF_PASSWORD)

    page = await (await browser.new_context()).new_page()
    await sign_in(page, site, "fresh", STAFF_PASSWORD)
    setup = page.locator("#setup")
    await expect(setup.get_by_role("heading", name="Set up your airline")).to_be_visible()
    for key in ("airports", "fleet", "schedules", "pilots", "settings"):
        assert await _step(page, key) == "false", key
    for name, path in (
        ("Airports", "/staff/airports"),
        ("Fleet", "/staff/fleet"),
        ("Schedules", "/staff/schedules"),
        ("import a CSV file", "/staff/import"),
        ("Pilots", "/staff/pilots"),
        ("Settings", "/staff/settings"),
    ):
        await expect(setup.get_by_role("link", name=name, exact=True)).to_have_attribute("href", path)

    base = f"/api/v1/tenants/{tenant}"
    await _ok(site.http, "PUT", f"{base}/airports/KJFK", staff, {"hub": True})
    await _ok(site.http, "PUT", f"{base}/airports/KBOS", staff, {})
    subfleet = (
        await _ok(site.http, "POST", f"{base}/subfleets", staff, {"type": "A320", "name": "Airbus A320"})
    )["id"]
    aircraft = {"registration": "N1FR", "name": "One", "subfleet_id": subfleet, "home": "KJFK"}
    await _ok(site.http, "POST", f"{base}/aircraft", staff, aircraft)
    flight = {
        "airline": "FRA",
        "flight_number": "1",
        "departure": "KJFK",
        "arrival": "KBOS",
        "distance_nm": 162,
        "block_minutes": 60,
    }
    written = await _ok(site.http, "POST", f"{base}/flights", staff, flight)
    await page.goto(f"{site.url}/?min_position={written['position']}")  # once the read models have it
    for key, done in (("airports", "true"), ("fleet", "true"), ("schedules", "true"), ("pilots", "false")):
        assert await _step(page, key) == done, key

    # With pilots too, the airline is set up: the checklist goes away.
    pilot = {
        "username": "freshpilot",
        "email": "freshpilot@example.org",
        "password": ONE_TIME,
        "name": "Fresh Pilot",
        "role": "pilot",
        "tenant_id": tenant,
    }
    written = await _ok(site.http, "POST", "/api/v1/users", site.admin, pilot)
    await page.goto(f"{site.url}/?min_position={written['position']}")
    await expect(page.get_by_role("heading", name="Welcome, fresh")).to_be_visible()
    await expect(page.locator("#setup")).to_have_count(0)


async def test_the_platform_admin_starts_from_the_platform_pages(site: Site, browser: Browser) -> None:
    page = await (await browser.new_context()).new_page()
    await sign_in(page, site, "admin", ADMIN_PASSWORD)
    links = page.locator("#platform-links")
    for name, path in (
        ("Airlines", "/admin/airlines"),
        ("Users", "/admin/users"),
        ("System status", "/admin/status"),
    ):
        await expect(links.get_by_role("link", name=name)).to_have_attribute("href", path)
    await expect(page.locator("#first-airline")).to_have_count(0)  # Nova Air exists already
    await expect(page.locator("#setup")).to_have_count(0)


async def test_an_accepted_pirep_shows_in_the_books_and_the_pilots_hours(
    site: Site, browser: Browser
) -> None:
    staff = await _login(site.http, "staff", STAFF_PASSWORD)
    pilot = await _own_password(site, "pilot", PILOT_PASSWORD)
    base = f"/api/v1/tenants/{site.tenant_id}"
    subfleet = (await _ok(site.http, "GET", f"{base}/subfleets", staff))["items"][0]
    priced = {
        "type": "B738",
        "name": "Boeing 737-800",
        "cost_block_hour": 1200,
        "fares": ["Y?price=120&capacity=150"],
    }
    await _ok(site.http, "PUT", f"{base}/subfleets/{subfleet['id']}", staff, priced)
    aircraft = (await _ok(site.http, "GET", f"{base}/aircraft", staff))["items"][0]["id"]

    # A pilot of an airline with no schedule yet is told so, not shown empty tables.
    flyer = await (await browser.new_context()).new_page()
    await sign_in(flyer, site, "pilot", PILOT_PASSWORD)
    await expect(flyer.locator("#no-schedule")).to_contain_text("no flights in its schedule")
    await expect(flyer.get_by_role("heading", name="Bids")).to_have_count(0)
    month = datetime.now(UTC).strftime("%Y-%m")
    await expect(flyer.locator(f"#hours-chart rect[data-period='{month}']")).to_have_count(0)

    details = {
        "airline": "NVA",
        "flight_number": "100",
        "departure": "KJFK",
        "arrival": "KBOS",
        "aircraft_id": aircraft,
        "flight_minutes": 80,
    }
    pirep = (await _ok(site.http, "POST", "/api/v1/pireps", pilot, {"source": "manual", "details": details}))[
        "id"
    ]
    await _ok(site.http, "POST", f"/api/v1/pireps/{pirep}/submit", pilot, {})
    await _ok(site.http, "POST", f"/api/v1/pireps/{pirep}/accept", staff)

    books = await (await browser.new_context()).new_page()
    await sign_in(books, site, "staff", STAFF_PASSWORD)
    await books.goto(f"{site.url}/staff/finances")
    row = books.locator(f"#monthly-report tbody tr[data-period='{month}']")
    # 150 seats x 80% x 120.00 in fares; 80 minutes of 1200.00 an hour in block-hour costs.
    await expect(row.locator("td.revenue")).to_have_text("14,400.00")
    await expect(row).to_contain_text("1,600.00")
    spent = await row.locator("td.expenses").inner_text()
    net = await row.locator("td.net").inner_text()
    assert float(net.replace(",", "")) == 14_400 - float(spent.replace(",", ""))
    bar = books.locator(f"#finances-chart rect.revenue[data-period='{month}']")
    await expect(bar).to_have_count(1)
    await expect(bar.locator("title")).to_contain_text("Revenue: 14,400.00")
    await expect(books.locator("#finances-chart")).to_have_attribute("role", "img")
    await expect(books.locator("#total-revenue")).to_have_text("14,400.00")
    await expect(books.locator("#balances")).to_contain_text("revenue:fares")
    await expect(books.locator("#entries")).to_contain_text("revenue:fares")
    # Another ledger through the GET form: the pilot's own, with their pay and nothing of the fares.
    await books.get_by_label("Ledger").select_option(label="Pilot (pilot)")
    await books.get_by_role("button", name="Show").click()
    await expect(books).to_have_url(re.compile(f"ledger=pilot%3A{await _me(site, pilot)}"))
    await expect(books.get_by_label("Ledger")).to_have_value(f"pilot:{await _me(site, pilot)}")
    await expect(books.locator("main")).not_to_contain_text("revenue:fares")
    # A month that cannot be read is named next to its field, not a crash.
    await books.goto(f"{site.url}/staff/finances?from=2025-13")
    await expect(books.locator("#from-error")).to_be_visible()
    await expect(books.get_by_label("From month")).to_have_attribute("aria-invalid", "true")
    # With the bad month cleared, what is left is refused too (too long, or after today): the default
    # period is shown, and the month is named next to its field.
    for period in ("from=1970-01&to=x", "from=2099-01&to=x"):
        answer = await books.goto(f"{site.url}/staff/finances?{period}")
        assert answer is not None and answer.status == 400
        await expect(books.locator("#from-error")).to_be_visible()
        await expect(books.locator("#total-revenue")).to_have_text("14,400.00")

    await flyer.goto(f"{site.url}/")
    await expect(flyer.locator("#hours")).to_have_text("1:20")
    hours = flyer.locator(f"#hours-chart rect.hours[data-period='{month}']")
    await expect(hours).to_have_count(1)
    await expect(hours.locator("title")).to_contain_text("1:20")
    await expect(flyer.locator(f"#hours-by-month tr[data-period='{month}']")).to_contain_text("1:20")


async def _me(site: Site, headers: dict[str, str]) -> str:
    return str((await _ok(site.http, "GET", "/api/v1/me", headers))["id"])


async def test_staff_keep_recurring_expenses_through_the_form(site: Site, browser: Browser) -> None:
    page = await (await browser.new_context()).new_page()
    await sign_in(page, site, "staff", STAFF_PASSWORD)
    await page.goto(f"{site.url}/staff/finances")
    await expect(page.locator("#no-expenses")).to_be_visible()

    await page.get_by_label("Name").fill("Hangar rent")
    await page.get_by_label("Amount per period").fill("12.345")
    await page.get_by_role("button", name="Add expense").click()
    await expect(page.locator("#amount-error")).to_have_text("Give at most two decimals.")
    await expect(page.get_by_label("Amount per period")).to_have_attribute("aria-invalid", "true")
    await expect(page.get_by_label("Name")).to_have_value("Hangar rent")  # what was typed stays
    await page.get_by_label("Amount per period").fill("1e30")
    await page.get_by_role("button", name="Add expense").click()
    await expect(page.locator("#amount-error")).to_have_text("Give an amount of at most 10,000,000,000.")

    await page.get_by_label("Amount per period").fill("2,500.50")
    await page.get_by_label("How often").select_option("monthly")
    await page.get_by_role("button", name="Add expense").click()
    row = page.locator("#expenses tbody tr", has_text="Hangar rent")
    await expect(row).to_contain_text("2,500.50")
    await expect(row).to_contain_text("Monthly")
    await expect(row).to_contain_text("active")

    # The same name twice is refused by the command, shown on the form.
    await page.get_by_label("Name").fill("hangar RENT")
    await page.get_by_label("Amount per period").fill("1")
    await page.get_by_role("button", name="Add expense").click()
    await expect(page.locator("#name-error")).to_contain_text("another expense has this name")

    await page.goto(f"{site.url}/staff/finances")
    await page.get_by_role("link", name="Edit Hangar rent").click()
    await expect(page.get_by_label("Amount per period")).to_have_value("2500.50")
    await page.get_by_label("Amount per period").fill("3000")
    await page.get_by_label("Active").uncheck()
    await page.get_by_role("button", name="Save changes").click()
    await expect(row).to_contain_text("3,000.00")
    await expect(row).to_contain_text("paused")

    await page.get_by_role("button", name="Delete Hangar rent").click()
    await expect(page.locator("#no-expenses")).to_be_visible()
