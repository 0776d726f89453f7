"""Tenants, users, identities, subscriptions and credentials: the same answers from every backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from promptsaas.domain.tenants import TenantStatus
from promptsaas.domain.users import IdentityProvider, UserStatus
from tests.integration.persistence.conftest import Backend
from tests.integration.persistence.entities import (
    NOON,
    api_key,
    identity,
    refresh_token,
    subscription,
    tenant,
    user,
)


async def test_tenants_round_trip_and_list_by_slug(backend: Backend) -> None:
    zeta, acme = tenant("t1", "zeta"), tenant("t2", "acme")
    async with backend.uow() as uow:
        await uow.tenants.add(zeta)
        await uow.tenants.add(acme)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.tenants.get("t1") == zeta
        assert await uow.tenants.get_by_slug("acme") == acme
        assert await uow.tenants.get("nope") is None
        assert await uow.tenants.list() == [acme, zeta]
        await uow.tenants.update(replace(zeta, status=TenantStatus.SUSPENDED, default_plan_code=None))
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.tenants.get("t1") == replace(zeta, status=TenantStatus.SUSPENDED, default_plan_code=None)


async def test_users_round_trip_by_id_and_email_oldest_first(backend: Backend) -> None:
    later = user("t1", "u1", "ann@example.com", NOON + timedelta(seconds=1))
    first = user("t1", "u2", None, NOON)
    async with backend.uow() as uow:
        await uow.users.add(later)
        await uow.users.add(first)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.users.get("t1", "u1") == later
        assert await uow.users.get_by_email("t1", "ann@example.com") == later
        assert await uow.users.get_by_email("t1", "bob@example.com") is None
        assert await uow.users.list("t1") == [first, later]
        await uow.users.update(replace(later, status=UserStatus.DISABLED, password_hash=None))
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.users.get("t1", "u1") == replace(later, status=UserStatus.DISABLED, password_hash=None)


async def test_identities_lead_to_their_user(backend: Backend) -> None:
    tg = identity("t1", "u1", "12345")
    async with backend.uow() as uow:
        await uow.identities.add(tg)
        await uow.identities.add(identity("t1", "u2", "67890"))
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.identities.get("t1", IdentityProvider.TELEGRAM, "12345") == tg
        assert await uow.identities.get("t1", IdentityProvider.WHATSAPP, "12345") is None
        assert await uow.identities.list_for_user("t1", "u1") == [tg]


async def test_subscriptions_round_trip_in_period_order(backend: Backend) -> None:
    late = subscription("t1", "s1", "u1", NOON + timedelta(days=1))
    early = subscription("t1", "s2", "u1", NOON)
    other = subscription("t1", "s3", "u2", NOON)
    async with backend.uow() as uow:
        for s in (late, early, other):
            await uow.subscriptions.add(s)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.subscriptions.get("t1", "s1") == late
        assert await uow.subscriptions.list_for_user("t1", "u1") == [early, late]
        assert await uow.subscriptions.list("t1") == [early, other, late]
        await uow.subscriptions.update(replace(late, current_period_end=None, provider_ref=None))
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.subscriptions.get("t1", "s1") == replace(late, current_period_end=None, provider_ref=None)


async def test_a_refresh_token_is_used_once_and_its_family_revoked(backend: Backend) -> None:
    first, second = refresh_token("t1", "r1", "fam"), refresh_token("t1", "r2", "fam")
    async with backend.uow() as uow:
        await uow.refresh_tokens.add(first)
        await uow.refresh_tokens.add(second)
        await uow.refresh_tokens.add(refresh_token("t1", "r3", "other"))
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.refresh_tokens.get_by_hash("t1", "hash-r1") == first
        assert await uow.refresh_tokens.mark_used("t1", "r1", NOON) is True
        assert await uow.refresh_tokens.mark_used("t1", "r1", NOON) is False
        assert await uow.refresh_tokens.revoke_family("t1", "fam", NOON) == 2
        assert await uow.refresh_tokens.revoke_family("t1", "fam", NOON) == 0
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.refresh_tokens.get_by_hash("t1", "hash-r1") == replace(first, used_at=NOON, revoked_at=NOON)
        assert await uow.refresh_tokens.mark_used("t1", "r2", NOON) is False
        assert await uow.refresh_tokens.get_by_hash("t1", "hash-r3") is not None


async def test_api_keys_are_found_by_hash_touched_and_revoked(backend: Backend) -> None:
    key, newer = api_key("t1", "k1"), replace(api_key("t1", "k2"), created_at=NOON + timedelta(seconds=1))
    async with backend.uow() as uow:
        await uow.api_keys.add(newer)
        await uow.api_keys.add(key)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.api_keys.find_by_hash(key.key_hash) == key
        assert await uow.api_keys.find_by_hash("unknown") is None
        assert await uow.api_keys.list_for_user("t1", "u1") == [key, newer]
        await uow.api_keys.touch("t1", "k1", NOON + timedelta(hours=1))
        await uow.api_keys.revoke("t1", "k2", NOON + timedelta(hours=2))
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.api_keys.get("t1", "k1") == replace(key, last_used_at=NOON + timedelta(hours=1))
        assert await uow.api_keys.get("t1", "k2") == replace(newer, revoked_at=NOON + timedelta(hours=2))
