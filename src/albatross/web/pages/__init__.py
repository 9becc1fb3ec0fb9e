"""The browser interface: server-rendered pages under a cookie session, CSRF on every form."""

from __future__ import annotations

import secrets
from pathlib import Path

from litestar import Router
from litestar.config.csrf import CSRFConfig
from litestar.di import Provide
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from albatross.web.pages import (
    account,
    admin_airlines,
    admin_status,
    admin_users,
    airports,
    apply,
    audit,
    csv_import,
    dashboard,
    finances,
    fleet,
    maps,
    pireps,
    review,
    schedule,
    schedules,
    session,
    settings,
    staff_pilots,
)
from albatross.web.pages.common import PAGE, PAGE_EXCEPTION_HANDLERS, provide_viewer
from albatross.web.pages.filters import register_filters

WEB = Path(__file__).resolve().parent.parent
CSRF_COOKIE = "albatross_csrf"
# Everything that is not a page: the JSON API (bearer tokens and keys, never the cookie), the
# OpenAPI document, probes, and static files.
NOT_PAGES = ["/api/", "/schema", "/health", "/ready", "/metrics", "/static/"]


def pages_router() -> Router:
    return Router(
        path="/",
        route_handlers=[
            session.login_form,
            session.login,
            session.logout,
            session.password_form,
            session.change_password,
            dashboard.dashboard,
            pireps.my_pireps,
            pireps.new_pirep_form,
            pireps.file_pirep,
            schedule.schedule,
            schedule.place_bid,
            schedule.withdraw_bid,
            maps.network,
            maps.live,
            maps.live_map_only,
            review.review_queue,
            finances.finances,
            finances.add_expense,
            finances.change_expense,
            finances.remove_expense,
            review.accept,
            review.reject,
            fleet.fleet,
            fleet.add_subfleet,
            fleet.remove_subfleet,
            fleet.add_aircraft,
            fleet.change_aircraft,
            fleet.remove_aircraft,
            airports.airports_page,
            airports.set_airport,
            airports.remove_airport,
            settings.settings_page,
            settings.save_airline,
            settings.save_profile,
            settings.save_flight_rules,
            settings.save_careers,
            schedules.schedules,
            schedules.new_flight_form,
            schedules.add_flight,
            schedules.flight_form,
            schedules.change_flight,
            schedules.delete_flight,
            csv_import.import_form,
            csv_import.run_import,
            csv_import.export_csv,
            staff_pilots.pilots,
            staff_pilots.add_member,
            staff_pilots.member,
            staff_pilots.change_state,
            staff_pilots.set_rank,
            staff_pilots.set_transfer_hours,
            apply.application_form,
            apply.apply,
            apply.applied,
            audit.audit_trail,
            account.profile,
            account.update_profile,
            account.keys,
            account.issue_key,
            account.revoke_key,
            admin_airlines.airlines,
            admin_airlines.create_airline,
            admin_users.user_list,
            admin_users.add_user,
            admin_users.change_state,
            admin_status.system_status,
        ],
        dependencies={"viewer": Provide(provide_viewer)},
        exception_handlers=PAGE_EXCEPTION_HANDLERS,
        opt={PAGE: True},
        include_in_schema=False,
    )


def static_router() -> Router:
    return create_static_files_router(path="/static", directories=[WEB / "static"], include_in_schema=False)


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=WEB / "templates", engine=JinjaTemplateEngine, engine_callback=register_filters
    )


def csrf_config(secret: str) -> CSRFConfig:
    return CSRFConfig(
        secret=secret or secrets.token_urlsafe(32),
        cookie_name=CSRF_COOKIE,
        cookie_httponly=True,  # the token reaches forms from the server, never from script
        cookie_samesite="lax",
        exclude=NOT_PAGES,
    )
