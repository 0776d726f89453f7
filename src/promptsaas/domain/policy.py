"""The policy engine: `decide` answers every call; beside it the two other access rules, when the user's own key
may fund a call and who may administer a tenant.

No I/O, clock or randomness: everything they need arrives as arguments, loaded by `application.access`.
"""

from __future__ import annotations

from datetime import datetime

from promptsaas.domain.agents import AgentStatus
from promptsaas.domain.decisions import AccessRequest, Decision, Holding, LimitState, Principal, Reason
from promptsaas.domain.quota import counter_key
from promptsaas.domain.usage import Funding
from promptsaas.domain.users import Role, UserStatus

OWN_KEY_MAY_LIFT = frozenset({Reason.QUOTA_EXCEEDED, Reason.RATE_LIMITED})


def decide(request: AccessRequest) -> Decision:
    """Allow or deny one call, naming the funding subscription and every applicable limit."""
    denial = _identity_denial(request) or _agent_denial(request)
    if denial:
        return denial
    active = [h for h in request.holdings if h.subscription.is_active(request.now)]
    if not request.holdings:
        return _deny(Reason.NO_SUBSCRIPTION, "you have no subscription")
    if not active:
        return _deny(Reason.SUBSCRIPTION_INACTIVE, "none of your subscriptions is active")
    granting = [h for h in active if h.plan.grants_agent(request.agent.slug)]
    if not granting:
        return _deny(Reason.AGENT_NOT_IN_PLAN, f"your plan does not include agent {request.agent.slug!r}")
    usable = [h for h in granting if h.plan.allows_channel(request.channel)]
    if not usable:
        return _deny(Reason.CHANNEL_NOT_ALLOWED, f"your plan does not allow the {request.channel} channel")
    plans = sorted((h for h in usable if not h.plan.is_pack), key=lambda h: -h.plan.priority)
    packs = sorted((h for h in usable if h.plan.is_pack), key=_expiry)
    return _fund(request, plans, packs)


def _expiry(holding: Holding) -> tuple[bool, datetime]:
    """Packs fund soonest-expiring first; one that never expires comes last."""
    end = holding.subscription.current_period_end
    return (end is None, end or holding.subscription.current_period_start)


def own_key_may_fund(denial: Decision) -> bool:
    """Only a denial for exhausted limits can turn into a call funded by the user's own key (BYOK): every other
    reason refuses the call whatever key the user holds, so the common call never looks for one."""
    return not denial.allowed and denial.code in OWN_KEY_MAY_LIFT


def may_administer(principal: Principal) -> bool:
    """Only a tenant's admins change its catalog, plans, users, subscriptions and settings."""
    return principal.role is Role.ADMIN


def limit_states(request: AccessRequest, holding: Holding) -> tuple[LimitState, ...]:
    """Used / remaining / reset time of every limit of one holding, flagging those this call would break."""
    states = []
    for limit in holding.plan.limits:
        key, resets_at = counter_key(holding.subscription, limit, request.now)
        used, amount = holding.counters.get(key, 0), limit.enforced_amount
        remaining = None if amount is None else max(amount - used, 0)
        cost = request.cost(limit.metric)
        exhausted = amount is not None and used + cost > amount
        never_fits = amount is not None and cost > amount
        states.append(
            LimitState(limit.metric, limit.window, amount, used, remaining, resets_at, key, exhausted, never_fits)
        )
    return tuple(states)


def _identity_denial(request: AccessRequest) -> Decision | None:
    principal = request.principal
    if principal.tenant_id != request.tenant_id or request.agent.tenant_id != request.tenant_id:
        return _deny(Reason.TENANT_MISMATCH, "the user and the agent belong to different tenants")
    if principal.status is not UserStatus.ACTIVE or not principal.tenant_active:
        return _deny(Reason.USER_DISABLED, "this account is disabled")
    return None


def _agent_denial(request: AccessRequest) -> Decision | None:
    agent = request.agent
    if agent.status is not AgentStatus.PUBLISHED or not agent.has_active_version:
        return _deny(Reason.AGENT_UNAVAILABLE, f"agent {agent.slug!r} is not available")
    return None


def _fund(request: AccessRequest, plans: list[Holding], packs: list[Holding]) -> Decision:
    """The first plan (by priority) with room on every limit funds the call; else the first pack with room, unless a
    plan's rate limit is reached (a pack never lifts one); else BYOK; else deny, naming the candidate whose exhausted
    limits reset first: the earliest a retry can pass."""
    for holding in plans:
        states = limit_states(request, holding)
        if not any(s.exhausted for s in states):
            return Decision(True, Reason.OK, "ok", holding.subscription, holding.plan, Funding.PLAN, states)
    rate_blocked = any(s.exhausted and s.window.is_rate for h in plans for s in limit_states(request, h))
    if not rate_blocked:
        plan_rates = tuple(s for h in plans for s in limit_states(request, h) if s.window.is_rate and s.limit)
        for holding in packs:
            states = limit_states(request, holding)
            if not any(s.exhausted for s in states):
                # the plans' rate limits count a pack's calls too, so they are reserved with the pack's own
                funded = states + plan_rates
                return Decision(True, Reason.OK, "ok", holding.subscription, holding.plan, Funding.PLAN, funded)
    candidates = plans if rate_blocked else plans + packs
    if request.agent.provider in request.byok_providers:
        for holding in plans + packs:
            if holding.plan.byok:
                states = limit_states(request, holding)
                return Decision(
                    True,
                    Reason.OK,
                    "funded by your own key",
                    holding.subscription,
                    holding.plan,
                    Funding.BYOK,
                    states,
                )
    first, states = min(
        ((h, limit_states(request, h)) for h in candidates),
        key=lambda pair: (any(s.never_fits for s in pair[1]), max(s.resets_at for s in pair[1] if s.exhausted)),
    )
    exhausted = [s for s in states if s.exhausted]
    pack_had_room = rate_blocked and any(not any(s.exhausted for s in limit_states(request, h)) for h in packs)
    if pack_had_room or all(s.window.is_rate for s in exhausted):
        code, what = Reason.RATE_LIMITED, "rate limit reached"
    else:
        code, what = Reason.QUOTA_EXCEEDED, "quota exhausted"
    message = f"{what} ({', '.join(f'{s.limit} {s.metric} per {s.window}' for s in exhausted)})"
    too_small = next((s for s in exhausted if s.never_fits), None)
    if too_small is not None:
        needed = request.cost(too_small.metric)
        message = (
            f"this call needs up to {needed} {too_small.metric}, more than the {too_small.limit} {too_small.metric} "
            f"per {too_small.window} your plan allows"
        )
    return Decision(False, code, message, first.subscription, first.plan, None, states)


def _deny(code: Reason, message: str) -> Decision:
    return Decision(False, code, message)
