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

from albatross.web.pages import dashboard, pireps, review, schedule, session
from albatross.web.pages.common import PAGE_EXCEPTION_HANDLERS, provide_viewer
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
            review.review_queue,
            review.accept,
            review.reject,
        ],
        dependencies={"viewer": Provide(provide_viewer)},
        exception_handlers=PAGE_EXCEPTION_HANDLERS,
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
