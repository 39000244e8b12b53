"""Calibrated, alternating timings.

Method (as pyperf, msgspec's and orjson's benchmarks do it, within one process):

1. Calibration: each row's loop count is scaled so that one timing of that many calls takes
   about 1.25 x ``min_time`` seconds (at least ``min_time``); the probes warm the row up.
2. Repeats: ``repeats`` rounds; each round times every row once, one after the other, so
   the libraries alternate and a slow phase of the machine hits all of them alike. The
   order of the rows rotates from one round to the next.
3. Each timing is ``loops`` calls of ``func(arg)`` whose results are discarded inside the
   loop, so deallocating the result is part of every library's time. A garbage collection
   runs before each timing; the collector stays enabled during it. The payloads are
   frozen out of the collector (``gc.freeze``) while the rows run.

The result of a row is the per-call time of every round: the median is reported with the
minimum and maximum.
"""

from __future__ import annotations

import dataclasses
import gc
import itertools
import math
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from .cases import Case

CALIBRATION_MARGIN = 1.25


@dataclasses.dataclass
class Timing:
    """The measured per-call times of one row, in seconds."""

    loops: int
    times: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def min(self) -> float:
        return min(self.times)

    @property
    def max(self) -> float:
        return max(self.times)


def _loop(func: Callable[[Any], Any], arg: Any, loops: int) -> float:
    it = itertools.repeat(None, loops)
    start = time.perf_counter()
    for _ in it:
        func(arg)
    return time.perf_counter() - start


def time_once(case: Case, loops: int, *, collect: bool = True) -> float:
    """Seconds for ``loops`` calls of ``case`` (its kernel activated, after a collection)."""
    if case.before is not None:
        case.before()
    if collect:
        gc.collect()
    return _loop(case.func, case.arg, loops)


def calibrate(case: Case, min_time: float) -> int:
    """A loop count whose timing takes about 1.25 x ``min_time``.

    Probes with growing loop counts until one probe takes a tenth of ``min_time`` (these
    probes also warm the row up), then scales; the margin keeps the timings of the rounds
    above ``min_time`` despite jitter.
    """
    loops = 1
    while True:
        elapsed = time_once(case, loops, collect=False)
        if elapsed >= min_time / 10:
            return max(1, math.ceil(loops * min_time * CALIBRATION_MARGIN / elapsed))
        loops *= 10 if elapsed < min_time / 1000 else 2


class Progress:
    """One status line on stderr, rewritten in place on a terminal, throttled elsewhere."""

    def __init__(self, total: int, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = self.stream.isatty()
        self.last = 0.0
        self.width = 0

    def step(self, label: str) -> None:
        self.done += 1
        if not self.enabled:
            return
        line = f"[{self.done:>{len(str(self.total))}}/{self.total}] {label}"
        if self.tty:
            pad = max(0, self.width - len(line))
            self.stream.write("\r" + line + " " * pad)
            self.width = len(line)
            self.stream.flush()
        elif time.monotonic() - self.last >= 5 or self.done == self.total:
            self.last = time.monotonic()
            self.stream.write(line + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def run(
    cases: list[Case], *, min_time: float, repeats: int, progress: Progress | None = None
) -> dict[str, Timing]:
    """Time every case whose status is ok; returns timings by ``case.key``.

    The payloads and everything else alive before the run are frozen out of the garbage
    collector (``gc.freeze``) for its duration, so that the collections before each timing
    are cheap and collections inside a timing scan only what the timed calls create.
    """
    gc.collect()
    gc.freeze()
    try:
        return _run(cases, min_time, repeats, progress)
    finally:
        gc.unfreeze()


def _run(
    cases: list[Case], min_time: float, repeats: int, progress: Progress | None
) -> dict[str, Timing]:
    live = [c for c in cases if c.status == "ok"]
    loops: dict[str, int] = {}
    for case in live:
        if progress:
            progress.step(f"calibrating {case.key}")
        loops[case.key] = calibrate(case, min_time)
    times: dict[str, list[float]] = {c.key: [] for c in live}
    for round_ in range(repeats):
        shift = round_ * len(live) // repeats
        for case in live[shift:] + live[:shift]:
            if progress:
                progress.step(f"round {round_ + 1}/{repeats}: {case.key}")
            n = loops[case.key]
            times[case.key].append(time_once(case, n) / n)
    return {key: Timing(loops[key], values) for key, values in times.items()}
