"""What a WhatsApp message means: a command word (agents, new, usage, plans, link, help), a choice from the agent
list, or a message to the chosen agent through the one call path. Answers are texts and list offers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from promptsaas.application.access import AccessService
from promptsaas.application.conversations import InboundMessage
from promptsaas.application.idempotency import IdempotentRuns
from promptsaas.application.plans import PlanService
from promptsaas.application.ports.whatsapp import ListRow
from promptsaas.application.ports.whatsapp_store import PersonState
from promptsaas.application.storefront import StorefrontService
from promptsaas.application.whatsapp.wording import denial, help_text, limits_text, plans_text
from promptsaas.domain.channels import Channel
from promptsaas.domain.conversations import ImagePart
from promptsaas.domain.errors import AccessDenied, DomainError, InvalidInput, LlmError
from promptsaas.domain.users import User
from promptsaas.domain.whatsapp import InboundKind, InboundWhatsApp

AGENT_ROW = "agent:"
COMMANDS = ("agents", "new", "usage", "plans", "link", "help")


@dataclass(frozen=True, slots=True)
class Say:
    text: str


@dataclass(frozen=True, slots=True)
class Offer:
    """An interactive list: `body`, the button that opens it, the rows."""

    body: str
    button: str
    rows: tuple[ListRow, ...]


Outgoing = Say | Offer


@dataclass(frozen=True, slots=True)
class Response:
    """What to send, and where the person stands once it is sent."""

    items: list[Outgoing]
    state: PersonState | None = None


def command_of(text: str) -> tuple[str, str] | None:
    """(command, argument) when the text is a command word, with or without a leading slash."""
    word, _, rest = text.strip().partition(" ")
    word = word.lower().lstrip("/")
    return (word, rest.strip()) if word in COMMANDS else None


class WhatsAppDialogue:
    def __init__(
        self, runs: IdempotentRuns, storefront: StorefrontService, access: AccessService, plans: PlanService
    ) -> None:
        self._runs = runs
        self._storefront = storefront
        self._access = access
        self._plans = plans

    async def respond(
        self, user: User, state: PersonState, message: InboundWhatsApp, images: Sequence[ImagePart] = ()
    ) -> Response:
        if not user.is_active:
            return Response([Say("Your account is disabled, so the agents cannot answer you here.")])
        if message.kind is InboundKind.CHOICE and (message.choice or "").startswith(AGENT_ROW):
            return await self._choose(user, state, (message.choice or "")[len(AGENT_ROW) :])
        if message.kind is InboundKind.UNSUPPORTED:
            return Response([Say("I can read text and images only. Send *help* to see what I can do.")])
        command = command_of(message.text) if message.kind is InboundKind.TEXT else None
        if command is not None:
            return await self._command(user, state, *command)
        return await self._chat(user, state, message, tuple(images))

    async def _command(self, user: User, state: PersonState, word: str, argument: str) -> Response:
        if word == "agents":
            return Response([await self._agent_list(user)])
        if word == "new":
            fresh = PersonState(state.tenant_id, state.person, state.agent, None)
            return Response([Say("New conversation: your next message starts afresh.")], fresh)
        if word == "usage":
            return Response([Say(limits_text(await self._access.limits(user.tenant_id, user.id)))])
        if word == "plans":
            plans, default = await self._plans.storefront(user.tenant_id)
            return Response([Say(plans_text(plans, default))])
        if word == "link":
            return Response([Say("Linking accounts is not available on WhatsApp yet.")])
        return Response([Say(help_text())])

    async def _agent_list(self, user: User) -> Outgoing:
        offered = await self._storefront.agents(user.tenant_id, user.id, Channel.WHATSAPP)
        rows = tuple(
            ListRow(f"{AGENT_ROW}{agent.slug}", agent.name, agent.description)
            for agent, decision in offered
            if decision.allowed
        )
        if not rows:
            return Say("None of the agents is available to you right now. Send *plans* to see what you can get.")
        closed = [f"{agent.name}: {decision.message}" for agent, decision in offered if not decision.allowed]
        body = "Choose the agent you want to talk to."
        if closed:
            body += "\n\nNot available to you now:\n" + "\n".join(closed)
        return Offer(body, "Agents", rows)

    async def _choose(self, user: User, state: PersonState, slug: str) -> Response:
        try:
            setup = await self._storefront.agent(user.tenant_id, slug)
        except DomainError:
            return Response([Say("That agent is no longer available. Send *agents* to choose another.")])
        chosen = PersonState(state.tenant_id, state.person, slug, None)
        return Response([Say(f"You are now talking to {setup.agent.name}. Say hello!")], chosen)

    async def _default_agent(self, user: User) -> str | None:
        offered = await self._storefront.agents(user.tenant_id, user.id, Channel.WHATSAPP)
        usable = [agent.slug for agent, decision in offered if decision.allowed]
        return usable[0] if usable else (offered[0][0].slug if offered else None)

    async def _chat(
        self, user: User, state: PersonState, message: InboundWhatsApp, images: tuple[ImagePart, ...]
    ) -> Response:
        agent = state.agent or await self._default_agent(user)
        if agent is None:
            return Response([Say("There is no agent to talk to yet.")])
        text = message.text.strip() or ("What is in this image?" if images else "")
        inbound = InboundMessage(
            user.tenant_id,
            user.id,
            Channel.WHATSAPP,
            agent,
            text,
            conversation_id=state.conversation_id,
            images=images,
            idempotency_key=f"whatsapp:{message.message_id}",
        )
        try:
            reply = await self._runs.chat(inbound)
        except AccessDenied as denied:
            return Response([Say(denial(denied.decision))])
        except InvalidInput as error:
            if error.code.startswith("attachment"):
                return Response([Say(f"I could not use that image: {error.message}.")])
            raise
        except LlmError:
            return Response([Say("The agent could not answer just now; nothing was charged. Please try again.")])
        return Response([Say(reply.text)], PersonState(state.tenant_id, state.person, agent, reply.conversation_id))
