"""The browser sign-in's server side on the container: the real httpx token exchange and ID-token verification
against a loopback provider (tests/support/oidc_stub.py), in-memory persistence."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from promptsaas.application.auth.oauth_redirect import OAuthRedirect, ProviderAnswer
from promptsaas.domain.errors import InvalidToken
from promptsaas.entrypoints.composition.settings import Settings
from promptsaas.entrypoints.library import AsyncPlatform
from tests.support.oidc_stub import OidcStub
from tests.unit.application.fakes import FakeClock

CLIENT, SECRET = "web.apps.googleusercontent.com", "shh"


@pytest.fixture
def google() -> Iterator[OidcStub]:
    with OidcStub("https://accounts.google.com", CLIENT, check_secret=lambda s: s == SECRET) as stub:
        stub.identity = {"sub": "g-7", "email": "ann@example.com", "email_verified": True, "name": "Ann"}
        yield stub


@pytest.fixture
async def platform(google: OidcStub) -> AsyncIterator[AsyncPlatform]:
    settings = Settings(
        database_url="memory://",
        password_memory_kib=1024,
        password_time_cost=1,
        secret_key="t" * 40,
        public_url="https://app.example.com/",
        google_client_ids=(CLIENT,),
        google_client_secret=SECRET,
        google_authorize_url=google.authorize_url,
        google_token_url=google.token_url,
        google_jwks_url=google.jwks_url,
        apple_client_ids=("com.example.web",),
    )
    async with AsyncPlatform.in_memory(settings) as platform:
        await platform.create_tenant("acme")
        yield platform


@pytest.fixture
def flow(platform: AsyncPlatform) -> OAuthRedirect:
    return platform.container.oauth_redirect()


def answer_to(google: OidcStub, url: str) -> ProviderAnswer:
    """What the stub sends the browser back with, as the callback receives it."""
    target, fields = google.authorize({k: v[0] for k, v in parse_qs(urlsplit(url).query).items()})
    assert target == "https://app.example.com/login/google/callback"
    return ProviderAnswer(**fields)


def test_only_a_provider_with_its_web_secret_gets_a_button_and_the_redirect_carries_pkce(flow: OAuthRedirect) -> None:
    assert flow.providers() == ("google",)
    query = parse_qs(urlsplit(flow.start("google", "acme", "/").url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["client_id"] == [CLIENT]
    assert query["scope"] == ["openid email profile"]
    assert all(len(query[name][0]) >= 40 for name in ("state", "nonce", "code_challenge"))
    with pytest.raises(InvalidToken, match="not configured"):
        flow.start("apple", "acme", "/")


async def test_a_matching_answer_signs_in_and_goes_where_the_member_was_going(
    flow: OAuthRedirect, google: OidcStub, platform: AsyncPlatform
) -> None:
    started = flow.start("google", "acme", "/chat/tutor")
    finished = await flow.finish(started.ticket, "google", answer_to(google, started.url))
    user = await platform.container.auth().authenticate(finished.tokens.access_token)
    assert (user.email, user.display_name, finished.next) == ("ann@example.com", "Ann", "/chat/tutor")


async def test_a_code_is_traded_once(flow: OAuthRedirect, google: OidcStub) -> None:
    started = flow.start("google", "acme", "/")
    answer = answer_to(google, started.url)
    await flow.finish(started.ticket, "google", answer)
    with pytest.raises(InvalidToken, match=r"Google refused the sign-in code \(invalid_grant\)"):
        await flow.finish(started.ticket, "google", answer)


async def test_a_forged_or_stale_ticket_is_refused_before_any_code_is_traded(
    flow: OAuthRedirect, google: OidcStub, platform: AsyncPlatform
) -> None:
    started = flow.start("google", "acme", "/")
    answer = answer_to(google, started.url)
    key_id, _, sealed = started.ticket.partition(".")
    for forged in (None, "", f"{key_id}.{sealed[:-4]}AAAA", "k.bm90IHNlYWxlZA=="):
        with pytest.raises(InvalidToken, match="expired or was started in another browser"):
            await flow.finish(forged, "google", answer)
    clock = FakeClock(platform.container.clock().now() + timedelta(minutes=11))
    with platform.container.clock.override(clock):
        platform.container.oauth_redirect.reset()
        with pytest.raises(InvalidToken, match="expired"):
            await platform.container.oauth_redirect().finish(started.ticket, "google", answer)
    assert google.token_requests == []
