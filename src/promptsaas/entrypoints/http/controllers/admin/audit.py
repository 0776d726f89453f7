"""The tenant's audit log: every admin change, activation, rollback, grant and key event."""

from __future__ import annotations

from typing import Annotated

from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from promptsaas.application.admin import AdminService
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import AdminController
from promptsaas.entrypoints.http.openapi import ADMIN, problems
from promptsaas.entrypoints.http.schemas.admin import AuditRead

Count = Annotated[int, QueryParameter(ge=1, le=1000, description="How many entries, the newest first.")]


class AdminAuditController(AdminController):
    path = "/v1/admin/audit"
    tags = ["admin: reports"]

    @get("/", operation_id="adminListAuditEntries", summary="Read the audit log", responses=problems(*ADMIN))
    async def audit(
        self, admin: NamedDependency[AdminService], caller: NamedDependency[Caller], limit: Count = 50
    ) -> list[AuditRead]:
        """The newest entries of the tenant's audit log: who changed what, with a summary before and after."""
        entries = await admin.audit_log(caller.tenant_id, limit)
        return [
            AuditRead(
                id=e.id,
                actor=e.actor,
                action=e.action,
                target=e.target,
                before=e.before,
                after=e.after,
                created_at=e.created_at.isoformat(),
            )
            for e in entries
        ]
