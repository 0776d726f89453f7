"""Figures the HTTP suites report at the end of the run (one line per group), for the issue's closing note."""

from __future__ import annotations

from collections import defaultdict

COUNTS: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
NOTES: dict[str, list[str]] = defaultdict(list)


def count(group: str, what: str, n: int = 1) -> None:
    COUNTS[group][what] += n


def note(group: str, text: str) -> None:
    NOTES[group].append(text)


def lines() -> list[str]:
    groups = sorted({*COUNTS, *NOTES})
    return [
        f"{group}: " + ", ".join([*(f"{n} {what}" for what, n in COUNTS[group].items()), *NOTES[group]])
        for group in groups
    ]
