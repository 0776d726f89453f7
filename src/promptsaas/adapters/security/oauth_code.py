"""Google's and Apple's authorization and token endpoints over httpx: the browser sign-in's server side.

Google's client secret is a fixed string; Apple's is a short-lived ES256 JWT signed with the team's private key
(`.p8`), made for each exchange. Apple answers with a form POST (`response_mode=form_post`) when it is asked for the
user's name and email.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
import jwt

from promptsaas.application.ports.oauth import AuthorizationCodeFlow
from promptsaas.domain.errors import InvalidToken
from promptsaas.domain.users import IdentityProvider

APPLE_AUDIENCE = "https://appleid.apple.com"
APPLE_SECRET_SECONDS = 300


@dataclass(frozen=True, slots=True)
class CodeFlowClient:
    """One provider's web client: `secret` makes the client secret sent with each code exchange."""

    client_id: str
    secret: Callable[[], str] = field(repr=False)
    authorize_url: str
    token_url: str
    scope: str = "openid email profile"
    extra: Mapping[str, str] = field(default_factory=dict)


def google_client(client_id: str, client_secret: str, *, authorize_url: str, token_url: str) -> CodeFlowClient:
    return CodeFlowClient(client_id, lambda: client_secret, authorize_url, token_url)


def apple_client(
    client_id: str, *, team_id: str, key_id: str, private_key_file: Path, authorize_url: str, token_url: str
) -> CodeFlowClient:
    private_key = private_key_file.read_text()

    def secret() -> str:
        now = int(time.time())
        claims = {
            "iss": team_id,
            "iat": now,
            "exp": now + APPLE_SECRET_SECONDS,
            "aud": APPLE_AUDIENCE,
            "sub": client_id,
        }
        return jwt.encode(claims, private_key, algorithm="ES256", headers={"kid": key_id})

    return CodeFlowClient(
        client_id, secret, authorize_url, token_url, scope="name email", extra={"response_mode": "form_post"}
    )


class HttpAuthorizationCodeFlow(AuthorizationCodeFlow):
    def __init__(self, clients: Mapping[IdentityProvider, CodeFlowClient], *, timeout_seconds: float = 10) -> None:
        self._clients = dict(clients)
        self._timeout = timeout_seconds

    def configured(self) -> tuple[IdentityProvider, ...]:
        return tuple(provider for provider in IdentityProvider if provider in self._clients)

    def authorization_url(
        self, provider: IdentityProvider, *, redirect_uri: str, state: str, nonce: str, code_challenge: str
    ) -> str:
        client = self._client(provider)
        query = {
            "client_id": client.client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": client.scope,
            "state": state,
            "nonce": nonce,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
            **client.extra,
        }
        separator = "&" if "?" in client.authorize_url else "?"
        return f"{client.authorize_url}{separator}{urlencode(query)}"

    async def exchange(self, provider: IdentityProvider, *, code: str, redirect_uri: str, code_verifier: str) -> str:
        client = self._client(provider)
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": client.client_id,
            "client_secret": client.secret(),
            "code_verifier": code_verifier,
        }
        name = provider.value.title()
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as http:
                response = await http.post(client.token_url, data=form, headers={"Accept": "application/json"})
        except httpx.HTTPError:
            raise InvalidToken(
                f"{name} could not be reached to finish the sign-in; try again", code="oauth_refused"
            ) from None
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if not isinstance(answer, dict):
            answer = {}
        id_token = answer.get("id_token")
        if response.status_code != 200 or not isinstance(id_token, str):
            error = answer.get("error")
            reason = error[:60] if isinstance(error, str) else f"status {response.status_code}"
            raise InvalidToken(f"{name} refused the sign-in code ({reason})", code="oauth_refused")
        return id_token

    def _client(self, provider: IdentityProvider) -> CodeFlowClient:
        client = self._clients.get(provider)
        if client is None:
            raise InvalidToken(
                f"sign-in with {provider.value.title()} is not configured here", code="oauth_not_configured"
            )
        return client
