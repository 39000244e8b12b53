"""Typed mapping (spec §6, §8): containers, dataclasses, naming, empty values, errors, plans.

The test types live at module level, with ``from __future__ import annotations``, so that
every annotation is a string resolved through this module's globals, forward references
included.
"""

# ruff: noqa: UP006, UP035, UP045
# (typing.Optional, List and Dict are spelled out where generated DTOs use them.)
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import keyword
import sys
import types
import typing
import uuid
from collections.abc import Mapping, MutableMapping, MutableSequence, Sequence, Set
from dataclasses import dataclass, field
from decimal import Decimal
from types import ModuleType
from typing import (
    Annotated,
    Any,
    Dict,
    FrozenSet,
    Generic,
    List,
    Literal,
    NamedTuple,
    NewType,
    NotRequired,
    Optional,
    Tuple,
    TypedDict,
    TypeVar,
    Union,
)

import pytest

import jsv
from jsv import ValidationError, _pure

T = TypeVar("T")
K = TypeVar("K")


def invalid(doc: str, tp: Any, **options: Any) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        jsv.loads(doc, type=tp, **options)
    return info.value


def where(error: ValidationError) -> tuple[str, str, int, int, int]:
    """Message, path, position, line and column of an error."""
    return error.msg, error.path, error.pos, error.lineno, error.colno


# ---- test types --------------------------------------------------------------------------


class Role(str, enum.Enum):  # noqa: UP042 (as ServiceStack DTOs write enums)
    NONE = "None"
    CALLER = "Caller"
    AGENT = "Agent"


@dataclass
class Member:
    display_name: str
    role: Role = Role.NONE
    muted: bool = False
    tags: list[str] = field(default_factory=list)


@dataclass
class Base:
    id: int
    created: Optional[dt.datetime] = None


@dataclass
class Session(Base):
    name: str = ""
    members: List[Member] = field(default_factory=list)
    owner: Optional[Member] = None
    data: Dict[str, str] = field(default_factory=dict)


@dataclass
class Tree:
    """Recursive through a forward reference to itself and to a class defined later."""

    label: str
    children: list[Tree] = field(default_factory=list)
    leaf: Optional[Leaf] = None


@dataclass
class Leaf:
    weight: float


@dataclass
class Names:
    dial_state: str = ""
    URLValue: str = ""
    ID: int = 0
    user_id2: int = 0
    from_: str = ""
    class_: int = 0


@dataclass
class Person:
    first_name: str
    age: int = 0


@dataclass
class QueryResponse(Generic[T]):
    offset: int = 0
    total: int = 0
    results: list[T] = field(default_factory=list)
    meta: Optional[dict[str, str]] = None


@dataclass
class Page(QueryResponse[Person]):
    """A subclass binding the type variable in its base."""

    page: int = 1


@dataclass
class Pair(Generic[K, T]):
    key: K
    value: T


@dataclass
class Wrapper(Generic[T]):
    inner: Pair[str, T]
    more: list[Wrapper[T]] = field(default_factory=list)


@dataclass(frozen=True)
class Point:
    x: int
    y: int


@dataclass(frozen=True, slots=True)
class Frozen:
    a: int
    b: tuple[str, ...] = ()


@dataclass(slots=True)
class Slotted:
    a: int
    b: str = "b"


@dataclass
class PostInit:
    a: int
    doubled: int = field(init=False, default=0)
    total: int = field(init=False, default=-1)

    def __post_init__(self) -> None:
        if self.a < 0:
            raise ValueError("a must not be negative")
        self.doubled = self.a * 2


@dataclass
class Defaults:
    count: int = 7
    ratio: float = 0.5
    name: str = "dflt"
    label: Optional[str] = "lbl"
    when: dt.date = dt.date(2000, 1, 1)
    items: list[int] = field(default_factory=lambda: [1, 2])
    role: Role = Role.AGENT
    anything: Any = "any"
    child: Person = field(default_factory=lambda: Person("kid"))


@dataclass
class Required:
    count: int
    name: str
    label: Optional[str]
    anything: Any
    child: Person


@dataclass
class AllContainers:
    a_list: list[int]
    a_tuple: tuple[int, str, bool]
    a_var_tuple: tuple[int, ...]
    a_set: set[str]
    a_frozenset: frozenset[int]
    a_dict: dict[str, list[int]]
    a_mapping: Mapping[str, int]
    a_sequence: Sequence[str]
    nested: list[list[Optional[int]]]
    empty_tuple: tuple[()] = ()


class Coord(NamedTuple):
    lat: float
    lon: float
    label: str = ""


class MovieTD(TypedDict):
    title: str
    year: int
    rating: NotRequired[float]


class PartialTD(TypedDict, total=False):
    title: str
    tags: list[str]


UserId = NewType("UserId", int)
Tag = NewType("Tag", str)


@dataclass
class Annotations:
    user: UserId
    tags: list[Tag]
    score: Annotated[int, "metadata"]
    maybe: Annotated[Optional[UserId], "x"] = None


@dataclass
class Unions:
    number_or_text: Union[int, str]
    text_or_number: str | int
    flag_or_number: bool | int
    when: dt.date | dt.datetime | None = None
    shape: list[int] | dict[str, int] | str | None = None
    item: Person | list[Person] | None = None


@dataclass
class Scalars:
    s: str
    i: int
    f: float
    b: bool
    d: Decimal
    when: dt.datetime
    day: dt.date
    clock: dt.time
    span: dt.timedelta
    guid: uuid.UUID
    blob: bytes
    role: Role
    lit: Literal["x", "y"]


# ---- containers ------------------------------------------------------------------------


def test_containers_read_from_lists_and_maps() -> None:
    doc = (
        "{aList:[1,2],aTuple:[1,b,True],aVarTuple:[1,2,3],aSet:[b,a,b],aFrozenset:[1,1,2],"
        "aDict:{x:[1],y:[]},aMapping:{k:5},aSequence:[p,q],nested:[[1,,2],[]],emptyTuple:[]}"
    )
    value = jsv.loads(doc, type=AllContainers)
    assert value == AllContainers(
        a_list=[1, 2],
        a_tuple=(1, "b", True),
        a_var_tuple=(1, 2, 3),
        a_set={"a", "b"},
        a_frozenset=frozenset({1, 2}),
        a_dict={"x": [1], "y": []},
        a_mapping={"k": 5},
        a_sequence=["p", "q"],
        nested=[[1, None, 2], []],
        empty_tuple=(),
    )
    assert type(value.a_tuple) is tuple
    assert type(value.a_var_tuple) is tuple
    assert type(value.a_set) is set
    assert type(value.a_frozenset) is frozenset
    assert type(value.a_mapping) is dict
    assert type(value.a_sequence) is list


@pytest.mark.parametrize(
    ("tp", "doc", "expected"),
    [
        (list[int], "[]", []),
        (list[int], "[ ]", []),
        (List[int], "[1]", [1]),
        (Tuple[int, ...], "[1,2]", (1, 2)),
        (tuple, "[a,[b]]", ("a", ["b"])),
        (list, "[a,{b:c}]", ["a", {"b": "c"}]),
        (dict, "{a:[b]}", {"a": ["b"]}),
        (FrozenSet[str], "[a]", frozenset({"a"})),
        (Set[int], "[1,2]", {1, 2}),
        (MutableSequence[int], "[1]", [1]),
        (MutableMapping[str, int], "{a:1}", {"a": 1}),
        (Dict[str, Any], "{a:,b:[c]}", {"a": None, "b": ["c"]}),
        (dict[str, Optional[int]], "{a:,b:2}", {"a": None, "b": 2}),
        (dict[str, str], "{a:,b:x}", {"a": "", "b": "x"}),
        (list[Optional[str]], "[a,,b,]", ["a", None, "b", None]),
        (list[str], "[a,,b]", ["a", "", "b"]),
        (list[list[int]], "[[1],[],[2,3]]", [[1], [], [2, 3]]),
        (dict[str, dict[str, int]], "{a:{b:1},c:{}}", {"a": {"b": 1}, "c": {}}),
        (tuple[int, Optional[str]], "[1,]", (1, None)),
        (tuple[()], "[]", ()),
        (Optional[list[int]], "", None),
        (Any, "{a:[b,,c]}", {"a": ["b", None, "c"]}),
        (object, "[x]", ["x"]),
    ],
    ids=str,
)
def test_container_types(tp: Any, doc: str, expected: Any) -> None:
    value = jsv.loads(doc, type=tp)
    assert value == expected
    assert type(value) is type(expected)


def test_dict_keys_and_map_order_are_kept() -> None:
    value = jsv.loads("{b:1,a:2,c:3}", type=dict[str, int])
    assert list(value) == ["b", "a", "c"]
    assert jsv.loads("{a:1,a:2}", type=dict[str, int]) == {"a": 2}  # the last one wins


def test_dict_with_frozen_dataclass_keys() -> None:
    value = {Point(1, 2): "a", Point(3, 4): "b"}
    text = jsv.dumps(value)
    assert text == "{{x:1,y:2}:a,{x:3,y:4}:b}"
    assert jsv.loads(text, type=dict[Point, str]) == value
    assert jsv.loads("{ {X:1, Y:2} : a }", type=dict[Point, str], trim=True) == {Point(1, 2): "a"}
    error = invalid("{{x:1,y:z}:a}", dict[Point, str])
    assert error.msg == "Expected int, got 'z'"
    assert error.path == '$["{x:1,y:z}"].y'


def test_dict_keys_of_a_mutable_dataclass_are_refused_at_plan_time() -> None:
    with pytest.raises(TypeError, match=r"dict keys of dataclass type Person must be frozen"):
        jsv.Decoder(dict[Person, int])
    with pytest.raises(TypeError, match=r"cannot map dict keys of type list\[int\]"):
        jsv.Decoder(dict[list[int], int])


def test_fixed_tuples_check_their_length() -> None:
    error = invalid("[1,b,True,x]", tuple[int, str, bool])
    assert where(error) == (
        "Expected tuple[int, str, bool] (3 items), got a list of 4 items",
        "$",
        0,
        1,
        1,
    )
    error = invalid("{t:[1]}", dict[str, tuple[int, str]])
    assert error.msg == "Expected tuple[int, str] (2 items), got a list of 1 items"
    assert (error.path, error.pos) == ('$["t"]', 3)
    error = invalid("[1]", tuple[()])
    assert error.msg == "Expected tuple[()] (0 items), got a list of 1 items"
    error = invalid("[1,x]", tuple[int, int])
    assert (error.msg, error.path, error.pos) == ("Expected int, got 'x'", "$[1]", 3)


def test_wrong_shapes() -> None:
    cases: list[tuple[Any, str, str]] = [
        (list[int], "{a:1}", "Expected list of int, got a map"),
        (list[int], "x", "Expected list of int, got 'x'"),
        (list[int], "", "Expected list of int, got an empty value"),
        (dict[str, int], "[1]", "Expected map of str to int, got a list"),
        (dict[str, int], "x", "Expected map of str to int, got 'x'"),
        (set[str], "{}", "Expected set of str, got a map"),
        (frozenset[int], "1", "Expected frozenset of int, got '1'"),
        (tuple[int, str], "{}", "Expected tuple[int, str], got a map"),
        (Person, "[]", "Expected Person, got a list"),
        (Person, "Bob", "Expected Person, got 'Bob'"),
        (Person, "", "Expected Person, got an empty value"),
        (QueryResponse[Person], "[]", "Expected QueryResponse[Person], got a list"),
        (Coord, "{}", "Expected Coord, got a map"),
        (MovieTD, "[]", "Expected MovieTD, got a list"),
    ]
    for tp, doc, message in cases:
        error = invalid(doc, tp)
        assert (error.msg, error.path, error.pos) == (message, "$", 0), tp


def test_wrong_shapes_deep_in_a_document() -> None:
    doc = "{id:1,members:[{displayName:a},{displayName:b,role:[x]}]}"
    error = invalid(doc, Session)
    pos = doc.index("[x]")
    assert where(error) == ("Expected Role, got a list", "$.members[1].role", pos, 1, pos + 1)
    error = invalid("{id:1,members:{displayName:a}}", Session)
    assert where(error) == ("Expected list of Member, got a map", "$.members", 14, 1, 15)
    error = invalid("{id:1,owner:[]}", Session)
    assert where(error) == ("Expected Member, got a list", "$.owner", 12, 1, 13)


def test_an_unhashable_item_in_a_set_is_a_validation_error() -> None:
    error = invalid("[[a],[b]]", set[Any])
    assert (error.msg, error.path) == (
        "set of any value rejected the value: unhashable type: 'list'",
        "$",
    )
    error = invalid("{s:[{firstName:A}]}", dict[str, frozenset[Person]])
    assert (error.msg, error.path) == (
        "frozenset of Person rejected the value: unhashable type: 'Person'",
        '$["s"]',
    )


# ---- dataclasses -----------------------------------------------------------------------


def test_nested_and_inherited_dataclasses() -> None:
    doc = (
        "{id:7,created:2025-01-15T09:30:00Z,name:Main,"
        'members:[{displayName:Ann,role:Agent,tags:[a,b]},{displayName:"Bo, Jr",muted:True}],'
        "owner:{displayName:Ann},data:{k:v}}"
    )
    value = jsv.loads(doc, type=Session)
    assert value == Session(
        id=7,
        created=dt.datetime(2025, 1, 15, 9, 30, tzinfo=dt.UTC),
        name="Main",
        members=[
            Member("Ann", Role.AGENT, False, ["a", "b"]),
            Member("Bo, Jr", Role.NONE, True, []),
        ],
        owner=Member("Ann"),
        data={"k": "v"},
    )
    # base-class fields are written first
    assert jsv.dumps(value) == doc.replace(
        "role:Agent,tags", "role:Agent,muted:False,tags"
    ).replace('"Bo, Jr",muted:True}', '"Bo, Jr",role:None,muted:True,tags:[]}').replace(
        "owner:{displayName:Ann}", "owner:{displayName:Ann,role:None,muted:False,tags:[]}"
    )


def test_defaults_and_default_factories_fill_missing_fields() -> None:
    a = jsv.loads("{}", type=Defaults)
    b = jsv.loads("{}", type=Defaults)
    assert a == Defaults()
    assert a.items == [1, 2]
    assert a.items is not b.items  # a fresh list from the factory each time
    assert a.child is not b.child
    assert jsv.loads("{count:1,items:[5]}", type=Defaults) == Defaults(count=1, items=[5])


def test_forward_references_and_recursive_types() -> None:
    doc = "{label:root,children:[{label:a,leaf:{weight:1.5}},{label:b,children:[{label:c}]}]}"
    value = jsv.loads(doc, type=Tree)
    assert value == Tree(
        "root",
        [Tree("a", leaf=Leaf(1.5)), Tree("b", [Tree("c")])],
    )
    assert jsv.dumps(value) == (
        "{label:root,children:[{label:a,children:[],leaf:{weight:1.5}},"
        "{label:b,children:[{label:c,children:[]}]}]}"
    )
    error = invalid("{label:r,children:[{label:a,children:[{label:b,leaf:{weight:x}}]}]}", Tree)
    assert error.path == "$.children[0].children[0].leaf.weight"
    assert error.msg == "Expected float, got 'x'"


def test_generic_dataclasses() -> None:
    doc = "{offset:1,total:2,results:[{firstName:A,age:3},{FirstName:B}],meta:{k:v}}"
    value = jsv.loads(doc, type=QueryResponse[Person])
    assert value == QueryResponse(1, 2, [Person("A", 3), Person("B")], {"k": "v"})
    assert (
        jsv.dumps(value)
        == "{offset:1,total:2,results:[{firstName:A,age:3},{firstName:B,age:0}],meta:{k:v}}"
    )
    assert jsv.loads("{results:[1,02]}", type=QueryResponse[int]).results == [1, 2]
    assert jsv.loads("{results:[1,02]}", type=QueryResponse[str]).results == ["1", "02"]
    assert jsv.loads("{results:[a,{b:c}]}", type=QueryResponse).results == ["a", {"b": "c"}]
    error = invalid("{results:[{firstName:A,age:x}]}", QueryResponse[Person])
    assert where(error) == ("Expected int, got 'x'", "$.results[0].age", 27, 1, 28)


def test_generic_bases_and_nested_generics() -> None:
    page = jsv.loads("{results:[{firstName:A}],page:3}", type=Page)
    assert page == Page(results=[Person("A")], page=3)
    doc = "{inner:{key:k,value:1},more:[{inner:{key:j,value:2}}]}"
    value = jsv.loads(doc, type=Wrapper[int])
    assert value == Wrapper(Pair("k", 1), [Wrapper(Pair("j", 2))])
    assert jsv.loads(doc, type=Wrapper[str]).inner.value == "1"
    assert jsv.loads("{key:1,value:[2]}", type=Pair[int, list[int]]) == Pair(1, [2])


U = TypeVar("U")


@dataclass
class Box(Generic[T]):
    item: T


@dataclass
class Labeled(Generic[T]):
    label: T


@dataclass
class BoxAndLabel(Labeled[str], Box[int]):
    """Two generic bases sharing one TypeVar object, each bound differently."""


@dataclass
class Swapped(Pair[U, T]):
    """Pair's parameters in the other order."""


@dataclass
class BoxOfList(Box[list[T]]):
    """A base bound to a type built from the subclass's own parameter."""


@dataclass
class IntBoxOfList(BoxOfList[int]):
    extra: int = 0


class IReturn(Generic[T]):
    """A marker base, as ServiceStack's client library has, sharing the module's T."""


@dataclass
class QueryDb(Generic[T]):
    skip: Optional[int] = None


@dataclass
class QueryPeople(QueryDb[Person], IReturn[QueryResponse[Person]]):
    min_age: Optional[int] = None


def test_generic_bases_are_bound_class_by_class() -> None:
    assert jsv.loads("{label:a,item:5}", type=BoxAndLabel) == BoxAndLabel(label="a", item=5)
    assert jsv.loads("{key:1,value:2}", type=Swapped[str, int]) == Swapped("1", 2)
    assert jsv.loads("{key:1,value:2}", type=Swapped[int, str]) == Swapped(1, "2")
    assert jsv.loads("{item:[1,2]}", type=BoxOfList[int]) == BoxOfList([1, 2])
    assert jsv.loads("{item:[1,2]}", type=BoxOfList[str]) == BoxOfList(["1", "2"])
    assert jsv.loads("{item:[1],extra:2}", type=IntBoxOfList) == IntBoxOfList([1], 2)
    assert jsv.loads("{skip:1,minAge:2}", type=QueryPeople) == QueryPeople(1, 2)


def test_post_init_runs_and_init_false_fields_keep_their_defaults() -> None:
    value = jsv.loads("{a:3,doubled:100,total:5}", type=PostInit)
    assert (value.a, value.doubled, value.total) == (3, 6, -1)
    # init=False fields are known keys, even when unknown keys are forbidden
    strict = jsv.loads("{a:3,Doubled:100,total:5}", type=PostInit, forbid_unknown_fields=True)
    assert strict == value
    error = invalid("{x:{a:-1}}", dict[str, PostInit])
    assert where(error) == (
        "PostInit rejected the value: a must not be negative",
        '$["x"]',
        3,
        1,
        4,
    )
    assert jsv.dumps(value) == "{a:3,doubled:6,total:-1}"


logged_names: list[str] = []


@dataclass
class Logged:
    name: str
    size: int = 0

    def __post_init__(self) -> None:
        logged_names.append(self.name)


@pytest.mark.parametrize(
    "doc",
    [
        "[{name:a},{name:b,size:x}]",
        "{pair:[{name:a},{name:b,size:x}]}",
        "[{name:a},{name:b},{name:c,size:[]}]",
        "[{name:a},{name:b,size:1,extra:x}]",
        "[{name:a},{name:b,size:1},{name:c,size:1]",
    ],
)
def test_post_init_runs_once_for_each_object_built_before_a_misfit(
    doc: str, kernel: ModuleType
) -> None:
    # both executors report the misfit where they meet it, without building anything again
    tp = list[Logged] if doc.startswith("[") else dict[str, tuple[Logged, Logged]]
    decoder = jsv.Decoder(tp, forbid_unknown_fields="extra" in doc)
    logged_names.clear()
    with pytest.raises(jsv.DecodeError) as info:
        decoder.decode(doc)
    if "size:x" in doc:
        assert getattr(info.value, "path", None) in ("$[1].size", '$["pair"][1].size')
        assert logged_names == ["a"]
    elif "size:[]" in doc:
        assert getattr(info.value, "path", None) == "$[2].size"
        assert logged_names == ["a", "b"]
    elif "extra" in doc:
        assert getattr(info.value, "path", None) == "$[1].extra"
        assert logged_names == ["a"]
    else:
        # malformed text: the pure executor parses it all before it builds anything; the C
        # executor reads the text once, building the objects before the malformed part
        assert type(info.value) is jsv.DecodeError
        assert logged_names == ([] if kernel is _pure else ["a", "b"])


made_by_factory: list[int] = []


def counted_tags() -> list[str]:
    made_by_factory.append(1)
    return []


@dataclass
class MadeByFactory:
    tags: list[str] = field(default_factory=counted_tags)
    size: int = 0


def test_default_factories_run_once_for_each_object_built_before_a_misfit() -> None:
    made_by_factory.clear()
    error = invalid("[{size:1},{size:2},{size:x}]", list[MadeByFactory])
    assert error.path == "$[2].size"
    assert made_by_factory == [1, 1]


class Level(enum.IntEnum):
    LOW = 1

    @classmethod
    def _missing_(cls, value: object) -> Level | None:
        missing_calls.append(value)
        return cls.LOW if value == 7 else None


missing_calls: list[object] = []


def test_an_enums_missing_hook_runs_once_for_each_value_before_a_misfit() -> None:
    missing_calls.clear()
    error = invalid("[7,1,7,9]", list[Level])
    assert (error.msg, error.path) == ("Expected Level, got '9'", "$[3]")
    assert missing_calls == [7, 7, 9]


def test_frozen_and_slots_dataclasses() -> None:
    assert jsv.loads("{a:1,b:[x,y]}", type=Frozen) == Frozen(1, ("x", "y"))
    assert jsv.loads("{a:1}", type=Slotted) == Slotted(1)
    assert jsv.dumps(Frozen(1, ("x",))) == "{a:1,b:[x]}"
    assert jsv.dumps(Slotted(2)) == "{a:2,b:b}"


@dataclass(slots=True)
class SlottedBase:
    a: int
    b: str = "b"


@dataclass
class OnSlottedBase(SlottedBase):
    c: int = 0


@dataclass
class WithProperty:
    a: int = 0

    @property
    def doubled(self) -> int:
        return self.a * 2


def test_dataclasses_built_on_slotted_bases_and_with_properties() -> None:
    value = jsv.loads("{a:1,c:2}", type=OnSlottedBase)
    assert (value.a, value.b, value.c) == (1, "b", 2)
    assert value == OnSlottedBase(1, "b", 2)
    assert jsv.dumps(value) == "{a:1,b:b,c:2}"
    assert jsv.loads("{a:3,doubled:100}", type=WithProperty).doubled == 6


def test_none_fields_are_omitted_and_read_back_as_defaults() -> None:
    value = Session(id=1, owner=None, created=None)
    text = jsv.dumps(value)
    assert text == '{id:1,name:"",members:[],data:{}}'
    assert jsv.loads(text, type=Session) == value


def test_every_scalar_type_as_a_field_round_trips() -> None:
    value = Scalars(
        s=' a "b", c ',
        i=-5,
        f=0.1,
        b=False,
        d=Decimal("1.50"),
        when=dt.datetime(2025, 6, 27, 11, 39, 29, 449043, dt.timezone(dt.timedelta(hours=-4))),
        day=dt.date(1, 1, 1),
        clock=dt.time(13, 13, 13),
        span=dt.timedelta(days=1, seconds=1.5),
        guid=uuid.UUID(int=255),
        blob=b"\x00\xff",
        role=Role.NONE,
        lit="y",
    )
    text = jsv.dumps(value)
    assert text == (
        '{s:" a ""b"", c ",i:-5,f:0.1,b:False,d:1.50,when:2025-06-27T11:39:29.4490430-04:00,'
        "day:0001-01-01,clock:PT13H13M13S,span:P1DT1.5S,guid:000000000000000000000000000000ff,"
        "blob:AP8=,role:None,lit:y}"
    )
    assert jsv.loads(text, type=Scalars) == value
    pretty = jsv.dumps(value, indent=2)
    assert jsv.loads(pretty, type=Scalars, trim=True) == value
    assert jsv.loads(jsv.dumps(value, indent="\t"), type=Scalars, trim=True) == value


# ---- NamedTuple, TypedDict, NewType, Annotated --------------------------------------------


def test_named_tuples_read_from_lists() -> None:
    assert jsv.loads("[1.5,2,home]", type=Coord) == Coord(1.5, 2.0, "home")
    assert jsv.loads("[1.5,2]", type=Coord) == Coord(1.5, 2.0)
    assert type(jsv.loads("[1,2]", type=Coord)) is Coord
    error = invalid("[1]", Coord)
    assert error.msg == "Expected Coord (3 items), got a list of 1 items"
    error = invalid("[1,2,a,b]", Coord)
    assert error.msg == "Expected Coord (3 items), got a list of 4 items"
    error = invalid("[1,x]", Coord)
    assert (error.msg, error.path) == ("Expected float, got 'x'", "$[1]")
    assert jsv.dumps(Coord(1.5, 2.0, "home")) == "[1.5,2,home]"
    assert jsv.loads("{c:[1,2]}", type=dict[str, Coord]) == {"c": Coord(1.0, 2.0)}


def test_typed_dicts_read_from_maps() -> None:
    value = jsv.loads("{title:Up,Year:2009,rating:8.5,extra:x}", type=MovieTD)
    assert value == {"title": "Up", "year": 2009, "rating": 8.5}
    assert type(value) is dict
    assert jsv.loads("{title:Up,year:2009}", type=MovieTD) == {"title": "Up", "year": 2009}
    error = invalid("{title:Up}", MovieTD)
    assert (error.msg, error.path) == ("Missing required field 'year'", "$")
    error = invalid("{title:Up,year:x}", MovieTD)
    assert (error.msg, error.path, error.pos) == ("Expected int, got 'x'", "$.year", 15)
    error = invalid("{title:Up,year:1,bad:2}", MovieTD, forbid_unknown_fields=True)
    assert (error.msg, error.path) == ("Unknown field 'bad'", "$.bad")
    assert jsv.loads("{}", type=PartialTD) == {}
    assert jsv.loads("{tags:,title:}", type=PartialTD) == {"title": ""}
    assert jsv.loads("{TAGS:[a]}", type=PartialTD) == {"tags": ["a"]}
    assert jsv.dumps(MovieTD(title="Up", year=2009)) == "{title:Up,year:2009}"


def test_newtype_and_annotated_resolve_to_their_underlying_types() -> None:
    value = jsv.loads("{user:5,tags:[a,b],score:07}", type=Annotations)
    assert value == Annotations(UserId(5), [Tag("a"), Tag("b")], 7)
    assert jsv.loads("{user:5,tags:[],score:1,maybe:}", type=Annotations).maybe is None
    assert jsv.loads("5", type=UserId) == 5
    assert jsv.loads("[5]", type=list[Annotated[UserId, "x"]]) == [5]
    error = invalid("{user:x,tags:[],score:1}", Annotations)
    assert (error.msg, error.path) == ("Expected int, got 'x'", "$.user")


# ---- unions ------------------------------------------------------------------------------


def test_union_scalars_are_tried_in_declaration_order() -> None:
    value = jsv.loads("{numberOrText:5,textOrNumber:5,flagOrNumber:1}", type=Unions)
    assert (value.number_or_text, value.text_or_number, value.flag_or_number) == (5, "5", True)
    assert type(value.flag_or_number) is bool
    value = jsv.loads("{numberOrText:x,textOrNumber:x,flagOrNumber:2}", type=Unions)
    assert (value.number_or_text, value.text_or_number, value.flag_or_number) == ("x", "x", 2)
    assert jsv.loads("5", type=int | str) == 5
    assert jsv.loads("5", type=str | int) == "5"
    assert jsv.loads("[5]", type=list[str | int]) == ["5"]
    assert jsv.loads("[5]", type=list[int | str]) == [5]


def test_union_members_by_shape() -> None:
    base = "numberOrText:1,textOrNumber:1,flagOrNumber:1"
    cases: list[tuple[str, Any]] = [
        ("shape:[1,2]", [1, 2]),
        ("shape:{a:1}", {"a": 1}),
        ("shape:abc", "abc"),
        ("shape:", None),
        ("when:2025-01-15", dt.date(2025, 1, 15)),
        ("when:2025-01-15T10:00:00", dt.datetime(2025, 1, 15, 10)),
        ("item:{firstName:A}", Person("A")),
        ("item:[{firstName:A}]", [Person("A")]),
    ]
    for entry, expected in cases:
        value = jsv.loads("{" + base + "," + entry + "}", type=Unions)
        attribute = entry.split(":")[0]
        assert getattr(value, attribute) == expected, entry
        assert type(getattr(value, attribute)) is type(expected), entry


def test_union_errors_name_every_member() -> None:
    error = invalid("{numberOrText:1,textOrNumber:1,flagOrNumber:x}", Unions)
    assert where(error) == ("Expected bool | int, got 'x'", "$.flagOrNumber", 44, 1, 45)
    error = invalid("[1,[2]]", list[int | str])
    assert (error.msg, error.path) == ("Expected int | str, got a list", "$[1]")
    error = invalid("[1,]", list[int | float])
    assert (error.msg, error.path) == ("Expected int | float, got an empty value", "$[1]")
    # a union with str reads an empty value as ""
    assert jsv.loads("[1,]", type=list[int | str]) == [1, ""]
    error = invalid("[{}]", list[dt.date | dt.datetime | None])
    assert error.msg == "Expected date | datetime, got a map"


def test_ambiguous_unions_are_refused_at_plan_time() -> None:
    with pytest.raises(TypeError) as info:
        jsv.Decoder(Person | dict[str, int])
    assert str(info.value) == (
        f"jsv cannot map the union {Person | dict[str, int]!r}: both Person and map of str to "
        "int are read from a map, and only dataclasses are told apart (by __type)"
    )
    with pytest.raises(TypeError, match=r"both map of str to int and Person are read from a map"):
        jsv.Decoder(dict[str, int] | Person)
    with pytest.raises(TypeError, match=r"both list of int and tuple of str are read from a list"):
        jsv.Decoder(list[int] | tuple[str, ...])
    with pytest.raises(TypeError, match=r"any value cannot be a member"):
        jsv.Decoder(Union[int, Any])


@dataclass
class AmbiguousField:
    ok: int
    either: Optional[Union[Person, Dict[str, int]]] = None


def test_ambiguous_union_in_a_field_names_the_field() -> None:
    with pytest.raises(TypeError, match=r"\(field AmbiguousField\.either\)$"):
        jsv.Decoder(AmbiguousField)


# ---- key matching ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "dial_state",
        "dialState",
        "DialState",
        "DIAL_STATE",
        "dial-state",
        "Dial-State",
        "dialstate",
        "DIALSTATE",
        "_dial_state_",
        "dial__state",
        '"dialState"',
        '" dialState "',
    ],
)
def test_keys_match_exactly_or_ignoring_case_underscores_and_dashes(key: str) -> None:
    assert jsv.loads(f"{{{key}:x}}", type=Names).dial_state == "x"
    assert jsv.loads(f"{{ {key} : x }}", type=Names, trim=True).dial_state == "x"
    assert jsv.loads(f"{{ {key} :x}}", type=Names).dial_state == "x"  # the key is trimmed


def test_keys_are_matched_after_trimming_in_exact_mode_but_values_are_not_trimmed() -> None:
    assert jsv.loads("{ dialState : x }", type=Names).dial_state == " x "
    assert jsv.loads("{\n  dialState: x\n}", type=Names, trim=True).dial_state == "x"


@pytest.mark.parametrize(
    "doc",
    [
        "{dialState:a,urlValue:b,id:1,userId2:2,from:c,class:3}",
        "{DialState:a,URLValue:b,ID:1,UserId2:2,From:c,Class:3}",
        "{dial_state:a,url_value:b,id:1,user_id2:2,from:c,class:3}",
        "{dial_state:a,URLValue:b,ID:1,user_id2:2,from_:c,class_:3}",
        "{DIAL_STATE:a,URL_VALUE:b,Id:1,USER_ID_2:2,FROM:c,CLASS:3}",
    ],
)
def test_every_rename_policy_reads_back(doc: str) -> None:
    assert jsv.loads(doc, type=Names) == Names("a", "b", 1, 2, "c", 3)


def test_rename_policies_of_the_spec_table() -> None:
    value = Names("a", "b", 1, 2, "c", 3)
    assert jsv.dumps(value) == "{dialState:a,urlValue:b,id:1,userId2:2,from:c,class:3}"
    assert jsv.dumps(value, rename="camel") == jsv.dumps(value)
    assert (
        jsv.dumps(value, rename="pascal")
        == "{DialState:a,URLValue:b,ID:1,UserId2:2,From:c,Class:3}"
    )
    assert (
        jsv.dumps(value, rename="snake")
        == "{dial_state:a,url_value:b,id:1,user_id2:2,from:c,class:3}"
    )
    assert (
        jsv.dumps(value, rename=None)
        == "{dial_state:a,URLValue:b,ID:1,user_id2:2,from_:c,class_:3}"
    )
    assert jsv.dumps(value, rename=str.upper) == (
        "{DIAL_STATE:a,URLVALUE:b,ID:1,USER_ID2:2,FROM_:c,CLASS_:3}"
    )
    for rename in ("camel", "pascal", "snake", None, str.upper):
        assert jsv.loads(jsv.dumps(value, rename=rename), type=Names) == value
        assert jsv.Encoder(rename=rename).encode(value) == jsv.dumps(value, rename=rename)


@dataclass
class CamelTable:
    dialState: str = "1"
    id: str = "2"
    Id2: str = "3"
    HTTPServer: str = "4"
    getHTTPResponseCode: str = "5"
    x: str = "6"
    already_snake_case: str = "7"


def test_rename_splits_words_at_underscores_and_case_changes() -> None:
    value = CamelTable()
    assert jsv.dumps(value) == (
        "{dialState:1,id:2,id2:3,httpServer:4,getHTTPResponseCode:5,x:6,alreadySnakeCase:7}"
    )
    assert jsv.dumps(value, rename="pascal") == (
        "{DialState:1,Id:2,Id2:3,HTTPServer:4,GetHTTPResponseCode:5,X:6,AlreadySnakeCase:7}"
    )
    # snake is camel, then "_" before each capital (spec §6), as the reference's
    # lowercase-underscore does: a run of capitals inside a name is split letter by letter
    assert jsv.dumps(value, rename="snake") == (
        "{dial_state:1,id:2,id2:3,http_server:4,get_h_t_t_p_response_code:5,x:6,"
        "already_snake_case:7}"
    )
    for rename in ("camel", "pascal", "snake", None):
        assert jsv.loads(jsv.dumps(value, rename=rename), type=CamelTable) == value


@dataclass
class Accents:
    café: str = "1"
    naïve_état: str = "2"
    Größe: str = "3"
    user_名前: str = "4"


def test_rename_keeps_letters_outside_ascii() -> None:
    value = Accents()
    assert jsv.dumps(value) == "{café:1,naïveÉtat:2,größe:3,user名前:4}"
    assert jsv.dumps(value, rename="pascal") == "{Café:1,NaïveÉtat:2,Größe:3,User名前:4}"
    assert jsv.dumps(value, rename="snake") == "{café:1,naïve_état:2,größe:3,user名前:4}"
    for rename in ("camel", "pascal", "snake", None):
        assert jsv.loads(jsv.dumps(value, rename=rename), type=Accents) == value
    assert jsv.loads("{CAFÉ:x,NAÏVE_ÉTAT:y}", type=Accents) == Accents("x", "y")


def test_an_unknown_rename_policy_is_refused() -> None:
    with pytest.raises(
        ValueError, match=r"rename must be 'camel', 'pascal', 'snake', None or a callable"
    ):
        jsv.dumps(Names(), rename="kebab")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"rename must be"):
        jsv.Encoder(rename="Camel")  # type: ignore[arg-type]


@dataclass
class Keywords:
    from_: str = ""
    import_: int = 0
    lambda_: Optional[str] = None
    type: str = ""


def test_keyword_escaping_underscore() -> None:
    assert all(keyword.iskeyword(name[:-1]) for name in ("from_", "import_", "lambda_"))
    value = Keywords("a", 1, "b", "t")
    assert jsv.dumps(value) == "{from:a,import:1,lambda:b,type:t}"
    assert jsv.dumps(value, rename="pascal") == "{From:a,Import:1,Lambda:b,Type:t}"
    assert jsv.dumps(value, rename=None) == "{from_:a,import_:1,lambda_:b,type:t}"
    assert jsv.loads("{from:a,import:1,lambda:b,type:t}", type=Keywords) == value
    assert jsv.loads("{From:a,Import:1,Lambda:b,Type:t}", type=Keywords) == value
    assert jsv.loads("{from_:a,import_:1,lambda_:b,type:t}", type=Keywords) == value


@dataclass
class WireNames:
    session_id: str = field(default="", metadata={"jsv_name": "SID"})
    plain_name: str = ""


def test_a_per_field_wire_name_overrides_the_policy() -> None:
    value = WireNames("s", "p")
    for rename in ("camel", "pascal", "snake", None):
        assert jsv.dumps(value, rename=rename).startswith("{SID:s,")
    assert jsv.dumps(value, rename="pascal") == "{SID:s,PlainName:p}"
    assert jsv.loads("{SID:s,plainName:p}", type=WireNames) == value
    assert jsv.loads("{sid:s}", type=WireNames).session_id == "s"
    # the Python name and its policy spellings still match
    assert jsv.loads("{sessionId:s}", type=WireNames).session_id == "s"


@dataclass
class LookAlikes:
    user_id: str = ""
    userId: str = ""


def test_a_fields_own_name_wins_over_another_fields_derived_spelling() -> None:
    value = LookAlikes("a", "b")
    assert jsv.dumps(value, rename=None) == "{user_id:a,userId:b}"
    assert jsv.loads("{user_id:a,userId:b}", type=LookAlikes) == value
    assert jsv.loads("{userId:b,user_id:a}", type=LookAlikes) == value


def test_subclass_of_a_dto_defined_in_another_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each class resolves its annotations in its own module: the subclass's module need
    not import what the base class's annotations name (here Optional)."""
    module = types.ModuleType("app_dtos")
    monkeypatch.setitem(sys.modules, "app_dtos", module)
    source = (
        "from __future__ import annotations\n"
        "from dataclasses import dataclass\n"
        "from jsv.examples.evovoice import SessionMemberInfo\n"
        "@dataclass\n"
        "class AppMember(SessionMemberInfo):\n"
        "    extra: int = 0\n"
    )
    exec(compile(source, "app_dtos.py", "exec"), module.__dict__)
    value = jsv.loads("{displayName:Ann,role:Agent,extra:2}", type=module.AppMember)
    assert (value.display_name, value.role.value, value.extra) == ("Ann", "Agent", 2)


def test_type_markers_are_ignored() -> None:
    doc = '{__type:"Acme.Person, Acme",firstName:A}'
    assert jsv.loads(doc, type=Person) == Person("A")
    assert jsv.loads(doc, type=Person, forbid_unknown_fields=True) == Person("A")
    assert jsv.loads('{ __type : "X" , firstName: A }', type=Person, trim=True) == Person("A")
    assert jsv.loads('{ __type :"X",firstName:A}', type=Person, forbid_unknown_fields=True) == (
        Person("A")
    )
    # for a dict it is an ordinary key
    assert jsv.loads(doc, type=dict[str, str])["__type"] == "Acme.Person, Acme"


@dataclass
class Typed:
    type: str = ""
    name: str = ""


def test_type_marker_never_reaches_a_field_named_type() -> None:
    doc = '{__type:"Acme.Shape, Acme",name:x}'
    assert jsv.loads(doc, type=Typed) == Typed("", "x")
    assert jsv.loads('{type:t, __type :"X"}', type=Typed, forbid_unknown_fields=True) == Typed("t")
    assert jsv.loads("{Type:t,TYPE:u}", type=Typed) == Typed("u")


def test_duplicate_keys_the_last_one_wins() -> None:
    assert jsv.loads("{firstName:A,FirstName:B,first_name:C}", type=Person) == Person("C")
    assert jsv.loads("{firstName:A,age:1,age:2}", type=Person).age == 2


# ---- unknown and missing fields ------------------------------------------------------------


def test_unknown_fields_are_ignored_by_default() -> None:
    assert jsv.loads("{firstName:A,nickName:B,x:{y:[z]}}", type=Person) == Person("A")


def test_forbid_unknown_fields_reports_the_key() -> None:
    error = invalid("{firstName:A,nickName:B}", Person, forbid_unknown_fields=True)
    assert where(error) == ("Unknown field 'nickName'", "$.nickName", 22, 1, 23)
    assert str(error) == "Unknown field 'nickName' at $.nickName: line 1 column 23 (char 22)"
    doc = "{\n  id: 1,\n  members: [\n    { displayName: A, Nick: B }\n  ]\n}"
    error = invalid(doc, Session, trim=True, forbid_unknown_fields=True)
    pos = doc.index("B }")  # the position of the entry's value
    assert where(error) == ("Unknown field 'Nick'", "$.members[0].Nick", pos, 4, 29)
    error = invalid('{"first name":A}', Person, forbid_unknown_fields=True)
    assert (error.msg, error.path) == ("Unknown field 'first name'", '$["first name"]')
    decoder = jsv.Decoder(Person, forbid_unknown_fields=True)
    assert decoder.decode("{firstName:A}") == Person("A")
    with pytest.raises(ValidationError):
        decoder.decode("{firstName:A,b:1}")


def test_missing_required_fields_are_reported_at_their_map() -> None:
    error = invalid("{age:3}", Person)
    assert where(error) == ("Missing required field 'firstName'", "$", 0, 1, 1)
    assert str(error) == "Missing required field 'firstName' at $: line 1 column 1 (char 0)"
    doc = "{id:1,members:[{displayName:A},{muted:True}]}"
    error = invalid(doc, Session)
    assert where(error) == ("Missing required field 'displayName'", "$.members[1]", 31, 1, 32)
    error = invalid("{}", Required)
    assert error.msg == "Missing required field 'count'"
    error = invalid("{count:1,name:n,label:l,anything:a}", Required)
    assert error.msg == "Missing required field 'child'"


@dataclass
class RequiredWireNames:
    session_id: str = field(metadata={"jsv_name": "SID"})
    dial_state: str = field(metadata={"dataclasses_json": {"letter_case": str.upper}})
    url_value: str = ""
    from_: str = field(default="")
    call_sid: str = field(kw_only=True)


def test_a_missing_field_is_named_by_the_key_the_encoder_writes() -> None:
    """The default (camelCase) rename, or the field's own wire name; whatever the input
    spells the other keys, and whatever rename= an encoder might use."""
    value = RequiredWireNames("s", "d", "u", "f", call_sid="c")
    assert jsv.dumps(value) == "{SID:s,DIAL_STATE:d,urlValue:u,from:f,callSid:c}"
    cases = [
        ("{DIAL_STATE:d,callSid:c}", "SID"),
        ("{session_id:s,call_sid:c}", "DIAL_STATE"),
        ("{SID:s,DialState:d,url_value:u}", "callSid"),
    ]
    for doc, wire in cases:
        error = invalid(doc, RequiredWireNames)
        assert (error.msg, error.path, error.pos) == (f"Missing required field '{wire}'", "$", 0)
    error = invalid("[{},{sid:s,dialState:d,callSid:c}]", list[RequiredWireNames])
    assert (error.msg, error.path, error.pos) == ("Missing required field 'SID'", "$[0]", 1)
    # Generic and inherited dataclasses: the same names.
    error = invalid("{results:[{age:1}]}", QueryResponse[Person])
    assert (error.msg, error.path) == ("Missing required field 'firstName'", "$.results[0]")


# ---- empty values (spec §6) ----------------------------------------------------------------


def test_empty_values_in_order_optional_str_default_error() -> None:
    doc = "{count:,ratio:,name:,label:,when:,items:,role:,anything:,child:}"
    assert jsv.loads(doc, type=Defaults) == Defaults(
        count=7,
        ratio=0.5,
        name="",  # str: the empty string, not the default
        label=None,  # Optional: None, not the default
        when=dt.date(2000, 1, 1),
        items=[1, 2],
        role=Role.AGENT,
        anything=None,  # Any: None
        child=Person("kid"),
    )
    assert jsv.loads(doc, type=Defaults, trim=True) == jsv.loads(doc, type=Defaults)
    value = jsv.loads("{count:1,name:,label:,anything:,child:{firstName:}}", type=Required)
    assert value == Required(1, "", None, None, Person(""))
    error = invalid("{count:,name:n,label:l,anything:a,child:{firstName:c}}", Required)
    assert where(error) == ("Expected int, got an empty value", "$.count", 7, 1, 8)
    error = invalid("{count:1,name:n,label:l,anything:a,child:}", Required)
    assert where(error) == ("Expected Person, got an empty value", "$.child", 41, 1, 42)


@dataclass
class TextUnions:
    required: int | str
    defaulted: int | str = 5
    optional: Optional[int | str] = 6


def test_empty_values_of_unions_with_str_are_empty_strings_everywhere() -> None:
    assert jsv.loads("{required:,defaulted:,optional:}", type=TextUnions) == TextUnions(
        "", "", None
    )
    assert jsv.loads("", type=int | str) == ""
    assert jsv.loads("[1,,x]", type=list[int | str]) == [1, "", "x"]
    assert jsv.loads("{a:}", type=dict[str, int | str]) == {"a": ""}
    error = invalid("{a:}", dict[str, int | float])
    assert (error.msg, error.path) == ("Expected int | float, got an empty value", '$["a"]')


def test_empty_documents_follow_the_same_rule_at_the_root() -> None:
    assert jsv.loads("", type=Optional[int]) is None
    assert jsv.loads("  \n", type=Optional[Person]) is None
    assert jsv.loads("", type=Person | None) is None
    assert jsv.loads("", type=str) == ""
    assert jsv.loads("", type=Any) is None
    for tp in (int, Person, list[int], dict[str, int], Role):
        error = invalid("", tp)
        assert (error.path, error.pos) == ("$", 0)
        assert error.msg.endswith("got an empty value")


def test_quoted_empty_string_is_text_not_an_empty_value() -> None:
    assert jsv.loads('{label:""}', type=Defaults).label == ""
    assert jsv.loads('{name:""}', type=Defaults).name == ""
    error = invalid('{count:""}', Defaults)
    assert error.msg == "Expected int, got ''"


# ---- plan-time errors ----------------------------------------------------------------------


@dataclass
class Unsupported:
    fine: int
    bad: complex


@dataclass
class DeepUnsupported:
    items: list[dict[str, Unsupported]]


@dataclass
class Unresolvable:
    thing: "NoSuchType"  # type: ignore[name-defined]  # noqa: F821, UP037


def test_unsupported_annotations_are_type_errors_naming_the_field() -> None:
    with pytest.raises(TypeError) as info:
        jsv.Decoder(Unsupported)
    assert str(info.value) == "jsv cannot map the type <class 'complex'> (field Unsupported.bad)"
    with pytest.raises(TypeError, match=r"\(field DeepUnsupported\.items\.Unsupported\.bad\)$"):
        jsv.loads("{}", type=DeepUnsupported)
    with pytest.raises(TypeError, match=r"^jsv cannot map the type <class 'complex'>$"):
        jsv.Decoder(list[complex])
    with pytest.raises(
        TypeError, match=r"cannot resolve the annotations of .*Unresolvable.*NoSuchType"
    ):
        jsv.Decoder(Unresolvable)
    with pytest.raises(TypeError, match=r"jsv cannot map the type 'Person'"):
        jsv.Decoder("Person")
    with pytest.raises(TypeError, match=r"jsv cannot map the type .*Literal\[1\.5\]"):
        jsv.Decoder(Literal[1.5])


def test_plan_errors_happen_before_any_input_is_read() -> None:
    with pytest.raises(TypeError):
        jsv.loads("not even {valid", type=Unsupported)


# ---- errors: paths and positions ----------------------------------------------------------


def test_paths_use_the_documents_own_key_spelling() -> None:
    error = invalid("{ID:1,Members:[{DisplayName:A,Role:Boss}]}", Session)
    assert where(error) == ("Expected Role, got 'Boss'", "$.Members[0].Role", 35, 1, 36)
    error = invalid("{id:1,members:[{display_name:A,role:Boss}]}", Session)
    assert error.path == "$.members[0].role"
    error = invalid('{data:{"a key":[]}}', dict[str, dict[str, int]])
    assert where(error) == ("Expected int, got a list", '$["data"]["a key"]', 15, 1, 16)
    error = invalid('{id:1,"mem-bers":{}}', Session)
    assert (error.msg, error.path) == ("Expected list of Member, got a map", '$["mem-bers"]')


def test_positions_in_pretty_printed_documents() -> None:
    doc = (
        "{\n"
        "  id: 1,\n"
        "  members: [\n"
        "    {\n"
        "      displayName: Ann\n"
        "    },\n"
        "    {\n"
        "      displayName: Bo,\n"
        "      role: Boss\n"
        "    }\n"
        "  ]\n"
        "}"
    )
    error = invalid(doc, Session, trim=True)
    pos = doc.index("Boss")
    assert where(error) == ("Expected Role, got 'Boss'", "$.members[1].role", pos, 9, 13)
    assert str(error) == (
        f"Expected Role, got 'Boss' at $.members[1].role: line 9 column 13 (char {pos})"
    )
    # read exactly, the value keeps its space, and the error points at the value
    error = invalid(doc, Session)
    assert (error.msg, error.path, error.lineno) == (
        "Expected Role, got ' Boss\\n    '",
        "$.members[1].role",
        9,
    )


def test_position_when_the_first_key_has_leading_whitespace_in_exact_mode() -> None:
    error = invalid("{ a :[x]}", dict[str, list[int]])
    assert where(error) == ("Expected int, got 'x'", '$[" a "][0]', 6, 1, 7)
    error = invalid("{\n  firstName: A,\n  age: x\n}", Person)
    assert where(error) == ("Expected int, got ' x\\n'", "$.age", 25, 3, 8)


def test_positions_with_duplicate_keys_point_at_the_last() -> None:
    error = invalid("{age:1,firstName:A,age:x}", Person)
    assert where(error) == ("Expected int, got 'x'", "$.age", 23, 1, 24)


def test_positions_in_bytes_input_are_characters() -> None:
    doc = "{firstName:Zoë,age:x}"
    error = invalid(doc.encode(), Person)  # type: ignore[arg-type]
    assert where(error) == ("Expected int, got 'x'", "$.age", 19, 1, 20)
    assert error.doc == doc


def test_validation_errors_are_decode_errors_and_value_errors() -> None:
    error = invalid("{age:x}", Person)
    assert isinstance(error, jsv.DecodeError)
    assert isinstance(error, ValueError)
    assert isinstance(error, jsv.JSVError)
    with pytest.raises(jsv.DecodeError) as info:
        jsv.loads("{firstName:A", type=Person)
    assert type(info.value) is jsv.DecodeError  # malformed text is not a ValidationError


def test_validation_errors_pickle() -> None:
    import pickle

    error = invalid("{firstName:A,age:x}", Person)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is ValidationError
    assert (copy.msg, copy.path, copy.pos, str(copy)) == (
        error.msg,
        error.path,
        error.pos,
        str(error),
    )


def test_deep_nesting_within_the_limit_decodes() -> None:
    depth = jsv.MAX_DEPTH // 2 - 1  # two levels (a map and a list) per tree level
    doc = "{label:x,children:[" * depth + "{label:y}" + "]}" * depth
    value = jsv.loads(doc, type=Tree)
    # written back as read (the encoder does not recurse; == and repr on such a tree do)
    written = doc.replace("{label:y}", "{label:y,children:[]}")
    assert jsv.dumps(value) == written
    assert jsv.dumps(jsv.loads(written, type=Tree)) == written
    for _ in range(depth):
        assert (type(value), value.label, len(value.children)) == (Tree, "x", 1)
        value = value.children[0]
    assert value == Tree("y")
    doc = "{label:x,children:[" * (depth + 1) + "{label:y}" + "]}" * (depth + 1)
    with pytest.raises(jsv.DecodeError, match="Nesting deeper than"):
        jsv.loads(doc, type=Tree)


# ---- plans and decoders --------------------------------------------------------------------


def test_decoder_is_reusable_and_equivalent_to_loads() -> None:
    decoder = jsv.Decoder(list[Person], trim=True)
    for doc in ("[ { firstName: A } ]", "[]", "[{firstName:B,age:2}]"):
        assert decoder.decode(doc) == jsv.loads(doc, type=list[Person], trim=True)
    assert decoder.decode(b"[{firstName:C}]") == [Person("C")]
    assert decoder.decode(bytearray(b"[{firstName:C}]")) == [Person("C")]
    assert decoder.decode(memoryview(b"[{firstName:C}]")) == [Person("C")]
    assert "Decoder(" in repr(decoder)


_UNTYPED_DOCS = [
    "",
    "  ",
    "x",
    "{ dialState: None, ended: False }",
    '{id:1,name:"Me, Junior",tags:[a,,b],m:{}}',
    '[ a , "b, c" ,[],{k:v},]',
    '\ufeff{a:"x""y"}',
    "[" * 300 + "]" * 300,
]
_UNTYPED_BAD: list[str | bytes] = [
    "{a:[1}",
    '{a:"x}',
    "[a]b",
    "{a}",
    "[" * 1001 + "]" * 1001,
    b"{a:\xff}",
]


@pytest.mark.parametrize(
    "make",
    [jsv.Decoder, lambda **kw: jsv.Decoder(None, **kw), lambda **kw: jsv.Decoder(Any, **kw)],
    ids=["no type", "None", "Any"],
)
def test_decoder_without_a_type_decodes_untyped_as_loads(make: Any) -> None:
    for trim in (False, True):
        decoder = make(trim=trim)
        assert (decoder.type, decoder.trim) == (Any, trim)
        assert repr(decoder) == f"Decoder(typing.Any, trim={trim})"
        for doc in _UNTYPED_DOCS:
            expected = jsv.loads(doc, trim=trim)
            assert decoder.decode(doc) == expected
            assert decoder.decode(doc.encode()) == expected
            assert jsv.loads(doc, type=Any, trim=trim) == expected
        for bad in _UNTYPED_BAD:
            with pytest.raises(jsv.DecodeError) as want:
                jsv.loads(bad, trim=trim)
            with pytest.raises(jsv.DecodeError) as got:
                decoder.decode(bad)
            assert type(got.value) is type(want.value) is jsv.DecodeError
            assert (got.value.args, got.value.doc) == (want.value.args, want.value.doc)
    # The exact values, kept or trimmed:
    doc = "{ a: [x,,y], b: z }"
    assert make().decode(doc) == {" a": ["x", None, "y"], " b": " z "}
    assert make(trim=True).decode(doc) == {"a": ["x", None, "y"], "b": "z"}
    assert make(forbid_unknown_fields=True).decode("{a:1}") == {"a": "1"}
    with pytest.raises(jsv.DecodeError) as error:
        make().decode("{a:[1}")
    assert str(error.value) == (
        "Unterminated list: no closing ']' for the '[' at line 1 column 4: line 1 column 7 (char 6)"
    )
    message = "^Input must be str, bytes, bytearray or memoryview, not int$"
    with pytest.raises(TypeError, match=message):
        jsv.loads(1)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=message):
        make().decode(1)


def test_plans_are_built_once_per_type() -> None:
    from jsv import _plan

    assert _plan.plan(Session) is _plan.plan(Session)
    assert _plan.plan(list[Person]) is _plan.plan(list[Person])
    assert _plan.plan(int | str) is not _plan.plan(str | int)
    node = _plan.plan(Session)
    assert isinstance(node, _plan.ClassNode)
    assert [f.name for f in node.fields] == [
        "id",
        "created",
        "name",
        "members",
        "owner",
        "data",
    ]
    assert [f.required for f in node.fields] == [True, False, False, False, False, False]


def test_plans_of_recursive_types_are_cyclic() -> None:
    from jsv import _plan

    node = _plan.plan(Tree)
    assert isinstance(node, _plan.ClassNode)
    children = node.fields[1].node
    assert isinstance(children, _plan.SequenceNode)
    assert children.item is node


def test_typing_module_names_of_types() -> None:
    # typing's own aliases behave as the builtin ones
    assert jsv.loads("[1]", type=typing.List[int]) == [1]
    assert jsv.loads("{a:1}", type=typing.Mapping[str, int]) == {"a": 1}
    assert jsv.loads("[1,a]", type=typing.Tuple[int, str]) == (1, "a")


def test_make_dataclass_fields_without_annotations_are_read_untyped() -> None:
    Dynamic = dataclasses.make_dataclass("Dynamic", ["a", ("b", int, field(default=0))])
    value: Any = jsv.loads("{a:[x],b:2}", type=Dynamic)
    assert (value.a, value.b) == (["x"], 2)


# ---- a str given a map or a list; a map that gives a field twice ------------------------------


@dataclass
class Raw:
    A: Optional[str] = None
    B: Optional[str] = None
    C: str = ""


@dataclass(frozen=True)
class RawKey:
    x: str


class RawPair(typing.NamedTuple):
    text: str
    number: int


def test_a_str_given_a_map_or_list_reads_its_text_as_written() -> None:
    # the reference reads a string property given a map or list as that value's JSV text
    value = jsv.loads('{A:{b:1},B:[1,2],C:{q:"x,}y",r:[]}}', type=Raw)
    assert (value.A, value.B, value.C) == ("{b:1}", "[1,2]", '{q:"x,}y",r:[]}')
    assert jsv.loads("[{b:1},[1,2],x,{}]", type=list[str]) == ["{b:1}", "[1,2]", "x", "{}"]
    assert jsv.loads("{a:{b:1},c:[ ]}", type=dict[str, str]) == {"a": "{b:1}", "c": "[ ]"}
    assert jsv.loads("{a:1}", type=str) == "{a:1}"
    assert jsv.loads(" [1,2] ", type=Optional[str]) == "[1,2]"
    assert jsv.loads("[{a:1},2]", type=tuple[str, int]) == ("{a:1}", 2)
    assert jsv.loads("[{a:1},2]", type=RawPair) == RawPair("{a:1}", 2)
    assert jsv.loads("{{x:{a:1}}:v}", type=dict[RawKey, str]) == {RawKey("{a:1}"): "v"}


def test_a_str_given_a_map_keeps_the_whitespace_inside_it_when_trimming() -> None:
    value = jsv.loads("{ A : { b : 1 } , B : [ 1 , 2 ] }", type=Raw, trim=True)
    assert (value.A, value.B) == ("{ b : 1 }", "[ 1 , 2 ]")


def test_a_union_with_str_given_a_map_is_still_a_misfit() -> None:
    error = invalid("{a:{b:1}}", dict[str, typing.Union[int, str]])
    assert (error.msg, error.path, error.pos) == ("Expected int | str, got a map", '$["a"]', 3)


def test_a_field_given_twice_takes_the_value_of_the_last_key_text_first_written() -> None:
    # as the untyped map reads it: each key text keeps its last value, at its first place
    assert jsv.loads("{name:a,name:b}", type=Logged) == Logged("b")
    assert jsv.loads("{name:a,Name:b}", type=Logged) == Logged("b")
    assert jsv.loads("{name:a,Name:b,name:c}", type=Logged) == Logged("b")
    assert jsv.loads("{name:a,size:x,size:2}", type=Logged) == Logged("a", 2)
    assert jsv.loads("[{name:a,size:1,size:2}]", type=list[Logged]) == [Logged("a", 2)]


def test_two_keys_of_one_value_take_the_last_key_text_first_written() -> None:
    assert jsv.loads("{1:a,01:b,1:c}", type=dict[int, str]) == {1: "b"}
    assert jsv.loads("{1:a,01:b}", type=dict[int, str]) == {1: "b"}


def test_a_misfit_overwritten_later_in_its_map_does_not_count() -> None:
    assert jsv.loads("{name:a,size:,size:2}", type=Logged) == Logged("a", 2)
    assert jsv.loads("{a:x,a:1}", type=dict[str, int]) == {"a": 1}
    assert jsv.loads("{1:x,1:2}", type=dict[int, int]) == {1: 2}
    # an earlier key text whose later value fails is met first, as the untyped map orders it
    error = invalid("{size:1,name:a,extra:1,size:x}", Logged, forbid_unknown_fields=True)
    assert (error.msg, error.path) == ("Expected int, got 'x'", "$.size")
    error = invalid("{size:1,name:[a],size:x}", Logged)
    assert (error.msg, error.path) == ("Expected int, got 'x'", "$.size")


def test_a_converter_without_the_text_of_its_tree_rejects_a_map_for_a_str() -> None:
    # a pure converter called on a tree with no text behind it (no jsv._source in effect)
    from jsv._errors import Invalid
    from jsv._plan import plan
    from jsv._typed import compile_plan

    with pytest.raises(Invalid, match=r"^Expected str, got a map$"):
        compile_plan(plan(str), False)({"a": "1"})
