"""`TenantReads`: the tenants as a process that only reads lists them (the CLI's read commands), without a unit of
work; synchronous, for such a process has nothing else to wait for meanwhile."""

from __future__ import annotations

from abc import abstractmethod
from typing import Protocol

from promptsaas.domain.tenants import Tenant


class TenantReads(Protocol):
    @abstractmethod
    def list(self) -> list[Tenant]:
        """Every tenant, by slug: what `TenantRepository.list` answers."""
