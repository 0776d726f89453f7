"""`GET /v1/models`: the agents the caller may use, in OpenAI's list shape (`id` is the agent's slug)."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency

from promptsaas.application.storefront import StorefrontService
from promptsaas.domain.decisions import Reason
from promptsaas.entrypoints.http.caller import Caller
from promptsaas.entrypoints.http.controllers.audiences import MemberController
from promptsaas.entrypoints.http.openai.errors import HANDLERS, documented
from promptsaas.entrypoints.http.openai.schemas import ModelCard, ModelList
from promptsaas.entrypoints.http.openapi import SIGNED_IN

USABLE = frozenset({Reason.OK, Reason.RATE_LIMITED, Reason.QUOTA_EXCEEDED})
"""A limit used up for now does not take an agent off the list: the plan still grants it."""


class OpenAIModelsController(MemberController):
    path = "/v1/models"
    tags = ["openai"]
    exception_handlers = HANDLERS

    @get(
        "/",
        operation_id="listModels",
        include_in_schema=False,  # OpenAI's own API reference documents these shapes
        summary="List the agents as OpenAI models",
        responses=documented(*SIGNED_IN, "internal_error"),
    )
    async def models(
        self, storefront: NamedDependency[StorefrontService], caller: NamedDependency[Caller]
    ) -> ModelList:
        """The published agents the caller's plans grant on this channel, for any OpenAI client's model picker."""
        listing = (await storefront.agents(caller.tenant_id, caller.user.id, caller.channel)).items
        cards = [
            ModelCard(id=agent.slug, created=int(agent.created_at.timestamp()), owned_by=caller.tenant_id)
            for agent, decision in listing
            if decision.code in USABLE
        ]
        return ModelList(data=cards)
