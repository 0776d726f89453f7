"""'Continue with Google / Apple' in a real browser: the app's server-side authorization-code flow against loopback
stand-ins for Google's and Apple's authorization, token and key endpoints (tests/support/oidc_stub.py)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import Browser, Page, expect

from tests.e2e.http.server_process import ServerProcess, start_server
from tests.e2e.web.conftest import shot
from tests.support.oidc_stub import OidcStub

GOOGLE_CLIENT, GOOGLE_SECRET = "web-client.apps.googleusercontent.com", "google-web-secret"
APPLE_CLIENT, APPLE_TEAM, APPLE_KEY = "com.example.web", "TEAM123456", "KEY1234567"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _apple_secret_checker(public_key: ec.EllipticCurvePublicKey) -> object:
    def check(secret: str) -> bool:
        try:
            claims = jwt.decode(secret, public_key, algorithms=["ES256"], audience="https://appleid.apple.com")
        except jwt.PyJWTError:
            return False
        return bool(claims["iss"] == APPLE_TEAM and claims["sub"] == APPLE_CLIENT)

    return check


@pytest.fixture(scope="module")
def providers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OidcStub, OidcStub, Path]]:
    apple_key = ec.generate_private_key(ec.SECP256R1())
    p8 = tmp_path_factory.mktemp("apple") / "AuthKey.p8"
    p8.write_bytes(
        apple_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    google = OidcStub("https://accounts.google.com", GOOGLE_CLIENT, check_secret=lambda s: s == GOOGLE_SECRET)
    apple = OidcStub(
        "https://appleid.apple.com",
        APPLE_CLIENT,
        check_secret=_apple_secret_checker(apple_key.public_key()),
        form_post=True,  # type: ignore[arg-type]
    )
    with google, apple:
        yield google, apple, p8


@pytest.fixture(scope="module")
def oauth_server(
    tmp_path_factory: pytest.TempPathFactory, providers: tuple[OidcStub, OidcStub, Path]
) -> Iterator[ServerProcess]:
    google, apple, p8 = providers
    workdir, port = tmp_path_factory.mktemp("oauth-web"), _port()
    env = {
        "PROMPTSAAS_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "PROMPTSAAS_GOOGLE_CLIENT_IDS": f"{GOOGLE_CLIENT},android-client",
        "PROMPTSAAS_GOOGLE_CLIENT_SECRET": GOOGLE_SECRET,
        "PROMPTSAAS_GOOGLE_AUTHORIZE_URL": google.authorize_url,
        "PROMPTSAAS_GOOGLE_TOKEN_URL": google.token_url,
        "PROMPTSAAS_GOOGLE_JWKS_URL": google.jwks_url,
        "PROMPTSAAS_APPLE_CLIENT_IDS": APPLE_CLIENT,
        "PROMPTSAAS_APPLE_TEAM_ID": APPLE_TEAM,
        "PROMPTSAAS_APPLE_KEY_ID": APPLE_KEY,
        "PROMPTSAAS_APPLE_PRIVATE_KEY_FILE": str(p8),
        "PROMPTSAAS_APPLE_AUTHORIZE_URL": apple.authorize_url,
        "PROMPTSAAS_APPLE_TOKEN_URL": apple.token_url,
        "PROMPTSAAS_APPLE_JWKS_URL": apple.jwks_url,
    }
    server = start_server(f"sqlite:///{workdir / 'promptsaas.db'}", workdir, extra_env=env, port=port)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def browsing(browser: Browser, oauth_server: ServerProcess) -> Iterator[Page]:
    context = browser.new_context(base_url=oauth_server.url, viewport={"width": 1280, "height": 860})
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(autouse=True)
def fresh_stubs(providers: tuple[OidcStub, OidcStub, Path]) -> None:
    for stub in providers[:2]:
        stub.tamper_state, stub.refuse, stub.wrong_nonce = False, None, False


def _session(page: Page) -> set[str]:
    return {c["name"] for c in page.context.cookies()} & {"ps_access", "ps_refresh"}


def test_continue_with_google_signs_a_new_member_in_and_shows_the_gallery(
    browsing: Page, providers: tuple[OidcStub, OidcStub, Path]
) -> None:
    google = providers[0]
    google.identity = {"sub": "g-100", "email": "gina@example.com", "email_verified": True, "name": "Gina Google"}
    browsing.goto("/login")
    shot(browsing, "login-with-providers")
    browsing.get_by_role("link", name="Continue with Google").click()
    browsing.wait_for_url(re.compile(r"/$"))
    expect(browsing.get_by_role("heading", name="Agents")).to_be_visible()
    expect(browsing.locator(".who")).to_have_text("Gina Google")
    assert _session(browsing) == {"ps_access", "ps_refresh"}
    assert "ps_oauth" not in {c["name"] for c in browsing.context.cookies()}
    exchange = google.token_requests[-1]
    assert exchange["client_id"] == GOOGLE_CLIENT
    assert exchange["client_secret"] == GOOGLE_SECRET
    shot(browsing, "gallery-after-google")


def test_a_tampered_state_is_refused_with_a_message_and_no_session(
    browsing: Page, providers: tuple[OidcStub, OidcStub, Path]
) -> None:
    google = providers[0]
    google.tamper_state = True
    exchanges = len(google.token_requests)
    browsing.goto("/login")
    browsing.get_by_role("link", name="Continue with Google").click()
    expect(browsing.get_by_role("alert")).to_contain_text("does not match the sign-in this browser started")
    assert _session(browsing) == set()
    assert len(google.token_requests) == exchanges, "the code is never traded without a matching state"
    shot(browsing, "login-state-refused")
    browsing.goto("/")
    expect(browsing).to_have_url(re.compile(r"/login"))


def test_a_cancelled_sign_in_and_a_token_with_the_wrong_nonce_are_refused(
    browsing: Page, providers: tuple[OidcStub, OidcStub, Path]
) -> None:
    google = providers[0]
    google.refuse = "access_denied"
    browsing.goto("/signup")
    browsing.get_by_role("link", name="Continue with Google").click()
    expect(browsing.get_by_role("alert")).to_contain_text("Google did not sign you in: you cancelled the sign-in")
    google.refuse, google.wrong_nonce = None, True
    browsing.get_by_role("link", name="Continue with Google").click()
    expect(browsing.get_by_role("alert")).to_contain_text("nonce does not match")
    assert _session(browsing) == set()


def test_apple_answers_with_a_form_post_that_signs_the_member_in(
    browsing: Page, providers: tuple[OidcStub, OidcStub, Path]
) -> None:
    apple = providers[1]
    apple.identity = {"sub": "a-200", "email": "abe@privaterelay.appleid.com", "email_verified": "true"}
    browsing.goto("/login")
    browsing.get_by_role("link", name="Continue with Apple").click()
    browsing.get_by_role("button", name="Continue").click()
    browsing.wait_for_url(re.compile(r"/$"))
    expect(browsing.get_by_role("heading", name="Agents")).to_be_visible()
    expect(browsing.locator(".who")).to_have_text("abe")
    assert _session(browsing) == {"ps_access", "ps_refresh"}


def test_a_posted_answer_without_the_browsers_sign_in_is_refused(browsing: Page) -> None:
    browsing.goto("/login")
    answer = browsing.request.post("/login/apple/callback", form={"code": "stolen", "state": "guessed"})
    assert answer.status == 400
    assert "expired or was started in another browser" in answer.text()
    assert _session(browsing) == set()


def test_without_provider_settings_the_pages_show_no_provider_buttons(page: Page) -> None:
    for path in ("/login", "/signup"):
        page.goto(path)
        expect(page.get_by_role("link", name=re.compile("Continue with"))).to_have_count(0)
