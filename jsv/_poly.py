"""``__type`` hints: which class a map is read as, where the declared type has several.

ServiceStack marks a value whose class is not the declared one with a ``__type`` entry
naming the class (wire-extras §19-§22). Where a dataclass ``B`` is declared, the candidates
are ``B`` and every subclass of it, found when a hint is read (so that a subclass defined
later is found too); where a union of dataclasses is declared, the candidates of each.
Abstract classes are never chosen. A hint matches a candidate by its short name (the
class name, without namespace, assembly or generic arguments); ``__jsv_type__`` in a
class's own body gives its full wire name, which also tells apart candidates that share a
short name.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import typing
from typing import Any

from ._errors import MSG_TYPE_AMBIGUOUS, MSG_TYPE_NOT_NAMED, Invalid
from ._plan import (
    ClassNode,
    DictNode,
    Node,
    OptionalNode,
    PolyNode,
    SequenceNode,
    TupleNode,
    UnionNode,
    _class_bindings,
    plan,
)

# The part of a type text before its assembly, generic arguments or arity.
_NAME_END = re.compile(r"[,\[`]")


def is_hint_key(key: str) -> bool:
    """Whether a map key is the type hint: ``__type``, in any case, edge whitespace aside."""
    return key.strip().lower() == "__type"


def short_name(text: str) -> str:
    """The short name of a type text (§20).

    >>> short_name("ServiceStack.Text.Tests.JsonTests.Dog, ServiceStack.Text.Tests")
    'Dog'
    >>> short_name("Tests.PolymorphicListTests+OtherDog, Tests")
    'OtherDog'
    >>> short_name("ServiceStack.Messaging.Message`1[[System.String, mscorlib]], X")
    'Message'
    """
    name = _NAME_END.split(text, 1)[0]
    return re.split(r"[.+]", name)[-1].strip()


def wire_type_name(cls: type) -> str:
    """The name a class is written under: ``__jsv_type__`` from its own body (never a base
    class's), else its ``__name__``."""
    own = cls.__dict__.get("__jsv_type__")
    return own if isinstance(own, str) else cls.__name__


def candidates(declared: tuple[type, ...]) -> list[type]:
    """The classes a map may be read as where ``declared`` is declared: each of them and
    their subclasses at any depth, in that order, without abstract classes."""
    found: list[type] = []
    pending = list(declared)
    while pending:
        cls = pending.pop(0)
        if cls in found:
            continue
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return [cls for cls in found if not inspect.isabstract(cls)]


def choose(declared: tuple[type, ...], hint: str) -> type | None:
    """The candidate the hint names, or None when it names none (or is empty).

    Raises Invalid when several candidates share the hint's short name and not exactly one
    of them has the hint (trimmed) as its own ``__jsv_type__``.
    """
    if not hint.strip():
        return None  # an empty hint is no hint
    wanted = short_name(hint)
    matches = [c for c in candidates(declared) if short_name(wire_type_name(c)) == wanted]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        return None
    exact = [c for c in matches if c.__dict__.get("__jsv_type__") == hint.strip()]
    if len(exact) == 1:
        return exact[0]
    names = ", ".join(f"{c.__module__}.{c.__qualname__}" for c in matches)
    raise Invalid(MSG_TYPE_AMBIGUOUS.format(hint=hint, names=names))


def subclass_named(declared: Any, hint: str) -> Any:
    """The class other than the declared one that the hint names among its subclasses,
    with the type arguments the declaration gives it (see parametrized), or None: where
    ``declared`` (a class, or a generic one with its arguments) is declared, the type to
    read instead."""
    origin = typing.get_origin(declared) or declared
    chosen = choose((origin,), hint)
    return None if chosen is None or chosen is origin else parametrized(chosen, declared)


def choose_declared(forms: tuple[Any, ...], hint: str) -> Any:
    """Among the candidates of a union's classes (as declared, with their type arguments),
    the one the hint names, with the type arguments its declared base gives it, or None."""
    origins = tuple(typing.get_origin(f) or f for f in forms)
    chosen = choose(origins, hint)
    if chosen is None:
        return None
    declared = next(f for f, o in zip(forms, origins, strict=True) if issubclass(chosen, o))
    return parametrized(chosen, declared)


def parametrized(chosen: type, declared: Any) -> Any:
    """``chosen``, a subclass of the declared class, with the type arguments that the
    declaration gives it: where ``Dog(Animal[U])`` is read for ``Animal[int]``, it is
    ``Dog[int]``. A type parameter of ``chosen`` that the declaration does not decide (one
    of its own, or one bound inside another type, ``Animal[list[U]]``) is ``Any``.

    >>> from dataclasses import dataclass
    >>> from typing import Generic, TypeVar
    >>> T, U = TypeVar("T"), TypeVar("U")
    >>> @dataclass
    ... class Animal(Generic[T]):
    ...     tag: T
    >>> @dataclass
    ... class Dog(Animal[U]):
    ...     bark: str = ""
    >>> parametrized(Dog, Animal[int]) == Dog[int]
    True
    """
    params = getattr(chosen, "__parameters__", ())
    if not params:
        return chosen  # not generic, or bound by its own bases (``IntDog(Animal[int])``)
    origin = typing.get_origin(declared) or declared
    given = dict(
        zip(getattr(origin, "__parameters__", ()), typing.get_args(declared), strict=False)
    )
    # how the declared class's parameters are bound, in terms of chosen's own parameters
    through = _class_bindings(chosen, {p: p for p in params}).get(origin, {})
    bound: dict[Any, Any] = {}
    for param, written in through.items():
        if param in given and isinstance(written, typing.TypeVar) and written in params:
            bound.setdefault(written, given[param])
    return chosen[tuple(bound.get(p, Any) for p in params)]  # type: ignore[index]


def hint_of(value: dict[str, Any]) -> str | None:
    """The hint of an untyped map: the value of its ``__type`` key (any spelling), if it is
    a text that is not empty (the last such key, as for any key written twice)."""
    found = value.get("__type")
    if found is None or any(k != "__type" and is_hint_key(k) for k in value):
        found = None
        for key, item in value.items():
            if is_hint_key(key):
                found = item
    return found if isinstance(found, str) and found.strip() else None


def not_named(expected: str, declared: tuple[type, ...], hint: str | None) -> Invalid:
    """The misfit of a map whose hint names no candidate where one must be named (a union
    of dataclasses, an abstract class)."""
    names = ", ".join(wire_type_name(c) for c in candidates(declared)) or "none"
    got = "no __type" if hint is None else f"__type {hint!r}"
    return Invalid(MSG_TYPE_NOT_NAMED.format(expected=expected, candidates=names, got=got))


def hint_spec(node: Node) -> Any:
    """Where a value declared as ``node`` is written, when it gets a ``__type`` hint (§23):

    - a dataclass ``B`` (the class itself): a dataclass value whose class is not ``B``;
    - ``True`` (a union of dataclasses): any dataclass value;
    - a 1-tuple ``(spec,)`` (a list, tuple or set of items, or a dict of values, declared
      as ``spec``): not the value itself, but its items (or values); ``spec`` is a list for
      a tuple whose items are declared apart (``tuple[Dog, Cat]``): the spec of each
      position (items past its end, or a map's values, get none);
    - ``None``: never (nothing of the kind is declared there).
    """
    while True:
        if isinstance(node, OptionalNode):
            node = node.inner
        elif isinstance(node, UnionNode):  # Dog | str counts as Dog (§19)
            if node.map_member is not None:
                node = node.map_member
            elif node.list_member is not None:
                node = node.list_member
            else:
                return None
        else:
            break
    if isinstance(node, ClassNode):
        return node.cls if node.kind == "dataclass" else None
    if isinstance(node, PolyNode):
        return True
    if isinstance(node, SequenceNode):
        inner = hint_spec(node.item)
    elif isinstance(node, DictNode):
        inner = hint_spec(node.value)
    elif isinstance(node, TupleNode) and node.items:
        specs = [hint_spec(item) for item in node.items]
        if all(spec is None for spec in specs):
            return None
        inner = specs[0] if all(spec == specs[0] for spec in specs) else specs
    else:
        return None
    return None if inner is None else (inner,)


def field_hints(cls: type) -> tuple[Any, ...] | None:
    """The :func:`hint_spec` of each field of dataclass ``cls``, in field order, or None
    when no field has one (or jsv cannot plan the class, which it can still write)."""
    params = getattr(cls, "__parameters__", ())
    try:
        # an instance does not keep the type arguments of a generic class, and which
        # classes its fields declare does not depend on them
        node = plan(cls[tuple(Any for _ in params)] if params else cls)  # type: ignore[index]
    except (TypeError, NameError):
        return None
    if not isinstance(node, ClassNode) or [f.name for f in node.fields] != [
        f.name for f in dataclasses.fields(cls)
    ]:
        return None
    specs = tuple(hint_spec(f.node) for f in node.fields)
    return specs if any(spec is not None for spec in specs) else None


def needs_hint(spec: Any, cls: type) -> bool:
    """Whether a dataclass instance of class ``cls`` written where ``spec`` is declared
    starts with a ``__type`` hint."""
    return spec is True or (spec is not None and type(spec) is not tuple and spec is not cls)
