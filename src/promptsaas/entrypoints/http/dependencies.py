"""The application services a handler can ask for, by name: `catalog: NamedDependency[CatalogService]`.

Declared once for the whole app; each reads the container from the app state at call time, so a provider
overridden in a test (`container.runs.override(...)`) is what the next request receives.
"""

from __future__ import annotations

from litestar.datastructures import State
from litestar.di import Provide

from promptsaas.application.access import AccessService
from promptsaas.application.admin import AdminService
from promptsaas.application.auth.oauth_redirect import OAuthRedirect
from promptsaas.application.auth.service import AuthService
from promptsaas.application.billing.accounts import PaymentAccounts
from promptsaas.application.billing.checkout import CheckoutService
from promptsaas.application.billing.inbox import BillingInbox
from promptsaas.application.billing.revenue import RevenueService
from promptsaas.application.billing.subscriptions import BillingService
from promptsaas.application.catalog.apply import CatalogApplier
from promptsaas.application.catalog.models import ModelCatalog
from promptsaas.application.catalog.service import CatalogService
from promptsaas.application.channels.linking import LinkService
from promptsaas.application.channels.settings import ChannelSettings
from promptsaas.application.conversation_history import ConversationHistory
from promptsaas.application.idempotency import IdempotentRuns
from promptsaas.application.plans import PlanService
from promptsaas.application.prompt_trials import PromptTrials
from promptsaas.application.provider_keys import ProviderKeyService
from promptsaas.application.storefront import StorefrontService
from promptsaas.application.usage import UsageService
from promptsaas.application.whatsapp.accounts import WhatsAppAccounts
from promptsaas.application.whatsapp.responder import WhatsAppResponder
from promptsaas.entrypoints.composition.container import Container


def _container(state: State) -> Container:
    return state["container"]  # type: ignore[no-any-return]


def access(state: State) -> AccessService:
    return _container(state).access()


def admin(state: State) -> AdminService:
    return _container(state).admin()


def auth(state: State) -> AuthService:
    return _container(state).auth()


def oauth_redirect(state: State) -> OAuthRedirect:
    return _container(state).oauth_redirect()


def billing(state: State) -> BillingService:
    return _container(state).billing()


def checkout(state: State) -> CheckoutService:
    return _container(state).checkout()


def billing_inbox(state: State) -> BillingInbox:
    return _container(state).billing_inbox()


def payment_accounts(state: State) -> PaymentAccounts:
    return _container(state).payment_accounts()


def revenue(state: State) -> RevenueService:
    return _container(state).revenue()


def catalog(state: State) -> CatalogService:
    return _container(state).catalog()


def model_catalog(state: State) -> ModelCatalog:
    return _container(state).model_catalog()


def prompt_trials(state: State) -> PromptTrials:
    return _container(state).prompt_trials()


def catalog_apply(state: State) -> CatalogApplier:
    return _container(state).catalog_apply()


def conversations(state: State) -> ConversationHistory:
    return _container(state).conversation_history()


def plans(state: State) -> PlanService:
    return _container(state).plans()


def provider_keys(state: State) -> ProviderKeyService:
    return _container(state).provider_keys()


def runs(state: State) -> IdempotentRuns:
    return _container(state).runs()


def storefront(state: State) -> StorefrontService:
    return _container(state).storefront()


def usage(state: State) -> UsageService:
    return _container(state).usage()


def links(state: State) -> LinkService:
    return _container(state).links()


def channel_settings(state: State) -> ChannelSettings:
    return _container(state).channel_settings()


def whatsapp(state: State) -> WhatsAppResponder:
    return _container(state).whatsapp()


def whatsapp_accounts(state: State) -> WhatsAppAccounts:
    return _container(state).whatsapp_accounts()


SERVICES: dict[str, Provide] = {
    "access": Provide(access, sync_to_thread=False),
    "admin": Provide(admin, sync_to_thread=False),
    "auth": Provide(auth, sync_to_thread=False),
    "oauth_redirect": Provide(oauth_redirect, sync_to_thread=False),
    "billing": Provide(billing, sync_to_thread=False),
    "catalog": Provide(catalog, sync_to_thread=False),
    "catalog_apply": Provide(catalog_apply, sync_to_thread=False),
    "model_catalog": Provide(model_catalog, sync_to_thread=False),
    "prompt_trials": Provide(prompt_trials, sync_to_thread=False),
    "conversations": Provide(conversations, sync_to_thread=False),
    "plans": Provide(plans, sync_to_thread=False),
    "provider_keys": Provide(provider_keys, sync_to_thread=False),
    "runs": Provide(runs, sync_to_thread=False),
    "storefront": Provide(storefront, sync_to_thread=False),
    "usage": Provide(usage, sync_to_thread=False),
    "checkout": Provide(checkout, sync_to_thread=False),
    "billing_inbox": Provide(billing_inbox, sync_to_thread=False),
    "payment_accounts": Provide(payment_accounts, sync_to_thread=False),
    "revenue": Provide(revenue, sync_to_thread=False),
    "links": Provide(links, sync_to_thread=False),
    "channel_settings": Provide(channel_settings, sync_to_thread=False),
    "whatsapp": Provide(whatsapp, sync_to_thread=False),
    "whatsapp_accounts": Provide(whatsapp_accounts, sync_to_thread=False),
}
"""Every service dependency, keyed by the name a handler's parameter gives it."""
