"""The chat's reply as the model writes it: the composer's form, sent by `static/chat-stream.js`, answered with
server-sent events: `delta` events (`{"text": ...}`), then `done` with the exchange fragment the plain send returns,
or `error` with the notice fragment; a refusal before the stream opens is the plain send's notice fragment."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Callable
from typing import Any

from litestar import Controller, Request, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Stream, Template

from promptsaas.application.catalog.service import CatalogService
from promptsaas.application.conversation_history import ConversationHistory
from promptsaas.application.idempotency import IdempotentRuns
from promptsaas.application.messages import Reply
from promptsaas.application.storefront import StorefrontService
from promptsaas.domain.conversations import ImagePart
from promptsaas.domain.errors import DomainError
from promptsaas.domain.users import User
from promptsaas.entrypoints.http.run_events import EVENT_STREAM, SSE_HEADERS, server_sent
from promptsaas.entrypoints.web.controllers.chat import composed, notice_of, refused, uploaded_images
from promptsaas.entrypoints.web.forms import limit_lines
from promptsaas.entrypoints.web.pages import when
from promptsaas.entrypoints.web.session import checked_form, signed_in, signed_user

log = logging.getLogger("promptsaas.web")

Render = Callable[..., str]


class ChatStreamController(Controller):
    include_in_schema = False
    guards = [signed_in]
    dependencies = {"user": Provide(signed_user), "form": Provide(checked_form), "images": Provide(uploaded_images)}

    @post("/chat/{slug:str}/stream")
    async def stream(
        self,
        request: Request[Any, Any, Any],
        runs: NamedDependency[IdempotentRuns],
        storefront: NamedDependency[StorefrontService],
        catalog: NamedDependency[CatalogService],
        conversations: NamedDependency[ConversationHistory],
        user: NamedDependency[User],
        slug: FromPath[str],
        form: NamedDependency[dict[str, str]],
        images: NamedDependency[tuple[ImagePart, ...]],
    ) -> Stream | Template:
        """One message whose reply streams. It runs without the form's request id (the page sends one message at a
        time while a reply streams); the request id guards the plain form's resubmission."""
        setup = await storefront.agent(user.tenant_id, slug)
        conversation_id = form.get("conversation_id") or None
        try:
            events = runs.stream(composed(setup, user, slug, form, idempotent=False, images=images))
            first = await anext(events)  # the reservation, and any denial, come before the response starts
        except DomainError as error:
            return await refused(request, error, (storefront, catalog, conversations), user, slug, conversation_id)
        engine = request.app.template_engine
        assert engine is not None  # the web app always has its templates

        def render(name: str, **context: Any) -> str:
            return str(engine.get_template(name).render(**context, request_id=secrets.token_urlsafe(16), when=when))

        exchange = {"text": form.get("input", "").strip(), "agent": setup.agent, "new_thread": conversation_id is None}
        body = _events(render, exchange, first, events)
        return Stream(body, media_type=EVENT_STREAM, headers=SSE_HEADERS)


async def _events(
    render: Render, exchange: dict[str, Any], first: str | Reply, events: AsyncIterator[str | Reply]
) -> AsyncIterator[bytes]:
    """The reply's pieces, then the exchange fragment (its limits, the thread link) or the refusal's notice."""
    try:
        event = first
        while not isinstance(event, Reply):
            yield server_sent("delta", {"text": event})
            event = await anext(events)
        html = render("_exchange.html", **exchange, reply=event, limits=limit_lines(event.limits))
        yield server_sent("done", {"html": html})
    except DomainError as error:  # after the stream opened, a refusal can only be told in the stream
        yield server_sent("error", {"html": render("_notice.html", notice=notice_of(error))})
    except Exception as error:
        log.error("unhandled error in a streamed chat reply: %s", type(error).__name__, exc_info=error)
        problem = DomainError("something went wrong on our side", code="internal_error")
        yield server_sent("error", {"html": render("_notice.html", notice=notice_of(problem))})
    finally:
        await events.aclose()  # type: ignore[attr-defined]
