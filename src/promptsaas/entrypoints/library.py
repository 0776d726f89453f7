"""The embeddable library: `AsyncPlatform` (async) and `Platform` (its synchronous twin), on the same container.

async with AsyncPlatform.in_memory() as platform:
    acme = await platform.create_tenant("acme", name="Acme Inc.")
    reply = await acme.chat("ann@example.com", "tutor", "What is 2+2?")

The tenant handle, `AsyncTenant`, lives in `library_tenant.py`; import it from here.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from dataclasses import replace
from types import TracebackType
from typing import Any, Self, TypeVar

from promptsaas.application.conversations import Reply
from promptsaas.application.ports.quota import CounterDrift, QuotaLedger, QuotaReconciler
from promptsaas.application.provider_keys import Rotation
from promptsaas.application.retention import PurgeResult
from promptsaas.domain.errors import AccessDenied, DomainError
from promptsaas.domain.tenants import Tenant
from promptsaas.entrypoints.composition.container import Container, build_container, shutdown
from promptsaas.entrypoints.composition.persistence import open_persistence
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library_tenant import AsyncTenant
from promptsaas.entrypoints.library_tenant import load_document as load_document

_T = TypeVar("_T")

__all__ = ["AccessDenied", "AsyncPlatform", "AsyncTenant", "DomainError", "Platform", "Reply", "SyncTenant"]


class AsyncPlatform:
    def __init__(self, container: Container) -> None:
        self.container = container

    @classmethod
    def in_memory(cls, settings: Settings | None = None) -> AsyncPlatform:
        """A platform that lives in this process only (nothing is written to disk)."""
        return cls(build_container(settings or Settings(database_url="memory://")))

    @classmethod
    async def open(cls, database_url: str | None = None, settings: Settings | None = None) -> AsyncPlatform:
        """A platform on a database (default: `PROMPTSAAS_DATABASE_URL`). A new or outdated SQLite file is migrated;
        an outdated PostgreSQL schema is refused (`database_not_migrated`: run `promptsaas db upgrade`)."""
        settings = settings or Settings.from_env()
        if database_url is not None:
            settings = replace(settings, database_url=database_url)
        platform = cls(build_container(settings))
        try:
            await open_persistence(platform.container.persistence())
        except BaseException:
            await platform.close()
            raise
        return platform

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await shutdown(self.container)

    async def create_tenant(self, slug: str, *, name: str = "") -> AsyncTenant:
        tenant = await self.container.admin().create_tenant(slug, name)
        return AsyncTenant(self.container, slug, tenant)

    def tenant(self, slug: str) -> AsyncTenant:
        return AsyncTenant(self.container, slug)

    async def tenants(self) -> list[Tenant]:
        return await self.container.admin().tenants()

    async def sweep_reservations(self) -> int:
        """Release reservations whose call died before settling."""
        ledger: QuotaLedger = self.container.ledger()
        return await ledger.sweep(self.container.clock().now())

    async def reconcile_quota(self, tenant: str | None = None) -> list[CounterDrift]:
        """Quota counters that disagree with the usage records and open reservations; empty when all agree."""
        reconciler: QuotaReconciler = self.container.persistence().reconciler()
        return await reconciler.reconcile(await self.tenant(tenant).id() if tenant else None)

    async def rebuild_quota(self, tenant: str) -> int:
        """Rewrite a tenant's quota counters from its usage records and open reservations; return how many changed."""
        reconciler: QuotaReconciler = self.container.persistence().reconciler()
        return await reconciler.rebuild(await self.tenant(tenant).id())

    async def rotate_encryption_keys(self) -> Rotation:
        """Re-encrypt every stored provider key with the newest `PROMPTSAAS_ENCRYPTION_KEY` entry."""
        return await self.container.provider_keys().rotate_all()

    async def purge(self, *, dry_run: bool = False) -> list[PurgeResult]:
        """Delete conversation content older than each user's plan retention, in every tenant."""
        return await self.container.conversations().purge(self.container.clock().now(), dry_run=dry_run)


class SyncTenant:
    """The synchronous twin of `AsyncTenant`: the same methods, run to completion."""

    def __init__(self, runner: asyncio.Runner, tenant: AsyncTenant) -> None:
        self._runner = runner
        self._tenant = tenant
        self.slug = tenant.slug

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._tenant, name)
        if not callable(method):
            return method  # type: ignore[no-any-return]

        @functools.wraps(method)
        def call(*args: Any, **kwargs: Any) -> Any:
            return self._runner.run(method(*args, **kwargs))

        return call


class Platform:
    """`AsyncPlatform` for scripts and notebooks: every method blocks until done."""

    def __init__(self, platform: AsyncPlatform, runner: asyncio.Runner | None = None) -> None:
        self._async = platform
        self._runner = runner or asyncio.Runner()

    @classmethod
    def in_memory(cls, settings: Settings | None = None) -> Platform:
        return cls(AsyncPlatform.in_memory(settings))

    @classmethod
    def open(cls, database_url: str | None = None, settings: Settings | None = None) -> Platform:
        """See `AsyncPlatform.open`; the platform's connections live on this object's own event loop."""
        runner = asyncio.Runner()
        try:
            return cls(runner.run(AsyncPlatform.open(database_url, settings)), runner)
        except BaseException:
            runner.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._run(self._async.close())
        self._runner.close()

    def create_tenant(self, slug: str, *, name: str = "") -> SyncTenant:
        return SyncTenant(self._runner, self._run(self._async.create_tenant(slug, name=name)))

    def tenant(self, slug: str) -> SyncTenant:
        return SyncTenant(self._runner, self._async.tenant(slug))

    def tenants(self) -> list[Tenant]:
        return self._run(self._async.tenants())

    def sweep_reservations(self) -> int:
        return self._run(self._async.sweep_reservations())

    def reconcile_quota(self, tenant: str | None = None) -> list[CounterDrift]:
        return self._run(self._async.reconcile_quota(tenant))

    def rebuild_quota(self, tenant: str) -> int:
        return self._run(self._async.rebuild_quota(tenant))

    def rotate_encryption_keys(self) -> Rotation:
        return self._run(self._async.rotate_encryption_keys())

    def purge(self, *, dry_run: bool = False) -> list[PurgeResult]:
        return self._run(self._async.purge(dry_run=dry_run))

    def _run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        return self._runner.run(coro)
