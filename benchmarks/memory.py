"""Peak memory of one decode, each library in its own fresh subprocess.

``python -m benchmarks.memory CACHE PAYLOAD MODE LIBRARY`` prints one JSON object:

- ``tracemalloc_peak``: the peak of memory traced by ``tracemalloc`` during one decode,
  over what was allocated before it (the input bytes are excluded, the result included);
- ``tracemalloc_retained``: what is still allocated once the decode returned (the result);
- ``rss_growth``: how far the resident set size peaked above its value just before the
  first decode of the payload (after the imports and the input were loaded). On Linux the
  kernel's peak (``VmHWM``) is reset just before the decode (``/proc/self/clear_refs``), so
  this is the peak of the decode alone; elsewhere it is the growth of ``ru_maxrss``, which
  only grows past the process's previous high-water mark and so can under-report.

``tracemalloc`` sees allocations made through Python's allocators (all the objects, also
those C extensions create), not a C extension's private ``malloc`` buffers; the RSS sees
everything, including memory the allocator keeps for reuse. Each decoder
first decodes the seed sample once (wrapped in a list for a list payload) so that one-time
work such as building a type's decoding plan is not counted.
"""

from __future__ import annotations

import gc
import json
import os
import re
import resource
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .cases import Case, from_dicts, optional

ROOT = Path(__file__).resolve().parent.parent


def _decoder(mode: str, library: str, tp: Any) -> Callable[[Any], Any]:
    if library.startswith("jsv ("):
        import jsv
        from jsv import _kernel

        wanted = "jsv._speedups" if library == "jsv (c)" else "jsv._pure"
        (kernel,) = [k for k in _kernel.available() if k.__name__ == wanted]
        _kernel.use(kernel)
        if mode == "untyped":
            return jsv.loads
        decoder: Callable[[Any], Any] = getattr(jsv, "Decoder")(tp).decode  # noqa: B009
        return decoder
    if mode == "untyped":
        if library == "json":
            return json.loads
        module = optional(library)
        if module is None:
            raise ImportError(library)
        if library == "msgspec":
            return module.json.Decoder().decode  # type: ignore[no-any-return]
        return module.loads  # type: ignore[no-any-return]
    convert = from_dicts(tp)
    if library == "json + hand-written":
        return lambda b: convert(json.loads(b))
    if library == "orjson + hand-written":
        orjson_loads = optional("orjson").loads  # type: ignore[union-attr]
        return lambda b: convert(orjson_loads(b))
    if library == "msgspec":
        return optional("msgspec").json.Decoder(tp).decode  # type: ignore[union-attr,no-any-return]
    if library == "pydantic":
        return optional("pydantic").TypeAdapter(tp).validate_json  # type: ignore[union-attr,no-any-return]
    raise ValueError(f"unknown decoder {library!r}")


def _input_names(payload: str, mode: str, library: str) -> tuple[str, str]:
    fmt = "jsv" if library.startswith("jsv (") else "typed.json" if mode == "typed" else "json"
    return f"{payload}.{fmt}", f"seed.{fmt}"


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            found = re.search(rf"^{field}:\s+(\d+) kB", fh.read(), re.MULTILINE)
    except OSError:
        return None
    return None if found is None else int(found.group(1))


def _reset_rss_peak() -> bool:
    """Reset the kernel's RSS high-water mark (Linux); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        return False
    return _status_kib("VmHWM") is not None


def _maxrss() -> int:
    """ru_maxrss in bytes (KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def measure(cache: Path, payload: str, mode: str, library: str) -> dict[str, Any]:
    """Measure in this process (run it in a fresh one): see the module docstring."""
    from .payloads import TYPES

    tp = TYPES.get(payload) if mode == "typed" else None
    func = _decoder(mode, library, tp)
    name, seed_name = _input_names(payload, mode, library)
    data = (cache / name).read_bytes()
    warm = (cache / seed_name).read_bytes()
    if mode == "typed" and tp is not TYPES["seed"]:
        warm = b"[" + warm + b"]"
    func(warm)
    gc.collect()
    if _reset_rss_peak():
        method = "VmHWM"
        before = (_status_kib("VmRSS") or 0) * 1024
        out = func(data)
        after = (_status_kib("VmHWM") or 0) * 1024
    else:
        method = "ru_maxrss"
        before = _maxrss()
        out = func(data)
        after = _maxrss()
    del out
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    out = func(data)
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del out
    return {
        "tracemalloc_peak": peak - base,
        "tracemalloc_retained": current - base,
        "rss_growth": after - before,
        "rss_method": method,
    }


def measure_in_subprocess(cache: Path, case: Case, timeout: float = 600) -> dict[str, Any]:
    """Run :func:`measure` for ``case`` in a fresh interpreter; returns its numbers or error."""
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.memory",
        str(cache),
        case.payload,
        case.mode,
        case.library,
    ]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {proc.returncode}: {last}"}
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def main(argv: list[str]) -> int:
    cache, payload, mode, library = argv
    print(json.dumps(measure(Path(cache), payload, mode, library)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
