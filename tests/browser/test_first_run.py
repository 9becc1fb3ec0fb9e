"""Issue 8's "done when", in Chromium: on a brand-new installation, a new user runs an airline from
the first sign-in to an accepted PIREP and a finance report without touching the API."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser

from albatross.bootstrap import build_services
from albatross.config import load_settings
from albatross.identity.auth import handle_create_platform_admin
from tests.browser.airline_from_scratch import run_an_airline
from tests.browser.conftest import serving


async def test_a_new_installation_runs_an_airline_from_the_browser(tmp_path: Path, browser: Browser) -> None:
    services = await build_services(load_settings(environ={"ALBATROSS_DATA_DIR": str(tmp_path)}))
    try:
        one_time = await handle_create_platform_admin(services.identity)
        assert one_time is not None
        async with serving(services) as url:
            await run_an_airline(browser, url, one_time)
    finally:
        await services.close()
