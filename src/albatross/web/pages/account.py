"""The signed-in user's own account: their profile (name and email) and their API keys, whose
secret is shown once on the page that answers the form and never again."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from albatross.identity import api_keys, queries, users
from albatross.identity.policy import Principal
from albatross.kernel import AlreadyExists, Context, InvalidInput, InvalidState
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.common import ROLES, page, secret_page, see_other
from albatross.web.pages.forms import field_errors
from albatross.web.problems import STATUS_OF

# What a user may change about themselves (the policy keeps their role to staff).
PROFILE_FIELDS = ("name", "email")
# Refusals a person can fix by editing the form; anything else is an error page.
FIXABLE = (InvalidInput, InvalidState, AlreadyExists)


async def _profile(
    viewer: Principal,
    services: Services,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    *,
    saved: bool = False,
    status: int = 200,
) -> Template:
    user = await queries.get_user(services.reader, viewer, viewer.user_id)
    airline = await queries.get_tenant(services.reader, viewer, user.tenant_id) if user.tenant_id else None
    shown = {"name": user.name or "", "email": user.email or "", **(values or {})}
    return page(
        "profile.html",
        status_code=status,
        viewer=viewer,
        user=user,
        airline=airline,
        roles=ROLES,
        values=shown,
        errors=errors or {},
        saved=saved,
    )


@get("/profile", include_in_schema=False, dependencies={"consistent": Provide(wait_for_position)})
async def profile(
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
    consistent: NamedDependency[int],
    saved: Annotated[bool, QueryParameter()] = False,
) -> Any:
    return await _profile(viewer, services, saved=saved)


@post("/profile", include_in_schema=False)
async def update_profile(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    form = await request.form()
    # A field the form did not send stays as it is; one sent empty is checked (and refused).
    values = {name: str(form[name])[:300] for name in PROFILE_FIELDS if name in form}
    changes = users.UserChanges(name=values.get("name"), email=values.get("email"))
    try:
        result = await users.handle_update_user(
            services.identity, Context(actor_id=viewer.user_id), viewer, viewer.user_id, changes
        )
    except FIXABLE as exc:
        errors = field_errors(exc.detail, exc.fields, PROFILE_FIELDS, "email", each_detail=True)
        return await _profile(viewer, services, values, errors, status=STATUS_OF.get(exc.code, 400))
    return see_other("/profile?saved=true", result.position)


async def _keys(
    viewer: Principal,
    services: Services,
    *,
    issued: api_keys.IssuedKey | None = None,
    label: str = "",
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    keys = await api_keys.list_api_keys(services.identity, viewer, viewer.user_id)
    context = {"viewer": viewer, "keys": keys, "issued": issued, "label": label, "errors": errors or {}}
    if issued is not None:  # the secret is in this answer only: not in a URL, not in history or a cache
        return secret_page("keys.html", **context)
    return page("keys.html", status_code=status, **context)


@get("/keys", include_in_schema=False)
async def keys(viewer: NamedDependency[Principal], services: NamedDependency[Services]) -> Any:
    return await _keys(viewer, services)


@post("/keys", include_in_schema=False)
async def issue_key(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    name = str((await request.form()).get("name", ""))[:300]
    try:
        result = await api_keys.handle_issue_api_key(
            services.identity, Context(actor_id=viewer.user_id), viewer, viewer.user_id, name
        )
    except FIXABLE as exc:
        errors = field_errors(exc.detail, exc.fields, ("name",), "name", each_detail=True)
        return await _keys(viewer, services, label=name, errors=errors, status=STATUS_OF.get(exc.code, 400))
    return await _keys(viewer, services, issued=result.value)


@post("/keys/{key_id:str}/revoke", include_in_schema=False)
async def revoke_key(
    key_id: FromPath[str], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    await api_keys.handle_revoke_api_key(
        services.identity, Context(actor_id=viewer.user_id), viewer, viewer.user_id, key_id
    )
    return see_other("/keys")
