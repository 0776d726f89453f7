"""SDK clients per key over one connection pool: the platform's client, and a bounded set of users' own (BYOK)."""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, Literal, Protocol, TypeVar

Transport = Literal["httpx", "aiohttp"]


class Pool(Protocol):
    async def aclose(self) -> None: ...


C = TypeVar("C")
P = TypeVar("P", bound=Pool)

BYOK_CLIENTS = 256


class ClientPool(Generic[C, P]):
    """Creates each SDK client once and reuses it; all of them share one HTTP connection pool.

    A client holds only its key and options, so evicting a user's client from the LRU needs no closing: the pool
    is the only resource, and `aclose` closes it.
    """

    def __init__(
        self,
        make: Callable[[str | None, P], C],
        connect: Callable[[], P],
        size: int = BYOK_CLIENTS,
    ) -> None:
        self._make = make
        self._connect = connect
        self._size = size
        self._connections: P | None = None
        self._platform: C | None = None
        self._byok: OrderedDict[str, C] = OrderedDict()

    def get(self, api_key: str | None) -> C:
        """The client for a user's own key, or the platform's client when `api_key` is `None`."""
        if self._connections is None:
            self._connections = self._connect()
        if api_key is None:
            if self._platform is None:
                self._platform = self._make(None, self._connections)
            return self._platform
        client = self._byok.pop(api_key, None)
        if client is None:
            client = self._make(api_key, self._connections)
        self._byok[api_key] = client
        if len(self._byok) > self._size:
            self._byok.popitem(last=False)
        return client

    def __len__(self) -> int:
        return len(self._byok) + (self._platform is not None)

    async def aclose(self) -> None:
        connections, self._connections = self._connections, None
        self._platform = None
        self._byok.clear()
        if connections is not None:
            await connections.aclose()


def sdk_base_url(explicit: str | None, variable: str, default: str) -> str | None:
    """The `base_url` to give an SDK client: `explicit` when given, else None so that the SDK reads `variable` as it
    does, but `default` when `variable` is set and blank (compose's `env_file` passes `NAME=` as ''), which the SDKs
    would take as the URL itself and send every call nowhere."""
    if explicit and explicit.strip():
        return explicit
    configured = os.environ.get(variable)
    return default if configured is not None and not configured.strip() else None
