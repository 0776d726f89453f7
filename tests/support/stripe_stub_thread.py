"""The Stripe stub on its own event loop in a thread, for tests that drive a server process synchronously; it can
go down and come back on the same port with the same objects (Stripe unreachable for a while)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from tests.support.stripe_stub import StripeStub

T = TypeVar("T")


class StripeStubThread:
    def __init__(self) -> None:
        self.stub = StripeStub()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="stripe-stub", daemon=True)

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    def __enter__(self) -> StripeStub:
        self._thread.start()
        self._run(self.stub.__aenter__())
        return self.stub

    def __exit__(self, *exc: object) -> None:
        self._run(self.stub.__aexit__(None, None, None))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    @contextmanager
    def down(self) -> Iterator[None]:
        """Nothing listens on the stub's port inside the block."""
        self._run(self.stub.__aexit__(None, None, None))
        try:
            yield
        finally:
            self._run(self.stub.__aenter__())
