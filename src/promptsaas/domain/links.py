"""Link codes and chat state: how one person keeps one account, and what each chat remembers, across channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from promptsaas.domain.channels import Channel
from promptsaas.domain.errors import DomainError

LINK_CODE_TTL = timedelta(minutes=10)


class LinkRefused(DomainError):
    """A link code that cannot join anything: unknown (or another tenant's), expired, used, or pointing back at the
    same account. Nothing changes."""

    code = "link_code_invalid"


class UserDisabled(DomainError):
    """The person's account is disabled: a messenger answers with a polite refusal and does nothing else."""

    code = "user_disabled"

    def __init__(self) -> None:
        super().__init__("this account is disabled; please contact the operator")


@dataclass(frozen=True, slots=True)
class LinkCode:
    """A single-use code, stored as its hash. Issued on the web it carries no identity: the messenger person who
    redeems it joins the issuer. Issued in a messenger it carries that identity, which joins the web redeemer."""

    tenant_id: str
    code_hash: str
    user_id: str
    created_at: datetime
    expires_at: datetime
    provider: str | None = None
    subject: str | None = None
    used_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at


@dataclass(slots=True)
class ChatState:
    """What one chat of one person on one channel remembers: the chosen agent, the open conversation, variables."""

    tenant_id: str
    channel: Channel
    subject: str
    agent: str | None = None
    conversation_id: str | None = None
    variables: dict[str, str] = field(default_factory=dict)
