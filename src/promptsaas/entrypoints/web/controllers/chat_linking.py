"""Linking a Telegram or WhatsApp chat to the member's account from settings: a single-use code (the service behind
`POST /v1/me/link-codes`), its expiry and, once the bot has run, its `t.me` deep link."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency, Provide
from litestar.response import Template
from litestar.status_codes import HTTP_201_CREATED

from promptsaas.application.channels.linking import LinkService
from promptsaas.application.channels.settings import ChannelSettings
from promptsaas.domain.users import User
from promptsaas.entrypoints.web.pages import page, when
from promptsaas.entrypoints.web.session import checked_form, signed_in, signed_user


class ChatLinkingController(Controller):
    include_in_schema = False
    guards = [signed_in]
    dependencies = {"user": Provide(signed_user), "form": Provide(checked_form)}

    @post("/settings/link-code", status_code=HTTP_201_CREATED)
    async def link_code(
        self,
        request: Request[Any, Any, Any],
        links: NamedDependency[LinkService],
        channel_settings: NamedDependency[ChannelSettings],
        user: NamedDependency[User],
        form: NamedDependency[dict[str, str]],
    ) -> Template:
        """The code is shown on this answer only; it is stored hashed and works once, for ten minutes."""
        issued = await links.issue(user.tenant_id, user.id)
        bot = await channel_settings.secret(user.tenant_id, "telegram", "bot_username")
        url = f"https://t.me/{bot}?start={issued.code}" if bot else None
        return page(
            request, "link_code.html", HTTP_201_CREATED, code=issued.code, expires=when(issued.expires_at), url=url
        )
