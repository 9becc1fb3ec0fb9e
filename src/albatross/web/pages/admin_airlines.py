"""The platform admin's airlines: every airline, and a form that creates one together with its
first staff account (whose one-time password the answer shows once)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency, Provide

from albatross.identity import queries, users
from albatross.identity.domain import UniqueValue, clean_icao, clean_tenant_name, clean_username
from albatross.identity.passwords import one_time_password
from albatross.identity.policy import Principal
from albatross.kernel import Context, DomainError, InvalidInput
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.admin import admin_only, check_account_free, claimed
from albatross.web.pages.common import ROLES, page, secret_page
from albatross.web.pages.forms import field_errors, texts
from albatross.web.problems import STATUS_OF

FIELDS = ("name", "icao", "username", "staff_name", "email")
# The account's fields as the form names them (the airline has a name too).
ACCOUNT_FIELD = {"username": "username", "email": "email", "name": "staff_name"}
LIMIT = 200


async def _airlines_page(
    viewer: Principal, services: Services, values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Any:
    admin_only(viewer)
    found = await queries.list_tenants(services.reader, viewer, limit=LIMIT, offset=0)
    airlines = []
    for airline in found.items:
        members = await queries.list_users(
            services.reader, viewer, tenant_id=airline.id, state="active", role=None, limit=1, offset=0
        )
        airlines.append({"airline": airline, "members": members.total})
    return page(
        "admin_airlines.html",
        status_code=status,
        viewer=viewer,
        airlines=airlines,
        total=found.total,
        values=values,
        errors=errors,
    )


@get("/admin/airlines", include_in_schema=False, dependencies={"consistent": Provide(wait_for_position)})
async def airlines(
    viewer: NamedDependency[Principal], services: NamedDependency[Services], consistent: NamedDependency[int]
) -> Any:
    return await _airlines_page(viewer, services, {}, {})


async def _check(services: Services, values: dict[str, str]) -> dict[str, str]:
    """Everything that would stop the airline or its account, found before the command runs, so
    that each is shown next to its field at once (the command checks again, for both or neither)."""
    errors: dict[str, str] = {}
    try:
        clean_tenant_name(values["name"])
    except InvalidInput as exc:
        errors["name"] = exc.detail
    try:
        code = clean_icao(values["icao"])
        if await claimed(services, UniqueValue.key("icao", code)):
            errors["icao"] = f"The airline code {code} is already taken."
    except InvalidInput as exc:
        errors["icao"] = exc.detail
    try:
        await check_account_free(services, values["username"], values["email"], values["staff_name"])
    except InvalidInput as exc:
        errors.update(field_errors(exc.detail, exc.fields, FIELDS, "username", rename=ACCOUNT_FIELD))
    return errors


@post("/admin/airlines", include_in_schema=False)
async def create_airline(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    admin_only(viewer)
    values = texts(await request.form(), FIELDS, limit=254)
    errors = await _check(services, values)
    if errors:
        return await _airlines_page(viewer, services, values, errors, 400)
    password = one_time_password()
    account = users.NewUser(
        username=values["username"],
        email=values["email"],
        password=password,
        name=values["staff_name"],
        role="tenant_admin",
    )
    try:  # one command: taken meanwhile, neither the airline nor its account is created
        created = await users.handle_create_airline(
            services.identity,
            Context(actor_id=viewer.user_id),
            viewer,
            values["name"],
            values["icao"],
            account,
        )
    except DomainError as exc:
        fields = field_errors(exc.detail, exc.fields, FIELDS, "name", each_detail=True)
        return await _airlines_page(viewer, services, values, fields, STATUS_OF.get(exc.code, 400))
    airline = {"id": created.value.tenant_id, "name": values["name"], "icao": values["icao"].upper()}
    return secret_page(
        "admin_created.html",
        viewer=viewer,
        airline=airline,
        account={
            "username": clean_username(values["username"]),
            "role": ROLES["tenant_admin"],
            "password": password,
        },
        position=created.position,
        new_airline=True,
    )
