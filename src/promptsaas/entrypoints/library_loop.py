"""A private event loop on its own thread: how the synchronous `Platform` runs coroutines from any caller.

A script, a Jupyter cell or code already inside a running loop all block the same way while the coroutine runs on
this loop, where the platform's connections and locks live for its whole life.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

_T = TypeVar("_T")


class LoopThread:
    """One event loop running forever on one daemon thread, until `close()`."""

    def __init__(self, name: str = "promptsaas-platform") -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._closed = False
        self._thread.start()

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()

    @property
    def thread(self) -> threading.Thread:
        return self._thread

    @property
    def closed(self) -> bool:
        return self._closed

    def run(self, coro: Coroutine[Any, Any, _T]) -> _T:
        """Run `coro` on the private loop and block until it returns (or raises) in the calling thread."""
        if self._closed:
            coro.close()
            raise RuntimeError("this Platform is closed")
        if threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError("a Platform method was called from its own event loop; use AsyncPlatform there")
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result()
        except BaseException:
            future.cancel()  # Ctrl-C in the caller stops the work too, instead of leaving it running
            raise

    def close(self) -> None:
        """Wind the loop down as `asyncio.run` does, stop it and join its thread (idempotent)."""
        if self._closed:
            return
        self._closed = True
        asyncio.run_coroutine_threadsafe(self._drain(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    async def _drain(self) -> None:
        """Cancel the tasks still running, then finish async generators and the default executor."""
        tasks = [t for t in asyncio.all_tasks(self._loop) if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._loop.shutdown_asyncgens()
        await self._loop.shutdown_default_executor()
