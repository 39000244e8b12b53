"""jsv: ServiceStack's JSV text format for Python.

>>> import jsv
>>> jsv.loads("{id:1,name:\\"Me, Junior\\",ended:False}")
{'id': '1', 'name': 'Me, Junior', 'ended': 'False'}
>>> jsv.dumps({"id": 1, "name": "Me, Junior", "ended": False})
'{id:1,name:"Me, Junior",ended:False}'
"""

from __future__ import annotations

from . import _kernel
from ._api import dump, dumpb, dumps, load, loads, reformat
from ._errors import MAX_DEPTH, DecodeError, EncodeError, JSVError, ValidationError
from ._typed import Decoder, Encoder
from ._version import __version__

#: True when the C accelerator is the active implementation.
speedups: bool = _kernel.active.__name__ == "jsv._speedups"

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
    "reformat",
    "speedups",
]
