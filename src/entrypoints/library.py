"""The embeddable library: `AsyncPlatform` (async) and `Platform` (its synchronous twin), on the same container.

async with AsyncPlatform.in_memory() as platform:
    acme = await platform.create_tenant("acme", name="Acme Inc.")
    reply = await acme.chat("ann@example.com", "tutor", "What is 2+2?")
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import yaml

from application.access import LimitView
from application.catalog_apply import ApplyResult
from application.catalog_document import parse_prompt
from application.conversations import InboundMessage, Reply
from application.ports.repositories import UsageRow
from domain.audit import AuditEntry
from domain.channels import Channel
from domain.errors import AccessDenied, DomainError, InvalidInput
from domain.plans import Plan
from domain.prompts import PromptVersion
from domain.subscriptions import Subscription
from domain.tenants import Tenant
from domain.users import Role, User
from entrypoints.container import Container, build_container
from entrypoints.settings import Settings

_T = TypeVar("_T")

__all__ = ["AccessDenied", "AsyncPlatform", "AsyncTenant", "DomainError", "Platform", "Reply", "SyncTenant"]


def load_document(document: dict[str, Any] | str | Path) -> Any:
    """A catalog given as a dict, or as the path of a YAML (or JSON) file."""
    if isinstance(document, dict):
        return document
    path = Path(document)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InvalidInput(f"cannot read catalog file {str(path)!r}: {error.strerror}", field="file") from None
    except yaml.YAMLError as error:
        raise InvalidInput(f"{path} is not valid YAML: {error}", field="file") from None


class AsyncTenant:
    """Everything a script can do within one tenant."""

    def __init__(self, container: Container, slug: str, tenant: Tenant | None = None) -> None:
        self._c = container
        self.slug = slug
        self._tenant = tenant

    async def id(self) -> str:
        if self._tenant is None:
            self._tenant = await self._c.admin().tenant(self.slug)
        return self._tenant.id

    async def apply_catalog(self, document: dict[str, Any] | str | Path, *, prune: bool = False) -> ApplyResult:
        return await self._c.catalog_apply().apply(await self.id(), load_document(document), prune=prune)

    async def create_user(
        self, email: str, password: str | None = None, role: str = "member", display_name: str = ""
    ) -> User:
        role_ = _choice(Role, role, "role")
        if password is not None:
            return await self._c.auth().register(
                await self.id(), email, password, display_name=display_name, role=role_
            )
        return await self._c.admin().create_user(await self.id(), email, display_name=display_name, role=role_)

    async def verify_password(self, email: str, password: str) -> User:
        return await self._c.auth().verify_password(await self.id(), email, password)

    async def users(self) -> list[User]:
        return await self._c.admin().users(await self.id())

    async def grant_subscription(self, email: str, plan: str, days: int | None = None) -> Subscription:
        return await self._c.billing().grant_subscription(await self.id(), email, plan, days=days)

    async def cancel_subscription(self, subscription_id: str) -> Subscription:
        return await self._c.billing().cancel_subscription(await self.id(), subscription_id)

    async def subscriptions(self, email: str | None = None) -> list[Subscription]:
        return await self._c.admin().subscriptions(await self.id(), email)

    async def plans(self) -> list[Plan]:
        return await self._c.plans().plans(await self.id())

    async def limits(self, email: str) -> list[tuple[str, list[LimitView]]]:
        user = await self._c.admin().user(await self.id(), email)
        return await self._c.access().limits(await self.id(), user.id)

    async def chat(
        self,
        email: str,
        agent: str,
        text: str,
        *,
        variables: dict[str, object] | None = None,
        style: str | None = None,
        conversation_id: str | None = None,
        channel: str = "library",
    ) -> Reply:
        """One message to an agent as a user; raises `AccessDenied` when the policy refuses."""
        user = await self._c.admin().user(await self.id(), email)
        message = InboundMessage(
            await self.id(),
            user.id,
            _choice(Channel, channel, "channel"),
            agent,
            text,
            variables or {},
            style,
            conversation_id,
        )
        return await self._c.conversations().chat(message)

    async def create_prompt_version(
        self,
        agent: str,
        *,
        system: str,
        model: str,
        params: dict[str, Any] | None = None,
        variables: dict[str, Any] | None = None,
        user: str | None = None,
        note: str = "",
    ) -> int:
        """A new draft version (in the catalog's `prompt:` shape); returns its number."""
        block = {"system": system, "model": model, "params": params, "variables": variables, "user": user}
        content, _ = parse_prompt({k: v for k, v in block.items() if v is not None})
        version = await self._c.catalog().create_version(await self.id(), agent, content, note=note)
        return version.number

    async def activate_prompt_version(self, agent: str, version: int) -> PromptVersion:
        return await self._c.catalog().activate(await self.id(), agent, version)

    async def rollback_prompt(self, agent: str) -> int:
        return (await self._c.catalog().rollback(await self.id(), agent)).number

    async def prompt_versions(self, agent: str) -> list[PromptVersion]:
        return await self._c.catalog().versions(await self.id(), agent)

    async def prompt_diff(self, agent: str, a: int, b: int) -> str:
        return await self._c.catalog().diff(await self.id(), agent, a, b)

    async def usage_report(self, group_by: str = "agent") -> list[UsageRow]:
        return await self._c.usage().report(await self.id(), group_by=group_by)

    async def audit_log(self, limit: int = 50) -> list[AuditEntry]:
        return await self._c.admin().audit_log(await self.id(), limit)


class AsyncPlatform:
    def __init__(self, container: Container) -> None:
        self.container = container

    @classmethod
    def in_memory(cls, settings: Settings | None = None) -> AsyncPlatform:
        """A platform that lives in this process only (nothing is written to disk)."""
        return cls(build_container(settings or Settings(database_url="memory://")))

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        result = self.container.shutdown_resources()
        if asyncio.iscoroutine(result):
            await result

    async def create_tenant(self, slug: str, *, name: str = "") -> AsyncTenant:
        tenant = await self.container.admin().create_tenant(slug, name)
        return AsyncTenant(self.container, slug, tenant)

    def tenant(self, slug: str) -> AsyncTenant:
        return AsyncTenant(self.container, slug)

    async def tenants(self) -> list[Tenant]:
        return await self.container.admin().tenants()

    async def sweep_reservations(self) -> int:
        """Release reservations whose call died before settling."""
        return await self.container.ledger().sweep(self.container.clock().now())


def _choice(kind: Any, value: str, field: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        options = ", ".join(v.value for v in kind)
        raise InvalidInput(f"{field} must be one of {options}, got {value!r}", field=field) from None


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

    def __init__(self, platform: AsyncPlatform) -> None:
        self._async = platform
        self._runner = asyncio.Runner()

    @classmethod
    def in_memory(cls, settings: Settings | None = None) -> Platform:
        return cls(AsyncPlatform.in_memory(settings))

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

    def _run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        return self._runner.run(coro)
