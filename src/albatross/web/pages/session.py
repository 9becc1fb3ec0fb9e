"""Signing in and out in a browser, and the password change (forced after a one-time password)."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency

from albatross.identity import auth
from albatross.identity.policy import Principal
from albatross.kernel import Context, DomainError, NotAuthenticated, TooManyRequests
from albatross.services import Services
from albatross.web.browser_session import with_session, without_session
from albatross.web.deps import ALLOW_ONE_TIME_PASSWORD, client_address
from albatross.web.pages.common import page, see_other
from albatross.web.problems import STATUS_OF


@get("/login", include_in_schema=False)
async def login_form() -> Any:
    return page("login.html", viewer=None, username="", error=None)


@post("/login", include_in_schema=False)
async def login(request: Request[Any, Any, Any], services: NamedDependency[Services]) -> Any:
    form = await request.form()
    username = str(form.get("username", ""))[:100]
    try:
        result = await auth.handle_login(
            services.identity, username, str(form.get("password", ""))[:1024], client_address(request)
        )
    except (NotAuthenticated, TooManyRequests) as exc:
        status = 429 if isinstance(exc, TooManyRequests) else 401
        return page("login.html", status_code=status, viewer=None, username=username, error=exc.detail)
    response: Response[Any] = (
        see_other("/password") if result.must_change_password else see_other("/", result.position)
    )
    with_session(response, request, result.token, services.settings.session_ttl_seconds)
    return response


@post("/logout", include_in_schema=False, opt={ALLOW_ONE_TIME_PASSWORD: True})
async def logout(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    if viewer.via == "session":
        await auth.handle_logout(services.identity, Context(actor_id=viewer.user_id), viewer)
    response: Response[Any] = see_other("/login")
    without_session(response, request)
    return response


@get("/password", include_in_schema=False, opt={ALLOW_ONE_TIME_PASSWORD: True})
async def password_form(viewer: NamedDependency[Principal]) -> Any:
    return page("password.html", viewer=viewer, errors={}, error=None)


@post("/password", include_in_schema=False, opt={ALLOW_ONE_TIME_PASSWORD: True})
async def change_password(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    form = await request.form()
    current, new = str(form.get("current_password", ""))[:1024], str(form.get("new_password", ""))[:1024]
    if new != str(form.get("confirm_password", ""))[:1024]:
        errors = {"confirm_password": "The two new passwords differ."}
        return page("password.html", status_code=400, viewer=viewer, errors=errors, error=None)
    try:
        result = await auth.handle_change_password(
            services.identity, Context(actor_id=viewer.user_id), viewer, current, new
        )
    except DomainError as exc:
        errors = dict(exc.fields)
        if exc.code == "wrong-password":
            errors["current_password"] = exc.detail
        status = STATUS_OF.get(exc.code, 400)
        return page("password.html", status_code=status, viewer=viewer, errors=errors, error=exc.detail)
    return see_other("/", result.position)
