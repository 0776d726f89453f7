"""A loopback OpenID Connect provider standing in for Google or Apple: its authorization endpoint, its token
endpoint (PKCE, redirect URI and client secret checked, one use per code), signing ID tokens with a key its
`JwksStub` publishes.

with OidcStub("https://accounts.google.com", "web-client", check_secret=lambda s: s == "shh") as google:
    env = {"PROMPTSAAS_GOOGLE_AUTHORIZE_URL": google.authorize_url, ...}
    google.identity = {"sub": "g-1", "email": "ana@example.com", "email_verified": True}

With `form_post=True` (Apple), the authorization endpoint shows a consent page whose "Continue" button posts the
code and state back to the redirect URI, as Apple's does.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.support.jwks_stub import JwksStub


class OidcStub:
    def __init__(
        self, issuer: str, client_id: str, *, check_secret: Callable[[str], bool], form_post: bool = False
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.check_secret = check_secret
        self.form_post = form_post
        self.identity: dict[str, Any] = {"sub": "someone", "email_verified": True}
        self.tamper_state = False
        self.refuse: str | None = None
        self.wrong_nonce = False
        self.token_requests: list[dict[str, str]] = []
        self.keys = JwksStub()
        self.kid = self.keys.add_key()
        self._codes: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def authorize_url(self) -> str:
        return f"{self.base}/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.base}/token"

    @property
    def jwks_url(self) -> str:
        return self.keys.url

    def authorize(self, query: dict[str, str]) -> tuple[str, dict[str, str]]:
        """Where the browser goes back to, and with what: a fresh code for the current identity, or the error."""
        state = query.get("state", "") + ("-tampered" if self.tamper_state else "")
        if self.refuse:
            return query["redirect_uri"], {"error": self.refuse, "state": state}
        code = secrets.token_urlsafe(16)
        with self._lock:
            self._codes[code] = {**query, "identity": dict(self.identity)}
        return query["redirect_uri"], {"code": code, "state": state}

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)
        if grant is None or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
        if challenge != grant.get("code_challenge") or form.get("redirect_uri") != grant.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        if form.get("client_id") != self.client_id or not self.check_secret(form.get("client_secret", "")):
            return 401, {"error": "invalid_client"}
        nonce = "not-the-nonce" if self.wrong_nonce else grant.get("nonce")
        claims = {"iss": self.issuer, "aud": self.client_id, "nonce": nonce, **grant["identity"]}
        return 200, {"access_token": "at", "token_type": "Bearer", "id_token": self.keys.sign(claims, self.kid)}

    def __enter__(self) -> Self:
        self.keys.__enter__()
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self.keys.__exit__(exc_type, exc, tb)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path != "/authorize":
                    self.send_error(404)
                    return
                query = {key: values[0] for key, values in parse_qs(url.query).items()}
                target, fields = stub.authorize(query)
                if query.get("response_mode") == "form_post" and stub.form_post:
                    self._answer(200, "text/html", _consent_page(target, fields).encode())
                    return
                self.send_response(302)
                self.send_header("Location", f"{target}?{urlencode(fields)}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path != "/token":
                    self.send_error(404)
                    return
                status, body = stub.token(form)
                self._answer(status, "application/json", json.dumps(body).encode())

            def _answer(self, status: int, content_type: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        return Handler


def _consent_page(target: str, fields: dict[str, str]) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in fields.items()
    )
    return (
        "<!doctype html><title>Sign in with the stub</title>"
        f'<form method="post" action="{html.escape(target)}">{hidden}<button>Continue</button></form>'
    )
