"""The C accelerator: the same functions, results and errors as :mod:`jsv._pure`."""

from collections.abc import Callable
from typing import Any

from jsv._naming import Rename

#: The kinds of compact plan nodes, by their name in jsv._typed (``C_ANY`` ...).
NODE_KINDS: dict[str, int]
#: How a field reads an empty value, by its name in jsv._layout (``EMPTY_NONE`` ...).
EMPTY_RULES: dict[str, int]
#: What a compact class node's ``miss(key)`` gives for the ``__type`` key.
HINT_KEY: int

def decode(data: Any, trim: bool) -> Any:
    """Decode ``data`` (str or UTF-8 bytes-like) into a tree."""

def decode_raw_keys(data: Any, trim: bool, map_key: Callable[[str], str]) -> Any:
    """Like :func:`decode`, passing the text of every map-valued key through ``map_key``."""

def encode(
    obj: Any,
    rename: Rename = "camel",
    indent: int | str | None = None,
    default: Callable[[Any], Any] | None = None,
    keep_none: bool = False,
    hints: Any = None,
) -> str:
    """Encode ``obj`` as JSV text; see :func:`jsv.dumps`."""

def encode_bytes(
    obj: Any,
    rename: Rename = "camel",
    indent: int | str | None = None,
    default: Callable[[Any], Any] | None = None,
    keep_none: bool = False,
    hints: Any = None,
) -> bytes:
    """Encode ``obj`` as JSV text in UTF-8 bytes; see :func:`jsv.dumpb`."""

def _set_simd(enabled: bool, /) -> bool:
    """Switch the SSE2 paths on or off (the tests run the scalar twins so); returns the
    previous setting."""

def decode_typed(
    data: Any, trim: bool, plan: list[Any], fallback: Callable[[Any, Any], Any]
) -> Any:
    """Decode ``data`` straight into the objects of a compact typed plan
    (:func:`jsv._typed.c_plan`). Where the text does not fit, ``fallback(data, invalid)``
    raises the error: ``invalid`` is the ``jsv._errors.Invalid`` found, None for malformed
    text."""
