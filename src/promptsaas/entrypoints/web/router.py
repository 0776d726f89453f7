"""The web app's router, template engine and static files, for `http.app.create_app` to mount."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Router
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from promptsaas.domain import bounds
from promptsaas.domain.billing import money_text
from promptsaas.entrypoints.web.controllers.account import AccountController
from promptsaas.entrypoints.web.controllers.account_links import AccountLinksController
from promptsaas.entrypoints.web.controllers.admin_agent_settings import AdminAgentSettingsController
from promptsaas.entrypoints.web.controllers.admin_agents import AdminAgentsController
from promptsaas.entrypoints.web.controllers.admin_channels import AdminChannelsController
from promptsaas.entrypoints.web.controllers.admin_dashboard import AdminDashboardController
from promptsaas.entrypoints.web.controllers.admin_money import AdminMoneyController
from promptsaas.entrypoints.web.controllers.admin_people import AdminPeopleController
from promptsaas.entrypoints.web.controllers.admin_plans import AdminPlansController
from promptsaas.entrypoints.web.controllers.admin_trials import AdminTrialsController
from promptsaas.entrypoints.web.controllers.admin_usage import AdminUsageController
from promptsaas.entrypoints.web.controllers.billing import BillingPagesController
from promptsaas.entrypoints.web.controllers.chat import ChatController
from promptsaas.entrypoints.web.controllers.chat_linking import ChatLinkingController
from promptsaas.entrypoints.web.controllers.chat_stream import ChatStreamController
from promptsaas.entrypoints.web.controllers.oauth import OAuthController
from promptsaas.entrypoints.web.controllers.settings import SettingsController
from promptsaas.entrypoints.web.pages import HANDLERS
from promptsaas.entrypoints.web.session import WebSession

HERE = Path(str(files("promptsaas.entrypoints.web")))
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
PAGES = [
    AccountController,
    AccountLinksController,
    OAuthController,
    ChatController,
    ChatStreamController,
    SettingsController,
    BillingPagesController,
    ChatLinkingController,
    AdminDashboardController,
    AdminAgentsController,
    AdminAgentSettingsController,
    AdminTrialsController,
    AdminPlansController,
    AdminPeopleController,
    AdminUsageController,
    AdminMoneyController,
    AdminChannelsController,
]


def _engine() -> JinjaTemplateEngine:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True), auto_reload=False
    )
    environment.globals["money"] = money
    environment.globals["bounds"] = bounds  # forms' maxlength and max follow the rules the services enforce
    return JinjaTemplateEngine.from_environment(environment)


def money(amount: float | None, currency: str) -> str:
    """Every page's amounts as `money_text` writes them (`9.00 USD`, `250 XTR`); nothing for no amount."""
    return "" if amount is None else money_text(amount, currency)


def web_router() -> Router:
    """Every page, with the session middleware (cookies, CSRF token, security headers) and HTML error pages."""
    return Router(
        path="/",
        route_handlers=PAGES,
        middleware=[WebSession()],
        exception_handlers=HANDLERS,
        include_in_schema=False,
    )


def static_router() -> Router:
    """The stylesheet, the small script and the pinned htmx, served by the app itself (no CDN)."""
    return create_static_files_router(path="/static", directories=[STATIC], include_in_schema=False)


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=_engine())
