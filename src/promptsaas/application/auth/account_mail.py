"""The mails of the account lifecycle and the signed links they carry: verify an email, reset a password, accept an
invite, and "someone tried to register with your address" (so registration itself reveals nothing).

A mail that cannot be sent is logged without its link and does not fail the request: the answer to the caller must
not depend on what happened to the mail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from promptsaas.application.ports.mail import Mail, Mailer, MailNotSent
from promptsaas.application.ports.tokens import LinkSigner
from promptsaas.domain.errors import InvalidLink
from promptsaas.domain.users import User

VERIFY_EMAIL = "verify_email"
RESET_PASSWORD = "reset_password"
INVITE = "invite"

log = logging.getLogger("promptsaas.mail")


@dataclass(frozen=True, slots=True)
class LinkLifetimes:
    verify_email_seconds: int = 2 * 24 * 3600
    reset_password_seconds: int = 3600
    invite_seconds: int = 7 * 24 * 3600


class AccountMail:
    def __init__(
        self, mailer: Mailer, links: LinkSigner, public_url: str, lifetimes: LinkLifetimes | None = None
    ) -> None:
        self._mailer = mailer
        self._links = links
        self._base = public_url.rstrip("/")
        self._ttl = lifetimes or LinkLifetimes()

    def claims(self, purpose: str, token: str, tenant_id: str | None = None) -> dict[str, Any]:
        """A link's claims; `InvalidLink` when forged, expired, of another purpose or (given) of another tenant."""
        claims = self._links.verify_link(purpose, token)
        if tenant_id is not None and claims.get("tid") != tenant_id:
            raise InvalidLink()
        return claims

    async def verification(self, user: User) -> None:
        claims = {"tid": user.tenant_id, "sub": user.id, "email": user.email or ""}
        token = self._links.sign_link(VERIFY_EMAIL, claims, self._ttl.verify_email_seconds)
        await self._send(
            user.email,
            "Confirm your email address",
            "Confirm that this address is yours by opening this link:\n\n"
            f"{self._base}/verify-email?token={quote(token)}\n\n"
            "If you did not create an account, ignore this mail.",
        )

    async def already_registered(self, email: str) -> None:
        await self._send(
            email,
            "Someone tried to register with your address",
            "Someone tried to create an account with this address, which already has one. If it was you, sign in, "
            f"or reset your password at {self._base}/forgot-password. If not, you need do nothing.",
        )

    async def reset(self, user: User) -> None:
        claims: dict[str, str | int] = {"tid": user.tenant_id, "sub": user.id, "ep": user.token_epoch}
        token = self._links.sign_link(RESET_PASSWORD, claims, self._ttl.reset_password_seconds)
        await self._send(
            user.email,
            "Reset your password",
            "Choose a new password by opening this link (it works once, for an hour):\n\n"
            f"{self._base}/reset-password?token={quote(token)}\n\n"
            "Resetting signs you out everywhere. If you did not ask for this, ignore this mail.",
        )

    async def invite(self, tenant_id: str, tenant_name: str, email: str, role: str) -> str:
        """Mail an invite and return its link (for an operator to hand over when no mail server is set up)."""
        claims = {"tid": tenant_id, "email": email, "role": role}
        token = self._links.sign_link(INVITE, claims, self._ttl.invite_seconds)
        link = f"{self._base}/sign-up?invite={quote(token)}"
        await self._send(email, f"You are invited to {tenant_name}", f"Create your account here:\n\n{link}\n")
        return link

    async def _send(self, to: str | None, subject: str, text: str) -> None:
        if not to:
            return
        try:
            await self._mailer.send(Mail(to, subject, text))
        except MailNotSent as error:
            log.warning("mail %r was not sent: %s", subject, error)
