"""Type -> plan: each annotated type is compiled once into a tree of plain nodes.

A plan says what a type looks like on the wire (a scalar with its parser, a list of X, a
map of K to V, a dataclass with its field table ...) and nothing about how to execute it:
the pure-Python executor in :mod:`jsv._typed` walks it, and a C executor can walk the same
nodes. Plans are cached per type; recursive types give cyclic plans.
"""

from __future__ import annotations

import collections.abc as cabc
import dataclasses
import datetime as dt
import enum
import inspect
import types
import typing
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Union, cast

from . import _scalars
from ._classcache import class_cache
from ._naming import camel_case, explicit_wire_name, normalized_key, pascal_case

MISSING: Final = dataclasses.MISSING


@dataclass(eq=False)
class Node:
    """Base of every plan node; ``kind`` names the shape."""

    kind: str
    #: How errors name the expected type ("int", "SessionInfo", "list of int").
    name: str
    #: What the typed executors build from the node, once, kept with it (so that it goes
    #: with the node): by (executor, forbid_unknown_fields), the converter or compact plan.
    built: dict[tuple[str, bool], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )


@dataclass(eq=False)
class ScalarNode(Node):
    """A scalar read from text by ``parse`` (which raises ScalarError)."""

    type: Any
    parse: Callable[[str], Any]
    #: For an enum: its members by their exact text, the value's first, then the name's
    #: (``parse`` tries this table first; the C executor reads it itself).
    members: dict[str, Any] | None = None


@dataclass(eq=False)
class AnyNode(Node):
    """``typing.Any`` / ``object``: the untyped tree as it is."""


@dataclass(eq=False)
class OptionalNode(Node):
    """``X | None``: an empty value reads ``None``."""

    inner: Node


@dataclass(eq=False)
class SequenceNode(Node):
    """``list[T]``, ``tuple[T, ...]``, ``set[T]``, ``frozenset[T]``: read from a list."""

    item: Node
    factory: Callable[[Any], Any]


@dataclass(eq=False)
class TupleNode(Node):
    """``tuple[A, B]`` and NamedTuples: a list of exactly ``len(items)`` values."""

    items: list[Node]
    factory: Callable[..., Any]
    #: For NamedTuples with defaults: how many trailing items may be missing.
    optional_tail: int = 0


@dataclass(eq=False)
class DictNode(Node):
    """``dict[K, V]`` (and Mapping, dict subclasses): read from a map."""

    key: Node
    value: Node
    factory: Callable[[Any], Any]


@dataclass(eq=False)
class FieldPlan:
    """One field of a dataclass or TypedDict."""

    name: str
    node: Node
    required: bool
    default: Any = MISSING
    default_factory: Any = MISSING
    #: False for dataclass fields with ``init=False``: never set from the input.
    init: bool = True


@dataclass(eq=False)
class ClassNode(Node):
    """A dataclass (``kind == "dataclass"``) or TypedDict (``kind == "typeddict"``).

    ``lookup`` maps every accepted exact spelling of a key (the Python name, its camel and
    pascal forms, an explicit wire name) to a field index; ``normalized`` maps the
    spelling-insensitive form (``normalized_key``) likewise.
    """

    cls: Any
    fields: list[FieldPlan] = field(default_factory=list)
    lookup: dict[str, int] = field(default_factory=dict)
    normalized: dict[str, int] = field(default_factory=dict)
    #: The class as declared, with its type arguments (``Animal[int]``), or the class: a
    #: subclass that a __type hint names gets the same arguments (see _poly.parametrized).
    form: Any = None


@dataclass(eq=False)
class UnionNode(Node):
    """A union of several types: scalars are tried in order on text; at most one member
    reads a map and at most one reads a list."""

    scalars: list[Node]
    map_member: Node | None
    list_member: Node | None


@dataclass(eq=False)
class PolyNode(Node):
    """A union of dataclasses (``Dog | Cat``): a map is read as the candidate its
    ``__type`` names (see jsv/_poly.py)."""

    classes: tuple[type, ...]
    #: Each class as declared, with its type arguments (see ClassNode.form).
    forms: tuple[Any, ...] = ()


@dataclass(eq=False)
class LiteralNode(Node):
    """``Literal[...]``: ``choices`` maps each accepted text to its value."""

    choices: dict[str, Any]
    #: Literal ints or bools also accept their other spellings ("01", "true").
    parsed: list[tuple[Callable[[str], Any], Any]]


_SCALARS: Final[dict[Any, tuple[str, Callable[[str], Any]]]] = {
    str: ("str", str),
    int: ("int", _scalars.parse_int),
    float: ("float", _scalars.parse_float),
    bool: ("bool", _scalars.parse_bool),
    Decimal: ("Decimal", _scalars.parse_decimal),
    dt.datetime: ("datetime", _scalars.parse_datetime),
    dt.date: ("date", _scalars.parse_date),
    dt.time: ("time", _scalars.parse_time),
    dt.timedelta: ("timedelta", _scalars.parse_timedelta),
    uuid.UUID: ("UUID", _scalars.parse_uuid),
    bytes: ("bytes", _scalars.parse_bytes),
    bytearray: ("bytearray", lambda text: bytearray(_scalars.parse_bytes(text))),
}

_SEQUENCES: Final[dict[Any, tuple[str, Callable[[Any], Any]]]] = {
    list: ("list", list),
    cabc.Sequence: ("list", list),
    cabc.MutableSequence: ("list", list),
    cabc.Iterable: ("list", list),
    cabc.Collection: ("list", list),
    set: ("set", set),
    cabc.Set: ("set", set),
    cabc.MutableSet: ("set", set),
    frozenset: ("frozenset", frozenset),
    tuple: ("tuple", tuple),
}

_MAPPINGS: Final = (dict, cabc.Mapping, cabc.MutableMapping)

# Plans of types that name no class of the program's (list[int], dict[str, float] ...).
# The plan of any other type is cached on a class it names (see _plans_of), so that it
# goes when the class goes.
_builtin_plans: dict[Any, Node] = {}


def plan(tp: Any) -> Node:
    """The plan of type ``tp``, built once and cached.

    Raises TypeError for an annotation jsv cannot map, naming the field it was found in.

    >>> plan(list[int]).name
    'list of int'
    """
    try:
        key = _cache_key(tp)
        plans = _plans_of(tp)
        return plans[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable annotation
        return _Builder().build(tp, {})
    node = _Builder().build(tp, {})
    plans[key] = node
    return node


def _plans_of(tp: Any) -> dict[Any, Node]:
    """Where the plan of ``tp`` is cached: on the first class of the program's that it
    names (``SessionInfo`` for ``list[SessionInfo]``), else in ``_builtin_plans``."""
    pending = [tp]
    while pending:
        t = pending.pop(0)
        if isinstance(t, type) and t.__module__ != "builtins":
            cache = class_cache(t)
            if cache is not None:
                return cache.setdefault("plans", {})  # type: ignore[no-any-return]
        origin = typing.get_origin(t)
        if origin is not None:
            pending.append(origin)
        pending.extend(typing.get_args(t))
    return _builtin_plans


def _cache_key(tp: Any) -> Any:
    """``tp`` with its arguments, recursively: unions compare equal whatever the order of
    their members (``int | str == str | int``), but that order is the order in which
    scalars are tried, so it must not share a plan."""
    args = typing.get_args(tp)
    if not args:
        return tp
    return (tp, tuple(_cache_key(a) for a in args))


def _type_name(tp: Any) -> str:
    return getattr(tp, "__name__", None) or str(tp).replace("typing.", "")


def _is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, dict) and hasattr(tp, "__required_keys__")


def _is_namedtuple(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields")


class _Builder:
    """Builds one plan; ``where`` names the field being built, for error messages."""

    def __init__(self) -> None:
        self.where: list[str] = []
        # Dataclass nodes of this build by (class, type-variable bindings): recursive
        # generic dataclasses find their own node here.
        self.seen: dict[Any, ClassNode] = {}

    def fail(self, tp: Any) -> TypeError:
        place = f" (field {'.'.join(self.where)})" if self.where else ""
        return TypeError(f"jsv cannot map the type {tp!r}{place}")

    def build(self, tp: Any, typevars: dict[Any, Any]) -> Node:
        if isinstance(tp, typing.TypeVar):
            tp = typevars.get(tp, Any)
        if isinstance(tp, str | typing.ForwardRef):
            raise self.fail(tp)
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)

        if tp is Any or tp is object:
            return AnyNode("any", "any value")
        if origin is typing.Annotated or origin in (typing.Required, typing.NotRequired):
            return self.build(args[0], typevars)
        if isinstance(tp, typing.NewType):
            return self.build(tp.__supertype__, typevars)
        if origin is Union or origin is types.UnionType:
            return self.union(tp, args, typevars)
        if origin is typing.Literal:
            return self.literal(tp, args)
        if tp in _SCALARS:
            name, parse = _SCALARS[tp]
            return ScalarNode("scalar", name, tp, parse)
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            members = _enum_members(tp)
            return ScalarNode("scalar", tp.__name__, tp, _enum_parser(tp, members), members)
        if _is_typeddict(tp):
            return self.typeddict(tp, typevars)
        if _is_namedtuple(tp):
            return self.namedtuple(tp, typevars)
        if dataclasses.is_dataclass(tp) or (
            origin is not None and dataclasses.is_dataclass(origin)
        ):
            return self.dataclass(tp, typevars)
        base = origin if origin is not None else tp
        # tuple[()] has no args, like the bare typing.Tuple (which reads any list)
        empty_tuple = origin is tuple and not args and tp is not typing.Tuple  # noqa: UP006
        if base is tuple and (args or empty_tuple) and (len(args) != 2 or args[1] is not Ellipsis):
            if args == ((),):  # tuple[()]
                args = ()
            items = [self.build(a, typevars) for a in args]
            names = ", ".join(i.name for i in items) or "()"
            return TupleNode("tuple", f"tuple[{names}]", items, tuple)
        if base in _SEQUENCES:
            factory_name, factory = _SEQUENCES[base]
            item = self.build(args[0], typevars) if args else AnyNode("any", "any value")
            return SequenceNode("sequence", f"{factory_name} of {item.name}", item, factory)
        if base in _MAPPINGS:
            key, value = args if args else (Any, Any)
            return self.mapping(dict, key, value, typevars)
        if isinstance(base, type) and issubclass(base, dict):
            return self.dict_subclass(base, typevars)
        raise self.fail(tp)

    def union(self, tp: Any, args: tuple[Any, ...], typevars: dict[Any, Any]) -> Node:
        members = [a for a in args if a is not type(None)]
        optional = len(members) < len(args)
        if len(members) == 1:
            inner = self.build(members[0], typevars)
        else:
            scalars: list[Node] = []
            map_member: Node | None = None
            list_member: Node | None = None
            for member in members:
                node = self.build(member, typevars)
                if node.kind in ("scalar", "literal"):
                    scalars.append(node)
                elif (
                    node.kind == "dataclass"
                    and map_member is not None
                    and (map_member.kind in ("dataclass", "poly"))
                ):
                    # dataclasses told apart by their __type hint (wire-extras §19)
                    if isinstance(map_member, PolyNode):
                        previous, forms = map_member.classes, map_member.forms
                    else:
                        previous = (cast(ClassNode, map_member).cls,)
                        forms = (cast(ClassNode, map_member).form,)
                    classes = (*previous, cast(ClassNode, node).cls)
                    names = " | ".join(c.__name__ for c in classes)
                    forms = (*forms, cast(ClassNode, node).form)
                    map_member = PolyNode("poly", names, classes, forms)
                elif node.kind in ("dataclass", "typeddict", "dict"):
                    if map_member is not None:
                        raise TypeError(
                            f"jsv cannot map the union {tp!r}: both {map_member.name} and "
                            f"{node.name} are read from a map, and only dataclasses are told "
                            "apart (by __type)" + self._field_note()
                        )
                    map_member = node
                elif node.kind in ("sequence", "tuple"):
                    if list_member is not None:
                        raise TypeError(
                            f"jsv cannot map the union {tp!r}: both {list_member.name} and "
                            f"{node.name} are read from a list" + self._field_note()
                        )
                    list_member = node
                else:  # Any or a nested union/optional: it would swallow everything
                    raise TypeError(
                        f"jsv cannot map the union {tp!r}: {node.name} cannot be a member"
                        + self._field_note()
                    )
            name = " | ".join(_type_name(m) for m in members)
            inner = UnionNode("union", name, scalars, map_member, list_member)
        if not optional:
            return inner
        return OptionalNode("optional", f"{inner.name} or an empty value", inner)

    def _field_note(self) -> str:
        return f" (field {'.'.join(self.where)})" if self.where else ""

    def literal(self, tp: Any, args: tuple[Any, ...]) -> Node:
        choices: dict[str, Any] = {}
        parsed: list[tuple[Callable[[str], Any], Any]] = []
        for value in args:
            if value is None:  # Literal["a", None] is Optional[Literal["a"]]
                continue
            if isinstance(value, enum.Enum):
                choices[str(value.value)] = value
            elif isinstance(value, bool):
                choices[str(value)] = value
                parsed.append((_scalars.parse_bool, value))
            elif isinstance(value, int):
                choices[str(value)] = value
                parsed.append((_scalars.parse_int, value))
            elif isinstance(value, str):
                choices[value] = value
            else:
                raise self.fail(tp)
        shown = [repr(a) for a in args if a is not None]
        name = "one of " + ", ".join(shown) if shown else "an empty value"
        node = LiteralNode("literal", name, choices, parsed)
        if None in args:
            return OptionalNode("optional", f"{name} or an empty value", node)
        return node

    def mapping(self, factory: Any, key: Any, value: Any, typevars: dict[Any, Any]) -> Node:
        key_node = self.build(key, typevars)
        if key_node.kind not in ("scalar", "literal", "any", "dataclass"):
            raise TypeError(
                f"jsv cannot map dict keys of type {key!r}: keys are scalars or frozen "
                "dataclasses" + self._field_note()
            )
        if key_node.kind == "dataclass" and not key_node.cls.__dataclass_params__.frozen:  # type: ignore[attr-defined]
            raise TypeError(
                f"dict keys of dataclass type {key_node.name} must be frozen (hashable)"
                + self._field_note()
            )
        value_node = self.build(value, typevars)
        return DictNode(
            "dict", f"map of {key_node.name} to {value_node.name}", key_node, value_node, factory
        )

    def dict_subclass(self, cls: type, typevars: dict[Any, Any]) -> Node:
        for base in getattr(cls, "__orig_bases__", ()):
            if typing.get_origin(base) in (dict, *_MAPPINGS):
                key, value = typing.get_args(base) or (Any, Any)
                return self.mapping(cls, key, value, typevars)
        return self.mapping(cls, Any, Any, typevars)

    def _hints(self, cls: Any) -> dict[str, Any]:
        # No globalns: each class of the MRO resolves its annotations in its own module.
        # dataclasses.make_dataclass() annotates untyped fields with the string
        # "typing.Any" in the module "types", which has no name "typing": it is supplied.
        localns = {"typing": typing} if cls.__module__ == "types" else None
        try:
            return typing.get_type_hints(cls, localns=localns, include_extras=True)
        except Exception as e:  # NameError for an unresolvable forward reference, ...
            raise TypeError(f"jsv cannot resolve the annotations of {cls!r}: {e}") from None

    def dataclass(self, tp: Any, typevars: dict[Any, Any]) -> Node:
        cls = typing.get_origin(tp) or tp
        # The class's own type parameters decide the bindings of all its generic bases.
        own = dict(
            zip(
                getattr(cls, "__parameters__", ()),
                [_substitute(a, typevars) for a in typing.get_args(tp)],
                strict=False,
            )
        )
        key = (cls, tuple(own.items()))
        if key in self.seen:
            return self.seen[key]
        if not own:
            cached = _plans_of(cls).get(cls)
            if cached is not None:
                return cached
        bindings = _class_bindings(cls, own)
        args = ", ".join(_type_name(a) for a in typing.get_args(tp))
        name = f"{cls.__name__}[{args}]" if args else cls.__name__
        node = ClassNode("dataclass", name, cls, form=_substitute(tp, typevars))
        self.seen[key] = node  # before the fields, so recursive types find it
        hints = self._hints(cls)
        explicit: list[str | None] = []
        for f in dataclasses.fields(cls):
            self.where.append(f"{cls.__name__}.{f.name}")
            owner = next((k for k in cls.__mro__ if f.name in inspect.get_annotations(k)), cls)
            try:
                field_node = self.build(hints.get(f.name, Any), bindings.get(owner, {}))
            finally:
                self.where.pop()
            required = f.default is MISSING and f.default_factory is MISSING and f.init
            node.fields.append(
                FieldPlan(f.name, field_node, required, f.default, f.default_factory, f.init)
            )
            explicit.append(explicit_wire_name(cls, f))
        _add_spellings(node, explicit)
        return node

    def typeddict(self, cls: Any, typevars: dict[Any, Any]) -> Node:
        node = ClassNode("typeddict", cls.__name__, cls)
        hints = self._hints(cls)
        for name, hint in hints.items():
            self.where.append(f"{cls.__name__}.{name}")
            try:
                field_node = self.build(hint, typevars)
            finally:
                self.where.pop()
            required = name in cls.__required_keys__
            # Under `from __future__ import annotations` Python 3.10-3.11 cannot see these
            # qualifiers when the class is created; the resolved hints still carry them.
            if typing.get_origin(hint) is typing.NotRequired:
                required = False
            elif typing.get_origin(hint) is typing.Required:
                required = True
            node.fields.append(FieldPlan(name, field_node, required, MISSING, MISSING))
        _add_spellings(node, [None] * len(node.fields))
        return node

    def namedtuple(self, cls: Any, typevars: dict[Any, Any]) -> Node:
        hints = self._hints(cls)
        items = []
        for name in cls._fields:
            self.where.append(f"{cls.__name__}.{name}")
            try:
                items.append(self.build(hints.get(name, Any), typevars))
            finally:
                self.where.pop()
        defaults = len(getattr(cls, "_field_defaults", {}))
        return TupleNode("tuple", cls.__name__, items, cls, defaults)


def _add_spellings(node: ClassNode, explicit: list[str | None]) -> None:
    """Fill the key tables of ``node``: every field's own names (its explicit wire name and
    its Python name) first, so that they win over the camel and pascal spellings derived
    from another field's name (fields ``user_id`` and ``userId``)."""
    pairs = zip(node.fields, explicit, strict=True)
    own = [[f.name] if e is None else [e, f.name] for f, e in pairs]
    derived = [[camel_case(f.name), pascal_case(f.name)] for f in node.fields]
    for table in (own, derived):
        for index, spellings in enumerate(table):
            for spelling in spellings:
                node.lookup.setdefault(spelling, index)
                node.normalized.setdefault(normalized_key(spelling), index)


def _class_bindings(cls: type, own: dict[Any, Any]) -> dict[Any, dict[Any, Any]]:
    """For ``cls`` and each of its bases, the bindings of that class's own type variables.

    Each generic base is bound through its subscription in the class that names it
    (``class Chain(Box[list[T]])`` binds Box's ``T`` to ``list[int]`` in ``Chain[int]``), so
    bases that reuse one TypeVar object (as generated DTOs do) get their own bindings.
    """
    result: dict[Any, dict[Any, Any]] = {}
    pending: list[tuple[Any, dict[Any, Any]]] = [(cls, own)]
    while pending:
        klass, mapping = pending.pop(0)
        if klass in result:
            continue
        result[klass] = mapping
        for base in klass.__dict__.get("__orig_bases__", klass.__bases__):
            origin = typing.get_origin(base) or base
            if not isinstance(origin, type) or origin in (typing.Generic, object):
                continue
            params = getattr(origin, "__parameters__", ())
            args = [_substitute(a, mapping) for a in typing.get_args(base)]
            pending.append((origin, dict(zip(params, args, strict=False))))
    return result


def _substitute(arg: Any, bindings: dict[Any, Any]) -> Any:
    """``arg`` with its type variables replaced by what they are bound to, also inside
    (``list[T]`` -> ``list[int]``)."""
    if isinstance(arg, typing.TypeVar):
        return bindings.get(arg, arg)
    params = getattr(arg, "__parameters__", ())
    if params and typing.get_origin(arg) is not None:
        try:
            return arg[tuple(bindings.get(p, p) for p in params)]
        except TypeError:
            return arg
    return arg


def _enum_members(cls: type[enum.Enum]) -> dict[str, Any]:
    """An enum's members by exact text: each value's text, then each name (aliases too)."""
    exact: dict[str, Any] = {}
    for member in cls:
        exact.setdefault(str(member.value), member)
    for name, member in cls.__members__.items():
        exact.setdefault(name, member)
    return exact


def _enum_parser(cls: type[enum.Enum], exact: dict[str, Any]) -> Callable[[str], Any]:
    """Value, then member name (``exact``), then both case-insensitively; int-valued enums
    and flags also read numbers (a combination of flags is written as one), and flags
    comma-separated names."""
    folded: dict[str, Any] = {}
    for member in cls:
        folded.setdefault(str(member.value).lower(), member)
    for name, member in cls.__members__.items():
        folded.setdefault(name.lower(), member)
    is_int = issubclass(cls, int)
    is_flag = issubclass(cls, enum.Flag)

    def parse(text: str) -> Any:
        stripped = text.strip()
        # The text as it is first: a value with edge whitespace is written quoted.
        member = exact.get(text)
        if member is None:
            member = exact.get(stripped)
        if member is None:
            member = folded.get(stripped.lower())
        if member is not None:
            return member
        try:
            if (is_int or is_flag) and _scalars._INT.fullmatch(stripped):
                return cls(int(stripped))
            if is_flag and "," in stripped:
                value = cls(0)
                for part in stripped.split(","):
                    value |= parse(part)
                return value
        except (ValueError, _scalars.ScalarError):
            pass
        raise _scalars.ScalarError(f"Expected {cls.__name__}, got {text!r}")

    return parse
