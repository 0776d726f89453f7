"""The member app: the agent gallery and chat (conversation list, history, variables, style, limits, denials)."""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath
from litestar.response import Redirect, Template

from promptsaas.application.access import AccessService
from promptsaas.application.access.limits import views
from promptsaas.application.attachments import IMAGE_TYPES, image_of_bytes
from promptsaas.application.catalog.service import CatalogService
from promptsaas.application.conversation_history import ConversationHistory
from promptsaas.application.idempotency import IdempotentRuns
from promptsaas.application.messages import InboundMessage
from promptsaas.application.runtime import AgentSetup
from promptsaas.application.storefront import StorefrontService
from promptsaas.domain.channels import Channel
from promptsaas.domain.conversations import ImagePart
from promptsaas.domain.errors import AccessDenied, DomainError, NotFound
from promptsaas.domain.users import User
from promptsaas.entrypoints.web.forms import fields, limit_lines, values
from promptsaas.entrypoints.web.pages import is_htmx, page, when
from promptsaas.entrypoints.web.session import checked_form, signed_in, signed_user

IMAGE_FIELD = "image"


async def uploaded_images(
    request: Request[Any, Any, Any], form: NamedDependency[dict[str, str]]
) -> tuple[ImagePart, ...]:
    """The composer's picked images (its `image` file input; a multipart form), read only once `form` passed the
    CSRF check, each made an image by the parser every shell uses; the runtime's rules then check them. A form
    without the field (the composer of an agent whose model reads no images has none) carries no images."""
    sent = (await request.form()).getall(IMAGE_FIELD, [])
    files = [f for f in sent if isinstance(f, UploadFile) and f.filename]
    return tuple([image_of_bytes(f.content_type, await f.read()) for f in files])


class ChatController(Controller):
    include_in_schema = False
    guards = [signed_in]
    dependencies = {"user": Provide(signed_user), "form": Provide(checked_form), "images": Provide(uploaded_images)}

    @get("/")
    async def gallery(
        self,
        request: Request[Any, Any, Any],
        storefront: NamedDependency[StorefrontService],
        user: NamedDependency[User],
    ) -> Template:
        """Every published agent, usable or locked with the policy's reason."""
        listing = (await storefront.agents(user.tenant_id, user.id, Channel.WEB)).items
        cards = [{"agent": a, "allowed": d.allowed, "code": d.code.value, "reason": d.message} for a, d in listing]
        return page(request, "gallery.html", cards=cards)

    @get(["/chat/{slug:str}", "/chat/{slug:str}/{conversation_id:str}"])
    async def chat(
        self,
        request: Request[Any, Any, Any],
        storefront: NamedDependency[StorefrontService],
        catalog: NamedDependency[CatalogService],
        conversations: NamedDependency[ConversationHistory],
        access: NamedDependency[AccessService],
        user: NamedDependency[User],
        slug: FromPath[str],
        conversation_id: FromPath[str | None] = None,
    ) -> Template:
        """A new conversation with an agent, or one of the member's conversations with its history."""
        context = await _chat_context(storefront, catalog, conversations, user, slug, conversation_id)
        limits = [view for _, views in await access.limits(user.tenant_id, user.id) for view in views]
        return page(request, "chat.html", **context, limits=limit_lines(limits), when=when)

    @post("/chat/{slug:str}/send")
    async def send(
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
    ) -> Template | Redirect:
        """One message to the agent: the reply and the remaining limits, or the denial with its reset time."""
        setup = await storefront.agent(user.tenant_id, slug)
        conversation_id = form.get("conversation_id") or None
        text = form.get("input", "").strip()
        try:
            reply = await runs.chat(composed(setup, user, slug, form, idempotent=True, images=images))
        except DomainError as error:
            return await refused(request, error, (storefront, catalog, conversations), user, slug, conversation_id)
        if not is_htmx(request):
            return Redirect(path=f"/chat/{slug}/{reply.conversation_id}")
        return page(
            request,
            "_exchange.html",
            text=text,
            reply=reply,
            agent=setup.agent,
            new_thread=conversation_id is None,
            limits=limit_lines(reply.limits),
            request_id=secrets.token_urlsafe(16),
            when=when,
        )


def composed(
    setup: AgentSetup,
    user: User,
    slug: str,
    form: dict[str, str],
    *,
    idempotent: bool,
    images: tuple[ImagePart, ...] = (),
) -> InboundMessage:
    """The composer's form as the message to the agent; its request id is the idempotency key when `idempotent`."""
    text = form.get("input", "").strip()
    if not text:
        raise DomainError("write a message first", code="invalid_request")
    return InboundMessage(
        tenant_id=user.tenant_id,
        user_id=user.id,
        channel=Channel.WEB,
        agent=slug,
        text=text,
        variables=values(setup.version.content.variables if setup.version else (), form),
        style=form.get("style") or None,
        conversation_id=form.get("conversation_id") or None,
        idempotency_key=(form.get("request_id") or None) if idempotent else None,
        images=images,
    )


def notice_of(error: DomainError, *, packs: bool = False) -> dict[str, Any]:
    """What the notice shows of a refusal: its reason, when it resets, whether upgrading (or, with `packs` for
    sale, buying a pack) would help."""
    denied = error if isinstance(error, AccessDenied) else None
    return {
        "code": error.code,
        "message": error.message,
        "resets_at": when(denied.decision.resets_at) if denied else "",
        "upgrade": denied is not None and error.code in ("quota_exceeded", "agent_not_in_plan", "no_subscription"),
        "pack": packs and denied is not None and error.code == "quota_exceeded",
    }


async def refused(
    request: Request[Any, Any, Any],
    error: DomainError,
    services: tuple[StorefrontService, CatalogService, ConversationHistory],
    user: User,
    slug: str,
    conversation_id: str | None,
) -> Template:
    """A denial (its reason, when it resets, a way to upgrade) or another problem, as a fragment or a page."""
    denied = error if isinstance(error, AccessDenied) else None
    packs = error.code == "quota_exceeded" and await services[0].sells_packs(user.tenant_id)
    notice = notice_of(error, packs=packs)
    if is_htmx(request):
        return page(request, "_notice.html", notice=notice, request_id=secrets.token_urlsafe(16))
    context = await _chat_context(*services, user, slug, conversation_id)
    limits = limit_lines(views(denied.decision.limits) if denied else [])
    status = 402 if error.code == "quota_exceeded" else 403 if denied else 400
    return page(request, "chat.html", status, **context, limits=limits, notice=notice, when=when)


async def _chat_context(
    storefront: StorefrontService,
    catalog: CatalogService,
    conversations: ConversationHistory,
    user: User,
    slug: str,
    conversation_id: str | None,
) -> dict[str, Any]:
    setup = await storefront.agent(user.tenant_id, slug)
    agents = {a.id: a for a in await catalog.agents(user.tenant_id)}
    threads = [
        {"id": c.id, "title": c.title or "(untitled)", "agent": agents[c.agent_id], "updated_at": c.updated_at}
        for c in await conversations.conversations(user.tenant_id, user.id)
        if c.agent_id in agents
    ]
    history: list[Any] = []
    if conversation_id:
        conversation, history = await conversations.conversation(user.tenant_id, user.id, conversation_id)
        if conversation.agent_id != setup.agent.id:
            raise NotFound("conversation", conversation_id)
    content = setup.version.content if setup.version else None
    return {
        "agent": setup.agent,
        "styles": sorted(setup.agent.styles),
        "fields": fields(content.variables) if content else [],
        "sees_images": bool(setup.model and setup.model.vision),
        "image_types": ",".join(IMAGE_TYPES),
        "threads": threads,
        "history": history,
        "conversation_id": conversation_id or "",
        "request_id": secrets.token_urlsafe(16),
    }
