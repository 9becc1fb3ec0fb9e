"""Browser sessions: the login token in an HttpOnly cookie, honoured by the pages and the live feed
only. JSON routes under /api never read it, so a forged cross-site request cannot reach them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie

from albatross.kernel import NotAuthenticated
from albatross.web.deps import credential

SESSION_COOKIE = "albatross_session"


def browser_credential(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The header credential if one was sent, else the session cookie.

    A WebSocket handshake is not covered by CSRF protection, so the cookie counts there only when
    the page that opened it is ours (same Origin as Host)."""
    try:
        return credential(connection)
    except NotAuthenticated:
        token = connection.cookies.get(SESSION_COOKIE, "").strip()
        if not token:
            raise
        if connection.scope["type"] == "websocket" and not _same_origin(connection):
            raise NotAuthenticated(
                "A browser session opens the live feed from Albatross' own pages only."
            ) from None
        return token


def _same_origin(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    origin = connection.headers.get("origin", "")
    return bool(origin) and urlsplit(origin).netloc == connection.headers.get("host", "")


def _secure(request: Request[Any, Any, Any]) -> bool:
    return request.url.scheme == "https"


def with_session(response: Response[Any], request: Request[Any, Any, Any], token: str, max_age: int) -> None:
    response.set_cookie(
        Cookie(
            key=SESSION_COOKIE,
            value=token,
            path="/",
            max_age=max_age,
            httponly=True,
            samesite="lax",
            secure=_secure(request),
        )
    )


def without_session(response: Response[Any], request: Request[Any, Any, Any]) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
