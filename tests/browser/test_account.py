"""In Chromium: a pilot edits their profile, and creates an API key (its secret shown once, on the
answer to the form), uses it against the API, and revokes it."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import ONE_TIME, Site
from tests.browser.test_pilot_and_staff import PILOT_PASSWORD, sign_in


async def _pilot(browser: Browser, site: Site, *, script: bool = True) -> Page:
    """The fixture's pilot, signed in with their own password."""
    context = await browser.new_context(java_script_enabled=script)
    pilot = await context.new_page()
    await sign_in(pilot, site, "pilot", ONE_TIME)
    await pilot.get_by_label("Current password").fill(ONE_TIME)
    await pilot.get_by_label("New password (at least 10 characters)").fill(PILOT_PASSWORD)
    await pilot.get_by_label("New password again").fill(PILOT_PASSWORD)
    await pilot.get_by_role("button", name="Change password").click()
    await expect(pilot.get_by_role("heading", name="Welcome, pilot")).to_be_visible()
    return pilot


async def _me(site: Site, key: str) -> int:
    response = await site.http.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    return response.status_code


async def test_a_pilot_edits_their_profile(site: Site, browser: Browser) -> None:
    pilot = await _pilot(browser, site)
    await pilot.get_by_role("navigation", name="Main").get_by_role("link", name="Profile").click()
    await expect(pilot.get_by_role("heading", name="Your profile")).to_be_visible()
    await expect(pilot.locator("#username")).to_have_text("pilot")
    await expect(pilot.locator("#role")).to_have_text("Pilot")
    await expect(pilot.locator("#airline")).to_have_text("Nova Air (NVA)")
    await expect(pilot.get_by_label("Name")).to_have_value("Pilot")
    await expect(pilot.get_by_label("Email")).to_have_value("pilot@example.org")
    await expect(pilot.get_by_role("link", name="Change your password")).to_have_attribute(
        "href", "/password"
    )

    # The browser lets "x@localhost" through; the server does not, and says so beside the field.
    await pilot.get_by_label("Name").fill("Pat  Pilot")
    await pilot.get_by_label("Email").fill("pat@localhost")
    async with pilot.expect_response(lambda r: r.request.method == "POST") as refused:
        await pilot.get_by_role("button", name="Save profile").click()
    assert (await refused.value).status == 400
    await expect(pilot.locator("#email-error")).to_have_text("That is not an email address.")
    await expect(pilot.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    await expect(pilot.get_by_label("Email")).to_have_value("pat@localhost")  # what was typed is kept
    await expect(pilot.get_by_label("Name")).to_have_value("Pat  Pilot")

    await pilot.get_by_label("Email").fill("Pat@Example.org")
    await pilot.get_by_role("button", name="Save profile").click()
    await expect(pilot).to_have_url(re.compile(r"/profile\?saved=true&min_position=\d+$"))
    await expect(pilot.locator("#saved")).to_have_text("Your profile is saved.")
    await pilot.goto(f"{site.url}/profile")
    await expect(pilot.get_by_label("Name")).to_have_value("Pat Pilot")
    await expect(pilot.get_by_label("Email")).to_have_value("pat@example.org")
    await expect(pilot.locator("#saved")).to_have_count(0)


async def test_a_key_is_shown_once_works_and_stops_when_revoked(site: Site, browser: Browser) -> None:
    pilot = await _pilot(browser, site, script=False)
    await pilot.get_by_role("navigation", name="Main").get_by_role("link", name="API keys").click()
    await expect(pilot.get_by_role("heading", name="Your API keys")).to_be_visible()
    await expect(pilot.locator("#no-keys")).to_be_visible()

    # Only spaces get past the browser's `required`, not past the server.
    await pilot.get_by_label("Label").fill("   ")
    async with pilot.expect_response(lambda r: r.request.method == "POST") as refused:
        await pilot.get_by_role("button", name="Create key").click()
    assert (await refused.value).status == 400
    await expect(pilot.locator("#name-error")).to_have_text("A key's name is 1 to 100 characters.")
    await expect(pilot.get_by_label("Label")).to_have_attribute("aria-invalid", "true")

    await pilot.get_by_label("Label").fill("my tracker")
    async with pilot.expect_response(lambda r: r.request.method == "POST") as issued:
        await pilot.get_by_role("button", name="Create key").click()
    answer = await issued.value
    assert answer.status == 201
    assert answer.headers["cache-control"] == "no-store"
    await expect(pilot).to_have_url(f"{site.url}/keys")  # no secret in the address
    await expect(pilot.get_by_text("Copy it now: it will not be shown again.")).to_be_visible()
    secret = pilot.get_by_label("Your new API key")
    await expect(secret).to_have_attribute("readonly", "")
    key = await secret.input_value()
    assert key.startswith("alb_")
    await expect(pilot.get_by_role("button", name="Copy the key")).to_have_count(0)  # no script here
    row = pilot.locator("#keys tbody tr")
    await expect(row).to_have_count(1)
    await expect(row).to_contain_text("my tracker")
    await expect(row).to_contain_text(key[:8])
    await expect(row.locator("[data-state]")).to_have_text("active")
    await expect(row.locator("td").nth(3)).to_have_text("never")

    assert await _me(site, key) == 200
    await pilot.goto(f"{site.url}/keys")
    await expect(row.locator("td").nth(3)).to_have_text(
        re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d UTC$")
    )  # last used
    assert key not in await pilot.content()
    await expect(pilot.get_by_label("Your new API key")).to_have_count(0)

    await pilot.get_by_role("button", name="Revoke my tracker").click()
    await expect(pilot).to_have_url(f"{site.url}/keys")
    await expect(row.locator("[data-state]")).to_have_text("revoked")
    await expect(pilot.get_by_role("button", name="Revoke my tracker")).to_have_count(0)
    assert await _me(site, key) == 401


async def test_the_copy_button_copies_the_key(site: Site, browser: Browser) -> None:
    pilot = await _pilot(browser, site)
    await pilot.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await pilot.goto(f"{site.url}/keys")
    await pilot.get_by_label("Label").fill("script")
    await pilot.get_by_role("button", name="Create key").click()
    await pilot.get_by_role("button", name="Copy the key").click()
    await expect(pilot.locator(".copy-status")).to_have_text("Copied.")
    key = await pilot.get_by_label("Your new API key").input_value()
    assert await pilot.evaluate("navigator.clipboard.readText()") == key
