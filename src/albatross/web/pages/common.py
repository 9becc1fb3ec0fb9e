"""What every page shares: who is looking (from the session cookie), redirects after a post, the
read that waits for the write, and domain errors shown as a page instead of a problem document."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from litestar import MediaType, Request, Response
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from albatross.identity.api_keys import record_key_use
from albatross.identity.auth import authenticate
from albatross.identity.policy import Principal
from albatross.kernel import Forbidden, NotAuthenticated
from albatross.services import Services
from albatross.web.browser_session import SESSION_COOKIE, browser_credential, without_session
from albatross.web.deps import ALLOW_ONE_TIME_PASSWORD

STAFF_ROLES = ("tenant_admin", "platform_admin")
# How every page names an account's role and state.
ROLES = {"pilot": "Pilot", "tenant_admin": "Airline staff", "platform_admin": "Platform admin"}
STATES = {
    "pending": "Applied",
    "active": "Active",
    "on_leave": "On leave",
    "suspended": "Suspended",
    "rejected": "Rejected",
}
# For what must not stay in a cache or the history: a secret shown once, a live picture.
NO_STORE = {"Cache-Control": "no-store"}


class GoTo(Exception):
    """Leave this page for another (303): sign in first, or change the one-time password first."""

    def __init__(self, location: str, *, end_session: bool = False) -> None:
        super().__init__(location)
        self.location = location
        self.end_session = end_session


async def provide_viewer(request: Request[Any, Any, Any], services: NamedDependency[Services]) -> Principal:
    try:
        principal = await authenticate(services.identity, browser_credential(request))
    except NotAuthenticated:
        # A cookie that no longer works (logged out, revoked, expired) is cleared on the way.
        raise GoTo("/login", end_session=SESSION_COOKIE in request.cookies) from None
    await record_key_use(services.identity, principal)
    if principal.must_change_password and not request.route_handler.opt.get(ALLOW_ONE_TIME_PASSWORD):
        raise GoTo("/password")
    return principal


def see_other(path: str, position: int | None = None) -> Redirect:
    """Post/redirect/get; the next page waits until the read models include the write."""
    location = f"{path}{'&' if '?' in path else '?'}min_position={position}" if position else path
    return Redirect(location, status_code=303)


def page(name: str, status_code: int = 200, **context: Any) -> Template:
    return Template(template_name=name, context=context, status_code=status_code, media_type=MediaType.HTML)


def secret_page(template: str, /, *, status_code: int = 201, **context: Any) -> Template:
    """The answer to a form that shows a secret this once: never a redirect (which would put it in a
    URL or a session), and never cached."""
    return Template(
        template_name=template,
        context=context,
        status_code=status_code,
        media_type=MediaType.HTML,
        headers=NO_STORE,
    )


def list_link(path: str, values: Mapping[str, str]) -> str:
    """`path` with the values given (blank ones left out) as its query string."""
    query = urlencode({name: value for name, value in values.items() if value})
    return f"{path}?{query}" if query else path


def is_staff(principal: Principal) -> bool:
    return principal.role in STAFF_ROLES


def member_tenant(viewer: Principal, refusal: str = "This page is for an airline's members.") -> str:
    """The viewer's airline; a platform admin (no airline) is refused."""
    if viewer.tenant_id is None:
        raise Forbidden(refusal)
    return viewer.tenant_id


def staff_tenant(viewer: Principal, refusal: str = "This page is for the airline's staff.") -> str:
    """The airline the viewer runs; pilots and platform admins are refused."""
    if viewer.tenant_id is None or not is_staff(viewer):
        raise Forbidden(refusal)
    return viewer.tenant_id


def go_to_handler(request: Request[Any, Any, Any], exc: GoTo) -> Response[Any]:
    response = Redirect(exc.location, status_code=303)
    if exc.end_session:
        without_session(response, request)
    return response


def _for_a_person(request: Request[Any, Any, Any]) -> bool:
    """A page's request, or a browser's request for an address that is no route at all."""
    handler = request.scope.get("route_handler")
    if handler is not None:
        return bool(handler.opt.get(PAGE))
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def in_words(handler: Callable[[Request[Any, Any, Any], Any], Response[Any]]) -> Any:
    """An exception handler of the API whose problem document a page shows as an error page
    instead (same status, same detail, same headers such as Retry-After); never a traceback."""

    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        answer = handler(request, exc)
        if not _for_a_person(request):
            return answer
        problem = answer.content
        detail = getattr(problem, "detail", "") or "Something went wrong."
        status = answer.status_code
        response = page("error.html", status_code=status, status=status, detail=detail, viewer=None)
        response.headers.update({k: v for k, v in answer.headers.items() if k.lower() == "retry-after"})
        return response

    return handle


PAGE_EXCEPTION_HANDLERS: dict[Any, Any] = {GoTo: go_to_handler}
PAGE = "page"
"""Set in the pages router's `opt`: errors on these routes are shown as pages."""
