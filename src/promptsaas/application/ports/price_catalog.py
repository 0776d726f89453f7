"""The price catalog some payment providers keep (Stripe): a product per plan and a price per amount, created once
and found again by lookup key, so the plans can store the provider's price ids."""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from promptsaas.application.ports.payments import ProviderCredentials
from promptsaas.domain.billing import Interval


@dataclass(frozen=True, slots=True)
class CatalogPrice:
    """One price kept at a provider: found again by `lookup_key`, under one product per plan (`product_key`)."""

    product_key: str
    product_name: str
    lookup_key: str
    amount: int
    currency: str
    interval: Interval | None
    """`None` for a pack's one-time price."""


@dataclass(frozen=True, slots=True)
class EnsuredPrice:
    price_id: str
    created: bool
    """False when the provider already had a price under the lookup key (nothing was created)."""


@runtime_checkable
class ProviderPrices(Protocol):
    """Providers that keep a price catalog (Stripe): products and prices created once, found by lookup key."""

    @abstractmethod
    async def ensure_price(self, credentials: ProviderCredentials, price: CatalogPrice) -> EnsuredPrice:
        """The provider's price for `price.lookup_key`, created with its product when missing (idempotent)."""
