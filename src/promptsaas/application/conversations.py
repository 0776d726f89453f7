"""The unified request flow: every channel's message goes through here (DESIGN.md §5).

A shell hands it an `InboundMessage` and gets a `Reply` (both in `application.messages`); the conversations it
leaves are read back through `application.conversation_history`."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field

from promptsaas.application.access import AccessService, Grant, LimitView
from promptsaas.application.messages import InboundMessage, Reply, ReplyUsage
from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.quota import KeptReply
from promptsaas.application.provider_keys import ProviderKeyService
from promptsaas.application.request_scope import current_request_id
from promptsaas.application.runtime import Answer, PreparedCall, Runtime
from promptsaas.application.stream_deadline import stream_budget, within
from promptsaas.application.transcripts import Transcript
from promptsaas.domain.conversations import Conversation, Message, Role, TextPart
from promptsaas.domain.decisions import AgentFacts
from promptsaas.domain.errors import ByokKeyInvalid, ByokKeyUndecryptable, LlmAuthFailed, LlmError
from promptsaas.domain.usage import Funding, Outcome, UsageRecord

MAX_COST_MICROS = 2**63 - 1
"""A usage record's cost fits a signed 64-bit column; a cost past it (a price out of range) is recorded at it."""


@dataclass(frozen=True, slots=True)
class _Turn:
    """A call that passed the policy and holds its reservation: what the model is asked and what funds it."""

    conversation: Conversation
    call: PreparedCall
    grant: Grant
    started: float = field(default_factory=time.perf_counter)
    """When the model was about to be called: a call that failed or was cut short is recorded with the time since."""

    def elapsed_ms(self) -> int:
        return int((time.perf_counter() - self.started) * 1000)


class ConversationService:
    def __init__(
        self,
        access: AccessService,
        runtime: Runtime,
        transcript: Transcript,
        clock: Clock,
        ids: IdGenerator,
        keys: ProviderKeyService,
    ) -> None:
        self._access = access
        self._runtime = runtime
        self._transcript = transcript
        self._clock = clock
        self._ids = ids
        self._keys = keys

    async def chat(self, message: InboundMessage, keep: Callable[[Reply], KeptReply] | None = None) -> Reply:
        """One call: render the prompt over the agent's recent history, let access decide and reserve (it asks for
        the user's own key only once the plans are exhausted), call the model, then settle or release.

        `keep` makes the reply an Idempotency-Key replays, stored in the settlement's transaction. A settlement that
        fails releases the reservation and records the call as an error with its real token counts."""
        turn = await self._begin(message)
        try:
            answer = await self._execute(turn.call, turn.grant)
        except (LlmError, ByokKeyInvalid, ByokKeyUndecryptable) as error:
            await self._access.release(turn.grant, self._record(message, turn, None, error.code))
            raise
        except BaseException:
            await self._access.release(turn.grant, self._record(message, turn, None, "internal_error"))
            raise
        return await self._settle(message, turn, answer, keep)

    async def stream(
        self, message: InboundMessage, keep: Callable[[Reply], KeptReply] | None = None
    ) -> AsyncGenerator[str | Reply, None]:
        """The same call streamed: text pieces, then the `Reply`. Reserved before the first piece, settled after the
        last. A stream cut short (the client left, the provider failed after some text, or it ran up to its
        reservation's expiry: `llm_timeout`) is charged for the prompt and the text delivered and settles its
        reservation; a failure before any text charges nothing. `keep` is `chat`'s, for a stream that ran to its
        end."""
        turn = await self._begin(message)
        delivered: list[str] = []
        answer: Answer | None = None
        try:
            events = self._runtime.stream(turn.call, api_key=self._api_key(turn.grant))
            async for event in within(events, self._stream_budget(turn.grant)):
                if isinstance(event, Answer):
                    answer = event
                else:
                    delivered.append(event)
                    yield event
        except (LlmError, ByokKeyInvalid, ByokKeyUndecryptable) as error:
            rejected = turn.grant.own_key if isinstance(error, LlmAuthFailed) and not delivered else None
            await self._cut_short(message, turn, delivered, error.code if rejected is None else ByokKeyInvalid.code)
            if rejected is not None:  # the user's own key, refused before any text: recorded and flagged as such
                await self._keys.flag_invalid(rejected, "rejected by the provider")
                raise ByokKeyInvalid(rejected.provider) from None
            raise
        except (asyncio.CancelledError, GeneratorExit):  # the client left: charge what it was sent
            await asyncio.shield(self._cut_short(message, turn, delivered, "client_disconnected"))
            raise
        except BaseException:
            await asyncio.shield(self._cut_short(message, turn, delivered, "internal_error"))
            raise
        assert answer is not None
        yield await asyncio.shield(self._settle(message, turn, answer, keep))

    def _stream_budget(self, grant: Grant) -> float | None:
        expires_at = grant.reservation.expires_at if grant.reservation else None
        return stream_budget(expires_at, self._clock.now())

    async def _begin(self, message: InboundMessage) -> _Turn:
        setup = await self._runtime.setup(message.tenant_id, message.agent)
        facts = AgentFacts(
            setup.agent.slug,
            setup.agent.tenant_id,
            setup.agent.status,
            setup.version is not None,
            setup.provider,
        )
        conversation, history = await self._transcript.open(
            message.tenant_id,
            message.user_id,
            setup.agent,
            message.channel,
            message.conversation_id,
            setup.agent.history_messages,
        )
        if message.prior is not None:
            history = self._prior(conversation, message.prior, setup.agent.history_messages)
        call = None
        if setup.version is not None:
            call = await self._runtime.prepare(
                setup,
                message.text,
                variables=message.variables,
                style=message.style,
                history=history,
                images=message.images,
                requested=message.requested,
                client_system=message.client_system,
            )
        own_key = functools.partial(self._keys.usable_key, message.tenant_id, message.user_id, setup.provider)
        grant = await self._access.authorize(
            message.tenant_id, message.user_id, facts, message.channel, call.estimated_tokens if call else 0, own_key
        )
        assert call is not None
        return _Turn(conversation, call, grant)

    async def _settle(
        self, message: InboundMessage, turn: _Turn, answer: Answer, keep: Callable[[Reply], KeptReply] | None = None
    ) -> Reply:
        call, grant, conversation = turn.call, turn.grant, turn.conversation
        assert call.setup.version is not None
        is_new = message.conversation_id is None
        exchange = self._transcript.exchange(conversation, call.user_parts, answer, is_new=is_new)
        usage = ReplyUsage(answer.input_tokens, answer.output_tokens, answer.cost_micros, grant.funding.value)
        model, number = call.setup.version.content.model, call.setup.version.number

        def reply(limits: list[LimitView]) -> Reply:
            return Reply(answer.text, conversation.id, usage, limits, model, number, answer.finish_reason)

        kept = (lambda limits: keep(reply(limits))) if keep else None
        try:
            limits = await self._access.settle(grant, self._record(message, turn, answer, None), exchange, kept)
        except BaseException:
            await self._access.release(grant, self._record(message, turn, answer, "settle_failed"))
            raise
        return reply(limits)

    async def _cut_short(self, message: InboundMessage, turn: _Turn, delivered: list[str], code: str) -> None:
        """Settle a stream that ended early: release it if nothing was delivered, else charge what was (an answered
        call, `ok`, whose record's `error_code` says how it ended)."""
        if not delivered:
            await self._access.release(turn.grant, self._record(message, turn, None, code))
            return
        answer = self._runtime.partial(turn.call, "".join(delivered), turn.elapsed_ms())
        await self._access.settle(turn.grant, self._record(message, turn, answer, code, ended=False))

    def _prior(self, conversation: Conversation, prior: tuple[tuple[Role, str], ...], limit: int) -> list[Message]:
        now = self._clock.now()
        kept = prior[-limit:] if limit else ()
        return [
            Message(self._ids.new_id(), conversation.tenant_id, conversation.id, role, (TextPart(text),), now)
            for role, text in kept
        ]

    def _api_key(self, grant: Grant) -> str | None:
        if grant.funding is not Funding.BYOK:
            return None
        assert grant.own_key is not None
        return self._keys.reveal(grant.own_key)

    async def _execute(self, call: PreparedCall, grant: Grant) -> Answer:
        """Call the model with the platform's key, or with the user's own when the policy funded the call so."""
        own_key = grant.own_key
        if grant.funding is not Funding.BYOK:
            return await self._runtime.execute(call)
        assert own_key is not None
        try:
            return await self._runtime.execute(call, api_key=self._keys.reveal(own_key))
        except LlmAuthFailed:
            await self._keys.flag_invalid(own_key, "rejected by the provider")
        raise ByokKeyInvalid(own_key.provider)

    def _record(
        self, message: InboundMessage, turn: _Turn, answer: Answer | None, error: str | None, *, ended: bool = True
    ) -> UsageRecord:
        """The call's usage record; `ended` is False for a stream cut short, whose answer the model never ended."""
        call, grant = turn.call, turn.grant
        setup = call.setup
        assert setup.version is not None
        decision = grant.decision
        return UsageRecord(
            id=self._ids.new_id(),
            tenant_id=message.tenant_id,
            user_id=message.user_id,
            agent_id=setup.agent.id,
            agent_slug=setup.agent.slug,
            prompt_version=setup.version.number,
            channel=message.channel,
            model=setup.version.content.model,
            created_at=self._clock.now(),
            input_tokens=answer.input_tokens if answer else 0,
            output_tokens=answer.output_tokens if answer else 0,
            cost_micros=min(answer.cost_micros, MAX_COST_MICROS) if answer else 0,
            funding=decision.funding or Funding.PLAN,
            subscription_id=decision.subscription.id if decision.subscription else None,
            plan_code=decision.plan.code if decision.plan else None,
            # answered and charged (a stream cut short included); a settlement that failed charged nothing
            outcome=Outcome.OK if answer and error != "settle_failed" else Outcome.ERROR,
            error_code=error,
            latency_ms=answer.latency_ms if answer else turn.elapsed_ms(),
            request_id=current_request_id() or message.idempotency_key or "",
            finish_reason=answer.finish_reason if answer and ended else None,
        )
