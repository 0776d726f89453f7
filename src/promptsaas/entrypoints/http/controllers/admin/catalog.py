"""The declarative catalog: agents, prompt versions, plans and models applied from one document."""

from __future__ import annotations

from typing import Any

from litestar import put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from promptsaas.application.catalog.apply import CatalogApplier
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import AdminController, actor
from promptsaas.entrypoints.http.openapi import ADMIN, problems
from promptsaas.entrypoints.http.schemas.admin import CatalogApplied


class AdminCatalogController(AdminController):
    path = "/v1/admin/catalog"
    tags = ["admin: catalog"]

    @put(
        "/",
        status_code=HTTP_200_OK,
        operation_id="adminApplyCatalog",
        summary="Apply a catalog document",
        responses=problems(*ADMIN, "catalog_invalid", "invalid_variables", "unknown_model", "unknown_provider"),
    )
    async def apply(
        self,
        catalog_apply: NamedDependency[CatalogApplier],
        caller: NamedDependency[Caller],
        data: JSONBody[dict[str, Any]],
    ) -> CatalogApplied:
        """Apply a catalog document (the schema and semantics of `promptsaas catalog apply`) as one change:
        the answer lists what changed; applying the same document again changes nothing."""
        result = await catalog_apply.apply(caller.tenant_id, data, actor=actor(caller))
        return CatalogApplied(changes=result.changes)
