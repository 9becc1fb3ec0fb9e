"""The platform admin's users: everyone, filtered by airline, role, state and text; add an
account to any airline with any role; suspend and reactivate."""

from __future__ import annotations

from typing import Any, cast

from litestar import Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from albatross.identity import queries, users
from albatross.identity.domain import Role, clean_username
from albatross.identity.passwords import one_time_password
from albatross.identity.policy import Principal
from albatross.kernel import Context, DomainError, InvalidInput, NotFound
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.admin import admin_only
from albatross.web.pages.common import ROLES, STATES, list_link, page, secret_page, see_other
from albatross.web.pages.forms import field_errors, texts
from albatross.web.problems import STATUS_OF

FILTERS = ("airline", "role", "state", "q")
FIELDS = ("username", "name", "email", "role", "tenant_id")
ACTIONS = ("suspend", "reactivate")
SHOWN = 200
# A text search reads the filtered list page by page and matches here: the query has no text filter.
SEARCHED = 5000


def _filters(source: Any) -> dict[str, str]:
    return texts(source, FILTERS, limit=100)


def _matches(user: queries.UserView, text: str) -> bool:
    return any(text in (value or "").casefold() for value in (user.username, user.name, user.email))


async def _find(viewer: Principal, services: Services, filters: dict[str, str]) -> tuple[list[Any], int]:
    def read(offset: int, limit: int) -> Any:
        return queries.list_users(
            services.reader,
            viewer,
            tenant_id=filters["airline"] or None,
            state=filters["state"] or None,
            role=filters["role"] or None,
            limit=limit,
            offset=offset,
        )

    text = filters["q"].casefold()
    if not text:
        found = await read(0, SHOWN)
        return found.items, found.total
    matched: list[Any] = []
    offset = 0
    while offset < SEARCHED:
        found = await read(offset, 200)
        matched += [user for user in found.items if _matches(user, text)]
        offset += 200
        if offset >= found.total:
            break
    return matched[:SHOWN], len(matched)


async def _users_page(
    viewer: Principal,
    services: Services,
    filters: dict[str, str],
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
) -> Any:
    admin_only(viewer)
    airlines = (await queries.list_tenants(services.reader, viewer, limit=200, offset=0)).items
    filter_errors = {}
    if filters["role"] and filters["role"] not in ROLES:
        filter_errors["role"] = "Pick a role from the list."
    if filters["state"] and filters["state"] not in STATES:
        filter_errors["state"] = "Pick a state from the list."
    found, total = ([], 0) if filter_errors else await _find(viewer, services, filters)
    return page(
        "admin_users.html",
        status_code=400 if filter_errors and status == 200 else status,
        viewer=viewer,
        users=found,
        total=total,
        filters=filters,
        filter_errors=filter_errors,
        airline_options=[(a.id, f"{a.icao} · {a.name}") for a in airlines],
        airline_of={a.id: a for a in airlines},
        roles=ROLES,
        states=list(STATES.items()),
        values=values or {"role": "pilot"},
        errors=errors or {},
        message=message,
    )


@get("/admin/users", include_in_schema=False, dependencies={"consistent": Provide(wait_for_position)})
async def user_list(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
    consistent: NamedDependency[int],
) -> Any:
    return await _users_page(viewer, services, _filters(request.query_params))


@post("/admin/users", include_in_schema=False)
async def add_user(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    admin_only(viewer)
    values = texts(await request.form(), FIELDS, limit=254)
    filters = _filters({})  # the form's own `role` is the new account's, not a filter
    password = one_time_password()
    try:
        if values["role"] not in ROLES:
            raise InvalidInput("Pick a role from the list.", fields={"role": "Pick a role from the list."})
        account = users.NewUser(
            username=values["username"],
            email=values["email"],
            password=password,
            name=values["name"],
            role=cast(Role, values["role"]),
            tenant_id=values["tenant_id"] or None,
        )
        made = await users.handle_create_user(
            services.identity, Context(actor_id=viewer.user_id), viewer, account
        )
    except DomainError as exc:
        errors = field_errors(exc.detail, exc.fields, FIELDS, "username", each_detail=True)
        status = STATUS_OF.get(exc.code, 400)
        return await _users_page(viewer, services, filters, values, errors, status=status)
    airline = None
    if account.tenant_id:
        try:
            tenant = await queries.get_tenant(services.reader, viewer, account.tenant_id)
            airline = {"id": tenant.id, "name": tenant.name, "icao": tenant.icao}
        except NotFound:  # created this instant: the read model has not caught up
            airline = {"id": account.tenant_id, "name": "", "icao": ""}
    return secret_page(
        "admin_created.html",
        viewer=viewer,
        airline=airline,
        account={
            "username": clean_username(account.username),
            "role": ROLES[account.role],
            "password": password,
        },
        position=made.position,
    )


@post("/admin/users/{user_id:str}/{action:str}", include_in_schema=False)
async def change_state(
    request: Request[Any, Any, Any],
    user_id: FromPath[str],
    action: FromPath[str],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
) -> Any:
    admin_only(viewer)
    if action not in ACTIONS:
        raise NotFound("No such action.")
    form = await request.form()
    filters = _filters(form)
    try:
        result = await users.handle_change_state(
            services.identity,
            Context(actor_id=viewer.user_id),
            viewer,
            user_id,
            cast(users.StateAction, action),
        )
    except DomainError as exc:
        return await _users_page(
            viewer, services, filters, message=exc.detail, status=STATUS_OF.get(exc.code, 400)
        )
    return see_other(list_link("/admin/users", filters), result.position)
