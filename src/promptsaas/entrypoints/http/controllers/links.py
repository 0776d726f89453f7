"""Linking a chat to your account: a code for the bot, or the bot's code entered here."""

from __future__ import annotations

from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from promptsaas.application.channels.linking import LinkService
from promptsaas.application.channels.settings import ChannelSettings
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import MemberController
from promptsaas.entrypoints.http.openapi import SIGNED_IN, problems
from promptsaas.entrypoints.http.schemas.channels import LinkCodeRead, LinkedRead, LinkIn


class LinksController(MemberController):
    path = "/v1/me"
    tags = ["account"]

    @post(
        "/link-codes",
        status_code=HTTP_201_CREATED,
        operation_id="createLinkCode",
        summary="Get a code to link a chat",
        responses=problems(*SIGNED_IN),
    )
    async def create_code(
        self,
        links: NamedDependency[LinkService],
        channel_settings: NamedDependency[ChannelSettings],
        caller: NamedDependency[Caller],
    ) -> LinkCodeRead:
        """A single-use code, valid for 10 minutes: send it to the bot (`/start CODE`, or open `telegram_url`) and the
        chat joins this account, its plans and its limits."""
        issued = await links.issue(caller.tenant_id, caller.user.id)
        bot = await channel_settings.secret(caller.tenant_id, "telegram", "bot_username")
        url = f"https://t.me/{bot}?start={issued.code}" if bot else None
        return LinkCodeRead(code=issued.code, expires_at=issued.expires_at.isoformat(), telegram_url=url)

    @post(
        "/link",
        status_code=HTTP_200_OK,
        operation_id="linkChat",
        summary="Link a chat with its code",
        responses=problems(*SIGNED_IN, "link_code_invalid"),
    )
    async def link(
        self, links: NamedDependency[LinkService], caller: NamedDependency[Caller], data: JSONBody[LinkIn]
    ) -> LinkedRead:
        """Redeem the code the bot gave (`/link`): the chat identity joins this account, with the conversations and
        subscriptions of a chat-only account. An unknown, expired, used or another tenant's code changes nothing."""
        linked = await links.redeem_on_web(caller.tenant_id, caller.user.id, data.code)
        return LinkedRead(
            user_id=linked.user_id, conversations=linked.conversations, subscriptions=linked.subscriptions
        )
