"""The public functions: loads, load, dumps, dumpb, dump, reformat."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any, TypeVar, cast, overload

from . import _kernel
from ._encode import RawKey
from ._naming import Rename
from ._typed import Decoder

Data = str | bytes | bytearray | memoryview
T = TypeVar("T")


# A type checker infers the result from ``type``: ``loads(text, type=SessionInfo)`` is a
# SessionInfo, ``loads(text)`` the untyped tree (Any), as for Decoder.
@overload
def loads(
    data: Data, /, type: None = ..., *, trim: bool = ..., forbid_unknown_fields: bool = ...
) -> Any: ...


@overload
def loads(
    data: Data, /, type: type[T], *, trim: bool = ..., forbid_unknown_fields: bool = ...
) -> T: ...


@overload
def loads(
    data: Data, /, type: Any, *, trim: bool = ..., forbid_unknown_fields: bool = ...
) -> Any: ...


def loads(
    data: Data,
    /,
    type: Any = None,
    *,
    trim: bool = False,
    forbid_unknown_fields: bool = False,
) -> Any:
    """Decode a JSV document.

    Without ``type`` the result is a tree of ``dict``, ``list``, ``str`` and ``None``: JSV
    has no other literals (spec §1-§3). With ``type`` (a dataclass, ``list[int]``, ...)
    the text is mapped onto that type (see :class:`jsv.Decoder`).

    Args:
        data: the document, as ``str`` or UTF-8 ``bytes``/``bytearray``/``memoryview``
            (a leading byte-order mark is skipped).
        type: the Python type to decode into; ``None`` for the untyped tree.
        trim: read human-formatted text: whitespace around keys and bare values is
            formatting, not data.
        forbid_unknown_fields: with ``type``, a key that matches no field is an error.

    Raises:
        DecodeError: malformed input, with the position (``.pos``, ``.lineno``, ``.colno``).
        ValidationError: well-formed input that does not fit ``type``, with ``.path``.

    Example:
        >>> import jsv
        >>> jsv.loads('{id:1,name:"Me, Junior",tags:[a,,b]}')
        {'id': '1', 'name': 'Me, Junior', 'tags': ['a', None, 'b']}
    """
    if type is None:
        return _kernel.decode(data, trim)
    return Decoder(type, trim=trim, forbid_unknown_fields=forbid_unknown_fields).decode(data)


@overload
def load(
    fp: IO[str] | IO[bytes],
    /,
    type: None = ...,
    *,
    trim: bool = ...,
    forbid_unknown_fields: bool = ...,
) -> Any: ...


@overload
def load(
    fp: IO[str] | IO[bytes],
    /,
    type: type[T],
    *,
    trim: bool = ...,
    forbid_unknown_fields: bool = ...,
) -> T: ...


@overload
def load(
    fp: IO[str] | IO[bytes],
    /,
    type: Any,
    *,
    trim: bool = ...,
    forbid_unknown_fields: bool = ...,
) -> Any: ...


def load(
    fp: IO[str] | IO[bytes],
    /,
    type: Any = None,
    *,
    trim: bool = False,
    forbid_unknown_fields: bool = False,
) -> Any:
    """Decode the JSV document read from a text or binary file object; see :func:`loads`.

    Example:
        >>> import io, jsv
        >>> jsv.load(io.BytesIO(b"[a,b]"))
        ['a', 'b']
    """
    return loads(fp.read(), type, trim=trim, forbid_unknown_fields=forbid_unknown_fields)


def dumps(
    obj: Any,
    /,
    *,
    rename: Rename = "camel",
    indent: int | str | None = None,
    default: Callable[[Any], Any] | None = None,
) -> str:
    """Encode ``obj`` as JSV text.

    Writes ``dict``, ``list``, ``tuple``, ``set``/``frozenset`` (sorted by their text),
    ``str`` (quoted only when needed, spec §4), ``bool``, ``int``, ``float``, ``Decimal``,
    ``datetime``/``date``/``time``/``timedelta``, ``UUID``, ``bytes`` (base64), enums (by
    value) and dataclasses (as maps of their fields). ``None`` map values are omitted,
    ``None`` list items are empty slots (spec §2).

    Args:
        rename: how dataclass field names are written: ``"camel"`` (default),
            ``"pascal"``, ``"snake"``, ``None`` (as in Python) or a callable.
        indent: pretty-print with this many spaces (or this string) per level; the
            output reads back with ``loads(..., trim=True)``.
        default: called with any object of no supported type; returns a replacement.

    Raises:
        EncodeError: an unsupported object (naming its type and path), a circular
            reference, nesting deeper than the limit, or a list whose only item is None.

    Example:
        >>> import jsv
        >>> jsv.dumps({"id": 1, "name": "Me, Junior", "ended": False, "tags": ["a", None]})
        '{id:1,name:"Me, Junior",ended:False,tags:[a,]}'
    """
    return _kernel.encode(obj, rename, indent, default, False)


def dumpb(
    obj: Any,
    /,
    *,
    rename: Rename = "camel",
    indent: int | str | None = None,
    default: Callable[[Any], Any] | None = None,
) -> bytes:
    """Encode ``obj`` as JSV text in UTF-8 bytes: ``dumps(obj, ...).encode()``, written
    straight as bytes, for sockets, HTTP bodies and files opened in binary mode.

    The arguments are those of :func:`dumps`. A ``str`` can hold a lone surrogate
    (``"\\ud800"``), which UTF-8 cannot: like ``str.encode()``, ``dumpb`` refuses it, with an
    :class:`EncodeError` naming the first one (``dumps`` writes it in the ``str``).

    Example:
        >>> import jsv
        >>> jsv.dumpb({"city": "Zürich", "tags": ["a", None]})
        b'{city:Z\\xc3\\xbcrich,tags:[a,]}'
    """
    return _kernel.encode_bytes(obj, rename, indent, default, False)


def _is_binary(fp: Any) -> bool:
    """Whether the file object ``fp`` takes bytes (opened in binary mode) rather than str."""
    if isinstance(fp, io.TextIOBase):
        return False
    if isinstance(fp, (io.RawIOBase, io.BufferedIOBase)):
        return True
    return "b" in str(getattr(fp, "mode", ""))


def dump(
    obj: Any,
    fp: IO[str] | IO[bytes],
    /,
    *,
    rename: Rename = "camel",
    indent: int | str | None = None,
    default: Callable[[Any], Any] | None = None,
) -> None:
    """Encode ``obj`` (see :func:`dumps`) and write it to the file ``fp``: as text to a
    text file, as UTF-8 bytes (see :func:`dumpb`) to a file opened in binary mode.

    Example:
        >>> import io, jsv
        >>> out = io.StringIO(); jsv.dump([1, 2], out); out.getvalue()
        '[1,2]'
        >>> out = io.BytesIO(); jsv.dump(["é"], out); out.getvalue()
        b'[\\xc3\\xa9]'
    """
    if _is_binary(fp):
        cast("IO[bytes]", fp).write(dumpb(obj, rename=rename, indent=indent, default=default))
    else:
        cast("IO[str]", fp).write(dumps(obj, rename=rename, indent=indent, default=default))


def reformat(text: Data, /, *, indent: int | str | None = 2, trim: bool = True) -> str:
    """Re-indent JSV text without changing any key, value or empty value (spec §7).

    ``trim`` says how ``text`` is read (``True``: edge whitespace of bare tokens is
    formatting); a bare value whose edge whitespace is data is quoted so that it survives.
    ``indent=None`` writes compact JSV. Duplicate keys keep the last, as decoding does.

    Example:
        >>> import jsv
        >>> print(jsv.reformat("{ a: 1, b: [ x, y ], c: }"))
        {
          a: 1,
          b: [
            x,
            y
          ],
          c:
        }
    """
    tree = _kernel.decode_raw_keys(text, trim, RawKey)
    return _kernel.encode(tree, None, indent, None, True)
