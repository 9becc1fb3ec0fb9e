"""Rate limits on the Counters port: brute force and abuse answer 429 with Retry-After.

An attempt is counted before it is made, atomically, so parallel requests cannot all slip
under a limit; one that turns out not to count (a successful login) is given back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from albatross.kernel import Counters, TooManyRequests

if TYPE_CHECKING:
    from albatross.identity.commands import IdentityDeps


@dataclass(frozen=True)
class Limit:
    key: str
    allowed: int
    window_seconds: int


def login_limits(deps: IdentityDeps, *, account: str, address: str) -> list[Limit]:
    window = deps.login_failure_window_seconds
    limits = [Limit(f"login:account:{account}", deps.login_failures_per_account, window)]
    if address:
        limits.append(Limit(f"login:address:{address}", deps.login_failures_per_address, window))
    return limits


def application_limits(deps: IdentityDeps, *, address: str) -> list[Limit]:
    return [Limit(f"apply:address:{address}", deps.applications_per_address_per_hour, 3600)]


async def take(counters: Counters, limits: list[Limit]) -> None:
    """Count this attempt against every limit; TooManyRequests if one is used up."""
    for limit in limits:
        count, resets_in = await counters.hit(limit.key, limit.window_seconds)
        if count > limit.allowed:
            raise TooManyRequests("Too many attempts; wait before trying again.", retry_after=resets_in)


async def give_back(counters: Counters, limits: list[Limit]) -> None:
    for limit in limits:
        await counters.undo(limit.key)
