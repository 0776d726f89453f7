"""Group commit: writes that arrive while a transaction is under way are committed together in the next one.

A caller submits its item and waits until the transaction holding it has committed, so nothing is acknowledged
before it is durable. One task at a time writes: it takes everything queued (up to `max_batch`), commits it in one
transaction, wakes those callers, and goes on while more has arrived. Under one call at a time a batch is that one
item; under load a batch holds the calls that finished while the previous transaction ran, and they share its
BEGIN, its COMMIT and the pages it writes.

The writes run in that task, not in the callers': a caller that is cancelled (a client gone) still has its item
committed, and then handed to `abandoned` with its result when one is given (a reservation nobody will use is given
back).

A batch whose writes fail is rolled back and its items are tried one by one, so one bad item fails only its own
caller; a failure at COMMIT itself (the outcome unknown) fails the whole batch and is not tried again, as it would
have failed each caller alone.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Generic, TypeVar

T = TypeVar("T")
Tx = TypeVar("Tx")
R = TypeVar("R")

MAX_BATCH = 64


class GroupCommit(Generic[T, Tx, R]):
    """Items written by `write` in transactions opened by `transaction` (committed when its block ends); `write`
    returns each item's result, in order."""

    def __init__(
        self,
        transaction: Callable[[], AbstractAsyncContextManager[Tx]],
        write: Callable[[Tx, Sequence[T]], Awaitable[Sequence[R]]],
        max_batch: int = MAX_BATCH,
        abandoned: Callable[[T, R], Coroutine[None, None, None]] | None = None,
    ) -> None:
        self._transaction = transaction
        self._write_items = write
        self._max_batch = max_batch
        self._abandoned = abandoned
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._undoing: set[asyncio.Task[None]] = set()

    async def submit(self, item: T) -> R:
        """`item`'s result once it is committed; raise what its transaction raised otherwise."""
        done: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, done))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write())
        try:
            return await asyncio.shield(done)
        except asyncio.CancelledError:
            if self._abandoned is not None:
                done.add_done_callback(functools.partial(self._abandon, self._abandoned, item))
            raise

    def _abandon(
        self, abandoned: Callable[[T, R], Coroutine[None, None, None]], item: T, done: asyncio.Future[R]
    ) -> None:
        """Hand a committed item whose caller left to `abandoned` (in a task of its own, kept until it ends)."""
        if done.cancelled() or done.exception() is not None:
            return
        task = asyncio.get_running_loop().create_task(abandoned(item, done.result()))
        self._undoing.add(task)
        task.add_done_callback(self._undoing.discard)

    async def _write(self) -> None:
        batch: list[tuple[T, asyncio.Future[R]]] = []
        try:
            while self._queue:
                batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
                await self._commit_batch(batch)
        except BaseException as error:  # the task itself cancelled (shutdown): nobody is left waiting
            for _, done in [*batch, *self._queue]:
                _fail(done, error)
            self._queue = []
            raise
        finally:
            self._writer = None

    async def _commit_batch(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        written = False
        try:
            async with self._transaction() as tx:
                results = await self._write_items(tx, [item for item, _ in batch])
                written = True
        except Exception as error:
            if not written and len(batch) > 1:  # rolled back: try each alone to find whose write fails
                for one in batch:
                    await self._commit_batch([one])
                return
            for _, done in batch:
                _fail(done, error)
            return
        for (_, done), result in zip(batch, results, strict=True):
            if not done.done():
                done.set_result(result)


def _fail(done: asyncio.Future[R], error: BaseException) -> None:
    if not done.done():
        done.set_exception(error)
