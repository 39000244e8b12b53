"""What jsv caches about a class goes with the class.

Plans, converters, compact plans, field tables and the C encoder's class table are kept per
class; a program that makes classes at run time and drops them (a plugin loader, a test
suite, a notebook re-running a cell) must see them freed, on both kernels.
"""

from __future__ import annotations

import dataclasses
import enum
import gc
import sys
import weakref
from typing import Any

import pytest

import jsv
from jsv._classcache import class_cache

COUNT = 2_000
# Classes made at run time, which a type checker does not follow.
MAKE_ENUM: Any = enum.Enum
MAKE_INT_ENUM: Any = enum.IntEnum


def _use_once(index: int, keep: list[weakref.ref[Any]]) -> None:
    """Make a dataclass and an enum, decode and encode with them every way, and keep only
    weak references to them."""
    color = MAKE_ENUM(f"Color{index}", {"RED": "red", "GREEN": f"green{index}"})
    level = MAKE_INT_ENUM(f"Level{index}", {"LOW": 1, "HIGH": 2})
    # (no Optional[level]: typing keeps the last few Optional[X] it made in a cache of its own)
    member: Any = dataclasses.make_dataclass(
        f"Member{index}", [("name", str), ("color", color), ("level", level, level.LOW)]
    )
    doc = "{name:a,color:red,level:2}"
    value = jsv.loads(doc, type=member)
    assert jsv.dumps(value) == "{name:a,color:red,level:2}"
    assert jsv.loads(f"[{doc}]", type=list[member]) == [value]
    assert jsv.Decoder(dict[str, member], forbid_unknown_fields=True).decode(f"{{k:{doc}}}")
    assert jsv.Encoder(rename="pascal").encode([value]) == "[{Name:a,Color:red,Level:2}]"
    assert jsv.dumps({"c": color.RED, "l": level.HIGH}) == "{c:red,l:2}"
    with pytest.raises(jsv.ValidationError):
        jsv.loads("{name:a,color:blue}", type=member)
    keep.extend(weakref.ref(cls) for cls in (color, level, member))


def test_dropped_classes_are_freed(kernel: Any) -> None:
    class Probe:
        pass

    if sys.getrefcount(Probe) > 1 << 30:
        # The free-threaded 3.13 makes every class immortal once a second thread has
        # started (deferred reference counting is not finished there): none is ever freed.
        pytest.skip("classes are immortal in this process")
    keep: list[weakref.ref[Any]] = []
    for index in range(COUNT):
        _use_once(index, keep)
    gc.collect()
    alive = [ref() for ref in keep if ref() is not None]
    assert alive == []


def test_a_class_keeps_its_cache_in_its_own_dict() -> None:
    @dataclasses.dataclass
    class Base:
        a: int = 0

    @dataclasses.dataclass
    class Derived(Base):
        b: int = 0

    assert jsv.loads("{a:1}", type=Base) == Base(1)
    assert jsv.loads("{a:1,b:2}", type=Derived) == Derived(1, 2)
    base_cache, derived_cache = class_cache(Base), class_cache(Derived)
    assert base_cache is not None and derived_cache is not None
    assert base_cache is not derived_cache  # never a base class's
    assert "__jsv_cache__" in vars(Derived)
    assert class_cache(int) is None and class_cache(str) is None


def test_what_takes_no_attributes_has_no_cache() -> None:
    assert class_cache(object()) is None  # no __dict__ at all
    assert class_cache(dict) is None  # a built-in type refuses attributes
