"""The table `make bench` ends its LiteLLM comparison with: each figure beside LiteLLM's, the ratio, the hot path's
target and whether this run met it."""

from __future__ import annotations

from dataclasses import dataclass

Figures = dict[str, float]
"""One wrk run: rps, p50_ms, p99_ms, errors (non-2xx answers); core_share and per_cpu_s (calls per CPU-second) of
the server meanwhile."""


@dataclass(frozen=True, slots=True)
class Measured:
    """Pairs are (one connection, `connections`)."""

    connections: int
    stub: tuple[Figures, Figures]
    promptsaas: tuple[Figures, Figures]
    litellm: tuple[Figures, Figures]
    echo: Figures
    cold_start: tuple[float, float]
    """Seconds to a first 200, and CPU-seconds."""
    litellm_cold_start: tuple[float, float]
    rss_mb: float
    litellm_rss_mb: float
    postgres: tuple[dict[int, float], dict[int, float]] | str
    """Calls/s and the machine's idle CPU share by worker count, or why it was not measured."""


@dataclass(frozen=True, slots=True)
class Row:
    figure: str
    promptsaas: str
    litellm: str = "-"
    ratio: str = "-"
    target: str = ""
    met: bool | None = None
    """None: not measured in this run."""


def rows(m: Measured) -> list[Row]:
    (stub1, stubn), (ours1, oursn), (their1, theirn) = m.stub, m.promptsaas, m.litellm
    c = f"c{m.connections}"
    rate = divide(oursn["rps"], theirn["rps"])
    ours_rps, their_rps = f"{oursn['rps']:.0f}", f"{theirn['rps']:.0f}"
    table = [Row(f"calls/s at {c}, OpenAI SDK path", ours_rps, their_rps, times(rate), "≥ 5×", at_least(rate, 5))]
    per_cpu = divide(oursn["per_cpu_s"], theirn["per_cpu_s"])
    ours_cpu, their_cpu = f"{oursn['per_cpu_s']:.0f}", f"{theirn['per_cpu_s']:.0f}"
    table.append(
        Row(
            "  the same per CPU-second of the server", ours_cpu, their_cpu, times(per_cpu), "≥ 5×", at_least(per_cpu, 5)
        )
    )
    for label, ours, theirs, stub in (("c1", ours1, their1, stub1), (c, oursn, theirn, stubn)):
        added, their_added = ours["p50_ms"] - stub["p50_ms"], theirs["p50_ms"] - stub["p50_ms"]
        share = divide(added, their_added)
        figure = f"added p50 over the stub at {label}, ms"
        table.append(Row(figure, f"{added:.2f}", f"{their_added:.2f}", times(share), "≤ 0.25×", at_most(share, 0.25)))
    p99 = ours1["p99_ms"]
    table += [
        Row("p99 at c1, ms", f"{p99:.2f}", f"{their1['p99_ms']:.2f}", target="≤ 5 ms", met=at_most(p99, 5)),
        Row(f"calls/s at {c}, offline:echo", f"{m.echo['rps']:.0f}", target="≥ 600", met=at_least(m.echo["rps"], 600)),
        Row(
            "  the same per CPU-second of the server",
            f"{m.echo['per_cpu_s']:.0f}",
            target="≥ 600",
            met=at_least(m.echo["per_cpu_s"], 600),
        ),
        Row(
            "cold start to a first 200, s",
            f"{m.cold_start[0]:.2f}",
            f"{m.litellm_cold_start[0]:.2f}",
            target="≤ 1 s",
            met=at_most(m.cold_start[0], 1),
        ),
        Row(
            "  the CPU time it took, s",
            f"{m.cold_start[1]:.2f}",
            f"{m.litellm_cold_start[1]:.2f}",
            target="≤ 1 s",
            met=at_most(m.cold_start[1], 1),
        ),
        Row(
            "RSS of the worker after the load, MB",
            f"{m.rss_mb:.0f}",
            f"{m.litellm_rss_mb:.0f}",
            target="≤ 100 MB",
            met=at_most(m.rss_mb, 100),
        ),
        postgres_row(m.postgres, c),
    ]
    return table


def postgres_row(measured: tuple[dict[int, float], dict[int, float]] | str, c: str) -> Row:
    figure = f"PostgreSQL calls/s at {c}, 2 workers / 1 (offline:echo)"
    if isinstance(measured, str):
        return Row(figure, measured, target="≥ 1.7×")
    postgres = measured[0]
    scale = divide(postgres[2], postgres[1])
    shown = f"{postgres[2]:.0f} / {postgres[1]:.0f}"
    return Row(figure, shown, ratio=f"{times(scale)} (2 w / 1 w)", target="≥ 1.7×", met=at_least(scale, 1.7))


def at_least(value: float | None, floor: float) -> bool | None:
    return None if value is None else value >= floor


def at_most(value: float | None, ceiling: float) -> bool | None:
    return None if value is None else value <= ceiling


def divide(a: float, b: float) -> float | None:
    return a / b if b > 0 else None


def times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}×"


def render(table: list[Row]) -> str:
    head = ("figure", "promptsaas", "LiteLLM", "promptsaas / LiteLLM", "target", "")
    cells = [head, *((r.figure, r.promptsaas, r.litellm, r.ratio, r.target, verdict(r.met)) for r in table)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(head))]
    right = (False, True, True, True, False, False)

    def line(row: tuple[str, ...]) -> str:
        padded = (c.rjust(w) if r else c.ljust(w) for c, w, r in zip(row, widths, right, strict=True))
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (w + 1) + ":" if r else "-" * (w + 2) for w, r in zip(widths, right, strict=True))
    return "\n".join([line(head), rule + "|", *(line(row) for row in cells[1:])])


def verdict(met: bool | None) -> str:
    return {True: "met", False: "not met", None: "not measured"}[met]
