"""In Chromium, without script: staff add, change and delete a flight through the schedule form (a
pilot sees it in the schedule), and import flights from CSV after a dry run shown row by row."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import STAFF_PASSWORD, Site, _login, _ok
from tests.browser.test_pilot_and_staff import sign_in
from tests.browser.test_schedule import _flight, _pilot

BAD_CSV = (
    "airline,flight_number,dpt_airport,arr_airport,flight_time,dpt_time\n"
    "NVA,300,KJFK,KBOS,75,08:00\n"
    "NVA,301,KBOS,ZZZZ,80,12:00\n"
    "NVA,302,KBOS,KJFK,80,15:00\n"
)
# NVA100 exists already (block time 80): this file changes it and adds two flights.
GOOD_CSV = (
    "airline,flight_number,dpt_airport,arr_airport,flight_time,dpt_time\n"
    "NVA,300,KJFK,KBOS,75,08:00\n"
    "NVA,100,KJFK,KBOS,95,10:00\n"
    "NVA,302,KBOS,KJFK,80,15:00\n"
)


async def _staff(browser: Browser, site: Site) -> Page:
    staff = await (await browser.new_context(java_script_enabled=False)).new_page()
    await sign_in(staff, site, "staff", STAFF_PASSWORD)
    await staff.get_by_role("group", name="Staff").get_by_role("link", name="Schedules").click()
    await expect(staff.get_by_role("heading", name="Schedules", exact=True)).to_be_visible()
    return staff


async def _flight_count(site: Site) -> int:
    staff = await _login(site.http, "staff", STAFF_PASSWORD)
    found = await _ok(site.http, "GET", f"/api/v1/tenants/{site.tenant_id}/flights", staff)
    return int(found["total"])


async def test_staff_add_edit_and_delete_a_flight(site: Site, browser: Browser) -> None:
    staff = await _staff(browser, site)
    await expect(staff.locator("#no-flights")).to_contain_text("No flights yet")

    await staff.get_by_role("link", name="Add a flight").click()
    await expect(staff.get_by_label("Airline code")).to_have_value("NVA")
    await staff.get_by_label("Flight number").fill("500")
    await staff.get_by_label("Departure (ICAO)").fill("kjfk")
    await staff.get_by_label("Arrival (ICAO)").fill("KJFK")
    await staff.get_by_label("Departure time (UTC)").fill("09:00")
    await staff.get_by_label("Arrival time (UTC)").fill("10:15")
    await staff.get_by_label("Block time (minutes)").fill("75")
    await staff.get_by_label("Mon", exact=True).check()
    await staff.get_by_label("Wed", exact=True).check()
    # A refused value comes back next to its field, with everything typed kept.
    async with staff.expect_response(lambda r: r.request.method == "POST") as refused:
        await staff.get_by_role("button", name="Add flight").click()
    assert (await refused.value).status == 400
    await expect(staff.get_by_label("Arrival (ICAO)")).to_have_attribute("aria-invalid", "true")
    await expect(staff.locator("#arrival-error")).to_contain_text("differ from the departure")
    await expect(staff.get_by_label("Block time (minutes)")).to_have_value("75")
    await expect(staff.get_by_label("Wed", exact=True)).to_be_checked()

    await staff.get_by_label("Arrival (ICAO)").fill("KBOS")
    await staff.get_by_role("button", name="Add flight").click()
    await expect(staff).to_have_url(re.compile(r"/staff/schedules\?done=added&min_position=\d+$"))
    await expect(staff.get_by_role("status")).to_have_text("The flight was added.")
    row = staff.locator("#flights tbody tr")
    await expect(row).to_have_count(1)
    for text in ("NVA500", "KJFK → KBOS", "09:00", "10:15", "Mon Wed", "1:15", "Yes"):
        await expect(row).to_contain_text(text)
    await expect(row).to_contain_text("162 nm")  # computed from the airports

    pilot = await _pilot(browser, site)
    await pilot.goto(f"{site.url}/schedule")
    await expect(pilot.locator("#flights tbody tr")).to_have_count(1)
    await expect(pilot.locator("#flights tbody tr")).to_contain_text("NVA500")

    await staff.get_by_role("link", name="Edit NVA500").click()
    await expect(staff.get_by_role("heading", name="Edit NVA500")).to_be_visible()
    await expect(staff.get_by_label("Mon", exact=True)).to_be_checked()
    await staff.get_by_label("Block time (minutes)").fill("80")
    await staff.get_by_role("button", name="Save flight").click()
    await expect(staff.get_by_role("status")).to_have_text("The flight was saved.")
    await expect(row).to_contain_text("1:20")
    await expect(row).to_contain_text("Mon Wed")  # what was not touched is kept

    await staff.get_by_role("link", name="Edit NVA500").click()
    await staff.get_by_role("button", name="Delete this flight").click()
    await expect(staff.get_by_role("status")).to_have_text("The flight was deleted.")
    await expect(staff.locator("#flights")).to_have_count(0)
    await pilot.reload()
    await expect(pilot.locator("#no-flights")).to_be_visible()


async def test_csv_dry_run_row_by_row_then_import_and_export(
    site: Site, browser: Browser, tmp_path: Path
) -> None:
    await _flight(site, await _login(site.http, "staff", STAFF_PASSWORD), "100", "KJFK", "KBOS")
    staff = await _staff(browser, site)
    await staff.get_by_role("link", name="Import CSV").click()
    await expect(staff.get_by_role("heading", name="Import and export CSV")).to_be_visible()

    # Pasted text with one bad row: every row's outcome, the bad row's message, nothing written.
    await staff.get_by_label("What the file holds").select_option("flights")
    await staff.get_by_label("Or paste the CSV text").fill(BAD_CSV)
    await staff.get_by_role("button", name="Dry run").click()
    await expect(staff.get_by_role("heading", name="Dry run: flights")).to_be_visible()
    await expect(staff.locator("#count-rows")).to_have_text("3")
    await expect(staff.locator("#count-created")).to_have_text("2")
    await expect(staff.locator("#count-errors")).to_have_text("1")
    rows = staff.locator("#report-rows tbody tr")
    await expect(rows).to_have_count(3)
    await expect(rows.nth(0)).to_contain_text(re.compile(r"^\s*2\s*created\s*$"))
    await expect(rows.nth(1)).to_contain_text("3")
    await expect(rows.nth(1)).to_contain_text("error")
    await expect(rows.nth(1)).to_contain_text("unknown airport ZZZZ")
    await expect(rows.nth(2)).to_contain_text(re.compile(r"^\s*4\s*created\s*$"))
    await expect(staff.locator("#nothing-written")).to_be_visible()
    await expect(staff.get_by_role("button", name="Import", exact=True)).to_have_count(0)
    await expect(staff.get_by_label("Or paste the CSV text")).to_have_value(BAD_CSV)
    assert await _flight_count(site) == 1

    # A clean file (uploaded): one row changes a flight, two add flights; nothing is written yet.
    await staff.get_by_label("Or paste the CSV text").fill("")
    await staff.get_by_label("CSV file (at most 5 MB)").set_input_files(
        {"name": "flights.csv", "mimeType": "text/csv", "buffer": GOOD_CSV.encode()}
    )
    await staff.get_by_role("button", name="Dry run").click()
    await expect(staff.locator("#count-errors")).to_have_text("0")
    await expect(rows).to_have_count(3)
    await expect(rows.nth(0)).to_contain_text("created")
    await expect(rows.nth(1)).to_contain_text("updated")
    await expect(rows.nth(2)).to_contain_text("created")
    assert await _flight_count(site) == 1

    await staff.get_by_role("button", name="Import", exact=True).click()
    await expect(staff).to_have_url(re.compile(r"/staff/import\?imported=flights&.*min_position=\d+$"))
    await expect(staff.get_by_role("status")).to_have_text(
        "Imported flights: 2 created, 1 updated, 0 unchanged."
    )
    assert await _flight_count(site) == 3
    await staff.goto(f"{site.url}/staff/schedules?q=nva100")
    await expect(staff.locator("#flights tbody tr")).to_contain_text("1:35")

    await staff.goto(f"{site.url}/staff/import")
    async with staff.expect_download() as downloading:
        await staff.get_by_role("link", name="Download flights.csv").click()
    download = await downloading.value
    assert download.suggested_filename == "flights.csv"
    saved = tmp_path / "flights.csv"
    await download.save_as(saved)
    exported = saved.read_text()
    assert exported.startswith("airline,flight_number,")
    for number in ("100", "300", "302"):
        assert re.search(rf"^NVA,{number},", exported, re.MULTILINE), exported
    assert "301" not in exported
