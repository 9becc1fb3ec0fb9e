"""The authorization policy decides from (role, own tenant, target tenant)."""

from __future__ import annotations

import pytest

from albatross.identity.policy import Action, Principal, authorize, visible_tenant
from albatross.kernel import Forbidden, NotFound


def principal(role: str, tenant_id: str | None) -> Principal:
    return Principal(
        user_id="u", username="u", role=role, tenant_id=tenant_id, must_change_password=False, session_id="s"
    )


PLATFORM = principal("platform_admin", None)
TENANT_ADMIN = principal("tenant_admin", "t1")
PILOT = principal("pilot", "t1")


@pytest.mark.parametrize("action", list(Action))
def test_platform_admins_may_do_everything_everywhere(action: Action) -> None:
    authorize(PLATFORM, action, "any-tenant")
    assert visible_tenant(PLATFORM) is None


@pytest.mark.parametrize(
    ("who", "action", "allowed"),
    [
        (TENANT_ADMIN, Action.CREATE_TENANT, False),
        (TENANT_ADMIN, Action.MANAGE_TENANT, True),
        (TENANT_ADMIN, Action.READ_TENANT_HISTORY, True),
        (PILOT, Action.READ_TENANT, True),
        (PILOT, Action.MANAGE_TENANT, False),
        (PILOT, Action.READ_TENANT_HISTORY, False),
        (PILOT, Action.CREATE_TENANT, False),
    ],
)
def test_airline_roles_act_on_their_own_airline_only_as_allowed(
    who: Principal, action: Action, allowed: bool
) -> None:
    target = None if action is Action.CREATE_TENANT else "t1"
    if allowed:
        authorize(who, action, target)
    else:
        with pytest.raises(Forbidden):
            authorize(who, action, target)


@pytest.mark.parametrize("who", [TENANT_ADMIN, PILOT])
@pytest.mark.parametrize("action", [Action.READ_TENANT, Action.MANAGE_TENANT, Action.READ_TENANT_HISTORY])
def test_another_airline_is_not_found_not_forbidden(who: Principal, action: Action) -> None:
    with pytest.raises(NotFound):
        authorize(who, action, "t2")
    assert visible_tenant(who) == "t1"
