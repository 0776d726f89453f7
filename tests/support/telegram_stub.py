"""A loopback stub of the Telegram Bot API, for tests: aiogram talks to it through `TelegramAPIServer.from_base`.

    async with TelegramStub() as stub:
        stub.push(stub.text_update(7, "/start"))         # served by getUpdates (long polling)
        await stub.wait_for("sendMessage")               # what the bot called, with its parameters

Methods are answered as the real API does (`{"ok": true, "result": ...}`); every call is kept in `stub.calls`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from aiohttp import web

TOKEN = "123456:TEST-stub-token"
BOT = {"id": 123456, "is_bot": True, "first_name": "Stub", "username": "stub_bot"}
PHOTO = b"\x89PNG\r\n\x1a\nstub-photo"


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    params: dict[str, Any]
    token: str


class TelegramStub:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.calls: list[Call] = []
        self.refused: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.confirmed = 0
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._faults: dict[str, list[dict[str, Any] | None]] = {}
        self.holding: asyncio.Event | None = None
        self.reached = asyncio.Event()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def __aenter__(self) -> Self:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._method)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests do ------------------------------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (a copy with the same `update_id` is a redelivery)."""
        self.updates.append(update)
        asyncio.get_running_loop().create_task(self._notify())
        return update

    def fail(
        self, method: str, times: int = 1, *, status: int = 500, retry_after: int | None = None, after: int = 0
    ) -> None:
        """The next `times` calls of `method`, once `after` more went through, fail as Telegram fails them (a 5xx,
        403 for a bot the person blocked, 429 with `retry_after`)."""
        error: dict[str, Any] = {"ok": False, "error_code": status, "description": f"stub failure {status}"}
        if retry_after is not None:
            error["parameters"] = {"retry_after": retry_after}
        self._faults.setdefault(method, []).extend([None] * after + [error] * times)

    def hold(self) -> asyncio.Event:
        """Calls other than getUpdates hang until the returned event is set (a process stopped mid-call); `reached`
        is set when the first one arrives."""
        self.holding = asyncio.Event()
        return self.holding

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    def texts(self, chat_id: int | None = None) -> list[str]:
        return [str(p["text"]) for p in self.sent() if chat_id is None or str(p["chat_id"]) == str(chat_id)]

    async def wait_for(self, method: str = "sendMessage", count: int = 1, within: float = 10.0) -> list[Call]:
        """Wait until the bot made `count` calls of `method` in all; return them."""
        deadline = time.monotonic() + within
        async with self._changed:
            while len(found := [c for c in self.calls if c.method == method]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{method}: {len(found)} of {count} calls; calls: {self.calls}")
                try:
                    await asyncio.wait_for(self._changed.wait(), left)
                except TimeoutError:
                    continue
        return found

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def text_update(self, user: int, text: str, *, update_id: int | None = None, name: str = "Tom") -> dict[str, Any]:
        return {"update_id": update_id or self.next_update_id(), "message": self._message(user, name, text=text)}

    def photo_update(self, user: int, caption: str = "") -> dict[str, Any]:
        photo = [{"file_id": "photo-1", "file_unique_id": "u1", "width": 10, "height": 10, "file_size": len(PHOTO)}]
        message = self._message(user, "Tom", photo=photo, caption=caption)
        return {"update_id": self.next_update_id(), "message": message}

    def button_update(self, user: int, data: str) -> dict[str, Any]:
        query = {
            "id": f"cb{next(self._ids)}",
            "from": _user(user, "Tom"),
            "chat_instance": "ci",
            "data": data,
            "message": self._message(user, "Tom", text="(buttons)", from_bot=True),
        }
        return {"update_id": self.next_update_id(), "callback_query": query}

    def pre_checkout_update(self, user: int, payload: str, amount: int, *, currency: str = "XTR") -> dict[str, Any]:
        query = {
            "id": f"pq{next(self._ids)}",
            "from": _user(user, "Tom"),
            "currency": currency,
            "total_amount": amount,
            "invoice_payload": payload,
        }
        return {"update_id": self.next_update_id(), "pre_checkout_query": query}

    def payment_update(self, user: int, payment: dict[str, Any], *, update_id: int | None = None) -> dict[str, Any]:
        """A message carrying `successful_payment` (or `refunded_payment`, by the keys given)."""
        payment = dict(payment)
        kind = "refunded_payment" if payment.pop("refunded", False) else "successful_payment"
        message = self._message(user, "Tom", **{kind: payment})
        return {"update_id": update_id or self.next_update_id(), "message": message}

    def stars_payment(
        self, payload: str, amount: int, *, charge: str | None = None, expires: int | None = None, renewal: bool = False
    ) -> dict[str, Any]:
        """Telegram's `SuccessfulPayment` in Stars: a subscription's when `expires` (Unix time) is given."""
        paid: dict[str, Any] = {
            "currency": "XTR",
            "total_amount": amount,
            "invoice_payload": payload,
            "telegram_payment_charge_id": charge or f"stxcharge{next(self._ids)}",
            "provider_payment_charge_id": "",
        }
        if expires is not None:
            paid.update(subscription_expiration_date=expires, is_recurring=True, is_first_recurring=not renewal)
        return paid

    def invoice_payload(self, call: Call) -> str:
        """The payload of an invoice the bot sent or linked."""
        return str(call.params["payload"])

    def pre_checkout_answers(self) -> list[dict[str, Any]]:
        return self.sent("answerPreCheckoutQuery")

    # -- the wire -----------------------------------------------------------------------------------------------

    def _message(self, user: int, name: str, *, from_bot: bool = False, **content: Any) -> dict[str, Any]:
        sender = BOT if from_bot else _user(user, name)
        chat = {"id": user, "type": "private", "first_name": name}
        body = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat, "from": sender}
        return {**body, **{k: v for k, v in content.items() if v not in ("", None)}}

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _method(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = {k: _decoded(v) for k, v in (await request.post()).items() if isinstance(v, str)}
        if method != "getUpdates" and self.holding is not None:
            self.reached.set()
            await self.holding.wait()
        if (faults := self._faults.get(method)) and (error := faults.pop(0)) is not None:
            self.refused.append(Call(method, params, request.match_info["token"]))  # delivered nothing
            return web.json_response(error, status=int(error["error_code"]))
        if method != "getUpdates":
            self.calls.append(Call(method, params, request.match_info["token"]))
            await self._notify()
        if request.match_info["token"] != TOKEN:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        result = await self._result(method, params)
        return web.json_response({"ok": True, "result": result})

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method == "getUpdates":
            return await self._poll(int(params.get("offset", 0) or 0), float(params.get("timeout", 0) or 0))
        if method in ("sendMessage", "sendInvoice"):
            chat = {"id": int(params["chat_id"]), "type": "private"}
            text = {"text": params.get("text", "")} if method == "sendMessage" else {}
            return {"message_id": next(self._ids), "date": int(time.time()), "chat": chat, "from": BOT, **text}
        if method == "createInvoiceLink":
            return f"https://t.me/$stub-invoice-{next(self._ids)}"
        if method == "getFile":
            return {"file_id": params["file_id"], "file_unique_id": "u1", "file_path": "photos/p.png"}
        return True

    async def _poll(self, offset: int, hold: float) -> list[dict[str, Any]]:
        if offset:
            self.confirmed = max(self.confirmed, offset)
        deadline = time.monotonic() + min(hold, 0.5)
        while True:
            ready = [u for u in self.updates if u["update_id"] >= self.confirmed]
            if ready or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(0.02)

    async def _file(self, request: web.Request) -> web.Response:
        return web.Response(body=PHOTO, content_type="image/png")


def _user(user: int, name: str) -> dict[str, Any]:
    return {"id": user, "is_bot": False, "first_name": name}


def _decoded(value: str) -> Any:
    """aiogram sends nested objects as JSON strings in the form."""
    if value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


__all__ = ["BOT", "PHOTO", "TOKEN", "Call", "TelegramStub"]
