"""Airline settings for its staff: name and applications, the profile, the flight rules (bids,
PIREP checks, auto-accept) and careers (ranks, awards, leave). Each form is one command, so it
saves whole or not at all; a bad row is marked next to its field."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency, Provide

from albatross.flights import commands as flight_commands
from albatross.flights.careers import Award, CareerSettings, Rank
from albatross.flights.queries import FlightsQueries
from albatross.identity import commands as identity_commands
from albatross.identity.policy import Principal
from albatross.kernel import Context, DomainError
from albatross.operations import commands as operations_commands
from albatross.operations.domain import (
    FLIGHT_RULES,
    PROFILE_DETAILS,
    AirlineProfile,
    AutoAcceptRule,
    Changes,
    PirepChecks,
)
from albatross.operations.queries import AirlineView, OperationsQueries
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.common import page, see_other, staff_tenant
from albatross.web.pages.forms import FormErrors, field_errors, filled, struct_from, texts
from albatross.web.problems import STATUS_OF

T = TypeVar("T")

REFUSAL = "Only the airline's staff change its settings."
PROFILE_TEXTS = ("iata", "callsign", "country", "timezone", "logo_url", "primary_colour", "secondary_colour")
PROFILE_FIELDS = (*PROFILE_TEXTS, "pilot_id_prefix", "pilot_id_width")
BID_FIELDS = ("max_per_pilot", "expire_after_hours")
BID_CHECKS = ("block_flight", "block_aircraft")
PIREP_CHECKS = {
    "airports_exist": "Departure and arrival airports exist",
    "aircraft_belongs_and_active": "The aircraft is the airline's and active",
    "aircraft_at_departure": "The aircraft is at the departure airport",
    "pilot_at_departure": "The pilot is at the departure airport",
    "rank_allows_subfleet": "The pilot's rank may fly the subfleet",
    "plausible_flight_time": "The flight time is plausible for the distance",
}
RANK_FIELDS = ("name", "hours", "pay_per_hour")
AWARD_FIELDS = ("id", "name", "description", "kind", "count", "departure", "arrival", "airport")
# What someone types into the empty award row (its kind and count come filled in).
AWARD_TYPED = ("id", "name", "description", "departure", "arrival", "airport")
RULE_FIELDS = ("rank", "source", "max_landing_rate_fpm", "max_time_deviation_percent")
AWARD_KINDS = {
    "flights": "Flights flown",
    "hours": "Hours flown",
    "route": "Flights on a route",
    "airport": "Flights at an airport",
}
SOURCES = {"manual": "Filed by hand", "tracked": "Tracked (ACARS)"}
MAX_ROWS = 250

# ---- posted tables: pure ----

_ROW = re.compile(r"^([a-z_]+)-(\d{1,3})-")


def posted_rows(
    form: Mapping[str, Any], table: str, names: tuple[str, ...], checks: tuple[str, ...] = ()
) -> list[dict[str, str]]:
    """The rows of one table (`<table>-<n>-<field>`) in row order, as text; a checkbox is "1" or
    "", and so are `remove` (drop the row) and `new` (the empty row offered for adding one)."""
    indexes = sorted({int(m.group(2)) for key in form if (m := _ROW.match(key)) and m.group(1) == table})
    rows = []
    for n in indexes[:MAX_ROWS]:
        prefix = f"{table}-{n}-"
        row = texts(form, names, prefix)
        row.update({name: "1" if form.get(prefix + name) else "" for name in (*checks, "remove", "new")})
        rows.append(row)
    return rows


def parse_rows(
    rows: list[dict[str, str]], table: str, names: tuple[str, ...], build: Callable[[dict[str, str], str], T]
) -> tuple[list[T], dict[str, str]]:
    """Every kept row built (`build(row, field prefix)`), and the errors of those that fail, by
    field. A removed row is dropped; the offered empty row is dropped while `names` are empty."""
    items: list[T] = []
    errors: dict[str, str] = {}
    for n, row in enumerate(rows):
        if row["remove"] or (row["new"] and not any(row[name] for name in names)):
            continue
        try:
            items.append(build(row, f"{table}-{n}-"))
        except FormErrors as exc:
            errors.update(exc.fields)
    return items, errors


def rank_from(row: dict[str, str], prefix: str = "") -> Rank:
    raw: dict[str, Any] = {
        **filled({k: row[k] for k in RANK_FIELDS}),
        "auto_promote": bool(row.get("auto_promote")),
    }
    return struct_from(raw, Rank, prefix)


def award_id(name: str) -> str:
    """An id from a name, for an award added without one: "Transatlantic 10" -> transatlantic-10."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:50]


def award_from(row: dict[str, str], prefix: str = "") -> Award:
    rule: dict[str, Any] = filled({k: row[k] for k in ("kind", "count")})
    for code in ("departure", "arrival", "airport"):
        if row[code]:
            rule[code] = row[code].upper()
    kind = rule.get("kind")
    needed = {"route": ("departure", "arrival"), "airport": ("airport",)}.get(kind or "", ())
    missing = {prefix + code: "Required for this kind of award." for code in needed if code not in rule}
    if missing:
        raise FormErrors(missing)
    raw = {
        **filled(
            {"id": row["id"] or award_id(row["name"]), "name": row["name"], "description": row["description"]}
        ),
        "rule": rule,
    }
    return struct_from(raw, Award, prefix, fields={"rule.kind": "kind", "rule.count": "count"})


def rule_from(row: dict[str, str], prefix: str = "") -> AutoAcceptRule:
    return struct_from(filled({k: row[k] for k in RULE_FIELDS}), AutoAcceptRule, prefix)


def career_settings_from(
    form: Mapping[str, Any],
) -> tuple[CareerSettings, dict[str, list[dict[str, str]]], dict[str, str]]:
    """Ranks (kept in hours order, as the airline needs them), awards and leave from the careers
    form; also the posted rows (to give the form back) and every error found."""
    rows = {
        "ranks": posted_rows(form, "ranks", RANK_FIELDS, ("auto_promote",)),
        "awards": posted_rows(form, "awards", AWARD_FIELDS),
    }
    ranks, errors = parse_rows(rows["ranks"], "ranks", RANK_FIELDS, rank_from)
    awards, award_errors = parse_rows(rows["awards"], "awards", AWARD_TYPED, award_from)
    errors.update(award_errors)
    errors.update(_twice(rows["ranks"], "ranks", "name", "Each rank name once."))
    errors.update(_twice(rows["awards"], "awards", "id", "Each award id once.", award_id))
    leave = str(form.get("leave_after_days") or "").strip()[:10]
    settings = CareerSettings()
    try:
        settings = struct_from({"leave_after_days": leave or None}, CareerSettings)
    except FormErrors as exc:
        errors.update(exc.fields)
    settings = CareerSettings(
        ranks=sorted(ranks, key=lambda r: r.hours), awards=awards, leave_after_days=settings.leave_after_days
    )
    return settings, rows, errors


def _twice(
    rows: list[dict[str, str]],
    table: str,
    field: str,
    message: str,
    derive: Callable[[str], str] | None = None,
) -> dict[str, str]:
    seen: set[str] = set()
    errors = {}
    for n, row in enumerate(rows):
        if row["remove"]:
            continue
        value = row[field] or (derive(row["name"]) if derive else "")
        if value and value in seen:
            errors[f"{table}-{n}-{field}"] = message
        seen.add(value)
    return errors


def flight_rules_from(
    form: Mapping[str, Any], profile: AirlineProfile
) -> tuple[AirlineProfile, dict[str, Any], dict[str, str]]:
    """The profile with the flights form's bids, PIREP checks and auto-accept rules; also the
    posted values and every error found."""
    values: dict[str, Any] = texts(form, BID_FIELDS, limit=10)
    values.update(
        {name: bool(form.get(name)) for name in (*BID_CHECKS, *(f"check-{c}" for c in PIREP_CHECKS))}
    )
    rows = posted_rows(form, "auto_accept", RULE_FIELDS)
    values["auto_accept"] = rows
    errors: dict[str, str] = {}
    bids = profile.bids
    try:
        bids = struct_from(
            {
                **filled({"max_per_pilot": values["max_per_pilot"]}),
                "expire_after_hours": values["expire_after_hours"] or None,  # blank: bids never expire
                **{name: values[name] for name in BID_CHECKS},
            },
            type(profile.bids),
        )
    except FormErrors as exc:
        errors.update(exc.fields)
    checks = PirepChecks(**{name: values[f"check-{name}"] for name in PIREP_CHECKS})
    rules, rule_errors = parse_rows(rows, "auto_accept", RULE_FIELDS, rule_from)
    errors.update(rule_errors)
    if len(rules) > 50:
        errors["auto_accept"] = "At most 50 rules."
    return msgspec.structs.replace(profile, bids=bids, pirep_checks=checks, auto_accept=rules), values, errors


def profile_from(values: dict[str, str], profile: AirlineProfile) -> AirlineProfile:
    raw = msgspec.to_builtins(profile)
    for name in PROFILE_TEXTS:
        raw[name] = values[name] or None
    for name in ("iata", "country"):
        if raw[name]:
            raw[name] = raw[name].upper()
    raw["timezone"] = values["timezone"] or "UTC"
    return struct_from(raw, AirlineProfile)


# ---- what the forms show ----


def rank_rows(settings: CareerSettings) -> list[dict[str, str]]:
    return [
        {
            "name": r.name,
            "hours": f"{r.hours:g}",
            "pay_per_hour": f"{r.pay_per_hour:g}",
            "auto_promote": "1" if r.auto_promote else "",
        }
        for r in settings.ranks
    ]


def award_rows(settings: CareerSettings) -> list[dict[str, str]]:
    return [
        {
            "id": a.id,
            "name": a.name,
            "description": a.description,
            "kind": a.rule.kind,
            "count": str(a.rule.count),
            "departure": a.rule.departure or "",
            "arrival": a.rule.arrival or "",
            "airport": a.rule.airport or "",
        }
        for a in settings.awards
    ]


def rule_rows(profile: AirlineProfile) -> list[dict[str, str]]:
    return [
        {name: "" if getattr(r, name) is None else str(getattr(r, name)) for name in RULE_FIELDS}
        for r in profile.auto_accept
    ]


def with_new_row(rows: list[dict[str, str]], names: tuple[str, ...], **defaults: str) -> list[dict[str, str]]:
    """The rows, then the empty one for adding (unless the form came back with it still empty)."""
    if rows and rows[-1].get("new") and not any(rows[-1][n] for n in names):
        return rows
    return [*rows, {**dict.fromkeys(names, ""), **defaults, "new": "1"}]


def flight_values(profile: AirlineProfile) -> dict[str, Any]:
    bids = profile.bids
    values: dict[str, Any] = {
        "max_per_pilot": str(bids.max_per_pilot),
        "expire_after_hours": "" if bids.expire_after_hours is None else str(bids.expire_after_hours),
        "block_flight": bids.block_flight,
        "block_aircraft": bids.block_aircraft,
        "auto_accept": rule_rows(profile),
    }
    values.update({f"check-{name}": getattr(profile.pirep_checks, name) for name in PIREP_CHECKS})
    return values


def profile_values(airline: AirlineView) -> dict[str, str]:
    p = airline.profile
    values = {name: getattr(p, name) or "" for name in PROFILE_TEXTS}
    return {
        **values,
        "pilot_id_prefix": airline.pilot_id_prefix,
        "pilot_id_width": str(airline.pilot_id_width),
    }


# ---- the page and its forms ----


async def _current(
    viewer: Principal, services: Services, tenant_id: str
) -> tuple[AirlineView, CareerSettings]:
    airline = await OperationsQueries(services.reader).airline(
        services.store, services.codec, viewer, tenant_id
    )
    return airline, await FlightsQueries(services.reader).settings(viewer, tenant_id)


async def _settings(
    viewer: Principal,
    services: Services,
    *,
    posted: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Any:
    """The page; `posted` replaces what one form shows by what was sent."""
    tenant_id = staff_tenant(viewer, REFUSAL)
    airline, careers = await _current(viewer, services, tenant_id)
    shown: dict[str, Any] = {
        "airline": {"name": airline.name, "applications_open": airline.applications_open},
        "profile": profile_values(airline),
        "flights": flight_values(airline.profile),
        "ranks": rank_rows(careers),
        "awards": award_rows(careers),
        "leave_after_days": "" if careers.leave_after_days is None else str(careers.leave_after_days),
    }
    shown.update(posted or {})
    shown["ranks"] = with_new_row(shown["ranks"], RANK_FIELDS, auto_promote="1")
    shown["awards"] = with_new_row(shown["awards"], AWARD_TYPED, kind="flights", count="1")
    shown["flights"]["auto_accept"] = with_new_row(shown["flights"]["auto_accept"], RULE_FIELDS)
    rank_names = [r["name"] for r in shown["ranks"] if r["name"]]
    rule_ranks = {r["rank"] for r in shown["flights"]["auto_accept"] if r["rank"]}
    return page(
        "settings.html",
        status_code=status,
        viewer=viewer,
        airline=airline,
        shown=shown,
        errors=errors or {},
        failed=next(iter(posted or {}), "").replace("ranks", "careers"),  # the form to look at
        rank_choices=[(n, n) for n in rank_names + sorted(rule_ranks - set(rank_names))],
        pirep_checks=PIREP_CHECKS,
        award_kinds=AWARD_KINDS,
        sources=SOURCES,
    )


@get("/staff/settings", include_in_schema=False, dependencies={"consistent": Provide(wait_for_position)})
async def settings_page(
    viewer: NamedDependency[Principal], services: NamedDependency[Services], consistent: NamedDependency[int]
) -> Any:
    return await _settings(viewer, services)


def _refused(exc: DomainError, known: tuple[str, ...], fallback: str) -> tuple[dict[str, str], int]:
    return field_errors(exc.detail, exc.fields, known, fallback), STATUS_OF.get(exc.code, 400)


@post("/staff/settings/airline", include_in_schema=False)
async def save_airline(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    form = await request.form()
    values = {
        "name": str(form.get("name") or "")[:200].strip(),
        "applications_open": bool(form.get("applications_open")),
    }
    try:
        result = await identity_commands.handle_update_tenant(
            services.identity,
            Context(actor_id=viewer.user_id),
            viewer,
            tenant_id,
            name=values["name"],
            applications_open=values["applications_open"],
        )
    except DomainError as exc:
        errors, status = _refused(exc, ("name",), "name")
        return await _settings(viewer, services, posted={"airline": values}, errors=errors, status=status)
    return see_other("/staff/settings", result.position)


@post("/staff/settings/profile", include_in_schema=False)
async def save_profile(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    values = texts(await request.form(), PROFILE_FIELDS, limit=600)
    try:
        # Only this form's fields: the flight rules stay as stored, whatever this page read.
        profile = Changes(profile_from(values, AirlineProfile()), PROFILE_DETAILS)
        width = struct_from(filled({"pilot_id_width": values["pilot_id_width"]}), _Width).pilot_id_width
        result = await operations_commands.handle_update_profile(
            services.identity,
            Context(actor_id=viewer.user_id),
            viewer,
            tenant_id,
            profile,
            pilot_id_prefix=values["pilot_id_prefix"],
            pilot_id_width=width,
        )
    except FormErrors as exc:
        return await _settings(viewer, services, posted={"profile": values}, errors=exc.fields, status=400)
    except DomainError as exc:
        errors, status = _refused(exc, PROFILE_FIELDS, "iata")
        return await _settings(viewer, services, posted={"profile": values}, errors=errors, status=status)
    return see_other("/staff/settings", result.position)


class _Width(msgspec.Struct, frozen=True):
    pilot_id_width: Annotated[int, msgspec.Meta(ge=1, le=8)] | None = None


@post("/staff/settings/flights", include_in_schema=False)
async def save_flight_rules(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    form = await request.form()
    profile, values, errors = flight_rules_from(form, AirlineProfile())
    if errors:
        return await _settings(viewer, services, posted={"flights": values}, errors=errors, status=400)
    try:
        # Only the flight rules: the airline's codes, colours, ... stay as stored.
        result = await operations_commands.handle_update_profile(
            services.identity,
            Context(actor_id=viewer.user_id),
            viewer,
            tenant_id,
            Changes(profile, FLIGHT_RULES),
        )
    except DomainError as exc:
        errors, status = _refused(exc, BID_FIELDS, "auto_accept")
        return await _settings(viewer, services, posted={"flights": values}, errors=errors, status=status)
    return see_other("/staff/settings", result.position)


@post("/staff/settings/careers", include_in_schema=False)
async def save_careers(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    form = await request.form()
    settings, rows, errors = career_settings_from(form)
    posted = {**rows, "leave_after_days": str(form.get("leave_after_days") or "").strip()[:10]}
    if errors:
        return await _settings(viewer, services, posted=posted, errors=errors, status=400)
    try:
        result = await flight_commands.handle_change_career_settings(
            services.identity, Context(actor_id=viewer.user_id), viewer, tenant_id, settings
        )
    except DomainError as exc:
        errors, status = _refused(exc, ("ranks", "awards", "leave_after_days"), "ranks")
        return await _settings(viewer, services, posted=posted, errors=errors, status=status)
    return see_other("/staff/settings", result.position)
