"""Property tests: ``loads(dumps(x), type=T) == x`` for random values of annotated types.

Values are drawn by :func:`values`, which builds a Hypothesis strategy from an annotation
(dataclasses, enums, containers and every scalar of spec §5). Each value is written compact
and pretty-printed (read back with ``trim=True``), with the default, ``"pascal"`` and
``None`` rename policies.
"""

# ruff: noqa: UP006, UP035, UP045
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
import typing
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Dict, FrozenSet, List, Literal, NamedTuple, Optional, Tuple, TypedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shared import Permission, Priority

import jsv
from jsv.examples.evovoice import SessionInfo

PROPERTY = settings(max_examples=60, deadline=None, database=None)

# ---- strategies from annotations ---------------------------------------------------------

OFFSETS = st.builds(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes)),
    st.integers(-23 * 60 - 59, 23 * 60 + 59),
)

SCALARS: dict[Any, st.SearchStrategy[Any]] = {
    str: st.text(),
    int: st.integers(),
    float: st.floats(allow_nan=False),
    bool: st.booleans(),
    Decimal: st.decimals(allow_nan=False),
    dt.datetime: st.datetimes() | st.datetimes(timezones=st.just(dt.UTC) | OFFSETS),
    dt.date: st.dates(),
    dt.time: st.times(),
    dt.timedelta: st.timedeltas(),
    uuid.UUID: st.uuids(),
    bytes: st.binary(),
}


def values(tp: Any) -> st.SearchStrategy[Any]:
    """A strategy for values of annotation ``tp`` that have a lossless JSV form."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp in SCALARS:
        return SCALARS[tp]
    if isinstance(tp, type) and issubclass(tp, enum.Flag):
        return st.lists(st.sampled_from(list(tp))).map(lambda members: _or_all(tp, members))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(list(tp))
    if origin is Literal:
        return st.sampled_from(args)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        assert len(members) == 1, "only Optional unions are generated"
        return st.none() | values(members[0])
    if origin in (list, List):
        item = args[0]
        # A list whose only item is None has no JSV form (spec §2).
        return st.lists(values(item), max_size=4).filter(lambda items: items != [None])
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return st.lists(values(args[0]), max_size=4).filter(lambda i: i != [None]).map(tuple)
    if origin is tuple:
        return st.tuples(*(values(a) for a in args)).filter(lambda i: i != (None,))
    if origin in (set, frozenset):
        return st.frozensets(values(args[0]), max_size=4).map(origin)
    if origin is dict:
        # None values are omitted when written: draw the values without None.
        value_type = _without_none(args[1])
        return st.dictionaries(values(args[0]), values(value_type), max_size=4)
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        fields = {f.name: values(hints[f.name]) for f in dataclasses.fields(tp) if f.init}
        return st.builds(typing.cast(Any, tp), **fields)
    if isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields"):
        hints = typing.get_type_hints(tp)
        return st.builds(tp, *(values(hints[name]) for name in tp._fields))
    if isinstance(tp, type) and hasattr(tp, "__required_keys__"):  # TypedDict
        hints = typing.get_type_hints(tp)
        typed_dict: Any = tp
        required = {k: values(hints[k]) for k in typed_dict.__required_keys__}
        optional = {k: values(hints[k]) for k in typed_dict.__optional_keys__}
        return st.fixed_dictionaries(required, optional=optional)
    raise NotImplementedError(tp)


def _or_all(cls: Any, members: list[Any]) -> Any:
    value = cls(0)
    for member in members:
        value |= member
    return value


def _without_none(tp: Any) -> Any:
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if typing.get_origin(tp) in (typing.Union,) and len(args) == 1:
        return args[0]
    return tp


# ---- test types ----------------------------------------------------------------------------


class Color(str, enum.Enum):  # noqa: UP042 (as ServiceStack DTOs write enums)
    NONE = "None"
    RED = "Red"
    LIGHT_BLUE = "Light Blue"
    ODD = 'a, "b": {c}'
    PADDED = " padded "


@dataclass(frozen=True)
class Point:
    x: int
    y: int


class Coord(NamedTuple):
    lat: float
    lon: float
    label: str


class Movie(TypedDict, total=False):
    title: str
    year: int


@dataclass
class Person:
    first_name: str
    age: int = 0
    nick: Optional[str] = None


@dataclass
class Everything:
    text: str
    number: int
    ratio: float
    flag: bool
    amount: Decimal
    when: dt.datetime
    day: dt.date
    clock: dt.time
    span: dt.timedelta
    guid: uuid.UUID
    blob: bytes
    color: Color
    priority: Priority
    permission: Permission
    kind: Literal["a", "b, c", "None"]
    maybe: Optional[int] = None
    words: List[str] = field(default_factory=list)
    holes: List[Optional[str]] = field(default_factory=list)
    pair: Tuple[int, str] = (0, "")
    many: Tuple[float, ...] = ()
    tags: FrozenSet[str] = frozenset()
    ids: set[uuid.UUID] = field(default_factory=set)
    by_name: Dict[str, Optional[int]] = field(default_factory=dict)
    by_day: Dict[dt.date, str] = field(default_factory=dict)
    by_point: Dict[Point, str] = field(default_factory=dict)
    by_color: Dict[Color, List[int]] = field(default_factory=dict)
    where: Optional[Coord] = None
    movie: Optional[Movie] = None
    people: List[Person] = field(default_factory=list)
    nested: List[List[Optional[int]]] = field(default_factory=list)


ROUND_TRIPS: list[Any] = [
    SessionInfo,
    Everything,
    List[Person],
    Dict[str, List[Optional[Color]]],
    Tuple[Coord, ...],
]

RENAMES: list[Any] = ["camel", "pascal", None]


def check_round_trip(value: Any, tp: Any, rename: Any, indent: Any) -> None:
    text = jsv.dumps(value, rename=rename)
    assert jsv.loads(text, type=tp) == value
    assert jsv.loads(text.encode(), type=tp, forbid_unknown_fields=True) == value
    pretty = jsv.dumps(value, rename=rename, indent=indent)
    assert jsv.loads(pretty, type=tp, trim=True) == value
    # decoding and encoding again gives the same text
    assert jsv.dumps(jsv.loads(text, type=tp), rename=rename) == text


@pytest.mark.parametrize("rename", RENAMES, ids=str)
@pytest.mark.parametrize("tp", ROUND_TRIPS, ids=lambda tp: getattr(tp, "__name__", str(tp)))
def test_round_trip(tp: Any, rename: Any) -> None:
    @PROPERTY
    @given(value=values(tp), indent=st.sampled_from([1, 2, 4, "\t", " \t"]))
    def run(value: Any, indent: Any) -> None:
        check_round_trip(value, tp, rename, indent)

    run()


@PROPERTY
@given(value=values(SessionInfo))
def test_session_decoder_and_encoder_objects_agree_with_the_functions(value: Any) -> None:
    decoder = jsv.Decoder(SessionInfo)
    encoder = jsv.Encoder(rename="pascal")
    text = encoder.encode(value)
    assert text == jsv.dumps(value, rename="pascal")
    assert decoder.decode(text) == value == jsv.loads(text, type=SessionInfo)


@PROPERTY
@given(value=values(Everything), rename=st.sampled_from(["camel", "pascal", "snake", None]))
def test_typed_and_untyped_trees_agree(value: Any, rename: Any) -> None:
    """The typed decoder reads what the untyped decoder sees: re-encoding the untyped tree
    gives the same text, which decodes to the same value."""
    text = jsv.dumps(value, rename=rename)
    tree = jsv.loads(text)
    assert jsv.loads(jsv.dumps(tree), type=Everything) == value


# Any code point, lone surrogates included: every character is data (spec §1).
ANY_TEXT = st.text(st.characters(exclude_categories=()))


@PROPERTY
@given(text=ANY_TEXT)
def test_any_string_survives_as_a_value_a_key_and_an_item(text: str) -> None:
    assert jsv.loads(jsv.dumps(text), type=str) == text
    assert jsv.loads(jsv.dumps({text: text}), type=Dict[str, str]) == {text: text}
    assert jsv.loads(jsv.dumps([text, text]), type=List[str]) == [text, text]
    assert jsv.loads(jsv.dumps({text: [text]}, indent=2), type=Dict[str, List[str]], trim=True) == {
        text: [text]
    }
    person = Person(first_name=text, nick=text)
    assert jsv.loads(jsv.dumps(person, indent="\t"), type=Person, trim=True) == person


# ---- error positions ---------------------------------------------------------------------

# Trees of maps and lists whose leaves are ints; one leaf is then replaced by bad text.
TREE_KEYS = st.text(alphabet="abcé", min_size=1, max_size=3)
TREES = st.recursive(
    st.just(1),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(TREE_KEYS, kids, max_size=4),
    max_leaves=12,
)


def type_of(tree: Any) -> Any:
    """The annotation that reads ``tree``: a TypedDict per map, a fixed tuple per list."""
    if isinstance(tree, dict):
        fields = {key: type_of(value) for key, value in tree.items()}
        return TypedDict("Tree", fields)  # type: ignore[operator]
    if isinstance(tree, list):
        return tuple.__class_getitem__(tuple(type_of(item) for item in tree) or ((),))
    return int


def leaf_paths(tree: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(tree, dict):
        return [p for key, value in tree.items() for p in leaf_paths(value, (*path, key))]
    if isinstance(tree, list):
        return [p for index, item in enumerate(tree) for p in leaf_paths(item, (*path, index))]
    return [path]


def replaced(tree: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(tree, dict):
        return {k: replaced(v, rest, value) if k == head else v for k, v in tree.items()}
    return [replaced(v, rest, value) if i == head else v for i, v in enumerate(tree)]


def rendered(path: tuple[Any, ...]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


@settings(max_examples=100, deadline=None, database=None)
@given(tree=TREES, data=st.data())
def test_errors_point_at_the_bad_value(tree: Any, data: st.DataObject) -> None:
    paths = leaf_paths(tree)
    if not paths:
        return
    path = data.draw(st.sampled_from(paths))
    indent = data.draw(st.sampled_from([None, 2, "\t"]))
    trim = data.draw(st.booleans())
    doc = jsv.dumps(replaced(tree, path, "x"), indent=indent)
    with pytest.raises(jsv.ValidationError) as info:
        jsv.loads(doc, type=type_of(tree), trim=trim)
    error = info.value
    assert error.msg.startswith("Expected int, got ")
    assert doc[error.pos :].lstrip()[:1] == "x"
    assert error.lineno == doc.count("\n", 0, error.pos) + 1
    if trim or indent is None:
        assert error.msg == "Expected int, got 'x'"
        assert error.path == rendered(path)
