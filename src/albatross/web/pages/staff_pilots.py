"""The airline's people, for its staff: members and applications, one member's career with the forms
that change it (state, rank, transfer hours), and adding a member with a one-time password."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from litestar import Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from albatross.flights import commands as flight_commands
from albatross.flights.queries import FlightsQueries
from albatross.identity import queries, users
from albatross.identity.passwords import one_time_password
from albatross.identity.policy import Principal
from albatross.kernel import Context, DomainError
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.common import ROLES, STATES, page, secret_page, see_other, staff_tenant
from albatross.web.pages.forms import field_errors, texts
from albatross.web.problems import STATUS_OF

REFUSAL = "The pilots' pages are for the airline's staff."
# The roles an airline's staff give its members.
MEMBER_ROLES = {role: ROLES[role] for role in ("pilot", "tenant_admin")}
MEMBER_FIELDS = ("username", "name", "email", "role")
# The state changes staff make from these pages, and the ones that must say why.
ACTIONS = ("approve", "reject", "suspend", "reactivate")
NEEDS_REASON = ("reject", "suspend")
LIMIT = 200
MAX_TRANSFER_MINUTES = 6_000_000
_HOURS = re.compile(r"^(\d{1,6})(?::([0-5]\d))?$|^(\d{1,6}(?:\.\d{1,2})?|\.\d{1,2})$")


def transfer_minutes(text: str) -> int:
    """Hours as staff type them, `h:mm` or decimal (`12.5`), in whole minutes; ValueError if neither."""
    match = _HOURS.match(text.strip())
    if not match:
        raise ValueError(text)
    if match.group(3) is not None:
        minutes = round(float(match.group(3)) * 60)
    else:
        minutes = int(match.group(1)) * 60 + int(match.group(2) or 0)
    if minutes > MAX_TRANSFER_MINUTES:
        raise ValueError(text)
    return minutes


def _member_path(user_id: str) -> str:
    return f"/staff/pilots/{quote(user_id, safe='')}"


async def _pilots(
    request: Request[Any, Any, Any],
    viewer: Principal,
    services: Services,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    errors = dict(errors or {})
    shown = str(request.query_params.get("state") or "")
    if shown and shown not in STATES:
        errors["state"] = "Choose one of the listed states."
        shown = ""

    async def listed(state: str | None) -> queries.UserPage:
        return await queries.list_users(
            services.reader, viewer, tenant_id=tenant_id, state=state, role=None, limit=LIMIT, offset=0
        )

    applications = (await listed("pending")).items if shown in ("", "pending") else []
    members: list[queries.UserView] = []
    total = 0
    if shown != "pending":
        found = await listed(shown or None)
        members = [u for u in found.items if u.state != "pending"]
        total = found.total - (len(applications) if not shown else 0)
    careers = {c.user_id: c for c in await FlightsQueries(services.reader).roster(viewer, tenant_id)}
    airline = await queries.get_tenant(services.reader, viewer, tenant_id)
    return page(
        "staff_pilots.html",
        status_code=400 if errors and status == 200 else status,
        viewer=viewer,
        airline=airline,
        apply_url=f"{str(request.base_url).rstrip('/')}/apply/{quote(tenant_id, safe='')}",
        shown=shown,
        states=STATES,
        roles=MEMBER_ROLES,
        applications=applications,
        members=members,
        total=total,
        careers=careers,
        values=values or {"role": "pilot"},
        errors=errors,
        message=message,
    )


@get("/staff/pilots", include_in_schema=False, dependencies={"consistent": Provide(wait_for_position)})
async def pilots(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
    consistent: NamedDependency[int],
) -> Any:
    return await _pilots(request, viewer, services)


@post("/staff/pilots", include_in_schema=False)
async def add_member(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    form = await request.form()
    values = texts(form, MEMBER_FIELDS, limit=254)
    if values["role"] not in MEMBER_ROLES:
        return await _pilots(request, viewer, services, values=values, errors={"role": "Choose a role."})
    password = one_time_password()
    new = users.NewUser(
        username=values["username"],
        email=values["email"],
        password=password,
        name=values["name"],
        role=values["role"],  # type: ignore[arg-type]  (checked against MEMBER_ROLES above)
        tenant_id=tenant_id,
    )
    try:
        created = await users.handle_create_user(
            services.identity, Context(actor_id=viewer.user_id), viewer, new
        )
    except DomainError as exc:
        errors = field_errors(exc.detail, exc.fields, MEMBER_FIELDS, None, each_detail=True)
        return await _pilots(
            request,
            viewer,
            services,
            values=values,
            errors=errors,
            message="" if errors else exc.detail,
            status=STATUS_OF.get(exc.code, 400),
        )
    return secret_page(
        "member_created.html",
        status_code=200,
        viewer=viewer,
        username=values["username"].lower(),
        name=values["name"],
        role=ROLES[values["role"]],
        password=password,
        member_path=_member_path(created.value),
        position=created.position,
    )


async def _member(
    viewer: Principal,
    services: Services,
    user_id: str,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    member = await queries.get_user(services.reader, viewer, user_id)
    flights = FlightsQueries(services.reader)
    career = await flights.career(viewer, tenant_id, user_id)
    ranks = [r.name for r in (await flights.settings(viewer, tenant_id)).ranks]
    return page(
        "staff_pilot.html",
        status_code=400 if errors and status == 200 else status,
        viewer=viewer,
        member=member,
        career=career,
        ranks=ranks,
        states=STATES,
        roles=ROLES,
        values=values or {},
        errors=errors or {},
        message=message,
    )


@get(
    "/staff/pilots/{user_id:str}",
    include_in_schema=False,
    dependencies={"consistent": Provide(wait_for_position)},
)
async def member(
    user_id: FromPath[str],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
    consistent: NamedDependency[int],
) -> Any:
    return await _member(viewer, services, user_id)


@post("/staff/pilots/{user_id:str}/state", include_in_schema=False)
async def change_state(
    request: Request[Any, Any, Any],
    user_id: FromPath[str],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
) -> Any:
    """Approve, reject, suspend or reactivate; back to the list or the member's page it came from."""
    staff_tenant(viewer, REFUSAL)
    form = await request.form()
    action = str(form.get("action", ""))
    reason = str(form.get("reason", "")).strip()[:500]
    from_list = form.get("back") == "list"

    async def refused(detail: str, status: int) -> Any:
        if from_list:
            return await _pilots(request, viewer, services, message=detail, status=status)
        fields = {"reason": detail} if action in NEEDS_REASON and not reason else {}
        return await _member(viewer, services, user_id, errors=fields, message=detail, status=status)

    if action not in ACTIONS:
        return await refused("Choose approve, reject, suspend or reactivate.", 400)
    if action in NEEDS_REASON and not reason:
        return await refused(f"Give a reason to {action}.", 400)
    try:
        result = await users.handle_change_state(
            services.identity,
            Context(actor_id=viewer.user_id),
            viewer,
            user_id,
            action,
            reason,  # type: ignore[arg-type]
        )
    except DomainError as exc:  # shown on the page it came from (a stranger's page answers 404 itself)
        return await refused(exc.detail, STATUS_OF.get(exc.code, 400))
    return see_other("/staff/pilots" if from_list else _member_path(user_id), result.position)


@post("/staff/pilots/{user_id:str}/rank", include_in_schema=False)
async def set_rank(
    request: Request[Any, Any, Any],
    user_id: FromPath[str],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    rank = str((await request.form()).get("rank", "")).strip()[:50]
    if not rank:
        return await _member(viewer, services, user_id, errors={"rank": "Choose a rank."})
    try:
        result = await flight_commands.handle_set_rank(
            services.identity, Context(actor_id=viewer.user_id), viewer, tenant_id, user_id, rank
        )
    except DomainError as exc:
        errors = {"rank": exc.detail}
        return await _member(viewer, services, user_id, errors=errors, status=STATUS_OF.get(exc.code, 400))
    return see_other(_member_path(user_id), result.position)


@post("/staff/pilots/{user_id:str}/transfer-hours", include_in_schema=False)
async def set_transfer_hours(
    request: Request[Any, Any, Any],
    user_id: FromPath[str],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    hours = str((await request.form()).get("transfer_hours", "")).strip()[:20]
    try:
        minutes = transfer_minutes(hours)
    except ValueError:
        message = "Give hours as h:mm or a number, like 120:30 or 120.5 (at most 100,000)."
        values = {"transfer_hours": hours}
        return await _member(viewer, services, user_id, values=values, errors={"transfer_hours": message})
    try:
        result = await flight_commands.handle_set_transfer_hours(
            services.identity, Context(actor_id=viewer.user_id), viewer, tenant_id, user_id, minutes
        )
    except DomainError as exc:
        errors = {"transfer_hours": exc.detail}
        return await _member(
            viewer,
            services,
            user_id,
            values={"transfer_hours": hours},
            errors=errors,
            status=STATUS_OF.get(exc.code, 400),
        )
    return see_other(_member_path(user_id), result.position)
