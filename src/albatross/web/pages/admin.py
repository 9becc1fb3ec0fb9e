"""What the platform admin's pages share: the gate, and the checks made before an account is created."""

from __future__ import annotations

from albatross.identity.domain import UniqueValue, clean_username
from albatross.identity.policy import Principal
from albatross.identity.users import clean_email, clean_person_name
from albatross.kernel import Context, Forbidden, InvalidInput, UnitOfWork
from albatross.services import Services


def admin_only(viewer: Principal) -> None:
    """The platform's own pages: platform admins (who belong to no airline) only."""
    if viewer.role != "platform_admin" or viewer.tenant_id is not None:
        raise Forbidden("This page is for the platform's admins.")


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
