"""Access enforcement: ask the policy engine, reserve atomically, then settle or release.

With `context` (what the policy is asked) and `admins` (who may administer), the only code that calls
`domain.policy`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from promptsaas.application.access.context import AccessContext, no_agent
from promptsaas.application.access.limits import LimitView, PackBalance, views
from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.quota import KeptReply, QuotaLedger, Settlement
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.application.read_cache import ReadCache
from promptsaas.domain import policy
from promptsaas.domain.channels import Channel
from promptsaas.domain.conversations import Exchange
from promptsaas.domain.decisions import AccessRequest, AgentFacts, Decision, Reason
from promptsaas.domain.errors import AccessDenied
from promptsaas.domain.plans import Metric
from promptsaas.domain.provider_keys import ProviderKey
from promptsaas.domain.quota import Reservation, ReservationItem
from promptsaas.domain.subscriptions import Entitlements, Subscription, entitlements
from promptsaas.domain.usage import Denial, Funding, UsageRecord

RESERVATION_TTL = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Account:
    subscriptions: list[Subscription]
    entitlements: Entitlements


@dataclass(frozen=True, slots=True)
class Grant:
    """An allowed call: its decision and, when the plan funds it, the reservation held for it."""

    decision: Decision
    reservation: Reservation | None
    estimated_tokens: int
    own_key: ProviderKey | None = None
    """The user's key that funds the call (BYOK), given by the `own_key` lookup of `authorize`."""

    @property
    def funding(self) -> Funding:
        return self.decision.funding or Funding.PLAN


ReplyToKeep = Callable[[list[LimitView]], KeptReply]
"""An Idempotency-Key's reply, given the limits the settlement leaves, to store with the charge."""

OwnKeyLookup = Callable[[], Awaitable[ProviderKey | None]]
"""The user's usable key for the agent's provider, or `None`; asked at most once per call, only when it may fund it."""


class AccessService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ledger: QuotaLedger,
        clock: Clock,
        ids: IdGenerator,
        reservation_ttl: timedelta = RESERVATION_TTL,
        cache: ReadCache | None = None,
    ) -> None:
        self._context = AccessContext(uow, ledger, clock, cache or ReadCache(ttl_seconds=0))
        self._uow = uow
        self._ledger = ledger
        self._clock = clock
        self._ids = ids
        self._ttl = reservation_ttl

    async def check_agents(
        self,
        tenant_id: str,
        user_id: str,
        agents: Sequence[AgentFacts],
        channel: Channel,
        byok_providers: frozenset[str] = frozenset(),
    ) -> list[Decision]:
        """What the policy would answer now for each agent, without reserving anything; one context and one counter
        read serve them all."""
        if not agents:
            return []
        request = await self._context.request(tenant_id, user_id, agents[0], channel, 0, byok_providers)
        return [policy.decide(replace(request, agent=agent)) for agent in agents]

    async def authorize(
        self,
        tenant_id: str,
        user_id: str,
        agent: AgentFacts,
        channel: Channel,
        estimated_tokens: int,
        own_key: OwnKeyLookup | None = None,
    ) -> Grant:
        """Decide and reserve; raises `AccessDenied` with the policy's reason.

        The common call reads no counter first: it decides as if the counters were empty, and the reservation (a
        conditional UPDATE per counter) says what they held. A refused hold, or any other outcome, takes the exact
        path: release the expired reservations (lazily: no one waits for `quota sweep`), read the counters and decide
        again, so a denial always names the real limits; a lost race there re-reads once. Only when the plans are
        exhausted is `own_key` asked for the user's key, and the policy decides once more with it.
        """
        request = await self._context.request(tenant_id, user_id, agent, channel, estimated_tokens, read_counters=False)
        decision = policy.decide(request)
        if decision.allowed:
            grant = await self._hold(request, decision)
            if grant is not None:
                return grant
        await self._ledger.sweep(request.now)  # a dead call's expired reservation never counts against a limit
        request = await self._context.with_counters(request)
        key: ProviderKey | None = None
        for attempt in range(2):
            decision = policy.decide(request)
            if own_key is not None and policy.own_key_may_fund(decision):
                key, own_key = await own_key(), None  # asked once
                if key is not None:
                    request = replace(request, byok_providers=frozenset({key.provider}))
                    decision = policy.decide(request)
            if not decision.allowed:
                raise await self._denied(request, decision)
            if decision.funding is Funding.BYOK:
                return Grant(decision, None, estimated_tokens, key)
            grant = await self._hold(request, decision)
            if grant is not None:
                return grant
            if attempt == 0:
                request = await self._context.with_counters(request)
        raise await self._denied(request, _lost_race(decision))

    async def _denied(self, request: AccessRequest, decision: Decision) -> AccessDenied:
        """Record the refusal (one insert, nothing charged) for the console's denials chart, and return its error."""
        denial = Denial(
            self._ids.new_id(),
            request.tenant_id,
            request.principal.user_id,
            request.agent.slug,
            request.channel,
            decision.code.value,
            request.now,
        )
        async with self._uow() as uow:
            await uow.usage.add_denial(denial)
            await uow.commit()
        return AccessDenied(decision)

    async def _hold(self, request: AccessRequest, decision: Decision) -> Grant | None:
        """Reserve the call's usage on the funding subscription's counters; the grant's limits are those counters
        as the reservation found them."""
        reservation = self._reservation(request.tenant_id, request, decision)
        held = await self._ledger.reserve(reservation)
        if held is None:
            return None
        funding = next(h for h in request.holdings if h.subscription == decision.subscription)
        counted = replace(funding, counters={key: counter.total for key, counter in held.items()})
        limits = policy.limit_states(replace(request, holdings=(counted,)), counted)
        return Grant(replace(decision, limits=limits), reservation, request.estimated_tokens)

    async def settle(
        self, grant: Grant, record: UsageRecord, exchange: Exchange | None = None, keep: ReplyToKeep | None = None
    ) -> list[LimitView]:
        """Charge the real usage (never more than was reserved), and write the usage record, the conversation turn
        and the reply to `keep` with it, in one transaction. A BYOK call holds no reservation and charges no
        counter."""
        if grant.reservation is None:
            limits = views(grant.decision.limits)
            kept = keep(limits) if keep else None
            await self._ledger.settle(Settlement(record, exchange=exchange, reply=kept))
            return limits
        tokens = record.input_tokens + record.output_tokens
        charges = {
            item.key: 1 if item.key.metric is Metric.REQUESTS else min(tokens, item.amount)
            for item in grant.reservation.items
        }
        charged = replace(
            record,
            subscription_id=grant.decision.subscription.id if grant.decision.subscription else None,
            charged_requests=1,
            charged_tokens=min(tokens, grant.estimated_tokens),
        )
        limits = views(grant.decision.limits, charges)
        kept = keep(limits) if keep else None
        await self._ledger.settle(Settlement(charged, grant.reservation.id, charges, exchange, kept))
        return limits

    async def release(self, grant: Grant, record: UsageRecord) -> None:
        """Undo the reservation of a failed call: nothing is charged; the error record is written."""
        await self._ledger.settle(Settlement(record, grant.reservation.id if grant.reservation else None))

    async def limits(self, tenant_id: str, user_id: str) -> list[tuple[str, list[LimitView]]]:
        """Every active plan of a user with its limits' used / remaining / resets_at (one counter read)."""
        request = await self._context.request(tenant_id, user_id, no_agent(tenant_id), Channel.API, 0)
        return [
            (h.plan.code, views(policy.limit_states(request, h)))
            for h in request.holdings
            if h.subscription.is_active(request.now)
        ]

    async def account(self, tenant_id: str, user_id: str) -> Account:
        """A user's subscriptions (including the tenant's default plan) and the entitlements they give; what the
        plans grant needs no counter, so none is read."""
        request = await self._context.request(
            tenant_id, user_id, no_agent(tenant_id), Channel.API, 0, read_counters=False
        )
        active = [h.plan for h in request.holdings if h.subscription.is_active(request.now)]
        return Account([h.subscription for h in request.holdings], entitlements(active))

    async def pack_balances(self, tenant_id: str, user_id: str | None = None) -> list[PackBalance]:
        """The active credit packs of a user (of every user when `user_id` is None), soonest-expiring first, with
        the balance left on each limit."""
        if user_id is None:
            async with self._uow() as uow:
                packs = {p.code for p in await uow.plans.list(tenant_id) if p.is_pack}
                holders = {s.user_id for s in await uow.subscriptions.list(tenant_id) if s.plan_code in packs}
        balances = []
        for holder in sorted(holders) if user_id is None else [user_id]:
            request = await self._context.request(tenant_id, holder, no_agent(tenant_id), Channel.API, 0)
            balances += [
                PackBalance(
                    h.subscription.id,
                    holder,
                    h.plan.code,
                    h.subscription.current_period_end,
                    tuple(views(policy.limit_states(request, h))),
                )
                for h in request.holdings
                if h.plan.is_pack and h.subscription.is_active(request.now)
            ]
        far = datetime.max.replace(tzinfo=UTC)
        return sorted(balances, key=lambda b: (b.user_id, b.expires_at or far, b.subscription_id))

    def _reservation(self, tenant_id: str, request: AccessRequest, decision: Decision) -> Reservation:
        items = tuple(
            ReservationItem(state.key, request.cost(state.metric), state.limit)
            for state in decision.limits
            if state.key is not None
        )
        return Reservation(self._ids.new_id(), tenant_id, items, request.now + self._ttl)


def _lost_race(decision: Decision) -> Decision:
    rate_only = all(s.window.is_rate for s in decision.limits if s.limit is not None)
    code = Reason.RATE_LIMITED if rate_only else Reason.QUOTA_EXCEEDED
    limits = tuple(replace(s, exhausted=s.limit is not None) for s in decision.limits)
    return replace(decision, allowed=False, code=code, message="limit reached by concurrent calls", limits=limits)
