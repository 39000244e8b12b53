"""Runs every test once on each available kernel (pure Python, and C when it is built)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from jsv import _kernel

DATA = Path(__file__).parent / "data"


def _kernel_id(kernel: ModuleType) -> str:
    return "c" if kernel.__name__.endswith("_speedups") else "py"


@pytest.fixture(scope="session", autouse=True, params=_kernel.available(), ids=_kernel_id)
def kernel(request: pytest.FixtureRequest) -> Iterator[ModuleType]:
    """The kernel every test of this run uses; tests may ask for it by name."""
    previous = _kernel.active
    _kernel.use(request.param)
    yield request.param
    _kernel.use(previous)
