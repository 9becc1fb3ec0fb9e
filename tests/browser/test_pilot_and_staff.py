"""End to end in Chromium: the pilot's first login, a manual PIREP through the form, the staff's
review in a second browser, and the pilot's list turning "accepted" without a reload."""

from __future__ import annotations

from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import ONE_TIME, STAFF_PASSWORD, Site

PILOT_PASSWORD = "the pilot's long password"


async def sign_in(page: Page, site: Site, username: str, password: str) -> None:
    await page.goto(f"{site.url}/login")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def file_pirep(page: Page, site: Site, departure: str = "KJFK") -> None:
    await page.goto(f"{site.url}/pireps/new")
    await expect(page.get_by_label("Airline code")).to_have_value("NVA")
    await page.get_by_label("Flight number").fill("100")
    await page.get_by_label("Departure (ICAO)").fill(departure)
    await page.get_by_label("Arrival (ICAO)").fill("KBOS")
    await page.get_by_label("Aircraft").select_option(label=site.aircraft)
    await page.get_by_label("Block off (UTC)").fill("2025-03-01T10:00")
    await page.get_by_label("Block on (UTC)").fill("2025-03-01T11:20")
    await page.get_by_label("Fuel used (lbs)").fill("5000")
    await page.get_by_label("Landing rate (fpm)").fill("-180")
    await page.get_by_role("button", name="File PIREP").click()


async def test_a_pilot_files_staff_accept_and_the_pilot_sees_it_live(site: Site, browser: Browser) -> None:
    pilot = await (await browser.new_context()).new_page()
    await sign_in(pilot, site, "pilot", ONE_TIME)
    # The one-time password: the password page comes first, whatever page is asked for.
    await expect(pilot).to_have_url(f"{site.url}/password")
    await pilot.goto(f"{site.url}/pireps")
    await expect(pilot).to_have_url(f"{site.url}/password")
    await pilot.get_by_label("Current password").fill(ONE_TIME)
    await pilot.get_by_label("New password (at least 10 characters)").fill(PILOT_PASSWORD)
    await pilot.get_by_label("New password again").fill(PILOT_PASSWORD)
    await pilot.get_by_role("button", name="Change password").click()
    await expect(pilot.get_by_role("heading", name="Welcome, pilot")).to_be_visible()

    # A failed check is shown next to its field, and nothing is filed.
    await file_pirep(pilot, site, departure="ZZZZ")
    await expect(pilot.locator("#departure-error")).to_contain_text("unknown airport ZZZZ")
    await expect(pilot.get_by_label("Departure (ICAO)")).to_have_attribute("aria-invalid", "true")

    await file_pirep(pilot, site)
    row = pilot.locator("#pireps tbody tr")
    await expect(row).to_have_count(1)
    await expect(row.locator("[data-state]")).to_have_text("pending")
    await pilot.wait_for_function("document.documentElement.dataset.live === 'on'")
    await pilot.evaluate("window.notReloaded = true")

    staff = await (await browser.new_context()).new_page()
    await sign_in(staff, site, "staff", STAFF_PASSWORD)
    await expect(staff.locator("#pending-count")).to_have_text("1")
    await staff.goto(f"{site.url}/review")
    await staff.get_by_role("button", name="Accept NVA100").click()
    await expect(staff.get_by_text("Nothing waiting.")).to_be_visible()

    await expect(row.locator("[data-state]")).to_have_text("accepted")
    assert await pilot.evaluate("window.notReloaded") is True
    await pilot.goto(f"{site.url}/")
    await expect(pilot.locator("#flights")).to_have_text("1")
    await expect(pilot.locator("#hours")).to_have_text("1:20")
