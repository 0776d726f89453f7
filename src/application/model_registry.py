"""The effective model registry of a tenant: the built-in entries, overridden by the tenant's own."""

from __future__ import annotations

from collections.abc import Iterable

from application.ports.unit_of_work import UnitOfWork
from domain.errors import InvalidInput
from domain.models import ModelSpec


class ModelRegistry:
    def __init__(self, builtin: Iterable[ModelSpec]) -> None:
        self._builtin = {m.id: m for m in builtin}

    async def effective(self, uow: UnitOfWork, tenant_id: str) -> dict[str, ModelSpec]:
        return self._builtin | {m.id: m for m in await uow.models.list(tenant_id)}

    async def resolve(self, uow: UnitOfWork, tenant_id: str, model_id: str) -> ModelSpec:
        """The entry for a model, or a configuration error naming it."""
        spec = (await self.effective(uow, tenant_id)).get(model_id)
        if spec is None:
            raise InvalidInput(
                f"unknown model {model_id!r}: add it to the catalog's models section",
                field="model",
                code="unknown_model",
            )
        return spec
