"""Domain objects to response structs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from promptsaas.application.access import LimitView
from promptsaas.application.access.limits import PackBalance
from promptsaas.domain.agents import Agent
from promptsaas.domain.conversations import Conversation
from promptsaas.domain.plans import Plan
from promptsaas.domain.prompts import PromptVersion
from promptsaas.domain.subscriptions import Subscription
from promptsaas.domain.users import User
from promptsaas.entrypoints.http.schemas.admin import AdminSubscriptionRead, AgentAdminRead, VersionRead
from promptsaas.entrypoints.http.schemas.auth import UserRead
from promptsaas.entrypoints.http.schemas.base import LimitRead
from promptsaas.entrypoints.http.schemas.members import (
    ApiKeyRead,
    ConversationRead,
    PackRead,
    PlanLimitRead,
    PlanRead,
    PriceRead,
    SubscriptionRead,
)


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def user_read(user: User) -> UserRead:
    return UserRead(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role.value,
        status=user.status.value,
        created_at=user.created_at.isoformat(),
        email_verified=user.email_verified,
    )


def limit_read(view: LimitView) -> LimitRead:
    return LimitRead(
        metric=view.metric,
        window=view.window,
        limit=view.limit,
        used=view.used,
        remaining=view.remaining,
        resets_at=view.resets_at.isoformat(),
    )


def pack_read(pack: PackBalance) -> PackRead:
    return PackRead(
        subscription_id=pack.subscription_id,
        plan=pack.plan_code,
        expires_at=iso(pack.expires_at),
        limits=[limit_read(v) for v in pack.limits],
    )


def plan_read(plan: Plan, default_code: str | None = None) -> PlanRead:
    price = plan.price
    return PlanRead(
        code=plan.code,
        name=plan.name,
        price=PriceRead(monthly=price.monthly, yearly=price.yearly, currency=price.currency) if price else None,
        agents=sorted(plan.agents) if plan.agents is not None else None,
        channels=sorted(plan.channels) if plan.channels is not None else None,
        limits=[
            PlanLimitRead(metric=lim.metric.value, window=lim.window.value, amount=lim.amount) for lim in plan.limits
        ],
        byok=plan.byok,
        retention_days=plan.retention_days,
        trial_days=plan.trial_days,
        priority=plan.priority,
        status=plan.status.value,
        public=plan.public,
        default=plan.code == default_code,
    )


def subscription_read(sub: Subscription) -> SubscriptionRead:
    return SubscriptionRead(
        id=sub.id,
        plan=sub.plan_code,
        status=sub.status.value,
        current_period_start=sub.current_period_start.isoformat(),
        current_period_end=iso(sub.current_period_end),
        provider=sub.provider,
    )


def admin_subscription_read(sub: Subscription) -> AdminSubscriptionRead:
    return AdminSubscriptionRead(
        id=sub.id,
        user_id=sub.user_id,
        plan=sub.plan_code,
        status=sub.status.value,
        current_period_start=sub.current_period_start.isoformat(),
        current_period_end=iso(sub.current_period_end),
        provider=sub.provider,
    )


def agent_admin_read(agent: Agent, active: int | None) -> AgentAdminRead:
    return AgentAdminRead(
        id=agent.id,
        slug=agent.slug,
        name=agent.name,
        description=agent.description,
        status=agent.status.value,
        history_turns=agent.history_turns,
        styles=dict(agent.styles),
        accepts_client_system=agent.accepts_client_system,
        active_version=active,
        created_at=agent.created_at.isoformat(),
    )


def version_read(version: PromptVersion) -> VersionRead:
    content = version.content
    return VersionRead(
        number=version.number,
        status=version.status.value,
        system=content.system,
        user=content.user,
        model=content.model,
        variables={v.name: v.describe() for v in content.variables},
        params=content.params.as_dict(),
        author=version.author,
        note=version.note,
        created_at=version.created_at.isoformat(),
        activated_from=version.activated_from,
    )


def conversation_read(conversation: Conversation) -> ConversationRead:
    return ConversationRead(
        id=conversation.id,
        agent_id=conversation.agent_id,
        channel=conversation.channel.value,
        title=conversation.title,
        created_at=conversation.created_at.isoformat(),
        updated_at=conversation.updated_at.isoformat(),
    )


def api_key_read(key: Any) -> ApiKeyRead:
    return ApiKeyRead(
        id=key.id,
        name=key.name,
        prefix=key.prefix,
        created_at=key.created_at.isoformat(),
        last_used_at=iso(key.last_used_at),
        revoked=key.revoked_at is not None,
    )
