"""The model registry: built-in models and prices, overridden per tenant."""

from __future__ import annotations

from decimal import Decimal

from litestar import Response, get, put
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK

from promptsaas.application.catalog.models import ModelCatalog
from promptsaas.domain.models import ModelSpec
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import AdminController, actor
from promptsaas.entrypoints.http.openapi import ADMIN, problems
from promptsaas.entrypoints.http.paging import PAGE_HEADERS, PAGED, PageCursor, PageLimit, page_request, paged
from promptsaas.entrypoints.http.parameters import ModelId
from promptsaas.entrypoints.http.schemas.admin import ModelIn, ModelRead


def _model_read(model: ModelSpec) -> ModelRead:
    return ModelRead(
        id=model.id,
        input_usd_per_mtok=str(model.input_usd_per_mtok),
        output_usd_per_mtok=str(model.output_usd_per_mtok),
        context_window=model.context_window,
        vision=model.vision,
    )


class AdminModelsController(AdminController):
    path = "/v1/admin/models"
    tags = ["admin: catalog"]

    @get(
        "/",
        operation_id="adminListModels",
        summary="List the models",
        responses=problems(*ADMIN, *PAGED),
        response_headers=PAGE_HEADERS,
    )
    async def models(
        self,
        model_catalog: NamedDependency[ModelCatalog],
        caller: NamedDependency[Caller],
        limit: PageLimit = None,
        cursor: PageCursor = None,
    ) -> Response[list[ModelRead]]:
        """The effective model registry by id, a page at a time: built-in entries overridden by the tenant's own."""
        models = await model_catalog.models_page(caller.tenant_id, page_request(limit, cursor))
        return paged([_model_read(m) for m in models.items], models.next_cursor)

    @get(
        "/{model_id:str}",
        operation_id="adminGetModel",
        summary="Show a model",
        responses=problems(*ADMIN, "model_not_found"),
    )
    async def model(
        self, model_catalog: NamedDependency[ModelCatalog], caller: NamedDependency[Caller], model_id: ModelId
    ) -> ModelRead:
        """One model of the effective registry, with the prices the tenant pays for it."""
        return _model_read(await model_catalog.model(caller.tenant_id, model_id))

    @put(
        "/{model_id:str}",
        status_code=HTTP_200_OK,
        operation_id="adminSetModel",
        summary="Set a model's prices",
        responses=problems(*ADMIN, "unknown_provider"),
    )
    async def put_model(
        self,
        model_catalog: NamedDependency[ModelCatalog],
        caller: NamedDependency[Caller],
        model_id: ModelId,
        data: JSONBody[ModelIn],
    ) -> ModelRead:
        """Add a model to the tenant's registry, or override a built-in one's prices and context window."""
        spec = ModelSpec(
            model_id,
            Decimal(str(data.input_usd_per_mtok)),
            Decimal(str(data.output_usd_per_mtok)),
            data.context_window,
            data.vision,
        )
        return _model_read(await model_catalog.put_model(caller.tenant_id, spec, actor(caller)))
