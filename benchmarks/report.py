"""Versions, tables (Markdown), the JSON document and the PNG chart of a run."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jsv import _kernel

from .cases import OPTIONAL, Case, kernel_label
from .payloads import Payload
from .timing import Timing

MU = "\u00b5"  # micro sign
TIMES = "\u00d7"  # multiplication sign
SECTIONS = (("untyped", "decode"), ("untyped", "encode"), ("typed", "decode"), ("typed", "encode"))


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux), or what platform reports."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> str:
    """The 1-minute load average (how busy the machine was), or "n/a"."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "n/a"


def versions() -> dict[str, str]:
    """Python, the platform, the CPU, jsv's kernels and every benchmarked library."""
    import jsv

    out = {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "cpu": f"{cpu_model()} ({os.cpu_count()} logical CPUs)",
        "jsv": f"{jsv.__version__} ({Path(jsv.__file__).parent})",
        "jsv kernels": ", ".join(kernel_label(k) for k in _kernel.available()),
    }
    for name in (*OPTIONAL, "matplotlib"):
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def installed_speedups_unused() -> str | None:
    """A warning when the installed jsv distribution has the C kernel but the jsv imported
    here (e.g. the source checkout, first on ``sys.path`` with ``python -m``) does not."""
    import jsv

    if any(k.__name__ == "jsv._speedups" for k in _kernel.available()):
        return None
    # Every installed copy: the checkout's own jsv_codec.egg-info may be found first.
    for dist in importlib.metadata.distributions(name="jsv-codec"):
        for f in dist.files or []:
            if not (f.name.startswith("_speedups.") and f.suffix in (".so", ".pyd")):
                continue
            built = Path(str(f.locate())).resolve()
            if built.exists() and built.parent != Path(jsv.__file__).resolve().parent:
                return (
                    f"note: jsv is imported from {Path(jsv.__file__).parent}, which has no C "
                    f"kernel, while the installed copy has one ({built}): only the pure-Python "
                    "kernel is measured. To include the C kernel, build it in place: "
                    "python3 -m pip install -e ."
                )
    return None


def results(cases: list[Case], timings: dict[str, Timing]) -> list[dict[str, Any]]:
    """One record per row, with the ratios to the group's orjson and json rows."""
    refs: dict[tuple[tuple[str, str, str], str], float] = {}
    for case in cases:
        if case.ref and case.key in timings:
            refs[(case.group, case.ref)] = timings[case.key].median
    rows: list[dict[str, Any]] = []
    for case in cases:
        row: dict[str, Any] = {
            "payload": case.payload,
            "mode": case.mode,
            "op": case.op,
            "library": case.library,
            "status": case.status,
            "bytes": case.size,
        }
        if case.note:
            row["note"] = case.note
        timing = timings.get(case.key)
        if timing is not None:
            med = timing.median
            row.update(
                loops=timing.loops,
                times_us=[t * 1e6 for t in timing.times],
                median_us=med * 1e6,
                min_us=timing.min * 1e6,
                max_us=timing.max * 1e6,
                mb_per_s=case.size / med / 1e6,
            )
            for ref in ("orjson", "json"):
                base = refs.get((case.group, ref))
                row[f"vs_{ref}"] = med / base if base else None
        rows.append(row)
    return rows


def _us(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def payload_heading(p: Payload) -> str:
    sizes = f"JSV {len(p.jsv):,} B, JSON {len(p.json):,} B"
    if p.typed_json is not None:
        sizes += f", typed JSON {len(p.typed_json):,} B"
    return f"### `{p.name}`: {p.description} ({sizes})"


def tables(payloads: list[Payload], rows: list[dict[str, Any]]) -> str:
    """A Markdown table per payload: one section per mode and operation."""
    out: list[str] = []
    for p in payloads:
        out += [payload_heading(p), ""]
        out.append(
            f"| operation | library | {MU}s/op | min-max {MU}s | MB/s "
            f"| {TIMES} orjson | {TIMES} json |"
        )
        out.append("|---|---|--:|--:|--:|--:|--:|")
        for mode, op in SECTIONS:
            for row in rows:
                if (row["payload"], row["mode"], row["op"]) != (p.name, mode, op):
                    continue
                label = row["library"] + (" \\*" if row.get("note") else "")
                if "median_us" not in row:
                    out.append(f"| {mode} {op} | {label} | {row['status']} | | | | |")
                    continue
                out.append(
                    f"| {mode} {op} | {label} | {_us(row['median_us'])} "
                    f"| {_us(row['min_us'])}-{_us(row['max_us'])} | {row['mb_per_s']:,.1f} "
                    f"| {_ratio(row['vs_orjson'])} | {_ratio(row['vs_json'])} |"
                )
        notes = sorted({r["note"] for r in rows if r["payload"] == p.name and r.get("note")})
        out += [""] + [f"\\* {n}" for n in notes] + ([""] if notes else [])
    return "\n".join(out)


def memory_table(memory: list[dict[str, Any]]) -> str:
    """The per-decoder memory table (sizes in MB)."""
    if not memory:
        return ""
    first = memory[0]
    method = next((m["rss_method"] for m in memory if "rss_method" in m), "RSS")
    out = [
        f"### Memory: one decode of `{first['payload']}`, each decoder in a fresh process",
        "",
        f"| decode | library | tracemalloc peak MB | retained MB | peak RSS growth MB ({method}) |",
        "|---|---|--:|--:|--:|",
    ]
    for m in memory:
        if "error" in m:
            out.append(f"| {m['mode']} | {m['library']} | {m['error']} | | |")
            continue
        out.append(
            f"| {m['mode']} | {m['library']} | {m['tracemalloc_peak'] / 1e6:,.2f} "
            f"| {m['tracemalloc_retained'] / 1e6:,.2f} | {m['rss_growth'] / 1e6:,.2f} |"
        )
    return "\n".join(out) + "\n"


def header(meta: dict[str, Any]) -> str:
    lines = [f"- date: {meta['date']}", f"- command: `{meta['command']}`"]
    lines += [f"- {k}: {v}" for k, v in meta["versions"].items()]
    lines.append(f"- load average (1 min): {meta['load average']}")
    s = meta["settings"]
    shortest = s.get("shortest_timing")
    lines.append(
        f"- method: rounds: {s['repeats']}; each row's loop count calibrated to take at least "
        f"{s['min_time']} s per timing"
        + (f" (shortest timing of the run: {shortest:.3f} s)" if shortest is not None else "")
        + f"; median with min-max; {TIMES} = this row's time / the reference row's time "
        "(lower is faster)"
    )
    return "\n".join(lines) + "\n"


def document(
    meta: dict[str, Any],
    payloads: list[Payload],
    rows: list[dict[str, Any]],
    memory: list[dict[str, Any]],
) -> dict[str, Any]:
    """The machine-readable result (``--json``)."""
    return {
        "meta": meta,
        "payloads": {
            p.name: {
                "description": p.description,
                "jsv_bytes": len(p.jsv),
                "json_bytes": len(p.json),
                "typed_json_bytes": None if p.typed_json is None else len(p.typed_json),
            }
            for p in payloads
        },
        "results": rows,
        "memory": memory,
    }


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def command_line(argv: Iterable[str]) -> str:
    return " ".join(["python", "-m", "benchmarks", *argv])


def chart(path: Path, payloads: list[Payload], rows: list[dict[str, Any]], title: str) -> bool:
    """Bar chart of every row's time relative to json; False when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
    except ImportError:
        return False
    grid = [
        (p, mode, op)
        for p in payloads
        for mode, op in SECTIONS
        if any(
            r["payload"] == p.name
            and r["mode"] == mode
            and r["op"] == op
            and "vs_json" in r
            and r["vs_json"] is not None
            for r in rows
        )
    ]
    ncols = 2
    nrows = (len(grid) + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(10, 1.9 * nrows + 0.6), squeeze=False)
    for ax in axes.flat[len(grid) :]:
        ax.axis("off")
    for ax, (p, mode, op) in zip(axes.flat, grid, strict=False):
        sel = [
            r
            for r in rows
            if (r["payload"], r["mode"], r["op"]) == (p.name, mode, op)
            and r.get("vs_json") is not None
        ]
        labels = [r["library"] for r in sel]
        values = [r["vs_json"] for r in sel]
        colors = ["tab:red" if r["library"].startswith("jsv") else "tab:blue" for r in sel]
        ax.barh(range(len(sel)), values, color=colors)
        ax.set_yticks(range(len(sel)), labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.set_xlim(min([*values, 1.0]) / 1.5, max([*values, 1.0]) * 3)
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.axvline(1.0, color="black", linewidth=0.6)
        ax.set_title(f"{p.name}: {mode} {op}", fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
        for i, v in enumerate(values):
            ax.text(v, i, f" {v:.2g}", va="center", fontsize=6)
    fig.suptitle(title, fontsize=9)
    fig.supxlabel("time relative to json (log scale; lower is faster, json = 1)", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=72)
    plt.close(fig)
    return True
