"""Signing in from a browser with Google or Apple: the authorization-code flow around `OAuthSignIn`.

`start` gives the provider's sign-in address and a sealed ticket (state, nonce, PKCE verifier, workspace, where to go
next) for the browser to keep; `finish` accepts the provider's answer only when its state matches that ticket, trades
the code for an ID token, verifies it with the ticket's nonce and signs the user in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import timedelta

from promptsaas.application.admin import AdminService
from promptsaas.application.auth.oauth_sign_in import OAuthSignIn, oauth_provider
from promptsaas.application.auth.sessions import TokenPair
from promptsaas.application.ports.clock import Clock
from promptsaas.application.ports.oauth import AuthorizationCodeFlow
from promptsaas.application.ports.secrets import SecretCipher, SecretUnreadable
from promptsaas.domain.errors import InvalidToken
from promptsaas.domain.users import IdentityProvider

TICKET_TTL = timedelta(minutes=10)
SEALED_FOR = "oauth-sign-in"
PROVIDER_REFUSALS = {
    "access_denied": "you cancelled the sign-in",
    "user_cancelled_authorize": "you cancelled the sign-in",
}


@dataclass(frozen=True, slots=True)
class StartedSignIn:
    url: str
    ticket: str


@dataclass(frozen=True, slots=True)
class ProviderAnswer:
    """What the provider sent back to the callback: a code and the state, or an error."""

    state: str = ""
    code: str = ""
    error: str = ""


@dataclass(frozen=True, slots=True)
class FinishedSignIn:
    tokens: TokenPair
    next: str


class OAuthRedirect:
    def __init__(
        self,
        flow: AuthorizationCodeFlow,
        sign_in: OAuthSignIn,
        admin: AdminService,
        cipher: SecretCipher,
        clock: Clock,
        *,
        public_url: str,
    ) -> None:
        self._flow = flow
        self._sign_in = sign_in
        self._admin = admin
        self._cipher = cipher
        self._clock = clock
        self._public_url = public_url.rstrip("/")

    def providers(self) -> tuple[str, ...]:
        """The providers whose buttons the sign-in pages show."""
        return tuple(provider.value for provider in self._flow.configured())

    def start(self, provider: str, workspace: str, next: str) -> StartedSignIn:
        kind = self._configured(provider)
        state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        url = self._flow.authorization_url(
            kind, redirect_uri=self._callback(kind), state=state, nonce=nonce, code_challenge=challenge
        )
        started = self._clock.now().timestamp()
        ticket = {"p": kind.value, "w": workspace, "n": next, "s": state, "o": nonce, "v": verifier, "t": started}
        key_id, sealed = self._cipher.encrypt(json.dumps(ticket), SEALED_FOR)
        return StartedSignIn(url, f"{key_id}.{base64.urlsafe_b64encode(sealed).decode()}")

    async def finish(self, ticket: str | None, provider: str, answer: ProviderAnswer) -> FinishedSignIn:
        kind = self._configured(provider)
        opened = self._open(ticket)
        if opened.get("p") != kind.value:
            raise InvalidToken("this sign-in was started with another provider; try again", code="oauth_state_mismatch")
        if answer.error:
            reason = PROVIDER_REFUSALS.get(answer.error, f"it answered {answer.error[:60]!r}")
            raise InvalidToken(f"{kind.value.title()} did not sign you in: {reason}", code="oauth_refused")
        if not hmac.compare_digest(answer.state.encode(), str(opened.get("s", "")).encode()):
            raise InvalidToken(
                "the sign-in answer does not match the sign-in this browser started; try again",
                code="oauth_state_mismatch",
            )
        if not answer.code:
            raise InvalidToken(f"{kind.value.title()} sent no authorization code", code="oauth_refused")
        id_token = await self._flow.exchange(
            kind, code=answer.code, redirect_uri=self._callback(kind), code_verifier=str(opened["v"])
        )
        tenant = await self._admin.tenant(str(opened["w"]))
        tokens = await self._sign_in.oauth_sign_in(tenant.id, kind.value, id_token, str(opened["o"]))
        return FinishedSignIn(tokens, str(opened.get("n") or "/"))

    def _configured(self, provider: str) -> IdentityProvider:
        kind = oauth_provider(provider)
        if kind not in self._flow.configured():
            raise InvalidToken(f"sign-in with {kind.value.title()} is not configured here", code="oauth_not_configured")
        return kind

    def _callback(self, provider: IdentityProvider) -> str:
        return f"{self._public_url}/login/{provider.value}/callback"

    def _open(self, ticket: str | None) -> dict[str, object]:
        expired = InvalidToken(
            "the sign-in expired or was started in another browser; try again", code="oauth_state_mismatch"
        )
        key_id, _, sealed = (ticket or "").partition(".")
        try:
            opened = json.loads(self._cipher.decrypt(key_id, base64.urlsafe_b64decode(sealed), SEALED_FOR))
        except (SecretUnreadable, ValueError):
            raise expired from None
        if not isinstance(opened, dict):
            raise expired
        ticket_fields: dict[str, object] = opened
        started = ticket_fields.get("t")
        if not isinstance(started, int | float) or self._clock.now().timestamp() - started > TICKET_TTL.total_seconds():
            raise expired
        return ticket_fields
