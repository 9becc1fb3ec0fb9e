"""User commands: create (also together with a new airline, as its first staff), apply to an
airline, approve or reject, change details and role, suspend and reactivate, erase. Personal data
(email, name) is encrypted with the person's vault key before it reaches an event."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

import msgspec

from albatross.identity.auth import forget_user
from albatross.identity.commands import IdentityDeps, create_tenant, run
from albatross.identity.domain import Role, Tenant, UniqueValue, User, clean_icao, clean_username
from albatross.identity.limits import application_limits, take
from albatross.identity.passwords import check_password_policy, hash_password
from albatross.identity.policy import Action, Principal, authorize, authorize_on_user
from albatross.kernel import (
    AlreadyExists,
    CommandResult,
    Context,
    Forbidden,
    InvalidInput,
    NotFound,
    UnitOfWork,
)
from albatross.kernel.unit_of_work import now_us

T = TypeVar("T")

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")

StateAction = Literal["approve", "reject", "suspend", "reactivate", "leave"]


def clean_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > 254 or not EMAIL.match(email):
        raise InvalidInput("That is not an email address.", fields={"email": "an email address"})
    return email


def clean_person_name(name: str) -> str:
    name = " ".join(name.split())
    if not 1 <= len(name) <= 100:
        raise InvalidInput("A name is 1 to 100 characters.", fields={"name": "1 to 100 characters"})
    return name


class NewUser(msgspec.Struct, frozen=True, kw_only=True):
    username: str
    email: str
    password: str
    name: str
    role: Role = "pilot"
    tenant_id: str | None = None


class _Sealed(msgspec.Struct, frozen=True, kw_only=True):
    """A new account, checked, its password hashed and its personal data encrypted: ready to record."""

    user_id: str
    username: str
    password_hash: str
    email_key: str
    email: str
    name: str


async def _seal(deps: IdentityDeps, new: NewUser) -> _Sealed:
    username = clean_username(new.username)
    email = clean_email(new.email)
    name = clean_person_name(new.name)
    check_password_policy(new.password, username=username, field="password")
    password_hash = await hash_password(new.password)
    user_id = str(uuid.uuid4())
    return _Sealed(
        user_id=user_id,
        username=username,
        password_hash=password_hash,
        email_key=await deps.vault.pseudonym("email", email),
        email=await deps.vault.encrypt(user_id, email),
        name=await deps.vault.encrypt(user_id, name),
    )


async def _record_user(
    uow: UnitOfWork,
    new: NewUser,
    sealed: _Sealed,
    *,
    state: Literal["active", "pending"],
    must_change: bool,
    application: bool = False,
) -> str:
    """Claim username and email and record the user."""
    user_id = sealed.user_id
    user = await uow.load(User, user_id)
    events = user.register(
        sealed.username,
        new.role,
        new.tenant_id,
        state=state,
        email=sealed.email,
        name=sealed.name,
        email_key=sealed.email_key,
    )
    if new.tenant_id is not None:
        tenant = await uow.load(Tenant, new.tenant_id)
        if not tenant.exists:
            raise InvalidInput("No such airline.", fields={"tenant_id": "no such airline"})
        if application:
            if not tenant.applications_open:
                raise Forbidden("This airline does not accept applications now.", code="applications-closed")
            uow.record(tenant, [])  # guards: closing applications meanwhile makes us decide again
    name_claim = await uow.load(UniqueValue, UniqueValue.key("username", sealed.username))
    uow.record(name_claim, name_claim.claim("username", sealed.username, user_id, "Username"))
    email_claim = await uow.load(UniqueValue, UniqueValue.key("email", sealed.email_key))
    uow.record(email_claim, email_claim.claim("email", sealed.email_key, user_id, "Email"))
    uow.record(user, events)
    uow.record(user, user.set_password(sealed.password_hash, must_change=must_change, now=now_us()))
    if state == "active" and new.tenant_id is not None:
        _number_pilot(uow, tenant, user)
    return user_id


async def _run_sealed(
    deps: IdentityDeps, ctx: Context, sealed: _Sealed, operation: Callable[[UnitOfWork], Awaitable[T]]
) -> CommandResult[T]:
    try:
        return await run(deps, ctx, operation)
    except Exception:
        await deps.vault.forget(sealed.user_id)  # nothing was written: drop the key made for it
        raise


async def _register(
    deps: IdentityDeps,
    ctx: Context,
    new: NewUser,
    *,
    state: Literal["active", "pending"],
    must_change: bool,
    application: bool = False,
) -> CommandResult[str]:
    """Validate, encrypt, then claim username and email and record the user in one append."""
    sealed = await _seal(deps, new)

    async def register(uow: UnitOfWork) -> str:
        return await _record_user(
            uow, new, sealed, state=state, must_change=must_change, application=application
        )

    return await _run_sealed(deps, ctx, sealed, register)


def _number_pilot(uow: UnitOfWork, tenant: Tenant, user: User) -> None:
    """Give an airline member the airline's next pilot id; the tenant stream's version check
    makes concurrent approvals take turns, so numbers are never skipped or repeated."""
    if user.pilot_id:
        return
    pilot_id, events = tenant.issue_pilot_number(user.id)
    uow.record(tenant, events)
    uow.record(user, user.assign_pilot_id(pilot_id))


async def handle_create_user(
    deps: IdentityDeps, ctx: Context, principal: Principal, new: NewUser
) -> CommandResult[str]:
    """Staff create accounts; the password they set is one-time (changed at first login)."""
    if principal.role != "platform_admin":
        new = msgspec.structs.replace(new, tenant_id=new.tenant_id or principal.tenant_id)
        if new.role == "platform_admin":
            raise Forbidden("Only platform admins create platform admins.")
    authorize(principal, Action.CREATE_USER, new.tenant_id)
    return await _register(deps, ctx, new, state="active", must_change=True)


class NewAirline(msgspec.Struct, frozen=True):
    tenant_id: str
    user_id: str


async def handle_create_airline(
    deps: IdentityDeps, ctx: Context, principal: Principal, name: str, icao: str, staff: NewUser
) -> CommandResult[NewAirline]:
    """A new airline and its first staff account (active; the password is one-time), in one
    append: both are recorded or neither is, so no airline is ever left without staff."""
    authorize(principal, Action.CREATE_TENANT)
    tenant_id = str(uuid.uuid4())
    code = clean_icao(icao)
    staff = msgspec.structs.replace(staff, role="tenant_admin", tenant_id=tenant_id)
    authorize(principal, Action.CREATE_USER, tenant_id)
    sealed = await _seal(deps, staff)

    async def create(uow: UnitOfWork) -> NewAirline:
        await create_tenant(uow, tenant_id, name, code)
        user_id = await _record_user(uow, staff, sealed, state="active", must_change=True)
        return NewAirline(tenant_id, user_id)

    return await _run_sealed(deps, ctx, sealed, create)


async def handle_apply(deps: IdentityDeps, tenant_id: str, new: NewUser, address: str) -> CommandResult[str]:
    """Anyone may apply to fly for an airline that accepts applications; staff decide later."""
    await take(deps.counters, application_limits(deps, address=address))
    tenant = await UnitOfWork(deps.store, deps.codec, Context()).load(Tenant, tenant_id)
    if not tenant.exists:
        raise NotFound("No such airline.")
    if not tenant.applications_open:
        raise Forbidden("This airline does not accept applications now.", code="applications-closed")
    new = msgspec.structs.replace(new, role="pilot", tenant_id=tenant_id)
    try:
        return await _register(deps, Context(), new, state="pending", must_change=False, application=True)
    except AlreadyExists as exc:
        if "email" in exc.fields:  # anonymous callers must not learn which emails are registered
            raise AlreadyExists(
                "These details cannot be used to apply; if you have an account, sign in."
            ) from None
        raise


async def _load_user(uow: UnitOfWork, user_id: str) -> User:
    user = await uow.load(User, user_id)
    if not user.exists or user.erased:
        raise NotFound("No such user.")
    return user


async def handle_change_state(
    deps: IdentityDeps,
    ctx: Context,
    principal: Principal,
    user_id: str,
    action: StateAction,
    reason: str = "",
) -> CommandResult[str]:
    """Approve (which numbers the pilot), reject, suspend, reactivate, or put on leave."""

    async def change(uow: UnitOfWork) -> str:
        user = await _load_user(uow, user_id)
        authorize_on_user(
            principal, Action.CHANGE_STATE, user_id=user_id, tenant_id=user.tenant_id, role=user.role
        )
        uow.record(user, user.transition(action, reason))
        if action == "reject" and user.email_key:  # a rejected applicant does not keep the email
            claim = await uow.load(UniqueValue, UniqueValue.key("email", user.email_key))
            uow.record(claim, claim.release(user_id))
        if action == "approve" and user.tenant_id is not None:
            _number_pilot(uow, await uow.load(Tenant, user.tenant_id), user)
        return user.state

    result = await run(deps, ctx, change)
    await forget_user(deps, user_id, result.position)  # a suspension counts on the next request
    return result


class UserChanges(msgspec.Struct, frozen=True, kw_only=True):
    name: str | None = None
    email: str | None = None
    role: Role | None = None


def _authorize_update(principal: Principal, user: User, changes: UserChanges) -> None:
    target = {"user_id": user.id, "tenant_id": user.tenant_id, "role": user.role}
    authorize_on_user(principal, Action.UPDATE_USER, **target)  # even for an empty change
    if changes.role is not None:
        authorize_on_user(principal, Action.CHANGE_ROLE, **target)


async def handle_update_user(
    deps: IdentityDeps, ctx: Context, principal: Principal, user_id: str, changes: UserChanges
) -> CommandResult[None]:
    name = clean_person_name(changes.name) if changes.name is not None else None
    email = clean_email(changes.email) if changes.email is not None else None
    # Authorize before anything is encrypted: a vault key is only ever made for a real target.
    _authorize_update(principal, await _load_user(UnitOfWork(deps.store, deps.codec, ctx), user_id), changes)
    name_ct = await deps.vault.encrypt(user_id, name) if name is not None else None
    email_ct = await deps.vault.encrypt(user_id, email) if email is not None else None
    email_key = await deps.vault.pseudonym("email", email) if email is not None else None

    async def update(uow: UnitOfWork) -> None:
        user = await _load_user(uow, user_id)
        _authorize_update(principal, user, changes)
        if email_key is not None and email_key != user.email_key:
            new_claim = await uow.load(UniqueValue, UniqueValue.key("email", email_key))
            uow.record(new_claim, new_claim.claim("email", email_key, user_id, "Email"))
            old_claim = await uow.load(UniqueValue, UniqueValue.key("email", user.email_key))
            uow.record(old_claim, old_claim.release(user_id))
        uow.record(user, user.change_details(email=email_ct, email_key=email_key, name=name_ct))
        if changes.role is not None:
            uow.record(user, user.change_role(changes.role))

    result = await run(deps, ctx, update)
    await forget_user(deps, user_id, result.position)
    return result


async def handle_erase_user(
    deps: IdentityDeps, ctx: Context, principal: Principal, user_id: str
) -> CommandResult[None]:
    """Destroy the person's vault key: their email and name become unreadable in every event,
    read model and cache; the log itself is not rewritten. The email can be used again.

    Erasing an erased user again destroys the key again (if a crash came between the event and
    the key's destruction, a retry finishes the job; the users projection does too)."""

    async def erase(uow: UnitOfWork) -> None:
        user = await uow.load(User, user_id)
        if not user.exists:
            raise NotFound("No such user.")
        authorize_on_user(
            principal, Action.ERASE_USER, user_id=user_id, tenant_id=user.tenant_id, role=user.role
        )
        if user.role == "platform_admin":
            raise Forbidden("Platform admin accounts are not erased through the API.")
        if user.email_key:
            claim = await uow.load(UniqueValue, UniqueValue.key("email", user.email_key))
            uow.record(claim, claim.release(user_id))
        uow.record(user, user.erase())

    result = await run(deps, ctx, erase)
    await deps.vault.forget(user_id)
    await forget_user(deps, user_id, result.position)
    return result
