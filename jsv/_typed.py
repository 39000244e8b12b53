"""The pure-Python plan executor: untyped tree -> typed objects; Decoder and Encoder.

Each plan node is compiled once into a converter function (closures over the node's
tables, cached per node), which is what keeps typed decoding close to the speed of the
kernel. Converters raise :class:`_Invalid` carrying the path in reverse; the path and the
position in the document are only worked out when an error reaches :class:`Decoder`.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

from . import _kernel, _poly, _pure, _source
from ._decode import parse, text_of
from ._errors import (
    MSG_EXPECTED,
    MSG_LENGTH,
    MSG_REJECTED,
    MSG_TOO_DEEP,
    ValidationError,
    described,
    render_path,
)
from ._errors import Invalid as _Invalid
from ._layout import (
    EMPTY_DEFAULT,
    EMPTY_NONE,
    EMPTY_TEXT,
    HINT_KEY,
    SKIP,
    FastInit,
    layout,
)
from ._locate import locate
from ._naming import Rename, rename_function
from ._plan import (
    ClassNode,
    DictNode,
    LiteralNode,
    Node,
    OptionalNode,
    PolyNode,
    ScalarNode,
    SequenceNode,
    TupleNode,
    UnionNode,
    plan,
)
from ._scalars import ScalarError

T = TypeVar("T")
Converter = Callable[[Any], Any]


def _expected(node: Node, value: Any) -> _Invalid:
    return _Invalid(MSG_EXPECTED.format(expected=node.name, got=described(value)))


def _text(value: Any, expected: str = "str") -> str:
    """What a ``str`` reads from a non-empty value that is no text: a map or list gives its
    JSV text as written, as the reference does (docs/typed.md)."""
    if type(value) is dict or type(value) is list:
        text = _source.verbatim(value)
        if text is not None:
            return text
    raise _Invalid(MSG_EXPECTED.format(expected=expected, got=described(value)))


# ---- converters -----------------------------------------------------------------------

_Built = TypeVar("_Built")
# What is built from a node, by what and with which forbid_unknown_fields, as kept in
# Node.built: ("converter", forbid) or ("compact", forbid).
_BuiltKey = tuple[str, bool]

# Plans are compiled once per node and shared by every thread. Only finished converters
# and compact plans are published on their nodes (read without a lock). A build in
# progress, whose recursive parts refer to themselves before they are finished, stays in
# _pending, which only the thread holding _build_lock sees, and is published when its
# outermost call returns.
_build_lock = threading.RLock()
_pending: dict[tuple[int, str, bool], tuple[Node, Any]] = {}


def _build_once(
    node: Node, key: _BuiltKey, placeholder: _Built, build: Callable[[], _Built]
) -> _Built:
    """``node.built[key]``, made by ``build()`` the first time; while it is being built,
    ``placeholder`` stands for it in ``_pending``, where recursive parts find it."""
    found = node.built.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    with _build_lock:
        found = node.built.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        pending_key = (id(node), *key)
        entry = _pending.get(pending_key)
        if entry is not None:
            return entry[1]  # type: ignore[no-any-return]
        outermost = not _pending
        _pending[pending_key] = (node, placeholder)
        try:
            built = build()
        except BaseException:
            _pending.pop(pending_key, None)
            if outermost:
                _pending.clear()
            raise
        _pending[pending_key] = (node, built)
        if outermost:
            for (_, *built_key), (pending_node, value) in _pending.items():
                pending_node.built[tuple(built_key)] = value  # type: ignore[index]
            _pending.clear()
        return built


def compile_plan(node: Node, forbid_unknown: bool) -> Converter:
    """The converter of a plan node (built once, kept on the node)."""
    converter = node.built.get(("converter", forbid_unknown))
    if converter is not None:
        return converter  # type: ignore[no-any-return]
    # A forwarding stub stands for the converter while it is built.
    slot: list[Converter] = []

    def build() -> Converter:
        converter = _build(node, forbid_unknown)
        slot.append(converter)
        return converter

    return _build_once(node, ("converter", forbid_unknown), lambda v: slot[0](v), build)


def _build(node: Node, forbid: bool) -> Converter:
    if isinstance(node, ScalarNode):
        return _scalar(node)
    if isinstance(node, OptionalNode):
        inner = compile_plan(node.inner, forbid)
        return lambda value: None if value is None else inner(value)
    if isinstance(node, SequenceNode):
        return _sequence(node, compile_plan(node.item, forbid))
    if isinstance(node, TupleNode):
        return _tuple(node, [compile_plan(i, forbid) for i in node.items])
    if isinstance(node, DictNode):
        return _dict(node, compile_plan(node.key, forbid), compile_plan(node.value, forbid))
    if isinstance(node, ClassNode):
        return _class(node, forbid)
    if isinstance(node, UnionNode):
        return _union(node, forbid)
    if isinstance(node, PolyNode):
        return _poly_union(node, forbid)
    if isinstance(node, LiteralNode):
        return _literal(node)
    return lambda value: value  # any


def _scalar(node: ScalarNode) -> Converter:
    if node.type is str:

        def convert_str(value: Any) -> Any:
            if type(value) is str:
                return value
            if value is None:
                return ""
            return _text(value)

        return convert_str
    parse = node.parse

    def convert(value: Any) -> Any:
        if type(value) is str:
            try:
                return parse(value)
            except ScalarError as e:
                raise _Invalid(str(e)) from None
        raise _expected(node, value)

    return convert


def _sequence(node: SequenceNode, item: Converter) -> Converter:
    factory = node.factory

    def convert(value: Any) -> Any:
        if type(value) is not list:
            raise _expected(node, value)
        # Each item is converted once (a __post_init__ runs once per object, even when a
        # later item fails): the failing item's index is the count of those converted.
        items: list[Any] = []
        append = items.append
        try:
            for x in value:
                append(item(x))
            return items if factory is list else factory(items)
        except _Invalid as e:
            e.path.append(len(items))
            raise
        except TypeError as e:  # an unhashable item for a set
            raise _Invalid(MSG_REJECTED.format(type=node.name, error=e)) from None

    return convert


def _tuple(node: TupleNode, items: list[Converter]) -> Converter:
    factory = node.factory
    count = len(items)
    least = count - node.optional_tail

    def convert(value: Any) -> Any:
        if type(value) is not list:
            raise _expected(node, value)
        if not least <= len(value) <= count:
            raise _Invalid(MSG_LENGTH.format(expected=node.name, count=count, found=len(value)))
        converted: list[Any] = []
        append = converted.append
        try:
            for conv, x in zip(items, value, strict=False):
                append(conv(x))
        except _Invalid as e:
            e.path.append(len(converted))
            raise
        return tuple(converted) if factory is tuple else factory(*converted)

    return convert


def _dict(node: DictNode, key: Converter, value_conv: Converter) -> Converter:
    factory = node.factory
    key_is_text = node.key.kind == "any" or (
        isinstance(node.key, ScalarNode) and node.key.type is str
    )
    if isinstance(node.key, ClassNode):
        key_from_map = key

        def key(text: Any) -> Any:  # a map written as a key: {{X:1,Y:2}:a}
            return _source.convert(key_from_map, text, True)

    def convert(value: Any) -> Any:
        if type(value) is not dict:
            raise _expected(node, value)
        if key_is_text:
            out = {}
            for k, v in value.items():
                try:
                    out[k] = value_conv(v)
                except _Invalid as e:
                    e.path.append(("key", k))
                    raise
        else:
            out = {}
            for k, v in value.items():
                try:
                    out[key(k)] = value_conv(v)
                except _Invalid as e:
                    e.path.append(("key", k))
                    raise
                except Exception as e:  # key text that is not JSV, for a dataclass key
                    raise _Invalid(str(e), [("key", k)]) from None
        return out if factory is dict else factory(out)

    return convert


def _construct(node: ClassNode, fast: FastInit) -> Callable[[dict[str, Any]], Any]:
    """The constructor that fills a plain dataclass's ``__dict__`` (see FastInit)."""
    cls = node.cls
    defaults, factories, post_init = fast.defaults, fast.factories, fast.post_init
    new = object.__new__

    def construct(kwargs: dict[str, Any]) -> Any:
        obj: Any = new(cls)
        state = obj.__dict__
        state.update(defaults)
        for name, factory in factories:
            if name not in kwargs:
                state[name] = factory()
        state.update(kwargs)
        if post_init:
            obj.__post_init__()
        return obj

    return construct


def _class(node: ClassNode, forbid: bool) -> Converter:
    cls = node.cls
    shape = layout(node)
    is_typeddict = node.kind == "typeddict"
    # Per field: (attribute, converter of a non-empty value or None for str, empty rule,
    # message of an empty value that has no reading); looked up by every exact spelling.
    entries = [
        (
            f.name,
            None if f.value is None else compile_plan(f.value, forbid),
            f.empty,
            f.empty_error,
        )
        for f in shape.fields
    ]
    lookup = {spelling: entries[index] for spelling, index in shape.lookup.items()}
    miss = shape.miss
    required = [
        (shape.fields[i].name, msg)
        for i, msg in zip(shape.required, shape.missing_messages, strict=True)
    ]
    construct = None if shape.fast is None else _construct(node, shape.fast)
    declared, abstract = shape.declared, shape.abstract

    def subclass_named(hint: Any) -> Converter | None:
        """The converter of the subclass the hint names, if it names one."""
        chosen = _poly.subclass_named(node.form, hint) if type(hint) is str else None
        return None if chosen is None else compile_plan(plan(chosen), forbid)

    def convert(value: Any) -> Any:
        if type(value) is not dict:
            raise _expected(node, value)
        if declared and "__type" in value:
            other = subclass_named(value["__type"])
            if other is not None:
                return other(value)
        kwargs: dict[str, Any] = {}
        for key, item in value.items():
            entry = lookup.get(key)
            if entry is None:
                index = miss(forbid, key)
                if index == HINT_KEY:  # the type marker: never a field
                    if declared and key != "__type":  # another spelling of it
                        other = subclass_named(item)
                        if other is not None:
                            return other(value)
                    continue
                if index == SKIP:
                    continue
                entry = entries[index]
            name, conv, empty, empty_error = entry
            if item is None:
                if empty == EMPTY_NONE:
                    kwargs[name] = None
                elif empty == EMPTY_TEXT:
                    kwargs[name] = ""
                elif empty == EMPTY_DEFAULT:
                    kwargs.pop(name, None)
                else:
                    raise _Invalid(empty_error, [("field", key)])
            elif conv is None:  # str
                if type(item) is str:
                    kwargs[name] = item
                else:
                    try:
                        kwargs[name] = _text(item)
                    except _Invalid as e:
                        e.path.append(("field", key))
                        raise
            else:
                try:
                    kwargs[name] = conv(item)
                except _Invalid as e:
                    e.path.append(("field", key))
                    raise
        if abstract:  # no hint named a class to build
            raise shape.not_named(_poly.hint_of(value))
        for name, missing in required:
            if name not in kwargs:
                raise _Invalid(missing)
        if is_typeddict:
            return kwargs
        try:
            if construct is not None:
                return construct(kwargs)
            return cls(**kwargs)
        except (TypeError, ValueError) as e:  # __post_init__ validation, ...
            raise _Invalid(MSG_REJECTED.format(type=node.name, error=e)) from None

    return convert


def _poly_union(node: PolyNode, forbid: bool) -> Converter:
    """A union of dataclasses: the candidate the map's __type names."""

    def convert(value: Any) -> Any:
        if type(value) is not dict:
            raise _expected(node, value)
        hint = _poly.hint_of(value)
        chosen = None if hint is None else _poly.choose_declared(node.forms, hint)
        if chosen is None:
            raise _poly.not_named(node.name, node.classes, hint)
        return compile_plan(plan(chosen), forbid)(value)

    return convert


def _union(node: UnionNode, forbid: bool) -> Converter:
    scalars = [compile_plan(s, forbid) for s in node.scalars]
    accepts_text = any(isinstance(s, ScalarNode) and s.type is str for s in node.scalars)
    map_conv = compile_plan(node.map_member, forbid) if node.map_member else None
    list_conv = compile_plan(node.list_member, forbid) if node.list_member else None

    def convert(value: Any) -> Any:
        if type(value) is str:
            for conv in scalars:
                try:
                    return conv(value)
                except _Invalid:
                    continue
        elif type(value) is dict and map_conv is not None:
            return map_conv(value)
        elif type(value) is list and list_conv is not None:
            return list_conv(value)
        elif value is None and accepts_text:
            return ""
        raise _expected(node, value)

    return convert


def _literal(node: LiteralNode) -> Converter:
    choices = node.choices
    parsed = node.parsed

    def convert(value: Any) -> Any:
        if type(value) is str:
            if value in choices:
                return choices[value]
            if value.strip() in choices:  # spec §5: edge whitespace is not data here
                return choices[value.strip()]
            for parse, literal in parsed:
                try:
                    if parse(value) == literal:
                        return literal
                except ScalarError:
                    continue
        raise _expected(node, value)

    return convert


# ---- the plan in the form the C executor reads -------------------------------------------
#
# jsv._speedups.decode_typed walks the same plan, compacted once per (node, forbid) into
# lists it reads cheaply: [kind, ..., converter]. The last item of every compact node is the
# node's pure converter: the C side calls it on the untyped value where it does not go on
# itself (a value of the wrong shape, which it then rejects with the exact error; a map
# that gives a field twice), and kinds it does not execute at all (unions, literals, fixed
# tuples ...) are only that. The C side raises the same _Invalid as the converters, with
# the same message and path, and returns the same values.

C_ANY, C_STR, C_INT, C_FLOAT, C_BOOL, C_PARSE, C_ENUM, C_OPTIONAL = range(8)
C_LIST, C_DICT, C_CLASS, C_PY, C_POLY = range(8, 13)


def c_plan(node: Node, forbid: bool) -> list[Any]:
    """The compact form of ``node`` for the C executor (built once, kept on the node;
    cyclic for recursive plans)."""
    found = node.built.get(("compact", forbid))
    if found is not None:
        return found  # type: ignore[no-any-return]
    # The list itself stands for the plan while it is built, and is filled in place.
    compact: list[Any] = []

    def build() -> list[Any]:
        compact.extend(_c_build(node, forbid))
        compact.append(compile_plan(node, forbid))
        return compact

    return _build_once(node, ("compact", forbid), compact, build)


_C_SCALARS = {str: C_STR, int: C_INT, float: C_FLOAT, bool: C_BOOL}


def _c_build(node: Node, forbid: bool) -> list[Any]:
    """The compact node, without its converter (c_plan adds it)."""
    if isinstance(node, ScalarNode):
        code = _C_SCALARS.get(node.type)
        if code == C_STR:
            return [C_STR]
        if code is not None:
            return [code, node.parse]
        if node.members is not None:  # an enum
            return [C_ENUM, node.parse, node.members]
        return [C_PARSE, node.parse]
    if isinstance(node, OptionalNode):
        return [C_OPTIONAL, c_plan(node.inner, forbid)]
    if isinstance(node, SequenceNode):
        factory = None if node.factory is list else node.factory
        return [C_LIST, c_plan(node.item, forbid), factory, node.name]
    if isinstance(node, DictNode):
        factory = None if node.factory is dict else node.factory
        key = node.key
        if key.kind == "any" or (isinstance(key, ScalarNode) and key.type is str):
            return [C_DICT, None, c_plan(node.value, forbid), factory]
        if isinstance(key, ClassNode):
            from_map = compile_plan(key, forbid)

            def key_of(text: str) -> Any:  # a map written as a key: {{X:1,Y:2}:a}
                return _source.convert(from_map, text, True)

            return [C_DICT, key_of, c_plan(node.value, forbid), factory]
        return [C_DICT, c_plan(key, forbid), c_plan(node.value, forbid), factory]
    if isinstance(node, ClassNode):
        return _c_class(node, forbid)
    if node.kind == "any":
        return [C_ANY]
    if isinstance(node, UnionNode) and isinstance(node.map_member, PolyNode):
        return _c_poly(node.map_member, forbid)
    # Given a map or list, the converter reads the container's own text when a str in it
    # may be given a map or list (which it reads as its text), else the untyped tree.
    return [C_PY, _reads_text(node, set())]


def _c_poly(node: PolyNode, forbid: bool) -> list[Any]:
    """A union with dataclasses told apart by __type: the C side reads a map whose first
    entry is the hint as the class it names (anything else goes to the union's converter):
    [C_POLY, is_hint_key, choose]."""

    def choose(hint: str) -> list[Any] | None:
        """The compact plan of the candidate the hint names, or None."""
        chosen = _poly.choose_declared(node.forms, hint)
        return None if chosen is None else c_plan(plan(chosen), forbid)

    return [C_POLY, _poly.is_hint_key, choose]


def _reads_text(node: Node, seen: set[int]) -> bool:
    """Whether a str under ``node`` can be given a map or a list."""
    if id(node) in seen:
        return False
    seen.add(id(node))
    if isinstance(node, ScalarNode):
        return node.type is str
    if isinstance(node, OptionalNode):
        return _reads_text(node.inner, seen)
    if isinstance(node, SequenceNode):
        return _reads_text(node.item, seen)
    if isinstance(node, TupleNode):
        return any(_reads_text(item, seen) for item in node.items)
    if isinstance(node, DictNode):
        return isinstance(node.key, ClassNode) or _reads_text(node.value, seen)
    if isinstance(node, ClassNode):
        # (a dataclass may be read as a subclass its __type names, with fields of its own)
        return node.kind == "dataclass" or any(_reads_text(f.node, seen) for f in node.fields)
    if isinstance(node, UnionNode):
        members = (node.map_member, node.list_member)
        return any(m is not None and _reads_text(m, seen) for m in members)
    # a union of dataclasses: its candidates may be subclasses defined later
    return isinstance(node, PolyNode)


def _c_class(node: ClassNode, forbid: bool) -> list[Any]:
    """[C_CLASS, cls, lookup, miss, fields, required, is_typeddict, fast, learned, name,
    missing messages, choose, not_named]: the class's layout as the C executor reads it."""
    shape = layout(node)
    fields = tuple(
        (f.name, None if f.value is None else c_plan(f.value, forbid), f.empty, f.empty_error)
        for f in shape.fields
    )
    fast = shape.fast
    # The learned keys: the C side's memo of, for each field, the first bare key that named
    # it (None until then). Its size never changes: threads read it without a lock.
    learned = [None] * len(fields)
    is_typeddict = node.kind == "typeddict"

    def choose(hint: str) -> list[Any] | None:
        """The compact plan of the subclass a hint names (None: the class itself)."""
        chosen = _poly.subclass_named(node.form, hint)
        return None if chosen is None else c_plan(plan(chosen), forbid)

    return [
        C_CLASS,
        node.cls,
        shape.lookup,
        functools.partial(shape.miss, forbid),
        fields,
        shape.required,
        is_typeddict,
        None if fast is None else (fast.defaults, fast.factories, fast.post_init),
        learned,
        node.name,
        shape.missing_messages,
        None if is_typeddict else choose,
        shape.not_named if shape.abstract else None,
    ]


# ---- public classes -------------------------------------------------------------------


class Decoder(Generic[T]):
    """A reusable decoder: the type's plan is built once, here.

    Args:
        type: the target type: a dataclass, ``list[SessionInfo]``, ``dict[str, int]``,
            ``Optional[X]``, a TypedDict, NamedTuple, enum, scalar, ... (docs/typed.md).
            ``None`` (the default) and ``typing.Any`` decode the untyped tree of
            ``dict``, ``list``, ``str`` and ``None``, exactly as ``jsv.loads(data)`` does;
            ``.type`` is then ``typing.Any``.
        trim: read human-formatted text (whitespace around keys and bare values ignored).
        forbid_unknown_fields: a key that matches no field is a ValidationError.

    Raises:
        TypeError: at construction, for a type jsv cannot map (naming the field).

    Example:
        >>> import dataclasses, jsv
        >>> @dataclasses.dataclass
        ... class Member:
        ...     display_name: str
        ...     muted: bool = False
        >>> jsv.Decoder(list[Member]).decode('[{displayName:"Me, Junior",muted:True}]')
        [Member(display_name='Me, Junior', muted=True)]
        >>> jsv.Decoder().decode("{ a: [x,,y], b: z }")
        {' a': ['x', None, 'y'], ' b': ' z '}
        >>> jsv.Decoder(trim=True).decode("{ a: [x,,y], b: z }")
        {'a': ['x', None, 'y'], 'b': 'z'}
    """

    __slots__ = (
        "_compact",
        "_convert",
        "_fallback",
        "_untyped",
        "forbid_unknown_fields",
        "trim",
        "type",
    )

    @overload
    def __init__(
        self: Decoder[Any],
        type: None = ...,
        *,
        trim: bool = ...,
        forbid_unknown_fields: bool = ...,
    ) -> None: ...

    @overload
    def __init__(
        self: Decoder[T], type: type[T], *, trim: bool = ..., forbid_unknown_fields: bool = ...
    ) -> None: ...

    @overload
    def __init__(
        self: Decoder[Any], type: Any, *, trim: bool = ..., forbid_unknown_fields: bool = ...
    ) -> None: ...

    def __init__(
        self, type: Any = None, *, trim: bool = False, forbid_unknown_fields: bool = False
    ):
        if type is None:
            type = Any
        self.type = type
        self.trim = trim
        self.forbid_unknown_fields = forbid_unknown_fields
        # Untyped: the kernel's own decoder, so that the result and every error are those
        # of jsv.loads(data, trim=trim).
        self._untyped = type is Any
        node = plan(type)
        self._convert = compile_plan(node, forbid_unknown_fields)
        self._compact = c_plan(node, forbid_unknown_fields)
        self._fallback = self._report

    def decode(self, data: str | bytes | bytearray | memoryview) -> T:
        """Decode one document into the decoder's type.

        Raises DecodeError for malformed text and ValidationError (with ``.path``) for
        text that does not fit the type.
        """
        if self._untyped:
            return _kernel.decode(data, self.trim)  # type: ignore[no-any-return]
        active = _kernel.active
        if active is _pure:
            return self._decode_tree(data)
        # The C executor, one pass from text to objects.
        if type(data) is not str and type(data) is not bytes:
            data = text_of(data)  # what it reads in place: a str, or UTF-8 bytes
        try:
            return active.decode_typed(data, self.trim, self._compact, self._fallback)  # type: ignore[no-any-return]
        except RecursionError:
            raise ValidationError(MSG_TOO_DEEP, text_of(data), 0, "$") from None

    def _decode_tree(self, data: str | bytes | bytearray | memoryview) -> T:
        """The pure executor: text to tree, tree to objects."""
        doc = text_of(data)
        tree = parse(doc, self.trim)
        try:
            return _source.convert_tree(self._convert, tree, ((tree, doc, self.trim),))  # type: ignore[no-any-return]
        except _Invalid as e:
            raise self._validation_error(doc, e) from None
        except RecursionError:
            raise ValidationError(MSG_TOO_DEEP, doc, 0, "$") from None

    def _report(self, data: str | bytes, invalid: _Invalid | None) -> T:
        """The C executor's way out when the text does not fit: ``invalid`` is the misfit
        it found, with its path; None means the text is malformed. As on the pure path, a
        malformed document is a DecodeError wherever the misfit is (the parser reads it
        first, before any conversion, so no user code runs here)."""
        if invalid is not None:
            doc = text_of(data)
            parse(doc, self.trim)  # DecodeError for malformed text anywhere
            raise self._validation_error(doc, invalid) from None
        # The parser raises the DecodeError here. Should it read the text the C reader
        # found malformed, the pure executor decides.
        return self._decode_tree(data)

    def _validation_error(self, doc: str, invalid: _Invalid) -> ValidationError:
        parts = invalid.path[::-1]
        return ValidationError(invalid.msg, doc, locate(doc, self.trim, parts), render_path(parts))

    def __repr__(self) -> str:
        return f"Decoder({self.type!r}, trim={self.trim})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickles as the constructor's arguments (with every protocol); loading builds the
        plan again. The type must itself pickle: a class defined at module level."""
        return _new_decoder, (self.__class__, self.type, self.trim, self.forbid_unknown_fields)


def _new_decoder(cls: Any, type: Any, trim: bool, forbid_unknown_fields: bool) -> Any:
    """An unpickled :class:`Decoder` (see ``Decoder.__reduce__``)."""
    return cls(type, trim=trim, forbid_unknown_fields=forbid_unknown_fields)


class Encoder:
    """A reusable encoder with fixed options; see :func:`jsv.dumps`.

    Example:
        >>> import dataclasses, jsv
        >>> @dataclasses.dataclass
        ... class Member:
        ...     display_name: str
        ...     muted: bool = False
        >>> jsv.Encoder(rename="pascal").encode(Member("Me, Junior"))
        '{DisplayName:"Me, Junior",Muted:False}'
    """

    __slots__ = ("default", "indent", "rename")

    def __init__(
        self,
        *,
        rename: Rename = "camel",
        indent: int | str | None = None,
        default: Callable[[Any], Any] | None = None,
    ) -> None:
        rename_function(rename)  # reject a bad policy now, not at the first encode
        self.rename = rename
        self.indent = indent
        self.default = default

    def encode(self, obj: Any) -> str:
        """Encode ``obj`` as JSV text; raises EncodeError for what has no JSV form."""
        return _kernel.encode(obj, self.rename, self.indent, self.default, False)

    def encode_bytes(self, obj: Any) -> bytes:
        """Encode ``obj`` as JSV text in UTF-8 bytes (see :func:`jsv.dumpb`).

        >>> import jsv
        >>> jsv.Encoder().encode_bytes({"name": "Zoë"})
        b'{name:Zo\\xc3\\xab}'
        """
        return _kernel.encode_bytes(obj, self.rename, self.indent, self.default, False)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickles as the constructor's arguments, with every protocol; a callable
        ``rename`` or ``default`` must itself pickle (a function defined at module level)."""
        return _new_encoder, (self.__class__, self.rename, self.indent, self.default)


def _new_encoder(cls: Any, rename: Rename, indent: int | str | None, default: Any) -> Any:
    """An unpickled :class:`Encoder` (see ``Encoder.__reduce__``)."""
    return cls(rename=rename, indent=indent, default=default)


# Reprs, help() and pickle name the classes as the package exports them (jsv.Decoder), as
# the documentation shows them.
Decoder.__module__ = Encoder.__module__ = "jsv"
