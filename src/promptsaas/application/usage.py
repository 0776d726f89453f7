"""Usage reports and the check that quota counters agree with the usage records."""

from __future__ import annotations

from datetime import datetime

from promptsaas.application.ports.repositories import DenialCount, UsageQuery, UsageRow
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.domain.bounds import period
from promptsaas.domain.errors import InvalidInput
from promptsaas.domain.usage import UsageRecord

GROUPS = ("agent", "user", "plan", "day", "model")


class UsageService:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def report(
        self,
        tenant_id: str,
        *,
        group_by: str = "agent",
        since: datetime | None = None,
        until: datetime | None = None,
        user_id: str | None = None,
    ) -> list[UsageRow]:
        """Requests, tokens, cost and errors per agent, user, plan, day or model."""
        if group_by not in GROUPS:
            raise InvalidInput(f"group_by must be one of {', '.join(GROUPS)}", field="group_by")
        since, until = period(since, until)
        async with self._uow() as uow:
            return await uow.usage.summarize(UsageQuery(tenant_id, group_by, since, until, user_id))

    async def calls_of_request(self, tenant_id: str, request_id: str) -> list[UsageRecord]:
        """The usage records a request left (its `X-Request-ID` or generated id, as in its log lines)."""
        async with self._uow() as uow:
            return await uow.usage.records_of_request(tenant_id, request_id)

    async def denials_per_day(self, tenant_id: str, since: datetime) -> list[DenialCount]:
        """The calls the policy refused since `since`, counted per day and code."""
        async with self._uow() as uow:
            return await uow.usage.denials_per_day(tenant_id, since)
