"""Users and the identities (password, OAuth, messenger) that lead to them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from promptsaas.domain.errors import InvalidInput

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(email: str) -> str:
    email = email.strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        raise InvalidInput(f"{email!r} is not an email address", field="email")
    return email


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

    @property
    def is_active(self) -> bool:
        return self.status is UserStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class Identity:
    """One way into a user account; one person keeps one user (and one quota) across channels."""

    tenant_id: str
    provider: IdentityProvider
    subject: str
    user_id: str
    created_at: datetime
