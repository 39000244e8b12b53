"""``python -m jsv.examples``, run for real in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
from types import ModuleType

import pytest

import jsv
from jsv.examples import seed_sample
from jsv.examples.evovoice import SessionInfo


def _child_env(kernel: ModuleType, **extra: str) -> dict[str, str]:
    """The environment for a child that uses the kernel under test."""
    env = dict(os.environ)
    env.pop("JSV_PURE", None)
    env.pop("PYTHONUNBUFFERED", None)
    if kernel.__name__ == "jsv._pure":
        env["JSV_PURE"] = "1"
    env.update(extra)
    return env


def test_prints_the_sample_decoded_and_re_encoded(kernel: ModuleType) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jsv.examples"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_child_env(kernel),
    )
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert lines[0] == "The Evo Voice SessionInfo sample, as ServiceStack's API page shows it:"
    assert seed_sample() in done.stdout
    session = jsv.loads(seed_sample(), type=SessionInfo, trim=True)
    assert lines[-3] == jsv.dumps(session)
    on = "off" if kernel.__name__ == "jsv._pure" else "on"
    assert lines[-1] == f"(jsv {jsv.__version__}, C accelerator: {on})"


@pytest.mark.parametrize("buffering", ["buffered", "unbuffered"])
def test_closed_output_pipe_is_quiet(kernel: ModuleType, buffering: str) -> None:
    """``python -m jsv.examples | head``: the reader has gone before the output is written.

    Unbuffered, the first ``print`` meets the closed pipe; buffered, the final flush does.
    Either way the program stops quietly with status 1, as the ``jsv`` command does.
    """
    extra = {"PYTHONUNBUFFERED": "1"} if buffering == "unbuffered" else {}
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader left early
    try:
        done = subprocess.run(
            [sys.executable, "-m", "jsv.examples"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=_child_env(kernel, **extra),
        )
    finally:
        os.close(write_end)
    assert (done.returncode, done.stderr) == (1, b"")
