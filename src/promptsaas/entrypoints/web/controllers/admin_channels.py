"""The console's channel and payment settings: the Telegram bot token, the WhatsApp number and the Stripe keys.

Secrets are written, never shown back: the page says "set" or "not set" and gives the webhook URLs to paste.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from promptsaas.application.admin import AdminService
from promptsaas.application.billing.accounts import PaymentAccounts
from promptsaas.application.channels.settings import ChannelSettings
from promptsaas.application.whatsapp.accounts import WhatsAppAccounts, WhatsAppNotConfigured
from promptsaas.domain.errors import DomainError, InvalidInput
from promptsaas.domain.users import User
from promptsaas.domain.whatsapp import WhatsAppAccount
from promptsaas.entrypoints.http.caller import container_of
from promptsaas.entrypoints.http.schemas.billing import StripeKeysPut
from promptsaas.entrypoints.http.schemas.channels import TelegramChannelIn
from promptsaas.entrypoints.http.schemas.whatsapp import WhatsAppSettingsIn
from promptsaas.entrypoints.web.pages import page
from promptsaas.entrypoints.web.session import admin_only, checked_form, signed_user

S = TypeVar("S")
DONE = {
    "telegram": "The Telegram bot token was saved.",
    "whatsapp": "The WhatsApp number was saved.",
    "stripe": "The Stripe keys were saved.",
}


@dataclass(frozen=True, slots=True)
class Services:
    """What the settings page reads: each service answers whether its secrets are stored, never the values."""

    admin: AdminService
    channels: ChannelSettings
    whatsapp: WhatsAppAccounts
    payments: PaymentAccounts


def parsed(form: dict[str, str], names: tuple[str, ...], schema: type[S]) -> S:
    """The form's fields checked by the JSON API's own schema (the same bounds and patterns)."""
    fields = {name: form.get(name, "").strip() for name in names if form.get(name, "").strip()}
    try:
        return msgspec.convert(fields, schema, strict=False)
    except msgspec.ValidationError as error:
        raise InvalidInput(str(error)) from None


class AdminChannelsController(Controller):
    include_in_schema = False
    path = "/admin/channels"
    guards = [admin_only]
    dependencies = {"user": Provide(signed_user), "form": Provide(checked_form)}

    @get("/")
    async def channels(
        self,
        request: Request[Any, Any, Any],
        admin: NamedDependency[AdminService],
        channel_settings: NamedDependency[ChannelSettings],
        whatsapp_accounts: NamedDependency[WhatsAppAccounts],
        payment_accounts: NamedDependency[PaymentAccounts],
        user: NamedDependency[User],
    ) -> Template:
        found = Services(admin, channel_settings, whatsapp_accounts, payment_accounts)
        return await _settings(request, found, user, done=DONE.get(request.query_params.get("done", "")))

    @post("/{channel:str}")
    async def save(
        self,
        request: Request[Any, Any, Any],
        admin: NamedDependency[AdminService],
        channel_settings: NamedDependency[ChannelSettings],
        whatsapp_accounts: NamedDependency[WhatsAppAccounts],
        payment_accounts: NamedDependency[PaymentAccounts],
        user: NamedDependency[User],
        channel: FromPath[str],
        form: NamedDependency[dict[str, str]],
    ) -> Template | Redirect:
        """One form per channel (`telegram`, `whatsapp`, `stripe`); a refusal shows its message, the fields empty."""
        actor = user.email or user.id
        try:
            if channel == "telegram":
                token = parsed(form, ("bot_token",), TelegramChannelIn).bot_token
                await channel_settings.set_secret(user.tenant_id, "telegram", "bot_token", token, actor)
            elif channel == "whatsapp":
                names = ("phone_number_id", "access_token", "app_secret", "verify_token")
                w = parsed(form, names, WhatsAppSettingsIn)
                account = WhatsAppAccount(w.phone_number_id, w.access_token, w.app_secret, w.verify_token)
                await whatsapp_accounts.configure(user.tenant_id, account, actor)
            elif channel == "stripe":
                keys = parsed(form, ("secret_key", "webhook_secret"), StripeKeysPut)
                await payment_accounts.set_keys(user.tenant_id, "stripe", keys.secret_key, keys.webhook_secret, actor)
            else:
                raise InvalidInput(f"there are no {channel!r} settings", field="channel")
        except DomainError as error:
            found = Services(admin, channel_settings, whatsapp_accounts, payment_accounts)
            return await _settings(request, found, user, error=(channel, error.message), status=400)
        return Redirect(path="/admin/channels", query_params={"done": channel})


async def _settings(
    request: Request[Any, Any, Any],
    found: Services,
    user: User,
    *,
    done: str | None = None,
    error: tuple[str, str] | None = None,
    status: int = 200,
) -> Template:
    tenant = await found.admin.tenant_by_id(user.tenant_id)
    base = container_of(request).settings().public_url.rstrip("/")
    try:
        number = await found.whatsapp.view(user.tenant_id)
    except WhatsAppNotConfigured:
        number = None
    return page(
        request,
        "admin/channels.html",
        status,
        telegram_set=await found.channels.is_set(user.tenant_id, "telegram", "bot_token"),
        bot_username=await found.channels.secret(user.tenant_id, "telegram", "bot_username"),
        number=number,
        stripe=await found.payments.source(user.tenant_id, "stripe"),
        hooks={name: f"{base}/v1/webhooks/{name}/{tenant.slug}" for name in ("telegram", "whatsapp", "stripe")},
        done=done,
        error=error,
    )
