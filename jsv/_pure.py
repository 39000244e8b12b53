"""The pure-Python kernel as one module, the reference for the C accelerator's interface.

``decode(data, trim)``, ``decode_raw_keys(data, trim, map_key)``,
``encode(obj, rename, indent, default, keep_none)`` and ``encode_bytes`` (the same
arguments; UTF-8 bytes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._decode import parse, text_of
from ._encode import encode as encode
from ._encode import encode_bytes as encode_bytes

__all__ = ["decode", "decode_raw_keys", "encode", "encode_bytes"]


def decode(data: Any, trim: bool) -> Any:
    """Decode ``data`` (str or UTF-8 bytes-like) into a tree."""
    return parse(text_of(data), trim)


def decode_raw_keys(data: Any, trim: bool, map_key: Callable[[str], str]) -> Any:
    """Like :func:`decode`, passing the text of every map-valued key through ``map_key``."""
    return parse(text_of(data), trim, map_key)
