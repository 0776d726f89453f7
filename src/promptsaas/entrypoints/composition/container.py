"""The composition root: one dependency-injector container, built from `Settings`, for every shell and test.

Nothing is created at import time; tests override providers (`container.llm.override(...)`) for fakes.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import TYPE_CHECKING

from dependency_injector import containers, providers

from promptsaas.adapters.clock import SystemClock, UuidV7Generator
from promptsaas.adapters.llm.registry import BUILTIN_MODELS
from promptsaas.adapters.network.resolver import SystemResolver
from promptsaas.adapters.observability.timed import TimedLedger
from promptsaas.adapters.payments.manual import ManualPayments
from promptsaas.adapters.persistence.memory.store import MemoryStore
from promptsaas.application.access import AccessService
from promptsaas.application.admin import AdminService
from promptsaas.application.attachments import AttachmentLimits, ImageRules
from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.billing.accounts import PaymentAccounts
from promptsaas.application.billing.checkout import CheckoutService
from promptsaas.application.billing.context import BillingContext
from promptsaas.application.billing.inbox import BillingInbox
from promptsaas.application.billing.prices import PriceCatalog
from promptsaas.application.billing.reconcile import BillingReconciler
from promptsaas.application.billing.revenue import RevenueService
from promptsaas.application.billing.stars import StarsSales
from promptsaas.application.billing.subscriptions import BillingService
from promptsaas.application.call_metering import MeteredConversations
from promptsaas.application.catalog.apply import CatalogApplier
from promptsaas.application.catalog.export import CatalogExporter
from promptsaas.application.catalog.models import ModelCatalog
from promptsaas.application.catalog.service import CatalogService
from promptsaas.application.channels import ChannelService, LinkService, People
from promptsaas.application.channels.inbox import MessengerInbox
from promptsaas.application.channels.offers import Offers
from promptsaas.application.channels.outbox import MessengerOutbox
from promptsaas.application.channels.payments import ChatPayments
from promptsaas.application.channels.settings import ChannelSettings
from promptsaas.application.conversation_history import ConversationHistory
from promptsaas.application.idempotency import IdempotentRuns
from promptsaas.application.inbox_backlog import InboxBacklogs
from promptsaas.application.model_registry import ModelRegistry
from promptsaas.application.plans import PlanService
from promptsaas.application.prompt_trials import PromptTrials
from promptsaas.application.provider_keys import ProviderKeyService
from promptsaas.application.read_cache import ReadCache
from promptsaas.application.runtime import Runtime
from promptsaas.application.storefront import StorefrontService
from promptsaas.application.transcripts import Transcript
from promptsaas.application.usage import UsageService
from promptsaas.application.whatsapp.accounts import WhatsAppAccounts
from promptsaas.application.whatsapp.responder import WhatsAppResponder
from promptsaas.entrypoints.composition import payments
from promptsaas.entrypoints.composition.identity import Identity
from promptsaas.entrypoints.composition.llm import llm_providers
from promptsaas.entrypoints.composition.messengers import MessengerSenders, WhatsAppClients, whatsapp_default
from promptsaas.entrypoints.composition.observability import call_metrics_of, observed_llm
from promptsaas.entrypoints.composition.persistence import Persistence, close_persistence
from promptsaas.entrypoints.composition.settings import Settings

if TYPE_CHECKING:
    from promptsaas.adapters.security.cipher import AesGcmCipher
    from promptsaas.adapters.security.oauth import JwksIdTokenVerifier
    from promptsaas.adapters.security.passwords import Argon2PasswordHasher
    from promptsaas.adapters.security.signing_keys import SigningKeys
    from promptsaas.adapters.security.tokens import JwtTokenIssuer
    from promptsaas.application.auth.account_mail import AccountMail
    from promptsaas.application.auth.accounts import AccountService
    from promptsaas.application.auth.api_keys import ApiKeyService
    from promptsaas.application.auth.oauth_redirect import OAuthRedirect
    from promptsaas.application.auth.oauth_sign_in import OAuthSignIn
    from promptsaas.application.auth.service import AuthService
    from promptsaas.application.auth.sessions import SessionService
    from promptsaas.application.auth.signup import SignUpService
    from promptsaas.application.ports.mail import Mailer


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UuidV7Generator)
    store = providers.Singleton(MemoryStore)
    persistence = providers.Container(
        Persistence, database_url=settings.provided.database_url, store=store, clock=clock
    )
    uow = persistence.uow
    ledger = providers.Singleton(TimedLedger, persistence.ledger)
    idempotency = persistence.idempotency
    rate_limiter = persistence.rate_limiter

    llm = providers.Singleton(observed_llm, settings, providers.Singleton(llm_providers, settings))
    models = providers.Singleton(ModelRegistry, BUILTIN_MODELS, llm)

    read_cache = providers.Singleton(ReadCache, settings.provided.cache_ttl_seconds)
    audit = providers.Singleton(AuditTrail, clock, ids, read_cache)
    admin = providers.Singleton(AdminService, uow, clock, ids, audit)

    identity = providers.Container(
        Identity,
        settings=settings,
        uow=uow,
        clock=clock,
        ids=ids,
        audit=audit,
        admin=admin,
        read_cache=read_cache,
        rate_limiter=rate_limiter,
    )
    hasher: providers.Provider[Argon2PasswordHasher] = identity.hasher
    signing_keys: providers.Provider[SigningKeys] = identity.signing_keys
    tokens: providers.Provider[JwtTokenIssuer] = identity.tokens
    id_tokens: providers.Provider[JwksIdTokenVerifier] = identity.id_tokens
    cipher: providers.Provider[AesGcmCipher] = identity.cipher
    sessions: providers.Provider[SessionService] = identity.sessions
    mailer: providers.Provider[Mailer] = identity.mailer
    account_mail: providers.Provider[AccountMail] = identity.account_mail
    accounts: providers.Provider[AccountService] = identity.accounts
    signup: providers.Provider[SignUpService] = identity.signup
    api_keys: providers.Provider[ApiKeyService] = identity.api_keys
    oauth: providers.Provider[OAuthSignIn] = identity.oauth
    oauth_redirect: providers.Provider[OAuthRedirect] = identity.oauth_redirect
    auth: providers.Provider[AuthService] = identity.auth

    manual_payments = providers.Singleton(ManualPayments)
    catalog = providers.Singleton(CatalogService, uow, clock, ids, audit, models)
    model_catalog = providers.Singleton(ModelCatalog, uow, audit, models)
    plans = providers.Singleton(PlanService, uow, ids, audit)
    catalog_apply = providers.Singleton(CatalogApplier, uow, catalog, model_catalog, plans, audit)
    catalog_export = providers.Singleton(CatalogExporter, uow)
    access = providers.Singleton(
        AccessService,
        uow,
        ledger,
        clock,
        ids,
        providers.Factory(timedelta, seconds=settings.provided.reservation_ttl_seconds),
        read_cache,
    )
    attachment_limits = providers.Singleton(
        AttachmentLimits,
        max_bytes=settings.provided.attachment_max_bytes,
        per_message=settings.provided.attachments_per_message,
    )
    host_resolver = providers.Singleton(SystemResolver)
    image_rules = providers.Singleton(ImageRules, attachment_limits, host_resolver)
    runtime = providers.Singleton(Runtime, uow, models, llm, image_rules, read_cache)
    prompt_trials = providers.Singleton(PromptTrials, uow, runtime, models, audit)
    transcript = providers.Singleton(Transcript, uow, ids, clock)
    provider_keys = providers.Singleton(ProviderKeyService, uow, cipher, llm, clock, audit)
    call_metrics = providers.Singleton(call_metrics_of, settings)
    conversations = providers.Singleton(
        MeteredConversations, access, runtime, transcript, clock, ids, provider_keys, metrics=call_metrics
    )
    conversation_history = providers.Singleton(ConversationHistory, uow)
    usage = providers.Singleton(UsageService, uow)
    storefront = providers.Singleton(StorefrontService, uow, runtime, access, provider_keys)
    runs = providers.Singleton(IdempotentRuns, conversations, idempotency, clock)
    payment_providers = providers.Singleton(payments.payment_providers, settings, manual_payments, clock)
    payment_accounts = providers.Singleton(
        PaymentAccounts, uow, cipher, clock, audit, providers.Callable(payments.default_credentials, settings)
    )
    billing_context = providers.Singleton(BillingContext, uow, payment_providers, payment_accounts, clock, ids, audit)
    billing = providers.Singleton(BillingService, uow, clock, ids, audit, manual_payments, billing_context.provider)
    checkout = providers.Singleton(
        CheckoutService, billing_context, providers.Callable(payments.billing_urls, settings)
    )
    billing_inbox = providers.Singleton(BillingInbox, billing_context)
    revenue = providers.Singleton(RevenueService, billing_context, idempotency, billing_inbox)
    stars_sales = providers.Singleton(StarsSales, uow, payment_providers, billing_inbox, clock)
    price_catalog = providers.Singleton(PriceCatalog, uow, payment_providers, payment_accounts, audit)
    billing_reconciler = providers.Singleton(BillingReconciler, billing_context)
    people = providers.Singleton(People, uow, admin, audit, clock)
    links = providers.Singleton(LinkService, uow, audit, clock)
    offers = providers.Singleton(Offers, plans, access, checkout, stars_sales, clock)
    chat_payments = providers.Singleton(ChatPayments, stars_sales)
    channels = providers.Singleton(ChannelService, uow, people, links, runs, storefront, access, offers, chat_payments)
    messenger_inbox = providers.Singleton(
        MessengerInbox, uow, clock, providers.Factory(timedelta, seconds=settings.provided.telegram_claim_seconds)
    )
    channel_settings = providers.Singleton(ChannelSettings, uow, cipher, clock, audit)

    messenger_senders = providers.Singleton(
        MessengerSenders,
        channel_settings.provider,
        settings.provided.telegram_bot_token,
        settings.provided.telegram_api_base,
    )
    messenger_outbox = providers.Singleton(MessengerOutbox, persistence.outbox, messenger_senders, clock, ids)
    whatsapp_store = persistence.whatsapp
    inbox_backlogs = providers.Singleton(InboxBacklogs, uow, whatsapp_store, call_metrics, clock)
    whatsapp_clients = providers.Singleton(
        WhatsAppClients, settings.provided.whatsapp_api_base, settings.provided.whatsapp_api_version
    )
    whatsapp_accounts = providers.Singleton(
        WhatsAppAccounts, channel_settings, uow, providers.Callable(whatsapp_default, settings)
    )
    whatsapp = providers.Singleton(
        WhatsAppResponder,
        whatsapp_store,
        whatsapp_accounts,
        whatsapp_clients,
        channels,
        clock,
        attachment_limits,
        providers.Factory(timedelta, seconds=settings.provided.whatsapp_lease_seconds),
    )


def build_container(settings: Settings) -> Container:
    container = Container(settings=settings)
    if settings.production:
        container.signing_keys()  # a missing or weak PROMPTSAAS_SECRET_KEY stops a production start here
        container.cipher()  # so does a missing or malformed PROMPTSAAS_ENCRYPTION_KEY
    return container


async def shutdown(container: Container) -> None:
    """Close what the container opened: its resources, the LLM providers' connection pools, the database's.

    The pools close asynchronously, which dependency-injector allows only for async resources (and those would make
    every dependent provider async), so the shells call this instead of `shutdown_resources()` alone.
    """
    result = container.shutdown_resources()
    if asyncio.iscoroutine(result):
        await result
    close = getattr(container.llm(), "aclose", None)
    if close is not None:
        await close()
    await container.whatsapp_clients().aclose()
    await container.messenger_senders().aclose()
    await close_persistence(container.persistence())
