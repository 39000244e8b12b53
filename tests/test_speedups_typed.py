"""The C typed executor against the pure one: equal values or equal errors.

``jsv._speedups.decode_typed`` executes the same plans as the pure converters of
``jsv._typed``; every typed test already runs through it in the C kernel's pass (see
conftest.py). These tests put the two executors side by side on random annotated types,
random values of them, and random corruptions of their text, and check that the C pass
really decodes the common documents itself instead of handing them to the pure path.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import decimal
import enum
import gc
import tracemalloc
import uuid
from collections.abc import Callable
from types import ModuleType
from typing import Any, Literal, NamedTuple, Optional, TypedDict, Union

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shared import Level

import jsv
from jsv import _errors, _kernel, _pure
from jsv._typed import Decoder

C: Any = pytest.importorskip("jsv._speedups")

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture(autouse=True)
def _once(kernel: ModuleType) -> None:
    """Run each differential test once (in the C kernel's pass of the suite)."""
    if kernel is not C:
        pytest.skip("differential test: runs in the C kernel's pass")


def outcome(
    function: Callable[..., Any], *args: Any, show: Callable[[Any], str] = repr
) -> tuple[Any, ...]:
    """("ok", type, repr) or ("error", type, message, position, path)."""
    try:
        value = function(*args)
    except Exception as e:  # every exception is compared
        return ("error", type(e), str(e), getattr(e, "pos", None), getattr(e, "path", None))
    return ("ok", type(value), show(value))


def same_typed(decoder: Decoder[Any], data: Any) -> tuple[Any, ...]:
    """Decode with both executors; they must agree. Returns the outcome."""
    expected = outcome(decoder._decode_tree, data)
    assert outcome(decoder.decode, data) == expected
    return expected


def decoded_in_c(decoder: Decoder[Any], data: Any) -> Any:
    """Decode with the C executor alone: fails if it hands the document to the pure path."""

    def fallback(_: Any, invalid: Any) -> Any:
        raise AssertionError(f"the C executor did not decode the document: {invalid!r}")

    return C.decode_typed(data, decoder.trim, decoder._compact, fallback)


# ---- a menu of types and values -------------------------------------------------------


class Color(enum.Enum):
    RED = "Red"
    GREEN = "Green"
    NONE = "None"


class Perm(enum.Flag):
    R = 1
    W = 2


TEXT = st.text(alphabet=st.sampled_from('ab Z,:{}[]"\n\t é→😀'), max_size=8)

SCALARS: list[tuple[Any, st.SearchStrategy[Any]]] = [
    (int, st.integers(-(10**20), 10**20)),
    (str, TEXT),
    (bool, st.booleans()),
    (float, st.floats(allow_nan=False)),
    (decimal.Decimal, st.decimals(allow_nan=False, allow_infinity=False, places=3)),
    (dt.datetime, st.datetimes()),
    (dt.date, st.dates()),
    (dt.timedelta, st.timedeltas()),
    (uuid.UUID, st.uuids()),
    (bytes, st.binary(max_size=6)),
    (Color, st.sampled_from(Color)),
    (Level, st.sampled_from(Level)),
    (Perm, st.sampled_from([Perm.R, Perm.W, Perm.R | Perm.W])),
    (Literal["x", "y"], st.sampled_from(["x", "y"])),
    (Union[int, str], st.one_of(st.integers(), TEXT)),
    (Any, st.one_of(TEXT, st.lists(TEXT, max_size=3), st.dictionaries(TEXT, TEXT, max_size=2))),
]

_counter = [0]
# Subscripted at run time with types drawn by hypothesis.
_OPTIONAL: Any = Optional
_LIST: Any = list
_DICT: Any = dict
_TUPLE: Any = tuple


def _dataclass(members: list[tuple[Any, st.SearchStrategy[Any]]], options: int) -> Any:
    _counter[0] += 1
    fields: list[Any] = []
    for index, (tp, _) in enumerate(members):
        name = f"field_{index}" if index % 2 else f"f{index}"
        if options & 4 and index == len(members) - 1:
            fields.append((name, _OPTIONAL[tp], dataclasses.field(default=None)))
        elif options & 8 and index == len(members) - 1:
            fields.append((name, _LIST[tp], dataclasses.field(default_factory=list)))
        else:
            fields.append((name, tp))
    return dataclasses.make_dataclass(
        f"Gen{_counter[0]}", fields, frozen=bool(options & 1), slots=bool(options & 2)
    )


@st.composite
def dataclass_types(draw: st.DrawFn, inner: st.SearchStrategy[Any]) -> Any:
    members = draw(st.lists(inner, min_size=1, max_size=4))
    options = draw(st.integers(0, 15))
    cls = _dataclass(members, options)
    strategies = {}
    for index, f in enumerate(dataclasses.fields(cls)):
        strategy = members[index][1]
        if options & 4 and index == len(members) - 1:
            strategy = st.none() | strategy
        elif options & 8 and index == len(members) - 1:
            strategy = st.lists(strategy, max_size=2)
        strategies[f.name] = strategy
    return cls, st.builds(cls, **strategies)


def _wrap(pair: tuple[Any, st.SearchStrategy[Any]], how: str) -> tuple[Any, Any]:
    tp, values = pair
    if how == "list":
        return _LIST[tp], st.lists(values, max_size=3)
    if how == "optional":
        return _OPTIONAL[tp], st.none() | values
    if how == "dict":
        return _DICT[str, tp], st.dictionaries(TEXT, values, max_size=3)
    if how == "intdict":
        return _DICT[int, tp], st.dictionaries(st.integers(-5, 5), values, max_size=3)
    return _TUPLE[tp, ...], st.lists(values, max_size=3).map(tuple)


TYPES: st.SearchStrategy[tuple[Any, st.SearchStrategy[Any]]] = st.recursive(
    st.sampled_from(SCALARS),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["list", "optional", "dict", "intdict", "tuple"])).map(
            lambda p: _wrap(*p)
        ),
        dataclass_types(inner),
    ),
    max_leaves=6,
)


def _corrupt(text: str, edits: list[tuple[int, int, str]]) -> str:
    for where, action, char in edits:
        i = where % (len(text) + 1)
        if action == 0:
            text = text[:i] + char + text[i:]
        elif action == 1:
            text = text[:i] + text[i + 1 :]
        else:
            text = text[:i] + char + text[i + 1 :]
    return text


EDITS = st.lists(
    st.tuples(st.integers(0, 10_000), st.integers(0, 2), st.sampled_from('{}[],:" x1\n')),
    max_size=3,
)


@SETTINGS
@given(st.data(), TYPES, st.booleans(), st.booleans(), st.booleans(), EDITS)
def test_random_types_values_and_corruptions(
    data: st.DataObject,
    pair: tuple[Any, st.SearchStrategy[Any]],
    trim: bool,
    forbid: bool,
    as_bytes: bool,
    edits: list[tuple[int, int, str]],
) -> None:
    tp, values = pair
    try:
        decoder = Decoder(tp, trim=trim, forbid_unknown_fields=forbid)
    except TypeError:  # a union that cannot be mapped, ...
        assume(False)
        raise
    value = data.draw(values)
    try:
        text = jsv.dumps(value, indent=2 if trim else None)
    except jsv.EncodeError:
        assume(False)
        raise
    for doc in (text, _corrupt(text, edits)):
        result = same_typed(decoder, doc.encode() if as_bytes else doc)
        if doc is text and result[0] == "ok":
            # a document that fits is decoded by the C executor itself
            assert repr(decoded_in_c(decoder, doc)) == result[2]


@SETTINGS
@given(TYPES, st.text(alphabet=st.sampled_from('{}[],:"ab1 \n'), max_size=30), st.booleans())
def test_random_text(pair: tuple[Any, Any], text: str, trim: bool) -> None:
    try:
        decoder = Decoder(pair[0], trim=trim)
    except TypeError:
        assume(False)
        raise
    same_typed(decoder, text)


# ---- classes users rely on -----------------------------------------------------------


@dataclasses.dataclass
class Checked:
    name: str
    count: int = 0
    seen: list[str] = dataclasses.field(default_factory=list)
    label: str = dataclasses.field(init=False, default="?")

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError("count must not be negative")
        self.label = f"{self.name}#{self.count}"


@dataclasses.dataclass(frozen=True)
class Frozen:
    x: int
    y: str | None = None


@dataclasses.dataclass(slots=True)
class Slotted:
    x: int
    tags: dict[str, int] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Plain:
    a: Color | None = None
    b: bool = False
    c: float | None = None
    d: list[int] | None = None
    e: dict[str, Any] | None = None
    f: str = ""


class Movie(TypedDict, total=False):
    title: str
    year: int


class Pair(NamedTuple):
    left: int
    right: str = "r"


@dataclasses.dataclass
class Tree:
    label: str
    children: list[Tree] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Everything:
    checked: Checked
    frozen: list[Frozen]
    slotted: Slotted | None
    plain: Plain
    movie: Movie
    pair: Pair
    keyed: dict[Frozen, int]
    levels: dict[Level, Color]
    moment: dt.datetime | None = None


EVERYTHING = Everything(
    Checked("a", 2, ["x"]),
    [Frozen(1), Frozen(2, "two")],
    Slotted(3, {"k": 4}),
    Plain(Color.GREEN, True, 0.5, [1, 2], {"x": ["y"]}, "text"),
    {"title": "T", "year": 1999},
    Pair(1),
    {Frozen(5, "f"): 6},
    {Level.HIGH: Color.RED},
    dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
)

DOCS = [
    jsv.dumps(EVERYTHING),
    jsv.dumps(EVERYTHING, rename="pascal"),
    jsv.dumps(EVERYTHING, rename="snake", indent=2),
    "{checked:{name:a,count:-1}}",
    "{checked:{name:a,count:x}}",
    "{checked:{name:a},frozen:[{x:1},{x:}],slotted:,plain:{},movie:{},pair:[1],keyed:{},levels:{}}",
    "{checked:{name:a},frozen:[],slotted:{x:1,x:2},plain:{a:Blue},movie:{},pair:[1],"
    "keyed:{},levels:{}}",
    "{checked:{name:a,Name:b},frozen:[],plain:{},movie:{},pair:[1,x,y],keyed:{},levels:{}}",
    "{checked:{name:a},frozen:[],plain:{},movie:{year:1,year:x},pair:[1],keyed:{"
    "{x:1}:1,{X:01}:2},levels:{1:Red,01:Green}}",
    "{checked:{name:a},frozen:[],plain:{},movie:{},pair:[1],keyed:{},levels:{},extra:[}",
    "{__type:X,checked:{name:a,label:zz},frozen:[],plain:{b:true,c:1E+15},movie:{},pair:[1],"
    "keyed:{},levels:{HIGH:none}}",
]


@pytest.mark.parametrize("trim", [False, True])
@pytest.mark.parametrize("forbid", [False, True])
@pytest.mark.parametrize("doc", DOCS)
def test_user_classes(doc: str, trim: bool, forbid: bool) -> None:
    decoder = Decoder(Everything, trim=trim, forbid_unknown_fields=forbid)
    same_typed(decoder, doc)
    same_typed(decoder, doc.encode())


def test_the_c_executor_decodes_fitting_documents_itself() -> None:
    decoder = Decoder(Everything)
    value = decoded_in_c(decoder, DOCS[0])
    assert value == EVERYTHING
    assert value.checked.label == "a#2"  # __post_init__ ran, init=False kept its default
    assert decoded_in_c(Decoder(Everything, trim=True), DOCS[2].encode()) == EVERYTHING
    from jsv.examples import seed_sample
    from jsv.examples.evovoice import SessionInfo

    session = decoded_in_c(Decoder(SessionInfo, trim=True), seed_sample())
    assert session == jsv.loads(seed_sample(), type=SessionInfo, trim=True)


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        # f twice: C reads this map again from its text, behind the bytes it has passed
        ('{f:"é,1",e:{k:ü},f:zß}', Plain(e={"k": "ü"}, f="zß")),
        ("{e:{k:ü},f:x,f:é}", Plain(e={"k": "ü"}, f="é")),
        ("{f:ascii,e:{k:v},f:ok}", Plain(e={"k": "v"}, f="ok")),
        ("{e:{ü:[a,ß,c]},f:→}", Plain(e={"ü": ["a", "ß", "c"]}, f="→")),
    ],
)
def test_utf8_bytes_read_again_or_in_order(doc: str, expected: Plain) -> None:
    decoder = Decoder(Plain)
    assert decoded_in_c(decoder, doc.encode()) == expected
    assert decoder.decode(doc.encode()) == decoder._decode_tree(doc.encode()) == expected
    assert jsv.loads(doc.encode()) == jsv.loads(doc)


def test_fallbacks_give_the_pure_errors() -> None:
    decoder = Decoder(Everything)
    with pytest.raises(jsv.ValidationError) as info:
        decoder.decode("{checked:{name:a,count:-1}}")
    assert info.value.path == "$.checked"
    # malformed text later in the document wins over an earlier value that does not fit
    with pytest.raises(jsv.DecodeError):
        decoder.decode("{checked:{name:a,count:x},frozen:[}")


def test_instance_state_matches_the_pure_constructor() -> None:
    decoder = Decoder(Plain)
    doc = "{f:z,b:true,a:Red}"
    c_value = decoder.decode(doc)
    pure_value = decoder._decode_tree(doc)
    assert list(vars(c_value).items()) == list(vars(pure_value).items())
    decoder2 = Decoder(Checked)
    doc2 = "{count:3,name:n}"
    assert list(vars(decoder2.decode(doc2)).items()) == list(
        vars(decoder2._decode_tree(doc2)).items()
    )


def _nested(depth: int, leaf: str = "x") -> str:
    return "{label:a,children:[" * depth + "{label:" + leaf + "}" + "]}" * depth


@pytest.mark.parametrize("depth", [1, 30, 70, 400, 499, 500, 501, 2000])
def test_deep_typed_nesting(depth: int) -> None:
    decoder = Decoder(Tree)

    def show(value: Any) -> str:  # repr and == recurse: the pure encoder does not
        return _pure.encode(value, None, None, None, True)

    expected = outcome(decoder._decode_tree, _nested(depth), show=show)
    result = outcome(decoder.decode, _nested(depth), show=show)
    assert result == expected
    # a tree level is two levels of nesting (a map and its list); the leaf map one more
    if 2 * depth + 1 <= _errors.MAX_DEPTH:
        assert result[0] == "ok"
        assert show(decoded_in_c(decoder, _nested(depth))) == result[2]
    else:
        assert result[:2] == ("error", jsv.DecodeError)
        assert result[2].startswith(_errors.MSG_TOO_DEEP)


@pytest.mark.parametrize("depth", [997, 998, 999, 1000, 1001])
def test_deep_untyped_value_in_a_typed_field(depth: int) -> None:
    decoder = Decoder(dict[str, list[Any]])
    doc = "{a:[" + "[" * (depth - 2) + "]" * (depth - 2) + "]}"

    def show(value: Any) -> str:  # repr and == recurse: the pure encoder does not
        return _pure.encode(value, None, None, None, True)

    expected = outcome(decoder._decode_tree, doc, show=show)
    assert outcome(decoder.decode, doc, show=show) == expected
    if expected[0] == "error":
        assert expected[2].startswith(_errors.MSG_TOO_DEEP)
    else:
        assert depth <= _errors.MAX_DEPTH


def test_the_pure_kernel_uses_the_pure_executor() -> None:
    decoder = Decoder(Plain)
    _kernel.use(_pure)
    try:
        assert decoder.decode("{a:Red}") == Plain(Color.RED)
    finally:
        _kernel.use(C)


def memory_growth(run: Callable[[int], None], calls: int) -> int:
    """Bytes still allocated after ``run(calls)`` that were not before it (after a warm-up
    that fills the caches)."""
    run(600)
    gc.collect()
    tracemalloc.start()
    try:
        run(200)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        run(calls)
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def test_no_memory_growth() -> None:
    decoder = Decoder(Everything)
    loose = Decoder(list[dict[str, Any] | None], trim=True)
    docs: list[Any] = [*DOCS, *(d.encode() for d in DOCS), "", "[", 5, bytearray(b"{}")]

    def run(n: int) -> None:
        for i in range(n):
            doc = docs[i % len(docs)]
            for d in (decoder, loose):
                with contextlib.suppress(jsv.JSVError, TypeError):
                    d.decode(doc)

    assert memory_growth(run, 20_000) < 200_000


@dataclasses.dataclass
class WatchesTheCollector:
    x: int = 0
    enabled: list[bool] = dataclasses.field(default_factory=list)

    def __post_init__(self) -> None:
        self.enabled.append(gc.isenabled())


def test_the_collector_runs_in_callbacks_and_is_restored() -> None:
    decoder = Decoder(list[WatchesTheCollector])
    assert gc.isenabled()
    values = decoded_in_c(decoder, "[{x:1},{x:2}]")
    assert [v.enabled for v in values] == [[True], [True]]
    assert gc.isenabled()
    gc.disable()
    try:
        values = decoded_in_c(decoder, "[{x:1}]")
        assert values[0].enabled == [False]
        assert not gc.isenabled()
    finally:
        gc.enable()


class Mood(str, enum.Enum):  # noqa: UP042 (as generated DTOs write them)
    HAPPY = "Happy"
    ODD = "needs, quotes"
    EDGE = " edge "


class MyStr(str):
    pass


class Wrapped(enum.Enum):
    SUB = MyStr("sub")
    NUM = 1.5
    DAY = dt.date(2025, 1, 2)


@dataclasses.dataclass(frozen=True)
class Coord:
    x: int
    y: int


class Place(Coord, enum.Enum):
    HOME = 1, 2


@pytest.mark.parametrize(
    "obj",
    [
        [Mood.HAPPY, Mood.ODD, Mood.EDGE, Color.NONE, Level.HIGH, Perm.R | Perm.W],
        {"a": Mood.ODD, "b": [Wrapped.SUB, Wrapped.NUM, Wrapped.DAY]},
        {Mood.HAPPY: Mood.EDGE, Color.RED: Place.HOME},
        EVERYTHING,
    ],
)
def test_encoding_enums(obj: Any) -> None:
    for options in (("camel", None, None, False), ("pascal", 2, None, True)):
        assert outcome(C.encode, obj, *options) == outcome(_pure.encode, obj, *options)


@dataclasses.dataclass
class Masked:
    user_id: int
    display_name: str = "x"

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # a claim both encoders ignore: its fields are its own
        return Checked


def test_encoding_field_tables_per_class_and_options() -> None:
    objs = [EVERYTHING, Masked(1), [Plain(Color.RED), Checked("n")], {"k": Frozen(1, "y")}]
    for _ in range(2):  # the second time from the cached tables
        for obj in objs:
            for options in (
                ("camel", None, None, False),
                ("pascal", 2, None, True),
                ("snake", "\t", None, False),
                (str.upper, None, None, False),
            ):
                assert outcome(C.encode, obj, *options) == outcome(_pure.encode, obj, *options)


def test_documents_of_changing_shapes() -> None:
    # the C side remembers the key that last named each field, and tries the fields after
    # the previous entry's by comparing text: every shape must read as the pure path reads
    docs = [
        "[{a:Red,b:true,f:x},{f:y,a:Green}]",
        "[{f:x,b:true,a:Red},{A:Green,F:y}]",
        '[{"a":Red,b:false},{b:true,a:None,zz:1}]',
        "[{a:Red,b:true,f:x},{f:y,a:Green}]",
        "[{b:true},{a:Red,a:Green}]",
        "[{a:Red,c:1.5,f:x},{b:true,f:y},{a:Red,b:true,c:2,d:[1],e:{k:v},f:z}]",
        "[{ab:1,a:Red},{a :Red, b:true},{ a:Red},{a:Red,b:true,b:false}]",
        "[{a:Red,B:true,f:x},{a:Red,b:true,F:x},{a:Red,b:true,f:x}]",
        '[{a:Red,"b":true,"f":"x"},{a:Red,b:true,f:x},{a:Red,b:true,"f:x":1}]',
        "[{a:Red,b:true,f:x,g:1},{a:Red,f:x,b:true}]",
    ]
    for forbid in (True, False):
        for trim in (False, True):
            decoder = Decoder(list[Plain], trim=trim, forbid_unknown_fields=forbid)
            for _ in range(3):
                for doc in docs:
                    same_typed(decoder, doc)


def same_encoding(obj: Any) -> str:
    """Encode with both kernels, compact and indented; they must agree. Returns the text."""
    for options in (("camel", None, None, False), ("pascal", 2, None, True)):
        assert outcome(C.encode, obj, *options) == outcome(_pure.encode, obj, *options)
    text: str = C.encode(obj, "camel", None, None, False)
    return text


def test_encoding_follows_a_class_changed_after_its_first_use() -> None:
    # the C encoder reads plain instances' fields from their __dict__ and remembers that
    # per class; a property added later claims the name, and must be what is written
    @dataclasses.dataclass
    class Later:
        code: int
        name: str = "n"

    obj = Later(1)
    assert same_encoding(obj) == "{code:1,name:n}"
    Later.name = property(lambda self: "from the property")  # type: ignore[assignment]
    assert same_encoding(obj) == "{code:1,name:from the property}"
    del Later.name
    assert same_encoding(obj) == "{code:1,name:n}"


def test_encoding_follows_a_base_class_changed_after_its_first_use() -> None:
    @dataclasses.dataclass
    class Base:
        code: int

    @dataclasses.dataclass
    class Derived(Base):
        name: str = "n"

    obj = Derived(1)
    assert same_encoding(obj) == "{code:1,name:n}"
    Base.code = property(lambda self: 7)  # type: ignore[assignment]
    assert same_encoding(obj) == "{code:7,name:n}"


def test_encoding_instances_whose_dict_is_out_of_order_or_short() -> None:
    @dataclasses.dataclass
    class Loose:
        a: int
        b: str = "class default"
        c: list[int] = dataclasses.field(default_factory=list)
        d: int = dataclasses.field(default=4, init=False)

    moved = Loose(1, "x", [2])
    del moved.a
    moved.a = 10  # now last in the dict
    missing = Loose(1)
    del missing.b  # read from the class
    extra = Loose(1)
    extra.__dict__ = {"zz": 0, "c": [1], "a": 3}  # b and d from the class
    assert same_encoding(moved) == "{a:10,b:x,c:[2],d:4}"
    assert same_encoding(missing) == "{a:1,b:class default,c:[],d:4}"
    assert same_encoding(extra) == "{a:3,b:class default,c:[1],d:4}"
    gone = Loose(1)
    del gone.a  # no attribute at all: the AttributeError of attrgetter
    failed = outcome(C.encode, gone, "camel", None, None, False)
    assert failed == outcome(_pure.encode, gone, "camel", None, None, False)
    assert failed[:3] == ("error", AttributeError, "'Loose' object has no attribute 'a'")


def test_encoding_instances_with_attribute_hooks_and_slots() -> None:
    @dataclasses.dataclass
    class Hooked:
        a: int

        def __getattr__(self, name: str) -> Any:
            return f"computed {name}"

    @dataclasses.dataclass
    class Intercepted:
        a: int = 1

        def __getattribute__(self, name: str) -> Any:
            value = object.__getattribute__(self, name)
            return value * 2 if name == "a" else value

    @dataclasses.dataclass(slots=True)
    class Slotted:
        a: int = 1
        b: Mood = Mood.HAPPY

    hooked = Hooked(1)
    del hooked.a
    assert same_encoding(hooked) == "{a:computed a}"
    assert same_encoding(Intercepted()) == "{a:2}"
    assert same_encoding([Slotted(), Slotted(2)]) == "[{a:1,b:Happy},{a:2,b:Happy}]"


def test_encoding_enums_whose_class_changes_after_first_use() -> None:
    class Shade(str, enum.Enum):  # noqa: UP042 (as generated DTOs write them)
        DARK = "Dark"
        LIGHT = "Light, bright"

    assert same_encoding([Shade.DARK, Shade.LIGHT]) == '[Dark,"Light, bright"]'
    object.__setattr__(Shade.DARK, "_value_", "Renamed")  # read each time, not remembered
    assert same_encoding([Shade.DARK]) == "[Renamed]"
    object.__setattr__(Shade.DARK, "__dict__", {**vars(Shade.DARK), "_value_": "Replaced"})
    assert same_encoding([Shade.DARK, Shade.LIGHT]) == '[Replaced,"Light, bright"]'
    object.__setattr__(Shade.DARK, "_value_", 7)  # no longer a str: _scalar_token() writes it
    assert same_encoding([Shade.DARK]) == "[7]"
    object.__setattr__(Shade.DARK, "_value_", "Dark")
    Shade._value_ = property(lambda self: "Claimed")
    assert same_encoding([Shade.DARK, Shade.LIGHT]) == "[Claimed,Claimed]"


def test_encoding_many_classes_through_the_class_table() -> None:
    # more classes and enum members than the C side's tables have slots: answers evicted
    # and found again, in any order
    classes = [dataclasses.make_dataclass(f"C{i}", [("v", int)]) for i in range(600)]
    objs = [cls(i) for i, cls in enumerate(classes)]
    for _ in range(2):
        text = same_encoding(objs)
    assert text == "[" + ",".join(f"{{v:{i}}}" for i in range(600)) + "]"
    enums: list[Any] = [
        enum.Enum(f"E{i}", {"A": f"a{i}", "B": f"b{i}"}, type=str) for i in range(300)
    ]
    members = [member for cls in enums for member in cls]
    for order in (members, members[::-1], members[::7] + members[::3]):
        assert same_encoding(order) == "[" + ",".join(m.value for m in order) + "]"


def test_encoding_gives_canonical_text_after_an_omitted_wide_key() -> None:
    # a field whose written key widens the text, then omitted (default= gives None): the
    # result must still be the narrowest str, which == compares (kinds differ otherwise)
    @dataclasses.dataclass
    class Wide:
        größe: Any
        name: str = "x"

    obj = [Wide(object()), Wide(dt.UTC)]
    for options in (("camel", None, lambda o: None, False), ("pascal", None, str, False)):
        assert outcome(C.encode, obj, *options) == outcome(_pure.encode, obj, *options)
    text = C.encode(obj, "camel", None, lambda o: None, False)
    assert text == "[{name:x},{name:x}]"
    assert text.isascii()


def test_encoding_dataclasses_that_are_containers_too() -> None:
    # the pure encoder asks isinstance(dict), then list/tuple/set, before the dataclass
    @dataclasses.dataclass
    class Mapping(dict):  # type: ignore[type-arg]
        x: int = 1

    @dataclasses.dataclass(eq=False)
    class Bag(set):  # type: ignore[type-arg]
        x: int = 1

    @dataclasses.dataclass
    class Row(list):  # type: ignore[type-arg]
        x: int = 1

    mapping, bag, row = Mapping(), Bag(), Row()
    mapping["k"] = "v"
    bag.add(3)
    row.append(4)
    assert same_encoding([mapping, bag, row, Mapping()]) == "[{k:v},[3],[4],{}]"


@dataclasses.dataclass
class Leaky:
    name: str
    items: list[Any]
    mood: Mood = Mood.HAPPY


def test_no_memory_growth_encoding() -> None:
    # dataclass values held on the encoder's stack must be released on every path: a
    # finished document, an unsupported value, a circular one, a missing attribute (fresh
    # objects each time, so that a value kept alive by a lost reference shows as growth)
    def fresh(i: int) -> Any:
        kind = i % 6
        if kind == 0:
            return Leaky(f"a{i}", [Leaky(f"b{i}", [i, 2.5, None]), {f"k{i}": Mood.ODD}])
        if kind == 1:
            return Leaky(f"x{i}", [object()])
        if kind == 2:
            circular = Leaky(f"c{i}", [])
            circular.items.append(circular)
            return circular
        if kind == 3:
            missing = Leaky(f"m{i}", [f"v{i}"])
            del missing.name
            return missing
        if kind == 4:  # more values than the stack holds at first
            return [Leaky(f"{i}.{j}", [f"{j}"] * j) for j in range(40)]
        return EVERYTHING

    def run(n: int) -> None:
        for i in range(n):
            for indent in (None, 2):
                with contextlib.suppress(jsv.JSVError, AttributeError):
                    C.encode(fresh(i), "camel", indent, None, False)

    assert memory_growth(run, 6_000) < 200_000


CALLS: list[str] = []


@dataclasses.dataclass
class Counted:
    name: str
    size: int = 0

    def __post_init__(self) -> None:
        CALLS.append(self.name)


def test_post_init_runs_once_per_object_of_a_document_that_decodes_or_not() -> None:
    # docs/typed.md: once for each object built, whether the document fits or not
    decoder = Decoder(list[Counted])
    CALLS.clear()
    assert [c.name for c in decoder.decode("[{name:a},{name:b,size:2}]")] == ["a", "b"]
    assert CALLS == ["a", "b"]
    CALLS.clear()
    with pytest.raises(jsv.ValidationError) as info:
        decoder.decode("[{name:a},{name:b,size:x}]")
    assert info.value.path == "$[1].size"
    assert CALLS == ["a"]


def test_encoding_dataclasses_opened_from_lists_and_fields_report_the_same_errors() -> None:
    # the compact loops open a plain dataclass item or field themselves: circular and too
    # deep structures, and bad values inside, must fail as in the pure encoder, same paths
    loop = Tree("root")
    loop.children.append(Tree("child", [loop]))
    bad = Tree("a", [Tree("b"), Tree("c", [Tree(object())])])  # type: ignore[arg-type]
    deep = Tree("0")
    node = deep
    for i in range(1, 1200):
        node.children.append(Tree(str(i)))
        node = node.children[0]
    holder = Leaky("h", [])
    holder.items.append([holder])
    for obj in (loop, [loop], bad, [bad], deep, holder, {"k": [bad]}):
        for options in (("camel", None, None, False), ("camel", None, str, False)):
            assert outcome(C.encode, obj, *options) == outcome(_pure.encode, obj, *options)
    message = outcome(C.encode, bad, "camel", None, None, False)[2]
    assert message.endswith("(at $.children[1].children[0].label)"), message


@dataclasses.dataclass
class _Marked:
    a: int = 0
    b: str = ""


def test_plan_constants_are_the_c_modules() -> None:
    """The compact plan's node kinds, empty-value rules and hint-key code are defined once
    in C and exported: they are jsv._typed's and jsv._layout's."""
    from jsv import _layout, _plan, _typed

    kinds = {name: value for name, value in vars(_typed).items() if name.startswith("C_")}
    assert kinds == C.NODE_KINDS
    assert sorted(kinds.values()) == list(range(len(kinds)))
    rules = {name: value for name, value in vars(_layout).items() if name.startswith("EMPTY_")}
    assert rules == C.EMPTY_RULES
    assert sorted(rules.values()) == list(range(len(rules)))
    compact = _typed.c_plan(_plan.plan(_Marked), False)
    assert compact[0] == C.NODE_KINDS["C_CLASS"]
    miss = compact[3]
    assert miss("__type") == C.HINT_KEY == _layout.HINT_KEY
    assert miss("unknown") == _layout.SKIP == -1
