"""One repository per aggregate. Every method of a tenant-owned repository takes the tenant id.

The one exception is `ApiKeyRepository.find_by_hash`: a presented API key is what names its tenant.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from promptsaas.domain.agents import Agent
from promptsaas.domain.audit import AuditEntry
from promptsaas.domain.conversations import Conversation, Message
from promptsaas.domain.credentials import ApiKey, RefreshToken
from promptsaas.domain.models import ModelSpec
from promptsaas.domain.plans import Plan
from promptsaas.domain.prompts import PromptVersion
from promptsaas.domain.provider_keys import ProviderKey
from promptsaas.domain.subscriptions import Subscription
from promptsaas.domain.tenants import Tenant
from promptsaas.domain.usage import Denial, UsageRecord
from promptsaas.domain.users import Identity, IdentityProvider, User


class TenantRepository(Protocol):
    @abstractmethod
    async def get(self, tenant_id: str) -> Tenant | None: ...
    @abstractmethod
    async def get_by_slug(self, slug: str) -> Tenant | None: ...
    @abstractmethod
    async def list(self) -> list[Tenant]: ...
    @abstractmethod
    async def add(self, tenant: Tenant) -> None: ...
    @abstractmethod
    async def update(self, tenant: Tenant) -> None: ...


class UserRepository(Protocol):
    @abstractmethod
    async def get(self, tenant_id: str, user_id: str) -> User | None: ...
    @abstractmethod
    async def get_by_email(self, tenant_id: str, email: str) -> User | None: ...
    @abstractmethod
    async def list(
        self, tenant_id: str, after: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[User]:
        """Oldest first, by (created_at, id); `after` and `limit` page it (keyset), none of them: every user."""

    @abstractmethod
    async def add(self, user: User) -> None: ...
    @abstractmethod
    async def update(self, user: User) -> None: ...
    @abstractmethod
    async def update_keeping_an_admin(self, user: User) -> bool:
        """Write `user` only while another active admin of its tenant remains, checked and written atomically (two
        admins removing each other at once cannot both succeed); False, writing nothing, when none would."""


class IdentityRepository(Protocol):
    @abstractmethod
    async def get(self, tenant_id: str, provider: IdentityProvider, subject: str) -> Identity | None: ...
    @abstractmethod
    async def list_for_user(self, tenant_id: str, user_id: str) -> list[Identity]: ...
    @abstractmethod
    async def add(self, identity: Identity) -> None: ...


class RefreshTokenRepository(Protocol):
    @abstractmethod
    async def add(self, token: RefreshToken) -> None: ...
    @abstractmethod
    async def get_by_hash(self, tenant_id: str, token_hash: str) -> RefreshToken | None: ...
    @abstractmethod
    async def mark_used(self, tenant_id: str, token_id: str, at: datetime, successor: bytes | None = None) -> bool:
        """Compare-and-set: True only for the one caller that found it unused and unrevoked; it stores `successor`
        (the sealed pair the token rotates into) in the same statement, so a loser re-reading the row finds it.

        SQL: `UPDATE ... SET used_at = :at WHERE id = :id AND used_at IS NULL AND revoked_at IS NULL`, rowcount == 1.
        """

    @abstractmethod
    async def revoke_family(self, tenant_id: str, family_id: str, at: datetime) -> int:
        """Revoke every not yet revoked token of the family; return how many."""

    @abstractmethod
    async def revoke_for_user(self, tenant_id: str, user_id: str, at: datetime) -> int:
        """Revoke every not yet revoked token of the user (every family); return how many."""


class ApiKeyRepository(Protocol):
    @abstractmethod
    async def add(self, key: ApiKey) -> None: ...
    @abstractmethod
    async def get(self, tenant_id: str, key_id: str) -> ApiKey | None: ...
    @abstractmethod
    async def list_for_user(
        self, tenant_id: str, user_id: str, after: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[ApiKey]:
        """Oldest first by (created_at, id), revoked ones included; `after` and `limit` page it."""

    @abstractmethod
    async def revoke(self, tenant_id: str, key_id: str, at: datetime) -> None: ...
    @abstractmethod
    async def touch(self, tenant_id: str, key_id: str, at: datetime) -> None:
        """Record the last use."""

    @abstractmethod
    async def find_by_hash(self, key_hash: str) -> ApiKey | None:
        """The one lookup without a tenant: an API key alone names its tenant, which the returned key carries.

        Safe because the hash is of 256 random bits; callers must scope everything after it to `key.tenant_id`.
        """


class ProviderKeyRepository(Protocol):
    """Users' own provider keys (BYOK), one per (tenant, user, provider); writes that race compare the ciphertext."""

    @abstractmethod
    async def get(self, tenant_id: str, user_id: str, provider: str) -> ProviderKey | None: ...
    @abstractmethod
    async def list_for_user(self, tenant_id: str, user_id: str) -> list[ProviderKey]:
        """By provider name."""

    @abstractmethod
    async def put(self, key: ProviderKey) -> None:
        """Store the key, replacing the user's previous one for that provider."""

    @abstractmethod
    async def delete(self, tenant_id: str, user_id: str, provider: str) -> bool:
        """False when there was no key."""

    @abstractmethod
    async def mark_invalid(self, key: ProviderKey, at: datetime) -> bool:
        """Flag the key, unless it was replaced meanwhile (its row no longer holds `key.ciphertext`)."""

    @abstractmethod
    async def reencrypt(self, key: ProviderKey, key_id: str, ciphertext: bytes) -> bool:
        """Swap in a new ciphertext, unless the key was replaced or deleted meanwhile (compare-and-set)."""

    @abstractmethod
    async def list_all(self, tenant_id: str | None = None) -> list[ProviderKey]:
        """Every stored key, of one tenant or of all (key rotation is the one caller across tenants)."""


class AgentRepository(Protocol):
    @abstractmethod
    async def get(self, tenant_id: str, agent_id: str) -> Agent | None: ...
    @abstractmethod
    async def get_by_slug(self, tenant_id: str, slug: str) -> Agent | None: ...
    @abstractmethod
    async def with_active_versions(
        self, tenant_id: str, *, published_only: bool, after: str | None = None, limit: int | None = None
    ) -> list[tuple[Agent, PromptVersion | None]]:
        """Agents by slug, each with its active version, in a fixed number of statements whatever their count."""

    @abstractmethod
    async def list(self, tenant_id: str, after: str | None = None, limit: int | None = None) -> list[Agent]:
        """By slug; `after` (a slug) and `limit` page it."""

    @abstractmethod
    async def add(self, agent: Agent) -> None: ...
    @abstractmethod
    async def add_many(self, agents: Sequence[Agent]) -> None:
        """Insert many new agents in one statement."""

    @abstractmethod
    async def update(self, agent: Agent) -> None: ...


class PromptVersionRepository(Protocol):
    @abstractmethod
    async def get(self, tenant_id: str, agent_id: str, number: int) -> PromptVersion | None: ...
    @abstractmethod
    async def get_active(self, tenant_id: str, agent_id: str) -> PromptVersion | None: ...
    @abstractmethod
    async def list(
        self, tenant_id: str, agent_id: str, after: int | None = None, limit: int | None = None
    ) -> list[PromptVersion]:
        """The versions of an agent, oldest first; `after` (a number) and `limit` page it."""

    @abstractmethod
    async def add(self, version: PromptVersion) -> None: ...
    @abstractmethod
    async def add_many(self, versions: Sequence[PromptVersion]) -> None:
        """Insert many new versions in one statement."""

    @abstractmethod
    async def set_status(self, version: PromptVersion) -> None:
        """Store the lifecycle fields (status, activated_from); content never changes."""


class PlanRepository(Protocol):
    @abstractmethod
    async def get_by_code(self, tenant_id: str, code: str) -> Plan | None: ...
    @abstractmethod
    async def list(self, tenant_id: str, after: str | None = None, limit: int | None = None) -> list[Plan]:
        """By code; `after` (a code) and `limit` page it."""

    @abstractmethod
    async def add(self, plan: Plan) -> None: ...
    @abstractmethod
    async def update(self, plan: Plan) -> None: ...


class SubscriptionRepository(Protocol):
    @abstractmethod
    async def get(self, tenant_id: str, subscription_id: str) -> Subscription | None: ...
    @abstractmethod
    async def list_for_user(self, tenant_id: str, user_id: str) -> list[Subscription]: ...
    @abstractmethod
    async def list(
        self, tenant_id: str, after: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[Subscription]:
        """By (current_period_start, id); `after` and `limit` page it."""

    @abstractmethod
    async def add(self, subscription: Subscription) -> None: ...
    @abstractmethod
    async def update(self, subscription: Subscription) -> None: ...


class ModelRepository(Protocol):
    """A tenant's overrides of the built-in model registry."""

    @abstractmethod
    async def list(self, tenant_id: str) -> list[ModelSpec]: ...
    @abstractmethod
    async def put(self, tenant_id: str, model: ModelSpec) -> None: ...


class ConversationRepository(Protocol):
    """Turns are written by `QuotaLedger.settle`, with their call's usage; here conversations are read and purged."""

    @abstractmethod
    async def get(self, tenant_id: str, conversation_id: str) -> Conversation | None: ...
    @abstractmethod
    async def list_for_user(
        self, tenant_id: str, user_id: str, before: tuple[datetime, str] | None = None, limit: int | None = None
    ) -> list[Conversation]:
        """Most recently updated first, by (updated_at, id) descending; `before` and `limit` page it."""

    @abstractmethod
    async def delete(self, tenant_id: str, conversation_id: str) -> None: ...
    @abstractmethod
    async def recent_messages(self, tenant_id: str, conversation_id: str, limit: int) -> list[Message]:
        """The last `limit` messages, oldest first."""

    @abstractmethod
    async def purge_messages(
        self, tenant_id: str, user_ids: Sequence[str], before: datetime, *, dry_run: bool = False
    ) -> int:
        """Delete the messages of these users older than `before` (or only count them); return the count."""


@dataclass(frozen=True, slots=True)
class UsageRow:
    key: str
    requests: int
    input_tokens: int
    output_tokens: int
    cost_micros: int
    errors: int


@dataclass(frozen=True, slots=True)
class DenialCount:
    day: str
    code: str
    count: int


@dataclass(frozen=True, slots=True)
class UsageQuery:
    tenant_id: str
    group_by: str = "agent"
    """agent | user | plan | day | model"""
    since: datetime | None = None
    until: datetime | None = None
    user_id: str | None = None


class UsageRepository(Protocol):
    """Usage records are written by `QuotaLedger.settle`, with the charge of their call; here they are read."""

    @abstractmethod
    async def records(self, tenant_id: str, since: datetime | None = None) -> list[UsageRecord]: ...
    @abstractmethod
    async def records_of_request(self, tenant_id: str, request_id: str) -> list[UsageRecord]:
        """The calls one request made (usually one), in the order they were written."""

    @abstractmethod
    async def summarize(self, query: UsageQuery) -> list[UsageRow]: ...
    @abstractmethod
    async def add_denial(self, denial: Denial) -> None: ...
    @abstractmethod
    async def denials_per_day(self, tenant_id: str, since: datetime) -> list[DenialCount]:
        """How many calls were refused per day (UTC) and code since `since`, ordered by day then code."""


class AuditRepository(Protocol):
    @abstractmethod
    async def add(self, entry: AuditEntry) -> None: ...
    @abstractmethod
    async def add_many(self, entries: Sequence[AuditEntry]) -> None:
        """Append many entries in one statement, in order."""

    @abstractmethod
    async def list(self, tenant_id: str, limit: int = 50, before: str | None = None) -> list[AuditEntry]:
        """Newest first; `before` (an entry's id) starts after that entry."""
