"""The effective model registry of a tenant: the built-in entries, overridden by the tenant's own.

A model is usable only when its provider is configured in this deployment (the `LlmProviders` port knows which),
so a catalog naming another provider is refused when it is applied, not when the model is first called.
"""

from __future__ import annotations

from collections.abc import Iterable

from promptsaas.application.ports.llm import LlmProviders
from promptsaas.application.ports.unit_of_work import UnitOfWork
from promptsaas.domain.errors import InvalidInput
from promptsaas.domain.models import ModelSpec, split_model_ref


class ModelRegistry:
    def __init__(self, builtin: Iterable[ModelSpec], providers: LlmProviders) -> None:
        self._builtin = {m.id: m for m in builtin}
        self._providers = providers

    async def effective(self, uow: UnitOfWork, tenant_id: str) -> dict[str, ModelSpec]:
        return self._builtin | {m.id: m for m in await uow.models.list(tenant_id)}

    async def resolve(self, uow: UnitOfWork, tenant_id: str, model_id: str) -> ModelSpec:
        """The entry for a model, or a configuration error naming it (unknown, or its provider not configured)."""
        spec = (await self.effective(uow, tenant_id)).get(model_id)
        if spec is None:
            raise InvalidInput(
                f"unknown model {model_id!r}: add it to the catalog's models section",
                field="model",
                code="unknown_model",
            )
        self.check_provider(model_id)
        return spec

    def check_provider(self, model_id: str, *, field: str = "model") -> None:
        problem = self.provider_problem(model_id)
        if problem is not None:
            raise InvalidInput(problem, field=field, code="unknown_provider")

    def provider_problem(self, model_id: str) -> str | None:
        """Why this deployment cannot serve the model's provider, or `None` when it can."""
        provider = split_model_ref(model_id)[0]
        configured = self._providers.names()
        if provider in configured:
            return None
        return (
            f"model {model_id!r} needs provider {provider!r}, which is not configured in this deployment "
            f"(configured: {', '.join(sorted(configured))})"
        )
