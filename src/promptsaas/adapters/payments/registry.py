"""The payment providers the deployment runs, by name; several serve one tenant at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from promptsaas.application.ports.payments import PaymentProvider, PaymentProviders
from promptsaas.domain.errors import NotFound


class PaymentProviderRegistry(PaymentProviders):
    """`providers` are ready; each of `built_on_first_use` is made when first asked for, so a process that never
    bills through it never imports its SDK."""

    def __init__(
        self,
        providers: Iterable[PaymentProvider],
        built_on_first_use: Mapping[str, Callable[[], PaymentProvider]] | None = None,
    ) -> None:
        self._by_name = {p.name: p for p in providers}
        self._later = dict(built_on_first_use or {})

    def get(self, name: str) -> PaymentProvider:
        provider = self._by_name.get(name)
        if provider is None and name in self._later:
            provider = self._by_name[name] = self._later.pop(name)()
        if provider is None:
            raise NotFound("payment_provider", name)
        return provider

    def names(self) -> frozenset[str]:
        return frozenset(self._by_name) | frozenset(self._later)
