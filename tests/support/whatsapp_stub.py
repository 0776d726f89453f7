"""A loopback stub of the WhatsApp Cloud API (Graph API), and Meta's side of the webhook, for tests and the demo.

    with WhatsAppStub() as stub:
        stub.add_media("m1", b"...png...", "image/png")
        stub.fail_next(131047, status=400)       # the next send is refused as outside the 24-hour window
        # point PROMPTSAAS_WHATSAPP_API_BASE at stub.url, then read stub.sent

Run as a process: `python -m tests.support.whatsapp_stub serve --port 8090` prints every message it is sent;
`python -m tests.support.whatsapp_stub say "hello" --webhook URL --app-secret S` posts a signed text message.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

import httpx

PHONE_NUMBER_ID = "106540352242922"
ACCESS_TOKEN = "EAAG-stub-access-token-0123456789"


@dataclass(frozen=True)
class Sent:
    """One message the platform sent: its wamid, recipient, type, the text or list, and the token it used."""

    id: str
    phone_number_id: str
    to: str
    type: str
    payload: dict[str, Any]
    token: str

    @property
    def text(self) -> str:
        if self.type == "text":
            return str(self.payload["text"]["body"])
        return str(self.payload.get("interactive", {}).get("body", {}).get("text", ""))

    @property
    def rows(self) -> list[dict[str, str]]:
        sections = self.payload.get("interactive", {}).get("action", {}).get("sections", [])
        return [row for section in sections for row in section["rows"]]


class WhatsAppStub:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, token: str = ACCESS_TOKEN, echo: bool = False):
        self.token = token
        self.echo = echo
        self.sent: list[Sent] = []
        self.attempts = 0
        self.media: dict[str, tuple[bytes, str]] = {}
        self.media_fetches: list[str] = []
        self.held = threading.Event()
        """Set: sends hang and are lost (never delivered; a 503 once cleared), as a Graph API that never replies."""
        self.waiting = 0
        """Sends that arrived while `held` was set."""
        self._failures: deque[tuple[int, int]] = deque()
        self._fail_after = 0
        self._lock = threading.Lock()
        self._counter = 0
        self._server = ThreadingHTTPServer((host, port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def fail_next(self, code: int, *, status: int = 400, times: int = 1, after: int = 0) -> None:
        """Answer the next `times` sends with a Graph API error of this `code`, once `after` more sends went through."""
        with self._lock:
            self._failures.extend([(status, code)] * times)
            self._fail_after = after

    def reset(self) -> None:
        with self._lock:
            self.sent.clear()
            self._failures.clear()
            self._fail_after = 0
            self.attempts = 0
            self.media.clear()
            self.media_fetches.clear()
            self.waiting = 0
        self.held.clear()

    def add_media(self, media_id: str, data: bytes, mime_type: str) -> None:
        self.media[media_id] = (data, mime_type)

    def texts(self, to: str | None = None) -> list[str]:
        return [s.text for s in self.sent if to is None or to in (s.to,)]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Sent]:
        """Block until at least `count` messages were sent (or the timeout passes); the messages sent so far."""
        deadline = time.monotonic() + timeout
        while len(self.sent) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return list(self.sent)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.held.clear()
        self._server.shutdown()
        self._server.server_close()

    def _answer_send(self, phone_number_id: str, token: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.held.is_set():
            with self._lock:
                self.waiting += 1
            while self.held.is_set():
                time.sleep(0.02)
            return 503, {"error": {"message": "Service temporarily unavailable", "code": 2}}
        with self._lock:
            self.attempts += 1
            if self._failures and self._fail_after > 0:
                self._fail_after -= 1
            elif self._failures:
                status, code = self._failures.popleft()
                return status, {
                    "error": {
                        "message": f"(#{code}) Stub failure",
                        "type": "OAuthException",
                        "code": code,
                        "fbtrace_id": "stub",
                    }
                }
            self._counter += 1
            wamid = f"wamid.stub{self._counter:06d}"
            to = str(payload.get("to") or payload.get("recipient") or "")
            self.sent.append(Sent(wamid, phone_number_id, to, str(payload.get("type")), payload, token))
        if self.echo:
            print(f"-> {to}: {self.sent[-1].text}", flush=True)
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": wamid}],
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _token(self) -> str:
                header = self.headers.get("Authorization", "")
                return header[7:] if header.startswith("Bearer ") else ""

            def _reply(self, status: int, body: dict[str, Any] | bytes, kind: str = "application/json") -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _refused(self) -> bool:
                if self._token() == stub.token:
                    return False
                self._reply(
                    401,
                    {
                        "error": {
                            "message": "Invalid OAuth access token",
                            "type": "OAuthException",
                            "code": 190,
                            "fbtrace_id": "stub",
                        }
                    },
                )
                return True

            def do_POST(self) -> None:
                parts = self.path.strip("/").split("/")
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                if len(parts) != 3 or parts[2] != "messages":
                    return self._reply(404, {"error": {"message": "Unknown path", "code": 100}})
                if self._refused():
                    return None
                status, answer = stub._answer_send(parts[1], self._token(), body)
                return self._reply(status, answer)

            def do_GET(self) -> None:
                parts = self.path.strip("/").split("/")
                if self._refused():
                    return None
                if len(parts) == 2 and parts[0] == "media" and parts[1] in stub.media:
                    data, mime = stub.media[parts[1]]
                    return self._reply(200, data, mime)
                if len(parts) == 2 and parts[1] in stub.media:
                    stub.media_fetches.append(parts[1])
                    data, mime = stub.media[parts[1]]
                    return self._reply(
                        200,
                        {
                            "messaging_product": "whatsapp",
                            "url": f"{stub.url}/media/{parts[1]}",
                            "mime_type": mime,
                            "sha256": hashlib.sha256(data).hexdigest(),
                            "file_size": len(data),
                            "id": parts[1],
                        },
                    )
                return self._reply(404, {"error": {"message": "Unknown media", "code": 100}})

        return Handler


def signature(body: bytes, app_secret: str) -> str:
    """The `X-Hub-Signature-256` header Meta sends: `sha256=` and the HMAC-SHA256 of the raw body."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def envelope(value: dict[str, Any], phone_number_id: str = PHONE_NUMBER_ID) -> dict[str, Any]:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550001111", "phone_number_id": phone_number_id},
        **value,
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA-1", "changes": [{"value": value, "field": "messages"}]}],
    }


def message(
    wa_id: str, message_id: str, kind: str, content: dict[str, Any], *, user_id: str | None = None, name: str = "Ada"
) -> dict[str, Any]:
    """A messages webhook of one message from `wa_id` (and its business-scoped `user_id` when given)."""
    contact: dict[str, Any] = {"profile": {"name": name}, "wa_id": wa_id}
    sent: dict[str, Any] = {
        "from": wa_id,
        "id": message_id,
        "timestamp": str(int(time.time())),
        "type": kind,
        kind: content,
    }
    if user_id:
        contact["user_id"] = user_id
        sent["from_user_id"] = user_id
    return envelope({"contacts": [contact], "messages": [sent]})


def text(wa_id: str, message_id: str, body: str, **kw: Any) -> dict[str, Any]:
    return message(wa_id, message_id, "text", {"body": body}, **kw)


def image(wa_id: str, message_id: str, media_id: str, mime: str, caption: str = "", **kw: Any) -> dict[str, Any]:
    return message(
        wa_id, message_id, "image", {"id": media_id, "mime_type": mime, "sha256": "x", "caption": caption}, **kw
    )


def list_reply(wa_id: str, message_id: str, row_id: str, title: str = "", **kw: Any) -> dict[str, Any]:
    return message(
        wa_id,
        message_id,
        "interactive",
        {"type": "list_reply", "list_reply": {"id": row_id, "title": title or row_id}},
        **kw,
    )


def status(wamid: str, state: str, recipient: str, *, error_code: int | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"id": wamid, "status": state, "timestamp": str(int(time.time())), "recipient_id": recipient}
    if error_code is not None:
        item["errors"] = [{"code": error_code, "title": "Re-engagement message", "message": "Re-engagement message"}]
    return envelope({"statuses": [item]})


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.support.whatsapp_stub")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the Graph API stub and print what it is sent")
    serve.add_argument("--port", type=int, default=8090)
    serve.add_argument("--token", default=ACCESS_TOKEN)
    say = commands.add_parser("say", help="post a signed text message to a webhook, as Meta would")
    say.add_argument("text")
    say.add_argument("--webhook", required=True)
    say.add_argument("--app-secret", required=True)
    say.add_argument("--from", dest="wa_id", default="15551234567")
    args = parser.parse_args()
    if args.command == "serve":
        with WhatsAppStub(port=args.port, token=args.token, echo=True) as stub:
            print(f"WhatsApp Graph API stub on {stub.url} (token {args.token})", flush=True)
            threading.Event().wait()
    body = json.dumps(text(args.wa_id, f"wamid.cli{time.time_ns()}", args.text)).encode()
    answer = httpx.post(
        args.webhook,
        content=body,
        headers={"X-Hub-Signature-256": signature(body, args.app_secret), "Content-Type": "application/json"},
    )
    print(answer.status_code, answer.text)


if __name__ == "__main__":
    main()
