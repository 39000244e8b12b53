"""The C accelerator builds on every CPython and builds the same objects on each.

CPython's internals change between versions (3.13 keeps a fresh object's attributes
inline, 3.14 drops dict version tags, ...): the C sources use the public API, and the few
internals kept for speed live in jsv/_compat.h behind version checks. The first test holds
the sources to that; the others pin what went wrong when they were not.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Optional

import pytest

import jsv

# The sources of the checkout or unpacked sdist under test (an installed jsv has none).
SOURCES = Path(__file__).parent.parent / "jsv"
SHIM = "_compat.h"

# Names of CPython's private API and of struct fields that are no API at all.
INTERNAL = re.compile(
    r"\b(_Py[A-Za-z_]\w*|ma_version_tag|ob_digit|ma_keys|ma_values|tp_dict\b|tp_version_tag"
    r"|Py_TPFLAGS_VALID_VERSION_TAG)"
)


def test_internals_only_in_the_shim() -> None:
    sources = sorted(SOURCES.glob("*.c")) + sorted(SOURCES.glob("*.h"))
    assert any(p.name == SHIM for p in sources)
    found = []
    for path in sources:
        if path.name == SHIM:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in INTERNAL.finditer(line):
                found.append(f"{path.name}:{number}: {match.group(0)}")
    assert found == []


def test_setup_builds_every_source() -> None:
    """setup.py's Extension compiles every C file and depends on every header."""
    setup = (SOURCES.parent / "setup.py").read_text(encoding="utf-8")
    named = set(re.findall(r"\"jsv/([\w.]+\.[ch])\"", setup))
    on_disk = {p.name for p in SOURCES.glob("*.c")} | {p.name for p in SOURCES.glob("*.h")}
    assert named == on_disk


def test_shim_keeps_each_internal_behind_a_version_check() -> None:
    """Every internal the shim names sits inside a block guarded by the version check
    (JSV_INTERNALS_HEX: PY_VERSION_HEX, or past every known version with
    JSV_PUBLIC_API_ONLY)."""
    depth_guards: list[bool] = []
    unguarded = []
    for number, line in enumerate((SOURCES / SHIM).read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("#if"):
            depth_guards.append("JSV_INTERNALS_HEX" in stripped)
        elif stripped.startswith("#endif"):
            depth_guards.pop()
        elif stripped.startswith("*") or stripped.startswith("/*"):
            continue  # the header's own description
        elif INTERNAL.search(line) and not any(depth_guards):
            unguarded.append(f"{number}: {stripped}")
    assert unguarded == []


@dataclasses.dataclass
class Q:
    x: Optional[int] = None  # noqa: UP045
    y: Optional[str] = None  # noqa: UP045


@dataclasses.dataclass
class Required:
    x: int
    y: str


@dataclasses.dataclass
class WithFactory:
    x: int
    tags: list[str] = dataclasses.field(default_factory=list)


def test_fields_are_attributes_of_the_object() -> None:
    """Read as attributes and as __dict__ alike (CPython 3.13 keeps a fresh object's
    attributes inline: filling its __dict__ wholesale left them unset)."""
    q = jsv.loads("{x:1,y:hello}", type=Q)
    assert (q.x, q.y) == (1, "hello")
    assert vars(q) == {"x": 1, "y": "hello"}
    assert repr(q) == "Q(x=1, y='hello')"
    r = jsv.loads("{y:b,x:2}", type=Required)
    assert (r.x, r.y) == (2, "b")
    assert str(r) == "Required(x=2, y='b')"
    w = jsv.loads("{x:3}", type=WithFactory)
    assert (w.x, w.tags) == (3, [])
    assert list(vars(w)) == ["tags", "x"]  # the fast constructor's order: factories, then fields
    w.x = 4
    assert w.x == 4 and vars(w)["x"] == 4


@pytest.mark.parametrize(
    ("text", "x", "y"), [("{x:1}", 1, None), ("{x:1,y:}", 1, None), ("{}", None, None)]
)
def test_defaults_and_empty_values_are_attributes(text: str, x: int | None, y: None) -> None:
    q = jsv.loads(text, type=Q)
    assert (q.x, q.y) == (x, y)
    assert vars(q) == {"x": x, "y": y}
