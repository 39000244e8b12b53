"""What both typed executors know of a dataclass or TypedDict, worked out once.

A class's plan node (``_plan.ClassNode``) says what the class declares: its fields, their
types and every accepted spelling of their keys. Reading a map into the class needs more:
which fields can be set from input, how each reads an empty value, which keys are unknown,
what a missing field is called, how to build the object without its ``__init__``. That is
the class's *layout*, computed here once per node and kept with it; the pure converter
(``_typed._class``) and the compact plan of the C executor (``_typed._c_class``) are both
projections of it, so that the two cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from . import _poly
from ._errors import MSG_EXPECTED, MSG_MISSING_FIELD, MSG_UNKNOWN_FIELD, Invalid, described
from ._naming import normalized_key, wire_names
from ._plan import MISSING, ClassNode, Node, OptionalNode, ScalarNode, UnionNode

# How a field reads an empty value (spec §6): None, "", its default, or an error.
# (The C executor has the same codes: TV_EMPTY_*.)
EMPTY_NONE: Final = 0
EMPTY_TEXT: Final = 1
EMPTY_DEFAULT: Final = 2
EMPTY_ERROR: Final = 3

# What ClassLayout.miss() gives for a key that is no exact spelling of a field, besides a
# field index: skip the key, or it is the __type marker (whose value may name the class
# to build). (C: -1 and TV_HINT_KEY.)
SKIP: Final = -1
HINT_KEY: Final = -2


@dataclass(frozen=True, eq=False)
class FieldLayout:
    """One field that the input can set."""

    #: The attribute (or TypedDict key) it sets.
    name: str
    #: The field's declared plan node.
    node: Node
    #: The node that reads a non-empty value: the declared one with ``Optional`` taken off
    #: (emptiness is the field's concern), or None for ``str``, which takes text as it is.
    value: Node | None
    #: How it reads an empty value: one of the EMPTY_* codes.
    empty: int
    #: The misfit message of an empty value where ``empty`` is EMPTY_ERROR.
    empty_error: str


@dataclass(frozen=True, eq=False)
class FastInit:
    """How to build a plain dataclass by filling its ``__dict__``, as its generated
    ``__init__`` would: the defaults, then the default factories of the fields not given,
    then the given values, then ``__post_init__``."""

    defaults: dict[str, Any]
    factories: tuple[tuple[str, Callable[[], Any]], ...]
    post_init: bool


@dataclass(frozen=True, eq=False)
class ClassLayout:
    """The layout of a dataclass or TypedDict (see the module docstring)."""

    node: ClassNode
    #: One entry per field of the class, in declaration order.
    fields: tuple[FieldLayout, ...]
    #: Every exact spelling of a settable field's key -> its index in ``fields``.
    lookup: dict[str, int]
    #: The spelling-insensitive form of those keys (``normalized_key``) -> its index.
    normalized: dict[str, int]
    #: The normalized keys of fields with ``init=False``: known, never set, never unknown.
    ignored: frozenset[str]
    #: The indexes of the required fields, and the message of each one missing.
    required: tuple[int, ...]
    missing_messages: tuple[str, ...]
    #: None where the class must be built by calling it (see fast_init).
    fast: FastInit | None
    #: The classes a __type hint may choose among the subclasses of (none for a TypedDict).
    declared: tuple[type, ...]
    #: An abstract class is never built itself: a hint must name a subclass.
    abstract: bool

    def miss(self, forbid: bool, key: str) -> int:
        """The field index of a key that is no exact spelling (matched on its normalized
        form), SKIP for a key that names no field, HINT_KEY for the type marker.

        An unknown key is an Invalid where unknown fields are forbidden.
        """
        if _poly.is_hint_key(key):
            return HINT_KEY
        normal = normalized_key(key)
        index = self.normalized.get(normal)
        if index is not None:
            return index
        if forbid and normal not in self.ignored:
            raise Invalid(MSG_UNKNOWN_FIELD.format(key=key), [("field", key)])
        return SKIP

    def not_named(self, hint: str | None) -> Invalid:
        """The misfit of a map read as an abstract class that no hint sent elsewhere."""
        return _poly.not_named(self.node.name, self.declared, hint)


def layout(node: ClassNode) -> ClassLayout:
    """The layout of a class's plan node (worked out once, kept on the node).

    >>> from dataclasses import dataclass
    >>> from jsv._plan import plan
    >>> @dataclass
    ... class Member:
    ...     role: str
    ...     muted: bool = False
    >>> found = layout(plan(Member))
    >>> [f.name for f in found.fields], found.required, found.missing_messages
    (['role', 'muted'], (0,), ("Missing required field 'role'",))
    """
    found = node.built.get(("layout", False))
    if found is None:
        # Building twice in two threads is harmless: the layouts are equal.
        found = node.built.setdefault(("layout", False), _build(node))
    return found  # type: ignore[no-any-return]


def _build(node: ClassNode) -> ClassLayout:
    is_typeddict = node.kind == "typeddict"
    fields = []
    for f in node.fields:
        has_default = f.default is not MISSING or f.default_factory is not MISSING
        fields.append(
            FieldLayout(
                name=f.name,
                node=f.node,
                value=_value_node(f.node),
                empty=empty_rule(f.node, has_default or (is_typeddict and not f.required)),
                empty_error=MSG_EXPECTED.format(expected=f.node.name, got=described(None)),
            )
        )
    ignored = {index for index, f in enumerate(node.fields) if not f.init}
    required = tuple(index for index, f in enumerate(node.fields) if f.required)
    wire = _wire_names(node)
    return ClassLayout(
        node=node,
        fields=tuple(fields),
        lookup={s: i for s, i in node.lookup.items() if i not in ignored},
        normalized={s: i for s, i in node.normalized.items() if i not in ignored},
        ignored=frozenset(s for s, i in node.normalized.items() if i in ignored),
        required=required,
        missing_messages=tuple(
            MSG_MISSING_FIELD.format(field=wire[node.fields[i].name]) for i in required
        ),
        fast=None if is_typeddict else fast_init(node),
        declared=() if is_typeddict else (node.cls,),
        abstract=not is_typeddict and inspect.isabstract(node.cls),
    )


def empty_rule(node: Node, has_default: bool) -> int:
    """How a value of ``node`` reads the empty value (spec §6)."""
    if node.kind in ("optional", "any"):
        return EMPTY_NONE
    if isinstance(node, ScalarNode) and node.type is str:
        return EMPTY_TEXT
    if isinstance(node, UnionNode) and any(  # as the union itself reads it (see _union)
        isinstance(s, ScalarNode) and s.type is str for s in node.scalars
    ):
        return EMPTY_TEXT
    return EMPTY_DEFAULT if has_default else EMPTY_ERROR


def _value_node(node: Node) -> Node | None:
    while isinstance(node, OptionalNode):
        node = node.inner
    if isinstance(node, ScalarNode) and node.type is str:
        return None
    return node


def _wire_names(node: ClassNode) -> dict[str, str]:
    """Each field's key as the encoder writes it with the default rename: a missing field
    is named so, as every other error path names a field by its key."""
    if node.kind == "typeddict":
        return {f.name: f.name for f in node.fields}  # a dict: its keys are written as is
    names = [f.name for f in dataclasses.fields(node.cls)]
    return dict(zip(names, wire_names(node.cls, "camel"), strict=True))


def fast_init(node: ClassNode) -> FastInit | None:
    """For a plain dataclass, how to fill its ``__dict__`` directly.

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
    return FastInit(
        defaults={f.name: f.default for f in node.fields if f.default is not MISSING},
        factories=tuple(
            (f.name, f.default_factory)
            for f in node.fields
            if f.default is MISSING and f.default_factory is not MISSING
        ),
        post_init=getattr(cls, "__post_init__", None) is not None,
    )
