"""The console log line made in one pass is the line structlog's `ConsoleRenderer(colors=False)` writes, for any
event a logger can produce, so an operator reading or parsing the console sees the same lines as before."""

from __future__ import annotations

import sys
from typing import Any

import structlog
from hypothesis import given
from hypothesis import strategies as st

from promptsaas.adapters.observability.logs import ConsoleLines

STRUCTLOG = structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
LEVELS = st.sampled_from(["debug", "info", "warning", "error", "critical", "exception", "notset", "trace"])
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.sampled_from(["a b", "x=y", "it's", 'q"', ""])
VALUES = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT | st.lists(st.integers(), max_size=3)
)
KEYS = TEXT.filter(lambda key: key not in ("level", "exception", "stack", "exc_info"))
"""The level is always a level's name, and a trace the text `format_exc_info` makes (structlog's renderer fails on
anything else; traces: see the last test)."""
EVENTS = st.fixed_dictionaries(
    {},
    optional={
        "timestamp": TEXT,
        "level": LEVELS,
        "event": TEXT | st.integers(),
        "logger": TEXT,
        "logger_name": TEXT,
    },
).flatmap(lambda fixed: st.dictionaries(KEYS, VALUES, max_size=6).map(lambda more: {**more, **fixed}))


@given(EVENTS)
def test_a_line_is_the_line_structlog_renders(event: dict[str, Any]) -> None:
    assert ConsoleLines()(None, "info", dict(event)) == STRUCTLOG(None, "info", dict(event))


def test_an_access_line_reads_as_before() -> None:
    event = {
        "timestamp": "2026-12-07T14:58:52.058991Z",
        "level": "info",
        "event": "POST /v1/agents/{slug}/runs 200",
        "logger": "promptsaas.access",
        "status": 200,
        "route": "/v1/agents/{slug}/runs",
        "tenant": "demo",
    }
    assert ConsoleLines()(None, "info", event) == (
        "2026-12-07T14:58:52.058991Z [info     ] POST /v1/agents/{slug}/runs 200 [promptsaas.access] "
        "route=/v1/agents/{slug}/runs status=200 tenant=demo"
    )


def test_a_line_with_an_exception_carries_its_traceback() -> None:
    try:
        raise ValueError("the provider said no")
    except ValueError:
        event = {"event": "call failed", "level": "error", "exc_info": sys.exc_info()}
    line = ConsoleLines()(None, "error", dict(event))
    assert line == STRUCTLOG(None, "error", dict(event))
    assert "ValueError: the provider said no" in line
