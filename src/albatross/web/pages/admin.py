"""What the platform admin's pages share: the gate, form reading, and the page that shows a new
account's one-time password once."""

from __future__ import annotations

from typing import Any

from litestar import MediaType
from litestar.response import Template

from albatross.identity.domain import UniqueValue, clean_username
from albatross.identity.policy import Principal
from albatross.identity.users import clean_email, clean_person_name
from albatross.kernel import Context, DomainError, Forbidden, InvalidInput, UnitOfWork
from albatross.services import Services

ROLES = {"pilot": "Pilot", "tenant_admin": "Airline staff", "platform_admin": "Platform admin"}
STATES = ("active", "pending", "suspended", "on_leave", "rejected")
# The one-time password must not stay in the browser's cache or history.
NO_STORE = {"Cache-Control": "no-store"}


def admin_only(viewer: Principal) -> None:
    """The platform's own pages: platform admins (who belong to no airline) only."""
    if viewer.role != "platform_admin" or viewer.tenant_id is not None:
        raise Forbidden("This page is for the platform's admins.")


def read_form(form: Any, names: tuple[str, ...], limit: int = 254) -> dict[str, str]:
    return {name: str(form.get(name, ""))[:limit].strip() for name in names}


def field_errors(exc: DomainError, fallback: str) -> dict[str, str]:
    """A domain error as complaints next to form fields (next to `fallback` when it names none)."""
    return {name: exc.detail for name in exc.fields} or {fallback: exc.detail}


async def check_account_free(services: Services, username: str, email: str, name: str) -> None:
    """What creating the account would refuse, asked before anything is written: the same
    checks and the same unique claims the command makes (it checks again when it runs)."""
    problems: dict[str, str] = {}
    for field, clean, value in (
        ("username", clean_username, username),
        ("email", clean_email, email),
        ("name", clean_person_name, name),
    ):
        try:
            clean(value)
        except InvalidInput as exc:
            problems[field] = exc.detail
    if "username" not in problems:
        if await claimed(services, UniqueValue.key("username", clean_username(username))):
            problems["username"] = f"The username {clean_username(username)!r} is already taken."
    if "email" not in problems:
        pseudonym = await services.identity.vault.pseudonym("email", clean_email(email))
        if await claimed(services, UniqueValue.key("email", pseudonym)):
            problems["email"] = "This email address already has an account."
    if problems:
        raise InvalidInput("The account cannot be created.", fields=problems)


async def claimed(services: Services, key: str) -> bool:
    claim = await UnitOfWork(services.identity.store, services.identity.codec, Context()).load(
        UniqueValue, key
    )
    return claim.owner_id is not None


def created_page(viewer: Principal, **context: Any) -> Template:
    """The new account's one-time password, shown this once (201, not a redirect) and never cached."""
    return Template(
        template_name="admin_created.html",
        context={"viewer": viewer, **context},
        status_code=201,
        media_type=MediaType.HTML,
        headers=NO_STORE,
    )
