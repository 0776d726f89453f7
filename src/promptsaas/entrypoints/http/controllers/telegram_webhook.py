"""Telegram's webhook: `POST /v1/webhooks/telegram/{tenant}`, checked by its secret header, answered at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from litestar import Controller, Request, post
from litestar.background_tasks import BackgroundTask
from litestar.datastructures import State
from litestar.params import HeaderParameter
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK

from promptsaas.entrypoints.http.openapi import ANONYMOUS, problems
from promptsaas.entrypoints.http.parameters import TenantSlug

if TYPE_CHECKING:
    from promptsaas.entrypoints.telegram.webhooks import TelegramWebhooks

SecretHeader = Annotated[
    str | None,
    HeaderParameter(
        name="X-Telegram-Bot-Api-Secret-Token",
        description="The secret given to setWebhook (`promptsaas bot --set-webhook`)",
    ),
]


def telegram_webhooks(state: State) -> TelegramWebhooks:
    """The app's webhook shells, made on the first update (so the app imports aiogram only in webhook mode)."""
    hooks = state.get("telegram_webhooks")
    if hooks is None:
        from promptsaas.entrypoints.telegram.webhooks import TelegramWebhooks

        hooks = state["telegram_webhooks"] = TelegramWebhooks(state["container"])
    return hooks


class TelegramWebhookController(Controller):
    path = "/v1/webhooks/telegram"
    tags = ["webhooks"]

    @post(
        "/{tenant:str}",
        status_code=HTTP_200_OK,
        operation_id="receiveTelegramUpdate",
        summary="Receive a Telegram update",
        responses=problems(*ANONYMOUS, "webhook_forbidden"),
    )
    async def receive(
        self, tenant: TenantSlug, request: Request[object, object, State], secret: SecretHeader = None
    ) -> Response[dict[str, bool]]:
        """Stores the update under its `update_id` and answers at once; the bot's handlers run after the answer. A
        redelivered update is acknowledged and not applied again; a wrong or missing secret is 403, nothing kept."""
        hooks = telegram_webhooks(request.app.state)
        update = await hooks.accept(tenant, secret, await request.body())
        task = BackgroundTask(hooks.apply, tenant, update) if update is not None else None
        return Response({"ok": True}, background=task)
