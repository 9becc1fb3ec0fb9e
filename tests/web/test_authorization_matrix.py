"""Every endpoint x every kind of caller, with the exact status each must get.

The matrix must list every route the app serves: adding an endpoint without its row fails
`test_the_matrix_covers_every_endpoint`. Targets live in airline A; "own" callers belong to
A, "other" callers to airline B. Each request gets fresh credentials and a fresh target, so
a write (logout, erase, suspend) never changes what the next cell sees.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.web.conftest import MEMBER_PASSWORD, Api, Member

CALLERS = (
    "platform_admin",
    "own_admin",
    "own_pilot",
    "other_admin",
    "other_pilot",
    "anonymous",
    "suspended",
    "revoked_key",
)
UNAUTHENTICATED = {"anonymous": 401, "suspended": 401, "revoked_key": 401}
DOCS_PREFIX = "/schema"  # the OpenAPI document and its viewers: public, checked once below


def row(
    platform: int,
    own_admin: int,
    own_pilot: int,
    other_admin: int,
    other_pilot: int,
    *,
    public: int | None = None,
) -> dict[str, int]:
    """Statuses per caller; `public` means the endpoint needs no authentication at all."""
    statuses = {
        "platform_admin": platform,
        "own_admin": own_admin,
        "own_pilot": own_pilot,
        "other_admin": other_admin,
        "other_pilot": other_pilot,
    }
    statuses.update({c: public for c in UNAUTHENTICATED} if public is not None else UNAUTHENTICATED)
    return statuses


@dataclass
class World:
    api: Api
    admin: dict[str, str]
    tenant_a: str
    tenant_b: str
    members: dict[str, Member]
    counter: itertools.count  # type: ignore[type-arg]

    def unique(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    async def headers(self, caller: str) -> dict[str, str]:
        if caller == "anonymous":
            return {}
        if caller == "platform_admin":
            return await self.api.login("admin", "a long and new password")
        if caller in ("suspended", "revoked_key"):
            return self.members[caller].headers
        return await self.api.login(self.members[caller].username, MEMBER_PASSWORD)

    async def target(self) -> str:
        """A fresh pilot of airline A, with one API key; returns the user id."""
        member = await self.api.user(self.admin, self.unique("target"), "pilot", self.tenant_a)
        return member.id


Request = Callable[[World, dict[str, str]], Awaitable[Any]]


async def _key_of(world: World, user_id: str) -> str:
    response = await world.api.client.post(
        f"/api/v1/users/{user_id}/api-keys", json={"name": "k"}, headers=world.admin
    )
    return str(response.json()["id"])


def _new_user_body(world: World) -> dict[str, object]:
    name = world.unique("new")
    return {
        "username": name,
        "email": f"{name}@example.org",
        "password": "a decent password",
        "name": "N",
        "tenant_id": world.tenant_a,
    }


async def call(world: World, method: str, path: str, headers: dict[str, str], **kw: Any) -> int:
    response = await world.api.client.request(method, path, headers=headers, **kw)
    return response.status_code


READ_OWN = row(200, 200, 200, 404, 404)
STAFF_OF_A = row(200, 200, 403, 404, 404)
STAFF_OF_A_204 = row(204, 204, 403, 404, 404)
AIRPORTS_CSV = "icao,iata,name,location,country,timezone,hub,lat,lon\nKJFK,JFK,Kennedy,New York,US,America/New_York,1,40.64,-73.78\n"

ADMIN_PAGE = row(200, 403, 403, 403, 403, public=303)

MATRIX: dict[tuple[str, str], tuple[dict[str, int], Callable[[World, dict[str, str]], Awaitable[int]]]] = {
    ("GET", "/health"): (row(200, 200, 200, 200, 200, public=200), lambda w, h: call(w, "GET", "/health", h)),
    ("GET", "/ready"): (row(200, 200, 200, 200, 200, public=200), lambda w, h: call(w, "GET", "/ready", h)),
    ("GET", "/metrics"): (
        row(200, 200, 200, 200, 200, public=200),
        lambda w, h: call(w, "GET", "/metrics", h),
    ),
    ("POST", "/api/v1/auth/login"): (
        row(401, 401, 401, 401, 401, public=401),
        lambda w, h: call(
            w, "POST", "/api/v1/auth/login", h, json={"username": "admin", "password": "not it at all"}
        ),
    ),
    ("POST", "/api/v1/auth/password"): (
        row(403, 403, 403, 403, 403),  # authenticated, then the (deliberately wrong) current password
        lambda w, h: call(
            w,
            "POST",
            "/api/v1/auth/password",
            h,
            json={"current_password": "wrong one!!", "new_password": "x" * 12},
        ),
    ),
    ("POST", "/api/v1/auth/logout"): (
        row(204, 204, 204, 204, 204),
        lambda w, h: call(w, "POST", "/api/v1/auth/logout", h),
    ),
    ("GET", "/api/v1/me"): (row(200, 200, 200, 200, 200), lambda w, h: call(w, "GET", "/api/v1/me", h)),
    ("POST", "/api/v1/ws/tickets"): (  # a ticket for oneself; what the feed then sends is test_live's
        row(201, 201, 201, 201, 201),
        lambda w, h: call(w, "POST", "/api/v1/ws/tickets", h),
    ),
    ("POST", "/api/v1/tenants"): (
        row(201, 403, 403, 403, 403),
        lambda w, h: call(w, "POST", "/api/v1/tenants", h, json={"name": "N", "icao": _icao(w)}),
    ),
    ("GET", "/api/v1/tenants"): (
        row(200, 200, 200, 200, 200),
        lambda w, h: call(w, "GET", "/api/v1/tenants", h),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}"): (
        row(200, 200, 200, 404, 404),
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}", h),
    ),
    ("PATCH", "/api/v1/tenants/{tenant_id:str}"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: call(
            w, "PATCH", f"/api/v1/tenants/{w.tenant_a}", h, json={"name": w.unique("Airline ")}
        ),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/history"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/history", h),
    ),
    ("POST", "/api/v1/tenants/{tenant_id:str}/applications"): (
        row(201, 201, 201, 201, 201, public=201),
        lambda w, h: call(w, "POST", f"/api/v1/tenants/{w.tenant_a}/applications", h, json=_application(w)),
    ),
    ("POST", "/api/v1/users"): (
        row(201, 201, 403, 404, 404),
        lambda w, h: call(w, "POST", "/api/v1/users", h, json=_new_user_body(w)),
    ),
    ("GET", "/api/v1/users"): (row(200, 200, 200, 200, 200), lambda w, h: call(w, "GET", "/api/v1/users", h)),
    ("GET", "/api/v1/users/{user_id:str}"): (
        row(200, 200, 200, 404, 404),
        lambda w, h: _on_target(w, h, "GET", ""),
    ),
    ("PATCH", "/api/v1/users/{user_id:str}"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: _on_target(w, h, "PATCH", "", json={"name": "Renamed"}),
    ),
    ("DELETE", "/api/v1/users/{user_id:str}"): (
        row(204, 204, 403, 404, 404),
        lambda w, h: _on_target(w, h, "DELETE", ""),
    ),
    ("POST", "/api/v1/users/{user_id:str}/{action:str}"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: _on_target(w, h, "POST", "/suspend"),
    ),
    ("POST", "/api/v1/users/{user_id:str}/api-keys"): (
        row(201, 201, 403, 404, 404),
        lambda w, h: _on_target(w, h, "POST", "/api-keys", json={"name": "tracker"}),
    ),
    ("GET", "/api/v1/users/{user_id:str}/api-keys"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: _on_target(w, h, "GET", "/api-keys"),
    ),
    ("DELETE", "/api/v1/users/{user_id:str}/api-keys/{key_id:str}"): (
        row(204, 204, 403, 404, 404),
        lambda w, h: _revoke_on_target(w, h),
    ),
    ("GET", "/api/v1/audit"): (row(200, 200, 403, 200, 403), lambda w, h: call(w, "GET", "/api/v1/audit", h)),
    # ---- operations: reference airports (anyone signed in), then airline A's records ----
    ("GET", "/api/v1/airports"): (
        row(200, 200, 200, 200, 200),
        lambda w, h: call(w, "GET", "/api/v1/airports?q=JFK", h),
    ),
    ("GET", "/api/v1/airports/{icao:str}"): (
        row(200, 200, 200, 200, 200),
        lambda w, h: call(w, "GET", "/api/v1/airports/KJFK", h),
    ),
    ("GET", "/api/v1/airports/{departure:str}/distance/{arrival:str}"): (
        row(200, 200, 200, 200, 200),
        lambda w, h: call(w, "GET", "/api/v1/airports/KJFK/distance/KSFO", h),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/profile"): (
        READ_OWN,
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/profile", h),
    ),
    ("PUT", "/api/v1/tenants/{tenant_id:str}/profile"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: call(
            w, "PUT", f"/api/v1/tenants/{w.tenant_a}/profile", h, json={"profile": {"callsign": "AYY"}}
        ),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/airports"): (
        READ_OWN,
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/airports", h),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/airports/{icao:str}"): (
        READ_OWN,
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/airports/KJFK", h),
    ),
    ("PUT", "/api/v1/tenants/{tenant_id:str}/airports/{icao:str}"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: call(w, "PUT", f"/api/v1/tenants/{w.tenant_a}/airports/KBOS", h, json={"hub": True}),
    ),
    ("DELETE", "/api/v1/tenants/{tenant_id:str}/airports/{icao:str}"): (
        row(204, 204, 403, 404, 404),
        lambda w, h: _remove_airport(w, h),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/subfleets"): (
        READ_OWN,
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/subfleets", h),
    ),
    ("POST", "/api/v1/tenants/{tenant_id:str}/subfleets"): (
        row(201, 201, 403, 404, 404),
        lambda w, h: call(w, "POST", f"/api/v1/tenants/{w.tenant_a}/subfleets", h, json=_subfleet_body(w)),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/subfleets/{record_id:str}"): (
        READ_OWN,
        lambda w, h: _on_record(w, h, "GET", "subfleets"),
    ),
    ("PUT", "/api/v1/tenants/{tenant_id:str}/subfleets/{record_id:str}"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: _on_record(w, h, "PUT", "subfleets", json=_subfleet_body(w)),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/aircraft"): (
        READ_OWN,
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/aircraft", h),
    ),
    ("POST", "/api/v1/tenants/{tenant_id:str}/aircraft"): (
        row(201, 201, 403, 404, 404),
        lambda w, h: _add_aircraft(w, h),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/aircraft/{record_id:str}"): (
        READ_OWN,
        lambda w, h: _on_record(w, h, "GET", "aircraft"),
    ),
    ("PUT", "/api/v1/tenants/{tenant_id:str}/aircraft/{record_id:str}"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: _change_aircraft(w, h),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/flights"): (
        READ_OWN,
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/flights?departure=KJFK", h),
    ),
    ("POST", "/api/v1/tenants/{tenant_id:str}/flights"): (
        row(201, 201, 403, 404, 404),
        lambda w, h: call(w, "POST", f"/api/v1/tenants/{w.tenant_a}/flights", h, json=_flight_body(w)),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/flights/{record_id:str}"): (
        READ_OWN,
        lambda w, h: _on_record(w, h, "GET", "flights"),
    ),
    ("PUT", "/api/v1/tenants/{tenant_id:str}/flights/{record_id:str}"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: _on_record(w, h, "PUT", "flights", json=_flight_body(w)),
    ),
    ("DELETE", "/api/v1/tenants/{tenant_id:str}/subfleets/{record_id:str}"): (
        row(204, 204, 403, 404, 404),
        lambda w, h: _on_record(w, h, "DELETE", "subfleets"),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/subfleets/{record_id:str}/history"): (
        READ_OWN,
        lambda w, h: _on_record(w, h, "GET", "subfleets", suffix="/history"),
    ),
    ("DELETE", "/api/v1/tenants/{tenant_id:str}/aircraft/{record_id:str}"): (
        row(204, 204, 403, 404, 404),
        lambda w, h: _on_record(w, h, "DELETE", "aircraft"),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/aircraft/{record_id:str}/history"): (
        READ_OWN,
        lambda w, h: _on_record(w, h, "GET", "aircraft", suffix="/history"),
    ),
    ("DELETE", "/api/v1/tenants/{tenant_id:str}/flights/{record_id:str}"): (
        row(204, 204, 403, 404, 404),
        lambda w, h: _on_record(w, h, "DELETE", "flights"),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/flights/{record_id:str}/history"): (
        READ_OWN,
        lambda w, h: _on_record(w, h, "GET", "flights", suffix="/history"),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/airports/{icao:str}/history"): (
        READ_OWN,
        lambda w, h: _airport_history(w, h),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/bids"): (
        READ_OWN,
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/bids", h),
    ),
    ("POST", "/api/v1/tenants/{tenant_id:str}/import/{kind:str}"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: call(
            w,
            "POST",
            f"/api/v1/tenants/{w.tenant_a}/import/airports?dry_run=true",
            {**h, "Content-Type": "text/csv"},
            content=AIRPORTS_CSV,
        ),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/export/{kind:str}"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/export/flights", h),
    ),
    # A pilot bids for themself; a platform admin belongs to no airline; airline B's people
    # do not see airline A's flights.
    ("POST", "/api/v1/bids"): (
        row(400, 201, 201, 404, 404),
        lambda w, h: _bid(w, h),
    ),
    # Only the bid's owner withdraws it: to anyone else it does not exist.
    ("DELETE", "/api/v1/bids/{bid_id:str}"): (
        row(404, 404, 404, 404, 404),
        lambda w, h: _withdraw_someone_elses_bid(w, h),
    ),
    # ---- finance: airline A's books are its staff's; a pilot reads only their own pay ----
    ("GET", "/api/v1/tenants/{tenant_id:str}/finances/balances"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/finances/balances", h),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/finances/report"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/finances/report?granularity=day", h),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/finances/entries"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/finances/entries", h),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/finances/expenses"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/finances/expenses", h),
    ),
    ("POST", "/api/v1/tenants/{tenant_id:str}/finances/expenses"): (
        row(201, 201, 403, 404, 404),
        lambda w, h: call(
            w, "POST", f"/api/v1/tenants/{w.tenant_a}/finances/expenses", h, json=_expense_body(w)
        ),
    ),
    ("PUT", "/api/v1/tenants/{tenant_id:str}/finances/expenses/{expense_id:str}"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: _on_expense(w, h, "PUT", json=_expense_body(w)),
    ),
    ("DELETE", "/api/v1/tenants/{tenant_id:str}/finances/expenses/{expense_id:str}"): (
        row(204, 204, 403, 404, 404),
        lambda w, h: _on_expense(w, h, "DELETE"),
    ),
    ("POST", "/api/v1/tenants/{tenant_id:str}/finances/expenses/post-due"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: call(w, "POST", f"/api/v1/tenants/{w.tenant_a}/finances/expenses/post-due", h),
    ),
    # A platform admin belongs to no airline and is paid by none.
    ("GET", "/api/v1/me/finances"): (
        row(400, 200, 200, 200, 200),
        lambda w, h: call(w, "GET", "/api/v1/me/finances", h),
    ),
    # ---- flights: PIREPs of a fresh pilot of airline A; staff review, the pilot files ----
    ("POST", "/api/v1/pireps"): (
        row(403, 201, 201, 201, 201),  # a platform admin flies for no airline
        lambda w, h: call(w, "POST", "/api/v1/pireps", h, json={"details": _pirep_details(w)}),
    ),
    ("GET", "/api/v1/pireps/{pirep_id:str}"): (READ_OWN, lambda w, h: _on_pirep(w, h, "GET", "")),
    ("PUT", "/api/v1/pireps/{pirep_id:str}"): (
        STAFF_OF_A,
        lambda w, h: _on_pirep(w, h, "PUT", "", json={"fields": {"gate": "B2"}}),
    ),
    ("POST", "/api/v1/pireps/{pirep_id:str}/submit"): (
        STAFF_OF_A,
        lambda w, h: _on_pirep(w, h, "POST", "/submit", json={}),
    ),
    ("POST", "/api/v1/pireps/{pirep_id:str}/cancel"): (
        STAFF_OF_A_204,
        lambda w, h: _on_pirep(w, h, "POST", "/cancel"),
    ),
    ("POST", "/api/v1/pireps/{pirep_id:str}/accept"): (
        STAFF_OF_A_204,
        lambda w, h: _on_pirep(w, h, "POST", "/accept", state="pending"),
    ),
    ("POST", "/api/v1/pireps/{pirep_id:str}/reject"): (
        STAFF_OF_A_204,
        lambda w, h: _on_pirep(w, h, "POST", "/reject", state="pending", json={"reason": "no"}),
    ),
    ("GET", "/api/v1/pireps/{pirep_id:str}/comments"): (
        STAFF_OF_A,
        lambda w, h: _on_pirep(w, h, "GET", "/comments"),
    ),
    ("POST", "/api/v1/pireps/{pirep_id:str}/comments"): (
        row(201, 201, 403, 404, 404),
        lambda w, h: _on_pirep(w, h, "POST", "/comments", json={"text": "Nice landing"}),
    ),
    ("POST", "/api/v1/pireps/{pirep_id:str}/positions"): (
        STAFF_OF_A,
        lambda w, h: _on_pirep(w, h, "POST", "/positions", state="tracked", json=_positions()),
    ),
    ("POST", "/api/v1/pireps/{pirep_id:str}/logs"): (
        STAFF_OF_A,
        lambda w, h: _on_pirep(
            w,
            h,
            "POST",
            "/logs",
            state="tracked",
            json={"lines": [{"kind": "log", "message": "V1", "at": 1}]},
        ),
    ),
    # Comments and the ACARS log are between the pilot and the airline's staff.
    ("GET", "/api/v1/pireps/{pirep_id:str}/logs"): (STAFF_OF_A, lambda w, h: _on_pirep(w, h, "GET", "/logs")),
    ("PUT", "/api/v1/pireps/{pirep_id:str}/route"): (
        STAFF_OF_A,
        lambda w, h: _on_pirep(
            w,
            h,
            "PUT",
            "/route",
            json={"waypoints": [{"order": 1, "name": "MERIT", "lat": 41.4, "lon": -73.1}]},
        ),
    ),
    ("POST", "/api/v1/pireps/{pirep_id:str}/simbrief"): (
        STAFF_OF_A,
        lambda w, h: _on_pirep(w, h, "POST", "/simbrief", content=_ofp()),
    ),
    ("GET", "/api/v1/pireps/{pirep_id:str}/track"): (READ_OWN, lambda w, h: _on_pirep(w, h, "GET", "/track")),
    # Only the bid's owner imports a plan onto it or reads it; a platform admin bids for no airline.
    ("POST", "/api/v1/bids/{bid_id:str}/simbrief"): (
        row(403, 404, 404, 404, 404),
        lambda w, h: _on_someone_elses_bid(w, h, "POST", content=_ofp()),
    ),
    ("GET", "/api/v1/bids/{bid_id:str}/simbrief"): (
        row(404, 404, 404, 404, 404),
        lambda w, h: _on_someone_elses_bid(w, h, "GET"),
    ),
    # "Live" and "me" are the caller's own airline; a platform admin names one with ?tenant_id=.
    ("GET", "/api/v1/flights/live"): (
        row(403, 200, 200, 200, 200),
        lambda w, h: call(w, "GET", "/api/v1/flights/live", h),
    ),
    ("GET", "/api/v1/flights/live/geojson"): (
        row(403, 200, 200, 200, 200),
        lambda w, h: call(w, "GET", "/api/v1/flights/live/geojson", h),
    ),
    ("GET", "/api/v1/me/pireps"): (
        row(403, 200, 200, 200, 200),
        lambda w, h: call(w, "GET", "/api/v1/me/pireps", h),
    ),
    ("GET", "/api/v1/me/career"): (
        row(403, 200, 200, 200, 200),
        lambda w, h: call(w, "GET", "/api/v1/me/career", h),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/pireps"): (
        READ_OWN,
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/pireps?state=pending", h),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/careers"): (
        READ_OWN,
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/careers", h),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/careers/settings"): (
        READ_OWN,
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/careers/settings", h),
    ),
    ("PUT", "/api/v1/tenants/{tenant_id:str}/careers/settings"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: call(
            w,
            "PUT",
            f"/api/v1/tenants/{w.tenant_a}/careers/settings",
            h,
            json={"ranks": [{"name": w.unique("R")}]},
        ),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/careers/{user_id:str}"): (
        READ_OWN,
        lambda w, h: _on_career(w, h, "GET", ""),
    ),
    ("PUT", "/api/v1/tenants/{tenant_id:str}/careers/{user_id:str}/rank"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: _on_career(w, h, "PUT", "/rank", json={"rank": "Cadet"}),
    ),
    ("PUT", "/api/v1/tenants/{tenant_id:str}/careers/{user_id:str}/transfer-hours"): (
        row(200, 200, 403, 404, 404),
        lambda w, h: _on_career(w, h, "PUT", "/transfer-hours", json={"minutes": 60}),
    ),
    ("GET", "/api/v1/tenants/{tenant_id:str}/aircraft-state"): (
        READ_OWN,
        lambda w, h: call(w, "GET", f"/api/v1/tenants/{w.tenant_a}/aircraft-state", h),
    ),
    # ---- the phpVMS 7 flight-tracking API under /api: the same rules in phpVMS's shapes ----
    ("POST", "/api/pireps/prefile"): (
        row(403, 200, 200, 200, 200),  # into the caller's own airline; a platform admin has none
        lambda w, h: call(w, "POST", "/api/pireps/prefile", h, json=_acars_prefile(w)),
    ),
    ("GET", "/api/pireps/{pirep_id:str}"): (READ_OWN, lambda w, h: _on_acars_pirep(w, h, "GET", "")),
    **{
        (method, f"/api/pireps/{{pirep_id:str}}{suffix}"): (
            STAFF_OF_A,
            lambda w, h, method=method, suffix=suffix: _on_acars_pirep(
                w, h, method, suffix, json={"notes": "n", "status": "TXI"}
            ),
        )
        for method in ("POST", "PUT", "PATCH")
        for suffix in ("", "/update")
    },
    ("POST", "/api/pireps/{pirep_id:str}/file"): (
        STAFF_OF_A,
        lambda w, h: _on_acars_pirep(w, h, "POST", "/file", json={"flight_time": 70}),
    ),
    ("PUT", "/api/pireps/{pirep_id:str}/cancel"): (
        STAFF_OF_A,
        lambda w, h: _on_acars_pirep(w, h, "PUT", "/cancel"),
    ),
    ("DELETE", "/api/pireps/{pirep_id:str}/cancel"): (
        STAFF_OF_A,
        lambda w, h: _on_acars_pirep(w, h, "DELETE", "/cancel"),
    ),
    ("GET", "/api/pireps/{pirep_id:str}/acars/position"): (
        READ_OWN,
        lambda w, h: _on_acars_pirep(w, h, "GET", "/acars/position"),
    ),
    ("POST", "/api/pireps/{pirep_id:str}/acars/position"): (
        STAFF_OF_A,
        lambda w, h: _on_acars_pirep(w, h, "POST", "/acars/position", json=_acars_positions()),
    ),
    ("POST", "/api/pireps/{pirep_id:str}/acars/positions"): (
        STAFF_OF_A,
        lambda w, h: _on_acars_pirep(w, h, "POST", "/acars/positions", json=_acars_positions()),
    ),
    ("POST", "/api/pireps/{pirep_id:str}/acars/logs"): (
        STAFF_OF_A,
        lambda w, h: _on_acars_pirep(w, h, "POST", "/acars/logs", json={"logs": [{"log": "V1"}]}),
    ),
    ("POST", "/api/pireps/{pirep_id:str}/acars/events"): (
        STAFF_OF_A,
        lambda w, h: _on_acars_pirep(w, h, "POST", "/acars/events", json={"events": [{"event": "Gear up"}]}),
    ),
    ("GET", "/api/pireps/{pirep_id:str}/route"): (
        READ_OWN,
        lambda w, h: _on_acars_pirep(w, h, "GET", "/route"),
    ),
    ("POST", "/api/pireps/{pirep_id:str}/route"): (
        STAFF_OF_A,
        lambda w, h: _on_acars_pirep(
            w, h, "POST", "/route", json={"route": [{"name": "MERIT", "order": 1, "lat": 41.4, "lon": -73.1}]}
        ),
    ),
    ("DELETE", "/api/pireps/{pirep_id:str}/route"): (
        STAFF_OF_A,
        lambda w, h: _on_acars_pirep(w, h, "DELETE", "/route"),
    ),
    ("GET", "/api/pireps/{pirep_id:str}/fields"): (
        READ_OWN,
        lambda w, h: _on_acars_pirep(w, h, "GET", "/fields"),
    ),
    ("POST", "/api/pireps/{pirep_id:str}/fields"): (
        STAFF_OF_A,
        lambda w, h: _on_acars_pirep(w, h, "POST", "/fields", json={"fields": {"Gate": "B2"}}),
    ),
    ("GET", "/api/pireps/{pirep_id:str}/comments"): (
        STAFF_OF_A,
        lambda w, h: _on_acars_pirep(w, h, "GET", "/comments"),
    ),
    ("POST", "/api/pireps/{pirep_id:str}/comments"): (
        row(201, 201, 403, 404, 404),
        lambda w, h: _on_acars_pirep(w, h, "POST", "/comments", json={"comment": "Nice landing"}),
    ),
    ("GET", "/api/user"): (row(200, 200, 200, 200, 200), lambda w, h: call(w, "GET", "/api/user", h)),
    ("GET", "/api/user/pireps"): (
        row(403, 200, 200, 200, 200),
        lambda w, h: call(w, "GET", "/api/user/pireps", h),
    ),
    ("GET", "/api/user/bids"): (
        row(403, 200, 200, 200, 200),
        lambda w, h: call(w, "GET", "/api/user/bids", h),
    ),
    # A bid on a fresh flight of airline A (the caller's earlier bids withdrawn first).
    ("PUT", "/api/user/bids"): (row(403, 200, 200, 404, 404), lambda w, h: _acars_bid(w, h, "PUT")),
    ("POST", "/api/user/bids"): (row(403, 200, 200, 404, 404), lambda w, h: _acars_bid(w, h, "POST")),
    ("DELETE", "/api/user/bids"): (row(403, 200, 200, 404, 404), lambda w, h: _acars_bid(w, h, "DELETE")),
    ("GET", "/api/flights"): (row(403, 200, 200, 200, 200), lambda w, h: call(w, "GET", "/api/flights", h)),
    ("GET", "/api/flights/search"): (
        row(403, 200, 200, 200, 200),
        lambda w, h: call(w, "GET", "/api/flights/search?dep_icao=KJFK", h),
    ),
    ("GET", "/api/flights/{flight_id:str}"): (
        row(403, 200, 200, 404, 404),
        lambda w, h: _acars_record(w, h, "flights"),
    ),
    ("GET", "/api/fleet"): (row(403, 200, 200, 200, 200), lambda w, h: call(w, "GET", "/api/fleet", h)),
    ("GET", "/api/fleet/aircraft/{aircraft_id:str}"): (
        row(403, 200, 200, 404, 404),
        lambda w, h: _acars_record(w, h, "aircraft"),
    ),
    ("GET", "/api/airports/{icao:str}"): (
        row(200, 200, 200, 200, 200),
        lambda w, h: call(w, "GET", "/api/airports/KJFK", h),
    ),
    ("GET", "/api/airports/{departure:str}/distance/{arrival:str}"): (
        row(200, 200, 200, 200, 200),
        lambda w, h: call(w, "GET", "/api/airports/KJFK/distance/KSFO", h),
    ),
    ("GET", "/api/airlines"): (row(200, 200, 200, 200, 200), lambda w, h: call(w, "GET", "/api/airlines", h)),
    ("GET", "/api/status"): (
        row(200, 200, 200, 200, 200, public=200),
        lambda w, h: call(w, "GET", "/api/status", h),
    ),
    # The browser pages (a cookie session in a browser; a bearer token counts too). Whoever is not
    # signed in is sent to /login (303); a form post needs its CSRF token first (tests/browser).
    ("GET", "/login"): (row(200, 200, 200, 200, 200, public=200), lambda w, h: _page(w, "GET", "/login", h)),
    ("POST", "/login"): (
        row(401, 401, 401, 401, 401, public=401),
        lambda w, h: _page(w, "POST", "/login", h, username=w.unique("nobody"), password="not it at all"),
    ),
    ("POST", "/logout"): (
        row(303, 303, 303, 303, 303, public=303),
        lambda w, h: _page(w, "POST", "/logout", h),
    ),
    ("GET", "/password"): (
        row(200, 200, 200, 200, 200, public=303),
        lambda w, h: _page(w, "GET", "/password", h),
    ),
    ("POST", "/password"): (
        row(403, 403, 403, 403, 403, public=303),  # signed in, then the (deliberately wrong) current password
        lambda w, h: _page(
            w,
            "POST",
            "/password",
            h,
            current_password="wrong one!!",
            new_password="x" * 12,
            confirm_password="x" * 12,
        ),
    ),
    ("GET", "/"): (row(200, 200, 200, 200, 200, public=303), lambda w, h: _page(w, "GET", "/", h)),
    ("GET", "/pireps"): (
        row(403, 200, 200, 200, 200, public=303),
        lambda w, h: _page(w, "GET", "/pireps", h),
    ),
    ("GET", "/pireps/new"): (
        row(403, 200, 200, 200, 200, public=303),
        lambda w, h: _page(w, "GET", "/pireps/new", h),
    ),
    ("POST", "/pireps/new"): (  # an empty form: members get it back with the fields marked
        row(403, 400, 400, 400, 400, public=303),
        lambda w, h: _page(w, "POST", "/pireps/new", h),
    ),
    ("GET", "/schedule"): (
        row(403, 200, 200, 200, 200, public=303),
        lambda w, h: _page(w, "GET", "/schedule?departure=KJFK&flight_type=J", h),
    ),
    # A bid, through the schedule's form, on a fresh flight of airline A (earlier bids freed);
    # airline B's people do not see it (404, shown on the page).
    ("POST", "/schedule/bids"): (
        row(403, 303, 303, 404, 404, public=303),
        lambda w, h: _schedule_bid(w, h),
    ),
    # Only the bid's owner withdraws it: to anyone else it does not exist.
    ("POST", "/schedule/bids/{bid_id:str}/withdraw"): (
        row(403, 404, 404, 404, 404, public=303),
        lambda w, h: _schedule_withdraw(w, h),
    ),
    ("GET", "/review"): (
        row(403, 200, 403, 200, 403, public=303),
        lambda w, h: _page(w, "GET", "/review", h),
    ),
    ("POST", "/review/{pirep_id:str}/accept"): (
        row(403, 303, 403, 404, 403, public=303),
        lambda w, h: _review(w, h, "accept"),
    ),
    ("POST", "/review/{pirep_id:str}/reject"): (
        row(403, 303, 403, 404, 403, public=303),
        lambda w, h: _review(w, h, "reject", reason="no"),
    ),
    # The account pages: anyone signed in, on their own account only. A new key's page (201) is
    # the one place its secret appears; another user's key id is no key of the caller's (404).
    ("GET", "/profile"): (
        row(200, 200, 200, 200, 200, public=303),
        lambda w, h: _page(w, "GET", "/profile", h),
    ),
    ("POST", "/profile"): (
        row(303, 303, 303, 303, 303, public=303),
        lambda w, h: _page(w, "POST", "/profile", h, name=w.unique("Renamed ")),
    ),
    ("GET", "/keys"): (row(200, 200, 200, 200, 200, public=303), lambda w, h: _page(w, "GET", "/keys", h)),
    ("POST", "/keys"): (
        row(201, 201, 201, 201, 201, public=303),
        lambda w, h: _page(w, "POST", "/keys", h, name="matrix"),
    ),
    ("POST", "/keys/{key_id:str}/revoke"): (
        row(404, 404, 404, 404, 404, public=303),
        lambda w, h: _revoke_someone_elses_key(w, h),
    ),
    # ---- the platform admin's pages: everyone else is refused. A new account's page (201) is the
    # one place its one-time password appears; a state change redirects back to the list.
    ("GET", "/admin/airlines"): (ADMIN_PAGE, lambda w, h: _page(w, "GET", "/admin/airlines", h)),
    ("POST", "/admin/airlines"): (
        row(201, 403, 403, 403, 403, public=303),
        lambda w, h: _page(w, "POST", "/admin/airlines", h, **_new_airline_form(w)),
    ),
    ("GET", "/admin/users"): (
        ADMIN_PAGE,
        lambda w, h: _page(w, "GET", f"/admin/users?airline={w.tenant_a}&role=pilot&state=active&q=t", h),
    ),
    ("POST", "/admin/users"): (
        row(201, 403, 403, 403, 403, public=303),
        lambda w, h: _page(w, "POST", "/admin/users", h, role="pilot", **_new_user_form(w)),
    ),
    ("POST", "/admin/users/{user_id:str}/{action:str}"): (
        row(303, 403, 403, 403, 403, public=303),
        lambda w, h: _admin_suspends(w, h),
    ),
    ("GET", "/admin/status"): (ADMIN_PAGE, lambda w, h: _page(w, "GET", "/admin/status", h)),
    # Staff pilots pages, the public application form, and the audit trail. The staff's pages act on
    # the viewer's own airline: airline B's admin adds members to B, and finds A's people missing.
    ("GET", "/staff/pilots"): (
        row(403, 200, 403, 200, 403, public=303),
        lambda w, h: _page(w, "GET", "/staff/pilots", h),
    ),
    ("POST", "/staff/pilots"): (  # answered with the one-time password itself, not a redirect
        row(403, 200, 403, 200, 403, public=303),
        lambda w, h: _page(w, "POST", "/staff/pilots", h, **_new_member_form(w)),
    ),
    ("GET", "/staff/pilots/{user_id:str}"): (
        row(403, 200, 403, 404, 403, public=303),
        lambda w, h: _on_member(w, h, "GET", ""),
    ),
    ("POST", "/staff/pilots/{user_id:str}/state"): (
        row(403, 303, 403, 404, 403, public=303),
        lambda w, h: _on_member(w, h, "POST", "/state", action="suspend", reason="no"),
    ),
    ("POST", "/staff/pilots/{user_id:str}/rank"): (
        row(403, 303, 403, 404, 403, public=303),
        lambda w, h: _on_member(w, h, "POST", "/rank", rank="Cadet"),
    ),
    ("POST", "/staff/pilots/{user_id:str}/transfer-hours"): (
        row(403, 303, 403, 404, 403, public=303),
        lambda w, h: _on_member(w, h, "POST", "/transfer-hours", transfer_hours="12:30"),
    ),
    ("GET", "/apply/{tenant_id:str}"): (
        row(200, 200, 200, 200, 200, public=200),
        lambda w, h: _page(w, "GET", f"/apply/{w.tenant_a}", h),
    ),
    ("POST", "/apply/{tenant_id:str}"): (
        row(303, 303, 303, 303, 303, public=303),
        lambda w, h: _page(w, "POST", f"/apply/{w.tenant_a}", h, **_application_form(w)),
    ),
    ("GET", "/apply/{tenant_id:str}/applied"): (
        row(200, 200, 200, 200, 200, public=200),
        lambda w, h: _page(w, "GET", f"/apply/{w.tenant_a}/applied", h),
    ),
    ("GET", "/staff/audit"): (
        row(403, 200, 403, 200, 403, public=303),
        lambda w, h: _page(w, "GET", "/staff/audit?limit=10", h),
    ),
    # Staff schedules and CSV import/export (pages): staff of airline A on A's flights; airline B's
    # staff see their own airline's pages, and A's flights do not exist for them.
    ("GET", "/staff/schedules"): (
        row(403, 200, 403, 200, 403, public=303),
        lambda w, h: _page(w, "GET", "/staff/schedules?departure=KJFK&flight_type=J&q=1&page=2", h),
    ),
    ("GET", "/staff/schedules/new"): (
        row(403, 200, 403, 200, 403, public=303),
        lambda w, h: _page(w, "GET", "/staff/schedules/new", h),
    ),
    ("POST", "/staff/schedules/new"): (  # an empty form: staff get it back with the fields marked
        row(403, 400, 403, 400, 403, public=303),
        lambda w, h: _page(w, "POST", "/staff/schedules/new", h),
    ),
    ("GET", "/staff/schedules/{record_id:str}"): (
        row(403, 200, 403, 404, 403, public=303),
        lambda w, h: _staff_flight(w, h, "GET", ""),
    ),
    ("POST", "/staff/schedules/{record_id:str}"): (
        row(403, 303, 403, 404, 403, public=303),
        lambda w, h: _staff_flight(w, h, "POST", "", **_flight_form(w)),
    ),
    ("POST", "/staff/schedules/{record_id:str}/delete"): (
        row(403, 303, 403, 404, 403, public=303),
        lambda w, h: _staff_flight(w, h, "POST", "/delete"),
    ),
    ("GET", "/staff/import"): (
        row(403, 200, 403, 200, 403, public=303),
        lambda w, h: _page(w, "GET", "/staff/import", h),
    ),
    ("POST", "/staff/import"): (  # a dry run, into the caller's own airline
        row(403, 200, 403, 200, 403, public=303),
        lambda w, h: _page(w, "POST", "/staff/import", h, kind="airports", text=AIRPORTS_CSV),
    ),
    ("GET", "/staff/export/{kind:str}"): (
        row(403, 200, 403, 200, 403, public=303),
        lambda w, h: _page(w, "GET", "/staff/export/flights", h),
    ),
    # The maps: any member sees their own airline's (a platform admin has none: 403).
    ("GET", "/network"): (
        row(403, 200, 200, 200, 200, public=303),
        lambda w, h: _page(w, "GET", "/network", h),
    ),
    ("GET", "/live"): (
        row(403, 200, 200, 200, 200, public=303),
        lambda w, h: _page(w, "GET", "/live", h),
    ),
    ("GET", "/live/map"): (
        row(403, 200, 200, 200, 200, public=303),
        lambda w, h: _page(w, "GET", "/live/map", h),
    ),
    # Staff fleet, airports and settings pages: each acts on the viewer's own airline, so airline B's
    # staff add to B, and A's records do not exist for them (404). The settings forms are posted
    # with one bad field (400): past every gate, and nothing shared by other rows changes.
    ("GET", "/staff/fleet"): (
        row(403, 200, 403, 200, 403, public=303),
        lambda w, h: _page(w, "GET", "/staff/fleet", h),
    ),
    ("POST", "/staff/fleet/subfleets"): (
        row(403, 303, 403, 303, 403, public=303),
        lambda w, h: _page(w, "POST", "/staff/fleet/subfleets", h, type=w.unique("SF"), name="Subfleet"),
    ),
    ("POST", "/staff/fleet/subfleets/{subfleet_id:str}/remove"): (
        row(403, 303, 403, 404, 403, public=303),
        lambda w, h: _fleet_form(w, h, "subfleets", "/remove"),
    ),
    ("POST", "/staff/fleet/aircraft"): (  # with a subfleet of airline A: B's staff are told it is missing
        row(403, 303, 403, 404, 403, public=303),
        lambda w, h: _fleet_form(w, h, "subfleets", "", registration=w.unique("N"), name="Ship"),
    ),
    ("POST", "/staff/fleet/aircraft/{aircraft_id:str}"): (
        row(403, 303, 403, 404, 403, public=303),
        lambda w, h: _fleet_form(w, h, "aircraft", "", name="Renamed", status="stored"),
    ),
    ("POST", "/staff/fleet/aircraft/{aircraft_id:str}/remove"): (
        row(403, 303, 403, 404, 403, public=303),
        lambda w, h: _fleet_form(w, h, "aircraft", "/remove"),
    ),
    ("GET", "/staff/airports"): (
        row(403, 200, 403, 200, 403, public=303),
        lambda w, h: _page(w, "GET", "/staff/airports?icao=KJFK", h),
    ),
    ("POST", "/staff/airports"): (
        row(403, 303, 403, 303, 403, public=303),
        lambda w, h: _page(w, "POST", "/staff/airports", h, icao="EGLL", hub="1", landing_fee="10"),
    ),
    ("POST", "/staff/airports/{icao:str}/remove"): (  # an airport of airline A's: B has none such
        row(403, 303, 403, 404, 403, public=303),
        lambda w, h: _airports_page_remove(w, h),
    ),
    ("GET", "/staff/settings"): (
        row(403, 200, 403, 200, 403, public=303),
        lambda w, h: _page(w, "GET", "/staff/settings", h),
    ),
    ("POST", "/staff/settings/airline"): (
        row(403, 400, 403, 400, 403, public=303),
        lambda w, h: _page(w, "POST", "/staff/settings/airline", h, name=" "),
    ),
    ("POST", "/staff/settings/profile"): (
        row(403, 400, 403, 400, 403, public=303),
        lambda w, h: _page(w, "POST", "/staff/settings/profile", h, pilot_id_width="0"),
    ),
    ("POST", "/staff/settings/flights"): (
        row(403, 400, 403, 400, 403, public=303),
        lambda w, h: _page(w, "POST", "/staff/settings/flights", h, max_per_pilot="0"),
    ),
    ("POST", "/staff/settings/careers"): (
        row(403, 400, 403, 400, 403, public=303),
        lambda w, h: _page(
            w, "POST", "/staff/settings/careers", h, **{"ranks-0-name": "C", "ranks-0-hours": "-1"}
        ),
    ),
    # Staff finances page: the viewer's own airline's books. Airline B's staff add expenses to B,
    # and A's expenses do not exist for them (404).
    ("GET", "/staff/finances"): (
        row(403, 200, 403, 200, 403, public=303),
        lambda w, h: _page(w, "GET", "/staff/finances?from=2025-01&to=2025-03", h),
    ),
    ("POST", "/staff/finances/expenses"): (
        row(403, 303, 403, 303, 403, public=303),
        lambda w, h: _page(w, "POST", "/staff/finances/expenses", h, **_expense_form(w)),
    ),
    ("POST", "/staff/finances/expenses/{expense_id:str}"): (
        row(403, 303, 403, 404, 403, public=303),
        lambda w, h: _expense_page(w, h, "", **_expense_form(w)),
    ),
    ("POST", "/staff/finances/expenses/{expense_id:str}/delete"): (
        row(403, 303, 403, 404, 403, public=303),
        lambda w, h: _expense_page(w, h, "/delete"),
    ),
    ("GET", "/static/{file_path:path}"): (
        row(200, 200, 200, 200, 200, public=200),
        lambda w, h: _page(w, "GET", "/static/albatross.css", h),
    ),
}


def _pirep_details(world: World) -> dict[str, Any]:
    return {
        "airline": "AAA",
        "flight_number": world.unique("7"),
        "departure": "KJFK",
        "arrival": "KBOS",
        "flight_minutes": 70,
    }


async def _page(world: World, method: str, path: str, headers: dict[str, str], **form: str) -> int:
    """A page, or a form posted with the CSRF token a page handed out; no cookie outlives the call."""
    client = world.api.client
    try:
        if method == "POST":
            login_page = await client.get("/login")
            token = re.search(r'name="_csrf_token" value="([^"]+)"', login_page.text)
            assert token is not None, login_page.text
            form["_csrf_token"] = token.group(1)
            response = await client.post(path, data=form, headers=headers)
        else:
            response = await client.get(path, headers=headers)
        return response.status_code
    finally:
        client.cookies.clear()


def _new_user_form(world: World) -> dict[str, str]:
    body = _new_user_body(world)
    return {k: str(v) for k, v in body.items() if k != "password"}


def _new_airline_form(world: World) -> dict[str, str]:
    account = _new_user_form(world)
    return {
        "name": "N",
        "icao": _icao(world),
        "username": account["username"],
        "staff_name": "S",
        "email": account["email"],
    }


async def _admin_suspends(world: World, headers: dict[str, str]) -> int:
    """Suspend, through the admin's users page, a fresh pilot of airline A."""
    return await _page(world, "POST", f"/admin/users/{await world.target()}/suspend", headers)


def _new_member_form(world: World) -> dict[str, str]:
    name = world.unique("crew")
    return {"username": name, "name": "Crew Member", "email": f"{name}@example.org", "role": "pilot"}


def _application_form(world: World) -> dict[str, str]:
    body = _application(world)
    return {**body, "confirm_password": body["password"]}


async def _on_member(world: World, headers: dict[str, str], method: str, suffix: str, **form: str) -> int:
    """A staff page or form on a fresh pilot of airline A (whose airline has the rank Cadet)."""
    settings = {"ranks": [{"name": "Cadet"}]}
    path = f"/api/v1/tenants/{world.tenant_a}/careers/settings"
    assert (await world.api.client.put(path, json=settings, headers=world.admin)).status_code == 200
    user_id = await world.target()
    await world.api.settle()
    return await _page(world, method, f"/staff/pilots/{user_id}{suffix}", headers, **form)


async def _review(world: World, headers: dict[str, str], action: str, **form: str) -> int:
    """Accept or reject, through the review page's form, a fresh pending PIREP of airline A."""
    pilot = await world.api.user(world.admin, world.unique("flyer"), "pilot", world.tenant_a)
    body = {"source": "manual", "details": _pirep_details(world)}
    created = await world.api.client.post("/api/v1/pireps", json=body, headers=pilot.headers)
    assert created.status_code == 201, created.text
    pirep_id = created.json()["id"]
    submitted = await world.api.client.post(
        f"/api/v1/pireps/{pirep_id}/submit", json={}, headers=pilot.headers
    )
    assert submitted.status_code == 200, submitted.text
    return await _page(world, "POST", f"/review/{pirep_id}/{action}", headers, **form)


async def _revoke_someone_elses_key(world: World, headers: dict[str, str]) -> int:
    key_id = await _key_of(world, await world.target())
    return await _page(world, "POST", f"/keys/{key_id}/revoke", headers)


async def _schedule_bid(world: World, headers: dict[str, str]) -> int:
    flight_id = await _record(world, "flights")
    me = await world.api.client.get("/api/v1/me", headers=headers)
    if me.status_code == 200 and me.json()["tenant_id"] == world.tenant_a:  # one bid at a time: free it
        await world.api.settle()
        bids = await world.api.client.get(
            f"/api/v1/tenants/{world.tenant_a}/bids?user_id={me.json()['id']}", headers=headers
        )
        for bid in bids.json():
            await world.api.client.delete(f"/api/v1/bids/{bid['id']}", headers=headers)
    return await _page(world, "POST", "/schedule/bids", headers, flight_id=flight_id, departure="KJFK")


async def _schedule_withdraw(world: World, headers: dict[str, str]) -> int:
    bidder = await world.api.user(world.admin, world.unique("bidder"), "pilot", world.tenant_a)
    flight_id = await _record(world, "flights")
    placed = await world.api.client.post(
        "/api/v1/bids", json={"flight_id": flight_id}, headers=bidder.headers
    )
    assert placed.status_code == 201, placed.text
    return await _page(world, "POST", f"/schedule/bids/{placed.json()['id']}/withdraw", headers)


async def _staff_flight(world: World, headers: dict[str, str], method: str, suffix: str, **form: str) -> int:
    """A page or form of the staff schedule on a fresh flight of airline A."""
    flight_id = await _record(world, "flights")
    return await _page(world, method, f"/staff/schedules/{flight_id}{suffix}", headers, **form)


def _flight_form(world: World) -> dict[str, str]:
    body = _flight_body(world)
    return {**{k: str(v) for k, v in body.items()}, "active": "1", "visible": "1"}


def _positions() -> dict[str, Any]:
    return {"positions": [{"id": "1", "lat": 40.6, "lon": -73.8, "at": 1}]}


def _ofp() -> bytes:
    from tests.unit.test_simbrief import OFP_LBS

    return OFP_LBS.replace("katl", "KJFK").replace("KLEX", "KBOS").encode()


async def _on_pirep(
    world: World, headers: dict[str, str], method: str, suffix: str, state: str = "draft", **kw: Any
) -> int:
    """On a fresh PIREP of a fresh pilot of airline A: a draft, pending, or a flight in progress."""
    pilot = await world.api.user(world.admin, world.unique("flyer"), "pilot", world.tenant_a)
    body = {"source": "tracked" if state == "tracked" else "manual", "details": _pirep_details(world)}
    created = await world.api.client.post("/api/v1/pireps", json=body, headers=pilot.headers)
    assert created.status_code == 201, created.text
    pirep_id = created.json()["id"]
    if state == "pending":
        submitted = await world.api.client.post(
            f"/api/v1/pireps/{pirep_id}/submit", json={}, headers=pilot.headers
        )
        assert submitted.status_code == 200, submitted.text
    await world.api.settle()
    return await call(world, method, f"/api/v1/pireps/{pirep_id}{suffix}", headers, **kw)


async def _on_career(world: World, headers: dict[str, str], method: str, suffix: str, **kw: Any) -> int:
    settings = {"ranks": [{"name": "Cadet"}]}
    assert (
        await world.api.client.put(
            f"/api/v1/tenants/{world.tenant_a}/careers/settings", json=settings, headers=world.admin
        )
    ).status_code == 200
    user_id = await world.target()
    await world.api.settle()
    return await call(
        world, method, f"/api/v1/tenants/{world.tenant_a}/careers/{user_id}{suffix}", headers, **kw
    )


async def _on_someone_elses_bid(world: World, headers: dict[str, str], method: str, **kw: Any) -> int:
    bidder = await world.api.user(world.admin, world.unique("bidder"), "pilot", world.tenant_a)
    body = {**_flight_body(world), "arrival": "KBOS"}
    flight_id = await _created(world, "flights", body)
    placed = await world.api.client.post(
        "/api/v1/bids", json={"flight_id": flight_id}, headers=bidder.headers
    )
    assert placed.status_code == 201, placed.text
    await world.api.settle()
    return await call(world, method, f"/api/v1/bids/{placed.json()['id']}/simbrief", headers, **kw)


def _expense_body(world: World) -> dict[str, Any]:
    return {"name": world.unique("Expense "), "amount": 100, "period": "monthly"}


async def _on_expense(world: World, headers: dict[str, str], method: str, **kw: Any) -> int:
    """On a fresh expense of airline A."""
    expense_id = await _created(world, "finances/expenses", _expense_body(world))
    return await call(
        world, method, f"/api/v1/tenants/{world.tenant_a}/finances/expenses/{expense_id}", headers, **kw
    )


def _subfleet_body(world: World) -> dict[str, Any]:
    return {"type": world.unique("B738-"), "name": "Boeing 737-800", "icao_type": "B738"}


def _flight_body(world: World) -> dict[str, Any]:
    return {
        "airline": "AAA",
        "flight_number": world.unique("1"),
        "departure": "KJFK",
        "arrival": "KSFO",
        "distance_nm": 0,
        "block_minutes": 370,
    }


def _expense_form(world: World) -> dict[str, str]:
    return {"name": world.unique("Rent "), "amount": "10.50", "period": "monthly", "active": "on"}


async def _expense_page(world: World, headers: dict[str, str], suffix: str, **form: str) -> int:
    """Through the finances page's forms, on a fresh expense of airline A."""
    expense_id = await _created(world, "finances/expenses", _expense_body(world))
    return await _page(world, "POST", f"/staff/finances/expenses/{expense_id}{suffix}", headers, **form)


async def _created(world: World, path: str, body: dict[str, Any]) -> str:
    response = await world.api.client.post(
        f"/api/v1/tenants/{world.tenant_a}/{path}", json=body, headers=world.admin
    )
    assert response.status_code == 201, response.text
    await world.api.settle()  # reads of it must find it
    return str(response.json()["id"])


async def _record(world: World, kind: str) -> str:
    """A fresh record of airline A."""
    if kind == "subfleets":
        return await _created(world, "subfleets", _subfleet_body(world))
    if kind == "flights":
        return await _created(world, "flights", _flight_body(world))
    subfleet_id = await _created(world, "subfleets", _subfleet_body(world))
    return await _created(world, "aircraft", _aircraft_body(world, subfleet_id))


def _aircraft_body(world: World, subfleet_id: str) -> dict[str, Any]:
    return {"registration": world.unique("N"), "name": "Ship", "subfleet_id": subfleet_id, "home": "KJFK"}


async def _on_record(
    world: World, headers: dict[str, str], method: str, kind: str, suffix: str = "", **kw: Any
) -> int:
    record_id = await _record(world, kind)
    return await call(
        world, method, f"/api/v1/tenants/{world.tenant_a}/{kind}/{record_id}{suffix}", headers, **kw
    )


async def _add_aircraft(world: World, headers: dict[str, str]) -> int:
    subfleet_id = await _record(world, "subfleets")
    body = _aircraft_body(world, subfleet_id)
    return await call(world, "POST", f"/api/v1/tenants/{world.tenant_a}/aircraft", headers, json=body)


async def _change_aircraft(world: World, headers: dict[str, str]) -> int:
    subfleet_id = await _record(world, "subfleets")
    aircraft_id = await _created(world, "aircraft", _aircraft_body(world, subfleet_id))
    body = _aircraft_body(world, subfleet_id)
    return await call(
        world, "PUT", f"/api/v1/tenants/{world.tenant_a}/aircraft/{aircraft_id}", headers, json=body
    )


async def _remove_airport(world: World, headers: dict[str, str]) -> int:
    path = f"/api/v1/tenants/{world.tenant_a}/airports/KLAX"
    assert (await world.api.client.put(path, json={"hub": True}, headers=world.admin)).status_code == 200
    await world.api.settle()
    return await call(world, "DELETE", path, headers)


async def _airport_history(world: World, headers: dict[str, str]) -> int:
    path = f"/api/v1/tenants/{world.tenant_a}/airports/KORD"
    assert (await world.api.client.put(path, json={"hub": True}, headers=world.admin)).status_code == 200
    return await call(world, "GET", f"{path}/history", headers)


async def _bid(world: World, headers: dict[str, str]) -> int:
    flight_id = await _record(world, "flights")
    return await call(world, "POST", "/api/v1/bids", headers, json={"flight_id": flight_id})


def _acars_prefile(world: World) -> dict[str, Any]:
    return {"flight_number": world.unique("9"), "dpt_airport_id": "KJFK", "arr_airport_id": "KBOS"}


def _acars_positions() -> dict[str, Any]:
    return {"positions": [{"id": "1", "lat": 40.6, "lon": -73.8, "created_at": "2024-05-01T12:00:00Z"}]}


async def _on_acars_pirep(world: World, headers: dict[str, str], method: str, suffix: str, **kw: Any) -> int:
    """On a fresh flight in progress of a fresh pilot of airline A, through /api/pireps."""
    pilot = await world.api.user(world.admin, world.unique("tracker"), "pilot", world.tenant_a)
    body = {"source": "tracked", "details": _pirep_details(world)}
    created = await world.api.client.post("/api/v1/pireps", json=body, headers=pilot.headers)
    assert created.status_code == 201, created.text
    await world.api.settle()
    return await call(world, method, f"/api/pireps/{created.json()['id']}{suffix}", headers, **kw)


async def _acars_record(world: World, headers: dict[str, str], kind: str) -> int:
    record_id = await _record(world, kind)
    path = "/api/flights/" if kind == "flights" else "/api/fleet/aircraft/"
    return await call(world, "GET", path + record_id, headers)


async def _acars_bid(world: World, headers: dict[str, str], method: str) -> int:
    """PUT/POST: bid on a fresh flight of airline A; DELETE: bid on it, then withdraw the bid."""
    flight_id = await _record(world, "flights")
    me = await world.api.client.get("/api/v1/me", headers=headers)
    if me.status_code == 200 and me.json()["tenant_id"] == world.tenant_a:  # one bid at a time: free it
        user_id = me.json()["id"]
        await world.api.settle()
        bids = await world.api.client.get(
            f"/api/v1/tenants/{world.tenant_a}/bids?user_id={user_id}", headers=headers
        )
        for bid in bids.json():
            await world.api.client.delete(f"/api/v1/bids/{bid['id']}", headers=headers)
    if method != "DELETE":
        return await call(world, method, "/api/user/bids", headers, json={"flight_id": flight_id})
    await world.api.client.put("/api/user/bids", json={"flight_id": flight_id}, headers=headers)
    return await call(world, "DELETE", "/api/user/bids", headers, json={"flight_id": flight_id})


async def _withdraw_someone_elses_bid(world: World, headers: dict[str, str]) -> int:
    bidder = await world.api.user(world.admin, world.unique("bidder"), "pilot", world.tenant_a)
    flight_id = await _record(world, "flights")
    placed = await world.api.client.post(
        "/api/v1/bids", json={"flight_id": flight_id}, headers=bidder.headers
    )
    assert placed.status_code == 201, placed.text
    return await call(world, "DELETE", f"/api/v1/bids/{placed.json()['id']}", headers)


def _icao(world: World) -> str:
    n = next(world.counter)
    return "".join(chr(65 + (n // 26**k) % 26) for k in (2, 1, 0))


def _application(world: World) -> dict[str, str]:
    name = world.unique("applicant")
    return {"username": name, "email": f"{name}@example.org", "password": "a decent password", "name": "A"}


async def _on_target(world: World, headers: dict[str, str], method: str, suffix: str, **kw: Any) -> int:
    user_id = await world.target()
    return await call(world, method, f"/api/v1/users/{user_id}{suffix}", headers, **kw)


async def _revoke_on_target(world: World, headers: dict[str, str]) -> int:
    user_id = await world.target()
    key_id = await _key_of(world, user_id)
    return await call(world, "DELETE", f"/api/v1/users/{user_id}/api-keys/{key_id}", headers)


@pytest.fixture
async def world(api: Api, admin: dict[str, str]) -> World:
    api.services.identity.applications_per_address_per_hour = 10_000
    api.services.identity.login_failures_per_address = 10_000
    tenant_a = await api.tenant(admin, "Airline A", "AAA")
    tenant_b = await api.tenant(admin, "Airline B", "BBB")
    await api.client.patch(f"/api/v1/tenants/{tenant_a}", json={"applications_open": True}, headers=admin)
    members = {
        "own_admin": await api.user(admin, "own.admin", "tenant_admin", tenant_a),
        "own_pilot": await api.user(admin, "own.pilot", "pilot", tenant_a),
        "other_admin": await api.user(admin, "other.admin", "tenant_admin", tenant_b),
        "other_pilot": await api.user(admin, "other.pilot", "pilot", tenant_b),
    }
    suspended = await api.user(admin, "suspended", "pilot", tenant_a)
    await api.client.post(f"/api/v1/users/{suspended.id}/suspend", headers=admin)
    members["suspended"] = suspended
    holder = await api.user(admin, "keyholder", "pilot", tenant_a)
    issued = (
        await api.client.post(f"/api/v1/users/{holder.id}/api-keys", json={"name": "k"}, headers=admin)
    ).json()
    await api.client.delete(f"/api/v1/users/{holder.id}/api-keys/{issued['id']}", headers=admin)
    members["revoked_key"] = Member(holder.id, holder.username, {"X-API-Key": issued["key"]})
    return World(api, admin, tenant_a, tenant_b, members, itertools.count(uuid.uuid4().int % 1000))


def served_routes(api: Api) -> set[tuple[str, str]]:
    app = api.client._transport.app  # type: ignore[attr-defined]
    found = set()
    for route in app.routes:
        if route.path.startswith(DOCS_PREFIX):
            continue
        for method in getattr(route, "methods", ()):
            if method not in ("OPTIONS", "HEAD"):
                found.add((method, route.path))
    return found


async def test_the_matrix_covers_every_endpoint(api: Api) -> None:
    assert served_routes(api) == set(MATRIX)
    assert all(set(statuses) == set(CALLERS) for statuses, _ in MATRIX.values())
    assert (await api.client.get("/schema/openapi.json")).status_code == 200


async def test_every_endpoint_answers_every_caller_exactly(world: World) -> None:
    mismatches = []
    for (method, path), (expected, request) in MATRIX.items():
        for caller in CALLERS:
            status = await request(world, await world.headers(caller))
            if status != expected[caller]:
                mismatches.append(f"{method} {path} as {caller}: {status}, expected {expected[caller]}")
    assert mismatches == [], "\n".join(mismatches)


async def _fleet_form(world: World, headers: dict[str, str], kind: str, suffix: str, **form: str) -> int:
    """A fleet form on a fresh record of airline A: its subfleet (posted as `subfleet_id` to add an
    aircraft) or its aircraft."""
    record_id = await _record(world, kind)
    if kind == "subfleets" and not suffix:
        return await _page(world, "POST", "/staff/fleet/aircraft", headers, subfleet_id=record_id, **form)
    path = f"/staff/fleet/{kind}/{record_id}{suffix}"
    return await _page(world, "POST", path, headers, **form)


async def _airports_page_remove(world: World, headers: dict[str, str]) -> int:
    path = f"/api/v1/tenants/{world.tenant_a}/airports/EGKK"
    assert (await world.api.client.put(path, json={}, headers=world.admin)).status_code == 200
    await world.api.settle()
    return await _page(world, "POST", "/staff/airports/EGKK/remove", headers)
