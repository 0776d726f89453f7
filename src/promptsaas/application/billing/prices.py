"""The plans' prices at a provider that keeps a catalog (Stripe): for every priced plan or pack without a stored
price id, the product and price are found by lookup key or created once, and their ids stored on the plan."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.billing.accounts import PaymentAccounts
from promptsaas.application.ports.payments import PaymentProviders
from promptsaas.application.ports.price_catalog import CatalogPrice, ProviderPrices
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.domain.billing import Interval
from promptsaas.domain.errors import InvalidInput
from promptsaas.domain.plans import Plan, PlanStatus

SYSTEM_ACTOR = "system"


@dataclass(frozen=True, slots=True)
class PriceSynced:
    """A price id now stored on a plan; `created` False when the provider already had it (found by lookup key)."""

    plan_code: str
    key: str
    """Which of the plan's prices: `stripe_monthly`, `stripe_yearly` or `stripe_once`."""
    price_id: str
    amount: int
    currency: str
    created: bool


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", text)


def missing_prices(provider: str, tenant_id: str, plan: Plan) -> list[tuple[str, CatalogPrice]]:
    """The prices `plan` sells that have no id at `provider` yet, with the lookup keys that find them again (the
    amount is part of the key: a changed price is a new price)."""
    price = plan.price
    if price is None or plan.status is not PlanStatus.ACTIVE:
        return []
    wanted: list[tuple[str, int | None, Interval | None]] = (
        [("once", price.once, None)]
        if plan.is_pack
        else [("monthly", price.monthly, Interval.MONTH), ("yearly", price.yearly, Interval.YEAR)]
    )
    product = _safe(f"promptsaas-{tenant_id}-{plan.code}")
    return [
        (
            f"{provider}_{name}",
            CatalogPrice(
                product, plan.name, f"{product}-{name}-{amount}{price.currency}", amount, price.currency, when
            ),
        )
        for name, amount, when in wanted
        if amount and price.provider_id(f"{provider}_{name}") is None
    ]


class PriceCatalog:
    def __init__(
        self, uow: UnitOfWorkFactory, providers: PaymentProviders, accounts: PaymentAccounts, audit: AuditTrail
    ) -> None:
        self._uow = uow
        self._providers = providers
        self._accounts = accounts
        self._audit = audit

    async def sync(self, tenant_id: str, provider: str = "stripe", actor: str = SYSTEM_ACTOR) -> list[PriceSynced]:
        """Create what is missing at the provider and store the ids; running it again creates and changes nothing."""
        adapter = self._providers.get(provider)
        if not isinstance(adapter, ProviderPrices):
            raise InvalidInput(f"{provider} keeps no price catalog", field="provider")
        async with self._uow() as uow:
            plans = await uow.plans.list(tenant_id)
            credentials = await self._accounts.credentials(uow, tenant_id, provider)
        synced: list[PriceSynced] = []
        for plan in sorted(plans, key=lambda p: p.code):
            found = []
            for key, wanted in missing_prices(provider, tenant_id, plan):
                ensured = await adapter.ensure_price(credentials, wanted)
                found.append(
                    PriceSynced(plan.code, key, ensured.price_id, wanted.amount, wanted.currency, ensured.created)
                )
            if found:
                await self._store(tenant_id, plan.code, found, actor)
                synced += found
        return synced

    async def _store(self, tenant_id: str, plan_code: str, found: list[PriceSynced], actor: str) -> None:
        async with self._uow() as uow:
            plan = await uow.plans.get_by_code(tenant_id, plan_code)
            if plan is None or plan.price is None:
                return
            ids = dict(plan.price.provider_ids)
            for synced in found:
                ids[synced.key] = ids.get(synced.key) or synced.price_id
            await uow.plans.update(replace(plan, price=replace(plan.price, provider_ids=tuple(sorted(ids.items())))))
            after = ", ".join(f"{s.key}={s.price_id}" for s in found)
            await self._audit.record(uow, tenant_id, actor, "plan.prices", plan_code, after=after)
            await uow.commit()
