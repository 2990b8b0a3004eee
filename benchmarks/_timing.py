"""Timing helpers shared by the benchmarks: medians of interleaved runs, in one process."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def interleaved(
    candidates: dict[str, Callable[[], object]],
    rounds: int,
    batch: int,
    between_rounds: Callable[[], object] | None = None,
) -> dict[str, float]:
    """Median seconds per call of each candidate, alternating them batch by batch so that
    the machine's noise falls on all of them alike. ``between_rounds``, untimed, runs
    before each round."""
    samples: dict[str, list[float]] = {name: [] for name in candidates}
    for function in candidates.values():  # warm up: first calls build caches
        for _ in range(3):
            function()
    for _ in range(rounds):
        if between_rounds is not None:
            between_rounds()
        for name, function in candidates.items():
            start = time.perf_counter()
            for _ in range(batch):
                function()
            samples[name].append((time.perf_counter() - start) / batch)
    return {name: statistics.median(values) for name, values in samples.items()}


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "| " + " | ".join("-" * w for w in widths) + " |"
    return "\n".join([line(header), rule, *(line(r) for r in rows)])
