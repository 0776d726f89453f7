"""The composition root: one dependency-injector container, built from `Settings`, for every shell and test.

Nothing is created at import time; tests override providers (`container.llm.override(...)`) for fakes.
"""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from adapters.clock import SystemClock, UuidV7Generator
from adapters.llm.offline import OfflineProvider
from adapters.llm.registry import BUILTIN_MODELS, ProviderRegistry
from adapters.persistence.memory.ledger import MemoryQuotaLedger
from adapters.persistence.memory.store import MemoryStore
from adapters.persistence.memory.unit_of_work import MemoryUnitOfWorkFactory
from adapters.security.passwords import Argon2PasswordHasher
from application.access import AccessService
from application.admin import AdminService
from application.audit_trail import AuditTrail
from application.auth import AuthService
from application.billing import BillingService
from application.catalog import CatalogService
from application.catalog_apply import CatalogApplier
from application.conversations import ConversationService
from application.model_registry import ModelRegistry
from application.plans import PlanService
from application.runtime import Runtime, Transcript
from application.usage import UsageService
from entrypoints.settings import Settings


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UuidV7Generator)
    hasher = providers.Singleton(
        Argon2PasswordHasher,
        memory_kib=settings.provided.password_memory_kib,
        time_cost=settings.provided.password_time_cost,
    )

    store = providers.Singleton(MemoryStore)
    uow = providers.Singleton(MemoryUnitOfWorkFactory, store)
    ledger = providers.Singleton(MemoryQuotaLedger, store)

    llm = providers.Singleton(ProviderRegistry, providers.Dict(offline=providers.Singleton(OfflineProvider)))
    models = providers.Singleton(ModelRegistry, BUILTIN_MODELS)

    audit = providers.Singleton(AuditTrail, clock, ids)
    admin = providers.Singleton(AdminService, uow, clock, ids, audit)
    auth = providers.Singleton(AuthService, uow, hasher, admin)
    billing = providers.Singleton(BillingService, uow, clock, ids, audit)
    catalog = providers.Singleton(CatalogService, uow, clock, ids, audit, models)
    plans = providers.Singleton(PlanService, uow, ids, audit)
    catalog_apply = providers.Singleton(CatalogApplier, uow, catalog, plans)
    access = providers.Singleton(
        AccessService,
        uow,
        ledger,
        clock,
        ids,
        providers.Factory(timedelta, seconds=settings.provided.reservation_ttl_seconds),
    )
    runtime = providers.Singleton(Runtime, uow, models, llm)
    transcript = providers.Singleton(Transcript, uow, ids, clock)
    conversations = providers.Singleton(ConversationService, uow, access, runtime, transcript, clock, ids)
    usage = providers.Singleton(UsageService, uow)


def build_container(settings: Settings) -> Container:
    container = Container(settings=settings)
    return container
