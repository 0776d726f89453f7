"""POSTing a JSON body with an SDK client's settings, without the SDK's per-request machinery.

The official SDK clients stay the source of everything about a provider: base URL, key and auth headers,
organisation and version headers, timeout, and the error types the adapters classify. What the SDK's `post` adds
on each call (merging options, URL and headers again, building the request in two layers: about 0.4 ms of CPU, a
fifth of an agent call) is done here once per client: a call only encodes its body and sends.

Two transports send it, as `PROMPTSAAS_LLM_TRANSPORT` chooses:
- `aiohttp` (the default): aiohttp's session directly. The SDKs' own aiohttp transport wraps each aiohttp request
  and response in httpx2's, which cost 120 µs of CPU a call of the 260 the hop took (measured on loopback).
- `httpx`: the SDK's httpx2 client, as the SDK sends.

Either way a 4xx or 5xx raises the SDK's `APIStatusError` with the parsed body, and a transport failure its
`APITimeoutError` or `APIConnectionError`, as the SDK's `post` does with retries off. A client whose headers change
per request (an Anthropic credentials provider's fresh token) sends through its own `post` instead (`SdkPost`).
"""

from __future__ import annotations

import urllib.request
from collections.abc import AsyncIterator, Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiohttp
import httpx2
import msgspec

from promptsaas.adapters.llm.streams import RawStream

MAX_CONNECTIONS = 1000
"""As the SDKs' default clients allow."""
KEEPALIVE_SECONDS = 5.0
WIRE_HEADERS = frozenset({b"content-encoding", b"content-length", b"transfer-encoding"})


class SdkErrors(Protocol):
    """The part of `openai` and `anthropic` (the modules) these requests raise."""

    APIStatusError: Any
    APITimeoutError: Any
    APIConnectionError: Any


class Connections:
    """One provider's connection pool, shared by the clients of all its keys: the SDK's httpx2 client (the SDK
    clients are built on it; it sends when the transport is `httpx`), and aiohttp's session when it is `aiohttp`,
    made on first use (it belongs to the running event loop)."""

    def __init__(self, http: httpx2.AsyncClient, *, aiohttp_session: bool) -> None:
        self.http = http
        self._wants_session = aiohttp_session
        self._session: aiohttp.ClientSession | None = None

    def post(self, url: str, headers: Mapping[str, object], timeout: float, errors: SdkErrors) -> DirectPost:
        """A sender of JSON bodies to `url` with the SDK client's `headers` and `timeout`."""
        sent = {**headers, "Content-Type": "application/json", "Accept": "application/json"}
        strings = {k: v for k, v in sent.items() if isinstance(v, str)}
        if not self._wants_session:
            return HttpxPost(self.http, url, strings, timeout, errors)
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=MAX_CONNECTIONS, keepalive_timeout=KEEPALIVE_SECONDS, ssl=httpx2.create_ssl_context()
            )
            self._session = aiohttp.ClientSession(connector=connector)
        return AiohttpPost(self._session, url, strings, timeout, errors)

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()
        await self.http.aclose()


class DirectPost(Protocol):
    async def __call__(self, body: Mapping[str, object]) -> bytes:
        """The 2xx response's body, or the SDK's error."""

    async def stream(self, body: Mapping[str, object]) -> RawStream:
        """The 2xx response, its body unread, or the SDK's error."""


class HttpxPost:
    """Sends on the SDK's httpx2 client."""

    def __init__(
        self, http: httpx2.AsyncClient, url: str, headers: Mapping[str, str], timeout: float, errors: SdkErrors
    ) -> None:
        self._http = http
        self._url = httpx2.URL(url)
        self._headers = [(k.encode(), v.encode()) for k, v in headers.items()]
        self._extensions = {"timeout": httpx2.Timeout(timeout).as_dict()}
        self._errors = errors

    async def __call__(self, body: Mapping[str, object]) -> bytes:
        return (await self._send(body, stream=False)).content

    async def stream(self, body: Mapping[str, object]) -> RawStream:
        response = await self._send(body, stream=True)
        return RawStream(response.aiter_bytes(), response.aclose)

    async def _send(self, body: Mapping[str, object], *, stream: bool) -> httpx2.Response:
        request = httpx2.Request(
            "POST", self._url, headers=self._headers, content=msgspec.json.encode(body), extensions=self._extensions
        )
        try:
            response = await self._http.send(request, stream=stream)
        except httpx2.TimeoutException as exc:
            raise self._errors.APITimeoutError(request=request) from exc
        except httpx2.HTTPError as exc:
            raise self._errors.APIConnectionError(request=request) from exc
        if response.status_code >= 400:
            await response.aread()
            await response.aclose()
            raise status_error(self._errors, response)
        return response


class AiohttpPost:
    """Sends on aiohttp's session; only a failure is dressed as httpx2's request and response, for the SDK's
    errors."""

    def __init__(
        self, session: aiohttp.ClientSession, url: str, headers: Mapping[str, str], timeout: float, errors: SdkErrors
    ) -> None:
        self._session = session
        self._url = url
        self._headers = dict(headers)
        self._timeout = aiohttp.ClientTimeout(sock_connect=timeout, sock_read=timeout, connect=timeout)
        self._proxy = environment_proxy(url)
        self._errors = errors

    async def __call__(self, body: Mapping[str, object]) -> bytes:
        response = await self._send(body)
        try:
            return await response.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise self._transport_error(exc) from exc
        finally:
            response.release()

    async def stream(self, body: Mapping[str, object]) -> RawStream:
        response = await self._send(body)

        async def close() -> None:
            response.release()

        return RawStream(self._chunks(response), close)

    async def _send(self, body: Mapping[str, object]) -> aiohttp.ClientResponse:
        try:
            response = await self._session.post(
                self._url,
                data=msgspec.json.encode(body),
                headers=self._headers,
                timeout=self._timeout,
                proxy=self._proxy,
            )
            if response.status >= 400:
                content = await response.read()
                response.release()
                raise status_error(self._errors, self._response(response, content))
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise self._transport_error(exc) from exc
        return response

    async def _chunks(self, response: aiohttp.ClientResponse) -> AsyncIterator[bytes]:
        try:
            async for chunk in response.content.iter_any():
                yield chunk
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise self._transport_error(exc) from exc

    def _transport_error(self, exc: BaseException) -> Exception:
        request = httpx2.Request("POST", self._url)
        if isinstance(exc, TimeoutError):  # aiohttp's own timeouts are `TimeoutError`s too
            return self._errors.APITimeoutError(request=request)  # type: ignore[no-any-return]
        return self._errors.APIConnectionError(request=request)  # type: ignore[no-any-return]

    def _response(self, response: aiohttp.ClientResponse, content: bytes) -> httpx2.Response:
        """httpx2's response for an error: aiohttp has already decoded the body, so the headers that describe its
        encoding on the wire are left out (httpx2 would decode it again)."""
        headers = [(k, v) for k, v in response.raw_headers if k.lower() not in WIRE_HEADERS]
        return httpx2.Response(
            response.status, headers=headers, content=content, request=httpx2.Request("POST", self._url)
        )


class SdkPost:
    """Sends through the SDK client's own `post`: for a client whose credentials provider puts a fresh token on each
    request, so that its headers cannot be taken once."""

    def __init__(self, client: Any, path: str) -> None:
        self._client = client
        self._path = path

    async def __call__(self, body: Mapping[str, object]) -> bytes:
        response = await self._client.post(self._path, cast_to=httpx2.Response, body=body)
        return response.content  # type: ignore[no-any-return]

    async def stream(self, body: Mapping[str, object]) -> RawStream:
        response = await self._client.post(self._path, cast_to=httpx2.Response, body=body, stream=True)
        return RawStream(response.aiter_bytes(), response.aclose)


def environment_proxy(url: str) -> str | None:
    """The proxy `HTTP_PROXY` / `HTTPS_PROXY` name for `url` unless `NO_PROXY` exempts it, as the SDKs' httpx2
    client reads them. Read once per endpoint: aiohttp's `trust_env` would read them, and `~/.netrc`, on every
    request."""
    parts = urlsplit(url)
    if parts.hostname and urllib.request.proxy_bypass(parts.hostname):
        return None
    return urllib.request.getproxies().get(parts.scheme)


def status_error(errors: SdkErrors, response: httpx2.Response) -> Exception:
    """The SDK's `APIStatusError` for a read 4xx or 5xx, its body parsed as JSON when it is JSON."""
    try:
        body: object = msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        body = response.text or None
    message = f"Error code: {response.status_code} - {body}"
    return errors.APIStatusError(message, response=response, body=body)  # type: ignore[no-any-return]
