"""The embeddable library: `AsyncPlatform` (async) and `Platform` (its synchronous twin), on the same container.

async with AsyncPlatform.open("sqlite:///app.db") as platform:
    acme = await platform.create_tenant("acme", name="Acme Inc.")
    reply = await acme.chat("ann@example.com", "tutor", "What is 2+2?")

The tenant handles, `AsyncTenant` (`library_tenant.py`) and `SyncTenant` (`library_sync.py`), import from here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Generator
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from promptsaas.application.messages import Reply
from promptsaas.application.ports.quota import CounterDrift, QuotaLedger, QuotaReconciler
from promptsaas.application.provider_keys import Rotation
from promptsaas.application.retention import PurgeResult
from promptsaas.domain.errors import AccessDenied, DomainError
from promptsaas.domain.tenants import Tenant
from promptsaas.entrypoints.catalog_files import load_document as load_document
from promptsaas.entrypoints.composition.container import Container, build_container, shutdown
from promptsaas.entrypoints.composition.persistence import open_persistence
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library_loop import LoopThread
from promptsaas.entrypoints.library_results import AgentOverview, PlanCatalog, PlanLimits
from promptsaas.entrypoints.library_sync import SyncTenant
from promptsaas.entrypoints.library_tenant import AsyncTenant

_P = TypeVar("_P", bound="AsyncPlatform")

__all__ = [
    "AccessDenied",
    "AgentOverview",
    "AsyncPlatform",
    "AsyncTenant",
    "DomainError",
    "Opening",
    "PlanCatalog",
    "PlanLimits",
    "Platform",
    "Reply",
    "SyncTenant",
]


class Opening(Awaitable[_P], AbstractAsyncContextManager[_P], Generic[_P]):
    """What `AsyncPlatform.open` returns: `await` it for the platform, or `async with` it to close the platform
    when the block ends. Nothing is opened until one of the two happens."""

    def __init__(self, open_platform: Callable[[], Coroutine[Any, Any, _P]]) -> None:
        self._open = open_platform
        self._opened: list[_P] = []

    def __await__(self) -> Generator[Any, None, _P]:
        return self._open().__await__()

    async def __aenter__(self) -> _P:
        platform = await self._open()
        self._opened.append(platform)
        return platform

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._opened.pop().close()


class AsyncPlatform:
    """The platform for async code: every method is a coroutine, run on the caller's event loop."""

    def __init__(self, container: Container) -> None:
        self.container = container

    @classmethod
    def in_memory(cls, settings: Settings | None = None) -> Self:
        """A platform that lives in this process only (nothing is written to disk)."""
        return cls(build_container(settings or Settings(database_url="memory://")))

    @classmethod
    def open(cls, database_url: str | None = None, settings: Settings | None = None) -> Opening[Self]:
        """A platform on a database (default: `PROMPTSAAS_DATABASE_URL`). A new or outdated SQLite file is migrated;
        an outdated PostgreSQL schema is refused (`database_not_migrated`: run `promptsaas db upgrade`).

        `async with AsyncPlatform.open(url) as platform:` closes it at the end; `await AsyncPlatform.open(url)`
        hands it over, to be closed with `close()`."""
        return Opening(lambda: cls._opened(database_url, settings))

    @classmethod
    async def _opened(cls, database_url: str | None, settings: Settings | None) -> Self:
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
        return await self.container.conversation_history().purge(self.container.clock().now(), dry_run=dry_run)


class Platform:
    """`AsyncPlatform` for scripts and notebooks: every method blocks until done.

    The platform's coroutines run on a private event loop in a thread of its own, so the same object works from a
    plain script and from code already inside a running loop (Jupyter, an async web handler); `close()` (or the end
    of a `with` block) closes the platform and ends the thread."""

    def __init__(self, platform: AsyncPlatform, loop: LoopThread) -> None:
        self._async = platform
        self._loop = loop

    @classmethod
    def in_memory(cls, settings: Settings | None = None) -> Self:
        """See `AsyncPlatform.in_memory`."""

        async def build() -> AsyncPlatform:
            return AsyncPlatform.in_memory(settings)

        return cls._on_own_loop(build)

    @classmethod
    def open(cls, database_url: str | None = None, settings: Settings | None = None) -> Self:
        """See `AsyncPlatform.open`; the platform's connections live on this object's own event loop."""

        async def opened() -> AsyncPlatform:
            return await AsyncPlatform.open(database_url, settings)

        return cls._on_own_loop(opened)

    @classmethod
    def _on_own_loop(cls, make: Callable[[], Coroutine[Any, Any, AsyncPlatform]]) -> Self:
        loop = LoopThread()
        try:
            return cls(loop.run(make()), loop)
        except BaseException:
            loop.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def container(self) -> Container:
        return self._async.container

    def close(self) -> None:
        """Close the platform's connections and end its thread; a second call does nothing."""
        if self._loop.closed:
            return
        try:
            self._loop.run(self._async.close())
        finally:
            self._loop.close()

    def create_tenant(self, slug: str, *, name: str = "") -> SyncTenant:
        return SyncTenant(self._loop, self._loop.run(self._async.create_tenant(slug, name=name)))

    def tenant(self, slug: str) -> SyncTenant:
        return SyncTenant(self._loop, self._async.tenant(slug))

    def tenants(self) -> list[Tenant]:
        return self._loop.run(self._async.tenants())

    def sweep_reservations(self) -> int:
        return self._loop.run(self._async.sweep_reservations())

    def reconcile_quota(self, tenant: str | None = None) -> list[CounterDrift]:
        return self._loop.run(self._async.reconcile_quota(tenant))

    def rebuild_quota(self, tenant: str) -> int:
        return self._loop.run(self._async.rebuild_quota(tenant))

    def rotate_encryption_keys(self) -> Rotation:
        return self._loop.run(self._async.rotate_encryption_keys())

    def purge(self, *, dry_run: bool = False) -> list[PurgeResult]:
        return self._loop.run(self._async.purge(dry_run=dry_run))
