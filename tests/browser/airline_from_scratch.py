"""A whole airline run from the browser alone, on a brand-new installation: the platform admin's
first sign-in, a new airline and its staff, airports, fleet, schedule and a pilot, a bid, a filed
PIREP, its acceptance (seen live by the pilot) and the month's finance report. No API call.

Used against the in-process server (test_first_run.py) and against the real binary
(tests/binary/test_binary.py), so the binary is proven to run an airline end to end.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.async_api import Browser, Page, expect

ADMIN_PASSWORD = "platform admin's own password"
STAFF_PASSWORD = "chief pilot's own password"
PILOT_PASSWORD = "line pilot's own password"


async def _first_sign_in(browser: Browser, url: str, username: str, one_time: str, password: str) -> Page:
    """Sign in with a one-time password and make the forced change; returns the signed-in page."""
    page = await (await browser.new_context()).new_page()
    await page.goto(f"{url}/login")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(one_time)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(f"{url}/password")
    await page.get_by_label("Current password").fill(one_time)
    await page.get_by_label("New password (at least 10 characters)").fill(password)
    await page.get_by_label("New password again").fill(password)
    await page.get_by_role("button", name="Change password").click()
    await expect(page.get_by_role("heading", name=f"Welcome, {username}")).to_be_visible()
    return page


async def _one_time_password(page: Page) -> str:
    password = (await page.locator("#one-time-password").text_content() or "").strip()
    assert len(password) >= 12, "the answering page shows the new account's one-time password"
    return password


async def _create_airline(admin: Page, url: str) -> str:
    await expect(admin.get_by_role("heading", name="The platform")).to_be_visible()
    await admin.get_by_role("group", name="Platform").get_by_role("link", name="Airlines").click()
    await admin.get_by_label("Airline name").fill("Nova Air")
    await admin.get_by_label("ICAO code (three letters)").fill("NVA")
    await admin.get_by_label("Staff username").fill("chief")
    await admin.get_by_label("Staff member's name").fill("Chief Pilot")
    await admin.get_by_label("Staff member's email").fill("chief@example.org")
    await admin.get_by_role("button", name="Create airline").click()
    await expect(admin.get_by_role("heading", name="Airline Nova Air created")).to_be_visible()
    return await _one_time_password(admin)


async def _set_up_airline(staff: Page, url: str) -> str:
    """Airports, fleet, one flight and one pilot; returns the pilot's one-time password."""
    await expect(staff.get_by_role("heading", name="Set up your airline")).to_be_visible()
    staff_nav = staff.get_by_role("group", name="Staff")

    await staff.goto(f"{url}/staff/airports")
    for icao, hub in (("KJFK", True), ("KBOS", False)):
        await staff.get_by_label("ICAO code").fill(icao)
        if hub:
            await staff.get_by_label("Hub").check()
        await staff.get_by_role("button", name="Save airport").click()
        await expect(staff.get_by_role("button", name=f"Remove {icao}")).to_be_visible()

    await staff_nav.get_by_role("link", name="Fleet").click()
    subfleet = staff.get_by_role("form", name="Add a subfleet")
    await subfleet.get_by_label("Type code").fill("B738")
    await subfleet.get_by_label("Subfleet name").fill("Boeing 737-800")
    await subfleet.get_by_label("Cost per block hour").fill("1500")
    await subfleet.get_by_role("button", name="Add subfleet").click()
    aircraft = staff.get_by_role("form", name="Add an aircraft")
    await aircraft.get_by_label("Registration").fill("N100NV")
    await aircraft.get_by_label("Aircraft name").fill("Ship 100")
    await aircraft.get_by_label("Subfleet").select_option(label="B738 · Boeing 737-800")
    await aircraft.get_by_label("Home airport").select_option("KJFK")
    await aircraft.get_by_role("button", name="Add aircraft").click()
    await expect(staff.locator("#aircraft tbody tr", has_text="N100NV")).to_be_visible()

    await staff_nav.get_by_role("link", name="Schedules").click()
    await staff.goto(f"{url}/staff/schedules/new")
    await staff.get_by_label("Flight number").fill("100")
    await staff.get_by_label("Departure (ICAO)").fill("KJFK")
    await staff.get_by_label("Arrival (ICAO)").fill("KBOS")
    await staff.get_by_label("Departure time (UTC)").fill("09:00")
    await staff.get_by_label("Arrival time (UTC)").fill("10:20")
    await staff.get_by_label("Block time (minutes)").fill("80")
    await staff.get_by_role("button", name="Add flight").click()
    await expect(staff.locator("#flights tbody tr", has_text="NVA100")).to_be_visible()

    await staff_nav.get_by_role("link", name="Pilots").click()
    await staff.get_by_label("Username", exact=True).fill("pilot")
    await staff.get_by_label("Name", exact=True).fill("Line Pilot")
    await staff.get_by_label("Email").fill("pilot@example.org")
    await staff.get_by_label("Role").select_option(label="Pilot")
    await staff.get_by_role("button", name="Add member").click()
    return await _one_time_password(staff)


async def _fly(pilot: Page, url: str) -> None:
    """Bid on the flight, then file it by hand, landing an hour ago."""
    await pilot.get_by_role("navigation", name="Main").get_by_role("link", name="Schedule").click()
    await pilot.get_by_role("button", name="Bid on NVA100").click()
    await expect(pilot.get_by_role("button", name="Withdraw NVA100")).to_be_visible()
    block_on = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=1)
    block_off = block_on - timedelta(minutes=80)
    await pilot.goto(f"{url}/pireps/new")
    await expect(pilot.get_by_label("Airline code")).to_have_value("NVA")
    await pilot.get_by_label("Flight number").fill("100")
    await pilot.get_by_label("Departure (ICAO)").fill("KJFK")
    await pilot.get_by_label("Arrival (ICAO)").fill("KBOS")
    await pilot.get_by_label("Aircraft").select_option(label="N100NV · Ship 100")
    await pilot.get_by_label("Block off (UTC)").fill(block_off.strftime("%Y-%m-%dT%H:%M"))
    await pilot.get_by_label("Block on (UTC)").fill(block_on.strftime("%Y-%m-%dT%H:%M"))
    await pilot.get_by_label("Fuel used (lbs)").fill("5200")
    await pilot.get_by_label("Landing rate (fpm)").fill("-160")
    await pilot.get_by_role("button", name="File PIREP").click()
    await expect(pilot.locator("#pireps tbody tr [data-state]")).to_have_text("pending")


async def run_an_airline(browser: Browser, url: str, admin_one_time: str) -> None:
    admin = await _first_sign_in(browser, url, "admin", admin_one_time, ADMIN_PASSWORD)
    staff_one_time = await _create_airline(admin, url)

    staff = await _first_sign_in(browser, url, "chief", staff_one_time, STAFF_PASSWORD)
    pilot_one_time = await _set_up_airline(staff, url)

    pilot = await _first_sign_in(browser, url, "pilot", pilot_one_time, PILOT_PASSWORD)
    await _fly(pilot, url)
    await pilot.wait_for_function("document.documentElement.dataset.live === 'on'")

    await staff.goto(f"{url}/review")
    await staff.get_by_role("button", name="Accept NVA100").click()
    await expect(staff.get_by_text("Nothing waiting.")).to_be_visible()
    # The pilot's open page turns "accepted" by itself.
    await expect(pilot.locator("#pireps tbody tr [data-state]")).to_have_text("accepted")

    await staff.get_by_role("group", name="Staff").get_by_role("link", name="Finances").click()
    month = datetime.now(UTC).strftime("%Y-%m")
    await expect(staff.locator("#monthly-report tbody tr").first).to_contain_text(re.compile(month[:4]))
    expenses = (await staff.locator("#total-expenses").text_content() or "").strip()
    assert re.search(r"[1-9]", expenses), f"the flight's costs are booked: {expenses!r}"
    await expect(staff.locator("#entries tbody tr").first).to_be_visible()
