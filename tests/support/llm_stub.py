"""A loopback stub of the OpenAI Chat Completions and Anthropic Messages APIs, for tests, the demo and benchmarks.

    async with LlmStub() as stub:
        stub.script(Failure(503), Reply("Hi", input_tokens=20, output_tokens=3))
        # point the SDKs at stub.openai_url / stub.anthropic_url, then look at stub.received

Run as a process: `python -m tests.support.llm_stub --port 8089`. A running stub is scripted and read over HTTP:
`POST /_stub/script` (a JSON list of steps), `GET /_stub/received`, `POST /_stub/reset`.

A request with `"stream": true` is answered with the provider's server-sent events, one word per delta
(`Reply.chunk_delay` paces them, `Reply.fail_after_words` breaks the stream with the provider's error event).

Any path ending in `/chat/completions` speaks OpenAI (so base paths like `/v1beta/openai` work); any ending in
`/v1/messages` speaks Anthropic. The key is taken from `Authorization: Bearer` or `x-api-key`, whichever came.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
from collections import deque
from dataclasses import asdict
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from tests.support.llm_wire import (
    Api,
    Disconnect,
    Failure,
    Hang,
    Malformed,
    Received,
    Reply,
    Step,
    completion,
    error_body,
    reply_text,
    step_from_json,
    stream_close,
    stream_delta,
    stream_error,
    stream_open,
    words,
)

__all__ = ["Disconnect", "Failure", "Hang", "LlmStub", "Malformed", "Received", "Reply"]


class LlmStub:
    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, default: Step | None = None, latency: float = 0.0
    ) -> None:
        self.host = host
        self.port = port
        self.default: Step = default or Reply()
        self.latency = latency
        self.received: list[Received] = []
        self.record = True
        self._steps: deque[Step] = deque()
        self._served = 0
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def openai_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def anthropic_url(self) -> str:
        return self.url

    def script(self, *steps: Step) -> None:
        """Answer the next requests with these steps, in order; then with `default`."""
        self._steps.extend(steps)

    def fail(self, status: int, times: int = 1) -> None:
        self.script(*[Failure(status)] * times)

    def reset(self) -> None:
        self._steps.clear()
        self.received.clear()

    @property
    def keys(self) -> list[str | None]:
        return [r.key for r in self.received]

    async def start(self) -> Self:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/_stub/script", self._control_script)
        app.router.add_post("/_stub/reset", self._control_reset)
        app.router.add_get("/_stub/received", self._control_received)
        app.router.add_post("/{tail:.*}", self._serve)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        api = _api_of(request.path)
        if api is None:
            return web.json_response({"error": {"message": f"no route {request.path}"}}, status=404)
        body = await request.json()
        if self.record:
            self.received.append(_received(api, request, body))
        step = self._steps.popleft() if self._steps else self.default
        self._served += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        return await self._answer(api, request, body, step)

    async def _answer(self, api: Api, request: web.Request, body: dict[str, Any], step: Step) -> web.StreamResponse:
        if isinstance(step, Reply):
            if step.delay:
                await asyncio.sleep(step.delay)
            if body.get("stream"):
                return await self._stream(api, request, body, step)
            return web.json_response(completion(api, body, step, self._served))
        if isinstance(step, Failure):
            headers = {"retry-after": f"{step.retry_after:g}"} if step.retry_after is not None else {}
            text = json.dumps(error_body(api, step)).encode()
            if step.compressed:
                text, headers = gzip.compress(text), {**headers, "Content-Encoding": "gzip"}
            return web.Response(body=text, status=step.status, headers=headers, content_type="application/json")
        if isinstance(step, Hang):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), step.seconds)
            return web.json_response(completion(api, body, Reply(), self._served))
        if isinstance(step, Malformed):
            return web.Response(body=step.body, status=step.status, content_type=step.content_type)
        assert isinstance(step, Disconnect)
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=204)

    async def _stream(self, api: Api, request: web.Request, body: dict[str, Any], step: Reply) -> web.StreamResponse:
        """The reply as the provider streams it (server-sent events), word by word."""
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        number = self._served
        for chunk in stream_open(api, body, step, number):
            await response.write(chunk)
        for index, word in enumerate(words(reply_text(body, step))):
            if step.fail_after_words is not None and index >= step.fail_after_words:
                await response.write(stream_error(api))
                await response.write_eof()
                return response
            if step.chunk_delay:
                await asyncio.sleep(step.chunk_delay)
            await response.write(stream_delta(api, body, number, word))
        for chunk in stream_close(api, body, step, number):
            await response.write(chunk)
        await response.write_eof()
        return response

    async def _control_script(self, request: web.Request) -> web.Response:
        steps = [step_from_json(dict(item)) for item in await request.json()]
        self.script(*steps)
        return web.json_response({"queued": len(self._steps)})

    async def _control_reset(self, request: web.Request) -> web.Response:
        self.reset()
        return web.json_response({})

    async def _control_received(self, request: web.Request) -> web.Response:
        return web.json_response([{k: v for k, v in asdict(r).items() if k != "headers"} for r in self.received])


def _api_of(path: str) -> Api | None:
    if path.endswith("/chat/completions"):
        return "openai"
    if path.endswith("/v1/messages"):
        return "anthropic"
    return None


def _received(api: Api, request: web.Request, body: dict[str, Any]) -> Received:
    authorization = request.headers.get("Authorization", "")
    x_api_key = request.headers.get("x-api-key")
    peer = request.transport.get_extra_info("peername") if request.transport else None
    port = peer[1] if peer else 0
    headers = dict(request.headers)
    if x_api_key is not None:
        return Received(api, request.path, body, x_api_key, "x-api-key", headers, port)
    if authorization.lower().startswith("bearer "):
        return Received(api, request.path, body, authorization[7:], "bearer", headers, port)
    return Received(api, request.path, body, None, "none", headers, port)


async def _serve_forever(host: str, port: int, latency: float, reply: str | None, record: bool) -> None:
    stub = LlmStub(host=host, port=port, latency=latency, default=Reply(reply))
    stub.record = record
    async with stub:
        print(json.dumps({"url": stub.url, "openai": stub.openai_url, "anthropic": stub.anthropic_url}), flush=True)
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description="Loopback stub of the OpenAI and Anthropic APIs.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    parser.add_argument("--reply", default=None, help="a fixed reply text (default: echo the user)")
    parser.add_argument("--record", action="store_true", help="keep what was received (for /_stub/received)")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(args.host, args.port, args.latency, args.reply, args.record))


if __name__ == "__main__":
    main()
