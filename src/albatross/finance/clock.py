"""The expense clock: posts every airline's due recurring expenses at start and then every
interval. Running it in several processes at once is safe (each period posts exactly once)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from albatross.finance.commands import post_all_due_expenses
from albatross.identity.commands import IdentityDeps
from albatross.kernel import Context
from albatross.kernel.unit_of_work import now_us

log = logging.getLogger("albatross.finance.clock")


async def run_expense_clock(
    deps: IdentityDeps,
    tenant_ids: Callable[[], Awaitable[list[str]]],
    interval_seconds: float = 60,
) -> None:
    """Until cancelled: post what is due for every airline `tenant_ids()` names, then sleep.
    A failure is logged and the next tick tries again; it never ends the loop."""
    while True:
        try:
            ids = await tenant_ids()
            posted = await post_all_due_expenses(deps, Context(actor_id=None), ids, now_us())
            if posted:
                log.info("posted %d due expense entries", posted, extra={"posted": posted})
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the expense clock failed; trying again in %s s", interval_seconds)
        await asyncio.sleep(interval_seconds)
