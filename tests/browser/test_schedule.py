"""In Chromium, without script: a pilot searches the schedule, bids, is refused a second bid
(shown on the page), and withdraws the first."""

from __future__ import annotations

import asyncio
import re

from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import ONE_TIME, STAFF_PASSWORD, Site, _login, _ok
from tests.browser.test_pilot_and_staff import PILOT_PASSWORD, sign_in


async def _flight(site: Site, staff: dict[str, str], number: str, departure: str, arrival: str) -> None:
    body = {
        "airline": "NVA",
        "flight_number": number,
        "departure": departure,
        "arrival": arrival,
        "departure_time": "10:00",
        "arrival_time": "11:20",
        "distance_nm": 187,
        "block_minutes": 80,
    }
    base = f"/api/v1/tenants/{site.tenant_id}/flights"
    flight_id = (await _ok(site.http, "POST", base, staff, body))["id"]
    for _ in range(250):  # until the read model has it
        if (await site.http.get(f"{base}/{flight_id}", headers=staff)).status_code == 200:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the flight never reached the read model")


async def _pilot(browser: Browser, site: Site) -> Page:
    pilot = await (await browser.new_context(java_script_enabled=False)).new_page()
    await sign_in(pilot, site, "pilot", ONE_TIME)
    await pilot.get_by_label("Current password").fill(ONE_TIME)
    await pilot.get_by_label("New password (at least 10 characters)").fill(PILOT_PASSWORD)
    await pilot.get_by_label("New password again").fill(PILOT_PASSWORD)
    await pilot.get_by_role("button", name="Change password").click()
    await expect(pilot.get_by_role("heading", name="Welcome, pilot")).to_be_visible()
    return pilot


async def test_a_pilot_searches_bids_and_withdraws(site: Site, browser: Browser) -> None:
    staff = await _login(site.http, "staff", STAFF_PASSWORD)
    await _flight(site, staff, "100", "KJFK", "KBOS")
    await _flight(site, staff, "200", "KBOS", "KJFK")
    pilot = await _pilot(browser, site)

    await pilot.get_by_role("navigation", name="Main").get_by_role("link", name="Schedule").click()
    await expect(pilot.get_by_role("heading", name="Schedule", exact=True)).to_be_visible()
    await expect(pilot.locator("#no-bids")).to_be_visible()
    await expect(pilot.locator("#flights tbody tr")).to_have_count(2)

    # The search form by keyboard: type into the labelled field, Enter submits.
    await pilot.get_by_label("Departure (ICAO)").fill("kjfk")
    await pilot.get_by_label("Flight type").select_option(label="Scheduled passenger")
    await pilot.get_by_label("Departure (ICAO)").press("Enter")
    await expect(pilot).to_have_url(f"{site.url}/schedule?departure=kjfk&arrival=&date=&flight_type=J")
    rows = pilot.locator("#flights tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows).to_contain_text("NVA100")
    await expect(rows).to_contain_text("KJFK → KBOS")
    await expect(rows).to_contain_text("10:00")
    await expect(rows).to_contain_text("187 nm")
    await expect(rows).to_contain_text("1:20")

    await pilot.get_by_role("button", name="Bid on NVA100").click()
    await expect(pilot).to_have_url(re.compile(r"/schedule\?departure=kjfk&flight_type=J&min_position=\d+$"))
    await expect(pilot.locator("#bids li")).to_have_count(1)
    await expect(pilot.locator("#bids li")).to_contain_text("NVA100 KJFK → KBOS")
    await expect(pilot.get_by_label("Departure (ICAO)")).to_have_value("kjfk")  # the search is kept

    # A second bid is over the airline's limit: a message on the page, not a crash.
    await pilot.goto(f"{site.url}/schedule?departure=KBOS")
    async with pilot.expect_response(lambda r: r.url.endswith("/schedule/bids")) as refused:
        await pilot.get_by_role("button", name="Bid on NVA200").click()
    assert (await refused.value).status == 409
    await expect(pilot.get_by_role("alert")).to_contain_text("withdraw one first")
    await expect(pilot.locator("#bids li")).to_have_count(1)

    await pilot.get_by_role("button", name="Withdraw NVA100").click()
    await expect(pilot.locator("#no-bids")).to_have_text("No bids.")
    await expect(pilot.get_by_role("alert")).to_have_count(0)
