"""The tenant's audit log: every admin change, activation, rollback, grant and key event."""

from __future__ import annotations

from litestar import Response, get
from litestar.di import NamedDependency

from promptsaas.application.admin import AdminService
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import AdminController
from promptsaas.entrypoints.http.openapi import ADMIN, problems
from promptsaas.entrypoints.http.paging import PAGE_HEADERS, PAGED, PageCursor, PageLimit, page_request, paged
from promptsaas.entrypoints.http.schemas.admin import AuditRead


class AdminAuditController(AdminController):
    path = "/v1/admin/audit"
    tags = ["admin: reports"]

    @get(
        "/",
        operation_id="adminListAuditEntries",
        summary="Read the audit log",
        responses=problems(*ADMIN, *PAGED),
        response_headers=PAGE_HEADERS,
    )
    async def audit(
        self,
        admin: NamedDependency[AdminService],
        caller: NamedDependency[Caller],
        limit: PageLimit = None,
        cursor: PageCursor = None,
    ) -> Response[list[AuditRead]]:
        """The tenant's audit log, newest first, a page at a time: who changed what, with a summary before and
        after."""
        entries = await admin.audit_page(caller.tenant_id, page_request(limit, cursor))
        return paged(
            [
                AuditRead(
                    id=e.id,
                    actor=e.actor,
                    action=e.action,
                    target=e.target,
                    before=e.before,
                    after=e.after,
                    created_at=e.created_at.isoformat(),
                    request_id=e.request_id,
                )
                for e in entries.items
            ],
            entries.next_cursor,
        )
