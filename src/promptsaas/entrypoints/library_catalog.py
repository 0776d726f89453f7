"""The tenant handle's catalog methods (`AsyncTenant` inherits them; `SyncTenant` runs each on its loop): applying
and exporting a catalog document, agents and their publication, and prompt versions (create, push, activate, roll
back, diff)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from promptsaas.application.catalog.apply import ApplyResult
from promptsaas.application.catalog.document import parse_prompt
from promptsaas.domain.agents import Agent, AgentStatus
from promptsaas.domain.prompts import PromptVersion
from promptsaas.entrypoints.catalog_files import load_document
from promptsaas.entrypoints.composition.container import Container
from promptsaas.entrypoints.library_results import AgentOverview


class AsyncTenantCatalog:
    _c: Container

    if TYPE_CHECKING:

        async def id(self) -> str: ...

    async def apply_catalog(self, document: dict[str, Any] | str | Path, *, prune: bool = False) -> ApplyResult:
        loaded = load_document(document)  # a faulty file is refused before anything is looked up
        return await self._c.catalog_apply().apply(await self.id(), loaded, prune=prune)

    async def agents(self) -> list[AgentOverview]:
        """Every agent with the number of its active prompt version."""
        return [AgentOverview(*pair) for pair in await self._c.catalog().overview(await self.id())]

    async def agent(self, slug: str) -> AgentOverview:
        return AgentOverview(*await self._c.catalog().agent_with_active(await self.id(), slug))

    async def publish_agent(self, slug: str) -> Agent:
        return await self._c.catalog().update_agent(await self.id(), slug, status=AgentStatus.PUBLISHED)

    async def retire_agent(self, slug: str) -> Agent:
        return await self._c.catalog().update_agent(await self.id(), slug, status=AgentStatus.RETIRED)

    async def export_catalog(self) -> dict[str, Any]:
        """The tenant's catalog in the schema `apply_catalog` reads (applying it back changes nothing)."""
        return await self._c.catalog_export().export(await self.id())

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

    async def push_prompt(
        self, agent: str, block: dict[str, Any] | str | Path, *, activate: bool = False
    ) -> PromptVersion:
        """A new version from a `prompt:` block (a dict, or a YAML file holding `prompt:`), optionally activated."""
        document = load_document(block)
        if isinstance(document, dict) and set(document) == {"prompt"}:
            document = document["prompt"]
        content, note = parse_prompt(document)
        version = await self._c.catalog().create_version(await self.id(), agent, content, note=note)
        return await self.activate_prompt_version(agent, version.number) if activate else version

    async def activate_prompt_version(self, agent: str, version: int) -> PromptVersion:
        return await self._c.catalog().activate(await self.id(), agent, version)

    async def rollback_prompt(self, agent: str) -> int:
        return (await self._c.catalog().rollback(await self.id(), agent)).number

    async def prompt_versions(self, agent: str) -> list[PromptVersion]:
        return await self._c.catalog().versions(await self.id(), agent)

    async def prompt_diff(self, agent: str, a: int, b: int) -> str:
        return await self._c.catalog().diff(await self.id(), agent, a, b)
