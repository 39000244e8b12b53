"""What jsv works out about a class, cached on the class itself.

A module-level dict keyed by classes would keep every class ever encoded or decoded alive,
and with it everything its module holds: a program that makes classes at run time (a
plugin loader, a test suite, a notebook re-running a cell) would grow without end. So each
class carries its own cache, a dict in its ``__dict__`` under ``__jsv_cache__`` (as msgspec
keeps ``__msgspec_cache__``): what jsv knows of a class goes when the class goes. Entries
that refer back to the class (a plan node) make a cycle that the garbage collector frees
with the class.
"""

from __future__ import annotations

from typing import Any

_ATTRIBUTE = "__jsv_cache__"


def class_cache(cls: Any) -> dict[Any, Any] | None:
    """The cache of class ``cls`` (made on first use); None for a class that takes no
    attributes (a built-in type, or a metaclass that refuses), which is not cached.

    >>> class Point: ...
    >>> class_cache(Point)["answer"] = 42
    >>> class_cache(Point)
    {'answer': 42}
    >>> class_cache(int) is None
    True
    """
    try:
        found = cls.__dict__.get(_ATTRIBUTE)  # its own: never a base class's
    except AttributeError:
        return None
    if found is not None:
        return found  # type: ignore[no-any-return]
    cache: dict[Any, Any] = {}
    try:
        # type.__setattr__, past a metaclass's own (an enum's refuses nothing of this kind,
        # but checks every name against its members first)
        type.__setattr__(cls, _ATTRIBUTE, cache)
    except (AttributeError, TypeError):
        return None
    return cache
