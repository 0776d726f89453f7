"""Writing audit entries: every admin change leaves one, without secrets."""

from __future__ import annotations

from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.audit import AuditEntry


class AuditTrail:
    def __init__(self, clock: Clock, ids: IdGenerator) -> None:
        self._clock = clock
        self._ids = ids

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
        entry = AuditEntry(self._ids.new_id(), tenant_id, actor, action, target, self._clock.now(), before, after)
        await uow.audit.add(entry)
