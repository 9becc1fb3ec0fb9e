"""Browser sessions: CSRF on every form, logout and revocation ending the cookie at once, and the
cookie counting on pages and the live feed only, never on the JSON API."""

from __future__ import annotations

import re

import httpx
import pytest
import websockets
from playwright.async_api import Browser, expect

from tests.browser.conftest import STAFF_PASSWORD, Site
from tests.browser.test_pilot_and_staff import sign_in


async def session_cookie(browser_context: object) -> str:
    cookies = await browser_context.cookies()  # type: ignore[attr-defined]
    found = [c for c in cookies if c["name"] == "albatross_session"]
    assert found and found[0]["httpOnly"] and found[0]["sameSite"] == "Lax" and found[0]["path"] == "/"
    return str(found[0]["value"])


async def test_a_form_posted_without_its_csrf_token_is_refused(site: Site, browser: Browser) -> None:
    page = await (await browser.new_context()).new_page()
    await page.goto(f"{site.url}/login")
    await page.evaluate("document.querySelector('input[name=_csrf_token]').remove()")
    await page.get_by_label("Username").fill("staff")
    await page.get_by_label("Password").fill(STAFF_PASSWORD)
    async with page.expect_response(f"{site.url}/login") as answer:
        await page.get_by_role("button", name="Sign in").click()
    assert (await answer.value).status == 403
    # A token of our own making does not pass either.
    async with httpx.AsyncClient(base_url=site.url) as http:
        form = await http.get("/login")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
        assert token is not None
        forged = await http.post(
            "/login", data={"username": "staff", "password": STAFF_PASSWORD, "_csrf_token": "x" * 64}
        )
        assert forged.status_code == 403
        good = await http.post(
            "/login", data={"username": "staff", "password": STAFF_PASSWORD, "_csrf_token": token.group(1)}
        )
        assert good.status_code == 303


async def test_logout_ends_the_session_and_the_old_cookie_stops_working(site: Site, browser: Browser) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    await sign_in(page, site, "staff", STAFF_PASSWORD)
    await expect(page.get_by_role("heading", name="Welcome, staff")).to_be_visible()
    old = await session_cookie(context)
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(f"{site.url}/login")
    assert not [c for c in await context.cookies() if c["name"] == "albatross_session"]
    async with httpx.AsyncClient(base_url=site.url, cookies={"albatross_session": old}) as http:
        answer = await http.get("/")
        assert (answer.status_code, answer.headers["location"]) == (303, "/login")


async def test_a_session_ended_elsewhere_stops_the_browser_at_once(site: Site, browser: Browser) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    await sign_in(page, site, "staff", STAFF_PASSWORD)
    token = await session_cookie(context)
    ended = await site.http.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert ended.status_code == 204
    await page.goto(f"{site.url}/review")
    await expect(page).to_have_url(f"{site.url}/login")


async def test_the_cookie_opens_pages_and_the_feed_but_never_the_api(site: Site, browser: Browser) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    await sign_in(page, site, "staff", STAFF_PASSWORD)
    token = await session_cookie(context)
    async with httpx.AsyncClient(base_url=site.url, cookies={"albatross_session": token}) as http:
        assert (await http.get("/")).status_code == 200
        assert (await http.get("/api/v1/me")).status_code == 401
    ws_url = site.url.replace("http", "ws") + "/api/v1/ws"
    cookie = {"Cookie": f"albatross_session={token}"}
    async with websockets.connect(ws_url, additional_headers=cookie, origin=site.url) as ws:  # type: ignore[arg-type]
        assert '"welcome"' in str(await ws.recv())
    # From another site's page the cookie does not count (the handshake has no CSRF token).
    async with websockets.connect(ws_url, additional_headers=cookie, origin="http://evil.example") as ws:  # type: ignore[arg-type]
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
