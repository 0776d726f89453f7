"""Row <-> entity for tenants, users, identities, credentials and subscriptions."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from promptsaas.adapters.persistence.sqlalchemy.mapping import Row
from promptsaas.domain.credentials import ApiKey, RefreshToken
from promptsaas.domain.subscriptions import Interval, Subscription, SubscriptionStatus
from promptsaas.domain.tenants import SignupMode, Tenant, TenantStatus
from promptsaas.domain.users import Identity, IdentityProvider, Role, User, UserStatus


def tenant_row(t: Tenant) -> dict[str, Any]:
    return {
        "id": t.id,
        "slug": t.slug,
        "name": t.name,
        "status": t.status.value,
        "default_plan_code": t.default_plan_code,
        "created_at": t.created_at,
        "signup_mode": t.signup_mode.value,
        "default_agent": t.default_agent,
    }


def tenant_of(r: Row) -> Tenant:
    status, mode = TenantStatus(r["status"]), SignupMode(r["signup_mode"])
    return Tenant(
        r["id"], r["slug"], r["name"], r["created_at"], status, r["default_plan_code"], mode, r["default_agent"]
    )


def user_row(u: User) -> dict[str, Any]:
    return {
        "tenant_id": u.tenant_id,
        "id": u.id,
        "email": u.email,
        "display_name": u.display_name,
        "role": u.role.value,
        "status": u.status.value,
        "password_hash": u.password_hash,
        "created_at": u.created_at,
        "email_verified_at": u.email_verified_at,
        "token_epoch": u.token_epoch,
    }


def user_of(r: Row) -> User:
    return User(
        r["id"],
        r["tenant_id"],
        r["email"],
        r["display_name"],
        r["created_at"],
        Role(r["role"]),
        UserStatus(r["status"]),
        r["password_hash"],
        r["email_verified_at"],
        r["token_epoch"],
    )


def identity_row(i: Identity) -> dict[str, Any]:
    return {
        "tenant_id": i.tenant_id,
        "provider": i.provider.value,
        "subject": i.subject,
        "user_id": i.user_id,
        "created_at": i.created_at,
    }


def identity_of(r: Row) -> Identity:
    return Identity(r["tenant_id"], IdentityProvider(r["provider"]), r["subject"], r["user_id"], r["created_at"])


def subscription_row(s: Subscription) -> dict[str, Any]:
    return {
        "tenant_id": s.tenant_id,
        "id": s.id,
        "user_id": s.user_id,
        "plan_code": s.plan_code,
        "status": s.status.value,
        "current_period_start": s.current_period_start,
        "current_period_end": s.current_period_end,
        "cancel_at_period_end": s.cancel_at_period_end,
        "provider": s.provider,
        "provider_ref": s.provider_ref,
        "grace_until": s.grace_until,
        "provider_synced_at": s.provider_synced_at,
        "billing_interval": s.interval.value if s.interval else None,
    }


def subscription_of(r: Row) -> Subscription:
    return Subscription(
        r["id"],
        r["tenant_id"],
        r["user_id"],
        r["plan_code"],
        SubscriptionStatus(r["status"]),
        r["current_period_start"],
        r["current_period_end"],
        bool(r["cancel_at_period_end"]),
        r["provider"],
        r["provider_ref"],
        r["grace_until"],
        r["provider_synced_at"],
        Interval(r["billing_interval"]) if r["billing_interval"] else None,
    )


def credential_row(entity: RefreshToken | ApiKey) -> dict[str, Any]:
    """Refresh tokens and API keys are flat records: their fields are their columns."""
    return asdict(entity)


def refresh_token_of(r: Row) -> RefreshToken:
    return RefreshToken(**{f.name: r[f.name] for f in fields(RefreshToken)})


def api_key_of(r: Row) -> ApiKey:
    return ApiKey(**{f.name: r[f.name] for f in fields(ApiKey)})
