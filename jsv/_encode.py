"""Pure-Python kernel, encoding: Python objects -> JSV text (spec §2, §4, §5, §7).

The encoder is iterative (an explicit stack of open containers), so deep data raises
:class:`EncodeError` at :data:`MAX_DEPTH` instead of ``RecursionError``. Every container
is written as tokens appended to one list: a ``,`` after each item, and the last ``,`` of
a container replaced by its closer, which gives ``[a,]`` for ``["a", None]`` for free.

Each kind of value written has its own function, named in its docstring with its spec
section: :func:`_dict_key` (a key), :func:`_open` (a map, a list, a dataclass's fields),
:func:`_other_value` and :func:`_scalar_token` (the other scalars), :func:`_indent_unit`
(pretty printing). :func:`_write`, the loop, writes str keys and the common scalars
itself (str, int, float, bool, str enums: §4's quoting is checked inline), for speed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import operator
import sys
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, Final

from ._classcache import class_cache
from ._errors import (
    MAX_DEPTH,
    MSG_CIRCULAR,
    MSG_ENCODE_TOO_DEEP,
    MSG_LONE_SURROGATE,
    MSG_SINGLE_NONE_LIST,
    MSG_UNSUPPORTED_KEY,
    MSG_UNSUPPORTED_TYPE,
    EncodeError,
    PathPart,
    render_path,
)
from ._naming import Rename, rename_function, wire_names
from ._poly import field_hints, wire_type_name
from ._scalars import (
    _NEEDS_QUOTES,
    ScalarError,
    bytes_text,
    date_text,
    datetime_text,
    decimal_text,
    duration_text,
    float_text,
    quote,
    time_text,
)

# Frame kinds: how the keys of a container's items are written.
_LIST: Final = 0  # items are (index, value)
_DICT: Final = 1  # items are (key, value); keys are written by `_key_token`
_FIELDS: Final = 2  # items are (written key, value) of a dataclass


class RawKey(str):
    """A key that is the JSV text of a map (``{X:1}``): written as it is, never quoted."""

    __slots__ = ()


_BASES: Final = (str, int, float, Decimal)
_EXACT: Final = frozenset((str, int, float, bool, Decimal))


def _plain(value: Any) -> Any:
    """An instance of a subclass of str, int, float or Decimal as its base type's value,
    read from the object's data (no method of the subclass runs: ``__repr__``, ``__str__``,
    ``__format__``, ``__float__``, ...); anything else (bool and enum members included) as
    it is."""
    t = type(value)
    if t in _EXACT or not issubclass(t, _BASES) or issubclass(t, enum.Enum):
        return value
    if issubclass(t, str):
        return str.__str__(value)
    if issubclass(t, int):
        return int.__int__(value)
    if issubclass(t, float):
        return float.__float__(value)
    if issubclass(t, Decimal):
        return Decimal(value)
    return value


def _scalar_token(value: Any) -> str | None:
    """The text of a scalar of spec §5 other than str/int/float/bool, or None if not one.

    What a value is is told by its type, ``type(value)``, never by its ``__class__``
    attribute (which an object can make say anything), and a subclass of str, int, float
    or Decimal is written by its base type's value (see :func:`_plain`)."""
    t = type(value)
    if issubclass(t, enum.Enum):
        return _scalar_token(value.value)
    value = _plain(value)
    t = type(value)
    if t is str:
        return quote(value)
    if t is int or t is float or t is bool:
        return _number(value)
    if issubclass(t, dt.datetime):
        return datetime_text(value)
    if issubclass(t, dt.date):
        return date_text(value)
    if issubclass(t, dt.time):
        return time_text(value)
    if issubclass(t, dt.timedelta):
        return duration_text(value)
    if t is Decimal:
        return decimal_text(value)
    if issubclass(t, uuid.UUID):
        return value.hex  # type: ignore[no-any-return]
    if issubclass(t, (bytes, bytearray, memoryview)):
        return quote(bytes_text(value))
    return None


# str key -> its written form and ':', shared by compact encodings (keys repeat across
# calls: the same DTO shapes are written again and again). Cleared when it fills up.
_COMPACT_KEYS: dict[str, str] = {}
_KEY_CACHE_SIZE: Final = 4096


def _is_str_enum(cls: Any) -> bool:
    """Whether all members of enum ``cls`` have str values (the main loop writes those)."""
    cache = class_cache(cls)
    found = None if cache is None else cache.get("str_enum")
    if found is None:
        found = all(type(member._value_) is str for member in cls)
        if cache is not None:
            cache["str_enum"] = found
    return found


def _number(value: int | float) -> str:
    """A bool, int or float (or a subclass of int or float, by its base type's value)."""
    if type(value) is bool:
        return "True" if value else "False"
    value = _plain(value)
    if type(value) is int:
        try:
            return int.__repr__(value)
        except ValueError as e:  # more digits than int -> str allows
            raise ScalarError(str(e)) from None
    return float_text(value)


def _key_token(key: Any) -> str | None:
    """How a dict key is written: quoted by §4 (a datetime key is quoted for its ':')."""
    t = type(key)
    if t is str:
        return quote(key)
    if issubclass(t, RawKey):
        return str.__str__(key)
    token = _scalar_token(key)
    if token is None:
        return None
    if issubclass(t, dt.datetime):
        return quote(token)
    return token


FieldReader = tuple[
    tuple[str, ...],
    Callable[[Any], tuple[Any, ...]],
    tuple[str, ...],
    tuple[Any, ...] | None,
    str,
    dict[str, Any] | None,
]


def _field_reader(cls: Any, rename: Callable[[str], str] | None, colon: str) -> FieldReader:
    """The written keys of the fields of dataclass ``cls``, each followed by ``colon``, a
    function returning an instance's field values as a tuple, and the fields' attribute
    names, all in the same order (the C encoder reads plain instances' ``__dict__`` by
    those names instead of calling the function); then where each field's value gets a
    ``__type`` hint (:func:`_poly.field_hints`: None when no field's does), the hint this
    class's instances start with when they get one (``__type``, ``colon`` and the class's
    wire name, without the ``,``), and the same field hints by written key (for the pure
    loop). Cached on the class."""
    cache = class_cache(cls)
    key = ("field reader", rename, colon)
    try:
        found: FieldReader | None = None if cache is None else cache.get(key)
    except TypeError:  # an unhashable rename callable: not cached
        cache = None
        found = None
    if found is None:
        found = _new_field_reader(cls, rename, colon)
        if cache is not None:
            cache[key] = found
    return found


def _new_field_reader(cls: Any, rename: Callable[[str], str] | None, colon: str) -> FieldReader:
    names = [f.name for f in dataclasses.fields(cls)]
    keys = tuple(quote(w) + colon for w in wire_names(cls, rename))
    interned = tuple(sys.intern(name) for name in names)
    hints = field_hints(cls)
    hint = "__type" + colon + quote(wire_type_name(cls))
    by_key = None if hints is None else dict(zip(keys, hints, strict=True))
    if len(names) == 1:
        name = interned[0]
        return keys, lambda obj: (getattr(obj, name),), interned, hints, hint, by_key
    reader = operator.attrgetter(*interned) if names else lambda obj: ()
    return keys, reader, interned, hints, hint, by_key


def _path(stack: list[tuple[Any, ...]], here: Any, kind: int) -> str:
    """The path of the item being written, from the keys kept on the stack."""
    parts: list[PathPart] = []
    frames = [(f[1], f[3]) for f in stack] + [(kind, here)]
    for frame_kind, key in frames:
        if key is None:
            continue
        if frame_kind == _LIST:
            parts.append(key)
            continue
        if frame_kind == _FIELDS:  # the written key and its colon
            key = key.rpartition(":")[0]
        key = _plain(key)
        # a key is named as a field where it reads as one as it is, else in brackets
        named = isinstance(key, str) and key.isidentifier()
        parts.append(("field" if named else "key", str(key)))
    return render_path(parts)


def _resolve(
    value: Any, default: Callable[[Any], Any] | None, where: Callable[[], str]
) -> tuple[str | None, Any]:
    """Turn a value of no common type into (token, None) or (None, container to open)."""
    for _ in range(MAX_DEPTH):
        if value is None:
            return "", None
        try:
            token = _scalar_token(value)
        except ScalarError as e:
            raise EncodeError(f"{e} (at {where()})") from None
        if token is not None:
            return token, None
        if _is_container(value):
            return None, value
        if default is None:
            break
        value = default(value)
    raise EncodeError(MSG_UNSUPPORTED_TYPE.format(type=type(value).__name__, path=where()))


def _is_dataclass_instance(value: Any) -> bool:
    """``dataclasses.is_dataclass(value)`` for an instance, told by ``type(value)`` alone."""
    t = type(value)
    return hasattr(t, "__dataclass_fields__") and not issubclass(t, type)


def _is_container(value: Any) -> bool:
    return issubclass(type(value), (dict, list, tuple, set, frozenset)) or (
        _is_dataclass_instance(value)
    )


def _indent_unit(indent: int | str | None) -> str | None:
    """§7: the text of one level of indentation of pretty printing (None: compact)."""
    if indent is None:
        return None
    if isinstance(indent, bool) or not isinstance(indent, (int, str)):
        raise TypeError(f"indent must be None, an int or a str, not {type(indent).__name__}")
    return " " * max(indent, 0) if isinstance(indent, int) else indent


def _dict_key(
    here: Any,
    stack: list[Any],
    kind: int,
    key_cache: dict[str, str],
    colon: str,
    rename: Rename,
    default: Callable[[Any], Any] | None,
) -> str:
    """§4, §5: how the key ``here`` of a dict entry is written, followed by ``colon``: a str
    quoted if needed (remembered in ``key_cache``), a RawKey as it is, another scalar by its
    written form (a datetime quoted for its ':'), a dataclass as its map (§1: a map as key);
    anything else is an EncodeError."""
    if type(here) is str:
        if len(key_cache) >= _KEY_CACHE_SIZE:
            key_cache.clear()
        token = key_cache[here] = quote(here) + colon
        return token
    try:
        written = _key_token(here)
    except ScalarError as e:
        raise EncodeError(f"{e} (at {_path(stack, None, kind)})") from None
    if written is None and _is_dataclass_instance(here):
        written = encode(here, rename, None, default)  # a map as the key
    if written is None:
        path = _path(stack, None, kind)
        raise EncodeError(MSG_UNSUPPORTED_KEY.format(type=type(here).__name__, path=path))
    return written + colon


def _spec_of(specs: Any, kind: int, here: Any) -> Any:
    """What is declared (§23) for the item ``here`` of a container whose items' hint specs
    are ``specs`` (not None): by written key for fields, by position for a tuple whose items
    are declared apart, else the same for every item."""
    spec = specs[here] if kind == _FIELDS else specs
    if type(spec) is list:
        at = here if kind == _LIST and here is not None else len(spec)
        spec = spec[at] if at < len(spec) else None
    return spec


def _sorted_set(value: Any, rename: Rename, default: Any) -> list[Any]:
    """§1 list: the items of a set or frozenset, sorted by their written forms (as they
    are if one has none: then the caller reports it at its own path)."""
    try:
        return sorted(value, key=lambda item: encode(item, rename, None, default))
    except EncodeError:
        return list(value)


# What the functions below need of one call of encode(): (rename, the rename function,
# default, the colon written after a key, the indent unit or None, the ids of the open
# containers).
_Context = tuple[Rename, Callable[[str], str] | None, Any, str, str | None, set[int]]
_Items = Iterator[tuple[Any, Any]]


def _open(
    out: list[str], value: Any, spec: Any, depth: int, ctx: _Context, where: Callable[[], str]
) -> tuple[int, _Items, Any, Any]:
    """Open the container ``value``, declared as ``spec`` (§23), at nesting ``depth``:
    write its opener (and its ``__type`` hint, §23), and return the kind of its frame, its
    items as (key, value) pairs, what is declared for them, and the container written.
    §1 map: a dict's entries; §1 list: a list's, tuple's or set's items (§2: a single None
    has no JSV form); §6: a dataclass's fields as a map, in definition order. §8: too deep,
    or circular, is an EncodeError."""
    open_ids = ctx[5]
    if depth >= MAX_DEPTH:
        raise EncodeError(MSG_ENCODE_TOO_DEEP.format(path=where()))
    if id(value) in open_ids:
        raise EncodeError(MSG_CIRCULAR.format(path=where()))
    t = type(value)
    specs = None if spec is None or type(spec) is not tuple else spec[0]
    if t is dict or (t is not list and issubclass(t, dict)):
        out.append("{")
        kind, items = _DICT, iter(value.items())
    elif t is list or issubclass(t, (list, tuple, set, frozenset)):
        if t is not list and issubclass(t, (set, frozenset)):
            value = _sorted_set(value, ctx[0], ctx[2])
        if len(value) == 1 and value[0] is None:
            raise EncodeError(MSG_SINGLE_NONE_LIST.format(path=where()))
        out.append("[")
        kind, items = _LIST, enumerate(value)
    else:
        # the real type's fields, whatever value.__class__ says
        keys, values_of, _, _, hint, specs = _field_reader(t, ctx[1], ctx[3])
        out.append("{")
        kind, items = _FIELDS, zip(keys, values_of(value), strict=True)
        if spec is True or not (spec is None or spec is t or type(spec) is tuple):
            # a hint here (see _poly.needs_hint)
            unit = ctx[4]
            if unit is not None:
                out.append("\n" + unit * (depth + 1))
            out.append(hint)
            out.append(",")
    open_ids.add(id(value))
    return kind, items, specs, value


def _other_value(
    out: list[str],
    value: Any,
    default: Any,
    where: Callable[[], str],
    kind: int,
    stack: list[Any],
    container: Any,
    keep_none: bool,
    newline: str,
) -> Any:
    """§5: write a value of no common type by its scalar form (after ``default`` if it has
    none) and the ',' after it, and return None; or return the container it is or that
    ``default`` gave, to be opened. §2: when ``default`` gives None for a map value, the
    entry is left out: its key (and the ``newline`` before it) are taken back, and None is
    returned."""
    token, value = _resolve(value, default, where)
    if value is not None:
        return value
    if not token and kind != _LIST and not keep_none:
        del out[-2 if newline else -1 :]
        return None
    if not token and kind == _LIST and stack and len(container) == 1:
        # `default` gave the only item None: no JSV form (§2).
        where_list = _path(stack[:-1], stack[-1][3], stack[-1][1])
        raise EncodeError(MSG_SINGLE_NONE_LIST.format(path=where_list))
    out.append(token)  # type: ignore[arg-type]
    out.append(",")
    return None


def encode(
    obj: Any,
    rename: Rename = "camel",
    indent: int | str | None = None,
    default: Callable[[Any], Any] | None = None,
    keep_none: bool = False,
    hints: Any = None,
) -> str:
    """Encode ``obj`` as JSV text; see :func:`jsv.dumps`.

    ``keep_none`` writes ``key:`` for a ``None`` map value instead of omitting the entry
    (:func:`jsv.reformat` uses it to keep empty values). ``hints`` is what is declared
    where ``obj`` is written (a :func:`_poly.hint_spec`; :func:`jsv.query_params` gives a
    field's): None for nothing, as for :func:`jsv.dumps`.
    """
    rename_fn = rename_function(rename)
    unit = _indent_unit(indent)
    colon = ": " if unit is not None else ":"
    ctx: _Context = (rename, rename_fn, default, colon, unit, set())
    out = _write(obj, hints, keep_none, _COMPACT_KEYS if unit is None else {}, ctx)
    if out and out[-1] == ",":
        out.pop()
    return "".join(out)


def _write(
    obj: Any, hints: Any, keep_none: bool, key_cache: dict[str, str], ctx: _Context
) -> list[str]:
    """The tokens of ``obj``: one loop over an explicit stack of the open containers (no
    recursion), each followed by ','. Keys and the common scalars are written here (§4 str
    keys and values, quoted if needed; §5 numbers, str enums), the rest by the functions
    above. §7: with an indent unit, each item on its own line; a closer on its own line."""
    rename, _, default, colon, unit, open_ids = ctx
    needs = _NEEDS_QUOTES
    out: list[str] = []
    w = out.append
    # The open containers: (items iterator, kind, container, its key in its parent, specs),
    # where `specs` is what is declared for the items (§23): for _FIELDS, None or a dict
    # from the written key to the field's hint spec; else every item's hint spec or None.
    stack: list[tuple[_Items, int, Any, Any, Any]] = []
    items: _Items = iter(((None, obj),))
    kind, container, here, specs = _LIST, None, None, hints  # `here`: the key being written
    newline = ""  # written before each item when pretty-printing: "\n" and the indent

    def where() -> str:
        return _path(stack, here, kind)

    while True:
        for here, value in items:
            if kind != _LIST:
                if value is None and not keep_none:
                    continue
                if kind == _FIELDS:
                    token = here  # the written key and the colon
                else:
                    token = key_cache.get(here, "") if type(here) is str else ""
                    if not token:
                        token = _dict_key(here, stack, kind, key_cache, colon, rename, default)
                if newline:
                    w(newline)
                w(token if value is not None else token.rstrip())
            elif newline:
                w(newline if value is not None else "\n")
            t = type(value)
            if t is str:  # §4
                w(value if value.isalnum() or (value and needs(value) is None) else quote(value))
            elif t is int:
                try:
                    w(int.__repr__(value))
                except ValueError as e:  # more digits than int -> str allows
                    raise EncodeError(f"{e} (at {where()})") from None
            elif t is float or t is bool:
                w(float_text(value) if t is float else "True" if value else "False")
            else:
                if t is dict or t is list or hasattr(t, "__dataclass_fields__"):
                    pass  # a container: opened below
                elif (
                    issubclass(t, enum.Enum) and _is_str_enum(t) and type(v := value._value_) is str
                ):
                    # the common ServiceStack enum: its value, as a string (a member whose
                    # value was changed to something else is written by _resolve())
                    w(v if v.isalnum() or (v and needs(v) is None) else quote(v))
                    w(",")
                    continue
                else:
                    args = (kind, stack, container, keep_none, newline)
                    value = _other_value(out, value, default, where, *args)
                    if value is None:  # written, or left out
                        continue
                spec = None if specs is None else _spec_of(specs, kind, here)
                new_kind, new_items, new_specs, value = _open(
                    out, value, spec, len(stack), ctx, where
                )
                stack.append((items, kind, container, here, specs))
                items, kind, container, here, specs = new_items, new_kind, value, None, new_specs
                if unit is not None:
                    newline = "\n" + unit * len(stack)
                break
            w(",")
        else:
            # `items` is exhausted: close `container`.
            if not stack:
                return out
            closer = "]" if kind == _LIST else "}"
            if out[-1] == ",":
                out[-1] = closer if unit is None else "\n" + unit * (len(stack) - 1) + closer
            else:
                w(closer)  # an empty container
            open_ids.discard(id(container))
            items, kind, container, here, specs = stack.pop()
            if unit is not None:
                newline = "\n" + unit * len(stack) if stack else ""
            w(",")


def encode_bytes(
    obj: Any,
    rename: Rename = "camel",
    indent: int | str | None = None,
    default: Callable[[Any], Any] | None = None,
    keep_none: bool = False,
    hints: Any = None,
) -> bytes:
    """:func:`encode` as UTF-8 bytes: ``encode(...).encode("utf-8")``, where a lone
    surrogate (a str can hold one, UTF-8 cannot) is an :class:`EncodeError` naming the
    first one."""
    text = encode(obj, rename, indent, default, keep_none, hints)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as e:
        char = f"U+{ord(text[e.start]):04X}"
        raise EncodeError(MSG_LONE_SURROGATE.format(char=char)) from None
