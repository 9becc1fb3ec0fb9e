"""Typed errors the application raises; the web layer maps each to one problem type."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a caller can cause; `code` is the stable problem type."""

    code = "domain-error"

    def __init__(self, detail: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fields = fields or {}


class InvalidInput(DomainError):
    code = "invalid-input"


class InvalidState(DomainError):
    """The command does not fit the record's current state (e.g. approving an active user)."""

    code = "invalid-state"


class NotFound(DomainError):
    code = "not-found"


class AlreadyExists(DomainError):
    code = "already-exists"


class Forbidden(DomainError):
    code = "forbidden"

    def __init__(self, detail: str = "You may not do this.", *, code: str | None = None) -> None:
        super().__init__(detail)
        if code:
            self.code = code


class NotAuthenticated(DomainError):
    code = "not-authenticated"


class ConflictError(DomainError):
    """A command kept losing optimistic-concurrency races; the client may retry."""

    code = "concurrency-conflict"


class Unavailable(DomainError):
    """A dependency cannot answer now; retry after `retry_after` seconds."""

    code = "unavailable"

    def __init__(self, detail: str, *, retry_after: int = 1) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class TooManyRequests(DomainError):
    code = "too-many-requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class ProjectionTimeout(Unavailable):
    code = "projection-lagging"


class ConcurrencyError(Exception):
    """The stream moved past the expected version (raised by EventStore.append)."""

    def __init__(self, stream_id: str, expected: int | None, actual: int) -> None:
        super().__init__(f"stream {stream_id!r}: expected version {expected}, found {actual}")
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual


class EventIdConflict(ConcurrencyError):
    """Some event ids of an append already exist, but not as that same append."""
