"""Writing audit entries: every admin change leaves one, without secrets."""

from __future__ import annotations

from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.unit_of_work import UnitOfWork
from promptsaas.application.read_cache import ReadCache
from promptsaas.application.request_scope import current_request_id
from promptsaas.domain.audit import AuditEntry


class AuditTrail:
    def __init__(self, clock: Clock, ids: IdGenerator, cache: ReadCache | None = None) -> None:
        self._clock = clock
        self._ids = ids
        self._cache = cache

    async def record(
        self,
        uow: UnitOfWork,
        tenant_id: str,
        actor: str,
        action: str,
        target: str,
        before: str = "",
        after: str = "",
    ) -> None:
        entry = AuditEntry(
            self._ids.new_id(),
            tenant_id,
            actor,
            action,
            target,
            self._clock.now(),
            before,
            after,
            current_request_id() or "",
        )
        await self.record_many(uow, [entry])

    async def record_many(self, uow: UnitOfWork, entries: list[AuditEntry]) -> None:
        """Entries built beforehand (a staged catalog apply), written in one statement."""
        if not entries:
            return
        await uow.audit.add_many(entries)
        tenant_id = entries[0].tenant_id
        if self._cache is not None:
            cache = self._cache
            cache.invalidate(tenant_id)
            # Again once committed: a request of this process may have cached the old rows in between.
            uow.after_commit(lambda: cache.invalidate(tenant_id))
