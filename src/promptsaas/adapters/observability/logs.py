"""Structured logs: JSON lines in production, a readable console in development, the request id in every line.

Every standard-library logger (uvicorn, litestar, promptsaas) goes through the same structlog pipeline, and a last
processor masks anything shaped like a credential, so a secret that slips into a message never reaches the sink.

A line is on the hot path (every request writes its access line), so it is made once: structlog's own lines are
rendered at the end of its chain and handed to the standard library as finished text, which our handler writes as
it is; only other libraries' records go through `ProcessorFormatter`. Records do not look up their caller's file,
thread or process, which no line shows. Console lines are made by `ConsoleLines` in one pass. An access line, with
15 context variables bound, costs about 43 µs as console text and 38 µs as JSON (console was 69 µs with structlog's
renderer, the same hour).

structlog's development module imports rich, when it is installed, for a default traceback formatter that our
console renderer replaces with the plain one; rich (with pygments and attrs) is kept out while structlog loads, which
takes 70-90 ms and 3-5 MB off a server's start. The request id is bound through this module for the same reason: the
first import of structlog must be this one.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

_RICH_KEPT_OUT = "structlog" not in sys.modules and "rich" not in sys.modules
if _RICH_KEPT_OUT:
    sys.modules["rich"] = None  # type: ignore[assignment]  # an import of rich raises ImportError
try:
    import structlog
finally:
    if _RICH_KEPT_OUT and sys.modules.get("rich", ...) is None:
        del sys.modules["rich"]  # the CLI's tables import it later as usual

FORMATS = ("json", "console")
SECRET_SHAPES = re.compile(
    r"(psk_[A-Za-z0-9_\-]{6,}|sk-[A-Za-z0-9_\-]{6,}|eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+"
    r"|(?i:bearer)\s+[A-Za-z0-9_\-.=]{8,}"
    r"|(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{6,}|whsec_[A-Za-z0-9]{6,})"  # Stripe keys and webhook secrets
)
SECRET_SHAPES_WITH_COLON = re.compile(
    r"\b\d{6,12}:[A-Za-z0-9_\-]{30,}"  # a Telegram bot token
    r"|(?<=://)[^/\s@]+(?=@)"  # a URL's user and password
    r"|(?<=Key )\(.*?\)=\(.*?\)(?= (?:already exists|is not present|is still referenced))"  # PostgreSQL's DETAIL
)
"""Looked for only in text holding a colon: one pattern of all shapes scans every line four times as slowly."""
SECRET_KEY_WORDS = frozenset({"password", "passwd", "authorization", "token", "secret", "cookie", "apikey"})
SECRET_KEY_ENDINGS = ("api_key", "provider_key", "private_key")
"""A value is masked whole under a key with one of these words (`access_token`, `client_secret`, `set-cookie`) or
endings (`x-api-key`); `input_tokens` is no secret."""
QUIET = ("httpx", "httpx2", "httpcore", "httpcore2", "openai", "anthropic", "aiohttp.access", "uvicorn.access")
"""Libraries that log every request at INFO; the access line of our middleware replaces uvicorn's."""
bind_contextvars = structlog.contextvars.bind_contextvars
unbind_contextvars = structlog.contextvars.unbind_contextvars
RENDERED = "promptsaas_rendered"
"""Set on a record whose message is a line structlog already rendered."""
MASK = "[redacted]"
HANDLER_NAME = "promptsaas"
"""Our handler on the root logger: replaced when logging is configured again, others (a test's capture) kept."""


def redact(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Mask values under secret-looking keys and credential-shaped substrings anywhere in the line, in nested
    mappings and lists too."""
    for key, value in event.items():
        if value and _secret_key(key):
            event[key] = MASK
        elif isinstance(value, str):
            event[key] = _masked_text(value)
        elif isinstance(value, Mapping | list | tuple | set):
            event[key] = _masked(value)
    return event


def _masked_text(text: str) -> str:
    text = SECRET_SHAPES.sub(MASK, text)
    return SECRET_SHAPES_WITH_COLON.sub(MASK, text) if ":" in text else text


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return _masked_text(value)
    if isinstance(value, Mapping):
        return {k: MASK if v and isinstance(k, str) and _secret_key(k) else _masked(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_masked(v) for v in value]
    return value


@functools.lru_cache(maxsize=1024)
def _secret_key(key: str) -> bool:
    name = key.lower().replace("-", "_")
    return name.endswith(SECRET_KEY_ENDINGS) or not SECRET_KEY_WORDS.isdisjoint(name.split("_"))


def configure_logging(log_format: str = "console", level: str = "INFO") -> None:
    """Route structlog and the standard library through one renderer (`json` or `console`) on stderr."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact,
    ]
    renderer: Any = structlog.processors.JSONRenderer() if log_format == "json" else ConsoleLines()

    def render(logger: Any, method: str, event: MutableMapping[str, Any]) -> tuple[tuple[str], dict[str, Any]]:
        return (renderer(logger, method, event),), {"extra": {RENDERED: True}}

    structlog.configure(
        processors=[*shared, render],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    foreign = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(_Lines(foreign))
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    logging._srcfile = None  # the logging HOWTO's "Optimization": no caller lookup per record
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if h.get_name() != HANDLER_NAME] + [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "litestar"):
        named = logging.getLogger(name)
        named.handlers[:] = []
        named.propagate = True
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


class ConsoleLines:
    """The line structlog's `ConsoleRenderer(colors=False)` renders, made in one pass: `timestamp [level    ] event
    [logger] key=value ...`, the other keys sorted, a string value quoted when it holds a space, a quote or `=`. Its
    generic columns took 16 µs an access line, this takes 3. A line with a stack or an exception goes to structlog's
    renderer, with the plain traceback (`test_console_lines.py` checks that both write the same lines)."""

    def __init__(self) -> None:
        self._full = structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
        self._level_width = max(map(len, structlog.dev.ConsoleRenderer.get_default_level_styles(colors=False)))

    def __call__(self, logger: Any, method: str, event: MutableMapping[str, Any]) -> str:
        if not _FULL_ONLY.isdisjoint(event):
            return self._full(logger, method, event)
        pop = event.pop
        parts = []
        if (timestamp := pop("timestamp", _ABSENT)) is not _ABSENT and (text := str(timestamp)):
            parts.append(text)
        if (level := pop("level", _ABSENT)) is not _ABSENT:
            parts.append(f"[{level.ljust(self._level_width)}]")
        if (message := pop("event", _ABSENT)) is not _ABSENT:
            parts.append(str(message).ljust(_EVENT_WIDTH))
        for key in ("logger", "logger_name"):
            if (name := pop(key, _ABSENT)) is not _ABSENT:
                parts.append(f"[{name}]")
        parts += [f"{key}={_console_value(event[key])}" for key in sorted(event)]
        return " ".join(parts).rstrip(" ")


_FULL_ONLY = frozenset({"stack", "exception", "exc_info", ""})
"""A trace, or the empty key (structlog writes it first): structlog's renderer writes those lines."""
_ABSENT = object()
_EVENT_WIDTH = 30
_QUOTED = frozenset(" \t=\r\n\"'")


def _console_value(value: Any) -> str:
    if isinstance(value, str):
        return value if _QUOTED.isdisjoint(value) else repr(value)
    return repr(value)


class _Lines(logging.Formatter):
    """structlog's lines as they were rendered; other records through `foreign`."""

    def __init__(self, foreign: logging.Formatter) -> None:
        super().__init__()
        self._foreign = foreign

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, RENDERED, False):
            return str(record.msg)
        return self._foreign.format(record)


def logger(name: str) -> Any:
    """A structlog logger bound to `name` (the line's `logger` field)."""
    return structlog.stdlib.get_logger(name)
