"""The policy engine's promises, checked on generated requests (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from domain_builders import AGENT, NOW, OTHER_TENANT, TENANT, USER, agent, principal
from hypothesis import given, settings
from hypothesis import strategies as st

from promptsaas.domain.agents import AgentStatus
from promptsaas.domain.channels import Channel
from promptsaas.domain.decisions import AccessRequest, Holding, Reason
from promptsaas.domain.plans import Limit, Metric, Plan, Window
from promptsaas.domain.policy import decide
from promptsaas.domain.quota import counter_key
from promptsaas.domain.subscriptions import Subscription, SubscriptionStatus
from promptsaas.domain.usage import Funding
from promptsaas.domain.users import UserStatus

PROPERTIES = settings(max_examples=200, deadline=None)
PROVIDERS = ("openai", "anthropic")
RATE_WINDOWS = (Window.MINUTE, Window.HOUR)
QUOTA_WINDOWS = (Window.DAY, Window.MONTH, Window.BILLING_PERIOD)


# Strategies are built once: building them inside a composite costs more than drawing from them.
AGENT_SETS = st.none() | st.frozensets(st.sampled_from((AGENT, "other", "third")))
CHANNEL_SETS = st.none() | st.frozensets(st.sampled_from(list(Channel)))
STATUSES = st.sampled_from([SubscriptionStatus.ACTIVE] * 3 + list(SubscriptionStatus))
START_DAYS_AGO = st.integers(-3, 40)
PERIOD_DAYS = st.none() | st.integers(1, 60)
LIMIT_KINDS = st.lists(st.tuples(st.sampled_from(list(Metric)), st.sampled_from(list(Window))), max_size=3, unique=True)
AMOUNTS = st.none() | st.integers(0, 50)
COUNTS = st.integers(0, 60)
ANY_COUNT = st.integers(0, 1000)
PRIORITIES = st.integers(0, 3)
TOKENS = st.integers(0, 60)
KEY_SETS = st.frozensets(st.sampled_from(PROVIDERS))


def _subscription(draw: st.DrawFn, index: int, *, active: bool) -> Subscription:
    start = NOW - timedelta(days=draw(START_DAYS_AGO))
    length = draw(PERIOD_DAYS)
    end = None if length is None else start + timedelta(days=length)
    sub = Subscription(f"sub-{index}", TENANT, USER, f"plan{index}", draw(STATUSES), start, end)
    if active and not sub.is_active(NOW):
        start, end = NOW - timedelta(days=1), None if end is None else NOW + timedelta(days=29)
        return replace(sub, status=SubscriptionStatus.ACTIVE, current_period_start=start, current_period_end=end)
    return sub


@st.composite
def holdings(draw: st.DrawFn, index: int, channel: Channel, tokens: int, *, with_room: bool) -> Holding:
    """A holding; `with_room` makes it active, granting the agent on `channel`, with room for the call."""
    agents, allowed = draw(AGENT_SETS), draw(CHANNEL_SETS)
    if with_room:
        agents = agents if agents is None else agents | {AGENT}
        allowed = allowed if allowed is None else allowed | {channel}
    sub = _subscription(draw, index, active=with_room)
    limits, counters = [], {}
    for metric, window in draw(LIMIT_KINDS):
        cost = 1 if metric is Metric.REQUESTS else tokens
        if with_room:  # room for the call: used + cost <= amount
            extra = draw(AMOUNTS)
            amount = None if extra is None else cost + extra
            used = draw(ANY_COUNT) if extra is None else min(draw(COUNTS), extra)
        else:
            amount, used = draw(AMOUNTS), draw(COUNTS)
        lim = Limit(metric, window, amount)
        limits.append(lim)
        counters[counter_key(sub, lim, NOW)[0]] = used
    plan = Plan(f"id-plan{index}", TENANT, f"plan{index}", "", agents, allowed, tuple(limits), byok=draw(st.booleans()))
    plan.priority = draw(PRIORITIES)
    return Holding(sub, plan, counters)


@st.composite
def requests(draw: st.DrawFn, *, with_room: bool = False) -> AccessRequest:
    """Any request from an active member of TENANT; `with_room` makes every holding able to fund the call."""
    channel = draw(st.sampled_from(list(Channel)))
    tokens = draw(TOKENS)
    count = draw(st.sampled_from([1, 2, 3] if with_room else [0, 1, 1, 2, 2, 3]))
    held = tuple(draw(holdings(i, channel, tokens, with_room=with_room)) for i in range(count))
    return AccessRequest(
        tenant_id=TENANT,
        principal=principal(),
        agent=agent(provider=draw(st.sampled_from(PROVIDERS))),
        channel=channel,
        holdings=held,
        byok_providers=draw(KEY_SETS),
        estimated_tokens=tokens,
        now=NOW,
    )


def _strip_agent(held: Holding) -> Holding:
    return replace(held, plan=replace(held.plan, agents=frozenset({"other"})))


def _active(request: AccessRequest) -> list[Holding]:
    return [h for h in request.holdings if h.subscription.is_active(request.now)]


@PROPERTIES
@given(requests(), st.sampled_from(["principal", "agent", "request"]))
def test_a_call_across_tenants_is_never_allowed(request: AccessRequest, who_moves: str) -> None:
    if who_moves == "principal":
        request = replace(request, principal=replace(request.principal, tenant_id=OTHER_TENANT))
    elif who_moves == "agent":
        request = replace(request, agent=replace(request.agent, tenant_id=OTHER_TENANT))
    else:
        request = replace(request, tenant_id=OTHER_TENANT)

    decision = decide(request)

    assert not decision.allowed
    assert decision.code is Reason.TENANT_MISMATCH


@PROPERTIES
@given(requests())
def test_an_agent_no_active_plan_grants_is_never_allowed_even_with_a_key(request: AccessRequest) -> None:
    with_keys = replace(
        request,
        byok_providers=frozenset(PROVIDERS),
        holdings=tuple(
            replace(h, plan=replace(h.plan, agents=frozenset({"other"}), byok=True))
            if h.subscription.is_active(NOW)
            else h
            for h in request.holdings
        ),
    )

    assert not decide(with_keys).allowed


@PROPERTIES
@given(requests())
def test_an_allowed_call_is_funded_by_an_active_subscription_granting_agent_and_channel(
    request: AccessRequest,
) -> None:
    decision = decide(request)

    if decision.allowed:
        funding = next(h for h in request.holdings if h.subscription == decision.subscription)
        assert funding in _active(request)
        assert funding.plan.grants_agent(request.agent.slug)
        assert funding.plan.allows_channel(request.channel)
        assert decision.funding is Funding.PLAN or (
            funding.plan.byok and request.agent.provider in request.byok_providers
        )


CAUSES = {
    Reason.TENANT_MISMATCH: lambda r, d: replace(r, principal=replace(r.principal, tenant_id=OTHER_TENANT)),
    Reason.USER_DISABLED: lambda r, d: replace(
        r,
        principal=d.draw(st.sampled_from([principal(status=UserStatus.DISABLED), principal(tenant_active=False)])),
    ),
    Reason.AGENT_UNAVAILABLE: lambda r, d: replace(
        r,
        agent=d.draw(
            st.sampled_from(
                [
                    agent(status=AgentStatus.DRAFT),
                    agent(status=AgentStatus.RETIRED),
                    agent(has_active_version=False),
                ]
            )
        ),
    ),
    Reason.NO_SUBSCRIPTION: lambda r, d: replace(r, holdings=()),
    Reason.SUBSCRIPTION_INACTIVE: lambda r, d: replace(r, holdings=tuple(_deactivate(h, d) for h in r.holdings)),
    Reason.AGENT_NOT_IN_PLAN: lambda r, d: replace(r, holdings=tuple(_strip_agent(h) for h in r.holdings)),
    Reason.CHANNEL_NOT_ALLOWED: lambda r, d: replace(
        r,
        holdings=tuple(replace(h, plan=replace(h.plan, channels=frozenset(Channel) - {r.channel})) for h in r.holdings),
    ),
    Reason.RATE_LIMITED: lambda r, d: _exhaust(r, d, RATE_WINDOWS),
    Reason.QUOTA_EXCEEDED: lambda r, d: _exhaust(r, d, QUOTA_WINDOWS),
}


def _deactivate(held: Holding, data: st.DataObject) -> Holding:
    sub = held.subscription
    how = data.draw(st.sampled_from(["canceled", "expired", "past_due", "ended", "future"]))
    if how == "ended":
        sub = replace(sub, current_period_end=NOW)
    elif how == "future":
        sub = replace(sub, current_period_start=NOW + timedelta(seconds=1), current_period_end=None)
    else:
        sub = replace(sub, status=SubscriptionStatus(how))
    return replace(held, subscription=sub)


def _exhaust(request: AccessRequest, data: st.DataObject, windows: tuple[Window, ...]) -> AccessRequest:
    """Give every plan one more request limit, in one of `windows`, that its counter has already reached."""
    exhausted = []
    for held in request.holdings:
        window = data.draw(st.sampled_from(windows))
        key, _ = counter_key(held.subscription, Limit(Metric.REQUESTS, window, 0), NOW)
        cap = Limit(Metric.REQUESTS, window, held.counters.get(key, 0))
        plan = replace(held.plan, limits=(*held.plan.limits, cap))
        exhausted.append(replace(held, plan=plan, counters={**held.counters, key: cap.amount or 0}))
    return replace(request, holdings=tuple(exhausted), byok_providers=frozenset())


@PROPERTIES
@given(requests(with_room=True), st.sampled_from(sorted(CAUSES)), st.data())
def test_a_denial_names_its_cause(request: AccessRequest, cause: Reason, data: st.DataObject) -> None:
    assert decide(request).allowed

    decision = decide(CAUSES[cause](request, data))

    assert not decision.allowed
    assert decision.code is cause


@PROPERTIES
@given(requests(), st.data())
def test_allowing_is_monotone_in_remaining_quota(request: AccessRequest, data: st.DataObject) -> None:
    before = decide(request)
    counted = [i for i, h in enumerate(request.holdings) if h.counters]
    if not before.allowed or not counted:
        return
    index = data.draw(st.sampled_from(counted))
    held = request.holdings[index]
    key = data.draw(st.sampled_from(sorted(held.counters, key=repr)))
    lowered = {**held.counters, key: data.draw(st.integers(0, held.counters[key]))}
    holdings = list(request.holdings)
    holdings[index] = replace(held, counters=lowered)

    after = decide(replace(request, holdings=tuple(holdings)))

    assert after.allowed
    if before.funding is Funding.PLAN:
        assert after.funding is Funding.PLAN


@PROPERTIES
@given(requests())
def test_a_plan_funded_call_never_fits_past_a_limit(request: AccessRequest) -> None:
    decision = decide(request)

    if decision.allowed and decision.funding is Funding.PLAN:
        funding = next(h for h in request.holdings if h.subscription == decision.subscription)
        assert len(decision.limits) == len(funding.plan.limits)
        for state in decision.limits:
            assert state.used == funding.counters.get(state.key, 0)
            if state.limit is not None:
                assert state.used + request.cost(state.metric) <= state.limit
                assert state.remaining == state.limit - state.used
