"""Plans: what a tenant sells, and which one new users get by default."""

from __future__ import annotations

from dataclasses import replace

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.lookups import plan_by_code
from promptsaas.application.paging import Page, PageRequest, slice_after
from promptsaas.application.ports.clock import IdGenerator
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.domain.errors import AlreadyExists, NotFound
from promptsaas.domain.plans import Plan, PlanStatus, check_plan_bounds

SYSTEM_ACTOR = "system"


def describe(plan: Plan) -> str:
    """A one-line summary of what a plan grants, for audit entries."""
    agents = "all" if plan.agents is None else ",".join(sorted(plan.agents))
    channels = "all" if plan.channels is None else ",".join(sorted(plan.channels))
    limits = ",".join(f"{lim.amount}/{lim.metric}/{lim.window}" for lim in plan.limits) or "unlimited"
    return f"agents={agents} channels={channels} limits={limits} byok={plan.byok} status={plan.status}"


class PlanService:
    def __init__(self, uow: UnitOfWorkFactory, ids: IdGenerator, audit: AuditTrail) -> None:
        self._uow = uow
        self._ids = ids
        self._audit = audit

    async def plans(self, tenant_id: str, *, public_only: bool = False) -> list[Plan]:
        async with self._uow() as uow:
            plans = await uow.plans.list(tenant_id)
        if public_only:
            plans = [p for p in plans if p.public and p.status is PlanStatus.ACTIVE]
        return sorted(plans, key=lambda p: (p.priority, p.code))

    async def plans_page(
        self, tenant_id: str, page: PageRequest, *, public_only: bool = False
    ) -> tuple[Page[Plan], str | None]:
        """A page of `catalog` (or `storefront`), by (priority, code): a tenant's price list is short, so it is paged
        after one read."""
        found, default = await self._with_default(tenant_id, public_only=public_only)
        return slice_after(found, page, lambda p: (p.priority, p.code)), default

    async def storefront(self, tenant_id: str) -> tuple[list[Plan], str | None]:
        """The public, active plans and the code of the tenant's default plan."""
        return await self._with_default(tenant_id, public_only=True)

    async def catalog(self, tenant_id: str) -> tuple[list[Plan], str | None]:
        """Every plan and the code of the tenant's default plan."""
        return await self._with_default(tenant_id, public_only=False)

    async def _with_default(self, tenant_id: str, *, public_only: bool) -> tuple[list[Plan], str | None]:
        async with self._uow() as uow:
            tenant = await uow.tenants.get(tenant_id)
        return await self.plans(tenant_id, public_only=public_only), tenant.default_plan_code if tenant else None

    async def plan(self, tenant_id: str, code: str) -> Plan:
        async with self._uow() as uow:
            return await plan_by_code(uow, tenant_id, code)

    async def create(self, plan: Plan, actor: str = SYSTEM_ACTOR) -> Plan:
        async with self._uow() as uow:
            if await uow.plans.get_by_code(plan.tenant_id, plan.code):
                raise AlreadyExists("plan", plan.code)
            await self.save(uow, plan, actor)
            await uow.commit()
        return plan

    async def update(self, tenant_id: str, code: str, actor: str = SYSTEM_ACTOR, **fields: object) -> Plan:
        async with self._uow() as uow:
            current = await plan_by_code(uow, tenant_id, code)
            plan = replace(current, **fields)  # type: ignore[arg-type]
            await self.save(uow, plan, actor)
            await uow.commit()
        return plan

    async def save(self, uow: UnitOfWork, plan: Plan, actor: str) -> bool:
        """Create or update a plan keyed by code (keeping its id); audited; True when anything changed."""
        current = await uow.plans.get_by_code(plan.tenant_id, plan.code)
        check_plan_bounds(plan, current)
        if current is None:
            plan = replace(plan, id=plan.id or self._ids.new_id())
            await uow.plans.add(plan)
            await self._audit.record(uow, plan.tenant_id, actor, "plan.create", plan.code, after=describe(plan))
            return True
        plan = replace(plan, id=current.id)
        if plan == current:
            return False
        await uow.plans.update(plan)
        await self._audit.record(
            uow, plan.tenant_id, actor, "plan.update", plan.code, describe(current), describe(plan)
        )
        return True

    async def set_default(self, uow: UnitOfWork, tenant_id: str, code: str | None, actor: str) -> bool:
        tenant = await uow.tenants.get(tenant_id)
        if tenant is None:
            raise NotFound("tenant", tenant_id)
        if tenant.default_plan_code == code:
            return False
        before = tenant.default_plan_code or ""
        tenant.default_plan_code = code
        await uow.tenants.update(tenant)
        await self._audit.record(uow, tenant_id, actor, "plan.default", code or "", before, code or "")
        return True
