"""The public application form: anyone may ask to fly for an airline (no sign-in); the account waits
as pending until the airline's staff approve it on their pilots page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from albatross.identity import users
from albatross.identity.domain import Tenant
from albatross.kernel import Context, DomainError, NotFound, UnitOfWork
from albatross.services import Services
from albatross.web.deps import client_address
from albatross.web.pages.common import page, see_other
from albatross.web.pages.forms import field_errors, texts
from albatross.web.problems import STATUS_OF

APPLICANT_FIELDS = ("username", "name", "email")
PASSWORD_FIELDS = ("password", "confirm_password")
CLOSED = "applications-closed"


async def _airline(services: Services, tenant_id: str) -> Tenant:
    """The airline from its own stream: a visitor has no principal for the read-model queries,
    and the application command itself decides from this same record."""
    if len(tenant_id) > 36:
        raise NotFound("No such airline.")
    tenant = await UnitOfWork(services.store, services.codec, Context()).load(Tenant, tenant_id)
    if not tenant.exists:
        raise NotFound("No such airline.")
    return tenant


def _form(
    tenant: Tenant,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
    *,
    closed: bool = False,
) -> Any:
    return page(
        "apply.html",
        status_code=status,
        viewer=None,
        tenant_id=quote(tenant.id, safe=""),
        airline_name=tenant.name,
        closed=closed or not tenant.applications_open,
        values=values or {},
        errors=errors or {},
        message=message,
    )


@get("/apply/{tenant_id:str}", include_in_schema=False)
async def application_form(tenant_id: FromPath[str], services: NamedDependency[Services]) -> Any:
    return _form(await _airline(services, tenant_id))


@post("/apply/{tenant_id:str}", include_in_schema=False)
async def apply(
    request: Request[Any, Any, Any], tenant_id: FromPath[str], services: NamedDependency[Services]
) -> Any:
    tenant = await _airline(services, tenant_id)
    form = await request.form()
    values = texts(form, APPLICANT_FIELDS, limit=254)
    # Passwords are taken as typed: spaces at either end are part of them.
    password, again = (str(form.get(name, ""))[:1024] for name in PASSWORD_FIELDS)
    if password != again:
        return _form(tenant, values, {"confirm_password": "The two passwords differ."}, status=400)
    new = users.NewUser(
        username=values["username"], email=values["email"], password=password, name=values["name"]
    )
    try:
        await users.handle_apply(services.identity, tenant.id, new, client_address(request))
    except DomainError as exc:
        status = STATUS_OF.get(exc.code, 400)
        if exc.code == CLOSED:
            return _form(tenant, message=exc.detail, status=status, closed=True)
        errors = field_errors(
            exc.detail, exc.fields, APPLICANT_FIELDS + PASSWORD_FIELDS, None, each_detail=True
        )
        return _form(tenant, values, errors, "" if errors else exc.detail, status)
    return see_other(f"/apply/{quote(tenant.id, safe='')}/applied")


@get("/apply/{tenant_id:str}/applied", include_in_schema=False)
async def applied(tenant_id: FromPath[str], services: NamedDependency[Services]) -> Any:
    return page("applied.html", viewer=None, airline_name=(await _airline(services, tenant_id)).name)
