"""SDK clients per key over one connection pool: the platform's client, and a bounded set of users' own (BYOK)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, Literal, TypeVar

if TYPE_CHECKING:
    import httpx2

Transport = Literal["httpx", "aiohttp"]
C = TypeVar("C")

BYOK_CLIENTS = 256


class ClientPool(Generic[C]):
    """Creates each SDK client once and reuses it; all of them share one HTTP connection pool.

    A client holds only its key and options, so evicting a user's client from the LRU needs no closing: the pool
    is the only resource, and `aclose` closes it.
    """

    def __init__(
        self,
        make: Callable[[str | None, httpx2.AsyncClient], C],
        connect: Callable[[], httpx2.AsyncClient],
        size: int = BYOK_CLIENTS,
    ) -> None:
        self._make = make
        self._connect = connect
        self._size = size
        self._http: httpx2.AsyncClient | None = None
        self._platform: C | None = None
        self._byok: OrderedDict[str, C] = OrderedDict()

    def get(self, api_key: str | None) -> C:
        """The client for a user's own key, or the platform's client when `api_key` is `None`."""
        if self._http is None:
            self._http = self._connect()
        if api_key is None:
            if self._platform is None:
                self._platform = self._make(None, self._http)
            return self._platform
        client = self._byok.pop(api_key, None)
        if client is None:
            client = self._make(api_key, self._http)
        self._byok[api_key] = client
        if len(self._byok) > self._size:
            self._byok.popitem(last=False)
        return client

    def __len__(self) -> int:
        return len(self._byok) + (self._platform is not None)

    async def aclose(self) -> None:
        http, self._http = self._http, None
        self._platform = None
        self._byok.clear()
        if http is not None:
            await http.aclose()
