"""Exception classes and every message text the codec raises.

The message texts live here, in one place, so that the pure-Python kernel and the C
accelerator raise the very same words (a test checks that the C module uses them).
"""

from __future__ import annotations

import json
from typing import Any, Final, Union

#: The deepest nesting of maps and lists that decoding and encoding accept.
MAX_DEPTH: Final = 1000

# Decoding (syntax) messages.
MSG_UNTERMINATED_STRING: Final = "Unterminated quoted string"
# An unterminated map or list is reported at the end of the input, where its closer is
# missing; the message says where it opened (see unterminated()).
MSG_UNTERMINATED_MAP: Final = (
    "Unterminated map: no closing '}}' for the '{{' at line {line} column {column}"
)
MSG_UNTERMINATED_LIST: Final = (
    "Unterminated list: no closing ']' for the '[' at line {line} column {column}"
)
MSG_EXPECTED_COLON: Final = "Expected ':' after the key"
MSG_EXPECTED_MAP_SEP: Final = "Expected ',' or '}' after the value"
MSG_EXPECTED_LIST_SEP: Final = "Expected ',' or ']' after the value"
MSG_EXTRA_DATA: Final = "Extra data after the top-level value"
MSG_TOO_DEEP: Final = f"Nesting deeper than {MAX_DEPTH} levels"
MSG_INVALID_UTF8: Final = "Invalid UTF-8 ({reason})"
MSG_BAD_INPUT_TYPE: Final = "Input must be str, bytes, bytearray or memoryview, not {type}"

# Encoding messages.
MSG_UNSUPPORTED_TYPE: Final = "Object of type {type} is not JSV serializable (at {path})"
MSG_UNSUPPORTED_KEY: Final = "Dict key of type {type} is not JSV serializable (at {path})"
MSG_SINGLE_NONE_LIST: Final = (
    "A list whose only item is None has no JSV form: [] is the empty list (at {path})"
)
MSG_CIRCULAR: Final = "Circular reference detected (at {path})"
MSG_ENCODE_TOO_DEEP: Final = f"Nesting deeper than {MAX_DEPTH} levels (at {{path}})"
MSG_LONE_SURROGATE: Final = (
    "A lone surrogate ({char}) has no UTF-8 form: the text can only be written as a str"
)

# Typed decoding (validation) messages.
MSG_EXPECTED: Final = "Expected {expected}, got {got}"
MSG_MISSING_FIELD: Final = "Missing required field '{field}'"
MSG_UNKNOWN_FIELD: Final = "Unknown field '{key}'"
MSG_LENGTH: Final = "Expected {expected} ({count} items), got a list of {found} items"
MSG_REJECTED: Final = "{type} rejected the value: {error}"
MSG_TYPE_NOT_NAMED: Final = (
    "Expected {expected}: a map whose __type names one of {candidates}, got {got}"
)
MSG_TYPE_AMBIGUOUS: Final = (
    "The __type {hint!r} names {names}: give them __jsv_type__ texts to tell them apart"
)

# Query strings and form fields (jsv.query_params, query_string, parse_query).
MSG_QUERY_OBJECT: Final = (
    "query_params takes a dataclass instance or a mapping with str keys, not {type}"
)
MSG_QUERY_NAME: Final = "A query parameter name must be a str, not {type}"
MSG_QUERY_SURROGATE: Final = (
    "The lone surrogate U+{code:04X} has no UTF-8 form for a query string (at {path})"
)
MSG_QUERY_TYPE: Final = "parse_query reads into a dataclass type, not {type!r}"
MSG_QUERY_INPUT: Final = (
    "parse_query takes a query string or a mapping of str to str or to a sequence of str, "
    "not {type}"
)
MSG_QUERY_VALUE: Final = (
    "The value of the query parameter {name!r} must be a str or a sequence of str, not {type}"
)


def line_and_column(doc: str | bytes, pos: int) -> tuple[int, int]:
    """Return the 1-based line and column of character (or byte) ``pos`` in ``doc``."""
    newline: Any = "\n" if isinstance(doc, str) else b"\n"
    lineno = doc.count(newline, 0, pos) + 1
    colno = pos - doc.rfind(newline, 0, pos)
    bom: Any = "\ufeff" if isinstance(doc, str) else b"\xef\xbb\xbf"
    if lineno == 1 and pos > 0 and doc.startswith(bom):
        colno -= len(bom)  # an editor does not show the byte-order mark as a column
    return lineno, colno


def unterminated(template: str, doc: str, open_pos: int) -> str:
    """The message of an unterminated map or list whose opener is at ``open_pos``.

    ``template`` is :data:`MSG_UNTERMINATED_MAP` or :data:`MSG_UNTERMINATED_LIST`; the
    opener's line and column are those a :class:`DecodeError` at ``open_pos`` would have.
    Both kernels build the message here.
    """
    line, column = line_and_column(doc, open_pos)
    return template.format(line=line, column=column)


def described(value: Any) -> str:
    """What a misfit message says it got: ``got an empty value``, ``got a map``, or the
    text (cut at 60 characters).

    >>> described(None), described({}), described("x" * 70)[-6:]
    ('an empty value', 'a map', "xx...'")
    """
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a map"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


# Where a value is, as errors name it. An int is a list index; ("field", key) a key naming a
# field of a dataclass or TypedDict (or a map key the encoder names as such), as written;
# ("key", key) a key of a dict[K, V].
PathPart = Union[int, tuple[str, str]]


def render_path(parts: list[PathPart]) -> str:
    """The path both kernels print: ``[("field", "members"), 0, ("field", "role")]`` ->
    ``$.members[0].role``.

    A field is named by its key without edge whitespace (a key read with spaces around it
    still names the field), as an attribute where it is an identifier; any other key is
    written as a JSON string in brackets, as it is.
    """
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif part[0] == "field" and part[1].strip().isidentifier():
            out.append("." + part[1].strip())
        else:
            out.append("[" + json.dumps(part[1], ensure_ascii=False) + "]")
    return "".join(out)


class JSVError(Exception):
    """Base class of every error this package raises on purpose."""


class DecodeError(JSVError, ValueError):
    """Malformed JSV input.

    Attributes:
        msg: the message without the position.
        doc: the document being decoded (``bytes`` only for invalid UTF-8).
        pos: the index in ``doc`` where the error was found.
        lineno, colno: ``pos`` as a 1-based line and column.

    Example:
        >>> import jsv
        >>> try:
        ...     jsv.loads('{a:"x}')
        ... except jsv.DecodeError as e:
        ...     print(e)
        Unterminated quoted string: line 1 column 4 (char 3)
    """

    msg: str
    doc: str | bytes
    pos: int
    lineno: int
    colno: int

    def __init__(self, msg: str, doc: str | bytes, pos: int) -> None:
        lineno, colno = line_and_column(doc, pos)
        super().__init__(f"{msg}: line {lineno} column {colno} (char {pos})")
        self.msg = msg
        self.doc = doc
        self.pos = pos
        self.lineno = lineno
        self.colno = colno

    def __reduce__(self) -> tuple[Any, ...]:
        return self.__class__, (self.msg, self.doc, self.pos)


class ValidationError(DecodeError):
    """Well-formed JSV whose content does not fit the requested type.

    Attributes (besides those of :class:`DecodeError`):
        path: where the value is, in the document's own key spelling, such as
            ``$.members[0].callState``.

    Example:
        >>> import jsv
        >>> try:
        ...     jsv.loads("{id:x}", type=dict[str, int])
        ... except jsv.ValidationError as e:
        ...     print(e.path, "-", e.msg)
        $["id"] - Expected int, got 'x'
    """

    path: str

    def __init__(self, msg: str, doc: str | bytes, pos: int, path: str = "$") -> None:
        super().__init__(msg, doc, pos)
        self.path = path
        lineno, colno = self.lineno, self.colno
        self.args = (f"{msg} at {path}: line {lineno} column {colno} (char {pos})",)

    def __reduce__(self) -> tuple[Any, ...]:
        return self.__class__, (self.msg, self.doc, self.pos, self.path)


class EncodeError(JSVError, TypeError):
    """An object that has no JSV form (unsupported type, circular reference, ...).

    Example:
        >>> import jsv
        >>> try:
        ...     jsv.dumps({"a": [1, object()]})
        ... except jsv.EncodeError as e:
        ...     print(e)
        Object of type object is not JSV serializable (at $.a[1])
    """


class Invalid(Exception):
    """A value that does not fit its plan node, on its way to a :class:`ValidationError`.

    Both typed executors raise it where the misfit is; each map and list it unwinds
    through appends where in it the misfit is, so ``path`` grows in reverse. The decoder
    turns it into a ValidationError, with the position, once it reaches the top.
    """

    def __init__(self, msg: str, path: list[Any] | None = None) -> None:
        super().__init__(msg)
        self.msg = msg
        self.path: list[Any] = path if path is not None else []


def rejected(type_name: str, error: BaseException) -> Invalid:
    """The misfit of a value that a constructor (``__post_init__`` ...) or a container
    factory refused with ``error``."""
    return Invalid(MSG_REJECTED.format(type=type_name, error=error))


# Tracebacks and reprs name the classes as the package exports them (jsv.DecodeError, ...),
# as the documentation shows them; pickle finds them there too. The C module only reads the
# class objects from this module.
for _cls in (JSVError, DecodeError, ValidationError, EncodeError):
    _cls.__module__ = "jsv"
del _cls
