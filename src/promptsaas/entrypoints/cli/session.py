"""Running one command: open the platform named by `--database-url`, call the library, translate errors.

The library (and with it SQLAlchemy and the container) is imported when a command first opens the platform, so
`--help` and the commands that need no database load none of it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import typer

from promptsaas.domain.errors import AccessDenied, DomainError
from promptsaas.entrypoints.cli import errors
from promptsaas.entrypoints.cli.output import Output
from promptsaas.entrypoints.cli.shell import DATABASE_URL, JSON, OPENER

if TYPE_CHECKING:
    from promptsaas.entrypoints.composition.settings import Settings
    from promptsaas.entrypoints.library import AsyncPlatform
    from promptsaas.entrypoints.library_reads import Reads

T = TypeVar("T")
Opener = Callable[[str], AbstractAsyncContextManager["AsyncPlatform"]]


@asynccontextmanager
async def open_platform(database_url: str) -> AsyncIterator[AsyncPlatform]:
    """The platform behind `database_url`, closed when the command ends."""
    from promptsaas.entrypoints.library import AsyncPlatform

    async with AsyncPlatform.open(database_url) as platform:
        yield platform


@dataclass(frozen=True, slots=True)
class Session:
    """What the global options chose, shared by every command of one invocation."""

    database_url: str
    out: Output
    opener: Opener = open_platform

    def run(self, action: Callable[[AsyncPlatform], Awaitable[T]]) -> T:
        """Run `action` on an open platform; a domain error becomes a one-line message and its exit code."""

        async def go() -> T:
            async with self.opener(self.database_url) as platform:
                return await action(platform)

        return self._translated(lambda: on_a_loop(go()))

    def read(self, action: Callable[[Reads], Awaitable[T]]) -> T:
        """`run` for a command that only reads: on an existing SQL database at the current schema it runs on a
        `ReadOnlyPlatform` (a fraction of the start-up, no event loop); anywhere else (memory, a new or outdated
        database, the platform a test opens) exactly as `run`."""
        if self.opener is open_platform:
            from promptsaas.entrypoints.library_reads import ReadOnlyPlatform

            reader = ReadOnlyPlatform.open(self.database_url)
            if reader is not None:
                try:
                    return self._translated(lambda: finished(action(reader)))
                finally:
                    reader.close()
        return self.run(action)

    def prepare(self) -> None:
        """Get the database ready as opening the platform does (a new SQLite file is migrated, an outdated
        PostgreSQL schema refused, a fault one line), without building a platform: the server builds its own. A
        database already at this version's schema is only looked at through its driver (as `read` does), so the
        process that serves, or supervises the workers, loads no SQLAlchemy for it."""
        if self.opener is not open_platform:
            self.run(_nothing)
            return
        from promptsaas.entrypoints.library_reads import ReadOnlyPlatform

        current = ReadOnlyPlatform.open(self.database_url)
        if current is not None:
            current.close()
            return
        from promptsaas.entrypoints.composition.persistence import ready_database

        self._translated(lambda: on_a_loop(ready_database(self.database_url)))

    def _translated(self, go: Callable[[], T]) -> T:
        try:
            return go()
        except AccessDenied as denied:
            self.out.denial(denied)
            raise typer.Exit(errors.exit_code(denied)) from None
        except DomainError as error:
            self.fail(*errors.problem(error), exit_code=errors.exit_code(error))
        except Exception as error:
            failure = errors.setting_error(error) or errors.database_error(error)
            if failure is None:
                raise
            self.fail(*failure)

    def fail(self, code: str, message: str, *, exit_code: int = errors.EXIT_ERROR) -> NoReturn:
        self.out.error(code, message)
        raise typer.Exit(exit_code)


async def _nothing(platform: AsyncPlatform) -> None:
    """Opening the platform was the point."""


def on_a_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    import asyncio

    return asyncio.run(coroutine)


def finished(awaitable: Awaitable[T]) -> T:
    """The result of an awaitable that never waits (a `ReadOnlyPlatform` read), without an event loop: importing and
    starting asyncio would be a tenth of a read command's time. One that does wait is a programming error."""
    steps = awaitable.__await__()
    try:
        next(steps)
    except StopIteration as done:
        return cast("T", done.value)
    steps.close()
    raise RuntimeError("a read of the read-only platform waited: it must run on an event loop")


def output(ctx: typer.Context) -> Output:
    """Human or `--json` output, whichever level of the command line `--json` was given at."""
    return Output(json=bool(ctx.meta.get(JSON)))


def settings(out: Output) -> Settings:
    """The `PROMPTSAAS_*` settings; a malformed variable stops every command, in one line."""
    from promptsaas.entrypoints.composition.settings import Settings

    try:
        return Settings.from_env()
    except ValueError as error:
        out.error(errors.INVALID_SETTING, errors.one_line(str(error)))
        raise typer.Exit(errors.EXIT_ERROR) from None


def session(ctx: typer.Context) -> Session:
    out = output(ctx)
    chosen = settings(out)
    return Session(ctx.meta.get(DATABASE_URL) or chosen.database_url, out, ctx.meta.get(OPENER, open_platform))
