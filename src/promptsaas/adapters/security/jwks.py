"""A provider's public signing keys, fetched from its JWKS URL with httpx (async) and cached by `kid`.

An unknown `kid` triggers a refetch (that is how a provider's key rotation is picked up), at most once per
`min_refresh_seconds`, so tokens with made-up kids cannot make us hammer the provider. If a fetch fails, the keys
already known keep working.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKSetError

log = logging.getLogger("promptsaas.security")


class JwksKeys:
    def __init__(
        self,
        url: str,
        *,
        max_age_seconds: float = 3600,
        min_refresh_seconds: float = 60,
        timeout_seconds: float = 5,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._max_age = max_age_seconds
        self._min_refresh = min_refresh_seconds
        self._timeout = timeout_seconds
        self._now = now
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None
        self.fetches = 0

    async def key(self, kid: str) -> PyJWK | None:
        """The key with this id, refetching the set when it is unknown or stale; None if the provider lacks it.

        While refetching is throttled (or the provider is down), the keys known so far keep answering.
        """
        if kid in self._keys and self._fresh():
            return self._keys[kid]
        async with self._loop_lock():
            if not (kid in self._keys and self._fresh()) and self._may_fetch():
                await self._fetch()
        return self._keys.get(kid)

    def _fresh(self) -> bool:
        return self._fetched_at is not None and self._now() - self._fetched_at < self._max_age

    def _may_fetch(self) -> bool:
        return self._attempted_at is None or self._now() - self._attempted_at >= self._min_refresh

    async def _fetch(self) -> None:
        import httpx  # only a process that verifies an ID token pays for importing it

        self._attempted_at = self._now()
        self.fetches += 1
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(self.url, headers={"Accept": "application/json"})
                response.raise_for_status()
                document = response.json()
            keys = PyJWKSet.from_dict(document if isinstance(document, dict) else {}).keys
        except (httpx.HTTPError, ValueError, PyJWKSetError) as error:
            log.warning("could not fetch signing keys from %s: %s", self.url, type(error).__name__)
            return
        self._keys = {k.key_id: k for k in keys if k.key_id and _signs_rs256(k)}
        self._fetched_at = self._now()

    def _loop_lock(self) -> asyncio.Lock:
        """One lock per event loop: a lock is bound to the loop that first waits on it."""
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock


def _signs_rs256(key: PyJWK) -> bool:
    return key.key_type == "RSA" and key.algorithm_name == "RS256" and key.public_key_use in (None, "sig")
