"""The benchmark harness runs end to end (smallest mode; no timing is checked)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from jsv import _kernel

ROOT = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def _once(kernel: ModuleType) -> None:
    """The harness measures every kernel in one run: running it once per kernel is enough."""
    if kernel is not _kernel.available()[0]:
        pytest.skip("the benchmark harness covers every kernel in one run")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_smoke_run_passes_the_gate_and_reports_every_row(tmp_path: Path) -> None:
    chart = tmp_path / "chart.png"
    proc = _run("--smoke", "--json", "--quiet", "--cache", str(tmp_path), "--chart", str(chart))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    doc = json.loads(proc.stdout)
    rows = doc["results"]
    assert {r["payload"] for r in rows} == {
        "seed",
        "sessions",
        "strings",
        "nested",
        "records",
        "prose",
    }
    failed = [(r["library"], r["status"]) for r in rows if r["status"].startswith("failed")]
    assert failed == []
    libraries = {r["library"] for r in rows}
    assert {"json", "jsv (py)", "json + hand-written", "json + asdict"} <= libraries
    for row in rows:
        if row["status"] == "ok":
            assert row["median_us"] > 0 and row["vs_json"] is not None
    assert doc["memory"] and all("error" not in m for m in doc["memory"])
    assert (tmp_path / "sessions.jsv").read_bytes().startswith(b"[{id:")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert not chart.exists()
    else:
        assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_tables_and_versions() -> None:
    proc = _run("--smoke", "--quiet", "--no-memory", "--payload", "seed")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "| untyped decode | jsv (py) |" in proc.stdout
    assert "| typed decode | json + hand-written |" in proc.stdout
    versions = _run("--versions")
    assert versions.returncode == 0 and "python: " in versions.stdout
