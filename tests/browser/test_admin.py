"""In Chromium, the platform admin: creates an airline with its first staff account (who signs in
with the one-time password shown once), suspends a signed-in user, and reads the system status."""

from __future__ import annotations

import platform
import re

import pytest
from playwright.async_api import Browser, Page, expect

from albatross.web.pages import admin_airlines
from tests.browser.conftest import ADMIN_PASSWORD, STAFF_PASSWORD, Site
from tests.browser.test_pilot_and_staff import sign_in

NEW_STAFF_PASSWORD = "the new staff's own password"


async def _admin(browser: Browser, site: Site) -> Page:
    admin = await (await browser.new_context()).new_page()
    await sign_in(admin, site, "admin", ADMIN_PASSWORD)
    await expect(admin.get_by_role("group", name="Platform")).to_be_visible()
    return admin


async def _fill_airline(admin: Page, name: str, icao: str, username: str, email: str) -> None:
    await admin.get_by_label("Airline name").fill(name)
    await admin.get_by_label("ICAO code (three letters)").fill(icao)
    await admin.get_by_label("Staff username").fill(username)
    await admin.get_by_label("Staff member's name").fill("Sky Chief")
    await admin.get_by_label("Staff member's email").fill(email)


async def test_the_admin_creates_an_airline_whose_staff_signs_in(site: Site, browser: Browser) -> None:
    admin = await _admin(browser, site)
    await admin.get_by_role("group", name="Platform").get_by_role("link", name="Airlines").click()
    await expect(admin.locator("#airlines tbody tr")).to_have_count(1)
    await expect(admin.locator("#airlines tbody tr")).to_contain_text("Nova Air")

    # A taken username is refused before anything is written: no airline without its staff.
    await _fill_airline(admin, "Sky Blue", "SKB", "pilot", "chief@example.org")
    async with admin.expect_response(lambda r: r.url.endswith("/admin/airlines")) as refused:
        await admin.get_by_role("button", name="Create airline").click()
    assert (await refused.value).status == 400
    await expect(admin.locator("#username-error")).to_contain_text("already taken")
    await expect(admin.get_by_label("Staff username")).to_have_attribute("aria-invalid", "true")
    await expect(admin.locator("#airlines tbody tr")).to_have_count(1)

    await admin.get_by_label("Staff username").fill("chief")
    async with admin.expect_response(lambda r: r.url.endswith("/admin/airlines")) as answer:
        await admin.get_by_role("button", name="Create airline").click()
    response = await answer.value
    assert response.status == 201
    assert (await response.all_headers())["cache-control"] == "no-store"
    await expect(admin.get_by_role("heading", name="Airline Sky Blue created")).to_be_visible()
    password = (await admin.locator("#one-time-password").text_content() or "").strip()
    assert len(password) >= 16
    await expect(admin.locator("#apply-link")).to_have_text(re.compile(r"^/apply/[0-9a-f-]{36}$"))

    await admin.get_by_role("link", name="Back to airlines").click()
    rows = admin.locator("#airlines tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.filter(has_text="Sky Blue")).to_contain_text("SKB")
    await expect(admin.get_by_text(password)).to_have_count(0)  # shown once, never again

    staff = await (await browser.new_context()).new_page()
    await sign_in(staff, site, "chief", password)
    await expect(staff).to_have_url(f"{site.url}/password")
    await staff.get_by_label("Current password").fill(password)
    await staff.get_by_label("New password (at least 10 characters)").fill(NEW_STAFF_PASSWORD)
    await staff.get_by_label("New password again").fill(NEW_STAFF_PASSWORD)
    await staff.get_by_role("button", name="Change password").click()
    await expect(staff.get_by_role("group", name="Staff")).to_be_visible()


async def test_the_admin_adds_a_user_and_suspends_a_signed_in_one(site: Site, browser: Browser) -> None:
    staff = await (await browser.new_context()).new_page()
    await sign_in(staff, site, "staff", STAFF_PASSWORD)
    await expect(staff.get_by_role("group", name="Staff")).to_be_visible()
    assert (await staff.goto(f"{site.url}/admin/users")).status == 403  # type: ignore[union-attr]

    admin = await _admin(browser, site)
    await admin.goto(f"{site.url}/admin/users")
    await admin.get_by_label("Username", exact=True).fill("second")
    await admin.get_by_label("Full name").fill("Second Pilot")
    await admin.get_by_label("Email", exact=True).fill("second@example.org")
    await admin.get_by_label("Role", exact=True).select_option(label="Pilot")
    await admin.get_by_label("Airline", exact=True).select_option(label="NVA · Nova Air")
    await admin.get_by_role("button", name="Add user").click()
    await expect(admin.get_by_role("heading", name="One-time password for second")).to_be_visible()
    await expect(admin.locator("#one-time-password")).not_to_be_empty()
    await admin.get_by_role("link", name="Back to users").click()
    await expect(admin.locator('#users tr[data-username="second"]')).to_contain_text("Nova Air")

    await admin.get_by_label("Search name, username or email").fill("staff")
    await admin.get_by_role("button", name="Show users").click()
    row = admin.locator("#users tbody tr")
    await expect(row).to_have_count(1)
    await expect(row.locator("[data-state]")).to_have_text("active")
    await admin.get_by_role("button", name="Suspend staff").click()
    await expect(admin).to_have_url(re.compile(r"/admin/users\?q=staff&min_position=\d+$"))
    await expect(row.locator("[data-state]")).to_have_text("suspended")

    await staff.reload()
    await expect(staff).to_have_url(f"{site.url}/login")

    await admin.get_by_role("button", name="Reactivate staff").click()
    await expect(row.locator("[data-state]")).to_have_text("active")


async def test_the_status_page_shows_readiness_lag_versions_and_mode(site: Site, browser: Browser) -> None:
    admin = await _admin(browser, site)
    await admin.get_by_role("group", name="Platform").get_by_role("link", name="System status").click()
    await expect(admin.locator("#readiness")).to_have_text("ready")
    await expect(admin.locator("#mode")).to_have_text("embedded")
    lags = admin.locator("#lag td[data-lag]")
    assert await lags.count() >= 4
    for text in await lags.all_text_contents():
        assert text.isdigit(), text
    await expect(admin.locator("#versions")).to_contain_text(platform.python_version())
    await expect(admin.locator("#versions")).to_contain_text("Litestar")
    await expect(admin.locator("#ports")).to_contain_text("SQLite")
    await expect(admin.locator("#ports")).to_contain_text("sqlite+aiosqlite:///")
    assert "@" not in await admin.locator("#ports").inner_text()


async def test_a_username_taken_after_the_pages_check_leaves_no_airline_without_staff(
    site: Site, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def seemed_free(*args: object, **kwargs: object) -> None:
        return None

    # Someone claims the username between the page's check and the command ("pilot" is taken).
    monkeypatch.setattr(admin_airlines, "check_account_free", seemed_free)
    admin = await _admin(browser, site)
    await admin.goto(f"{site.url}/admin/airlines")
    await _fill_airline(admin, "Late Air", "LTE", "pilot", "late@example.org")
    async with admin.expect_response(lambda r: r.url.endswith("/admin/airlines")) as refused:
        await admin.get_by_role("button", name="Create airline").click()
    assert (await refused.value).status == 409
    await expect(admin.locator("#username-error")).to_contain_text("already taken")
    await expect(admin.get_by_label("Staff username")).to_have_attribute("aria-invalid", "true")
    await expect(admin.locator("#airlines tbody tr")).to_have_count(1)  # Nova Air only: no Late Air
    await expect(admin.locator("#airlines")).not_to_contain_text("Late Air")
