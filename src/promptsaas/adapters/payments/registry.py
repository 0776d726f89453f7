"""The payment providers the deployment runs, by name; several serve one tenant at once."""

from __future__ import annotations

from collections.abc import Iterable

from promptsaas.application.ports.payments import PaymentProvider, PaymentProviders
from promptsaas.domain.errors import NotFound


class PaymentProviderRegistry(PaymentProviders):
    def __init__(self, providers: Iterable[PaymentProvider]) -> None:
        self._by_name = {p.name: p for p in providers}

    def get(self, name: str) -> PaymentProvider:
        provider = self._by_name.get(name)
        if provider is None:
            raise NotFound("payment_provider", name)
        return provider

    def names(self) -> frozenset[str]:
        return frozenset(self._by_name)
