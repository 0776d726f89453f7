"""The channel service every messenger shares: commands, the chosen agent, the conversation turn, linking.

Shells turn an update into one call here and the `Answer` back into a message; they decide nothing themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace

from promptsaas.application.access import AccessService
from promptsaas.application.channels import wording
from promptsaas.application.channels.linking import LinkService
from promptsaas.application.channels.offers import Offers
from promptsaas.application.channels.payments import ChatPayments
from promptsaas.application.channels.people import People, Person
from promptsaas.application.channels.variables import parse_variable, typed_variables
from promptsaas.application.idempotency import IdempotencyConflict, IdempotentRuns
from promptsaas.application.messages import InboundMessage
from promptsaas.application.ports.messenger import Answer, Button
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.application.storefront import StorefrontService
from promptsaas.domain.channels import Channel
from promptsaas.domain.conversations import ImagePart
from promptsaas.domain.errors import AccessDenied, DomainError, NotFound
from promptsaas.domain.links import ChatState, LinkRefused

TYPING_EVERY_SECONDS = 4.0
Typing = Callable[[], Awaitable[None]]


class ChannelService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        people: People,
        links: LinkService,
        runs: IdempotentRuns,
        storefront: StorefrontService,
        access: AccessService,
        offers: Offers,
        payments: ChatPayments,
    ) -> None:
        self._uow = uow
        self.people = people
        self.links = links
        self._runs = runs
        self._storefront = storefront
        self._access = access
        self._offers = offers
        self.payments = payments

    async def enter(self, tenant_id: str, channel: Channel, subject: str, display_name: str = "") -> Person:
        """The person writing (created on first contact); `UserDisabled` for a disabled account."""
        return await self.people.enter(tenant_id, channel, subject, display_name)

    async def start(self, person: Person, code: str | None = None) -> Answer:
        """Welcome, or redeem a web link code given as the start parameter."""
        if code:
            return await self.link(person, code)
        agent = await self._current_agent(person, await self._state(person))
        intro = f"Hello! You are talking to {agent}." if agent else "Hello! No agent is available to you yet."
        return Answer(f"{intro}\n\n{wording.HELP}", ((Button("Choose an agent", "agents"),),))

    def help(self) -> Answer:
        return Answer(wording.HELP)

    async def agents(self, person: Person) -> Answer:
        choices = (await self._storefront.agents(person.tenant_id, person.user_id, person.channel)).items
        return wording.agents_answer(choices, await self._current_agent(person, await self._state(person)))

    async def choose_agent(self, person: Person, slug: str) -> Answer:
        """Switch to an agent the person may use; a new conversation starts with it."""
        choices = (await self._storefront.agents(person.tenant_id, person.user_id, person.channel)).items
        found = next(((a, d) for a, d in choices if a.slug == slug), None)
        if found is None:
            return Answer("There is no such agent. See /agents.")
        agent, decision = found
        if not decision.allowed:
            return Answer(f"{agent.name} is not available: {wording.reason_text(decision)}.")
        state = await self._state(person)
        state.agent, state.conversation_id, state.variables = agent.slug, None, {}
        await self._save(state)
        return Answer(f"You are now talking to {agent.name}. {agent.description}".strip())

    async def new_conversation(self, person: Person) -> Answer:
        state = await self._state(person)
        state.conversation_id = None
        await self._save(state)
        return Answer("Started a new conversation.")

    async def usage(self, person: Person) -> Answer:
        return wording.usage_answer(await self._access.limits(person.tenant_id, person.user_id))

    async def plans(self, person: Person) -> Answer:
        """The plans and packs on sale, with a way to buy each one the person may (see `Offers`)."""
        plans, held = await self._offers.on_sale(person)
        buying = await self._offers.buttons(person, plans, held)
        return wording.plans_answer(plans, held, buying.rows, buying.note)

    async def set_variable(self, person: Person, name: str, value: str) -> Answer:
        """Set one of the current agent's declared variables for this chat (checked against its declaration)."""
        state = await self._state(person)
        slug = await self._current_agent(person, state)
        if slug is None:
            return Answer("Choose an agent first: /agents")
        setup = await self._storefront.agent(person.tenant_id, slug)
        declared = setup.version.content.variables if setup.version else ()
        try:
            parse_variable(declared, name, value)
        except DomainError as error:
            return wording.error_answer(error)
        state.variables[name] = value
        await self._save(state)
        return Answer(f"{name} is now {value!r}.")

    async def say(
        self,
        person: Person,
        text: str,
        *,
        images: tuple[ImagePart, ...] = (),
        idempotency_key: str | None = None,
        typing: Typing | None = None,
    ) -> Answer:
        """One turn with the current agent in the open conversation; a denial or a failure becomes a sentence with
        buttons. With the message's `idempotency_key`, a retry of it replays the first reply, charged once."""
        state = await self._state(person)
        slug = await self._current_agent(person, state)
        if slug is None:
            return Answer("No agent is available to you yet. See /plans.")
        try:
            setup = await self._storefront.agent(person.tenant_id, slug)
        except NotFound:
            state.agent, state.conversation_id = None, None
            await self._save(state)
            return Answer("The agent you chose is no longer available; choose another one: /agents")
        try:
            declared = setup.version.content.variables if setup.version else ()
            message = InboundMessage(
                person.tenant_id,
                person.user_id,
                person.channel,
                slug,
                text,
                variables=typed_variables(declared, state.variables),
                conversation_id=state.conversation_id,
                images=images,
                idempotency_key=idempotency_key,
            )
            async with _typing(typing):
                try:
                    reply = await self._runs.chat_message(message)
                except NotFound as error:
                    if error.kind != "conversation":
                        raise
                    message = replace(message, conversation_id=None)
                    reply = await self._runs.chat_message(message)
        except IdempotencyConflict:
            raise  # the message is still being answered elsewhere: its inbox tries again later
        except AccessDenied as denied:
            plans, held = await self._offers.on_sale(person)
            buying = await self._offers.buttons(person, plans, held)
            return wording.denial_answer(denied.decision, buying.rows, buying.note)
        except DomainError as error:
            return wording.error_answer(error)
        if reply.conversation_id != state.conversation_id or state.agent != slug:
            state.conversation_id, state.agent = reply.conversation_id, slug
            await self._save(state)
        return Answer(wording.reply_text(reply))

    async def press(self, person: Person, action: str) -> Answer:
        """A button under an earlier answer: `agents`, `agent:<slug>`, `new`, `usage` or `plans`."""
        kind, _, value = action.partition(":")
        if kind == "agent" and value:
            return await self.choose_agent(person, value)
        if kind == "agents":
            return await self.agents(person)
        if kind == "new":
            return await self.new_conversation(person)
        if kind == "usage":
            return await self.usage(person)
        if kind == "plans":
            return await self.plans(person)
        if kind == "buy":
            return await self._offers.invoice(person, value)
        return Answer("That button is no longer valid. " + wording.HELP)

    async def link(self, person: Person, code: str | None = None) -> Answer:
        """With a code from the website: join that account. Without: a code to enter on the website."""
        if code is None:
            issued = await self.links.issue(person.tenant_id, person.user_id, (person.provider, person.subject))
            return Answer(
                f"Your link code is {issued.code}. Enter it on the website under your account within 10 minutes "
                f"(until {wording.when(issued.expires_at)}) to use one account everywhere."
            )
        try:
            await self.links.redeem_in_messenger(
                person.tenant_id, person.provider, person.subject, person.user_id, code
            )
        except LinkRefused as refused:
            return Answer(f"Sorry, I could not link your account: {refused.message}.")
        return Answer("Linked! This chat now uses your web account, its plans and its limits.")

    async def _current_agent(self, person: Person, state: ChatState) -> str | None:
        """The chosen agent; else the tenant's default agent (a catalog setting) when the person may use it; else
        the first published agent the person may use."""
        if state.agent:
            return state.agent
        choices = (await self._storefront.agents(person.tenant_id, person.user_id, person.channel)).items
        usable = [a.slug for a, d in choices if d.allowed]
        async with self._uow() as uow:
            tenant = await uow.tenants.get(person.tenant_id)
        default = tenant.default_agent if tenant else None
        return default if default in usable else next(iter(usable), None)

    async def _state(self, person: Person) -> ChatState:
        async with self._uow() as uow:
            found = await uow.chats.get(person.tenant_id, person.channel, person.subject)
        return found or ChatState(person.tenant_id, person.channel, person.subject)

    async def _save(self, state: ChatState) -> None:
        async with self._uow() as uow:
            await uow.chats.put(state)
            await uow.commit()


@contextlib.asynccontextmanager
async def _typing(typing: Typing | None) -> AsyncIterator[None]:
    """Keep a typing indicator on while the model answers (messengers drop it after a few seconds)."""
    if typing is None:
        yield
        return

    async def keep() -> None:
        while True:
            await asyncio.sleep(TYPING_EVERY_SECONDS)
            with contextlib.suppress(Exception):
                await typing()

    with contextlib.suppress(Exception):
        await typing()

    task = asyncio.create_task(keep())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
