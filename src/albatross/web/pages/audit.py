"""The audit trail for the airline's staff: who did what when, newest first, filtered and paged
backwards through the log (the same query as GET /api/v1/audit)."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency, Provide

from albatross.identity import queries
from albatross.identity.policy import Principal
from albatross.kernel import LogQuery
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.common import list_link, page, staff_tenant
from albatross.web.pages.forms import texts, whole

FILTERS = ("event_type", "actor_id", "stream_id", "before", "limit")
LIMITS = (10, 25, 50, 100, 200)
DEFAULT_LIMIT = 50
MAX_POSITION = 2**63 - 1
# Streams named after a person: the entry links to that member's page.
PERSONAL_STREAMS = {"user": "", "career": "career of "}
_WORD = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def event_label(event_type: str) -> str:
    """`UserStateChanged` as `User state changed`."""
    words = _WORD.split(event_type)
    return " ".join([words[0], *(w.lower() for w in words[1:])])


def _filters(source: Any) -> tuple[dict[str, str], dict[str, str], LogQuery]:
    values = texts(source, FILTERS, limit=200)
    errors: dict[str, str] = {}
    before = whole(values["before"], default=0, low=1, high=MAX_POSITION) if values["before"] else None
    if before == 0:
        errors["before"] = "A log position: a whole number from 1."
        before = None
    limit = whole(values["limit"], default=0, high=max(LIMITS)) if values["limit"] else DEFAULT_LIMIT
    if limit not in LIMITS:
        errors["limit"] = "Choose one of the listed page sizes."
        limit = DEFAULT_LIMIT
    query = LogQuery(
        event_type=values["event_type"][:100] or None,
        actor_id=values["actor_id"][:36] or None,
        stream_id=values["stream_id"] or None,
        before_position=before,
        limit=limit,
    )
    return values, errors, query


def _subject(stream_id: str, names: dict[str, str]) -> dict[str, str]:
    kind, _, ident = stream_id.partition("-")
    if kind in PERSONAL_STREAMS and ident in names:
        return {"text": PERSONAL_STREAMS[kind] + names[ident], "href": f"/staff/pilots/{ident}"}
    return {"text": f"{kind} {ident[:8]}" if ident else kind, "href": ""}


@get("/staff/audit", include_in_schema=False, dependencies={"consistent": Provide(wait_for_position)})
async def audit_trail(
    request: Request[Any, Any, Any],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
    consistent: NamedDependency[int],
) -> Any:
    tenant_id = staff_tenant(viewer, "The audit trail is for the airline's staff.")
    values, errors, query = _filters(request.query_params)
    members = await queries.list_users(
        services.reader, viewer, tenant_id=tenant_id, state=None, role=None, limit=200, offset=0
    )
    names = {u.id: u.username for u in members.items}
    entries: list[dict[str, Any]] = []
    next_link = ""
    if not errors:
        found = await queries.audit(services.store, viewer, query)
        entries = [
            {
                "entry": e,
                "what": event_label(e.type),
                "who": names.get(e.actor_id, "someone outside the airline") if e.actor_id else "",
                "subject": _subject(e.stream_id, names),
            }
            for e in found.items
        ]
        if found.next_before_position is not None:
            next_link = list_link("/staff/audit", {**values, "before": str(found.next_before_position)})
    return page(
        "audit.html",
        status_code=400 if errors else 200,
        viewer=viewer,
        values=values,
        errors=errors,
        entries=entries,
        next_link=next_link,
        members=members.items,
        event_types=sorted(t.event_type for t in services.codec.events.all_types()),
        event_label=event_label,
        limits=LIMITS,
        default_limit=DEFAULT_LIMIT,
    )
