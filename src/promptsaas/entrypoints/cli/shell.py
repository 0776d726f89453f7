"""What every `promptsaas` command shares: the global options, readable help, and `--json` for usage errors too.

`--json` and `--database-url` are accepted by every group and command (`promptsaas tenant list --json` works as
`promptsaas --json tenant list` does); their values land in `ctx.meta`, which all contexts of an invocation share.
typer 0.29 prints Python type names in help (`<str>`, `<bool>`, `<list[str]>`): the parameters here print their
metavar instead (`KEY=VALUE`, `YYYY-MM-DD`, `TEXT`) and flags print none.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

import typer
from typer._click.exceptions import ClickException  # typer 0.29 vendors click here; its errors derive from this
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from promptsaas.entrypoints.cli.errors import EXIT_ERROR, USAGE_ERROR, one_line

CommandFunction = TypeVar("CommandFunction", bound=Callable[..., Any])
JSON = "promptsaas.json"
DATABASE_URL = "promptsaas.database_url"
OPENER = "promptsaas.opener"
TYPE_NAMES = {"str": "TEXT", "int": "INTEGER", "float": "NUMBER", "bool": "true|false", "datetime": "DATETIME"}


def _remember(key: str) -> Callable[[typer.Context, Any], Any]:
    def callback(ctx: typer.Context, value: Any) -> Any:
        if key == DATABASE_URL and value is not None and not value.strip():
            raise typer.BadParameter("is empty: give a database URL, such as sqlite:///./promptsaas.db")
        if value:  # an option left out never overrides one given at another level
            ctx.meta[key] = value
            if key == JSON:
                _log_json_lines()
        return value

    return callback


class _JsonLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
        return json.dumps(line, ensure_ascii=False)


def _log_json_lines() -> None:
    """Under `--json` a warning (a development key in use, ...) is a JSON object on a line of stderr too, so stderr
    stays machine-readable. Named as the logs adapter names its handler (`logs.HANDLER_NAME`), so a command that
    configures logging itself (`worker`) replaces it."""
    root = logging.getLogger()
    if any(h.get_name() == "promptsaas" for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name("promptsaas")
    handler.setFormatter(_JsonLine())
    handler.setLevel(logging.WARNING)
    root.addHandler(handler)


def _global_options() -> list[Any]:
    """`--json` and `--database-url`, declared once as typer options and added to every command."""
    declared = typer.Typer(add_completion=False)

    @declared.command()
    def options(
        json_output: Annotated[
            bool,
            typer.Option("--json", help="Machine output (JSON) instead of tables.", callback=_remember(JSON)),
        ] = False,
        database_url: Annotated[
            str | None,
            typer.Option(
                "--database-url",
                metavar="URL",
                help="Database to use (default: $PROMPTSAAS_DATABASE_URL, else sqlite:///./promptsaas.db).",
                show_default=False,
                callback=_remember(DATABASE_URL),
            ),
        ] = None,
    ) -> None:
        """Never run: only its parameters are used."""

    params = typer.main.get_command(declared).params
    for param in params:
        param.expose_value = False
        param.__class__ = PlainOption
    return params


class ReadableOption(TyperOption):
    def display_type_rich(self, ctx: Any) -> str | None:
        if self.is_flag or self.count:
            return None
        return self.metavar or readable_type(super().display_type(ctx))


class PlainOption(ReadableOption):
    """`--help`, `--json` and `--database-url` arrive as the bool and str they are: no coercion through typer's
    pydantic adapters, whose import and build would be most of a quick command's start-up."""

    def process_value(self, ctx: Any, value: Any) -> Any:
        return self.callback(ctx, self, value) if self.callback is not None else value


class ReadableArgument(TyperArgument):
    def display_type_rich(self, ctx: Any) -> str | None:
        shown = readable_type(super().display_type(ctx))
        return None if shown == "TEXT" else shown  # the argument's name already says what to type


def readable_type(typer_label: str) -> str:
    """typer's `<str>`, `<int>`, `<a|b>` as `TEXT`, `INTEGER`, `a|b`."""
    label = typer_label.strip("<>").removeprefix("list[").removesuffix("]")
    return TYPE_NAMES.get(label, label if "|" in label else label.upper())


def readable(params: Sequence[Any]) -> None:
    """Give typer's parameters the readable help above (same objects, a subclass that only changes display)."""
    for param in params:
        if type(param) is TyperOption:
            param.__class__ = ReadableOption
        elif type(param) is TyperArgument:
            param.__class__ = ReadableArgument


GLOBAL_OPTIONS = _global_options()


def plain_help(option: Any) -> Any:
    if type(option) in (TyperOption, ReadableOption):
        option.__class__ = PlainOption
    return option


def with_globals(params: list[Any]) -> list[Any]:
    readable(params)
    return [*params, *(p for p in GLOBAL_OPTIONS if p not in params)]


class ShellCommand(TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params = with_globals(self.params)

    def get_help_option(self, ctx: Any) -> Any:
        return plain_help(super().get_help_option(ctx))


class ShellGroup(TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params = with_globals(self.params)

    def get_help_option(self, ctx: Any) -> Any:
        return plain_help(super().get_help_option(ctx))

    def main(self, args: Sequence[str] | None = None, *rest: Any, **extra: Any) -> Any:
        """With `--json` anywhere, a usage error is a JSON object on stderr too (exit 2, as without it)."""
        argv = list(sys.argv[1:] if args is None else args)
        if not wants_json(argv) or extra.get("standalone_mode") is False:
            return super().main(argv, *rest, **extra)
        try:
            code = super().main(argv, *rest, **{**extra, "standalone_mode": False})
        except ClickException as error:
            if type(error).__name__ == "NoArgsIsHelpError":
                error.show()
            else:
                message = {"code": USAGE_ERROR, "message": one_line(error.format_message())}
                typer.echo(json.dumps(message, ensure_ascii=False), err=True)
            sys.exit(error.exit_code)
        except typer.Abort:
            typer.echo(json.dumps({"code": "aborted", "message": "aborted"}), err=True)
            sys.exit(EXIT_ERROR)
        sys.exit(code if isinstance(code, int) else 0)


def wants_json(argv: Sequence[str]) -> bool:
    """`--json` among the options (not after `--`, where it would be an argument)."""
    head = argv[: argv.index("--")] if "--" in argv else argv
    return "--json" in head


class Shell(typer.Typer):
    """A typer app whose groups and commands are the shell's own (global options, readable help)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cls=ShellGroup, no_args_is_help=True, rich_markup_mode=None, **kwargs)

    def command(self, name: str | None = None, **kwargs: Any) -> Callable[[CommandFunction], CommandFunction]:
        return super().command(name, cls=kwargs.pop("cls", ShellCommand), **kwargs)
