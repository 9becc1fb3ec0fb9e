"""URLs as the status page and the logs show them: the kind of server and where it is, never a
password."""

from __future__ import annotations

import pytest

from albatross.config import redact
from albatross.web.pages.admin_status import url_kind


@pytest.mark.parametrize(
    ("url", "shown", "kind"),
    [
        (
            "postgresql+asyncpg://albatross:s3cret@db:5432/albatross",
            "postgresql+asyncpg://db:5432/albatross",
            "postgresql",
        ),
        ("postgresql+asyncpg://u:p@ss/word@db/albatross", "postgresql+asyncpg://db/albatross", "postgresql"),
        # A `?` or `#` before the last `@` could be in the password or start a query holding the
        # `@`: nothing but the scheme is safe to show.
        ("postgresql+asyncpg://u:p@ss/w?rd@db/albatross", "postgresql+asyncpg://…", "postgresql"),
        ("postgresql+asyncpg://u:pa?ss#x@db/albatross", "postgresql+asyncpg://…", "postgresql"),
        ("postgresql://db/x?password=se@cret", "postgresql://…", "postgresql"),
        ("redis://cache/0#p@ss", "redis://…", "redis"),
        (
            "postgresql+asyncpg://db/albatross?password=s3cret&user=u",
            "postgresql+asyncpg://db/albatross",
            "postgresql",
        ),
        ("amqps://guest:s3cret@rabbit:5671/vhost", "amqps://rabbit:5671/vhost", "amqp"),
        ("redis://:s3cret@cache:6379/0", "redis://cache:6379/0", "redis"),
        ("rediss://default:s3cret@cache:6380/0", "rediss://cache:6380/0", "redis"),
        (
            "sqlite+aiosqlite:////var/lib/albatross/albatross.db",
            "sqlite+aiosqlite:////var/lib/albatross/albatross.db",
            "sqlite",
        ),
        ("memory://", "memory://", "memory"),
    ],
)
def test_a_url_is_shown_without_its_credentials(url: str, shown: str, kind: str) -> None:
    assert redact(url) == shown
    for secret in ("s3cret", "p@ss", "cret", "rd@", "ss#x", "se@"):
        assert secret not in redact(url)
    assert url_kind(url) == kind


def test_something_that_is_not_a_url_shows_only_its_kind() -> None:
    assert redact("user:s3cret@db") == "unknown"
    assert url_kind("user:s3cret@db") == "unknown"
