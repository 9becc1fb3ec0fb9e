"""Errors on the pages are pages: what the API would answer as a problem document (bad query
values, unknown records, unknown addresses) a browser gets as an HTML page with the same status
and the reason in words; the JSON API keeps its problem documents."""

from __future__ import annotations

from tests.web.conftest import Api


async def test_a_bad_query_value_on_a_page_is_a_page_not_a_problem_document(
    api: Api, admin: dict[str, str]
) -> None:
    tenant = await api.tenant(admin, "Nova Air", "NVA")
    staff = await api.user(admin, "chief", "tenant_admin", tenant)
    for path in ("/staff/fleet?edit=" + "x" * 80, "/staff/airports?icao=" + "Q" * 40, "/?min_position=abc"):
        response = await api.client.get(path, headers=staff.headers)
        assert response.status_code == 400, (path, response.text)
        assert response.headers["content-type"].startswith("text/html"), path
        assert 'role="alert"' in response.text and "Traceback" not in response.text


async def test_an_unknown_address_is_a_page_for_a_browser_and_a_problem_for_a_program(api: Api) -> None:
    browser = await api.client.get("/no/such/page", headers={"Accept": "text/html,*/*"})
    assert browser.status_code == 404 and browser.headers["content-type"].startswith("text/html")
    program = await api.client.get("/api/v1/no-such-thing", headers={"Accept": "text/html,*/*"})
    assert program.status_code == 404
    assert program.headers["content-type"].startswith("application/problem+json")
