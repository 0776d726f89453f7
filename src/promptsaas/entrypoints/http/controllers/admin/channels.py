"""A tenant's messenger channels: the Telegram bot token, stored encrypted."""

from __future__ import annotations

from litestar import put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from promptsaas.application.channels.settings import ChannelSettings
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import AdminController, actor
from promptsaas.entrypoints.http.openapi import ADMIN, problems
from promptsaas.entrypoints.http.schemas.channels import TelegramChannelIn, TelegramChannelRead


class AdminChannelsController(AdminController):
    path = "/v1/admin/channels"
    tags = ["admin: channels"]

    @put(
        "/telegram",
        status_code=HTTP_200_OK,
        operation_id="adminSetTelegramChannel",
        summary="Set the Telegram bot token",
        responses=problems(*ADMIN),
    )
    async def put_telegram(
        self,
        channel_settings: NamedDependency[ChannelSettings],
        caller: NamedDependency[Caller],
        data: JSONBody[TelegramChannelIn],
    ) -> TelegramChannelRead:
        """Store the bot token BotFather gave, encrypted; the bot (`promptsaas bot`) and the webhook use it. The
        token is never returned, logged or written to the audit log."""
        await channel_settings.set_secret(caller.tenant_id, "telegram", "bot_token", data.bot_token, actor(caller))
        username = await channel_settings.secret(caller.tenant_id, "telegram", "bot_username")
        return TelegramChannelRead(channel="telegram", bot_username=username)
