"""The `.env` file: `NAME=value` lines that fill in the variables the real environment does not set.

Format: one `NAME=value` per line (an `export ` prefix is allowed), `#` starts a comment line or, after a blank, a
trailing comment; a value may be quoted with `'...'` (taken as is) or `"..."` (`\\"`, `\\\\`, `\\n` and `\\t`
escapes). A malformed line is a `SettingsError` naming the file and line number, never the line, which may hold a
secret.
"""

from __future__ import annotations

import os
import re
from collections.abc import MutableMapping
from pathlib import Path

from promptsaas.entrypoints.composition.variables import SettingsError

ENV_FILE = Path(".env")
_ASSIGNMENT = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")
_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}


def read_env_file(path: Path) -> dict[str, str]:
    """The assignments of `path` (the last one wins for a name given twice); a missing file holds none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: cannot read the settings file ({type(error).__name__})") from None
    values: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        matched = _ASSIGNMENT.match(stripped)
        if matched is None:
            raise SettingsError(f"{path}:{number}: expected NAME=value (NAME of letters, digits and _)")
        name, rest = matched.groups()
        values[name] = _value(rest, f"{path}:{number}")
    return values


def load_env_file(path: Path = ENV_FILE, environ: MutableMapping[str, str] = os.environ) -> None:
    """Put `path`'s non-empty values into `environ` where it has no such variable (or an empty one): the real
    environment wins, and the processes' SDKs see `.env`'s `OPENAI_API_KEY` too."""
    for name, value in read_env_file(path).items():
        if value and not environ.get(name, "").strip():
            environ[name] = value


def _value(rest: str, where: str) -> str:
    if not rest or rest[0] not in "'\"":
        return re.split(r"\s#", rest, maxsplit=1)[0].strip()
    quote = rest[0]
    closing = _closing_quote(rest, quote)
    if closing is None:
        raise SettingsError(f"{where}: the value's {quote} quote is not closed on the same line")
    after = rest[closing + 1 :].strip()
    if after and not after.startswith("#"):
        raise SettingsError(f"{where}: unexpected text after the quoted value")
    inner = rest[1:closing]
    return inner if quote == "'" else re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[0]), inner)


def _closing_quote(rest: str, quote: str) -> int | None:
    index = 1
    while index < len(rest):
        if rest[index] == "\\" and quote == '"':
            index += 2
            continue
        if rest[index] == quote:
            return index
        index += 1
    return None
