"""Argon2id password hashing, run off the event loop; one-time passwords and bearer tokens."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from albatross.identity.domain import check_new_password
from albatross.kernel import InvalidInput

# OWASP's minimum for Argon2id: 19 MiB, two passes, one lane.
HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

# Verified against when the username is unknown, so both failures cost the same time.
_DUMMY_HASH = HASHER.hash(secrets.token_urlsafe(16))

TOKEN_PREFIX = "albs_"  # noqa: S105  (a public prefix, not a secret)
API_KEY_PREFIX = "alb_"
TICKET_PREFIX = "albw_"
API_KEY_VISIBLE = 12
"""Characters of a key kept for display (the prefix plus 8 random ones): enough to tell keys apart."""


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(HASHER.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    def verify() -> bool:
        try:
            return HASHER.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(verify)


def needs_rehash(password_hash: str) -> bool:
    return HASHER.check_needs_rehash(password_hash)


def one_time_password() -> str:
    return secrets.token_urlsafe(15)  # 120 bits, 20 characters


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)  # 256 bits


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)  # 256 bits


def new_ticket() -> str:
    return TICKET_PREFIX + secrets.token_urlsafe(32)  # 256 bits


@functools.cache
def _common_passwords() -> frozenset[str]:
    # zxcvbn ships the 30,000 most common passwords of public breach corpora, lower-cased.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def is_common_password(password: str) -> bool:
    return password.lower() in _common_passwords()


def check_password_policy(password: str, *, username: str, field: str = "new_password") -> None:
    """At least 10 characters, not the username, not one of the commonly breached passwords."""
    check_new_password(password, username=username, field=field)
    if is_common_password(password):
        raise InvalidInput(
            "This password is on the list of commonly breached passwords; choose another.",
            fields={field: "commonly breached"},
        )


def token_digest(token: str) -> str:
    """What is stored and cached instead of a token: its SHA-256 (tokens are random, no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()
