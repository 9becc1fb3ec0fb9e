"""In Chromium: a visitor applies and staff approve; staff add a member whose one-time password works
once; staff set rank and transfer hours, suspend a signed-in pilot (refused at once), and read it
all back in the audit trail."""

from __future__ import annotations

import re

from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import STAFF_PASSWORD, Site, _login, _ok
from tests.browser.test_pilot_and_staff import sign_in
from tests.browser.test_schedule import _pilot

APPLICANT_PASSWORD = "the applicant's long password"
MEMBER_PASSWORD = "the member's own password"


async def _staff(browser: Browser, site: Site) -> Page:
    staff = await (await browser.new_context()).new_page()
    await sign_in(staff, site, "staff", STAFF_PASSWORD)
    await expect(staff.get_by_role("heading", name="Welcome, staff")).to_be_visible()
    return staff


async def _open_applications(site: Site) -> None:
    staff = await _login(site.http, "staff", STAFF_PASSWORD)
    await _ok(site.http, "PATCH", f"/api/v1/tenants/{site.tenant_id}", staff, {"applications_open": True})


async def test_a_visitor_applies_staff_approve_and_the_new_pilot_signs_in(
    site: Site, browser: Browser
) -> None:
    visitor = await (await browser.new_context(java_script_enabled=False)).new_page()
    # Closed applications turn the visitor away, saying so.
    await visitor.goto(f"{site.url}/apply/{site.tenant_id}")
    await expect(visitor.get_by_role("alert")).to_contain_text("does not accept applications")
    await expect(visitor.get_by_role("button", name="Apply")).to_have_count(0)

    await _open_applications(site)
    await visitor.goto(f"{site.url}/apply/{site.tenant_id}")
    await expect(visitor.get_by_role("heading", name="Apply to fly for Nova Air")).to_be_visible()
    await visitor.get_by_label("Username").fill("newbie")
    await visitor.get_by_label("Your name").fill("Nina Newbie")
    await visitor.get_by_label("Email").fill("nina@example.org")
    await visitor.get_by_label("Password (at least 10 characters)").fill(APPLICANT_PASSWORD)
    await visitor.get_by_label("Password again").fill("something else entirely")
    await visitor.get_by_role("button", name="Apply").click()
    await expect(visitor.locator("#confirm_password-error")).to_have_text("The two passwords differ.")
    await expect(visitor.get_by_label("Username")).to_have_value("newbie")  # the form comes back filled
    await visitor.get_by_label("Password (at least 10 characters)").fill(APPLICANT_PASSWORD)
    await visitor.get_by_label("Password again").fill(APPLICANT_PASSWORD)
    await visitor.get_by_role("button", name="Apply").click()
    await expect(visitor.get_by_role("heading", name="Thank you for applying to Nova Air")).to_be_visible()

    # Pending: not a member yet, so signing in is refused.
    await sign_in(visitor, site, "newbie", APPLICANT_PASSWORD)
    await expect(visitor).to_have_url(f"{site.url}/login")

    staff = await _staff(browser, site)
    await staff.get_by_role("navigation", name="Main").get_by_role("link", name="Pilots").click()
    await expect(staff.get_by_role("heading", name="Pilots", exact=True)).to_be_visible()
    await expect(staff.locator("#apply-link")).to_contain_text(f"/apply/{site.tenant_id}")
    application = staff.locator("#applications li")
    await expect(application).to_have_count(1)
    await expect(application).to_contain_text("newbie")
    await expect(application).to_contain_text("nina@example.org")
    await staff.get_by_role("button", name="Approve newbie").click()
    await expect(staff.locator("#no-applications")).to_be_visible()
    row = staff.locator("#members tr", has_text="newbie")
    await expect(row.locator("[data-state]")).to_have_text("Active")

    await sign_in(visitor, site, "newbie", APPLICANT_PASSWORD)
    await expect(visitor.get_by_role("heading", name="Welcome, newbie")).to_be_visible()


async def test_staff_add_a_member_whose_one_time_password_works_once(site: Site, browser: Browser) -> None:
    staff = await _staff(browser, site)
    await staff.goto(f"{site.url}/staff/pilots")
    # A taken username: the form comes back with the field marked.
    await staff.get_by_label("Username", exact=True).fill("pilot")
    await staff.get_by_label("Name", exact=True).fill("Someone Else")
    await staff.get_by_label("Email").fill("someone@example.org")
    await staff.get_by_role("button", name="Add member").click()
    await expect(staff.locator("#username-error")).to_contain_text("already taken")
    await expect(staff.get_by_label("Username", exact=True)).to_have_attribute("aria-invalid", "true")

    await staff.get_by_label("Username", exact=True).fill("newcrew")
    await staff.get_by_label("Role").select_option(label="Airline staff")
    async with staff.expect_response(lambda r: r.url.endswith("/staff/pilots")) as answered:
        await staff.get_by_role("button", name="Add member").click()
    response = await answered.value
    assert response.status == 200  # the password is on this very answer, not behind a redirect
    assert response.headers["cache-control"] == "no-store"
    await expect(staff.get_by_role("heading", name="newcrew is a member now")).to_be_visible()
    password = (await staff.locator("#one-time-password").text_content() or "").strip()
    assert len(password) >= 16

    member = await (await browser.new_context()).new_page()
    await sign_in(member, site, "newcrew", password)
    await expect(member).to_have_url(f"{site.url}/password")
    await member.get_by_label("Current password").fill(password)
    await member.get_by_label("New password (at least 10 characters)").fill(MEMBER_PASSWORD)
    await member.get_by_label("New password again").fill(MEMBER_PASSWORD)
    await member.get_by_role("button", name="Change password").click()
    await expect(member.get_by_role("heading", name="Welcome, newcrew")).to_be_visible()
    await expect(member.get_by_role("group", name="Staff")).to_be_visible()  # an airline admin

    # The one-time password is spent.
    other = await (await browser.new_context()).new_page()
    await sign_in(other, site, "newcrew", password)
    await expect(other.locator("#login-error")).to_be_visible()


async def test_staff_manage_a_pilot_and_the_audit_trail_shows_it(site: Site, browser: Browser) -> None:
    staff_api = await _login(site.http, "staff", STAFF_PASSWORD)
    ranks = {"ranks": [{"name": "Cadet"}, {"name": "Captain", "hours": 500, "auto_promote": False}]}
    await _ok(site.http, "PUT", f"/api/v1/tenants/{site.tenant_id}/careers/settings", staff_api, ranks)
    pilot = await _pilot(browser, site)  # signed in, own password set
    staff = await _staff(browser, site)

    await staff.goto(f"{site.url}/staff/pilots")
    await staff.locator("#members").get_by_role("link", name="pilot", exact=True).click()
    await expect(staff.get_by_role("heading", name=re.compile(r"^pilot"))).to_be_visible()
    await staff.get_by_label("Rank").select_option("Captain")
    await staff.get_by_role("button", name="Set rank").click()
    await expect(staff.locator("#rank")).to_have_text("Captain")

    await staff.get_by_label("Transfer hours (h:mm or a number)").fill("lots")
    async with staff.expect_response(lambda r: r.url.endswith("/transfer-hours")) as refused:
        await staff.get_by_role("button", name="Set transfer hours").click()
    assert (await refused.value).status == 400
    await expect(staff.locator("#transfer_hours-error")).to_contain_text("h:mm")
    await expect(staff.get_by_label("Transfer hours (h:mm or a number)")).to_have_attribute(
        "aria-invalid", "true"
    )
    await staff.get_by_label("Transfer hours (h:mm or a number)").fill("120:30")
    await staff.get_by_role("button", name="Set transfer hours").click()
    await expect(staff.locator("#transfer-hours")).to_have_text("120:30")
    await expect(staff.locator("#hours")).to_have_text("120:30")
    await expect(staff.locator("#rank")).to_have_text("Captain")

    # Suspension: the pilot's open session is refused on its very next page.
    await staff.get_by_role("button", name="Suspend").click()  # no reason: the browser holds it back
    await expect(staff.locator("#member-state")).to_have_text("Active")
    await staff.get_by_label("Reason for suspending").fill("Repeated unstable approaches")
    await staff.get_by_role("button", name="Suspend").click()
    await expect(staff.locator("#member-state")).to_have_text("Suspended")
    await pilot.goto(f"{site.url}/schedule")
    await expect(pilot).to_have_url(f"{site.url}/login")

    await staff.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    rows = staff.locator("#audit tbody tr")
    await expect(rows.first).to_contain_text("User state changed")  # newest first
    await expect(rows.first).to_contain_text("staff")
    for what in ("Rank changed", "Transfer hours set"):
        await expect(staff.locator("#audit tr", has_text=what)).to_contain_text("career of pilot")
    await staff.get_by_label("What happened").select_option(label="Rank changed")
    await staff.get_by_role("button", name="Show").click()
    await expect(rows).to_have_count(1)
    await expect(rows).to_contain_text("staff")

    # Paging: ten entries a page; the link to older ones keeps the page size.
    await staff.get_by_label("What happened").select_option(label="Anything")
    await staff.get_by_label("Per page").select_option("10")
    await staff.get_by_role("button", name="Show").click()
    await expect(rows).to_have_count(10)
    first_page = await rows.first.get_attribute("data-position")
    await staff.get_by_role("link", name="Older entries").click()
    assert int(await rows.first.get_attribute("data-position") or 0) < int(first_page or 0)
    await expect(staff).to_have_url(re.compile(r"limit=10"))
