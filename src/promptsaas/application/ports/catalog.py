"""The repositories of what a tenant offers: agents, their prompt versions, and the tenant's models."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import Protocol

from promptsaas.domain.agents import Agent
from promptsaas.domain.models import ModelSpec
from promptsaas.domain.prompts import PromptVersion


class AgentRepository(Protocol):
    @abstractmethod
    async def get(self, tenant_id: str, agent_id: str) -> Agent | None: ...
    @abstractmethod
    async def get_by_slug(self, tenant_id: str, slug: str) -> Agent | None: ...
    @abstractmethod
    async def with_active_versions(
        self, tenant_id: str, *, published_only: bool, after: str | None = None, limit: int | None = None
    ) -> list[tuple[Agent, PromptVersion | None]]:
        """Agents by slug, each with its active version, in a fixed number of statements whatever their count."""

    @abstractmethod
    async def list(self, tenant_id: str, after: str | None = None, limit: int | None = None) -> list[Agent]:
        """By slug; `after` (a slug) and `limit` page it."""

    @abstractmethod
    async def add(self, agent: Agent) -> None: ...
    @abstractmethod
    async def add_many(self, agents: Sequence[Agent]) -> None:
        """Insert many new agents in one statement."""

    @abstractmethod
    async def update(self, agent: Agent) -> None: ...


class PromptVersionRepository(Protocol):
    @abstractmethod
    async def get(self, tenant_id: str, agent_id: str, number: int) -> PromptVersion | None: ...
    @abstractmethod
    async def get_active(self, tenant_id: str, agent_id: str) -> PromptVersion | None: ...
    @abstractmethod
    async def list(
        self, tenant_id: str, agent_id: str, after: int | None = None, limit: int | None = None
    ) -> list[PromptVersion]:
        """The versions of an agent, oldest first; `after` (a number) and `limit` page it."""

    @abstractmethod
    async def add(self, version: PromptVersion) -> None: ...
    @abstractmethod
    async def add_many(self, versions: Sequence[PromptVersion]) -> None:
        """Insert many new versions in one statement."""

    @abstractmethod
    async def set_status(self, version: PromptVersion) -> None:
        """Store the lifecycle fields (status, activated_from); content never changes."""


class ModelRepository(Protocol):
    """A tenant's overrides of the built-in model registry."""

    @abstractmethod
    async def list(self, tenant_id: str) -> list[ModelSpec]: ...
    @abstractmethod
    async def put(self, tenant_id: str, model: ModelSpec) -> None: ...
