"""Users and the identities (password, OAuth, messenger) that lead to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from promptsaas.domain.bounds import MAX_NAME, short_text
from promptsaas.domain.emails import normalize_email

__all__ = [
    "Identity",
    "IdentityProvider",
    "Role",
    "User",
    "UserStatus",
    "display_name_given",
    "display_name_typed",
    "normalize_email",
]


class Role(StrEnum):
    MEMBER = "member"
    ADMIN = "admin"


class UserStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


class IdentityProvider(StrEnum):
    PASSWORD = "password"
    GOOGLE = "google"
    APPLE = "apple"
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"


@dataclass(slots=True)
class User:
    id: str
    tenant_id: str
    email: str | None
    display_name: str
    created_at: datetime
    role: Role = Role.MEMBER
    status: UserStatus = UserStatus.ACTIVE
    password_hash: str | None = None
    email_verified_at: datetime | None = None
    """When the owner of the mailbox proved it (a verification link, a reset, an invite, a provider's word)."""
    token_epoch: int = 0
    """Raised by signing out everywhere and password changes: access tokens of an older epoch are refused."""

    @property
    def is_active(self) -> bool:
        return self.status is UserStatus.ACTIVE

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


@dataclass(frozen=True, slots=True)
class Identity:
    """One way into a user account; one person keeps one user (and one quota) across channels."""

    tenant_id: str
    provider: IdentityProvider
    subject: str
    user_id: str
    created_at: datetime


def display_name_typed(value: str) -> str:
    """A display name someone typed (sign-up, an admin, the CLI): at most `MAX_NAME` characters, or an error; blank
    is allowed (the user is then called by their email's local part)."""
    return short_text(value.strip(), "display_name", MAX_NAME)


def display_name_given(value: str) -> str:
    """A display name a provider gave (Google, Apple, a messenger): cut to `MAX_NAME`, since refusing it would refuse
    the person."""
    return value.strip()[:MAX_NAME]
