"""Encoding: spec §1 (writer output), §2 (None), §4 (quoting), §5 (written forms), §7 (indent)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import io
import re
import sys
import tempfile
import uuid
from decimal import Decimal
from typing import Any

import pytest
from shared import Level

import jsv

WHITESPACE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
WS_IDS = [f"U+{ord(c):04X}" for c in WHITESPACE]


def roundtrip(obj: Any, text: str) -> None:
    """``obj`` encodes to ``text``, which reads back to ``obj`` in both whitespace modes."""
    assert jsv.dumps(obj) == text
    assert jsv.loads(text) == obj
    assert jsv.loads(text, trim=True) == obj


# ---------------------------------------------------------------------------------------
# §1 Writer output


def test_writer_output_has_no_whitespace_between_tokens() -> None:
    obj = {"id": 1, "name": "Me", "tags": ["a", "b"], "child": {"id": 2}}
    assert jsv.dumps(obj) == "{id:1,name:Me,tags:[a,b],child:{id:2}}"


def test_readme_example() -> None:
    obj = {"id": 1, "name": "Me, Junior", "ended": False, "tags": ["a", None]}
    assert jsv.dumps(obj) == '{id:1,name:"Me, Junior",ended:False,tags:[a,]}'


def test_map_order_is_insertion_order() -> None:
    assert jsv.dumps({"b": 1, "a": 2, "c": 3}) == "{b:1,a:2,c:3}"


def test_containers() -> None:
    assert jsv.dumps((1, "a")) == "[1,a]"
    assert jsv.dumps(()) == "[]"
    assert jsv.dumps([[], {}, [[]], [{}]]) == "[[],{},[[]],[{}]]"
    assert jsv.dumps({"a": {"b": {"c": [1, [2, [3]]]}}}) == "{a:{b:{c:[1,[2,[3]]]}}}"


def test_dump_writes_to_a_text_file() -> None:
    out = io.StringIO()
    jsv.dump({"a": [1, None]}, out)
    assert out.getvalue() == "{a:[1,]}"
    out = io.StringIO()
    jsv.dump({"a": [1]}, out, indent=1)
    assert out.getvalue() == "{\n a: [\n  1\n ]\n}"


# UTF-8 bytes out: dumpb, dump to a binary file, Encoder.encode_bytes

UTF8_CASES: list[Any] = [
    {"id": 1, "name": "Me, Junior", "ended": False, "tags": ["a", None]},
    {"city": "Zürich", "greeting": "¡Hola!", "nbsp": "a\u00a0b"},
    {"東京": ["日本語", "→ next", "привет, мир"]},
    {"emoji": "launch 🚀", "astral": ["\U0001d11e clef", "\U0010ffff"], "q": 'say "😀"'},
    ["é" * 100 + "," + "😀" * 50, "\u0100" * 33, " padded\u3000"],
    "\ufeffstarts with a byte-order mark",
]


@pytest.mark.parametrize("obj", UTF8_CASES)
@pytest.mark.parametrize("indent", [None, 2, "\u3000"])
def test_dumpb_is_dumps_in_utf8(obj: Any, indent: Any) -> None:
    expected = jsv.dumps(obj, indent=indent).encode("utf-8")
    assert jsv.dumpb(obj, indent=indent) == expected
    assert type(jsv.dumpb(obj, indent=indent)) is bytes
    assert jsv.Encoder(indent=indent).encode_bytes(obj) == expected
    assert jsv.loads(jsv.dumpb(obj), trim=indent is not None) == jsv.loads(jsv.dumps(obj))


def test_dumpb_exact_bytes() -> None:
    assert jsv.dumpb({"a": "é", "b": ["😀", None]}) == b"{a:\xc3\xa9,b:[\xf0\x9f\x98\x80,]}"
    assert jsv.dumpb(["x,y", '"q"']) == b'["x,y","""q"""]'
    assert jsv.dumpb([]) == b"[]" and jsv.dumpb(None) == b""


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("é", "é"),
        ('é"x', '"é""x"'),
        ('"é"', '"""é"""'),
        ('""→', '"""""→"'),
        ("é,", '"é,"'),
        ("\u3000é", '"\u3000é"'),
        ("é\u3000", '"é\u3000"'),
        ("\ufeffé", '"\ufeffé"'),
        ("é\ufeff", "é\ufeff"),
        ("é" * 8 + ":", '"' + "é" * 8 + ':"'),  # the special is the 17th byte
        ("→" * 20 + "]", '"' + "→" * 20 + ']"'),
        ("😀" * 4 + "x" * 15, "😀" * 4 + "x" * 15),
        ("a\nÿ", '"a\nÿ"'),
    ],
)
def test_dumpb_quotes_non_ascii_text_by_its_characters(text: str, written: str) -> None:
    # the specials are found in every width of str, and next to multi-byte characters
    assert jsv.dumps([text, text]) == f"[{written},{written}]"
    for _ in range(2):
        assert jsv.dumpb([text, {text: text}]) == f"[{written},{{{written}:{written}}}]".encode()


@dataclasses.dataclass
class Named:
    display_name: str
    tags: list[str]


def test_encoder_encode_bytes_keeps_its_options() -> None:
    encoder = jsv.Encoder(rename="pascal", default=lambda o: "<obj>")
    obj = Named("Zoë → queue", ["a", "b"])
    assert encoder.encode_bytes(obj) == encoder.encode(obj).encode()
    assert encoder.encode_bytes(obj) == "{DisplayName:Zoë → queue,Tags:[a,b]}".encode()
    assert encoder.encode_bytes([object()]) == b"[<obj>]"


@pytest.mark.parametrize(
    ("obj", "char"),
    [
        ("\ud800", "U+D800"),
        (["ok", "a\udfffb", "\ud801"], "U+DFFF"),
        ({"\ud83d\ude00": 1}, "U+D83D"),  # a pair written as two code points
        ({"k": "é→😀" * 10 + "\udc00"}, "U+DC00"),
    ],
)
def test_dumpb_refuses_lone_surrogates(obj: Any, char: str) -> None:
    # dumps writes them in the str, which str.encode() refuses: so does dumpb
    with pytest.raises(UnicodeEncodeError):
        jsv.dumps(obj).encode("utf-8")
    message = re.escape(f"A lone surrogate ({char}) has no UTF-8 form")
    with pytest.raises(jsv.EncodeError, match=message):
        jsv.dumpb(obj)
    with pytest.raises(jsv.EncodeError, match=message):
        jsv.Encoder().encode_bytes(obj)
    with pytest.raises(jsv.EncodeError, match=message):
        jsv.dump(obj, io.BytesIO())


def test_dumpb_drops_the_surrogates_of_an_omitted_entry() -> None:
    # default= returning None omits the entry (§2): its key is not written at all
    obj = {"\ud800": object(), "ok": "é"}
    assert jsv.dumpb(obj, default=lambda o: None) == "{ok:é}".encode()


def test_dump_writes_utf8_to_a_binary_file(tmp_path: Any) -> None:
    obj = {"name": "Zoë", "tags": ["東京", "🚀"]}
    out = io.BytesIO()
    jsv.dump(obj, out)
    assert out.getvalue() == jsv.dumps(obj).encode()
    path = tmp_path / "out.jsv"
    with open(path, "wb") as fh:
        jsv.dump(obj, fh, indent=2)
    assert path.read_bytes() == jsv.dumps(obj, indent=2).encode()
    with open(path, "w", encoding="utf-8") as text_file:
        jsv.dump(obj, text_file)
    assert path.read_text(encoding="utf-8") == jsv.dumps(obj)
    with tempfile.TemporaryFile() as tmp:  # a wrapper, no io class: told by its mode
        jsv.dump(obj, tmp)
        tmp.seek(0)
        assert tmp.read() == jsv.dumps(obj).encode()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as tmp_text:
        jsv.dump(obj, tmp_text)
        tmp_text.seek(0)
        assert tmp_text.read() == jsv.dumps(obj)


# ---------------------------------------------------------------------------------------
# §2 Null and empty


@pytest.mark.parametrize(
    ("obj", "text"),
    [
        ({"a": None}, "{}"),
        ({"a": None, "b": 1, "c": None}, "{b:1}"),
        (["a", None, "b"], "[a,,b]"),
        (["a", None], "[a,]"),
        ([None, "a"], "[,a]"),
        ([None, None], "[,]"),
        ([None, None, None], "[,,]"),
        ([[], None], "[[],]"),
        ([{"a": None}, None], "[{},]"),
        (None, ""),
        ("", '""'),
        ([""], '[""]'),
        ({"a": ""}, '{a:""}'),
        ({"": ""}, '{"":""}'),
        ([], "[]"),
        ({}, "{}"),
        ({"a": [], "b": {}}, "{a:[],b:{}}"),
    ],
)
def test_none_and_empty(obj: Any, text: str) -> None:
    assert jsv.dumps(obj) == text


@pytest.mark.parametrize(
    ("obj", "text"),
    [
        (["a", None, "b"], "[a,,b]"),
        (["a", None], "[a,]"),
        ([None, None], "[,]"),
        ([None, "x", None], "[,x,]"),
        ("", '""'),
        (["", None, ""], '["",,""]'),
        ({"a": "", "b": [None, ""]}, '{a:"",b:[,""]}'),
    ],
)
def test_none_and_empty_read_back(obj: Any, text: str) -> None:
    roundtrip(obj, text)


def test_top_level_none_is_the_empty_document() -> None:
    assert jsv.dumps(None) == ""
    assert jsv.loads("") is None


# ---------------------------------------------------------------------------------------
# §4 Writing strings


@pytest.mark.parametrize(
    ("text", "written"),
    [
        # The examples of spec §4.
        ("Me, Junior", '"Me, Junior"'),
        ('2" x 1"', '"2"" x 1"""'),
        ("http://a.b", '"http://a.b"'),
        ("Hello World!", "Hello World!"),
        (" a", '" a"'),
        # Empty.
        ("", '""'),
        # Each character of the reference's set.
        ('"', '""""'),
        (":", '":"'),
        (",", '","'),
        ("{", '"{"'),
        ("}", '"}"'),
        ("[", '"["'),
        ("]", '"]"'),
        ("\r", '"\r"'),
        ("\n", '"\n"'),
        ('say "hi" now', '"say ""hi"" now"'),
        ("a:b", '"a:b"'),
        ("x]", '"x]"'),
        ("line1\nline2", '"line1\nline2"'),
        # Edge whitespace.
        ("a ", '"a "'),
        (" ", '" "'),
        ("\ta", '"\ta"'),
        ("a\u3000", '"a\u3000"'),
        # A leading byte-order mark.
        ("\ufeffx", '"\ufeffx"'),
        ("\ufeff", '"\ufeff"'),
        # Bare: nothing above applies.
        ("a b", "a b"),
        ("a\tb", "a\tb"),
        ("x\ufeff", "x\ufeff"),
        ("é😀", "é😀"),
        ("\x00", "\x00"),
        ("a\\nb", "a\\nb"),
        ("'single'", "'single'"),
        ("True", "True"),
        ("None", "None"),
        ("-1.5E+15", "-1.5E+15"),
        ("a=b;c", "a=b;c"),
    ],
)
def test_quoting(text: str, written: str) -> None:
    roundtrip(text, written)
    roundtrip([text], f"[{written}]")
    roundtrip({"k": text}, f"{{k:{written}}}")
    roundtrip({text: "v"}, f"{{{written}:v}}")


@pytest.mark.parametrize("ws", WHITESPACE, ids=WS_IDS)
def test_edge_whitespace_is_quoted(ws: str) -> None:
    roundtrip(f"{ws}a", f'"{ws}a"')
    roundtrip(f"a{ws}", f'"a{ws}"')
    roundtrip(ws, f'"{ws}"')
    roundtrip({f"{ws}k": [f"v{ws}"]}, f'{{"{ws}k":["v{ws}"]}}')


@pytest.mark.parametrize("ws", [c for c in WHITESPACE if c not in "\r\n"], ids=str.__repr__)
def test_inner_whitespace_is_bare(ws: str) -> None:
    roundtrip(f"a{ws}b", f"a{ws}b")


def test_no_backslash_escapes() -> None:
    assert jsv.dumps('a\\"b') == '"a\\""b"'
    assert jsv.dumps("\\") == "\\"


def test_str_subclass() -> None:
    class Name(str):
        pass

    assert jsv.dumps([Name("a b"), Name(" x"), {Name("k:"): Name("")}]) == '[a b," x",{"k:":""}]'


# ---------------------------------------------------------------------------------------
# §5 Scalars of other types: the "written" column


class Color(enum.Enum):
    RED = "Red"
    NONE = "None"
    SPACED = " x"
    COMMA = "a,b"
    EMPTY = ""


class Perm(enum.IntFlag):
    READ = 1
    WRITE = 2
    EXEC = 4


class Mode(enum.StrEnum):
    AUTO = "auto"
    URL = "http://x"


class Misc(enum.Enum):
    HALF = 1.5
    DAY = dt.date(2020, 1, 2)


class Fixed(dt.tzinfo):
    """A tzinfo that is not datetime.timezone."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes

    def utcoffset(self, when: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(minutes=self.minutes)

    def dst(self, when: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)

    def tzname(self, when: dt.datetime | None) -> str:
        return "Fixed"


def tz(hours: int, minutes: int = 0) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours, minutes=minutes))


@pytest.mark.parametrize(
    ("value", "written"),
    [
        # bool
        (True, "True"),
        (False, "False"),
        # int
        (0, "0"),
        (42, "42"),
        (-5, "-5"),
        (10**30, "1000000000000000000000000000000"),
        (-(10**20), "-100000000000000000000"),
        # float: shortest round-trip digits in .NET form
        (1.0, "1"),
        (0.5, "0.5"),
        (-2.0, "-2"),
        (123.456, "123.456"),
        (0.1, "0.1"),
        (1 / 3, "0.3333333333333333"),
        (0.0, "0"),
        (-0.0, "-0"),
        (1e14, "100000000000000"),
        (123456789012345.0, "123456789012345"),
        (1e15, "1E+15"),
        (-1e15, "-1E+15"),
        (1.5e15, "1.5E+15"),
        (1234567890123456.7, "1.2345678901234568E+15"),
        (9999999999999998.0, "9.999999999999998E+15"),
        (1e16, "1E+16"),
        (1e21, "1E+21"),
        (1e300, "1E+300"),
        (1.7976931348623157e308, "1.7976931348623157E+308"),
        (0.0001, "0.0001"),
        (0.00012, "0.00012"),
        (1e-5, "1E-05"),
        (-1e-5, "-1E-05"),
        (2.5e-5, "2.5E-05"),
        (1.2345e-7, "1.2345E-07"),
        (5e-324, "5E-324"),
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
        # Decimal: fixed notation, scale kept
        (Decimal("1.50"), "1.50"),
        (Decimal("0.000"), "0.000"),
        (Decimal("-0"), "-0"),
        (Decimal("-0.00"), "-0.00"),
        (Decimal("1E+3"), "1000"),
        (Decimal("1E-10"), "0.0000000001"),
        (Decimal("123456789.123456789123456789"), "123456789.123456789123456789"),
        (Decimal("NaN"), "NaN"),
        (Decimal("Infinity"), "Infinity"),
        (Decimal("-Infinity"), "-Infinity"),
        # datetime
        (dt.datetime(2025, 1, 15), "2025-01-15"),
        (dt.datetime(1, 1, 1), "0001-01-01"),
        (dt.datetime(2025, 1, 15, 9, 30), "2025-01-15T09:30:00"),
        (dt.datetime(2025, 1, 15, 0, 0, 1), "2025-01-15T00:00:01"),
        (dt.datetime(2025, 1, 15, 0, 0, 0, 1), "2025-01-15T00:00:00.0000010"),
        (dt.datetime(2025, 1, 15, 9, 30, 0, 123456), "2025-01-15T09:30:00.1234560"),
        (dt.datetime(2025, 1, 15, 9, 30, 0, 500000), "2025-01-15T09:30:00.5000000"),
        (dt.datetime.max, "9999-12-31T23:59:59.9999990"),
        (dt.datetime(2025, 1, 15, tzinfo=dt.UTC), "2025-01-15T00:00:00Z"),
        (dt.datetime(2025, 1, 15, 9, 30, tzinfo=dt.UTC), "2025-01-15T09:30:00Z"),
        (dt.datetime(2025, 1, 15, 9, 30, tzinfo=tz(0)), "2025-01-15T09:30:00Z"),
        (dt.datetime(2025, 1, 15, 9, 30, tzinfo=Fixed(0)), "2025-01-15T09:30:00Z"),
        (dt.datetime(2025, 1, 15, 9, 30, tzinfo=tz(-4)), "2025-01-15T09:30:00-04:00"),
        (dt.datetime(2025, 1, 15, 9, 30, tzinfo=tz(5, 30)), "2025-01-15T09:30:00+05:30"),
        (dt.datetime(2025, 1, 15, tzinfo=tz(-3, -30)), "2025-01-15T00:00:00-03:30"),
        (dt.datetime(2025, 1, 15, tzinfo=tz(14)), "2025-01-15T00:00:00+14:00"),
        (
            dt.datetime(2025, 1, 15, 1, 2, 3, 4, tzinfo=Fixed(-345)),
            "2025-01-15T01:02:03.0000040-05:45",
        ),
        (
            dt.datetime(2025, 6, 27, 11, 39, 29, 449043, tzinfo=tz(-4)),
            "2025-06-27T11:39:29.4490430-04:00",
        ),
        # date
        (dt.date(2025, 1, 15), "2025-01-15"),
        (dt.date(1, 1, 1), "0001-01-01"),
        (dt.date(9999, 12, 31), "9999-12-31"),
        # time: an XSD duration, as .NET TimeOnly
        (dt.time(13, 13, 13), "PT13H13M13S"),
        (dt.time(0, 0), "PT0S"),
        (dt.time(1), "PT1H"),
        (dt.time(0, 5), "PT5M"),
        (dt.time(0, 0, 0, 500000), "PT0.5S"),
        (dt.time(23, 59, 59, 999999), "PT23H59M59.999999S"),
        # timedelta: XSD duration
        (dt.timedelta(), "PT0S"),
        (dt.timedelta(days=1), "P1D"),
        (dt.timedelta(days=-1), "-P1D"),
        (dt.timedelta(hours=1, minutes=30), "PT1H30M"),
        (dt.timedelta(milliseconds=1), "PT0.001S"),
        (dt.timedelta(microseconds=1), "PT0.000001S"),
        (dt.timedelta(seconds=1.5), "PT1.5S"),
        (dt.timedelta(seconds=-0.5), "-PT0.5S"),
        (dt.timedelta(days=-1, hours=2), "-PT22H"),
        (dt.timedelta(days=1, seconds=1), "P1DT1S"),
        (dt.timedelta(days=2, seconds=3661, microseconds=10), "P2DT1H1M1.00001S"),
        (dt.timedelta.max, "P999999999DT23H59M59.999999S"),
        (dt.timedelta.min, "-P999999999D"),
        # UUID: 32 lowercase hex digits
        (uuid.UUID("12345678-1234-5678-1234-567812345678"), "12345678123456781234567812345678"),
        (uuid.UUID("ABCDEF00-0000-0000-0000-0000000000FF"), "abcdef000000000000000000000000ff"),
        (uuid.UUID(int=0), "00000000000000000000000000000000"),
        # bytes: standard base64 with padding
        (b"\x00", "AA=="),
        (b"ab", "YWI="),
        (b"abc", "YWJj"),
        (b"\xff\xff\xfe", "///+"),
        (b"\xfb\xef", "++8="),
        (bytearray(b"ab"), "YWI="),
        (memoryview(b"abc"), "YWJj"),
        (b"", '""'),
        # Enum: the member's value, quoted by §4
        (Color.RED, "Red"),
        (Color.NONE, "None"),
        (Color.SPACED, '" x"'),
        (Color.COMMA, '"a,b"'),
        (Color.EMPTY, '""'),
        (Mode.AUTO, "auto"),
        (Mode.URL, '"http://x"'),
        (Misc.HALF, "1.5"),
        (Misc.DAY, "2020-01-02"),
        # IntEnum / IntFlag: the integer
        (Level.HIGH, "10"),
        (Perm.READ, "1"),
        (Perm.READ | Perm.WRITE, "3"),
        (Perm.READ | Perm.WRITE | Perm.EXEC, "7"),
        (Perm(0), "0"),
    ],
    ids=repr,
)
def test_scalar_written_form(value: Any, written: str) -> None:
    assert jsv.dumps(value) == written
    assert jsv.dumps([value]) == f"[{written}]"
    assert jsv.dumps({"k": value}) == f"{{k:{written}}}"
    # Read back untyped, every form is the same text.
    expected = jsv.loads(written)
    assert jsv.loads(f"{{k:{written}}}") == {"k": expected}


def test_datetime_value_is_bare_despite_its_colons() -> None:
    value = dt.datetime(2025, 1, 15, 9, 30, tzinfo=dt.UTC)
    assert jsv.dumps({"at": value}) == "{at:2025-01-15T09:30:00Z}"
    assert jsv.loads("{at:2025-01-15T09:30:00Z}") == {"at": "2025-01-15T09:30:00Z"}


def test_enum_member_whose_value_is_none_is_not_none() -> None:
    assert jsv.dumps({"dialState": Color.NONE}) == "{dialState:None}"
    assert jsv.dumps([Color.NONE]) == "[None]"  # an item, not an empty slot


def test_int_and_float_subclasses() -> None:
    class Count(int):
        pass

    class Ratio(float):
        pass

    assert jsv.dumps([Count(5), Ratio(1e20), Ratio(0.5)]) == "[5,1E+20,0.5]"


# ---------------------------------------------------------------------------------------
# Dict keys of each scalar type


@pytest.mark.parametrize(
    ("key", "written"),
    [
        ("a", "a"),
        ("", '""'),
        (" a", '" a"'),
        ("a:b", '"a:b"'),
        ("{X:1}", '"{X:1}"'),
        (1, "1"),
        (-7, "-7"),
        (1.5, "1.5"),
        (1e15, "1E+15"),
        (float("nan"), "NaN"),
        (True, "True"),
        (False, "False"),
        (Decimal("1.50"), "1.50"),
        (uuid.UUID(int=1), "00000000000000000000000000000001"),
        (Color.RED, "Red"),
        (Color.NONE, "None"),
        (Color.COMMA, '"a,b"'),
        (Level.LOW, "1"),
        (Perm.READ | Perm.EXEC, "5"),
        (dt.date(2020, 1, 2), "2020-01-02"),
        (dt.datetime(2020, 1, 2), "2020-01-02"),
        (dt.datetime(2020, 1, 2, 3, 4), '"2020-01-02T03:04:00"'),
        (dt.datetime(2020, 1, 2, 3, 4, 5, 600000), '"2020-01-02T03:04:05.6000000"'),
        (dt.datetime(2020, 1, 2, tzinfo=dt.UTC), '"2020-01-02T00:00:00Z"'),
        (dt.datetime(2020, 1, 2, 3, 4, tzinfo=tz(-4)), '"2020-01-02T03:04:00-04:00"'),
        (dt.time(1, 2), "PT1H2M"),
        (dt.timedelta(days=1), "P1D"),
        (b"x", "eA=="),
        (b"", '""'),
    ],
    ids=repr,
)
def test_dict_key(key: Any, written: str) -> None:
    text = jsv.dumps({key: "v"})
    assert text == f"{{{written}:v}}"
    # The key reads back as its text (quotes removed), whole.
    assert list(jsv.loads(text)) == [jsv.loads(written)]


def test_datetime_key_survives_a_round_trip() -> None:
    key = dt.datetime(2025, 6, 27, 11, 39, 29, 449043, tzinfo=tz(-4))
    assert jsv.loads(jsv.dumps({key: 1, "b": 2})) == {
        "2025-06-27T11:39:29.4490430-04:00": "1",
        "b": "2",
    }


def test_keys_of_several_types_in_one_map() -> None:
    obj: dict[Any, str] = {1: "a", "x y": "b", dt.date(2020, 1, 2): "c", Color.RED: "d", 2.5: "e"}
    assert jsv.dumps(obj) == "{1:a,x y:b,2020-01-02:c,Red:d,2.5:e}"


# ---------------------------------------------------------------------------------------
# Sets: deterministic order (sorted by their written text)


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ({3, 1, 2}, "[1,2,3]"),
        ({1, 10, 9}, "[1,10,9]"),
        ({"b", "a", "c"}, "[a,b,c]"),
        ({"10", "9", "a", "B"}, "[10,9,B,a]"),
        (frozenset({"b", "a"}), "[a,b]"),
        (frozenset(), "[]"),
        (set(), "[]"),
        ({"x y", " a", "z"}, '[" a",x y,z]'),
        ({(2, "b"), (1, "a")}, "[[1,a],[2,b]]"),
        ({frozenset({2, 1}), frozenset({0})}, "[[0],[1,2]]"),
        ({Level.HIGH, Level.LOW}, "[1,10]"),
        ({dt.date(2020, 1, 2), dt.date(2019, 12, 31)}, "[2019-12-31,2020-01-02]"),
    ],
    ids=repr,
)
def test_set(value: Any, written: str) -> None:
    assert jsv.dumps(value) == written
    assert jsv.dumps({"s": value}) == f"{{s:{written}}}"


def test_set_order_does_not_depend_on_insertion_or_hashing() -> None:
    words = [f"w{i}" for i in range(200)]
    forward = set(words)
    backward = set(reversed(words))
    assert jsv.dumps(forward) == jsv.dumps(backward) == "[" + ",".join(sorted(words)) + "]"


# ---------------------------------------------------------------------------------------
# §7 Pretty printing

SPEC_EXAMPLE = {"id": 1, "tags": ["a", "b, c"], "child": {"empty": []}}


def test_indent_spec_example() -> None:
    assert jsv.dumps(SPEC_EXAMPLE, indent=2) == (
        '{\n  id: 1,\n  tags: [\n    a,\n    "b, c"\n  ],\n  child: {\n    empty: []\n  }\n}'
    )


def test_indent_tab() -> None:
    assert jsv.dumps(SPEC_EXAMPLE, indent="\t") == (
        '{\n\tid: 1,\n\ttags: [\n\t\ta,\n\t\t"b, c"\n\t],\n\tchild: {\n\t\tempty: []\n\t}\n}'
    )


def test_indent_four_and_custom_string() -> None:
    assert (
        jsv.dumps([{"a": [1]}], indent=4)
        == "[\n    {\n        a: [\n            1\n        ]\n    }\n]"
    )
    assert jsv.dumps([[1]], indent="--") == "[\n--[\n----1\n--]\n]"


@pytest.mark.parametrize("indent", [0, -3, ""])
def test_indent_zero_writes_lines_without_indentation(indent: int | str) -> None:
    assert jsv.dumps({"a": [1, {"b": 2}]}, indent=indent) == "{\na: [\n1,\n{\nb: 2\n}\n]\n}"


def test_indent_none_list_items_are_empty_lines() -> None:
    assert jsv.dumps(["a", None, "b", None], indent=2) == "[\n  a,\n,\n  b,\n\n]"
    assert jsv.dumps([None, None], indent=2) == "[\n,\n\n]"
    assert jsv.dumps({"a": [None, {"b": None}]}, indent=2) == "{\n  a: [\n,\n    {}\n  ]\n}"


def test_indent_empty_containers_and_omitted_none() -> None:
    obj: dict[str, Any] = {"a": {}, "b": [], "c": None, "d": ""}
    assert jsv.dumps(obj, indent=2) == '{\n  a: {},\n  b: [],\n  d: ""\n}'
    assert jsv.dumps([], indent=2) == "[]"
    assert jsv.dumps({}, indent=2) == "{}"
    assert jsv.dumps({"a": None}, indent=2) == "{}"


def test_indent_scalars_at_top_level() -> None:
    assert jsv.dumps("x", indent=2) == "x"
    assert jsv.dumps(" x", indent=2) == '" x"'
    assert jsv.dumps(None, indent=2) == ""
    assert jsv.dumps(1.5, indent=2) == "1.5"


def test_indent_quotes_edge_whitespace() -> None:
    assert jsv.dumps({" k": [" v", "w "]}, indent=1) == '{\n " k": [\n  " v",\n  "w "\n ]\n}'


def test_indent_nested_lists_and_maps() -> None:
    assert jsv.dumps([{"a": 1}, [2]], indent=1) == "[\n {\n  a: 1\n },\n [\n  2\n ]\n]"


def test_indent_has_no_final_newline_and_no_trailing_spaces() -> None:
    text = jsv.dumps({"a": [None, 1, {"b": [None, None]}], "c": {}}, indent=3)
    assert not text.endswith("\n")
    assert all(line == line.rstrip() for line in text.split("\n"))


@pytest.mark.parametrize("indent", [1, 2, 4, "\t", 0, "\u3000"])
def test_indent_reads_back_with_trim(indent: int | str) -> None:
    obj: dict[str, Any] = {
        "id": "1",
        "tags": ["a", "b, c", None, " edge ", ""],
        "child": {"empty": [], "map": {}, "nested": [[None, "x"], {"k": "v"}]},
        " key ": "\n",
    }
    assert jsv.loads(jsv.dumps(obj, indent=indent), trim=True) == obj


def test_dataclass_field_names_are_written_bare() -> None:
    @dataclasses.dataclass
    class Call:
        dial_state: str
        call_state: str | None = None
        members: list[str] = dataclasses.field(default_factory=list)

    assert jsv.dumps(Call("None")) == "{dialState:None,members:[]}"
    assert (
        jsv.dumps([Call("a, b", "x")], rename=None)
        == '[{dial_state:"a, b",call_state:x,members:[]}]'
    )


@pytest.mark.parametrize("rename", ["camel", "pascal", "snake", None])
def test_dict_keys_are_never_renamed(rename: Any) -> None:
    obj = {"dial_state": 1, "DialState": 2, "dialState": [{"call_sid": 3}]}
    assert jsv.dumps(obj, rename=rename) == "{dial_state:1,DialState:2,dialState:[{call_sid:3}]}"
