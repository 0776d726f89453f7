"""Linking accounts: one person, one user and one quota across the web and every messenger.

A code issued on the web is redeemed in a messenger (`/start <code>`, `/link <code>`); a code issued in a messenger
is redeemed on the web (`POST /v1/me/link`). Either way the messenger identity joins the web user, with the
conversations and paid subscriptions of its messenger-only user; every link writes an audit row.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from promptsaas.application.audit_trail import AuditTrail
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from promptsaas.domain.links import LINK_CODE_TTL, LinkCode, LinkRefused
from promptsaas.domain.users import IdentityProvider

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IssuedCode:
    code: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Linked:
    """The user the identity now belongs to, and what moved with it."""

    user_id: str
    conversations: int
    subscriptions: int


class LinkService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        audit: AuditTrail,
        clock: Clock,
        codes: Callable[[], str] = new_code,
    ) -> None:
        self._uow = uow
        self._audit = audit
        self._clock = clock
        self._codes = codes

    async def issue(
        self, tenant_id: str, user_id: str, identity: tuple[IdentityProvider, str] | None = None
    ) -> IssuedCode:
        """A single-use code valid for ten minutes, stored hashed; with `identity` when issued in a messenger."""
        code, now = self._codes(), self._clock.now()
        provider, subject = identity if identity else (None, None)
        expires = now + LINK_CODE_TTL
        async with self._uow() as uow:
            await uow.links.add_code(LinkCode(tenant_id, hash_code(code), user_id, now, expires, provider, subject))
            await uow.commit()
        return IssuedCode(code, expires)

    async def redeem_in_messenger(
        self, tenant_id: str, provider: IdentityProvider, subject: str, user_id: str, code: str
    ) -> Linked:
        """The messenger identity (now the user `user_id`) joins the user who issued the code on the web."""
        async with self._uow() as uow:
            found = await self._usable(uow, tenant_id, code)
            if found.provider is not None:
                raise LinkRefused("this code was made in a chat; enter it on the website instead")
            linked = await self._join(uow, found, provider, subject, user_id, found.user_id)
            await uow.commit()
        return linked

    async def redeem_on_web(self, tenant_id: str, user_id: str, code: str) -> Linked:
        """The messenger identity that issued the code joins the signed-in web user `user_id`."""
        async with self._uow() as uow:
            found = await self._usable(uow, tenant_id, code)
            if found.provider is None or found.subject is None:
                raise LinkRefused("this code was made on the website; send it to the bot instead")
            provider = IdentityProvider(found.provider)
            linked = await self._join(uow, found, provider, found.subject, found.user_id, user_id)
            await uow.commit()
        return linked

    async def _usable(self, uow: UnitOfWork, tenant_id: str, code: str) -> LinkCode:
        found = await uow.links.get_code(tenant_id, hash_code(code))
        if found is None:
            raise LinkRefused("this link code is not valid")
        if not found.usable(self._clock.now()):
            raise LinkRefused("this link code has expired or was already used; ask for a new one")
        return found

    async def _join(
        self,
        uow: UnitOfWork,
        code: LinkCode,
        provider: IdentityProvider,
        subject: str,
        from_user: str,
        to_user: str,
    ) -> Linked:
        tenant_id = code.tenant_id
        if from_user == to_user:
            raise LinkRefused("this account is already linked")
        target = await uow.users.get(tenant_id, to_user)
        if target is None or not target.is_active:
            raise LinkRefused("the account of this code is not available")
        if not await uow.links.use_code(tenant_id, code.code_hash, self._clock.now()):
            raise LinkRefused("this link code has expired or was already used; ask for a new one")
        await uow.links.move_identity(tenant_id, provider, subject, to_user)
        moved = Linked(to_user, 0, 0)
        if not await self._has_other_identity(uow, tenant_id, from_user, provider, subject):
            conversations = await uow.links.move_conversations(tenant_id, from_user, to_user)
            subscriptions = await uow.links.move_subscriptions(tenant_id, from_user, to_user)
            moved = Linked(to_user, conversations, subscriptions)
        summary = f"{provider}:{subject} -> {to_user} conversations={moved.conversations} subs={moved.subscriptions}"
        await self._audit.record(uow, tenant_id, f"user:{to_user}", "identity.link", from_user, after=summary)
        return moved

    async def _has_other_identity(
        self, uow: UnitOfWork, tenant_id: str, user_id: str, provider: IdentityProvider, subject: str
    ) -> bool:
        """Whether the messenger user keeps another way in (then its data stays with it)."""
        identities = await uow.identities.list_for_user(tenant_id, user_id)
        user = await uow.users.get(tenant_id, user_id)
        others = [i for i in identities if (i.provider, i.subject) != (provider, subject)]
        return bool(others) or (user is not None and user.email is not None)
