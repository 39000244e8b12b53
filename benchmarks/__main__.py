"""``python -m benchmarks``: jsv against the JSON libraries; see benchmarks/README.md."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from jsv import _kernel

from . import cases as cases_mod
from . import memory as memory_mod
from . import payloads as payloads_mod
from . import report, timing

CACHE = Path(__file__).resolve().parent / ".cache"
MEMORY_PAYLOAD = "sessions"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time jsv decoding and encoding JSV against JSON libraries on the same data.",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--quick",
        action="store_true",
        help="3 rounds instead of 7 (about a minute with the pure kernel)",
    )
    mode.add_argument(
        "--smoke",
        action="store_true",
        help="tiny payloads, 1 round, 1 ms timings: checks that everything runs",
    )
    parser.add_argument(
        "--payload",
        action="append",
        choices=payloads_mod.NAMES,
        metavar="NAME",
        help=f"only this payload (repeatable): {', '.join(payloads_mod.NAMES)}",
    )
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="PATH",
        help="print the results as JSON instead of tables; with PATH, write "
        "them to that file and print the tables too",
    )
    parser.add_argument(
        "--versions", action="store_true", help="print Python, CPU and library versions, then exit"
    )
    parser.add_argument(
        "--chart",
        type=Path,
        metavar="PATH",
        help="write a PNG bar chart of the ratios to json (needs matplotlib)",
    )
    parser.add_argument(
        "--no-memory", action="store_true", help="skip the per-decoder memory measurement"
    )
    parser.add_argument("--repeats", type=int, help="rounds of timings (default 7, quick 3)")
    parser.add_argument("--min-time", type=float, help="minimum seconds per timing (default 0.2)")
    parser.add_argument(
        "--cache",
        type=Path,
        help="folder for the generated payload files (default benchmarks/.cache)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress line on stderr")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.versions:
        for key, value in report.versions().items():
            print(f"{key}: {value}")
        return 0
    repeats = args.repeats or (1 if args.smoke else 3 if args.quick else 7)
    min_time = args.min_time or (0.001 if args.smoke else 0.2)
    names = args.payload or list(payloads_mod.NAMES)
    with tempfile.TemporaryDirectory(prefix="jsv-bench-") as tmp:
        cache = args.cache or (Path(tmp) if args.smoke else CACHE)
        return _run(args, argv, names, cache, repeats, min_time)


def _run(
    args: argparse.Namespace,
    argv: list[str],
    names: list[str],
    cache: Path,
    repeats: int,
    min_time: float,
) -> int:
    def say(text: str) -> None:
        if not args.quiet:
            print(text, file=sys.stderr, flush=True)

    warning = report.installed_speedups_unused()
    if warning:
        say(warning)
    previous_kernel = _kernel.active
    load_before = report.load_average()
    say("generating payloads ...")
    payloads = payloads_mod.build(names, small=args.smoke)
    # The memory subprocesses warm up on the seed sample, so it is always in the cache.
    extra = [] if "seed" in names else payloads_mod.build(["seed"])
    payloads_mod.write_cache(payloads + extra, cache)

    cases = cases_mod.build_cases(payloads)
    cases_mod.gate(cases)
    for case in cases:
        if case.status.startswith("failed"):
            say(f"correctness gate: {case.key} {case.status}")

    live = [c for c in cases if c.status == "ok"]
    mem_cases = (
        []
        if args.no_memory
        else [c for c in live if c.payload == MEMORY_PAYLOAD and c.op == "decode"]
    )
    progress = timing.Progress(len(live) * (repeats + 1) + len(mem_cases), enabled=not args.quiet)
    try:
        timings = timing.run(cases, min_time=min_time, repeats=repeats, progress=progress)
        _kernel.use(previous_kernel)
        memory: list[dict[str, Any]] = []
        for case in mem_cases:
            progress.step(f"memory: {case.key}")
            result = memory_mod.measure_in_subprocess(cache, case)
            memory.append(
                {"payload": case.payload, "mode": case.mode, "library": case.library, **result}
            )
    finally:
        progress.close()
        _kernel.use(previous_kernel)

    meta: dict[str, Any] = {
        "date": report.now(),
        "command": report.command_line(argv),
        "versions": report.versions(),
        "load average": f"{load_before} at the start, {report.load_average()} at the end",
        "settings": {
            "repeats": repeats,
            "min_time": min_time,
            "smoke": args.smoke,
            "memory": "tracemalloc peak and retained, RSS peak growth; a process each",
            "input": "bytes (UTF-8) for every decoder",
            "shortest_timing": min(
                (min(t.times) * t.loops for t in timings.values()), default=None
            ),
        },
    }
    rows = report.results(cases, timings)
    if args.chart:
        title = f"jsv vs JSON libraries, {meta['date']}, {meta['versions']['python']}"
        if not report.chart(args.chart, payloads, rows, title):
            say("--chart: matplotlib is not installed; no chart written")
    if args.json:
        text = json.dumps(report.document(meta, payloads, rows, memory), indent=2)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n", encoding="utf-8")
    if args.json != "-":
        print(report.header(meta))
        print(report.tables(payloads, rows))
        print(report.memory_table(memory))
    failed = [c for c in cases if c.status.startswith("failed")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
