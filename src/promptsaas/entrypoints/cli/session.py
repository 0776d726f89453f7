"""Running one command: open the platform named by `--database-url`, call the library, translate errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import TypeVar

import typer
from sqlalchemy.exc import SQLAlchemyError

from promptsaas.domain.errors import AccessDenied, DomainError
from promptsaas.entrypoints.cli import errors
from promptsaas.entrypoints.cli.output import Output
from promptsaas.entrypoints.library import AsyncPlatform

T = TypeVar("T")
Opener = Callable[[str], AbstractAsyncContextManager[AsyncPlatform]]


@asynccontextmanager
async def open_platform(database_url: str) -> AsyncIterator[AsyncPlatform]:
    """The platform behind `database_url`, closed when the command ends."""
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

        try:
            return asyncio.run(go())
        except AccessDenied as denied:
            self.out.denial(denied)
            raise typer.Exit(errors.exit_code(denied)) from None
        except DomainError as error:
            self.out.error(errors.describe(error))
            raise typer.Exit(errors.exit_code(error)) from None
        except (SQLAlchemyError, OSError) as error:
            self.out.error(errors.describe_database_error(error))
            raise typer.Exit(errors.EXIT_ERROR) from None


def session(ctx: typer.Context) -> Session:
    found = ctx.find_object(Session)
    if found is None:  # a command invoked without the app's callback (never from the console script)
        raise typer.Exit(errors.EXIT_USAGE)
    return found
