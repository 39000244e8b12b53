"""Query strings and form fields (wire-extras §1-§18): query_params, query_string, parse_query.

Each rule of the contract is pinned with its exact text, values, messages and paths; a
property test checks the round trip over generated dataclasses. The suite's ``kernel``
fixture runs everything on both kernels.
"""

# ruff: noqa: UP006, UP035, UP045
# (typing.Optional and List are spelled out where generated DTOs use them.)
from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import math
import typing
import urllib.parse
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Dict, List, Literal, NamedTuple, NewType, Optional, Tuple

import pytest
from dataclasses_json import LetterCase, dataclass_json
from hypothesis import given, settings
from hypothesis import strategies as st

import jsv
from jsv import EncodeError, ValidationError

PROPERTY = settings(max_examples=80, deadline=None, database=None)


class Gender(str, enum.Enum):  # noqa: UP042 (as ServiceStack DTOs write enums)
    NONE = "None"
    MALE = "Male"
    FEMALE = "Female"
    ODD = 'a, "b": {c}'


class Level(enum.IntEnum):
    ZERO = 0
    ONE = 1


@dataclass
class Child:
    name: str
    age: int = 0
    tags: List[str] = field(default_factory=list)


@dataclass
class Base:
    id: int


@dataclass
class Customer(Base):
    first_name: str
    last_name: Optional[str] = None
    gender: Optional[Gender] = None


@dataclass
class Form:
    remember: bool = False
    maybe: Optional[bool] = None


@dataclass
class Lists:
    ids: List[int] = field(default_factory=list)
    words: Optional[List[str]] = None
    nested: List[List[int]] = field(default_factory=list)
    unique: set[int] = field(default_factory=set)
    frozen: frozenset[str] = frozenset()
    many: Tuple[int, ...] = ()
    pair: Optional[Tuple[int, str]] = None


@dataclass
class Texts:
    q: str = ""
    maybe: Optional[str] = None
    code: Optional[NewType("Code", str)] = None  # type: ignore[valid-type]
    note: Annotated[str, "free text"] = ""


@dataclass
class Values:
    age: int = 0
    gender: Optional[Gender] = None
    child: Optional[Child] = None
    by_name: Optional[Dict[str, int]] = None
    when: Optional[dt.date] = None
    anything: Any = None
    level: Level = Level.ZERO


@dataclass
class Required:
    name: str
    age: int


@dataclass
class Binding:
    int_: int = 0
    decimal_: Decimal = Decimal(0)


@dataclass
class Ordinary:
    format: str = ""
    v: Optional[int] = None
    callback: Optional[str] = None


@dataclass
class Named:
    first_name: str = ""
    url_value: Optional[str] = None
    custom: Optional[str] = field(default=None, metadata={"jsv_name": "Inc"})


@dataclass
class Hidden:
    shown: int = 0
    computed: int = field(default=7, init=False)


def params(obj: Any, **options: Any) -> list[tuple[str, str]]:
    return jsv.query_params(obj, **options)


def value_of(value: Any) -> str:
    """The text query_params writes for one value."""
    ((_, text),) = jsv.query_params({"x": value})
    return text


def invalid(query: Any, tp: Any, **options: Any) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        jsv.parse_query(query, tp, **options)
    return info.value


# ---- §1 API ---------------------------------------------------------------------------------


def test_a_dataclass_gives_its_fields_in_definition_order_base_class_first() -> None:
    value = Customer(id=1, first_name="Foo", last_name="Bar")
    assert params(value) == [("id", "1"), ("firstName", "Foo"), ("lastName", "Bar")]
    assert jsv.query_string(value) == "id=1&firstName=Foo&lastName=Bar"


def test_a_mapping_gives_its_entries_in_order_with_keys_as_they_are() -> None:
    value = {"first_name": "Foo", "IDs": [1, 2], "a b": "c"}
    assert params(value) == [("first_name", "Foo"), ("IDs", "1,2"), ("a b", "c")]
    assert params(value, rename="pascal") == params(value)
    assert jsv.query_string(value) == "first_name=Foo&IDs=1%2C2&a%20b=c"


class ReadOnlyMapping(Mapping[str, Any]):
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __iter__(self) -> Any:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)


def test_any_mapping_is_accepted() -> None:
    assert params(ReadOnlyMapping({"b": 1, "a": True})) == [("b", "1"), ("a", "True")]


@pytest.mark.parametrize(
    ("obj", "name"),
    [(5, "int"), ("a=1", "str"), ([("a", "1")], "list"), (None, "NoneType"), (Child, "type")],
)
def test_anything_else_is_an_encode_error(obj: Any, name: str) -> None:
    message = f"query_params takes a dataclass instance or a mapping with str keys, not {name}"
    with pytest.raises(EncodeError) as info:
        jsv.query_params(obj)
    assert str(info.value) == message
    with pytest.raises(EncodeError):
        jsv.query_string(obj)


def test_a_mapping_key_that_is_not_a_str_is_an_encode_error() -> None:
    with pytest.raises(EncodeError) as info:
        jsv.query_params({1: "a"})
    assert str(info.value) == "A query parameter name must be a str, not int"


def test_a_bad_rename_policy_is_a_value_error_even_for_a_mapping() -> None:
    with pytest.raises(ValueError, match="rename must be"):
        jsv.query_params({"a": 1}, rename="kebab")  # type: ignore[arg-type]


# ---- §2 names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rename", "names"),
    [
        ("camel", ["firstName", "urlValue", "Inc"]),
        ("pascal", ["FirstName", "UrlValue", "Inc"]),
        ("snake", ["first_name", "url_value", "Inc"]),
        (None, ["first_name", "url_value", "Inc"]),
        (str.upper, ["FIRST_NAME", "URL_VALUE", "Inc"]),
    ],
)
def test_names_are_those_dumps_writes_with_the_same_rename(rename: Any, names: list[str]) -> None:
    value = Named(first_name="a", url_value="b", custom="c")
    assert [name for name, _ in params(value, rename=rename)] == names
    assert jsv.dumps(value, rename=rename) == "{" + f"{names[0]}:a,{names[1]}:b,Inc:c" + "}"


@dataclass_json(letter_case=typing.cast(Any, LetterCase.PASCAL))
@dataclass
class Generated:
    first_name: str


def test_dataclasses_json_names_are_honoured() -> None:
    assert params(Generated("a")) == [("FirstName", "a")]


# ---- §3 what is left out ---------------------------------------------------------------------


def test_only_none_is_left_out() -> None:
    value: dict[str, Any] = {
        "a": None,
        "zero": 0,
        "no": False,
        "empty": "",
        "gender": Gender.NONE,
        "list": [],
    }
    assert params(value) == [
        ("zero", "0"),
        ("no", "False"),
        ("empty", ""),
        ("gender", "None"),
        ("list", "[]"),
    ]
    assert params(Customer(id=0, first_name="")) == [("id", "0"), ("firstName", "")]


# ---- §4 strings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["Foo,Bar", '"quoted content"', " a ", "[1,2]", "", "{a:1}", "x\r\ny", "é ☃"]
)
def test_a_str_is_written_as_it_is(text: str) -> None:
    assert value_of(text) == text


def test_a_str_subclass_is_written_by_its_text() -> None:
    class Shouting(str):
        def __str__(self) -> str:
            return "LOUD"

    assert value_of(Shouting("quiet")) == "quiet"


# ---- §5 other scalars -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "True"),
        (False, "False"),
        (42, "42"),
        (-7, "-7"),
        (1e15, "1E+15"),
        (8.9, "8.9"),
        (Decimal("1.50"), "1.50"),
        (dt.date(1994, 10, 24), "1994-10-24"),
        (dt.datetime(2025, 1, 15, 9, 30, tzinfo=dt.UTC), "2025-01-15T09:30:00Z"),
        (dt.timedelta(hours=1, minutes=30), "PT1H30M"),
        (dt.time(13, 13, 13), "PT13H13M13S"),
        (uuid.UUID(int=255), "000000000000000000000000000000ff"),
        (b"\x00", "AA=="),
        (Gender.MALE, "Male"),
        (Gender.ODD, '"a, ""b"": {c}"'),
        (Level.ONE, "1"),
    ],
)
def test_other_scalars_are_their_jsv_text(value: Any, text: str) -> None:
    assert value_of(value) == text


# ---- §6 lists -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ([1, 2, 3], "1,2,3"),
        (["a,b", "c"], '"a,b",c'),
        (['say "hi"'], '"say ""hi"""'),
        (["a", ""], 'a,""'),
        ([None, "b"], ",b"),
        (["a", None], "a,"),
        ([None, None], ","),
        (["Foo:Bar"], '"Foo:Bar"'),
        ([Child("a"), Child("b")], "{name:a,age:0,tags:[]},{name:b,age:0,tags:[]}"),
        ([{"name": "a"}, {"name": "b"}], "{name:a},{name:b}"),
        ([], "[]"),
        ((), "[]"),
        ([[1, 2], [3]], "[[1,2],[3]]"),
        ([[]], "[[]]"),
        ([(1,), {2}], "[[1],[2]]"),
        ([1, [2]], "1,[2]"),
        ([1, {"a": [2]}], "1,{a:[2]}"),
        ((1, "x"), "1,x"),
        ({3, 1, 2}, "1,2,3"),
        (frozenset({"b", "a"}), "a,b"),
    ],
)
def test_a_list_is_its_jsv_text_without_the_outer_brackets(value: Any, text: str) -> None:
    assert value_of(value) == text


def test_a_list_whose_only_item_is_none_is_an_encode_error_at_the_parameter() -> None:
    message = "A list whose only item is None has no JSV form: [] is the empty list (at {})"
    with pytest.raises(EncodeError) as info:
        jsv.query_params({"ids": [None]})
    assert str(info.value) == message.format("$.ids")
    with pytest.raises(EncodeError) as info:
        jsv.query_params(Lists(nested=[[1], [None]]))  # type: ignore[list-item]
    assert str(info.value) == message.format("$.nested[1]")


def test_an_unsupported_value_is_an_encode_error_at_the_parameter() -> None:
    with pytest.raises(EncodeError) as info:
        jsv.query_params(Lists(ids=[1, object()]))  # type: ignore[list-item]
    assert str(info.value) == "Object of type object is not JSV serializable (at $.ids[1])"
    with pytest.raises(EncodeError) as info:
        jsv.query_params({"a b": object()})
    assert str(info.value) == 'Object of type object is not JSV serializable (at $["a b"])'
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(EncodeError, match=r"^Circular reference detected \(at \$\.x\[0\]\)$"):
        jsv.query_params({"x": loop})


# ---- §7 maps and objects --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"a": 1, "b": "x,y"}, '{a:1,b:"x,y"}'),
        ({}, "{}"),
        ({"a": None, "b": 1}, "{b:1}"),
        (Child("x", tags=["a", "b"]), "{name:x,age:0,tags:[a,b]}"),
        (Customer(id=1, first_name="x"), "{id:1,firstName:x}"),
    ],
)
def test_a_map_or_dataclass_is_its_compact_jsv_text(value: Any, text: str) -> None:
    assert value_of(value) == text


def test_rename_applies_inside_values() -> None:
    value = {"child": Child("x")}
    assert params(value, rename="pascal") == [("child", "{Name:x,Age:0,Tags:[]}")]


# ---- §8 query_string ------------------------------------------------------------------------


def test_query_string_escapes_as_uri_escape_data_string() -> None:
    text = "amp&mod%space comma,dot.colon:semicolon;slash/"
    assert jsv.query_string({"q": text}) == (
        "q=amp%26mod%25space%20comma%2Cdot.colon%3Asemicolon%3Bslash%2F"
    )
    assert jsv.query_string({"firstName": "Foo", "ids": [1, 2, 3]}) == "firstName=Foo&ids=1%2C2%2C3"


def test_query_string_keeps_only_unreserved_characters() -> None:
    every = "".join(chr(c) for c in range(32, 127))
    escaped = jsv.query_string({"x": every}).removeprefix("x=")
    kept = "".join(c for c in escaped if c not in "%0123456789ABCDEF")
    assert set(kept) <= set("abcdefghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ-._~")
    assert escaped == urllib.parse.quote(every, safe="")
    assert "+" not in escaped and "%20" in escaped
    assert jsv.query_string({"é": "☃ x+y=1E+15"}) == "%C3%A9=%E2%98%83%20x%2By%3D1E%2B15"


def test_query_string_of_no_pairs_is_empty() -> None:
    assert jsv.query_string({}) == ""
    assert jsv.query_string({"a": None}) == ""
    assert jsv.query_string(Texts(q="a")) == "q=a&note="


def test_query_string_of_a_lone_surrogate_is_an_encode_error() -> None:
    with pytest.raises(EncodeError) as info:
        jsv.query_string({"a b": "x\ud800"})
    message = 'The lone surrogate U+D800 has no UTF-8 form for a query string (at $["a b"])'
    assert str(info.value) == message
    with pytest.raises(EncodeError, match=r"U\+DC00 .*\(at \$\.x\)"):
        jsv.query_string({"x": ["\udc00"]})
    assert jsv.query_params({"a": "x\ud800"}) == [("a", "x\ud800")]


# ---- §9 parse_query input ---------------------------------------------------------------------


def test_a_query_string_is_read_as_parse_qsl_reads_it() -> None:
    query = "?&id=1&&firstName=Foo+Bar%2c%C3%A9&lastName&gender=Male&"
    assert jsv.parse_query(query, Customer) == Customer(1, "Foo Bar,é", None, Gender.MALE)
    assert jsv.parse_query("id=1&firstName=%41%4a%4A", Customer).first_name == "AJJ"
    # only one leading "?" is dropped: the name of the second parameter is "?id"
    assert invalid("??id=1&firstName=x", Customer).msg == "Missing required field 'id'"


def test_a_mapping_is_read_without_decoding() -> None:
    query = {"id": "1", "firstName": "Foo+Bar%2C", "lastName": ["a", "b"]}
    assert jsv.parse_query(query, Customer) == Customer(1, "Foo+Bar%2C", "a,b")
    assert jsv.parse_query({"id": ("1",), "firstName": ["x"], "lastName": []}, Customer) == (
        Customer(1, "x")
    )
    assert jsv.parse_query({"ids": ("1", "2"), "words": []}, Lists) == Lists(ids=[1, 2])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            5,
            "parse_query takes a query string or a mapping of str to str or to a sequence "
            "of str, not int",
        ),
        (
            b"id=1",
            "parse_query takes a query string or a mapping of str to str or to a "
            "sequence of str, not bytes",
        ),
        ({1: "a"}, "A query parameter name must be a str, not int"),
        (
            {"id": 1},
            "The value of the query parameter 'id' must be a str or a sequence of str, not int",
        ),
        (
            {"id": ["1", None]},
            "The value of the query parameter 'id' must be a str or a sequence of str, not list",
        ),
        (
            {"id": None},
            "The value of the query parameter 'id' must be a str or a sequence of "
            "str, not NoneType",
        ),
    ],
)
def test_other_input_is_a_type_error(query: Any, message: str) -> None:
    with pytest.raises(TypeError) as info:
        jsv.parse_query(query, Customer)
    assert str(info.value) == message


@pytest.mark.parametrize("tp", [int, List[Customer], Optional[Customer], Dict[str, str]])
def test_the_type_must_be_a_dataclass(tp: Any) -> None:
    with pytest.raises(TypeError) as info:
        jsv.parse_query("a=1", tp)
    assert str(info.value) == f"parse_query reads into a dataclass type, not {tp!r}"


def test_a_type_jsv_cannot_map_is_a_type_error() -> None:
    @dataclass
    class Bad:
        handler: typing.Callable[[], None]

    with pytest.raises(TypeError, match="jsv cannot map the type"):
        jsv.parse_query("a=1", Bad)


# ---- §10 names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["firstName", "FIRSTNAME", "first_name", "FirstName", "first-name", "FIRST_NAME"]
)
def test_a_parameter_reaches_the_field_it_matches(name: str) -> None:
    assert jsv.parse_query(f"id=1&{name}=x", Customer).first_name == "x"


def test_explicit_wire_names_match_too() -> None:
    assert jsv.parse_query("inc=c&URLVALUE=u", Named) == Named(url_value="u", custom="c")


def test_unknown_parameters_are_ignored_unless_forbidden() -> None:
    query = "id=1&firstName=x&bogus=%7B&format=jsv"
    assert jsv.parse_query(query, Customer) == Customer(1, "x")
    error = invalid(query, Customer, forbid_unknown_fields=True)
    assert (error.msg, error.path) == ("Unknown field 'bogus'", "$.bogus")
    assert str(error) == "Unknown field 'bogus' at $.bogus: line 1 column 1 (char 0)"


def test_no_name_is_special() -> None:
    query = "format=jsv&v=2&callback=cb"
    assert jsv.parse_query(query, Ordinary) == Ordinary("jsv", 2, "cb")
    assert jsv.parse_query(query, Ordinary, forbid_unknown_fields=True) == Ordinary("jsv", 2, "cb")


def test_init_false_fields_and_type_hints_are_neither_set_nor_unknown() -> None:
    value = jsv.parse_query("shown=1&computed=9&__type=X", Hidden, forbid_unknown_fields=True)
    assert (value.shown, value.computed) == (1, 7)


# ---- §11 repeated parameters -------------------------------------------------------------------


def test_repeated_parameters_are_joined_with_commas() -> None:
    assert jsv.parse_query("ids=1&ids=2", Lists).ids == [1, 2]
    assert jsv.parse_query("id=1&firstName=a&firstName=b", Customer).first_name == "a,b"
    assert jsv.parse_query("id=1&firstName=a&FIRST_NAME=b&first-name=", Customer).first_name == (
        "a,b,"
    )
    assert jsv.parse_query({"id": "1", "firstName": ["a", "b"]}, Customer).first_name == "a,b"
    assert jsv.parse_query("ids=1&words=x&IDS=2", Lists) == Lists(ids=[1, 2], words=["x"])


# ---- §12 empty values -------------------------------------------------------------------------


def test_an_empty_value_takes_the_empty_value_rule() -> None:
    assert jsv.parse_query("maybe=&q=&note", Texts) == Texts(q="", maybe=None, note="")
    assert jsv.parse_query("age=&gender=&child=&level=", Values) == Values()
    assert jsv.parse_query("ids=&words=", Lists) == Lists()
    assert jsv.parse_query("remember&maybe=", Form) == Form()


def test_an_empty_value_without_a_default_is_an_error_at_the_parameter() -> None:
    for query in ("name=x&AGE=", "name=x&AGE"):
        error = invalid(query, Required)
        assert (error.msg, error.path) == ("Expected int, got an empty value", "$.AGE")


def test_whitespace_is_not_an_empty_value_for_a_str() -> None:
    assert jsv.parse_query("q=+&maybe=+", Texts) == Texts(q=" ", maybe=" ")


# ---- §13 str fields ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("q=%22%22quoted%20content%22%22", '""quoted content""'),
        ("q=[1,2]", "[1,2]"),
        ("q=+a,+b+", " a, b "),
        ("q={a:1}", "{a:1}"),
        ('q="x"', '"x"'),
        ("q=%0D%0A", "\r\n"),
    ],
)
def test_a_str_field_takes_the_text_as_it_is(query: str, text: str) -> None:
    assert jsv.parse_query(query, Texts).q == text
    assert jsv.parse_query(query.replace("q=", "maybe="), Texts).maybe == text
    assert jsv.parse_query(query.replace("q=", "code="), Texts).code == text
    assert jsv.parse_query(query.replace("q=", "note="), Texts).note == text


# ---- §14 bool fields --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "remember"),
    [
        ("remember=true&remember=false", True),
        ("remember=true,false", True),
        ("remember=false,true", False),
        ("remember=True", True),
        ("remember=0", False),
        ("remember=+1+", True),
        ("remember=,true", False),
    ],
)
def test_a_bool_field_reads_the_text_before_the_first_comma(query: str, remember: bool) -> None:
    assert jsv.parse_query(query, Form).remember is remember
    assert jsv.parse_query(query.replace("remember=", "maybe="), Form).maybe is (
        remember if not query.startswith("remember=,") else None
    )


def test_a_bool_field_that_is_not_a_bool_is_an_error() -> None:
    error = invalid("remember=maybe,true", Form)
    assert (error.msg, error.path, error.doc) == (
        "Expected bool, got 'maybe'",
        "$.remember",
        "maybe",
    )


# ---- §15 list fields --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("ids=1,2,3", [1, 2, 3]),
        ("ids=[1,2,3]", [1, 2, 3]),
        ("ids=1&ids=2&ids=3", [1, 2, 3]),
        ("ids=[1,2]&ids=3", None),  # "[1,2],3": a list followed by more items
        ("ids=7", [7]),
        ("ids=[]", []),
        ("ids=[+1+,+2+]+", [1, 2]),
        ("ids=+[1,2]", [1, 2]),
        ("ids=%221%22,2", [1, 2]),
    ],
)
def test_a_list_field_reads_with_or_without_brackets(query: str, ids: list[int] | None) -> None:
    if ids is None:
        error = invalid(query, Lists)
        assert (error.msg, error.path) == ("Expected int, got a list", "$.ids[0]")
        return
    assert jsv.parse_query(query, Lists).ids == ids


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("words=%22a,b%22,c", ["a,b", "c"]),
        ("words=a,,b", ["a", "", "b"]),  # an empty str item reads "" (format §6)
        ("words=a,", ["a", ""]),
        ("words=,", ["", ""]),
        ('words=""', [""]),
        ("words=[a,b]", ["a", "b"]),
        ("words=[a],b", ["[a]", "b"]),  # a str given a list reads its text (docs/typed.md)
        ("words=%22say%20%22%22hi%22%22%22", ['say "hi"']),
    ],
)
def test_list_items_are_jsv_values(query: str, words: list[str]) -> None:
    assert jsv.parse_query(query, Lists).words == words


def test_nested_lists_read_with_or_without_outer_brackets() -> None:
    for query in ("nested=[[1,2],[3]]", "nested=[1,2],[3]", "nested=[1,2]&nested=[3]"):
        assert jsv.parse_query(query, Lists).nested == [[1, 2], [3]]
    assert jsv.parse_query("nested=[[1]]", Lists).nested == [[1]]
    # "[1]" is one complete list: of ints, not of lists (query_params keeps "[[1]]")
    error = invalid("nested=[1]", Lists)
    assert (error.msg, error.path) == ("Expected list of int, got '1'", "$.nested[0]")
    assert jsv.parse_query("nested=[]", Lists).nested == []
    assert jsv.parse_query("nested=[[]]", Lists).nested == [[]]


def test_sets_tuples_and_fixed_tuples_read_like_lists() -> None:
    value = jsv.parse_query("unique=3,1,3&frozen=b,a&many=1,2&pair=5,%22x,y%22", Lists)
    assert value.unique == {1, 3} and type(value.unique) is set
    assert value.frozen == frozenset({"a", "b"}) and type(value.frozen) is frozenset
    assert value.many == (1, 2) and type(value.many) is tuple
    assert value.pair == (5, "x,y")
    error = invalid("pair=1", Lists)
    assert (error.msg, error.path) == (
        "Expected tuple[int, str] (2 items), got a list of 1 items",
        "$.pair",
    )


def test_a_malformed_list_is_reported_in_the_text_as_written() -> None:
    error = invalid("ids=[1,2", Lists)
    assert isinstance(error, jsv.DecodeError)
    assert error.path == "$.ids"
    assert error.msg == "Unterminated list: no closing ']' for the '[' at line 1 column 1"
    assert (error.doc, error.pos) == ("[1,2", 4)


# ---- §16 every other field --------------------------------------------------------------------


def test_other_fields_read_their_value_as_a_jsv_document() -> None:
    query = "age=+42+&gender=male&child={Name:x,tags:[a,b]}&byName={a:1}&when=1994-10-24"
    assert jsv.parse_query(query, Values) == Values(
        age=42,
        gender=Gender.MALE,
        child=Child("x", tags=["a", "b"]),
        by_name={"a": 1},
        when=dt.date(1994, 10, 24),
    )
    assert jsv.parse_query('age="5"&level=One', Values) == Values(age=5, level=Level.ONE)
    assert jsv.parse_query("gender=%22a,+%22%22b%22%22:+{c}%22", Values).gender is Gender.ODD


def test_a_dataclass_or_dict_field_needs_a_map() -> None:
    for query, expected in (("child=x", "Child"), ("byName=[1]", "map of str to int")):
        error = invalid(query, Values)
        assert error.path == "$." + query.partition("=")[0]
        assert error.msg.startswith(f"Expected {expected}, got ")


def test_the_functions_are_exported() -> None:
    assert {"query_params", "query_string", "parse_query"} <= set(jsv.__all__)


@pytest.mark.parametrize(
    ("text", "value"),
    [("a,b", "a,b"), ("{a:1}", {"a": "1"}), ("[a,b]", ["a", "b"]), ('"x"', "x"), ("", None)],
)
def test_an_any_field_reads_untyped(text: str, value: Any) -> None:
    assert jsv.parse_query({"anything": text}, Values).anything == value


def test_a_literal_field_reads_its_exact_text_first() -> None:
    @dataclass
    class Choice:
        pick: Literal[" a", '"q"', "b", 1] = "b"

    assert jsv.parse_query("pick=+a", Choice).pick == " a"
    assert jsv.parse_query("pick=%22q%22", Choice).pick == '"q"'
    assert jsv.parse_query("pick=%22b%22", Choice).pick == "b"
    assert jsv.parse_query("pick=01", Choice).pick == 1
    for value in (" a", '"q"', "b", 1):
        assert jsv.parse_query(jsv.query_string(Choice(value)), Choice).pick == value


# ---- §17 errors -------------------------------------------------------------------------------


def test_errors_start_at_the_parameter_and_go_on_inside_the_value() -> None:
    error = invalid("ids=1,x", Lists)
    assert (error.msg, error.path, error.doc, error.pos) == (
        "Expected int, got 'x'",
        "$.ids[1]",
        "[1,x]",
        3,
    )
    error = invalid("child={age:x}", Values)
    assert (error.msg, error.path, error.doc, error.pos) == (
        "Expected int, got 'x'",
        "$.child.age",
        "{age:x}",
        5,
    )
    error = invalid("child={name:a,tags:[x],age:[1]}", Values)
    assert (error.msg, error.path) == ("Expected int, got a list", "$.child.age")


def test_the_first_error_is_raised() -> None:
    error = invalid("Int=string&Decimal=string", Binding)
    assert (error.msg, error.path) == ("Expected int, got 'string'", "$.Int")
    error = invalid("Decimal=string&Int=string", Binding)
    assert error.path == "$.Decimal"


def test_the_path_names_the_first_parameter_that_reached_the_field() -> None:
    error = invalid("IDS=1&ids=x", Lists)
    assert (error.path, error.doc) == ("$.IDS[1]", "[1,x]")
    error = invalid("first-name=x&id=y", Customer)
    assert error.path == "$.id"
    error = invalid("a%20b=1", Values, forbid_unknown_fields=True)
    assert error.path == '$["a b"]'


def test_a_malformed_value_is_a_validation_error_at_the_parameter() -> None:
    error = invalid("child={age:1", Values)
    assert isinstance(error, jsv.DecodeError)
    assert (error.path, error.doc, error.pos) == ("$.child", "{age:1", 6)
    assert error.msg == "Unterminated map: no closing '}' for the '{' at line 1 column 1"
    error = invalid('age="5', Values)
    assert (error.msg, error.path, error.pos) == ("Unterminated quoted string", "$.age", 0)


def test_a_missing_required_field_is_reported_at_the_root() -> None:
    error = invalid("name=x&bogus=1", Required)
    assert (error.msg, error.path, error.doc, error.pos) == (
        "Missing required field 'age'",
        "$",
        "name=x&bogus=1",
        0,
    )
    error = invalid({"name": "x"}, Required)
    assert (error.msg, error.path, error.doc) == ("Missing required field 'age'", "$", "")


def test_a_post_init_rejection_is_reported_at_the_root() -> None:
    @dataclass
    class Positive:
        n: int

        def __post_init__(self) -> None:
            if self.n <= 0:
                raise ValueError("n must be positive")

    error = invalid("n=-1", Positive)
    assert (error.msg, error.path) == ("Positive rejected the value: n must be positive", "$")


def test_nesting_too_deep_is_a_validation_error() -> None:
    error = invalid({"anything": "[" * 2000}, Values)
    assert error.path == "$.anything"
    assert error.msg.startswith("Nesting deeper than 1000 levels")


# ---- §18 round trips --------------------------------------------------------------------------


def test_an_empty_optional_str_reads_none_the_one_exception() -> None:
    value = Texts(q="", maybe="", code="")
    assert jsv.query_string(value) == "q=&maybe=&code=&note="
    assert jsv.parse_query(jsv.query_string(value), Texts) == Texts(q="", maybe=None, code=None)


OFFSETS = st.builds(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes)),
    st.integers(-23 * 60 - 59, 23 * 60 + 59),
)
TEXT = st.text(st.characters(codec="utf-8"))  # UTF-8 cannot carry surrogates


class Coord(NamedTuple):
    lat: float
    label: str


@dataclass(frozen=True)
class Point:
    x: int
    y: int


# Annotation -> strategy of its values. Every value has a query form (no list whose only
# item is None, no text with a lone surrogate).
def _lists(items: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    return st.lists(items, max_size=4).filter(lambda values: values != [None])


FIELD_TYPES: list[tuple[Any, st.SearchStrategy[Any]]] = [
    (str, TEXT),
    (Optional[str], st.none() | TEXT),
    (int, st.integers()),
    (Optional[int], st.none() | st.integers()),
    (float, st.floats(allow_nan=False)),
    (bool, st.booleans()),
    (Optional[bool], st.none() | st.booleans()),
    (Decimal, st.decimals(allow_nan=False, allow_infinity=False, places=4)),
    (dt.datetime, st.datetimes() | st.datetimes(timezones=st.just(dt.UTC) | OFFSETS)),
    (dt.date, st.dates()),
    (dt.time, st.times()),
    (dt.timedelta, st.timedeltas()),
    (uuid.UUID, st.uuids()),
    (bytes, st.binary(max_size=8)),
    (Gender, st.sampled_from(list(Gender))),
    (Optional[Gender], st.none() | st.sampled_from(list(Gender))),
    (Level, st.sampled_from(list(Level))),
    (Literal["a", " b", '"c"', "d,e"], st.sampled_from(["a", " b", '"c"', "d,e"])),
    (List[int], _lists(st.integers())),
    (List[str], _lists(TEXT)),
    (List[Optional[str]], _lists(st.none() | TEXT)),
    (Optional[List[str]], st.none() | _lists(TEXT)),
    (List[List[int]], _lists(_lists(st.integers()))),
    (List[List[str]], _lists(_lists(TEXT))),
    (set[int], st.sets(st.integers(), max_size=4)),
    (frozenset[str], st.frozensets(TEXT, max_size=4)),
    (Tuple[int, ...], _lists(st.integers()).map(tuple)),
    (Tuple[str, int], st.tuples(TEXT, st.integers())),
    (Coord, st.builds(Coord, st.floats(allow_nan=False), TEXT)),
    (Dict[str, int], st.dictionaries(TEXT, st.integers(), max_size=3)),
    (Dict[str, List[str]], st.dictionaries(TEXT, _lists(TEXT), max_size=3)),
    (
        Dict[Point, str],
        st.dictionaries(st.builds(Point, st.integers(), st.integers()), TEXT, max_size=2),
    ),
    (Child, st.builds(Child, TEXT, st.integers(), _lists(TEXT))),
    (Optional[Child], st.none() | st.builds(Child, TEXT, st.integers(), _lists(TEXT))),
    (List[Child], _lists(st.builds(Child, TEXT, st.integers(), _lists(TEXT)))),
]


@st.composite
def dtos(draw: st.DrawFn) -> Any:
    """A value of a dataclass made for it: a few fields of the types above, the optional
    ones last (with a None default), some drawn as None."""
    chosen = draw(st.lists(st.sampled_from(range(len(FIELD_TYPES))), min_size=1, max_size=6))
    required, optional = [], []
    for number, index in enumerate(chosen):
        tp, values = FIELD_TYPES[index]
        name = f"field_{number}"
        if typing.get_origin(tp) in (typing.Union,):
            optional.append((name, tp, values))
        else:
            required.append((name, tp, values))
    fields: list[Any] = [(n, tp) for n, tp, _ in required]
    fields += [(n, tp, field(default=None)) for n, tp, _ in optional]
    cls = dataclasses.make_dataclass("Generated", fields)
    kwargs = {n: draw(values) for n, _, values in required + optional}
    return cls(**kwargs)


def expected(value: Any) -> Any:
    """``value`` as parse_query reads it back: "" in an Optional[str] field reads None."""
    hints = typing.get_type_hints(type(value))
    changes = {
        f.name: None
        for f in dataclasses.fields(value)
        if hints[f.name] == Optional[str] and getattr(value, f.name) == ""
    }
    return dataclasses.replace(value, **changes)


def same(a: Any, b: Any) -> None:
    """``a`` and ``b`` are equal and of the very same types, all the way down."""
    assert type(a) is type(b), (a, b)
    if dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            same(getattr(a, f.name), getattr(b, f.name))
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), (a, b)
        for x, y in zip(a, b, strict=True):
            same(x, y)
    elif isinstance(a, dict):
        assert list(a) == list(b), (a, b)
        for key in a:
            same(a[key], b[key])
    elif isinstance(a, float):
        assert a == b and math.copysign(1, a) == math.copysign(1, b), (a, b)
    elif isinstance(a, dt.datetime):
        assert (a, a.utcoffset()) == (b, b.utcoffset()), (a, b)
    elif isinstance(a, decimal.Decimal):
        assert a == b, (a, b)
    else:
        assert a == b, (a, b)


@PROPERTY
@given(value=dtos())
def test_round_trip_through_the_query_string(value: Any) -> None:
    text = jsv.query_string(value)
    same(jsv.parse_query(text, type(value)), expected(value))
    same(jsv.parse_query("?" + text, type(value), forbid_unknown_fields=True), expected(value))


@PROPERTY
@given(value=dtos(), rename=st.sampled_from(["camel", "pascal", "snake", None]))
def test_round_trip_through_the_decoded_params(value: Any, rename: Any) -> None:
    pairs = jsv.query_params(value, rename=rename)
    same(jsv.parse_query(dict(pairs), type(value)), expected(value))
    assert pairs == urllib.parse.parse_qsl(
        jsv.query_string(value, rename=rename), keep_blank_values=True
    )


@PROPERTY
@given(value=dtos())
def test_round_trip_as_a_form_body(value: Any) -> None:
    """What an HTML form or httpx's data= sends: spaces as "+", the rest percent-encoded."""
    body = urllib.parse.urlencode(jsv.query_params(value))
    same(jsv.parse_query(body, type(value)), expected(value))


def test_the_evo_voice_dtos_round_trip() -> None:
    from jsv.examples import seed_sample
    from jsv.examples.evovoice import DeleteChatMember, SessionInfo

    session = jsv.loads(seed_sample(), type=SessionInfo, trim=True)
    text = jsv.query_string(session)
    assert text.startswith("id=String&dateCreated=String&")
    assert "&members=%7Bidentity%3AString%2CendpointId%3AString%2C" in text
    assert jsv.parse_query(text, SessionInfo) == session
    request = DeleteChatMember(session_id="7f3a", member_to_remove="+1 555 0100, Me")
    assert jsv.query_string(request) == ("sessionId=7f3a&memberToRemove=%2B1%20555%200100%2C%20Me")
    assert jsv.parse_query(jsv.query_string(request), DeleteChatMember) == request


@dataclass
class Everything:
    text: Optional[str] = None
    number: Optional[int] = None
    flag: bool = False
    when: Optional[dt.datetime] = None
    gender: Optional[Gender] = None
    ids: Optional[List[int]] = None
    nested: Optional[List[List[str]]] = None
    pair: Optional[Tuple[int, str]] = None
    child: Optional[Child] = None
    by_point: Optional[Dict[Point, str]] = None
    anything: Any = None


PARAMETER_NAMES = st.sampled_from(
    [
        "text",
        "number",
        "flag",
        "when",
        "gender",
        "ids",
        "nested",
        "pair",
        "child",
        "byPoint",
        "anything",
        "other",
    ]
)
PARAMETER_VALUES = st.text(st.sampled_from('[]{}",: ab1-+T%&=é'), max_size=12)


@PROPERTY
@given(st.lists(st.tuples(PARAMETER_NAMES, PARAMETER_VALUES), max_size=6))
def test_any_parameters_give_a_value_or_a_validation_error(pairs: list[tuple[str, str]]) -> None:
    """Never another exception, and the same outcome for the string and the mapping."""
    query = "&".join(f"{n}={urllib.parse.quote(v)}" for n, v in pairs)
    mapping: dict[str, list[str]] = {}
    for name, value in pairs:
        mapping.setdefault(name, []).append(value)
    outcomes: list[Any] = []
    for given_query in (query, mapping):
        try:
            outcomes.append(jsv.parse_query(given_query, Everything))
        except ValidationError as e:
            assert e.path.startswith("$")
            outcomes.append((e.msg, e.path))
    assert outcomes[0] == outcomes[1]


def test_a_str_inside_a_parameter_given_a_map_or_list_reads_its_text() -> None:
    # as in jsv.loads (docs/typed.md): the value's JSV text as written
    value = jsv.parse_query("child={name:{a:1},tags:[[x],y]}", Values)
    assert value == Values(child=Child("{a:1}", tags=["[x]", "y"]))
    assert jsv.parse_query("words=[p],q", Lists) == Lists(words=["[p]", "q"])
