"""In Chromium, without script: staff run the fleet (a subfleet, an aircraft, marking it
inactive), the airline's airports (a new hub, an unknown code refused) and the airline's settings
(name, applications, ranks, a PIREP check), with a bad row marked and nothing saved."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import STAFF_PASSWORD, Site
from tests.browser.test_pilot_and_staff import sign_in


async def _staff(browser: Browser, site: Site) -> Page:
    page = await (await browser.new_context(java_script_enabled=False)).new_page()
    await sign_in(page, site, "staff", STAFF_PASSWORD)
    await expect(page.get_by_role("heading", name="Welcome, staff")).to_be_visible()
    return page


async def test_staff_add_a_subfleet_and_an_aircraft_and_mark_it_inactive(
    site: Site, browser: Browser
) -> None:
    page = await _staff(browser, site)
    await page.get_by_role("group", name="Staff").get_by_role("link", name="Fleet").click()
    await expect(page.get_by_role("heading", name="Fleet", exact=True)).to_be_visible()
    await expect(page.locator("#aircraft tbody tr")).to_have_count(1)  # N100NV from the fixture

    add_subfleet = page.get_by_role("form", name="Add a subfleet")
    await add_subfleet.get_by_label("Type code").fill("A320")
    await add_subfleet.get_by_label("Subfleet name").fill("Airbus A320")
    await add_subfleet.get_by_label("Hub").select_option("KJFK")
    await add_subfleet.get_by_label("Cost per block hour").fill("1500")
    await add_subfleet.get_by_role("button", name="Add subfleet").click()
    await expect(page).to_have_url(re.compile(r"/staff/fleet\?min_position=\d+$"))
    subfleet = page.locator("#subfleets tbody tr", has_text="A320")
    await expect(subfleet).to_contain_text("Airbus A320")
    await expect(subfleet).to_contain_text("KJFK")
    await expect(subfleet).to_contain_text("1500.00")

    add_aircraft = page.get_by_role("form", name="Add an aircraft")
    await add_aircraft.get_by_label("Registration").fill("n200nv")
    await add_aircraft.get_by_label("Aircraft name").fill("Ship 200")
    await add_aircraft.get_by_label("Subfleet").select_option(label="A320 · Airbus A320")
    await add_aircraft.get_by_label("Home airport").select_option("KBOS")
    await add_aircraft.get_by_role("button", name="Add aircraft").click()
    row = page.locator("#aircraft tbody tr", has_text="N200NV")
    await expect(row).to_contain_text("Ship 200")
    await expect(row).to_contain_text("A320")
    await expect(row).to_contain_text("KBOS")  # home, and where it is now
    await expect(row).to_contain_text("Active")
    await expect(row).to_contain_text("Parked")

    # The same registration again: refused next to the field, nothing added.
    await add_aircraft.get_by_label("Registration").fill("N200NV")
    await add_aircraft.get_by_label("Aircraft name").fill("Twin")
    async with page.expect_response(lambda r: r.url.endswith("/staff/fleet/aircraft")) as refused:
        await add_aircraft.get_by_role("button", name="Add aircraft").click()
    assert (await refused.value).status == 409
    await expect(add_aircraft.get_by_label("Registration")).to_have_attribute("aria-invalid", "true")
    await expect(add_aircraft.locator(".field-error")).to_contain_text("already taken")
    await expect(page.locator("#aircraft tbody tr")).to_have_count(2)

    await page.get_by_role("link", name="Edit N200NV").click()
    await expect(page.get_by_role("heading", name="Edit N200NV")).to_be_visible()
    await page.get_by_label("Name", exact=True).fill("Ship Two Hundred")
    await page.get_by_label("Status").first.select_option(label="Stored (inactive)")
    await page.get_by_role("button", name="Save aircraft").click()
    row = page.locator("#aircraft tbody tr", has_text="N200NV")
    await expect(row).to_contain_text("Ship Two Hundred")
    await expect(row).to_contain_text("Stored (inactive)")
    await expect(page.get_by_role("heading", name="Edit N200NV")).to_have_count(0)

    # An inactive aircraft is not offered to pilots filing a PIREP.
    await page.goto(f"{site.url}/pireps/new")
    options = page.get_by_label("Aircraft").locator("option")
    await expect(options).to_have_count(2)
    await expect(options.nth(1)).to_have_text(site.aircraft)


async def test_staff_add_a_hub_and_an_unknown_airport_is_refused(site: Site, browser: Browser) -> None:
    page = await _staff(browser, site)
    await page.goto(f"{site.url}/staff/fleet")
    await page.get_by_role("link", name="the airline's airports").click()
    await expect(page.get_by_role("heading", name="Airports", exact=True)).to_be_visible()
    await expect(page.locator("#airports tbody tr")).to_have_count(2)

    await page.get_by_label("ICAO code").fill("zzzz")
    await page.get_by_label("Hub").check()
    async with page.expect_response(lambda r: r.url.endswith("/staff/airports")) as refused:
        await page.get_by_role("button", name="Save airport").click()
    assert (await refused.value).status == 400
    await expect(page.get_by_label("ICAO code")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#airport-icao-error")).to_have_text("ZZZZ is not in the airports database.")
    await expect(page.get_by_label("Hub")).to_be_checked()  # the form comes back as sent
    await expect(page.locator("#airports tbody tr")).to_have_count(2)

    await page.get_by_label("ICAO code").fill("egll")
    await page.get_by_label("Landing fee").fill("-3")
    async with page.expect_response(lambda r: r.url.endswith("/staff/airports")) as refused:
        await page.get_by_role("button", name="Save airport").click()
    assert (await refused.value).status == 400
    await expect(page.locator("#airport-landing_fee-error")).to_have_text("Give a number of at least 0.")

    await page.get_by_label("Landing fee").fill("250")
    await page.get_by_label("Jet A price (per lb)").fill("0.72")
    await page.get_by_role("button", name="Save airport").click()
    await expect(page).to_have_url(re.compile(r"/staff/airports\?min_position=\d+$"))
    row = page.locator("#airports tbody tr", has_text="EGLL")
    await expect(row).to_contain_text("Heathrow")
    await expect(row).to_contain_text("Hub")
    await expect(row).to_contain_text("250.00")
    await expect(row).to_contain_text("0.72")

    # Change one: the form comes filled in; then remove another.
    await page.get_by_role("link", name="Change EGLL").click()
    await expect(page.get_by_label("ICAO code")).to_have_value("EGLL")
    await expect(page.get_by_label("Landing fee")).to_have_value("250")
    await page.get_by_label("Hub").uncheck()
    await page.get_by_role("button", name="Save airport").click()
    await expect(page.locator("#airports tbody tr", has_text="EGLL")).not_to_contain_text("Hub")
    await page.get_by_role("button", name="Remove KBOS").click()
    await expect(page.locator("#airports tbody tr")).to_have_count(2)
    await expect(page.locator("#airports")).not_to_contain_text("KBOS")


async def test_staff_change_the_airline_and_its_ranks_and_checks(site: Site, browser: Browser) -> None:
    page = await _staff(browser, site)
    await page.get_by_role("group", name="Staff").get_by_role("link", name="Settings").click()
    await expect(page.get_by_role("heading", name="Airline settings")).to_be_visible()
    await expect(page.get_by_role("link", name="airports and hubs")).to_have_attribute(
        "href", "/staff/airports"
    )

    # A new airline is closed to applications: open them with a new name, then close them.
    await expect(page.get_by_label("Open to pilot applications")).not_to_be_checked()
    await page.get_by_label("Airline name").fill("Nova Atlantic")
    await page.get_by_label("Open to pilot applications").check()
    async with page.expect_navigation():  # the post's answer, before the next step
        await page.get_by_role("button", name="Save airline").click()
    await expect(page).to_have_url(re.compile(r"/staff/settings\?min_position=\d+$"))
    await page.reload()
    await expect(page.get_by_label("Airline name")).to_have_value("Nova Atlantic")
    await expect(page.get_by_label("Open to pilot applications")).to_be_checked()
    await page.get_by_label("Open to pilot applications").uncheck()
    async with page.expect_navigation():  # the post's answer, before the next step
        await page.get_by_role("button", name="Save airline").click()
    await page.reload()
    await expect(page.get_by_label("Open to pilot applications")).not_to_be_checked()
    await expect(page.get_by_label("Airline name")).to_have_value("Nova Atlantic")

    # Ranks: the table offers one empty row; fill it, save, and another is offered.
    await page.get_by_label("New rank name").fill("Cadet")
    await page.get_by_label("New rank hours").fill("0")
    async with page.expect_navigation():  # the post's answer, before the next step
        await page.get_by_role("button", name="Save careers").click()
    await expect(page.get_by_label("Rank 1 name")).to_have_value("Cadet")
    await page.get_by_label("New rank name").fill("Captain")
    await page.get_by_label("New rank hours").fill("100")
    await page.get_by_label("New rank pay per hour").fill("55")
    async with page.expect_navigation():  # the post's answer, before the next step
        await page.get_by_role("button", name="Save careers").click()
    await expect(page.get_by_label("Rank 2 name")).to_have_value("Captain")
    await page.get_by_label("Rank 2 hours").fill("150")
    async with page.expect_navigation():  # the post's answer, before the next step
        await page.get_by_role("button", name="Save careers").click()

    await expect(page.get_by_label("The flight time is plausible for the distance")).to_be_checked()
    await page.get_by_label("The flight time is plausible for the distance").uncheck()
    await page.get_by_label("New rule landing rate").fill("400")
    async with page.expect_navigation():  # the post's answer, before the next step
        await page.get_by_role("button", name="Save flight rules").click()

    await page.reload()
    await expect(page.get_by_label("Rank 1 name")).to_have_value("Cadet")
    await expect(page.get_by_label("Rank 2 hours")).to_have_value("150")
    await expect(page.get_by_label("Rank 2 pay per hour")).to_have_value("55")
    await expect(page.get_by_label("The flight time is plausible for the distance")).not_to_be_checked()
    await expect(page.get_by_label("Departure and arrival airports exist")).to_be_checked()
    await expect(page.get_by_label("Rule 1 landing rate")).to_have_value("400")

    # A bad row: negative hours. The form comes back marked, with what was typed; nothing saved.
    await page.get_by_label("Rank 1 name").fill("Trainee")
    await page.get_by_label("Rank 2 hours").fill("-5")
    await page.get_by_label("New rank name").fill("Senior Captain")
    await page.get_by_label("New rank hours").fill("500")
    async with page.expect_response(lambda r: r.url.endswith("/staff/settings/careers")) as refused:
        async with page.expect_navigation():  # the post's answer, before the next step
            await page.get_by_role("button", name="Save careers").click()
    assert (await refused.value).status == 400
    await expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    hours = page.get_by_label("Rank 2 hours")
    await expect(hours).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#ranks-1-hours-error")).to_have_text("Give a number of at least 0.")
    await expect(hours).to_have_value("-5")
    await expect(page.get_by_label("Rank 3 name")).to_have_value("Senior Captain")
    await page.goto(f"{site.url}/staff/settings")
    await expect(page.get_by_label("Rank 1 name")).to_have_value("Cadet")
    await expect(page.get_by_label("Rank 2 hours")).to_have_value("150")
    await expect(page.locator("#ranks tbody tr")).to_have_count(3)  # two ranks and the empty row

    # Removing a rank.
    await page.get_by_label("Remove rank 1").check()
    async with page.expect_navigation():  # the post's answer, before the next step
        await page.get_by_role("button", name="Save careers").click()
    await expect(page.get_by_label("Rank 1 name")).to_have_value("Captain")
    await expect(page.locator("#ranks tbody tr")).to_have_count(2)
