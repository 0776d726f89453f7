"""Domain objects for persistence tests: every field set to something that must survive a round trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from promptsaas.domain.agents import Agent
from promptsaas.domain.audit import AuditEntry
from promptsaas.domain.channels import Channel
from promptsaas.domain.conversations import Conversation, ImagePart, Message, Role, TextPart
from promptsaas.domain.credentials import ApiKey, RefreshToken
from promptsaas.domain.models import ModelSpec
from promptsaas.domain.plans import Limit, Metric, Plan, Price, Window
from promptsaas.domain.prompts import ModelParams, PromptContent, PromptVersion, VersionStatus
from promptsaas.domain.provider_keys import ProviderKey
from promptsaas.domain.quota import CounterKey, Reservation, ReservationItem
from promptsaas.domain.subscriptions import Interval, Subscription, SubscriptionStatus
from promptsaas.domain.templates import Variable, VariableType
from promptsaas.domain.tenants import Tenant
from promptsaas.domain.usage import Funding, Outcome, UsageRecord
from promptsaas.domain.users import Identity, IdentityProvider, User
from promptsaas.domain.users import Role as UserRole

NOON = datetime(2030, 3, 14, 12, 0, 0, 123456, tzinfo=UTC)


def tenant(tenant_id: str, slug: str) -> Tenant:
    return Tenant(tenant_id, slug, f"Tenant {slug}", NOON, default_plan_code="free")


def user(tenant_id: str, user_id: str, email: str | None, at: datetime = NOON) -> User:
    return User(user_id, tenant_id, email, f"User {user_id}", at, UserRole.ADMIN, password_hash="$argon2id$x")


def identity(tenant_id: str, user_id: str, subject: str) -> Identity:
    return Identity(tenant_id, IdentityProvider.TELEGRAM, subject, user_id, NOON)


def agent(tenant_id: str, agent_id: str, slug: str) -> Agent:
    return Agent(agent_id, tenant_id, slug, f"Agent {slug}", NOON, "describes", styles={"short": "Be brief."})


def version(tenant_id: str, agent_id: str, number: int, status: VersionStatus = VersionStatus.DRAFT) -> PromptVersion:
    content = PromptContent(
        system="You are a {{ level }} tutor, v" + str(number),
        model="offline:echo",
        user="{{ input }}",
        variables=(
            Variable("level", VariableType.ENUM, default="beginner", values=("beginner", "expert")),
            Variable("words", VariableType.INTEGER, required=True, max_length=4),
        ),
        params=ModelParams(temperature=0.2, max_output_tokens=256, top_p=0.9, stop=("END",)),
    )
    return PromptVersion(
        f"{agent_id}-v{number}", tenant_id, agent_id, number, content, NOON, "ann", "first", status, None
    )


def plan(tenant_id: str, code: str, amount: int | None = 5) -> Plan:
    return Plan(
        f"plan-{code}",
        tenant_id,
        code,
        f"Plan {code}",
        agents=frozenset({"tutor", "writer"}),
        channels=frozenset({Channel.WEB, Channel.API}),
        limits=(Limit(Metric.REQUESTS, Window.DAY, amount), Limit(Metric.TOKENS, Window.BILLING_PERIOD, None)),
        price=Price(900, 9000, "eur", (("stripe", "price_123"),), stars=450),
        byok=True,
        retention_days=30,
        trial_days=7,
        priority=3,
        public=False,
    )


def subscription(tenant_id: str, sub_id: str, user_id: str, start: datetime = NOON) -> Subscription:
    return Subscription(
        sub_id,
        tenant_id,
        user_id,
        "free",
        SubscriptionStatus.TRIALING,
        start,
        start + timedelta(days=30),
        cancel_at_period_end=True,
        provider="stripe",
        provider_ref=f"sub_{sub_id}",  # one subscription per provider reference
        interval=Interval.YEAR,
    )


def model() -> ModelSpec:
    return ModelSpec("openai:gpt-x", Decimal("0.15"), Decimal("0.600000001"), 64_000, True)


def conversation(tenant_id: str, conversation_id: str, user_id: str, at: datetime = NOON) -> Conversation:
    return Conversation(conversation_id, tenant_id, user_id, "agent-1", Channel.TELEGRAM, at, at, "a title")


def message(tenant_id: str, message_id: str, conversation_id: str, at: datetime = NOON) -> Message:
    parts = (
        TextPart(f"text of {message_id}"),
        ImagePart("image/png", url="https://x/y.png"),
        ImagePart("a/b", None, "QQ"),
    )
    return Message(message_id, tenant_id, conversation_id, Role.USER, parts, at, 11, 7)


def usage(tenant_id: str, record_id: str, *, user_id: str = "u1", at: datetime = NOON, **fields: object) -> UsageRecord:
    values: dict[str, object] = {
        "agent_id": "agent-1",
        "agent_slug": "tutor",
        "prompt_version": 2,
        "channel": Channel.API,
        "model": "offline:echo",
        "input_tokens": 10,
        "output_tokens": 20,
        "cost_micros": 30,
        "funding": Funding.PLAN,
        "subscription_id": "sub-1",
        "plan_code": "free",
        "outcome": Outcome.OK,
        "latency_ms": 5,
        "request_id": "req-1",
        "charged_requests": 1,
        "charged_tokens": 30,
    }
    values.update(fields)
    return UsageRecord(record_id, tenant_id, user_id, created_at=at, **values)  # type: ignore[arg-type]


def audit(tenant_id: str, entry_id: str) -> AuditEntry:
    return AuditEntry(entry_id, tenant_id, "ann", "plan.update", f"target {entry_id}", NOON, "before", "after")


def refresh_token(tenant_id: str, token_id: str, family: str, user_id: str = "u1") -> RefreshToken:
    return RefreshToken(token_id, tenant_id, user_id, family, f"hash-{token_id}", NOON, NOON + timedelta(days=30))


def api_key(tenant_id: str, key_id: str, user_id: str = "u1", key_hash: str | None = None) -> ApiKey:
    return ApiKey(
        key_id, tenant_id, user_id, f"key {key_id}", "psk_abcd", key_hash or f"hash-{tenant_id}-{key_id}", NOON
    )


def provider_key(tenant_id: str, user_id: str, provider: str = "openai", sealed: bytes = b"\x00sealed") -> ProviderKey:
    return ProviderKey(tenant_id, user_id, provider, sealed + bytes(16), "k1", "wxyz", NOON)


def key(sub_id: str = "sub-1", metric: Metric = Metric.REQUESTS, window: Window = Window.DAY) -> CounterKey:
    return CounterKey(sub_id, metric, window, NOON.replace(hour=0, minute=0, second=0, microsecond=0))


def reservation(
    tenant_id: str,
    reservation_id: str,
    *items: tuple[CounterKey, int, int | None],
    ttl: timedelta = timedelta(minutes=10),
) -> Reservation:
    return Reservation(reservation_id, tenant_id, tuple(ReservationItem(*i) for i in items), NOON + ttl)
