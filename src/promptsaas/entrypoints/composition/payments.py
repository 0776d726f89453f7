"""The payment providers, built on first use (the stripe SDK loads only when a tenant bills through Stripe)."""

from __future__ import annotations

from promptsaas.adapters.payments.manual import ManualPayments
from promptsaas.adapters.payments.registry import PaymentProviderRegistry
from promptsaas.application.billing.checkout import BillingUrls
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.payments import PaymentProvider, ProviderCredentials
from promptsaas.entrypoints.composition.settings import Settings


def payment_providers(settings: Settings, manual: ManualPayments, clock: Clock) -> PaymentProviderRegistry:
    """Manual grants at once; Stripe and Telegram Stars built on first use (their SDK and HTTP client load then)."""

    def stripe() -> PaymentProvider:
        from promptsaas.adapters.payments.stripe import StripePayments

        return StripePayments(settings.stripe_api_base)

    def telegram_stars() -> PaymentProvider:
        from promptsaas.adapters.payments.telegram_stars import TelegramStarsPayments

        return TelegramStarsPayments(clock, settings.telegram_api_base)

    return PaymentProviderRegistry([manual], {"stripe": stripe, "telegram_stars": telegram_stars})


def default_credentials(settings: Settings) -> dict[str, ProviderCredentials]:
    """The deployment's keys, used by tenants that set none of their own (Stars are paid to the default bot)."""
    keys = {}
    if settings.stripe_api_key:
        keys["stripe"] = ProviderCredentials(settings.stripe_api_key, settings.stripe_webhook_secret)
    if settings.telegram_bot_token:
        keys["telegram_stars"] = ProviderCredentials(settings.telegram_bot_token)
    return keys


def billing_urls(settings: Settings) -> BillingUrls:
    return BillingUrls(settings.billing_success_url, settings.billing_cancel_url, settings.billing_return_url)
