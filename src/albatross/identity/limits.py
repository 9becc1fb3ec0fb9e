"""Fixed-window counters in the cache port: brute-force and abuse limits that answer 429."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from albatross.kernel import Cache, TooManyRequests

if TYPE_CHECKING:
    from albatross.identity.commands import IdentityDeps


@dataclass(frozen=True)
class Limit:
    key: str
    allowed: int
    window_seconds: int


def LOGIN_FAILURES(deps: IdentityDeps, *, account: str, address: str) -> list[Limit]:
    window = deps.login_failure_window_seconds
    limits = [Limit(f"limit:login:account:{account}", deps.login_failures_per_account, window)]
    if address:
        limits.append(Limit(f"limit:login:address:{address}", deps.login_failures_per_address, window))
    return limits


async def check_limit(cache: Cache, limits: list[Limit]) -> None:
    """Raise TooManyRequests (with the seconds until the window ends) if a limit is used up."""
    for limit in limits:
        raw = await cache.get(limit.key)
        if raw is not None and int(raw) >= limit.allowed:
            left = await cache.expires_in(limit.key)
            raise TooManyRequests(
                "Too many attempts; wait before trying again.",
                retry_after=max(1, left or limit.window_seconds),
            )


async def count_failure(cache: Cache, limits: list[Limit]) -> None:
    """Count one more. The window starts with the first count and is not extended by later ones."""
    for limit in limits:
        raw = await cache.get(limit.key)
        if raw is None:
            await cache.set(limit.key, b"1", expires_in=limit.window_seconds)
        else:
            left = await cache.expires_in(limit.key)
            await cache.set(
                limit.key, str(int(raw) + 1).encode(), expires_in=max(1, left or limit.window_seconds)
            )


async def spend(cache: Cache, limits: list[Limit]) -> None:
    """Check, then count: for actions limited whether or not they succeed."""
    await check_limit(cache, limits)
    await count_failure(cache, limits)
