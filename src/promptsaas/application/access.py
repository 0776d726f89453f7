"""Access: load the context, ask the policy engine, reserve atomically, then settle or release.

This is the only module that calls `domain.policy`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import NamedTuple

from promptsaas.application.ports.clock import Clock, IdGenerator
from promptsaas.application.ports.quota import QuotaLedger, Settlement
from promptsaas.application.ports.unit_of_work import UnitOfWorkFactory
from promptsaas.application.read_cache import ReadCache
from promptsaas.domain import policy
from promptsaas.domain.agents import AgentStatus
from promptsaas.domain.channels import Channel
from promptsaas.domain.conversations import Exchange
from promptsaas.domain.decisions import AccessRequest, AgentFacts, Decision, Holding, LimitState, Principal, Reason
from promptsaas.domain.errors import AccessDenied, NotFound
from promptsaas.domain.plans import Metric, Plan
from promptsaas.domain.quota import CounterKey, Reservation, ReservationItem, counter_key
from promptsaas.domain.subscriptions import (
    DEFAULT_PROVIDER,
    Entitlements,
    Subscription,
    SubscriptionStatus,
    default_subscription_id,
    entitlements,
)
from promptsaas.domain.tenants import Tenant, TenantStatus
from promptsaas.domain.usage import Funding, UsageRecord
from promptsaas.domain.users import User

RESERVATION_TTL = timedelta(minutes=10)


class LimitView(NamedTuple):
    metric: str
    window: str
    limit: int | None
    used: int
    remaining: int | None
    resets_at: datetime


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

    @property
    def funding(self) -> Funding:
        return self.decision.funding or Funding.PLAN


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
        self._cache = cache or ReadCache(ttl_seconds=0)
        self._uow = uow
        self._ledger = ledger
        self._clock = clock
        self._ids = ids
        self._ttl = reservation_ttl

    async def check(
        self,
        tenant_id: str,
        user_id: str,
        agent: AgentFacts,
        channel: Channel,
        tokens: int = 0,
        byok_providers: frozenset[str] = frozenset(),
    ) -> Decision:
        """What the policy would answer now, without reserving anything."""
        return policy.decide(await self._request(tenant_id, user_id, agent, channel, tokens, byok_providers))

    async def authorize(
        self,
        tenant_id: str,
        user_id: str,
        agent: AgentFacts,
        channel: Channel,
        estimated_tokens: int,
        byok_providers: frozenset[str] = frozenset(),
    ) -> Grant:
        """Decide and reserve; raises `AccessDenied` with the policy's reason.

        The common call reads no counter first: it decides as if the counters were empty, and the reservation (a
        conditional UPDATE per counter) says what they held. A refused hold, or any other outcome, takes the exact
        path: read the counters and decide again, so a denial always names the real limits; a lost race there
        re-reads once.
        """
        request = await self._request(
            tenant_id, user_id, agent, channel, estimated_tokens, byok_providers, read_counters=False
        )
        decision = policy.decide(request)
        if decision.allowed and decision.funding is not Funding.BYOK:
            grant = await self._hold(request, decision)
            if grant is not None:
                return grant
        request = await self._with_counters(request)
        for attempt in range(2):
            decision = policy.decide(request)
            if not decision.allowed:
                raise AccessDenied(decision)
            if decision.funding is Funding.BYOK:
                return Grant(decision, None, estimated_tokens)
            grant = await self._hold(request, decision)
            if grant is not None:
                return grant
            if attempt == 0:
                await self._ledger.sweep(self._clock.now())
                request = await self._with_counters(request)
        raise AccessDenied(_lost_race(decision))

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

    async def settle(self, grant: Grant, record: UsageRecord, exchange: Exchange | None = None) -> list[LimitView]:
        """Charge the real usage (never more than was reserved), and write the usage record and the conversation
        turn with it, in one transaction. A BYOK call holds no reservation and charges no counter."""
        if grant.reservation is None:
            await self._ledger.settle(Settlement(record, exchange=exchange))
            return views(grant.decision.limits)
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
        await self._ledger.settle(Settlement(charged, grant.reservation.id, charges, exchange))
        return views(grant.decision.limits, charges)

    async def release(self, grant: Grant, record: UsageRecord) -> None:
        """Undo the reservation of a failed call: nothing is charged; the error record is written."""
        await self._ledger.settle(Settlement(record, grant.reservation.id if grant.reservation else None))

    async def limits(self, tenant_id: str, user_id: str) -> list[tuple[str, list[LimitView]]]:
        """Every active plan of a user with its limits' used / remaining / resets_at."""
        facts = AgentFacts("", tenant_id, AgentStatus.PUBLISHED, True, "")
        request = await self._request(tenant_id, user_id, facts, Channel.API, 0)
        out = []
        for holding in request.holdings:
            if holding.subscription.is_active(request.now):
                out.append((holding.plan.code, views(policy.limit_states(request, holding))))
        return out

    async def account(self, tenant_id: str, user_id: str) -> Account:
        """A user's subscriptions (including the tenant's default plan) and the entitlements they give."""
        facts = AgentFacts("", tenant_id, AgentStatus.PUBLISHED, True, "")
        request = await self._request(tenant_id, user_id, facts, Channel.API, 0)
        active = [h for h in request.holdings if h.subscription.is_active(request.now)]
        return Account([h.subscription for h in request.holdings], entitlements([h.plan for h in active]))

    async def _request(
        self,
        tenant_id: str,
        user_id: str,
        agent: AgentFacts,
        channel: Channel,
        tokens: int,
        byok_providers: frozenset[str] = frozenset(),
        read_counters: bool = True,
    ) -> AccessRequest:
        """Everything the policy needs; without `read_counters`, as if every counter were empty."""
        now = self._clock.now()
        tenant, plans = await self._cache.get(tenant_id, "plans", lambda: self._load_plans(tenant_id))
        user, held = await self._cache.get(tenant_id, ("user", user_id), lambda: self._load_user(tenant_id, user_id))
        subscriptions = list(held)
        default = tenant.default_plan_code
        if default in plans and not any(s.plan_code == default for s in subscriptions):
            subscriptions.append(_implicit(tenant_id, user_id, default, user.created_at))
        holdings = tuple(Holding(s, plans[s.plan_code]) for s in subscriptions if s.plan_code in plans)
        principal = Principal(user.id, user.tenant_id, user.role, user.status, tenant.status is TenantStatus.ACTIVE)
        request = AccessRequest(tenant_id, principal, agent, channel, holdings, byok_providers, tokens, now)
        return await self._with_counters(request) if read_counters else request

    async def _load_plans(self, tenant_id: str) -> tuple[Tenant, dict[str, Plan]]:
        async with self._uow() as uow:
            tenant = await uow.tenants.get(tenant_id)
            if tenant is None:
                raise NotFound("tenant", tenant_id)
            return tenant, {p.code: p for p in await uow.plans.list(tenant_id)}

    async def _load_user(self, tenant_id: str, user_id: str) -> tuple[User, tuple[Subscription, ...]]:
        async with self._uow() as uow:
            user = await uow.users.get(tenant_id, user_id)
            if user is None:
                raise NotFound("user", user_id)
            return user, tuple(await uow.subscriptions.list_for_user(tenant_id, user_id))

    async def _with_counters(self, request: AccessRequest) -> AccessRequest:
        now = self._clock.now()
        keys = {
            h.subscription.id: [counter_key(h.subscription, lim, now)[0] for lim in h.plan.limits]
            for h in request.holdings
            if h.subscription.is_active(now)
        }
        counters = await self._ledger.read(request.tenant_id, [k for ks in keys.values() for k in ks])
        holdings = tuple(
            replace(h, counters={k: counters[k].total for k in keys.get(h.subscription.id, []) if k in counters})
            for h in request.holdings
        )
        return replace(request, holdings=holdings, now=now)

    def _reservation(self, tenant_id: str, request: AccessRequest, decision: Decision) -> Reservation:
        items = tuple(
            ReservationItem(state.key, request.cost(state.metric), state.limit)
            for state in decision.limits
            if state.key is not None
        )
        return Reservation(self._ids.new_id(), tenant_id, items, request.now + self._ttl)


def views(states: tuple[LimitState, ...], charges: Mapping[CounterKey, int] | None = None) -> list[LimitView]:
    out = []
    for s in states:
        used = s.used + (charges.get(s.key, 0) if charges and s.key else 0)
        remaining = None if s.limit is None else max(s.limit - used, 0)
        out.append(LimitView(s.metric.value, s.window.value, s.limit, used, remaining, s.resets_at))
    return out


def _implicit(tenant_id: str, user_id: str, plan_code: str, since: datetime) -> Subscription:
    """The tenant's default plan applies to every user who holds no subscription to it."""
    return Subscription(
        default_subscription_id(user_id),
        tenant_id,
        user_id,
        plan_code,
        SubscriptionStatus.ACTIVE,
        since,
        provider=DEFAULT_PROVIDER,
    )


def _lost_race(decision: Decision) -> Decision:
    rate_only = all(s.window.is_rate for s in decision.limits if s.limit is not None)
    code = Reason.RATE_LIMITED if rate_only else Reason.QUOTA_EXCEEDED
    limits = tuple(replace(s, exhausted=s.limit is not None) for s in decision.limits)
    return replace(decision, allowed=False, code=code, message="limit reached by concurrent calls", limits=limits)
