"""The pure-Python plan executor: untyped tree -> typed objects; Decoder and Encoder.

Each plan node is compiled once into a converter function (closures over the node's
tables, cached per node), which is what keeps typed decoding close to the speed of the
kernel. Converters raise :class:`_Invalid` carrying the path in reverse; the path and the
position in the document are only worked out when an error reaches :class:`Decoder`.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import json
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

from . import _kernel, _poly, _pure, _source
from ._decode import parse, text_of
from ._errors import (
    MSG_EXPECTED,
    MSG_LENGTH,
    MSG_MISSING_FIELD,
    MSG_REJECTED,
    MSG_TOO_DEEP,
    MSG_UNKNOWN_FIELD,
    ValidationError,
)
from ._errors import Invalid as _Invalid
from ._locate import locate
from ._naming import Rename, normalized_key, rename_function, wire_names
from ._plan import (
    MISSING,
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

# Path parts: an int is a list index; ("field", key) a key of a dataclass or TypedDict as
# written; ("key", key) a key of a dict[K, V].
PathPart = int | tuple[str, str]


def _got(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a map"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _expected(node: Node, value: Any) -> _Invalid:
    return _Invalid(MSG_EXPECTED.format(expected=node.name, got=_got(value)))


def _text(value: Any, expected: str = "str") -> str:
    """What a ``str`` reads from a non-empty value that is no text: a map or list gives its
    JSV text as written, as the reference does (docs/typed.md)."""
    if type(value) is dict or type(value) is list:
        text = _source.verbatim(value)
        if text is not None:
            return text
    raise _Invalid(MSG_EXPECTED.format(expected=expected, got=_got(value)))


def render_path(parts: list[PathPart]) -> str:
    """``[("field", "members"), 0, ("field", "role")]`` -> ``$.members[0].role``."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif part[0] == "field" and part[1].strip().isidentifier():
            out.append("." + part[1].strip())
        else:
            out.append("[" + json.dumps(part[1], ensure_ascii=False) + "]")
    return "".join(out)


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


# How a field reads an empty value (spec §6): None, "", its default, or an error.
_EMPTY_NONE, _EMPTY_TEXT, _EMPTY_DEFAULT, _EMPTY_ERROR = range(4)


def _empty_rule(node: Node, has_default: bool) -> int:
    if node.kind in ("optional", "any"):
        return _EMPTY_NONE
    if isinstance(node, ScalarNode) and node.type is str:
        return _EMPTY_TEXT
    if isinstance(node, UnionNode) and any(  # as the union itself reads it (see _union)
        isinstance(s, ScalarNode) and s.type is str for s in node.scalars
    ):
        return _EMPTY_TEXT
    return _EMPTY_DEFAULT if has_default else _EMPTY_ERROR


def _direct(node: Node, forbid: bool) -> Converter | None:
    """The converter of a field's non-empty value: ``Optional`` is unwrapped (emptiness is
    handled by the field), and ``None`` stands for ``str``, which takes text as it is."""
    while isinstance(node, OptionalNode):
        node = node.inner
    if isinstance(node, ScalarNode) and node.type is str:
        return None
    return compile_plan(node, forbid)


def _fast_constructor(node: ClassNode) -> Callable[[dict[str, Any]], Any] | None:
    """For a plain dataclass, a constructor that fills ``__dict__`` directly, as the
    generated ``__init__`` would (defaults, default factories, then ``__post_init__``).

    None when the class does anything the shortcut cannot follow: frozen or slots
    dataclasses, a hand-written ``__init__`` or ``__new__``, InitVar pseudo-fields.
    """
    if node.kind != "dataclass" or not isinstance(node.cls, type):
        return None
    cls: Any = node.cls
    params = getattr(cls, "__dataclass_params__", None)
    init = getattr(cls, "__init__", None)
    if (
        params is None
        or params.frozen
        or not params.init
        or "__slots__" in cls.__dict__
        or cls.__new__ is not object.__new__
        or cls.__setattr__ is not object.__setattr__
        or getattr(getattr(init, "__code__", None), "co_filename", None) != "<string>"
        or any(
            type(f).__name__ != "Field" or str(getattr(f, "_field_type", "")) != "_FIELD"
            for f in cls.__dataclass_fields__.values()
        )
        # A field that is a data descriptor on the class (the slot of a slots=True base
        # class, a property) would not see a value put in the instance's __dict__.
        or any(
            hasattr(type(inspect.getattr_static(cls, f.name, None)), "__set__") for f in node.fields
        )
    ):
        return None
    defaults: dict[str, Any] = {}
    factories: list[tuple[str, Callable[[], Any]]] = []
    for f in node.fields:
        if f.default is not MISSING:
            defaults[f.name] = f.default
        elif f.default_factory is not MISSING:
            factories.append((f.name, f.default_factory))
    post_init = getattr(cls, "__post_init__", None)
    new = object.__new__

    def construct(kwargs: dict[str, Any]) -> Any:
        obj: Any = new(cls)
        state = obj.__dict__
        state.update(defaults)
        for name, factory in factories:
            if name not in kwargs:
                state[name] = factory()
        state.update(kwargs)
        if post_init is not None:
            obj.__post_init__()
        return obj

    return construct


def _wire_names(node: ClassNode) -> dict[str, str]:
    """Each field's key as the encoder writes it with the default rename: a missing field
    is named so, as every other error path names a field by its key."""
    if node.kind == "typeddict":
        return {f.name: f.name for f in node.fields}  # a dict: its keys are written as is
    names = [f.name for f in dataclasses.fields(node.cls)]
    return dict(zip(names, wire_names(node.cls, "camel"), strict=True))


def _class(node: ClassNode, forbid: bool) -> Converter:
    cls = node.cls
    is_typeddict = node.kind == "typeddict"
    # One entry per accepted spelling of a settable field:
    # (attribute, converter of a non-empty value or None for str, empty rule, node).
    fields = []
    ignored: set[int] = set()  # dataclass fields with init=False: known, never set
    for index, f in enumerate(node.fields):
        has_default = f.default is not MISSING or f.default_factory is not MISSING
        rule = _empty_rule(f.node, has_default or (is_typeddict and not f.required))
        fields.append((f.name, _direct(f.node, forbid), rule, f.node))
        if not f.init:
            ignored.add(index)
    lookup = {s: fields[i] for s, i in node.lookup.items() if i not in ignored}
    normalized = {s: fields[i] for s, i in node.normalized.items() if i not in ignored}
    ignored_spellings = {s for s, i in node.normalized.items() if i in ignored}
    required = [f.name for f in node.fields if f.required]
    wire = _wire_names(node)
    construct = None if is_typeddict else _fast_constructor(node)
    # a dataclass is read as the subclass a __type hint names (wire-extras §19-§22)
    declared = () if is_typeddict else (cls,)
    abstract = not is_typeddict and inspect.isabstract(cls)

    def subclass_named(hint: Any) -> Converter | None:
        """The converter of the subclass the hint names, if it names one."""
        chosen = _poly.subclass_named(cls, hint) if type(hint) is str else None
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
                if _poly.is_hint_key(key):  # the type marker: never a field
                    if declared and key != "__type":  # another spelling of it
                        other = subclass_named(item)
                        if other is not None:
                            return other(value)
                    continue
                normal = normalized_key(key)
                entry = normalized.get(normal)
                if entry is None:
                    if forbid and normal not in ignored_spellings:
                        raise _Invalid(MSG_UNKNOWN_FIELD.format(key=key), [("field", key)])
                    continue
            name, conv, empty, field_node = entry
            if item is None:
                if empty == _EMPTY_NONE:
                    kwargs[name] = None
                elif empty == _EMPTY_TEXT:
                    kwargs[name] = ""
                elif empty == _EMPTY_DEFAULT:
                    kwargs.pop(name, None)
                else:
                    raise _Invalid(
                        MSG_EXPECTED.format(expected=field_node.name, got=_got(None)),
                        [("field", key)],
                    )
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
            raise _poly.not_named(node.name, declared, _poly.hint_of(value))
        for name in required:
            if name not in kwargs:
                raise _Invalid(MSG_MISSING_FIELD.format(field=wire[name]))
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
        chosen = None if hint is None else _poly.choose(node.classes, hint)
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
        if isinstance(node.type, type) and issubclass(node.type, enum.Enum):
            exact: dict[str, Any] = {}
            for member in node.type:
                exact.setdefault(str(member.value), member)
            for name, member in node.type.__members__.items():
                exact.setdefault(name, member)
            return [C_ENUM, node.parse, exact]
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
        chosen = _poly.choose(node.classes, hint)
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
    is_typeddict = node.kind == "typeddict"
    fields = []
    ignored = {index for index, f in enumerate(node.fields) if not f.init}
    for f in node.fields:
        has_default = f.default is not MISSING or f.default_factory is not MISSING
        rule = _empty_rule(f.node, has_default or (is_typeddict and not f.required))
        inner = f.node
        while isinstance(inner, OptionalNode):
            inner = inner.inner
        direct = None if isinstance(inner, ScalarNode) and inner.type is str else inner
        # the message of an empty value where the field has no empty reading
        empty_error = MSG_EXPECTED.format(expected=f.node.name, got=_got(None))
        fields.append(
            (f.name, None if direct is None else c_plan(direct, forbid), rule, empty_error)
        )
    lookup = {s: i for s, i in node.lookup.items() if i not in ignored}
    normalized = {s: i for s, i in node.normalized.items() if i not in ignored}
    ignored_spellings = {s for s, i in node.normalized.items() if i in ignored}

    def miss(key: str) -> int:
        """The field index of a key that is no exact spelling, -1 to skip it, or -2 for the
        type marker (whose value may name the class to build)."""
        if _poly.is_hint_key(key):
            return -2
        normal = normalized_key(key)
        index = normalized.get(normal)
        if index is None:
            if forbid and normal not in ignored_spellings:
                raise _Invalid(MSG_UNKNOWN_FIELD.format(key=key), [("field", key)])
            return -1
        return index

    required = tuple(index for index, f in enumerate(node.fields) if f.required)
    wire = _wire_names(node)
    missing = tuple(MSG_MISSING_FIELD.format(field=wire[node.fields[i].name]) for i in required)
    fast: tuple[Any, ...] | None = None
    if not is_typeddict and _fast_constructor(node) is not None:
        defaults = {f.name: f.default for f in node.fields if f.default is not MISSING}
        factories = tuple(
            (f.name, f.default_factory)
            for f in node.fields
            if f.default is MISSING and f.default_factory is not MISSING
        )
        fast = (defaults, factories, getattr(node.cls, "__post_init__", None) is not None)
    # The learned keys: the C side's memo of, for each field, the first bare key that named
    # it (None until then). Its size never changes: threads read it without a lock.
    learned = [None] * len(fields)
    # __type hints (wire-extras §19-§22): the compact plan of the subclass a hint names
    # (None: the class itself); for an abstract class, the misfit of a map no hint names.
    declared = () if is_typeddict else (node.cls,)

    def choose(hint: str) -> list[Any] | None:
        chosen = _poly.subclass_named(node.cls, hint)
        return None if chosen is None else c_plan(plan(chosen), forbid)

    def not_named(hint: str | None) -> _Invalid:
        return _poly.not_named(node.name, declared, hint)

    abstract = not is_typeddict and inspect.isabstract(node.cls)
    return [
        C_CLASS,
        node.cls,
        lookup,
        miss,
        tuple(fields),
        required,
        is_typeddict,
        fast,
        learned,
        node.name,
        missing,
        None if is_typeddict else choose,
        not_named if abstract else None,
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
