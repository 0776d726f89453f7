"""Human output (rich tables, plain lines) or machine output (`--json`: JSON objects and lists of objects).

Failures go to stderr, stdout stays for results: `error: CODE: message` for people, and with `--json` one JSON
object `{"code": ..., "message": ...}` (a denial adds `resets_at`).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

import typer

from promptsaas.entrypoints.cli.errors import describe_denial

if TYPE_CHECKING:
    from promptsaas.domain.errors import AccessDenied

Row = Mapping[str, Any]
PIPED_WIDTH = 400


@dataclass(frozen=True, slots=True)
class Output:
    json: bool = False

    def rows(
        self,
        rows: Sequence[Row],
        columns: Sequence[str],
        *,
        human: Callable[[Row], Row] | None = None,
        empty: str = "(none)",
    ) -> None:
        """A list read: a table of `columns` for people (each row through `human`), a JSON list for programs."""
        if self.json:
            self.dump([dict(r) for r in rows])
            return
        if not rows:
            if empty:
                typer.echo(empty)
            return
        from rich import box
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            shown = human(row) if human else row
            table.add_row(*(Text(cell(shown.get(c))) for c in columns))
        console = Console(file=sys.stdout, highlight=False, emoji=False)  # no `:name:` codes: their table loads slowly
        if not console.is_terminal and "COLUMNS" not in os.environ:
            console.width = PIPED_WIDTH  # piped or captured output: never fold a row to 80 columns
        console.print(table)

    def record(self, record: Row) -> None:
        """One object: `key  value` lines for people, a JSON object for programs."""
        if self.json:
            self.dump(dict(record))
            return
        width = max((len(k) for k in record), default=0)
        for key, value in record.items():
            typer.echo(f"{key.ljust(width)}  {cell(value)}")

    def done(self, message: str, record: Row | None = None) -> None:
        """The outcome of a change: a sentence for people; the changed object (if any) for programs."""
        if self.json:
            self.dump(dict(record) if record is not None else {"message": message})
        else:
            typer.echo(message)

    def text(self, text: str) -> None:
        typer.echo(text, nl=not text.endswith("\n"))

    def dump(self, value: Any) -> None:
        typer.echo(json.dumps(value, default=plain, indent=2, ensure_ascii=False))

    def error(self, code: str, message: str) -> None:
        """A failure in one line on stderr."""
        if self.json:
            typer.echo(json.dumps({"code": code, "message": message}, ensure_ascii=False), err=True)
        else:
            typer.echo(f"error: {code}: {message}", err=True)

    def denial(self, denied: AccessDenied) -> None:
        """A chat the policy refused: the reason code, its message and when the exhausted limit resets."""
        if self.json:
            resets = plain(denied.decision.resets_at)
            body = {"code": str(denied.code), "message": denied.message, "resets_at": resets}
            typer.echo(json.dumps(body, ensure_ascii=False), err=True)
        else:
            typer.echo(describe_denial(denied), err=True)


def plain(value: Any) -> Any:
    """JSON for what the domain holds: times as ISO 8601, enums as their value, decimals as numbers."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, frozenset | set):
        return sorted(plain(v) for v in value)
    return value


def cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple | frozenset | set):
        return ", ".join(cell(v) for v in value) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{k}={cell(v)}" for k, v in value.items()) or "-"
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def usd(micros: int) -> str:
    """Micro-USD as dollars, e.g. 1234 -> $0.001234."""
    return f"${micros / 1_000_000:.6f}"
