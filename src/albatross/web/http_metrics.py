"""Count and time every HTTP request by method, route template and status.

The route is the matched route's template (`/api/v1/tenants/{tenant_id}`), which Litestar's
router puts in the ASGI scope as `path_template`: never the raw path, whose ids would give
one series per record (and put ids in the metrics). A request no route matches (404, 405) is
`unmatched`, and a method outside the usual few is `other`, so nothing a client sends can
grow the number of series.

Litestar runs app middleware only once a route matched, so this wraps the app's whole
handler instead (see create_app) and sees the unmatched requests too.
"""

from __future__ import annotations

import time

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from albatross.services import Metrics

UNMATCHED = "unmatched"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def http_metrics(app: ASGIApp, metrics: Metrics) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, send_wrapper)
        finally:
            method = scope["method"] if scope["method"] in METHODS else "other"
            route = scope.get("path_template") or UNMATCHED
            metrics.request(method, route, status, time.perf_counter() - started)

    return middleware
