"""The caller's conversations and their own usage."""

from __future__ import annotations

from typing import Any

from litestar import Request, delete, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_204_NO_CONTENT

from promptsaas.domain.conversations import ImagePart
from promptsaas.entrypoints.http.caller import Caller, container_of
from promptsaas.entrypoints.http.controllers.audiences import MemberController
from promptsaas.entrypoints.http.openapi import errors
from promptsaas.entrypoints.http.schemas.members import (
    ConversationDetail,
    ConversationRead,
    MessageRead,
    MyUsageRead,
    PlanUsageRead,
)
from promptsaas.entrypoints.http.views import conversation_read, limit_read


class ConversationsController(MemberController):
    path = "/v1/conversations"
    tags = ["conversations"]

    @get("/", responses=errors(401))
    async def conversations(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller]
    ) -> list[ConversationRead]:
        items = await container_of(request).conversations().conversations(caller.tenant_id, caller.user.id)
        return [conversation_read(c) for c in items]

    @get("/{conversation_id:str}", responses=errors(401, 404))
    async def conversation(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], conversation_id: FromPath[str]
    ) -> ConversationDetail:
        service = container_of(request).conversations()
        conversation, messages = await service.conversation(caller.tenant_id, caller.user.id, conversation_id)
        base = conversation_read(conversation)
        return ConversationDetail(
            id=base.id,
            agent_id=base.agent_id,
            channel=base.channel,
            title=base.title,
            created_at=base.created_at,
            updated_at=base.updated_at,
            messages=[
                MessageRead(
                    role=m.role.value,
                    text=m.text,
                    images=sum(isinstance(p, ImagePart) for p in m.parts),
                    created_at=m.created_at.isoformat(),
                )
                for m in messages
            ],
        )

    @delete("/{conversation_id:str}", status_code=HTTP_204_NO_CONTENT, responses=errors(401, 404))
    async def delete_conversation(
        self, request: Request[Any, Any, Any], caller: NamedDependency[Caller], conversation_id: FromPath[str]
    ) -> None:
        await container_of(request).conversations().delete(caller.tenant_id, caller.user.id, conversation_id)


class UsageController(MemberController):
    path = "/v1/usage"
    tags = ["usage"]

    @get("/", responses=errors(401))
    async def usage(self, request: Request[Any, Any, Any], caller: NamedDependency[Caller]) -> MyUsageRead:
        """The caller's limits on every active plan, with used / remaining / resets_at."""
        plans = await container_of(request).access().limits(caller.tenant_id, caller.user.id)
        return MyUsageRead(
            plans=[PlanUsageRead(plan=code, limits=[limit_read(v) for v in views]) for code, views in plans]
        )
