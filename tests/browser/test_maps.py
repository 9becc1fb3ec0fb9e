"""In Chromium: the route map draws the airline's flights (a dot per airport, a line per route,
labels), and the live map shows a tracked flight and moves it, without a reload, when the flight
reports a new position."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from playwright.async_api import Browser, expect

from tests.browser.conftest import ONE_TIME, STAFF_PASSWORD, Site, _login, _ok
from tests.browser.test_pilot_and_staff import PILOT_PASSWORD, sign_in
from tests.browser.test_schedule import _flight


async def test_the_route_map_draws_every_airport_and_route(site: Site, browser: Browser) -> None:
    staff = await _login(site.http, "staff", STAFF_PASSWORD)
    await _flight(site, staff, "100", "KJFK", "KBOS")
    await _flight(site, staff, "200", "KBOS", "KJFK")  # the same route, the other way
    await _flight(site, staff, "300", "KJFK", "EGLL")
    page = await (await browser.new_context(java_script_enabled=False)).new_page()
    await sign_in(page, site, "staff", STAFF_PASSWORD)

    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Route map").click()
    await expect(page.get_by_role("heading", name="Route map", exact=True)).to_be_visible()
    picture = page.get_by_role("img", name="Route map")
    await expect(picture).to_be_visible()
    await expect(picture.locator("circle.airport")).to_have_count(3)
    await expect(picture.locator("circle.hub")).to_have_count(1)
    await expect(picture.locator("circle.hub")).to_have_attribute("data-icao", "KJFK")
    routes = picture.locator("g.route")
    await expect(routes).to_have_count(2)
    await expect(routes.nth(0)).to_have_attribute("data-route", "EGLL-KJFK")
    await expect(routes.nth(1)).to_have_attribute("data-route", "KBOS-KJFK")
    assert sorted(await picture.locator("text.label").all_text_contents()) == ["EGLL", "KBOS", "KJFK"]
    # The same, as text: for screen readers and anyone without pictures.
    rows = page.locator("#routes tbody tr")
    await expect(rows).to_have_count(2)
    await expect(rows.nth(1)).to_contain_text("NVA100, NVA200")
    await expect(page.locator("#network-airports tbody tr")).to_have_count(3)


async def _pilot_token(site: Site) -> dict[str, str]:
    pilot = await _login(site.http, "pilot", ONE_TIME)
    change = {"current_password": ONE_TIME, "new_password": PILOT_PASSWORD}
    await _ok(site.http, "POST", "/api/v1/auth/password", pilot, change)
    return await _login(site.http, "pilot", PILOT_PASSWORD)


def _position(n: int, lat: float, lon: float, heading: float) -> dict[str, Any]:
    return {
        "id": f"p{n}",
        "lat": lat,
        "lon": lon,
        "heading": heading,
        "altitude_ft": 21000,
        "at": n * 1_000_000,
    }


async def _moved_to(site: Site, headers: dict[str, str], count: int) -> None:
    for _ in range(250):  # until the read model has the positions
        live = await _ok(site.http, "GET", "/api/v1/flights/live", headers)
        if live and live[0]["positions"] == count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the positions never reached the read model")


async def test_the_live_map_moves_a_flight_without_a_reload(site: Site, browser: Browser) -> None:
    pilot = await _pilot_token(site)
    details = {"airline": "NVA", "flight_number": "100", "departure": "KJFK", "arrival": "KBOS"}
    pirep = (
        await _ok(site.http, "POST", "/api/v1/pireps", pilot, {"source": "tracked", "details": details})
    )["id"]
    positions = f"/api/v1/pireps/{pirep}/positions"
    batch = [_position(1, 40.64, -73.78, 45), _position(2, 41.0, -72.9, 50)]
    await _ok(site.http, "POST", positions, pilot, {"positions": batch})
    await _moved_to(site, pilot, 2)

    # Without script the page shows the flight as it was when it loaded.
    still = await (await browser.new_context(java_script_enabled=False)).new_page()
    await sign_in(still, site, "staff", STAFF_PASSWORD)
    await still.goto(f"{site.url}/live")
    await expect(still.locator(f'g.flight[data-pirep-id="{pirep}"]')).to_have_attribute("data-lat", "41")
    await expect(still.locator("#live-flights tbody tr")).to_contain_text("KJFK → KBOS")

    page = await (await browser.new_context()).new_page()
    await sign_in(page, site, "staff", STAFF_PASSWORD)
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Live map").click()
    await expect(page.get_by_role("heading", name="Live map", exact=True)).to_be_visible()
    picture = page.get_by_role("img", name="Flights in progress")
    marker = picture.locator(f'g.flight[data-pirep-id="{pirep}"]')
    await expect(marker).to_have_attribute("data-lat", "41")
    await expect(marker.locator("text.label")).to_have_text("NVA100")
    await expect(marker.locator("path.plane")).to_have_attribute(
        "transform", re.compile(r"^translate\(107\.1 49\) rotate\(50\) ")
    )
    await expect(picture.locator("g.paths polyline")).to_have_count(1)
    await expect(page.locator("#live-flights tbody tr")).to_contain_text("NVA100")
    await page.wait_for_function("document.documentElement.dataset.live === 'on'")
    await page.evaluate("window.notReloaded = true")

    await _ok(site.http, "POST", positions, pilot, {"positions": [_position(3, 41.8, -71.9, 60)]})

    await expect(marker).to_have_attribute("data-lat", "41.8", timeout=10_000)
    await expect(marker).to_have_attribute("data-lon", "-71.9")
    await expect(marker.locator("path.plane")).to_have_attribute(
        "transform", re.compile(r"^translate\(108\.1 48\.2\) rotate\(60\) ")
    )
    assert await page.evaluate("window.notReloaded") is True
    await expect(page.get_by_role("img", name="Flights in progress")).to_have_count(1)  # replaced, not added
