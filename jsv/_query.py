"""Query strings and form fields: request DTOs as a ServiceStack server binds them.

A ServiceStack server reads each parameter of a query string or form body into the request
DTO's property of that name: a ``string`` property gets the text as it is, every other
property is read with the JSV reader (brackets optional for lists). :func:`query_params`
and :func:`query_string` write what the server binds to the very same values;
:func:`parse_query` reads parameters the way the server does. The contract is
wire-extras.md §1-§18 (docs/wire.md for users).

Reading reuses the typed decoder's dataclass converter: each parameter's value is turned
into what the untyped reader gives for its JSV text (or the raw text, for a ``str`` field),
and the converter builds the instance, so defaults, empty values, unknown names and error
paths follow exactly the rules of :func:`jsv.loads`.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import urllib.parse
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, overload

from . import _kernel, _source
from ._errors import (
    MSG_EXTRA_DATA,
    MSG_QUERY_INPUT,
    MSG_QUERY_NAME,
    MSG_QUERY_OBJECT,
    MSG_QUERY_SURROGATE,
    MSG_QUERY_TYPE,
    MSG_QUERY_VALUE,
    MSG_TOO_DEEP,
    DecodeError,
    EncodeError,
    PathPart,
    ValidationError,
    render_path,
)
from ._errors import Invalid as _Invalid
from ._locate import locate
from ._naming import Rename, normalized_key, rename_function, wire_names
from ._plan import (
    ClassNode,
    LiteralNode,
    Node,
    OptionalNode,
    ScalarNode,
    SequenceNode,
    TupleNode,
    plan,
)
from ._poly import field_hints
from ._typed import compile_plan

T = TypeVar("T")

#: What :func:`parse_query` reads: a query string or form body, or already-decoded values.
Query = str | Mapping[str, str | Sequence[str]]

_LISTS = (list, tuple, set, frozenset)


# ---- writing ------------------------------------------------------------------------------


def query_params(obj: Any, /, *, rename: Rename = "camel") -> list[tuple[str, str]]:
    """The request parameters of ``obj``, unescaped: ready for ``params=`` or ``data=``.

    ``obj`` is a dataclass instance (one parameter per field, in definition order, named as
    :func:`jsv.dumps` names it with the same ``rename``) or a mapping with ``str`` keys
    (used as they are). A ``None`` value is left out; a ``str`` is written as it is; a
    list, tuple or set is its JSV list text without the outer brackets (``1,2,3``,
    ``"a,b",c``; kept for ``[]`` and for a list of lists); anything else is its compact
    JSV text (``True``, ``1E+15``, ``{name:x}``).

    Raises:
        EncodeError: ``obj`` is neither a dataclass instance nor a mapping with ``str``
            keys, or a value has no JSV form (the path starts at the parameter).
        ValueError: an unknown ``rename`` policy.

    Example:
        >>> import dataclasses, jsv
        >>> @dataclasses.dataclass
        ... class FindMembers:
        ...     display_name: str
        ...     ids: list[int]
        ...     muted: bool | None = None
        >>> jsv.query_params(FindMembers("Me, Junior", [1, 2, 3]))
        [('displayName', 'Me, Junior'), ('ids', '1,2,3')]
    """
    rename_function(rename)  # a bad policy is an error even when nothing is renamed
    return [
        (name, _value_text(name, value, rename, spec))
        for name, value, spec in _entries(obj, rename)
        if value is not None
    ]


def query_string(obj: Any, /, *, rename: Rename = "camel") -> str:
    """The query string (or form body) of ``obj``: :func:`query_params`, percent-encoded.

    Each pair is written ``name=value`` and the pairs are joined with ``&``, with no
    leading ``?``. Every UTF-8 byte other than ``A-Z a-z 0-9 - . _ ~`` is escaped as
    ``%XX`` (upper-case hex), exactly as .NET's ``Uri.EscapeDataString``; a space is
    ``%20``, never ``+``.

    Raises:
        EncodeError: as :func:`query_params`, and for text holding a lone surrogate,
            which has no UTF-8 form.

    Example:
        >>> import dataclasses, jsv
        >>> @dataclasses.dataclass
        ... class FindMembers:
        ...     display_name: str
        ...     ids: list[int]
        >>> jsv.query_string(FindMembers("Me, Junior", [1, 2, 3]))
        'displayName=Me%2C%20Junior&ids=1%2C2%2C3'
    """
    return "&".join(
        _escape(name, name) + "=" + _escape(value, name)
        for name, value in query_params(obj, rename=rename)
    )


def _entries(obj: Any, rename: Rename) -> list[tuple[str, Any, Any]]:
    """The (name, value, hint spec) of each entry of a dataclass instance or a mapping, in
    order: a field's value is written as declared (its ``__type`` hint, §23), a mapping's
    values as undeclared."""
    cls = type(obj)  # what obj is, whatever its __class__ attribute says (as the encoder)
    if hasattr(cls, "__dataclass_fields__") and not issubclass(cls, type):
        names = wire_names(cls, rename)
        values = [getattr(obj, f.name) for f in dataclasses.fields(cls)]
        specs = field_hints(cls) or (None,) * len(values)
        return list(zip(names, values, specs, strict=True))
    if isinstance(obj, Mapping):
        entries = list(obj.items())
        for key, _ in entries:
            if not isinstance(key, str):
                raise EncodeError(MSG_QUERY_NAME.format(type=type(key).__name__))
        return [(str.__str__(key), value, None) for key, value in entries]
    raise EncodeError(MSG_QUERY_OBJECT.format(type=cls.__name__))


def _value_text(name: str, value: Any, rename: Rename, spec: Any) -> str:
    """The unescaped text of one parameter's (non-None) value, declared as ``spec``."""
    cls = type(value)
    if issubclass(cls, str) and not issubclass(cls, enum.Enum):
        return str.__str__(value)  # the server gives a string property the text as it is
    text = _jsv_text(name, value, rename, spec)
    # A list goes without its brackets, as the .NET client sends it; they stay where the
    # reader needs them: "[]" (no brackets would be an empty value) and a first item that
    # is itself a list ("[[1],[2]]" without them would read as the list "[1],[2]"... and
    # "[[1]]" as [1]).
    if issubclass(cls, _LISTS) and text != "[]" and not text.startswith("[["):
        return text[1:-1]
    return text


def _jsv_text(name: str, value: Any, rename: Rename, spec: Any) -> str:
    """The compact JSV text of ``value``, declared as ``spec``; an EncodeError names the
    path from the parameter."""
    try:
        return _kernel.encode(value, rename, None, None, False, spec)
    except EncodeError as e:
        error = e
    # Encoding the value again under its name gives the same error with the path that
    # starts at the parameter ($.ids[1] rather than $[1]).
    try:
        _kernel.encode({name: value}, rename, None, None, False, None if spec is None else (spec,))
    except EncodeError as e:
        error = e
    raise error.with_traceback(None) from None


def _escape(text: str, name: str) -> str:
    """``Uri.EscapeDataString``: the UTF-8 bytes of ``text``, unreserved ones kept."""
    try:
        return urllib.parse.quote(text, safe="")
    except UnicodeEncodeError as e:
        code = ord(text[e.start])
        raise EncodeError(MSG_QUERY_SURROGATE.format(code=code, path=_where(name))) from None


def _where(name: str) -> str:
    """The path of a parameter as the encoder writes paths: ``$.name`` or ``$["a b"]``."""
    if name.isidentifier():
        return "$." + name
    return "$[" + json.dumps(name, ensure_ascii=False) + "]"


# ---- reading ------------------------------------------------------------------------------


@overload
def parse_query(query: Query, /, type: type[T], *, forbid_unknown_fields: bool = ...) -> T: ...


@overload
def parse_query(query: Query, /, type: Any, *, forbid_unknown_fields: bool = ...) -> Any: ...


def parse_query(query: Query, /, type: Any, *, forbid_unknown_fields: bool = False) -> Any:
    """Read request parameters into an instance of the dataclass ``type``, as ServiceStack
    binds a query string or form body to a request DTO.

    ``query`` is a query string or an ``application/x-www-form-urlencoded`` body (a leading
    ``?`` is dropped; ``+`` and ``%XX`` are decoded, as ``urllib.parse.parse_qsl`` does), or a
    mapping of names to values already decoded (a sequence of values for a parameter given
    several times). A parameter reaches the field its name matches as a JSV key would
    (``firstName``, ``FIRSTNAME``, ``first_name``); the values of every parameter reaching
    one field are joined with ``,``. Then:

    - a ``str`` (or ``Optional[str]``) field takes the text as it is;
    - a ``bool`` field reads only the text before the first ``,`` (``true,false`` is a
      ticked checkbox of an HTML form: ``True``);
    - a list, tuple or set field reads ``1,2,3`` as ``[1,2,3]`` (brackets are optional);
    - every other field reads its text as a JSV value of its type;
    - an empty value takes the field's empty-value rule: ``None`` for ``Optional``, ``""``
      for ``str``, else the field's default, else an error.

    Unknown parameters are ignored unless ``forbid_unknown_fields``.

    Raises:
        ValidationError: a value that does not fit its field, or a malformed JSV value:
            ``.path`` starts at the parameter as written (``$.ids[1]``), ``.doc`` is the
            JSV text read for it (``[...]`` around a list written without brackets) and
            ``.pos`` the position in it. A missing required field is reported at ``$``
            (``.doc`` is then the query string, or empty for a mapping).
        TypeError: ``type`` is not a dataclass, or ``query`` is neither a str nor a
            mapping of str to str or to a sequence of str.

    Example:
        >>> import dataclasses, jsv
        >>> @dataclasses.dataclass
        ... class FindMembers:
        ...     display_name: str
        ...     ids: list[int]
        ...     muted: bool = False
        >>> jsv.parse_query("?display_name=Me%2C+Junior&ids=1,2&ids=3&muted=true,false",
        ...                 FindMembers)
        FindMembers(display_name='Me, Junior', ids=[1, 2, 3], muted=True)
    """
    node = plan(type)
    if not isinstance(node, ClassNode):
        raise TypeError(MSG_QUERY_TYPE.format(type=type))
    root_doc = query if isinstance(query, str) else ""
    values: dict[str, Any] = {}
    docs: dict[str, str] = {}
    for name, (index, texts) in _gather(node, _pairs(query)).items():
        if index is None:
            if forbid_unknown_fields:
                values[name] = None  # the converter reports it in its turn
            continue
        docs[name], values[name] = _read(name, node.fields[index].node, ",".join(texts))
    # the text of each map or list read, for a str in it given a map or list (docs/typed.md)
    sources = tuple(
        (value, docs[name], False)
        for name, value in values.items()
        if isinstance(value, (dict, list))  # (`type` is the parameter here)
    )
    try:
        return _source.convert_tree(compile_plan(node, forbid_unknown_fields), values, sources)
    except _Invalid as e:
        raise _validation_error(e.msg, e.path[::-1], docs, root_doc) from None
    except RecursionError:
        raise ValidationError(MSG_TOO_DEEP, root_doc, 0, "$") from None


def _pairs(query: Query) -> list[tuple[str, str]]:
    """The (name, value) pairs of the input, in order, decoded."""
    if isinstance(query, str):
        return urllib.parse.parse_qsl(query.removeprefix("?"), keep_blank_values=True)
    if not isinstance(query, Mapping):
        raise TypeError(MSG_QUERY_INPUT.format(type=type(query).__name__))
    pairs: list[tuple[str, str]] = []
    for name, value in query.items():
        if not isinstance(name, str):
            raise TypeError(MSG_QUERY_NAME.format(type=type(name).__name__))
        if isinstance(value, str):
            pairs.append((name, value))
            continue
        if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
            raise TypeError(MSG_QUERY_VALUE.format(name=name, type=type(value).__name__))
        pairs.extend((name, v) for v in value)
    return pairs


def _gather(
    node: ClassNode, pairs: list[tuple[str, str]]
) -> dict[str, tuple[int | None, list[str]]]:
    """Group the values by the field they reach, under the first name that reached it.

    Each entry is (field index, or None for a name that sets no field, and the values).
    """
    by_field: dict[int, list[str]] = {}
    out: dict[str, tuple[int | None, list[str]]] = {}
    for name, value in pairs:
        index = _field_index(node, name)
        if index is None:
            out.setdefault(name, (None, []))
        elif index in by_field:
            by_field[index].append(value)
        else:
            by_field[index] = [value]
            out[name] = (index, by_field[index])
    return out


def _field_index(node: ClassNode, name: str) -> int | None:
    """The field a parameter sets, matched as the converter matches a key (exact spelling,
    then ignoring case, ``_`` and ``-``); None for an unknown name, ``__type`` and a field
    with ``init=False``, which the converter never sets."""
    index = node.lookup.get(name)
    if index is None:
        if name.strip() == "__type":
            return None
        index = node.normalized.get(normalized_key(name))
    if index is None or not node.fields[index].init:
        return None
    return index


def _read(name: str, field: Node, text: str) -> tuple[str, Any]:
    """The JSV text read for a field and what the untyped reader gives for it: the raw
    text for a ``str`` field, ``None`` for an empty value."""
    while isinstance(field, OptionalNode):
        field = field.inner
    if isinstance(field, ScalarNode) and field.type is bool:
        text = text.partition(",")[0]  # an HTML checkbox posts "true,false" when ticked
    if not text:
        return text, None
    if isinstance(field, ScalarNode) and field.type is str:
        return text, text
    if isinstance(field, LiteralNode) and text in field.choices:
        # A str literal is written as it is, like any str: its exact text reads it back
        # (" a" or '"q"' would lose their whitespace or quotes as JSV).
        return text, text
    try:
        if isinstance(field, SequenceNode | TupleNode):
            return _read_list(text)
        return text, _kernel.decode(text, False)
    except DecodeError as e:
        raise ValidationError(e.msg, e.doc, e.pos, render_path([("field", name)])) from None


def _read_list(text: str) -> tuple[str, Any]:
    """A list value: one complete JSV list as it is, else the items of a list."""
    if text.strip().startswith("["):
        try:
            return text, _kernel.decode(text, False)
        except DecodeError as e:
            # "[1,2],[3]": a list followed by more items. Any other error is in the first
            # list itself, and is reported in the text as written.
            if e.msg != MSG_EXTRA_DATA:
                raise
    document = "[" + text + "]"
    return document, _kernel.decode(document, False)


def _validation_error(
    msg: str, parts: list[PathPart], docs: dict[str, str], root_doc: str
) -> ValidationError:
    """The error of a value that does not fit: positioned in the parameter's text."""
    path = render_path(parts)
    if not parts or isinstance(parts[0], int):
        return ValidationError(msg, root_doc, 0, path)
    doc = docs.get(parts[0][1], "")
    pos = locate(doc, False, parts[1:]) if parts[1:] else 0
    return ValidationError(msg, doc, pos, path)
