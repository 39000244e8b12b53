"""Chooses the kernel: the C accelerator when it is built, else the pure-Python one.

``JSV_PURE=1`` in the environment forces the pure-Python kernel. Callers go through this
module's attributes at call time (``_kernel.decode(...)``), so :func:`use` can switch the
implementation, which the test suite does to run every test on both.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from types import ModuleType
from typing import Any

from . import _pure

decode: Callable[[Any, bool], Any]
decode_raw_keys: Callable[[Any, bool, Callable[[str], str]], Any]
encode: Callable[..., str]
encode_bytes: Callable[..., bytes]
#: The module providing the active kernel.
active: ModuleType


def use(implementation: ModuleType) -> None:
    """Make ``implementation`` (``jsv._pure`` or ``jsv._speedups``) the active kernel."""
    global decode, decode_raw_keys, encode, encode_bytes, active
    decode = implementation.decode
    decode_raw_keys = implementation.decode_raw_keys
    encode = implementation.encode
    encode_bytes = implementation.encode_bytes
    active = implementation


def available() -> list[ModuleType]:
    """Every kernel that can run here: the pure one, then the C one if it is built."""
    kernels: list[ModuleType] = [_pure]
    try:
        from . import _speedups
    except ImportError:
        pass
    else:
        kernels.append(_speedups)
    return kernels


if os.environ.get("JSV_PURE", "") not in ("", "0"):
    use(_pure)
else:
    use(available()[-1])
