"""The repositories of what is sold and held: plans and the subscriptions to them."""

from __future__ import annotations

from abc import abstractmethod
from datetime import datetime
from typing import Protocol

from promptsaas.domain.plans import Plan
from promptsaas.domain.subscriptions import Subscription


class PlanRepository(Protocol):
    @abstractmethod
    async def get_by_code(self, tenant_id: str, code: str) -> Plan | None: ...
    @abstractmethod
    async def list(self, tenant_id: str, after: str | None = None, limit: int | None = None) -> list[Plan]:
        """By code; `after` (a code) and `limit` page it."""

    @abstractmethod
    async def add(self, plan: Plan) -> None: ...
    @abstractmethod
    async def update(self, plan: Plan) -> None: ...


class SubscriptionRepository(Protocol):
    @abstractmethod
    async def get(self, tenant_id: str, subscription_id: str) -> Subscription | None: ...
    @abstractmethod
    async def list_for_user(self, tenant_id: str, user_id: str) -> list[Subscription]: ...
    @abstractmethod
    async def list(
        self, tenant_id: str, after: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[Subscription]:
        """By (current_period_start, id); `after` and `limit` page it."""

    @abstractmethod
    async def add(self, subscription: Subscription) -> None: ...
    @abstractmethod
    async def update(self, subscription: Subscription) -> None: ...
