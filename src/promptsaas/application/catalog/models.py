"""The model registry as a tenant's admins see and change it: the built-in entries overridden by the tenant's own,
each change audited. A model's provider must be configured in this deployment."""

from __future__ import annotations

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.catalog.service import SYSTEM_ACTOR
from promptsaas.application.model_registry import ModelRegistry
from promptsaas.application.paging import Page, PageRequest, slice_after
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.domain.errors import NotFound
from promptsaas.domain.models import ModelSpec


class ModelCatalog:
    def __init__(self, uow: UnitOfWorkFactory, audit: AuditTrail, registry: ModelRegistry) -> None:
        self._uow = uow
        self._audit = audit
        self.registry = registry

    async def models(self, tenant_id: str) -> list[ModelSpec]:
        async with self._uow() as uow:
            return sorted((await self.registry.effective(uow, tenant_id)).values(), key=lambda m: m.id)

    async def models_marked(self, tenant_id: str) -> list[tuple[ModelSpec, bool]]:
        """The effective registry by id, each entry with whether the tenant's own override is in force."""
        async with self._uow() as uow:
            effective = await self.registry.effective(uow, tenant_id)
            own = {m.id for m in await uow.models.list(tenant_id)}
        return [(effective[k], k in own) for k in sorted(effective)]

    async def models_page(self, tenant_id: str, page: PageRequest) -> Page[ModelSpec]:
        """The registry is built in plus a tenant's overrides: bounded, so it is paged in memory."""
        return slice_after(await self.models(tenant_id), page, lambda m: (m.id,))

    async def model(self, tenant_id: str, model_id: str) -> ModelSpec:
        async with self._uow() as uow:
            spec = (await self.registry.effective(uow, tenant_id)).get(model_id)
        if spec is None:
            raise NotFound("model", model_id)
        return spec

    async def put_model(self, tenant_id: str, model: ModelSpec, actor: str = SYSTEM_ACTOR) -> ModelSpec:
        async with self._uow() as uow:
            await self.save_model(uow, tenant_id, model, actor)
            await uow.commit()
        return model

    async def save_model(self, uow: UnitOfWork, tenant_id: str, model: ModelSpec, actor: str) -> bool:
        """Store a tenant's registry entry if it differs from the effective one; True when it changed.

        The entry's provider must be configured in this deployment, as for a model a prompt names.
        """
        self.registry.check_provider(model.id, field="model_id")
        if (await self.registry.effective(uow, tenant_id)).get(model.id) == model:
            return False
        await uow.models.put(tenant_id, model)
        prices = f"in={model.input_usd_per_mtok} out={model.output_usd_per_mtok} vision={model.vision}"
        await self._audit.record(uow, tenant_id, actor, "model.put", model.id, after=prices)
        return True
