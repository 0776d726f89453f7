"""Plans on sale, agents to browse, and runs: one message to an agent."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, HeaderParameter, JSONBody
from litestar.status_codes import HTTP_200_OK

from promptsaas.application.conversations import InboundMessage
from promptsaas.domain.conversations import ImagePart
from promptsaas.entrypoints.http.caller import OPTIONALLY_SIGNED_IN, Caller, container_of, tenant_of_request
from promptsaas.entrypoints.http.controllers.audiences import MemberController
from promptsaas.entrypoints.http.openapi import errors
from promptsaas.entrypoints.http.schemas.members import (
    AccessRead,
    AgentDetail,
    AgentSummary,
    Attachment,
    PlanRead,
    RunCreate,
    RunRead,
    UsageRead,
)
from promptsaas.entrypoints.http.views import limit_read, plan_read


def _image(attachment: Attachment) -> ImagePart:
    return ImagePart(mime_type=attachment.mime_type or "", url=attachment.url, data=attachment.data)


class PlansController(Controller):
    path = "/v1/plans"
    tags = ["catalog"]
    security = OPTIONALLY_SIGNED_IN

    @get("/", responses=errors(401, 404), dependencies={"tenant_id": Provide(tenant_of_request)})
    async def plans(self, request: Request[Any, Any, Any], tenant_id: NamedDependency[str]) -> list[PlanRead]:
        """The tenant's public plans with prices and limits (anonymous callers send `X-Tenant`)."""
        plans, default = await container_of(request).plans().storefront(tenant_id)
        return [plan_read(p, default) for p in plans]


class AgentsController(MemberController):
    path = "/v1/agents"
    tags = ["agents"]

    @get("/", responses=errors(401))
    async def agents(self, request: Request[Any, Any, Any], caller: NamedDependency[Caller]) -> list[AgentSummary]:
        """Published agents, each with whether the caller may use it now and why not."""
        listing = await container_of(request).storefront().agents(caller.tenant_id, caller.user.id, caller.channel)
        return [
            AgentSummary(
                slug=a.slug,
                name=a.name,
                description=a.description,
                access=AccessRead(allowed=d.allowed, code=d.code.value),
            )
            for a, d in listing
        ]

    @get("/{slug:str}", responses=errors(401, 404))
    async def agent(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], slug: FromPath[str]
    ) -> AgentDetail:
        setup = await container_of(request).storefront().agent(caller.tenant_id, slug)
        content = setup.version.content if setup.version else None
        return AgentDetail(
            slug=setup.agent.slug,
            name=setup.agent.name,
            description=setup.agent.description,
            status=setup.agent.status.value,
            styles=sorted(setup.agent.styles),
            variables={v.name: v.describe() for v in content.variables} if content else {},
            model=content.model if content else None,
        )

    @post("/{slug:str}/runs", status_code=HTTP_200_OK, responses=errors(401, 402, 403, 404, 409, 429, 502, 504))
    async def run(
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        slug: FromPath[str],
        data: JSONBody[RunCreate],
        idempotency_key: Annotated[str | None, HeaderParameter(name="Idempotency-Key", max_length=200)] = None,
    ) -> RunRead:
        """Send one message to an agent. A retry with the same `Idempotency-Key` returns the first result."""
        message = InboundMessage(
            tenant_id=caller.tenant_id,
            user_id=caller.user.id,
            channel=caller.channel,
            agent=slug,
            text=data.input,
            variables=data.variables or {},
            style=data.style,
            conversation_id=data.conversation_id,
            images=tuple(_image(a) for a in data.attachments or ()),
            idempotency_key=idempotency_key,
        )
        reply = await container_of(request).runs().chat(message)
        return RunRead(
            text=reply.text,
            conversation_id=reply.conversation_id,
            usage=UsageRead(
                input_tokens=reply.usage.input_tokens,
                output_tokens=reply.usage.output_tokens,
                cost_micros=reply.usage.cost_micros,
                funding=reply.usage.funding,
            ),
            limits=[limit_read(v) for v in reply.limits],
            model=reply.model,
            prompt_version=reply.prompt_version,
        )
