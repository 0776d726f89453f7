"""Whether the server was asked to stop while the app was still starting.

uvicorn handles SIGTERM and SIGINT itself, but only acts on them once the app has started; an app that waits during
its start-up (for the database, see `open_persistence_once_reachable`) would hold a stopping server up. `stop_signals`
notes those signals for the duration of such a wait and passes each on to the handler that was there before.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextmanager
def stop_signals() -> Iterator[Callable[[], bool]]:
    """A test of whether SIGTERM or SIGINT arrived while the block ran (always False off the main thread, where no
    signal handler can be set)."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    seen: list[int] = []
    before: dict[int, Any] = {}

    def note(number: int, frame: FrameType | None) -> None:
        seen.append(number)
        handler = before[number]
        if callable(handler):
            handler(number, frame)
        elif handler == signal.SIG_DFL and number == signal.SIGINT:
            raise KeyboardInterrupt

    before.update({number: signal.signal(number, note) for number in STOP_SIGNALS})
    try:
        yield lambda: bool(seen)
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)
