"""jsv: ServiceStack's JSV text format for Python.

>>> import jsv
>>> jsv.loads("{id:1,name:\\"Me, Junior\\",ended:False}")
{'id': '1', 'name': 'Me, Junior', 'ended': 'False'}
>>> jsv.dumps({"id": 1, "name": "Me, Junior", "ended": False})
'{id:1,name:"Me, Junior",ended:False}'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _kernel
from ._api import dump, dumpb, dumps, load, loads, reformat
from ._errors import MAX_DEPTH, DecodeError, EncodeError, JSVError, ValidationError
from ._query import parse_query, query_params, query_string
from ._typed import Decoder, Encoder
from ._version import __version__

if TYPE_CHECKING:
    #: True when the C accelerator is the active implementation.
    speedups: bool
else:

    def __getattr__(name: str) -> Any:
        # jsv.speedups is read from the active kernel each time, so that it stays true
        # after the kernel is switched (JSV_PURE=1 at import, or jsv._kernel.use()).
        if name == "speedups":
            return _kernel.active.__name__ == "jsv._speedups"
        raise AttributeError(f"module 'jsv' has no attribute {name!r}")


__all__ = [
    "MAX_DEPTH",
    "DecodeError",
    "Decoder",
    "EncodeError",
    "Encoder",
    "JSVError",
    "ValidationError",
    "__version__",
    "dump",
    "dumpb",
    "dumps",
    "load",
    "loads",
    "parse_query",
    "query_params",
    "query_string",
    "reformat",
    "speedups",
]
