"""Agents to browse, and runs: one message to an agent, answered within the caller's plans."""

from __future__ import annotations

from typing import Annotated, Any, cast

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import HeaderParameter, JSONBody
from litestar.response import Stream
from litestar.status_codes import HTTP_200_OK

from promptsaas.application.attachments import image_of
from promptsaas.application.idempotency import IdempotentRuns
from promptsaas.application.messages import InboundMessage
from promptsaas.application.storefront import StorefrontService
from promptsaas.domain.conversations import ImagePart
from promptsaas.entrypoints.http.caller import Caller, ChannelHeader, member
from promptsaas.entrypoints.http.controllers.audiences import MemberController
from promptsaas.entrypoints.http.openapi import SIGNED_IN, problems
from promptsaas.entrypoints.http.paging import PAGE_HEADERS, PAGED, PageCursor, PageLimit, page_request, paged
from promptsaas.entrypoints.http.parameters import AgentSlug
from promptsaas.entrypoints.http.run_events import EVENT_STREAM, SSE_HEADERS, run_events, run_read
from promptsaas.entrypoints.http.schemas.members import (
    AccessRead,
    AgentDetail,
    AgentSummary,
    Attachment,
    RunCreate,
    RunRead,
)

RUN_PROBLEMS = (
    "agent_not_found",
    "conversation_not_found",
    "invalid_variables",
    "unknown_style",
    "unknown_model",
    "attachments_not_supported",
    "too_many_attachments",
    "attachment_type_not_supported",
    "attachment_invalid",
    "attachment_too_large",
    "attachment_url_not_allowed",
    "input_too_long",
    "idempotency_key_reused",
    "byok_key_invalid",
    "llm_bad_request",
    "quota_exceeded",
    "tenant_mismatch",
    "user_disabled",
    "agent_unavailable",
    "no_subscription",
    "agent_not_in_plan",
    "channel_not_allowed",
    "subscription_inactive",
    "idempotency_in_progress",
    "rate_limited",
    "llm_rate_limited",
    "llm_unavailable",
    "llm_auth_failed",
    "llm_timeout",
)
"""A run passes the policy (every denial), the prompt (variables, style, images) and the model provider."""
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        max_length=200,
        description="Up to 200 characters: a retry with the same key returns the first result, charged once.",
    ),
]


def _images(attachments: list[Attachment] | None) -> tuple[ImagePart, ...]:
    return tuple(
        image_of(url=a.url, data=a.data, mime_type=a.mime_type, index=i) for i, a in enumerate(attachments or ())
    )


class AgentsController(MemberController):
    path = "/v1/agents"
    tags = ["agents"]

    @get(
        "/",
        operation_id="listAgents",
        summary="List the agents",
        responses=problems(*SIGNED_IN, *PAGED),
        response_headers=PAGE_HEADERS,
    )
    async def agents(
        self,
        storefront: NamedDependency[StorefrontService],
        caller: NamedDependency[Caller],
        limit: PageLimit = None,
        cursor: PageCursor = None,
    ) -> Response[list[AgentSummary]]:
        """The tenant's published agents by slug, a page at a time, each with whether the caller may use it now and,
        if not, the policy's reason code (`agent_not_in_plan`, `quota_exceeded`, …)."""
        listing = await storefront.agents(caller.tenant_id, caller.user.id, caller.channel, page_request(limit, cursor))
        return paged(
            [
                AgentSummary(
                    slug=a.slug,
                    name=a.name,
                    description=a.description,
                    access=AccessRead(allowed=d.allowed, code=d.code.value),
                )
                for a, d in listing.items
            ],
            listing.next_cursor,
        )

    @get(
        "/{slug:str}",
        operation_id="getAgent",
        summary="Show an agent",
        responses=problems(*SIGNED_IN, "agent_not_found"),
    )
    async def agent(
        self, storefront: NamedDependency[StorefrontService], caller: NamedDependency[Caller], slug: AgentSlug
    ) -> AgentDetail:
        """What a run of this agent accepts: its prompt's declared variables, its styles and its model."""
        setup = await storefront.agent(caller.tenant_id, slug)
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

    @post(
        "/{slug:str}/runs",
        status_code=HTTP_200_OK,
        operation_id="runAgent",
        summary="Send a message to an agent",
        response_description="The reply; with `Accept: text/event-stream`, its `delta` events and a `done` event",
        responses=problems(*SIGNED_IN, *RUN_PROBLEMS),
    )
    async def run(
        self,
        request: Request[Any, Any, Any],
        runs: NamedDependency[IdempotentRuns],
        slug: AgentSlug,
        data: JSONBody[RunCreate],
        idempotency_key: IdempotencyKey = None,
        x_channel: ChannelHeader = None,
    ) -> Response[RunRead]:
        """Send one message to an agent and get its reply, the tokens it used and the caller's remaining limits.
        The call is reserved against the caller's plans before the model runs and settled after; a denial says
        which limit and when it resets. A retry with the same `Idempotency-Key` returns the first result.

        With `Accept: text/event-stream` the reply streams as server-sent events: `delta` events
        (`data: {"text": "..."}`, the reply's pieces in order), then one `done` event whose data is this route's
        JSON response (text, usage, limits, conversation id, model, prompt version). A call that fails after the
        stream opened ends it with an `error` event whose data is the problem (`code`, `detail`), charged for the
        text already sent. A denial or bad input comes before the stream opens: a problem with its status, as
        without streaming. With an `Idempotency-Key` the reply is made whole first, then sent as one `delta`."""
        caller = await member(request, x_channel)  # not a second dependency: two are resolved in a task group
        message = InboundMessage(
            tenant_id=caller.tenant_id,
            user_id=caller.user.id,
            channel=caller.channel,
            agent=slug,
            text=data.input,
            variables=data.variables or {},
            style=data.style,
            conversation_id=data.conversation_id,
            images=_images(data.attachments),
            idempotency_key=idempotency_key,
        )
        if not wants_events(request):
            return Response(run_read(await runs.chat(message)))
        events = runs.stream(message)
        first = await anext(events)  # the reservation, and any denial, come before the response starts
        body = run_events(caller.tenant_id, slug, first, events)
        # OpenAPI documents the JSON shape; the events are described above
        return cast("Response[RunRead]", Stream(body, media_type=EVENT_STREAM, headers=SSE_HEADERS))


def wants_events(request: Request[Any, Any, Any]) -> bool:
    """Whether `Accept` prefers the event stream to JSON. Only a header that names `text/event-stream`, or `text/*`,
    can, so any other (most calls send none) is answered without parsing it."""
    accept = request.headers.get("accept", "").lower()
    if "event-stream" not in accept and "text/" not in accept:
        return False
    return request.accept.best_match(["application/json", EVENT_STREAM]) == EVENT_STREAM
