"""Tenants: operators sharing one deployment without seeing each other."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from promptsaas.domain.errors import InvalidInput, InvalidToken, TenantSuspended

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}\Z")  # \Z, not $: "slug\n" is not a slug


def check_slug(slug: str, *, field: str = "slug") -> str:
    if not SLUG.match(slug):
        raise InvalidInput(
            f"{field} {slug!r} must be 1-63 lowercase letters, digits or '-', starting with a letter or digit",
            field=field,
        )
    return slug


class SignupMode(StrEnum):
    """Who may create an account by themselves: anyone (`open`), anyone who then verifies the email before signing
    in (`verified`), only someone an admin invited (`invite`), nobody (`closed`: admins create users)."""

    OPEN = "open"
    VERIFIED = "verified"
    INVITE = "invite"
    CLOSED = "closed"


class TenantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


@dataclass(slots=True)
class Tenant:
    id: str
    slug: str
    name: str
    created_at: datetime
    status: TenantStatus = TenantStatus.ACTIVE
    default_plan_code: str | None = None
    signup_mode: SignupMode = SignupMode.OPEN
    default_agent: str | None = None
    """The agent that answers a messenger chat until the person chooses one (a catalog setting)."""

    def __post_init__(self) -> None:
        check_slug(self.slug)

    @property
    def is_active(self) -> bool:
        return self.status is TenantStatus.ACTIVE


def check_tenant_active(tenant: Tenant | None) -> None:
    """Nobody of a suspended tenant authenticates: not by password, token, refresh token, API key or OAuth."""
    if tenant is None:
        raise InvalidToken("the tenant no longer exists")
    if not tenant.is_active:
        raise TenantSuspended()
