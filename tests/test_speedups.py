"""The C accelerator against the pure-Python kernel: equal results or equal errors.

Every other test already runs on both kernels (see conftest.py); these tests call
``jsv._pure`` and ``jsv._speedups`` directly, side by side, on random and hostile input.
They do not depend on the active kernel, so they run once, in the C kernel's pass.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import decimal
import enum
import gc
import itertools
import json
import math
import os
import subprocess
import sys
import textwrap
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, Union

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jsv
from jsv import _errors, _kernel, _pure
from jsv._encode import RawKey

C: Any = pytest.importorskip("jsv._speedups")

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent

SETTINGS = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(autouse=True)
def _once(kernel: ModuleType) -> None:
    """Run each differential test once (in the C kernel's pass of the suite)."""
    if kernel is not C:
        pytest.skip("differential test: runs in the C kernel's pass")


def outcome(function: Callable[..., Any], *args: Any) -> tuple[Any, ...]:
    """("ok", type, value) or ("error", type, message, position, document)."""
    try:
        value = function(*args)
    except Exception as e:  # every exception is compared
        return ("error", type(e), str(e), getattr(e, "pos", None), getattr(e, "doc", None))
    return ("ok", type(value), value)


def same_decode(data: Any, trim: bool) -> None:
    """The C parser reads what the pure one reads, with its SSE2 paths and with their
    scalar twins."""
    expected = outcome(_pure.decode, data, trim)
    for vector in (True, False):
        with simd(vector):
            same_decode_as(expected, data, trim)


def same_decode_as(expected: tuple[Any, ...], data: Any, trim: bool) -> None:
    if expected[0] == "ok" and isinstance(data, str) and data.count("[") + data.count("{") > 500:
        # Too deep for ==, which recurses: compare the texts the (iterative) encoder writes.
        got = C.decode(data, trim)
        assert type(got) is expected[1]
        assert _pure.encode(got, None, None, None, True) == _pure.encode(
            expected[2], None, None, None, True
        )
        return
    assert outcome(C.decode, data, trim) == expected
    if expected[0] == "ok":
        assert_same_types(C.decode(data, trim), expected[2])


def assert_same_types(a: Any, b: Any) -> None:
    """Equal values of identical types all the way down (and canonical str objects)."""
    assert type(a) is type(b)
    if isinstance(a, dict):
        assert list(a) == list(b)
        for key in a:
            assert type(key) is type(next(k for k in b if k == key))
            assert_same_types(a[key], b[key])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_same_types(x, y)
    else:
        assert a == b


@contextlib.contextmanager
def simd(enabled: bool) -> Iterator[None]:
    """Run the C module's SSE2 paths (the default) or their scalar twins (encoder and
    parser)."""
    previous = C._set_simd(enabled)
    try:
        yield
    finally:
        C._set_simd(previous)


def same_encode(obj: Any, *options: Any) -> None:
    """The C encoder writes what the pure one writes, as a str and as UTF-8 bytes, with its
    SSE2 paths and with their scalar twins."""
    expected = outcome(_pure.encode, obj, *options)
    expected_bytes = outcome(_pure.encode_bytes, obj, *options)
    for vector in (True, False):
        with simd(vector):
            got = outcome(C.encode, obj, *options)
            assert got == expected
            if expected[0] == "ok":
                # A str built from a wider buffer must still compare equal: canonical form.
                assert C.encode(obj, *options) == expected[2]
            assert outcome(C.encode_bytes, obj, *options) == expected_bytes


# ---------------------------------------------------------------------------------------
# Decoding: random JSV-like text, valid and broken.

SPECIAL = '"{}[],: \t\r\n\x0b\x1c\u0085\u00a0\u2028\u3000\ufeff\x00'
WIDE = ["a", "é", "\u00ff", "\u0100", "→", "\ud800", "\udfff", "\U0001f600", "\U0010ffff"]
char = st.sampled_from(list(SPECIAL)) | st.sampled_from(WIDE) | st.characters(codec=None)
fragments = st.sampled_from(
    [
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        '"',
        '""',
        "{}",
        "[]",
        "{a:b}",
        "[a,b]",
        " ",
        "\n",
        "key",
        "value",
        "None",
        "{{X:1}:a}",
        "http://x",
        "\ufeff",
    ]
)
jsv_like = st.lists(char | fragments, max_size=30).map("".join)


@SETTINGS
@given(jsv_like, st.booleans())
def test_decode_random_text(text: str, trim: bool) -> None:
    same_decode(text, trim)
    same_decode("{" + text, trim)
    same_decode("[" + text, trim)


@SETTINGS
@given(jsv_like, st.booleans(), st.sampled_from(["", "é", "→", "\U0001f600"]))
def test_decode_every_pep393_kind(text: str, trim: bool, widener: str) -> None:
    # The same text in a 1-, 2- and 4-byte string (the widener sits in a value of its own).
    doc = "[" + text + "," + widener + "]" if widener else text
    same_decode(doc, trim)
    same_decode("{k" + widener + ":" + text + "}", trim)


@SETTINGS
@given(jsv_like, st.booleans(), st.sampled_from(["bytes", "bytearray", "memoryview"]))
def test_decode_utf8_bytes(text: str, trim: bool, kind: str) -> None:
    raw = text.encode("utf-8", "surrogatepass")  # lone surrogates: invalid UTF-8
    data: Any = {"bytes": raw, "bytearray": bytearray(raw), "memoryview": memoryview(raw)}[kind]
    same_decode(data, trim)


@SETTINGS
@given(st.binary(max_size=40), st.booleans())
def test_decode_random_bytes(raw: bytes, trim: bool) -> None:
    same_decode(raw, trim)
    same_decode(b"{a:" + raw + b"}", trim)


def test_decode_utf8_edge_forms() -> None:
    # Overlong forms, surrogates, code points above U+10FFFF, truncated and stray bytes,
    # next to valid sequences of every length (bytes are parsed in place when valid).
    forms = [
        b"\xc0\x80",
        b"\xc1\xbf",
        b"\xe0\x80\x80",
        b"\xe0\x9f\xbf",
        b"\xed\xa0\x80",
        b"\xed\xbf\xbf",
        b"\xf0\x8f\xbf\xbf",
        b"\xf4\x90\x80\x80",
        b"\xf5\x80\x80\x80",
        b"\xff",
        b"\x80",
        b"\xc3",
        b"\xe2\x82",
        b"\xf0\x9f\x98",
        b"\xc3\xa9",
        b"\xe2\x86\x92",
        b"\xf0\x9f\x98\x80",
        b"\xed\x9f\xbf",
        b"\xee\x80\x80",
        b"\xf4\x8f\xbf\xbf",
        b"\xc2\xa0",
        b"\xe2\x80\xa8",
        b"\xe3\x80\x80",
        b"\xc2\x85",
        b"\xe1\x9a\x80",  # U+1680, a space
        b"\xc0\xa0",  # an overlong space
        b"\xe0\x80\xa0",
        b"\xe3\x80",  # a space cut short
    ]
    for form in forms:
        for doc in (
            form,
            b"{a:" + form + b"}",
            b"[x," + form + b" ]",
            b"{" + form + b":x}",
            b"\xef\xbb\xbf[" + form + b",\xc3\xa9",
            b" " + form + b" ",
            # where the form is whitespace, or trimmed off a token, or after a syntax
            # error (the bytes are checked as they are parsed, and wholly on an error)
            b"[x, " + form + b"]",
            b"[x" + form + b"]",
            b"[x " + form + b"\xc3\xa9 " + form + b" ]",
            b"{a:x}}" + form,
            b"[" + form,
            b"{" + form + b"}",
            b'["a""b' + form + b'",c]',
            b"[\xc3\xa9]]" + form,
        ):
            for trim in (False, True):
                same_decode(doc, trim)


trees = st.recursive(
    st.text(char, max_size=10) | st.sampled_from(["", " a", "a ", "None", "{X:1}", "\ufeff"]),
    lambda children: (
        st.lists(st.none() | children, max_size=5).filter(lambda x: x != [None])
        | st.dictionaries(st.text(char, max_size=6), children, max_size=5)
    ),
    max_leaves=30,
)


@SETTINGS
@given(trees, st.booleans())
def test_decode_what_the_encoder_writes(tree: Any, trim: bool) -> None:
    text = _pure.encode(tree)
    same_decode(text, trim)
    pretty = _pure.encode(tree, "camel", 2)
    same_decode(pretty, trim)
    same_decode(pretty.encode("utf-8", "surrogatepass"), trim)


def corpus() -> Iterator[Path]:
    yield from sorted(DATA.rglob("*.jsv"))


def test_decode_the_corpus() -> None:
    files = list(corpus())
    assert files
    for path in files:
        raw = path.read_bytes()
        for trim in (False, True):
            same_decode(raw, trim)
            with contextlib.suppress(UnicodeDecodeError):
                same_decode(raw.decode("utf-8"), trim)


def test_decode_raw_keys() -> None:
    docs = [
        "{{X:1,Y:2}:a}",
        "{ { } : a , {{a:b}:c}:d}",
        "{{X:1}:[1,{{y:}:z}]}",
        "{{X:1}}",
        "{{X:1}:",
        "{{X:[}:a}",
        "{{}:a}",
    ]
    for doc in docs:
        for trim in (False, True):
            for map_key in (RawKey, str, lambda text: text.upper(), lambda text: [text]):
                assert outcome(C.decode_raw_keys, doc, trim, map_key) == outcome(
                    _pure.decode_raw_keys, doc, trim, map_key
                )

    def boom(text: str) -> str:
        raise ZeroDivisionError(text)

    for doc in docs:
        assert outcome(C.decode_raw_keys, doc, False, boom) == outcome(
            _pure.decode_raw_keys, doc, False, boom
        )
    tree = C.decode_raw_keys("{{X:1}:a}", False, RawKey)
    assert type(next(iter(tree))) is RawKey


def test_decode_bad_input_types() -> None:
    for data in (None, 1, 1.5, ["a"], object()):
        for trim in (False, True):
            same_decode(data, trim)


def test_decode_keyword_arguments() -> None:
    assert C.decode(data="{a:b}", trim=False) == {"a": "b"}
    assert C.decode_raw_keys("{{a:b}:c}", trim=True, map_key=str) == {"{a:b}": "c"}
    with pytest.raises(TypeError):
        C.decode("{}")
    with pytest.raises(TypeError):
        C.decode("{}", False, True)
    with pytest.raises(TypeError):
        C.decode("{}", trim=False, nope=1)
    with pytest.raises(TypeError):
        C.decode("{}", False, trim=True)


def test_key_cache_never_mixes_keys() -> None:
    # Many distinct keys (more than the cache holds), keys equal in text but from strings
    # of different widths, keys that differ only in their last character.
    keys = [f"k{i}" for i in range(10_000)] + ["x" * 63 + c for c in "abc"] + ["é", "→", "😀"]
    doc = "{" + ",".join(f"{k}:{i}" for i, k in enumerate(keys)) + "}"
    for _ in range(2):
        assert C.decode(doc, False) == _pure.decode(doc, False)
        wide = doc[:-1] + ",\U0001f600:x}"
        assert C.decode(wide, True) == _pure.decode(wide, True)
    for wide in ("", "é", "→", "😀"):
        doc = "[{name:String,id:1},{" + wide + ":x,name:None}]"
        same_decode(doc, False)


# ---------------------------------------------------------------------------------------
# Hostile input: deep nesting, huge strings, NULs, surrogates.


@pytest.mark.parametrize("opener", ["[", "{", "{a:", "[{a:"])
def test_deep_nesting(opener: str) -> None:
    for count in (_errors.MAX_DEPTH - 1, _errors.MAX_DEPTH, _errors.MAX_DEPTH + 1, 100_000):
        doc = opener * count
        for trim in (False, True):
            same_decode(doc, trim)
    depth = _errors.MAX_DEPTH
    same_decode("[" * depth + "]" * depth, False)
    same_decode("[" * (depth + 1) + "]" * (depth + 1), False)
    same_decode("{a:" * (depth - 1) + "{}" + "}" * (depth - 1), False)


def test_deep_encoding() -> None:
    for depth in (_errors.MAX_DEPTH - 1, _errors.MAX_DEPTH, _errors.MAX_DEPTH + 1, 100_000):
        items: list[Any] = []
        nested: Any = items
        for _ in range(depth - 1):
            items.append([])
            items = items[0]
        same_encode(nested)
        mapping: dict[str, Any] = {}
        nested = mapping
        for _ in range(depth - 1):
            mapping["k"] = {}
            mapping = mapping["k"]
        same_encode(nested)
    loop: list[Any] = [1]
    loop.append(loop)
    same_encode(loop)
    same_encode({"a": [{"b": loop}]})


def _chain(depth: int, back: int | None) -> Any:
    """Lists and maps alternating ``depth`` deep; the innermost holds the container at
    level ``back`` (0 is the outermost) when it is given: a circular reference."""
    levels: list[Any] = []
    for level in range(depth):
        levels.append([str(level)] if level % 2 else {"level": str(level)})
    for outer, inner in itertools.pairwise(levels):
        if isinstance(outer, list):
            outer.append(inner)
        else:
            outer["next"] = inner
    if back is not None:
        innermost = levels[-1]
        if isinstance(innermost, list):
            innermost.append(levels[back])
        else:
            innermost["back"] = levels[back]
    return levels[0]


@pytest.mark.parametrize("back", [0, 1, 3, 6, 7, 8, 9, 15, 28, 29])
@pytest.mark.parametrize("depth", [7, 8, 9, 10, 30, 300])
def test_circular_references_at_every_depth(depth: int, back: int) -> None:
    if back >= depth:
        return
    same_encode(_chain(depth, back))
    # a document that went deep, came back up and goes deep again through other
    # containers: the second chain's ancestors are not the first's
    same_encode([_chain(depth, None), _chain(depth, back)])
    same_encode({"a": _chain(depth + 3, None), "b": [[_chain(depth, back)]]})
    with pytest.raises(jsv.EncodeError, match="Circular reference detected"):
        C.encode([_chain(depth, None), _chain(depth, back)], None, None, None, False)


def test_huge_strings() -> None:
    big = "x" * 10_000_000
    same_decode("[" + big + "]", False)
    same_decode('{a:"' + big + '"}', True)
    same_decode('"' + big, False)  # unterminated
    same_encode([big, big + ","])
    same_encode({big: "é" * 1_000_000})


def test_nuls_and_surrogates() -> None:
    for text in ["\x00", "a\x00b", "\ud800", "\udfff\ud800", "\U0001f600\x00"]:
        same_decode(text, False)
        same_decode("{" + text + ":" + text + "}", True)
        same_decode('["' + text + '",' + text + "]", False)
        same_encode({text: [text, None, text]})


# ---------------------------------------------------------------------------------------
# Encoding.


class Color(enum.Enum):
    RED = "red, warm"
    BLUE = "blue"


class Level(enum.IntEnum):
    LOW = 1


class Mixed(enum.Enum):
    A = "a"
    B = 2


@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    y_value: str | None = None


@dataclasses.dataclass
class Box:
    user_id: int
    label: str | None = None
    child: Any = None
    points: list[Point] = dataclasses.field(default_factory=list)


SCALARS: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    2**64,
    -(2**100),
    0.0,
    -0.0,
    1.5,
    1e15,
    1e16,
    1e-5,
    1e-4,
    123456789012345.67,
    1234567890123456.7,
    5e-324,
    1.7976931348623157e308,
    math.nan,
    math.inf,
    -math.inf,
    "",
    " ",
    "a",
    " a",
    "a ",
    "a,b",
    'say "hi"',
    "\ufeffx",
    "x\ufeff",
    "\u00a0",
    "é",
    "→",
    "😀",
    "\ud800",
    "\x00",
    dt.datetime(2025, 1, 15),
    dt.datetime(2025, 1, 15, 9, 30),
    dt.datetime(2025, 1, 15, 9, 30, 0, 5, dt.UTC),
    dt.date(2025, 1, 2),
    dt.time(13, 13, 13),
    dt.time(1, tzinfo=dt.UTC),
    dt.timedelta(days=-1, seconds=5),
    decimal.Decimal("1.50"),
    decimal.Decimal("sNaN"),
    decimal.Decimal("-Infinity"),
    uuid.UUID(int=255),
    b"\x00\xff",
    bytearray(b"ab"),
    Color.RED,
    Color.BLUE,
    Level.LOW,
    Mixed.A,
    Mixed.B,
    RawKey("{X:1}"),
    frozenset({"b", "a"}),
    {"z", ""},
    (),
    ("a", None),
    Point(1),
    Box(1, "x", Point(2, "y")),
    object(),
    [object()],
    {1, object()},
    Point,
]
KEYS: list[Any] = [
    "",
    " ",
    "a",
    "a:b",
    "é",
    "→",
    "😀",
    "\ud800",
    1,
    -5,
    2.5,
    True,
    None,
    Color.RED,
    Level.LOW,
    dt.datetime(2025, 1, 1, 1, 2),
    dt.date(2025, 1, 1),
    uuid.UUID(int=1),
    RawKey("{a:1}"),
    Point(1, "q"),
    (1, 2),
    decimal.Decimal("2.0"),
    frozenset(),
    dt.time(1, tzinfo=dt.UTC),
]
# More digits than int -> str allows (kept out of Hypothesis, which would print them).
HUGE = 10**5000
scalars = st.sampled_from(SCALARS) | st.text(char, max_size=8) | st.integers() | st.floats()
keys = st.sampled_from(KEYS) | st.text(char, max_size=5)


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return (
        st.lists(children, max_size=4)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(keys, children, max_size=4)
        | st.builds(Box, st.integers(0, 3), st.none() | st.text(max_size=3), children)
    )


objects = st.recursive(scalars, _containers, max_leaves=20)


def to_none(value: Any) -> Any:
    return None


def to_text(value: Any) -> Any:
    return f"<{type(value).__name__}>"


def to_list(value: Any) -> Any:
    return [None] if not isinstance(value, list) else value


OPTIONS: list[tuple[Any, ...]] = [
    (),
    ("camel", None, None, False),
    ("pascal", 2, None, True),
    (None, "\t", to_text, False),
    ("snake", 0, to_none, False),
    ("camel", -3, to_none, True),
    (str.upper, "→ ", to_list, False),
    ("camel", None, repr, True),
    ("nope", None, None, False),
    ("camel", True, None, False),
    ("camel", 1.5, None, False),
    ("camel", None, None, 1),
]


@SETTINGS
@given(objects)
def test_encode_random_objects(obj: Any) -> None:
    for options in OPTIONS:
        same_encode(obj, *options)


@SETTINGS
@given(trees)
def test_encode_random_trees(tree: Any) -> None:
    same_encode(tree)
    same_encode(tree, "camel", 2, None, True)
    same_encode(tree, None, None, None, True)


def test_encode_scalars_and_keys() -> None:
    for value in [*SCALARS, HUGE]:
        for options in OPTIONS:
            same_encode(value, *options)
            same_encode([value, value], *options)
            same_encode([value], *options)
            same_encode({"k": value, "j": [value]}, *options)
    for key in [*KEYS, HUGE]:
        for options in OPTIONS[:8]:
            same_encode({key: "v", "other": None}, *options)
            same_encode({key: None}, *options)


def test_encode_floats() -> None:
    values = [float(f"1e{e}") for e in range(-330, 310)]
    values += [float(f"-1.2345e{e}") for e in range(-30, 30)]
    values += [float(2**53 + 1), 0.1 + 0.2, 1 / 3, 2.5e-5, 9.999999999999999e14, 1e15 - 1]
    for value in values:
        same_encode(value)
        same_encode({"f": [value]})


def test_encode_subclasses_and_iterables() -> None:
    class Dict(dict[Any, Any]):
        def items(self) -> Any:
            return [("b", 2), ("a", 1)]

    class List(list[Any]):
        pass

    class Tuple(tuple[Any, ...]):
        pass

    same_encode(Dict(x=1))
    same_encode(List(["a", None]))
    same_encode(Tuple(("a",)))
    same_encode(List([None]))
    same_encode({"a": List([1, List([2])])}, "camel", 1)

    class BadPairs(dict[Any, Any]):
        def items(self) -> Any:
            return [("a", 1, 2)]

    class FewPairs(dict[Any, Any]):
        def items(self) -> Any:
            return [("a",)]

    class NotPairs(dict[Any, Any]):
        def items(self) -> Any:
            return [5]

    for cls in (BadPairs, FewPairs, NotPairs):
        same_encode(cls())


def test_encode_scalar_subclasses_and_lying_objects() -> None:
    # subclasses of str, int, float and Decimal are written by their base value (none of
    # their methods runs); objects are told by type(), never by their __class__
    def junk(*args: Any) -> Any:
        return "junk"

    methods = ["__repr__", "__str__", "__format__", "__len__", "__float__", "__int__"]
    methods += ["__index__", "__abs__", "find", "replace", "isalnum", "isidentifier"]
    methods += ["is_nan", "is_snan", "is_infinite", "as_tuple", "hex"]
    values: list[Any] = []
    bases: list[tuple[type, list[Any]]] = [
        (str, ["plain", "", " a", 'a"b', "a,b", "é😀"]),
        (int, [0, -7, 2**70, HUGE]),
        (float, [1e-5, 1.5, 1e15, -0.0, math.nan, math.inf]),
        (decimal.Decimal, ["1.50", "1E+3", "NaN", "sNaN", "-Infinity"]),
    ]
    for base, samples in bases:
        namespace = {name: junk for name in methods if hasattr(base, name)}
        namespace["__hash__"] = base.__hash__
        cls: Any = type("Junk" + base.__name__.title(), (base,), namespace)
        values += [cls(sample) for sample in samples]

    @dataclasses.dataclass
    class Row:
        value: Any

    def liar(claim: Any, dataclass: bool) -> Any:
        def get_class(self: Any) -> Any:
            if isinstance(claim, BaseException):
                raise claim
            return claim

        namespace: dict[str, Any] = {"__class__": property(get_class), "x": 1}
        namespace["__annotations__"] = {"x": int}
        liar_cls: Any = type("Liar", (), namespace)
        return dataclasses.dataclass(liar_cls)() if dataclass else liar_cls()

    for claim in [dict, list, set, str, int, float, decimal.Decimal, type, Row, 42, TypeError()]:
        values += [liar(claim, False), liar(claim, True)]
    for value in values:
        for options in OPTIONS:
            same_encode(value, *options)
            same_encode([value, 1], *options)
            same_encode({"k": value}, *options)
            same_encode(Row(value), *options)
            with contextlib.suppress(TypeError):  # hashable ones
                same_encode({value: 1}, *options)
                same_encode({"a": {value: [value]}}, *options)


def test_encode_default_is_called_once_per_value() -> None:
    for module in (_pure, C):
        calls: list[Any] = []
        module.encode(
            {"a": [object(), object()], "b": object()},
            "camel",
            None,
            lambda value, calls=calls: calls.append(value) or str(len(calls)),
        )
        assert len(calls) == 3


def test_encode_mutation_during_encoding() -> None:
    def make() -> tuple[Any, Callable[[Any], Any]]:
        data: dict[str, Any] = {"a": 1, "b": object(), "c": 3}
        items: list[Any] = ["a", object(), "c"]

        def default(value: Any) -> Any:
            data["d"] = 4  # grows the dict being iterated
            items.append("more")
            return "x"

        return {"data": data, "items": items}, default

    for module_order in range(2):
        obj, default = make()
        obj2, default2 = make()
        if module_order:
            obj = obj["items"]
            obj2 = obj2["items"]
        assert outcome(C.encode, obj, "camel", None, default) == outcome(
            _pure.encode, obj2, "camel", None, default2
        )


# wire-extras §23: classes at module level, so that their annotations resolve
@dataclasses.dataclass(frozen=True)
class HintBase:
    name: str = "a b"


@dataclasses.dataclass(frozen=True)
class HintSub(HintBase):
    __jsv_type__: ClassVar[str] = "My.Ns.Sub, My"
    n: int = 1


@dataclasses.dataclass(frozen=True)
class HintOther(HintBase):
    pass


@dataclasses.dataclass
class Holder:
    one: HintBase | None = None
    many: list[HintBase] | None = None
    nested: list[list[HintBase]] | None = None
    table: dict[str, HintBase] | None = None
    either: Union[HintSub, HintOther] | None = None
    pair: tuple[HintBase, HintSub] | None = None
    group: frozenset[HintBase] | None = None
    loose: Any = None


def test_encode_type_hints() -> None:
    # both kernels write the same __type entries, in every mode
    class Odd:
        pass

    Base, Sub, Other = HintBase, HintSub, HintOther
    holders = [
        Holder(one=Sub(), many=[Base(), Other(), Sub()], nested=[[Sub()], []]),
        Holder(table={"k": Other(), "j": Base()}, either=Other(), pair=(Sub(), Sub())),
        Holder(group=frozenset([Sub(), Base()]), loose=[Sub()], one=Base()),
        Holder(many=[Odd(), Base()], either=Odd()),  # type: ignore[list-item, arg-type]
        Holder(one=Sub(name=None), many=[Other(name=None)]),  # type: ignore[arg-type]
    ]
    assert '{one:{__type:"My.Ns.Sub, My",name:a b,n:1}' in C.encode(holders[0])
    for holder in holders:
        for options in [
            (),
            ("pascal", 2),
            (None, "\t", None, True),
            ("camel", None, lambda v: Sub() if isinstance(v, Odd) else repr(v)),
        ]:
            same_encode(holder, *options)
            same_encode([holder, {"x": holder}], *options)
    same_encode(Sub(), "camel", None, None, False, Base)
    same_encode([Sub(), Base()], "camel", 1, None, False, (Base,))


def test_encode_keyword_arguments() -> None:
    assert C.encode(obj={"a": 1}, indent=None, keep_none=False) == "{a:1}"
    assert C.encode({"a": None}, keep_none=True) == "{a:}"
    with pytest.raises(TypeError):
        C.encode()
    with pytest.raises(TypeError):
        C.encode(1, obj=2)


# ---------------------------------------------------------------------------------------
# One place for the message texts; the stub; memory.


def test_c_uses_the_message_texts_of_jsv_errors() -> None:
    # In a fresh interpreter, change every message text of jsv._errors before the C module
    # is imported: its errors must carry the changed texts (nothing is duplicated in C).
    script = textwrap.dedent(
        """
        import os, sys
        os.environ["JSV_PURE"] = "1"
        import jsv._errors as E
        names = [
            "MSG_UNTERMINATED_STRING", "MSG_UNTERMINATED_MAP", "MSG_UNTERMINATED_LIST",
            "MSG_EXPECTED_COLON", "MSG_EXPECTED_MAP_SEP", "MSG_EXPECTED_LIST_SEP",
            "MSG_EXTRA_DATA", "MSG_TOO_DEEP", "MSG_INVALID_UTF8", "MSG_BAD_INPUT_TYPE",
            "MSG_UNSUPPORTED_TYPE", "MSG_UNSUPPORTED_KEY", "MSG_SINGLE_NONE_LIST",
            "MSG_CIRCULAR", "MSG_ENCODE_TOO_DEEP", "MSG_LONE_SURROGATE",
        ]
        import jsv._encode as pure_encoder  # its own copies: used by the Python helpers
        for name in names:
            setattr(E, name, "<" + name + ">" + getattr(E, name))
            if hasattr(pure_encoder, name):
                setattr(pure_encoder, name, getattr(E, name))
        from jsv import _speedups as C
        seen = set()
        def check(call, *args):
            try:
                call(*args)
            except Exception as e:
                text = str(e)
                found = [n for n in names if ("<" + n + ">") in text]
                assert found, text
                seen.update(found)
            else:
                raise AssertionError(args)
        for doc in ['"x', "{a:b", "[a", "{a}", '{a:"x" b}', '["a" b', '"a" b', "[" * 2000]:
            check(C.decode, doc, False)
        check(C.decode, b"\\xff", False)
        check(C.decode, 5, False)
        loop = []
        loop.append(loop)
        nested = []
        for _ in range(2000):
            nested = [nested]
        for obj in [object(), {object(): 1}, [None], loop, nested]:
            check(C.encode, obj)
        check(C.encode_bytes, ["\\ud800"])
        print(sorted(seen))
        assert seen == set(names), set(names) - seen
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr


def test_c_uses_max_depth_of_jsv_errors() -> None:
    script = textwrap.dedent(
        """
        import os
        os.environ["JSV_PURE"] = "1"
        import jsv._errors as E
        E.MAX_DEPTH = 3
        from jsv import _speedups as C
        assert C.decode("[[[a]]]", False) == [[["a"]]]
        try:
            C.decode("[[[[a]]]]", False)
        except E.DecodeError as e:
            assert e.pos == 3, e.pos
        else:
            raise AssertionError("no error")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr


def test_module_imported_again() -> None:
    """The module keeps its objects in its own state (PEP 489): imported again, the new
    module works, and so does the old one, until it is released."""
    script = textwrap.dedent(
        """
        import dataclasses, gc, sys, sysconfig
        import jsv, jsv._speedups as first

        @dataclasses.dataclass
        class P:
            x: int
            tags: list[str]

        def check(module):
            assert module.decode("{a:[b,c]}", False) == {"a": ["b", "c"]}
            assert module.encode({"a": [1, None, "x,y"]}) == '{a:[1,,"x,y"]}'
            assert module.encode_bytes(P(1, ["t"])) == b"{x:1,tags:[t]}"
            try:
                module.decode("{a:", False)
            except jsv.DecodeError as e:
                assert e.pos == 3, e.pos
            else:
                raise AssertionError("no error")

        check(first)
        del sys.modules["jsv._speedups"]
        import jsv._speedups as second
        assert second is not first
        check(second)
        check(first)
        del first
        gc.collect()
        check(second)
        jsv._kernel.use(second)
        assert jsv.loads("{x:2,tags:[a]}", type=P) == P(2, ["a"])
        if sysconfig.get_config_var("Py_GIL_DISABLED"):
            assert not sys._is_gil_enabled()
        """
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_errors_are_the_python_classes() -> None:
    with pytest.raises(jsv.DecodeError) as decode_error:
        C.decode("{a:[1}", False)
    assert type(decode_error.value) is _errors.DecodeError
    assert (decode_error.value.pos, decode_error.value.lineno, decode_error.value.colno) == (
        6,
        1,
        7,
    )
    with pytest.raises(jsv.EncodeError) as encode_error:
        C.encode({"a": [1, object()]})
    assert type(encode_error.value) is _errors.EncodeError
    assert str(encode_error.value) == "Object of type object is not JSV serializable (at $.a[1])"


def test_kernel_selection() -> None:
    assert C in _kernel.available()
    script = "import jsv, jsv._kernel as k; print(jsv.speedups, k.active.__name__)"
    for value, expected in (("1", "False jsv._pure"), ("", "True jsv._speedups")):
        env = dict(os.environ, JSV_PURE=value)
        result = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            check=True,
        )
        assert result.stdout.split() == expected.split()


def test_stub_matches_the_module() -> None:
    pytest.importorskip("mypy", reason="mypy.stubtest needs mypy (not installed)")
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "jsv._speedups"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _memory_workload() -> Callable[[int], None]:
    docs: list[Any] = [
        "{a:b,c:[d,,e],f:{g:h}}",
        '{ a : [ x , y ] , b : "q""q" }',
        "[a,b,",
        '{a:"x',
        "{a:[1}",
        "{{X:1}:a}",
        "é→😀",
        "{é:→,😀:[\ud800]}",
        b"{a:b}",
        b"\xff\xfe",
        bytearray(b"[x]"),
        memoryview(b"{k:v}"),
        "[" * 1100,
        "{a:" * 50,
        "  ",
        "\ufeff{a:b}",
        5,
    ]
    loop: list[Any] = []
    loop.append(loop)
    objs: list[Any] = [
        {"a": "b", "c": [1, None, 2.5], "d": {"e": True}},
        {"é": ["→", "😀"]},
        ["é→😀" * 20, "\ud800", {"k": "x\udfff"}],
        [object()],
        {object(): 1},
        loop,
        [None],
        Box(1, "x", Point(2)),
        {frozenset(): 1},
        {"s": {3, 1, 2}, "t": (dt.date(2025, 1, 1), decimal.Decimal("1.5"))},
        {"x": decimal.Decimal("sNaN")},
        {Point(1): [Color.RED]},
    ]

    options = [("camel", None, None, False), ("pascal", 2, to_text, True)]

    def run(n: int) -> None:
        # n operations: decodes (both modes, raw keys) and encodes (two option sets).
        for i in range(n):
            step = i % 4
            if step < 3:
                doc = docs[i // 4 % len(docs)]
                with contextlib.suppress(jsv.DecodeError, TypeError):
                    if step == 2:
                        C.decode_raw_keys(doc, False, RawKey)
                    else:
                        C.decode(doc, step == 1)
            else:
                obj = objs[i // 4 % len(objs)]
                with contextlib.suppress(jsv.EncodeError):
                    if i % 8 == 7:
                        C.encode_bytes(obj, *options[i // 8 % 2])
                    else:
                        C.encode(obj, *options[i // 4 % 2])

    return run


def test_no_memory_growth() -> None:
    run = _memory_workload()
    run(2_000)  # warm up: caches, interned names, lru_caches
    gc.collect()
    tracemalloc.start()
    try:
        run(1_000)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        run(100_000)  # 75,000 decodes and 25,000 encodes
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    # A leak of even one small object per call would be megabytes here.
    assert after - before < 256 * 1024, (before, after)


def test_json_and_jsv_agree_on_a_large_document() -> None:
    records = [
        {"id": str(i), "name": f"Name {i}", "tags": ["a", "b, c", None, "é→"], "empty": {}}
        for i in range(2_000)
    ]
    text = C.encode(records)
    assert text == _pure.encode(records)
    assert C.decode(text, False) == records == json.loads(json.dumps(records))
    assert C.decode(text.encode(), True) == _pure.decode(text.encode(), True)


def test_encoding_finds_a_special_character_at_every_place() -> None:
    # the C encoder checks short texts in overlapping halves and long ones in 16-byte
    # blocks ending on an overlapping one: every length and place must quote alike
    texts = []
    for length in range(1, 41):
        for place in range(length):
            for special in '":,{}[]\r\n':
                texts.append("a" * place + special + "a" * (length - place - 1))
    wide = [text + "→" for text in texts[::7]]
    for options in (("camel", None, None, False), ("camel", 2, None, False)):
        same_encode(texts, *options)
        same_encode(wide, *options)
        same_encode({text: text for text in texts[::3]}, *options)


def test_encoding_scans_wide_text_at_every_place() -> None:
    # UCS-2 and UCS-4 texts are scanned 16 characters at a time for specials and '"', and
    # written as UTF-8 a vector at a time: a special, a '"' or a non-ASCII character at
    # every place of every length must come out as the pure encoder writes it
    texts = []
    for length in range(1, 41):
        for place in range(length):
            for special in ('"', ",", "}", "\n", "é", "→", "\U0001f600", "\ud800"):
                for widener in ("", "é", "→", "\U0001f600"):
                    head = (widener + "a" * length)[:length]
                    texts.append(head[:place] + special + head[place + 1 :])
    for options in (("camel", None, None, False), ("camel", 2, None, False)):
        same_encode(texts, *options)
        same_encode([t for t in texts if "\ud800" not in t], *options)
        same_encode({t: t for t in texts[::5] if "\ud800" not in t}, *options)


def test_encode_bytes_lone_surrogates() -> None:
    # like str.encode(): the first lone surrogate of the text is the error, also when it
    # is in a key, or a surrogate pair written as two code points; an entry taken out
    # again (default= gave None) takes its surrogates with it
    cases: list[Any] = [
        "\ud800",
        ["a", "b\udfffc", "\ud800"],
        {"\ud83d\ude00": "x"},
        {"k": "é" * 40 + "\udc00"},
        {"\ud800": object(), "ok": "1"},
        {"a": object(), "b\udabc": object(), "c": "\udc01", "d": object()},
        [object(), "\U0010ffff\ud800"],
    ]
    refused = 0
    for obj in cases:
        for default in (None, to_none, to_text):
            same_encode(obj, "camel", None, default)
            same_encode(obj, "camel", 2, default)
            expected = outcome(_pure.encode_bytes, obj, "camel", None, default)
            refused += expected[0] == "error" and "lone surrogate" in expected[2]
    assert refused >= 10


def test_decoding_utf8_finds_a_wide_character_at_every_place() -> None:
    # bytes input: keys and values are checked for non-ASCII bytes in overlapping 4- and
    # 8-byte loads; a character of 2, 3 or 4 bytes at every place of every length must read
    # as the pure decoder reads it
    for length in range(1, 21):
        for place in range(length):
            for wide in ("é", "→", "😀"):
                text = "a" * place + wide + "a" * (length - place - 1)
                for doc in (f"{{{text}:{text}}}", f"[{text},{text}]", f'{{"{text}":"{text}"}}'):
                    for trim in (False, True):
                        same_decode(doc.encode(), trim)
