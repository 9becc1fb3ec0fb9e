"""Every error leaves as application/problem+json (RFC 9457) with a stable `type`."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from albatross.flights.checks import CHECK_TITLES
from albatross.kernel import DomainError, NotAuthenticated, TooManyRequests, Unavailable

log = logging.getLogger("albatross.web")

MEDIA_TYPE = "application/problem+json"

STATUS_OF: dict[str, int] = {
    "invalid-input": 400,
    "not-authenticated": 401,
    "forbidden": 403,
    "wrong-password": 403,
    "password-change-required": 403,
    "not-found": 404,
    "already-exists": 409,
    "invalid-state": 409,
    "applications-closed": 403,
    "too-many-requests": 429,
    "concurrency-conflict": 409,
    "unavailable": 503,
    "projection-lagging": 503,
}

TYPE_OF_STATUS: dict[int, str] = {
    400: "invalid-input",
    401: "not-authenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    429: "too-many-requests",
    500: "internal-error",
    503: "unavailable",
}


class FieldError(msgspec.Struct, frozen=True):
    field: str
    message: str


class Problem(msgspec.Struct, frozen=True, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str = ""
    errors: list[FieldError] = []


def problem(
    status: int,
    type_: str,
    title: str,
    detail: str = "",
    *,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Problem]:
    return Response(
        Problem(type=type_, title=title, status=status, detail=detail, errors=errors or []),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


_TITLES = {
    "invalid-input": "The request is not valid",
    "not-authenticated": "Authentication required",
    "forbidden": "Not allowed",
    "wrong-password": "Wrong password",
    "password-change-required": "Change your one-time password first",
    "not-found": "Not found",
    "already-exists": "Already exists",
    "invalid-state": "Not possible in the current state",
    "applications-closed": "Applications are closed",
    "too-many-requests": "Too many requests",
    "concurrency-conflict": "Concurrent change",
    "unavailable": "Temporarily unavailable",
    "projection-lagging": "Read models are catching up",
    **CHECK_TITLES,
}


def domain_error_handler(_: Request[Any, Any, Any], exc: DomainError) -> Response[Problem]:
    status = STATUS_OF.get(exc.code, 400)
    headers: dict[str, str] = {}
    if isinstance(exc, NotAuthenticated):
        headers["WWW-Authenticate"] = 'Bearer realm="albatross"'
    if isinstance(exc, Unavailable | TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after)
    errors = [FieldError(k, v) for k, v in exc.fields.items()]
    return problem(
        status, exc.code, _TITLES.get(exc.code, "Error"), exc.detail, errors=errors, headers=headers
    )


def validation_error_handler(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Problem]:
    errors = []
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            message = str(item.get("message", "invalid"))
            key = str(item.get("key") or "body")
            if key == "data":  # the body: name the field msgspec complained about
                key = _field_in(message) or "body"
                if message == "'data'":
                    message = "A JSON body is required."
            errors.append(FieldError(key, message))
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors) or str(exc.detail)
    return problem(400, "invalid-input", _TITLES["invalid-input"], detail, errors=errors)


_FIELD_PATTERNS = (re.compile(r"at `\$\.([A-Za-z0-9_]+)"), re.compile(r"field `([A-Za-z0-9_]+)`"))


def _field_in(message: str) -> str | None:
    for pattern in _FIELD_PATTERNS:
        if match := pattern.search(message):
            return match.group(1)
    return None


def http_error_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Problem]:
    status = exc.status_code
    type_ = TYPE_OF_STATUS.get(status, "http-error")
    headers = dict(exc.headers or {})
    # The title stays the same for a type (RFC 9457); what varies goes into detail.
    title = _TITLES.get(type_) or HTTPStatus(status).phrase
    return problem(status, type_, title, str(exc.detail), headers=headers or None)


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(
        HTTP_500_INTERNAL_SERVER_ERROR,
        "internal-error",
        "Internal error",
        "Something went wrong on our side.",
    )


def outage_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    """A database, cache or broker that is away: the client may try again; nothing was half-done
    (every write is one transaction), and the process reconnects by itself."""
    log.warning("%s %s: a service is unreachable (%s)", request.method, request.url.path, type(exc).__name__)
    return problem(
        503,
        "unavailable",
        _TITLES["unavailable"],
        "A service Albatross depends on is unreachable; try again shortly.",
        headers={"Retry-After": "2"},
    )


def bad_encoding_handler(_: Request[Any, Any, Any], exc: UnicodeDecodeError) -> Response[Problem]:
    # Litestar lets a JSON body with invalid UTF-8 inside a string escape as UnicodeDecodeError.
    return problem(400, "invalid-input", _TITLES["invalid-input"], "The body is not valid UTF-8.")


EXCEPTION_HANDLERS = {
    UnicodeDecodeError: bad_encoding_handler,
    DomainError: domain_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}


def responses(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the problems an endpoint can answer."""
    return {
        s: ResponseSpec(
            data_container=Problem,
            media_type=MEDIA_TYPE,
            description=TYPE_OF_STATUS.get(s, "error"),
            generate_examples=False,  # random examples would contradict the status documented here
        )
        for s in statuses
    }
