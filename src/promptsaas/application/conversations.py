"""The unified request flow: every channel's message goes through here (DESIGN.md §5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from promptsaas.application.access import AccessService, Grant, LimitView
from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.secrets import SecretUnreadable
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.application.provider_keys import ProviderKeyService
from promptsaas.application.runtime import Answer, PreparedCall, Runtime
from promptsaas.application.transcripts import Transcript
from promptsaas.domain.channels import Channel
from promptsaas.domain.conversations import Conversation, ImagePart, Message
from promptsaas.domain.decisions import AgentFacts, Reason
from promptsaas.domain.errors import AccessDenied, ByokKeyInvalid, LlmAuthFailed, LlmError, NotFound
from promptsaas.domain.plans import Plan
from promptsaas.domain.provider_keys import ProviderKey
from promptsaas.domain.subscriptions import Subscription
from promptsaas.domain.usage import Funding, Outcome, UsageRecord

_OWN_KEY_MAY_FUND = frozenset({Reason.QUOTA_EXCEEDED, Reason.RATE_LIMITED})


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """What a shell makes of its input; that is all a channel adapter does on the way in."""

    tenant_id: str
    user_id: str
    channel: Channel
    agent: str
    text: str
    variables: Mapping[str, object] = field(default_factory=dict)
    style: str | None = None
    conversation_id: str | None = None
    images: tuple[ImagePart, ...] = ()
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True)
class PurgeResult:
    """What a retention purge removed (or, in a dry run, would remove) in one tenant."""

    tenant: str
    messages: int
    dry_run: bool


@dataclass(frozen=True, slots=True)
class ReplyUsage:
    input_tokens: int
    output_tokens: int
    cost_micros: int
    funding: str


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    conversation_id: str
    usage: ReplyUsage
    limits: list[LimitView]
    model: str
    prompt_version: int


class ConversationService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        access: AccessService,
        runtime: Runtime,
        transcript: Transcript,
        clock: Clock,
        ids: IdGenerator,
        keys: ProviderKeyService,
    ) -> None:
        self._uow = uow
        self._access = access
        self._runtime = runtime
        self._transcript = transcript
        self._clock = clock
        self._ids = ids
        self._keys = keys

    async def chat(self, message: InboundMessage) -> Reply:
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
            setup.agent.history_turns * 2,
        )
        call = None
        if setup.version is not None:
            call = await self._runtime.prepare(
                setup,
                message.text,
                variables=message.variables,
                style=message.style,
                history=history,
                images=message.images,
            )
        grant, own_key = await self._authorize(message, facts, call.estimated_tokens if call else 0)
        assert call is not None
        assert setup.version is not None
        try:
            answer = await self._execute(call, grant, own_key)
        except (LlmError, ByokKeyInvalid) as error:
            await self._access.release(grant, self._record(message, call, grant, None, error.code))
            raise
        except BaseException:
            await self._access.release(grant, self._record(message, call, grant, None, "internal_error"))
            raise
        is_new = message.conversation_id is None
        exchange = self._transcript.exchange(conversation, call.user_parts, answer, is_new=is_new)
        limits = await self._access.settle(grant, self._record(message, call, grant, answer, None), exchange)
        usage = ReplyUsage(answer.input_tokens, answer.output_tokens, answer.cost_micros, grant.funding.value)
        return Reply(answer.text, conversation.id, usage, limits, setup.version.content.model, setup.version.number)

    async def _authorize(
        self, message: InboundMessage, facts: AgentFacts, estimate: int
    ) -> tuple[Grant, ProviderKey | None]:
        """Ask for the plan's quota first; only when it is exhausted look for the user's own key (BYOK), so the
        common call reads no key at all. The policy funds a call by BYOK only once every plan is exhausted."""
        tenant_id, user_id, channel = message.tenant_id, message.user_id, message.channel
        try:
            return await self._access.authorize(tenant_id, user_id, facts, channel, estimate), None
        except AccessDenied as denied:
            if denied.code not in _OWN_KEY_MAY_FUND:
                raise
            own_key = await self._keys.usable_key(tenant_id, user_id, facts.provider)
            if own_key is None:
                raise
        byok = frozenset({own_key.provider})
        return await self._access.authorize(tenant_id, user_id, facts, channel, estimate, byok), own_key

    async def _execute(self, call: PreparedCall, grant: Grant, own_key: ProviderKey | None) -> Answer:
        """Call the model with the platform's key, or with the user's own when the policy funded the call so."""
        if grant.funding is not Funding.BYOK:
            return await self._runtime.execute(call)
        assert own_key is not None
        try:
            return await self._runtime.execute(call, api_key=self._keys.reveal(own_key))
        except LlmAuthFailed:
            await self._keys.flag_invalid(own_key, "rejected by the provider")
        except SecretUnreadable:
            await self._keys.flag_invalid(own_key, "no configured encryption key opens it")
        raise ByokKeyInvalid(own_key.provider)

    def _record(
        self,
        message: InboundMessage,
        call: PreparedCall,
        grant: Grant,
        answer: Answer | None,
        error: str | None,
    ) -> UsageRecord:
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
            cost_micros=answer.cost_micros if answer else 0,
            funding=decision.funding or Funding.PLAN,
            subscription_id=decision.subscription.id if decision.subscription else None,
            plan_code=decision.plan.code if decision.plan else None,
            outcome=Outcome.OK if answer else Outcome.ERROR,
            error_code=error,
            latency_ms=answer.latency_ms if answer else 0,
            request_id=message.idempotency_key or "",
        )

    async def conversations(self, tenant_id: str, user_id: str) -> list[Conversation]:
        async with self._uow() as uow:
            return await uow.conversations.list_for_user(tenant_id, user_id)

    async def conversation(
        self, tenant_id: str, user_id: str, conversation_id: str
    ) -> tuple[Conversation, list[Message]]:
        async with self._uow() as uow:
            conversation = await uow.conversations.get(tenant_id, conversation_id)
            if conversation is None or conversation.user_id != user_id:
                raise NotFound("conversation", conversation_id)
            return conversation, await uow.conversations.recent_messages(tenant_id, conversation_id, 10_000)

    async def delete(self, tenant_id: str, user_id: str, conversation_id: str) -> None:
        async with self._uow() as uow:
            conversation = await uow.conversations.get(tenant_id, conversation_id)
            if conversation is None or conversation.user_id != user_id:
                raise NotFound("conversation", conversation_id)
            await uow.conversations.delete(tenant_id, conversation_id)
            await uow.commit()

    async def purge(self, now: datetime, *, dry_run: bool = False, tenant_id: str | None = None) -> list[PurgeResult]:
        """Delete conversation content older than each user's retention: the longest of their active plans'.

        A plan without `retention_days` keeps content forever, so its holders keep everything.
        """
        results = []
        async with self._uow() as uow:
            tenants = await uow.tenants.list()
        for tenant in tenants:
            if tenant_id is not None and tenant.id != tenant_id:
                continue
            async with self._uow() as uow:
                plans = {p.code: p for p in await uow.plans.list(tenant.id)}
                users = await uow.users.list(tenant.id)
                held = _active_plans(await uow.subscriptions.list(tenant.id), plans, now)
                default = plans.get(tenant.default_plan_code or "")
                by_days: dict[int, list[str]] = {}
                for user in users:
                    days = retention_days([*held.get(user.id, []), *([default] if default else [])])
                    if days is not None:
                        by_days.setdefault(days, []).append(user.id)
                count = 0
                for days, user_ids in sorted(by_days.items()):
                    before = now - timedelta(days=days)
                    count += await uow.conversations.purge_messages(tenant.id, user_ids, before, dry_run=dry_run)
                if not dry_run:
                    await uow.commit()
            results.append(PurgeResult(tenant.slug, count, dry_run))
        return results


def retention_days(plans: list[Plan]) -> int | None:
    """The longest retention among a user's plans; `None` (keep everything) when any plan, or none, sets none."""
    if not plans or any(p.retention_days is None for p in plans):
        return None
    return max(p.retention_days for p in plans if p.retention_days is not None)


def _active_plans(subscriptions: list[Subscription], plans: dict[str, Plan], now: datetime) -> dict[str, list[Plan]]:
    held: dict[str, list[Plan]] = {}
    for sub in subscriptions:
        if sub.is_active(now) and sub.plan_code in plans:
            held.setdefault(sub.user_id, []).append(plans[sub.plan_code])
    return held
