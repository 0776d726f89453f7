"""The repositories of who may call: tenants, users and their sign-in identities, refresh tokens, API keys and
users' own provider keys. Every method takes the tenant id.

The one exception is `ApiKeyRepository.find_by_hash`: a presented API key is what names its tenant.
"""

from __future__ import annotations

from abc import abstractmethod
from datetime import datetime
from typing import Protocol

from promptsaas.domain.credentials import ApiKey, RefreshToken
from promptsaas.domain.provider_keys import ProviderKey
from promptsaas.domain.tenants import Tenant
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
