"""Screenshots of the main pages, as the demo airline's pilot, staff and platform admin see them.

    ./dev screenshots [DIRECTORY]      (default docs/screenshots; the README shows them)

A throw-away embedded installation gets the demo airline, a real server and Debian's Chromium;
every account signs in through the pages (one-time password, then the forced change). A page
that does not answer 200 stops the run: the command doubles as a smoke test of every page.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright

from albatross.bootstrap import build_services
from albatross.config import load_settings
from albatross.flights.demo import create_demo
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, serving

NEW_PASSWORD = "screenshots-password-1"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
OVERFLOWS = "document.documentElement.scrollWidth > window.innerWidth"


class PageProblem(Exception):
    """A page that did not answer 200, or does not fit a phone's screen."""


@dataclass(frozen=True)
class Shot:
    name: str
    path: str
    phone: bool = False


PILOT_SHOTS = [
    Shot("pilot-dashboard", "/"),
    Shot("pilot-schedule", "/schedule"),
    Shot("pilot-pireps", "/pireps"),
    Shot("pilot-file-pirep", "/pireps/new"),
    Shot("route-map", "/network"),
    Shot("live-map", "/live"),
    Shot("pilot-api-keys", "/keys"),
    Shot("pilot-profile", "/profile"),
    Shot("phone-dashboard", "/", phone=True),
    Shot("phone-schedule", "/schedule", phone=True),
    Shot("phone-file-pirep", "/pireps/new", phone=True),
    Shot("phone-live-map", "/live", phone=True),
]
STAFF_SHOTS = [
    Shot("staff-review", "/review"),
    Shot("staff-pilots", "/staff/pilots"),
    Shot("staff-fleet", "/staff/fleet"),
    Shot("staff-schedules", "/staff/schedules"),
    Shot("staff-import", "/staff/import"),
    Shot("staff-finances", "/staff/finances"),
    Shot("staff-settings", "/staff/settings"),
    Shot("staff-audit", "/staff/audit"),
    Shot("phone-review", "/review", phone=True),
    Shot("phone-finances", "/staff/finances", phone=True),
]
ADMIN_SHOTS = [
    Shot("admin-airlines", "/admin/airlines"),
    Shot("admin-users", "/admin/users"),
    Shot("admin-status", "/admin/status"),
]


async def _signed_in(browser: Browser, url: str, username: str, one_time: str, phone: bool) -> Page:
    context = await browser.new_context(viewport=PHONE if phone else DESKTOP, device_scale_factor=1)
    page = await context.new_page()
    await page.goto(f"{url}/login")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(one_time)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{url}/password")
    await page.get_by_label("Current password").fill(one_time)
    await page.get_by_label("New password (at least 10 characters)").fill(NEW_PASSWORD)
    await page.get_by_label("New password again").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Change password").click()
    await page.wait_for_url(re.compile(rf"^{re.escape(url)}/(\?.*)?$"))  # the dashboard
    return page


async def _shoot(browser: Browser, url: str, login: tuple[str, str], shots: list[Shot], out: Path) -> None:
    username, password = login
    pages: dict[bool, Page] = {}
    for shot in shots:
        if shot.phone not in pages:
            # The one-time password works once: the phone context signs in with the new one.
            first = not pages
            pages[shot.phone] = await (
                _signed_in(browser, url, username, password, shot.phone)
                if first
                else _password_login(browser, url, username, shot.phone)
            )
        page = pages[shot.phone]
        response = await page.goto(url + shot.path)
        if response is None or response.status != 200:
            raise PageProblem(
                f"{shot.path} answered {response.status if response else 'nothing'} for {username}"
            )
        if shot.phone and await page.evaluate(OVERFLOWS):
            # Wide tables scroll inside their own box; the page itself never scrolls sideways.
            raise PageProblem(f"{shot.path} is wider than a phone's screen for {username}")
        await page.screenshot(path=out / f"{shot.name}.png", full_page=False)
        print(f"  {shot.name}.png  ({username}: {shot.path})")
    for page in pages.values():
        await page.context.close()


async def _password_login(browser: Browser, url: str, username: str, phone: bool) -> Page:
    context = await browser.new_context(viewport=PHONE if phone else DESKTOP, device_scale_factor=1)
    page = await context.new_page()
    await page.goto(f"{url}/login")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(re.compile(rf"^{re.escape(url)}/(\?.*)?$"))  # the dashboard
    return page


async def take_screenshots(out: Path) -> list[Path]:
    """Every shot into the directory `out`; returns the files written."""
    with tempfile.TemporaryDirectory() as data_dir:
        services = await build_services(load_settings(environ={"ALBATROSS_DATA_DIR": data_dir}))
        try:
            demo = (await create_demo(services.identity)).airline
            staff = next(a for a in demo.accounts if a.role == "tenant_admin")
            pilot = next(a for a in demo.accounts if a.role == "pilot")
            assert demo.admin_password is not None, "the demo creates the platform admin in a new store"
            async with serving(services) as url, async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
                )
                try:
                    page = await (await browser.new_context(viewport=DESKTOP)).new_page()
                    await page.goto(f"{url}/login")
                    await page.screenshot(path=out / "login.png")
                    await page.context.close()
                    await _shoot(browser, url, (pilot.username, pilot.password), PILOT_SHOTS, out)
                    await _shoot(browser, url, (staff.username, staff.password), STAFF_SHOTS, out)
                    await _shoot(browser, url, ("admin", demo.admin_password), ADMIN_SHOTS, out)
                finally:
                    await browser.close()
        finally:
            await services.close()
    names = ["login", *(s.name for s in PILOT_SHOTS + STAFF_SHOTS + ADMIN_SHOTS)]
    return [out / f"{name}.png" for name in names]


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    target.mkdir(parents=True, exist_ok=True)
    try:
        written = asyncio.run(take_screenshots(target))
    except PageProblem as exc:
        sys.exit(f"screenshots: {exc}")
    print(f"{len(written)} screenshots in {target}")
