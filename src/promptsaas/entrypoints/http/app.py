"""The Litestar application factory."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from litestar import Litestar
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins import PluginProtocol
from litestar.plugins.core import MsgspecDIPlugin

from promptsaas.domain.errors import SetupFailed
from promptsaas.entrypoints.composition.background import serving_in_background
from promptsaas.entrypoints.composition.container import Container, shutdown
from promptsaas.entrypoints.composition.persistence import persistence_opened
from promptsaas.entrypoints.http.controllers.account_links import AccountLinksController
from promptsaas.entrypoints.http.controllers.admin.agents import AdminAgentsController
from promptsaas.entrypoints.http.controllers.admin.audit import AdminAuditController
from promptsaas.entrypoints.http.controllers.admin.billing import AdminBillingController
from promptsaas.entrypoints.http.controllers.admin.catalog import AdminCatalogController
from promptsaas.entrypoints.http.controllers.admin.channels import AdminChannelsController
from promptsaas.entrypoints.http.controllers.admin.models import AdminModelsController
from promptsaas.entrypoints.http.controllers.admin.plans import AdminPlansController
from promptsaas.entrypoints.http.controllers.admin.signup import AdminSignupController
from promptsaas.entrypoints.http.controllers.admin.subscriptions import AdminSubscriptionsController
from promptsaas.entrypoints.http.controllers.admin.usage import AdminUsageController
from promptsaas.entrypoints.http.controllers.admin.users import AdminUsersController
from promptsaas.entrypoints.http.controllers.admin.versions import AdminVersionsController
from promptsaas.entrypoints.http.controllers.admin.whatsapp import AdminWhatsAppController
from promptsaas.entrypoints.http.controllers.agents import AgentsController
from promptsaas.entrypoints.http.controllers.api_keys import ApiKeysController
from promptsaas.entrypoints.http.controllers.auth import AuthController
from promptsaas.entrypoints.http.controllers.billing import BillingController
from promptsaas.entrypoints.http.controllers.conversations import ConversationsController
from promptsaas.entrypoints.http.controllers.health import HealthController
from promptsaas.entrypoints.http.controllers.links import LinksController
from promptsaas.entrypoints.http.controllers.me import MeController
from promptsaas.entrypoints.http.controllers.metrics import MetricsController
from promptsaas.entrypoints.http.controllers.plans import PlansController
from promptsaas.entrypoints.http.controllers.provider_keys import ProviderKeysController
from promptsaas.entrypoints.http.controllers.telegram_webhook import TelegramWebhookController
from promptsaas.entrypoints.http.controllers.usage import UsageController
from promptsaas.entrypoints.http.controllers.webhooks import WebhooksController
from promptsaas.entrypoints.http.controllers.whatsapp_webhook import WhatsAppWebhookController
from promptsaas.entrypoints.http.dependencies import SERVICES
from promptsaas.entrypoints.http.docs import SwaggerDocs
from promptsaas.entrypoints.http.input_guard import refuse_hostile_input
from promptsaas.entrypoints.http.observability.wiring import cors_config, observe
from promptsaas.entrypoints.http.openai.completions import OpenAICompletionsController
from promptsaas.entrypoints.http.openai.models import OpenAIModelsController
from promptsaas.entrypoints.http.problems import HANDLERS
from promptsaas.entrypoints.http.slow_clients import BodyDeadline
from promptsaas.entrypoints.web.pages import missing_page
from promptsaas.entrypoints.web.router import static_router, template_config, web_router

CONTROLLERS = [
    HealthController,
    AuthController,
    AccountLinksController,
    MeController,
    ApiKeysController,
    ProviderKeysController,
    PlansController,
    AgentsController,
    ConversationsController,
    UsageController,
    AdminAgentsController,
    AdminVersionsController,
    AdminPlansController,
    AdminCatalogController,
    AdminModelsController,
    AdminUsersController,
    AdminSignupController,
    AdminSubscriptionsController,
    AdminUsageController,
    AdminAuditController,
    BillingController,
    WebhooksController,
    AdminBillingController,
    OpenAIModelsController,
    OpenAICompletionsController,
    LinksController,
    AdminChannelsController,
    TelegramWebhookController,
    AdminWhatsAppController,
    WhatsAppWebhookController,
    MetricsController,
]

log = logging.getLogger("promptsaas.http")


class App(Litestar):
    """Litestar without the plugins it adds for pydantic and attrs whenever they are installed (they are, for the
    SDKs and dependency-injector): no route reads or returns their models, and importing the plugins was about 60 ms
    of a worker's start. Should Litestar rename this hook, the plugins simply load again."""

    @staticmethod
    def _get_default_plugins(plugins: list[PluginProtocol]) -> list[PluginProtocol]:
        return [*plugins, MsgspecDIPlugin()]


def _stop_on_fault(error: SetupFailed) -> None:
    """A fault found once the database answered again (an outdated schema): the worker stops, as it would have
    refused to start; under `--workers`, the one uvicorn starts in its place refuses to start, and so stops the
    server."""
    log.error("%s: this worker stops", error.message)
    os.kill(os.getpid(), signal.SIGTERM)


@asynccontextmanager
async def _bot_beside(container: Container, tenant: str | None) -> AsyncIterator[None]:
    """`serve --bot TENANT`: that tenant's Telegram bot polls in this process for as long as the block runs."""
    if not tenant:
        yield
        return
    from promptsaas.entrypoints.telegram.beside_server import poll_beside_server

    bot = asyncio.create_task(poll_beside_server(container, tenant))
    try:
        yield
    finally:
        bot.cancel()
        with suppress(asyncio.CancelledError):
            await bot


def create_app(container: Container) -> Litestar:
    """An app over one container. At startup the schema must be current (a new SQLite file is migrated, an
    outdated PostgreSQL one refused; one that cannot be reached is checked once it can, see `persistence_opened`),
    and the background jobs start (`PROMPTSAAS_JOBS=serve`, among them the webhook inboxes' retries); the
    container's resources close when the app shuts down."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        try:
            async with (
                persistence_opened(container.persistence(), _stop_on_fault),
                _bot_beside(container, settings.telegram_serve_bot),
                serving_in_background(container),
            ):
                yield
        finally:
            hooks = app.state.get("telegram_webhooks")
            if hooks is not None:
                await hooks.close()
            await shutdown(container)

    settings = container.settings()
    app = App(
        route_handlers=[*CONTROLLERS, web_router(), static_router()],
        template_config=template_config(),
        dependencies=SERVICES,
        exception_handlers={**HANDLERS, NotFoundException: missing_page},
        before_request=refuse_hostile_input,
        middleware=[functools.partial(BodyDeadline, timeout=settings.body_timeout_seconds)],
        request_max_body_size=settings.max_body_bytes,
        lifespan=[lifespan],
        logging_config=None,
        cors_config=cors_config(settings.operations),
        state=State({"container": container}),
        openapi_config=OpenAPIConfig(
            title="promptsaas",
            version="1.0.0",
            description="Access to prompt-based AI agents: members, public API clients and tenant admins.",
            path="/schema",
            render_plugins=[SwaggerDocs()],
            use_handler_docstrings=True,
            create_examples=False,
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(
                        type="http",
                        scheme="bearer",
                        description="An access token (JWT) or an API key (psk_…) as a bearer token",
                    ),
                    "apiKey": SecurityScheme(
                        type="apiKey",
                        name="X-API-Key",
                        security_scheme_in="header",
                        description="An API key (psk_…); its calls use the channel `api`",
                    ),
                }
            ),
        ),
        debug=False,
    )
    return observe(app, settings.operations)
