"""A loopback JWKS server with locally generated RSA keys, standing in for Google's and Apple's key endpoints.

with JwksStub() as stub:
    kid = stub.add_key()
    token = stub.sign({"iss": ..., "aud": ..., "sub": ...}, kid)
    verifier_url = stub.url
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


class JwksStub:
    def __init__(self) -> None:
        self._keys: dict[str, rsa.RSAPrivateKey] = {}
        self._published: set[str] = set()
        self._lock = threading.Lock()
        self.fetches = 0
        self.down = False
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/keys"

    def add_key(self, kid: str | None = None, *, publish: bool = True) -> str:
        """A new RSA key; unpublished keys sign tokens the server will not vouch for."""
        kid = kid or f"key-{len(self._keys) + 1}"
        with self._lock:
            self._keys[kid] = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if publish:
                self._published.add(kid)
        return kid

    def publish(self, kid: str) -> None:
        with self._lock:
            self._published.add(kid)

    def retire(self, kid: str) -> None:
        with self._lock:
            self._published.discard(kid)

    def private_key(self, kid: str) -> rsa.RSAPrivateKey:
        return self._keys[kid]

    def sign(self, claims: dict[str, Any], kid: str, *, algorithm: str = "RS256", ttl: int = 600) -> str:
        """An ID token: `iat` and `exp` default to now and now + ttl."""
        now = int(time.time())
        body = {"iat": now, "exp": now + ttl, **claims}
        return jwt.encode(body, self._keys[kid], algorithm=algorithm, headers={"kid": kid})

    def document(self) -> dict[str, Any]:
        with self._lock:
            keys = [
                {
                    **RSAAlgorithm.to_jwk(self._keys[kid].public_key(), as_dict=True),
                    "kid": kid,
                    "alg": "RS256",
                    "use": "sig",
                }
                for kid in sorted(self._published)
            ]
        return {"keys": keys}

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stub.fetches += 1
                if stub.down or self.path != "/keys":
                    self.send_error(503 if stub.down else 404)
                    return
                body = json.dumps(stub.document()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        return Handler
