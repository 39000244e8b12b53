"""Untyped decoding: spec §1 (shape), §2 (null and empty), §3 (whitespace), input types.

The data vectors under ``tests/data/valid/<area>/`` are read in both whitespace modes: a
``name.jsv`` document decodes to ``name.json`` (the exact reading, ``trim=False``) and to
``name.trim.json`` with ``trim=True`` (or to ``name.json`` too when there is no such file).
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

import jsv
from jsv import MAX_DEPTH

VALID = Path(__file__).parent / "data" / "valid"
MODES = pytest.mark.parametrize("trim", [False, True], ids=["exact", "trim"])

# Every character for which str.isspace() is true: the whitespace of spec §3.
WHITESPACE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]


def assert_untyped(value: Any) -> None:
    """Untyped decoding yields dict, list, str and None only (spec §1), with str keys."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            assert type(item) is dict
            assert all(type(k) is str for k in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            assert type(item) is list
            stack.extend(item)
        else:
            assert item is None or type(item) is str, repr(item)


def same(actual: Any, expected: Any) -> None:
    """Equal, with map keys in the same order as in the document."""
    assert actual == expected
    assert json.dumps(actual) == json.dumps(expected)


def both(doc: str, expected: Any) -> None:
    """``doc`` decodes to ``expected`` in both whitespace modes."""
    for trim in (False, True):
        result = jsv.loads(doc, trim=trim)
        same(result, expected)
        assert_untyped(result)


# ---------------------------------------------------------------------------------------
# Data vectors


def _valid_vectors() -> list[Any]:
    return [
        pytest.param(path, id=f"{path.parent.name}/{path.stem}")
        for path in sorted(VALID.glob("*/*.jsv"))
    ]


def _expected(path: Path, trim: bool) -> Any:
    trimmed = path.parent / f"{path.stem}.trim.json"
    chosen = trimmed if trim and trimmed.exists() else path.parent / f"{path.stem}.json"
    return json.loads(chosen.read_text(encoding="utf-8"))


def test_valid_vectors_are_complete() -> None:
    vectors = list(VALID.glob("*/*.jsv"))
    assert len(vectors) >= 70
    for path in vectors:
        assert (path.parent / f"{path.stem}.json").exists(), path
    for path in VALID.glob("*/*.json"):
        stem = path.name.removesuffix(".json").removesuffix(".trim")
        assert (path.parent / f"{stem}.jsv").exists(), path


@pytest.mark.parametrize("path", _valid_vectors())
@MODES
def test_valid_vector(path: Path, trim: bool) -> None:
    raw = path.read_bytes()
    expected = _expected(path, trim)
    result = jsv.loads(raw.decode("utf-8"), trim=trim)
    same(result, expected)
    assert_untyped(result)
    inputs: list[Any] = [raw, bytearray(raw), memoryview(raw)]
    if not raw.startswith(b"\xef\xbb\xbf"):
        inputs.append(b"\xef\xbb\xbf" + raw)
    for data in inputs:
        same(jsv.loads(data, trim=trim), expected)
    same(jsv.load(io.BytesIO(raw), trim=trim), expected)
    same(jsv.load(io.StringIO(raw.decode("utf-8")), trim=trim), expected)


# ---------------------------------------------------------------------------------------
# §1 Shape


def test_writer_output_example() -> None:
    both(
        "{id:1,name:Me,tags:[a,b],child:{id:2}}",
        {"id": "1", "name": "Me", "tags": ["a", "b"], "child": {"id": "2"}},
    )


@pytest.mark.parametrize("text", ["True", "False", "0", "2025-01-15", "None", "null", "1.5"])
def test_no_literals_every_scalar_is_text(text: str) -> None:
    both(text, text)
    both(f"[{text}]", [text])
    both(f"{{k:{text}}}", {"k": text})


def test_readme_example() -> None:
    both(
        '{id:1,name:"Me, Junior",tags:[a,,b]}',
        {"id": "1", "name": "Me, Junior", "tags": ["a", None, "b"]},
    )


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ("{url:http://x}", {"url": "http://x"}),
        ("{a:b:c:d}", {"a": "b:c:d"}),
        ('{a:x"y"}', {"a": 'x"y"'}),
        ("{a:x{y}", {"a": "x{y"}),
        ("{a:x[y]}", {"a": "x[y]"}),
        ("{a:x]}", {"a": "x]"}),
        ("[x}]", ["x}"]),
        ("[x:y]", ["x:y"]),
        ('[x"y]', ['x"y']),
        ("[x{y,z[w]", ["x{y", "z[w"]),
    ],
)
def test_bare_value_runs_to_comma_or_closer(doc: str, expected: Any) -> None:
    both(doc, expected)


@pytest.mark.parametrize("doc", ["a,b}", "a]", "x,y,z", "a:b", 'a"b"', "a{b}", "a[b]"])
def test_top_level_bare_value_is_the_whole_document(doc: str) -> None:
    both(doc, doc)
    both(f" \n{doc}\t ", doc)


@pytest.mark.parametrize("closer", ["]", "}"])
def test_top_level_lone_closer_is_bare_text(closer: str) -> None:
    both(closer, closer)


@pytest.mark.parametrize(
    ("doc", "key"),
    [
        ("{a:1}", "a"),
        ('{a"b:1}', 'a"b'),
        ("{a{b:1}", "a{b"),
        ("{a[b]:1}", "a[b]"),
        ("{[a]:1}", "[a]"),
        ("{]:1}", "]"),
        ("{a b:1}", "a b"),
        ("{:1}", ""),
    ],
)
def test_bare_key_runs_to_the_first_colon(doc: str, key: str) -> None:
    both(doc, {key: "1"})


@pytest.mark.parametrize(
    "char",
    ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\ud800", "\U0010ffff"],
    ids=["NUL", "BEL", "ESC", "DEL", "NEL", "LS", "lone-surrogate", "max"],
)
def test_every_character_is_data(char: str) -> None:
    for trim in (False, True):
        assert jsv.loads(f"{{a:x{char}y}}", trim=trim) == {"a": f"x{char}y"}
        assert jsv.loads(f"[x{char}y]", trim=trim) == [f"x{char}y"]
        assert jsv.loads(f'{{"{char}":"{char}"}}', trim=trim) == {char: char}
        assert jsv.loads(f"{{k{char}k:v}}", trim=trim) == {f"k{char}k": "v"}


def test_lone_surrogates_in_str_input() -> None:
    both("{\udc80:\ud800x}", {"\udc80": "\ud800x"})
    both('["\udfff"]', ["\udfff"])


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ('""', ""),
        ('""""', '"'),
        ('"a""b"', 'a"b'),
        ('"2"" x 1"""', '2" x 1"'),
        ('"a,b:c{d}[e]"', "a,b:c{d}[e]"),
        ('"\n"', "\n"),
        ('"a\r\nb"', "a\r\nb"),
        ('" "', " "),
        ('"\\n"', "\\n"),
    ],
)
def test_quoted_token(doc: str, expected: str) -> None:
    both(doc, expected)
    both(f"[{doc}]", [expected])
    both(f"{{k:{doc}}}", {"k": expected})
    both(f"{{{doc}:v}}", {expected: "v"})


@pytest.mark.parametrize("after", [",", "}", " ,", "\n}", "\t\r\n ,"])
def test_after_closing_quote_whitespace_then_separator(after: str) -> None:
    doc = '{a:"x"' + after + ("" if after.endswith("}") else "b:y}")
    expected = {"a": "x"} if after.endswith("}") else {"a": "x", "b": "y"}
    both(doc, expected)


def test_quoted_top_level_followed_by_whitespace() -> None:
    both('"a" \n', "a")


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ("{{X:1,Y:2}:a}", {"{X:1,Y:2}": "a"}),
        ("{{X:1}:a,{X:2}:b}", {"{X:1}": "a", "{X:2}": "b"}),
        ("{{X:[1,2],Y:{Z:3}}:a}", {"{X:[1,2],Y:{Z:3}}": "a"}),
        ('{{X:"a,b"}:c}', {'{X:"a,b"}': "c"}),
        ("{{}:a}", {"{}": "a"}),
        ("{{ }:a}", {"{ }": "a"}),
        ("{{X: 1 }:a}", {"{X: 1 }": "a"}),
        ("{{X:1} :a}", {"{X:1}": "a"}),
        ("{a:{{X:1}:b}}", {"a": {"{X:1}": "b"}}),
        ("[{{X:1}:b}]", [{"{X:1}": "b"}]),
        ("{{{X:1}:a}:b}", {"{{X:1}:a}": "b"}),
    ],
)
def test_map_key_is_read_as_its_text(doc: str, expected: Any) -> None:
    both(doc, expected)


def test_map_key_and_quoted_key_of_the_same_text_collide() -> None:
    both('{{X:1}:a,"{X:1}":b}', {"{X:1}": "b"})


def test_duplicate_keys_last_wins() -> None:
    both("{a:1,a:2}", {"a": "2"})
    both('{a:1,"a":2,b:3,a:}', {"a": None, "b": "3"})
    assert list(jsv.loads("{a:1,b:2,a:3}")) == ["a", "b"]


def test_duplicate_keys_whose_spellings_differ_only_by_whitespace() -> None:
    assert jsv.loads("{a:1, a:2}") == {"a": "1", " a": "2"}
    assert jsv.loads("{a:1, a:2}", trim=True) == {"a": "2"}


def test_type_marker_is_an_ordinary_key() -> None:
    both('{__type:"Ns.Dog, Asm",name:Rex}', {"__type": "Ns.Dog, Asm", "name": "Rex"})


# ---------------------------------------------------------------------------------------
# §2 Null and empty


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ("[a,,b]", ["a", None, "b"]),
        ("[a,]", ["a", None]),
        ("[,]", [None, None]),
        ("[,a]", [None, "a"]),
        ("[,,]", [None, None, None]),
        ("[a,,]", ["a", None, None]),
        ("[[],]", [[], None]),
        ("[{},]", [{}, None]),
        ('["",]', ["", None]),
        ("{a:}", {"a": None}),
        ("{a:,b:x}", {"a": None, "b": "x"}),
        ("{a:x,b:}", {"a": "x", "b": None}),
        ('{"a":}', {"a": None}),
        ("{{X:1}:}", {"{X:1}": None}),
        ('""', ""),
        ('[""]', [""]),
        ('{a:""}', {"a": ""}),
        ("[]", []),
        ("{}", {}),
        ("[ ]", []),
        ("{ }", {}),
        ("[[]]", [[]]),
        ("[{}]", [{}]),
    ],
)
def test_null_and_empty(doc: str, expected: Any) -> None:
    both(doc, expected)


@pytest.mark.parametrize("doc", ["", " ", "\n\n", "\t \r\n", "\u3000", "\ufeff", "\ufeff \n"])
def test_empty_document_is_none(doc: str) -> None:
    both(doc, None)


def test_empty_string_and_empty_value_differ() -> None:
    both('{a:"",b:}', {"a": "", "b": None})
    both('["",,""]', ["", None, ""])


@pytest.mark.parametrize("ws", WHITESPACE, ids=[f"U+{ord(c):04X}" for c in WHITESPACE])
def test_whitespace_only_body_is_empty(ws: str) -> None:
    both(f"[{ws}]", [])
    both(f"{{{ws}{ws}}}", {})
    both(f"{{a:[{ws}],b:{{{ws}}}}}", {"a": [], "b": {}})


# ---------------------------------------------------------------------------------------
# §3 Whitespace


@pytest.mark.parametrize(
    ("doc", "exact", "trimmed"),
    [
        # The examples of spec §3.
        ("{a: {b:1}}", {"a": {"b": "1"}}, {"a": {"b": "1"}}),
        ('[ "x" , "y" ]', ["x", "y"], ["x", "y"]),
        ("{a: x ,b:y}", {"a": " x ", "b": "y"}, {"a": "x", "b": "y"}),
        (
            "{ dialState: None, ended: False, members: [ { role: Agent } ] }",
            {" dialState": " None", " ended": " False", " members": [{" role": " Agent "}]},
            {"dialState": "None", "ended": "False", "members": [{"role": "Agent"}]},
        ),
        # Skipped before '{', '[', an opening '"', and after '}', ']', a closing '"'.
        ("{a:\n[x]}", {"a": ["x"]}, {"a": ["x"]}),
        ("[ [x] , {a:b} ]", [["x"], {"a": "b"}], [["x"], {"a": "b"}]),
        ('{ "k" : "v" }', {"k": "v"}, {"k": "v"}),
        ('{a:"x" , b:y}', {"a": "x", " b": "y"}, {"a": "x", "b": "y"}),
        ("{a:{b:c} ,d:e}", {"a": {"b": "c"}, "d": "e"}, {"a": {"b": "c"}, "d": "e"}),
        ("{ {X:1} :a}", {"{X:1}": "a"}, {"{X:1}": "a"}),
        # Other whitespace belongs to the bare key or value it touches.
        ("{ a :1}", {" a ": "1"}, {"a": "1"}),
        ("{a :b}", {"a ": "b"}, {"a": "b"}),
        ("[ a , b ]", [" a ", " b "], ["a", "b"]),
        ("{a:[x, y ]}", {"a": ["x", " y "]}, {"a": ["x", "y"]}),
        ('{"a" : 1}', {"a": " 1"}, {"a": "1"}),
        ("{a: }", {"a": " "}, {"a": None}),
        ("[ , ]", [" ", " "], [None, None]),
        ("[a, ,b]", ["a", " ", "b"], ["a", None, "b"]),
        ("{a:x y}", {"a": "x y"}, {"a": "x y"}),
        ("{a b:c}", {"a b": "c"}, {"a b": "c"}),
        ("{ a b : c d }", {" a b ": " c d "}, {"a b": "c d"}),
        ('{" a ":" b "}', {" a ": " b "}, {" a ": " b "}),
        ('[ " x " ]', [" x "], [" x "]),
        ("{a:x\n}", {"a": "x\n"}, {"a": "x"}),
    ],
)
def test_whitespace_modes(doc: str, exact: Any, trimmed: Any) -> None:
    same(jsv.loads(doc), exact)
    same(jsv.loads(doc, trim=False), exact)
    same(jsv.loads(doc, trim=True), trimmed)


@pytest.mark.parametrize("ws", WHITESPACE, ids=[f"U+{ord(c):04X}" for c in WHITESPACE])
def test_every_unicode_whitespace_character(ws: str) -> None:
    # Document edges are skipped in both modes.
    both(f"{ws}{{a:b}}{ws}", {"a": "b"})
    both(f"{ws}x{ws}", "x")
    # Next to a structural token: formatting in both modes.
    both(f"{{a:{ws}[x]{ws},b:{ws}{{c:d}}{ws}}}", {"a": ["x"], "b": {"c": "d"}})
    both(f'[{ws}"x"{ws},{ws}"y"{ws}]', ["x", "y"])
    # Around a bare key or value: data when exact, formatting with trim=True.
    doc = f"{{{ws}k{ws}:{ws}v{ws},l:[{ws}i{ws}]}}"
    assert jsv.loads(doc) == {f"{ws}k{ws}": f"{ws}v{ws}", "l": [f"{ws}i{ws}"]}
    assert jsv.loads(doc, trim=True) == {"k": "v", "l": ["i"]}
    # Inside quotes: always data.
    both(f'{{"{ws}k":"{ws}v{ws}"}}', {f"{ws}k": f"{ws}v{ws}"})


def test_non_whitespace_format_characters_are_data() -> None:
    # U+200B, U+FEFF and U+180E are not str.isspace(): never trimmed.
    for char in ("\u200b", "\ufeff", "\u180e"):
        assert not char.isspace()
        both(f"{{a:{char}x{char}}}", {"a": f"{char}x{char}"})


def test_trim_mode_keeps_inner_whitespace() -> None:
    assert jsv.loads("{ a  b : x \t y }", trim=True) == {"a  b": "x \t y"}


def test_trim_true_reads_pretty_printed_text() -> None:
    doc = '{\n  id: 1,\n  tags: [\n    a,\n    "b, c"\n  ],\n  child: {\n    empty: []\n  }\n}'
    same(
        jsv.loads(doc, trim=True),
        {"id": "1", "tags": ["a", "b, c"], "child": {"empty": []}},
    )


# ---------------------------------------------------------------------------------------
# Input types, BOM, load()


@pytest.mark.parametrize("kind", [str, bytes, bytearray, memoryview])
def test_input_types(kind: Any) -> None:
    doc = '{a:é,b:[" x ",]}'
    data = doc if kind is str else kind(doc.encode("utf-8"))
    for trim in (False, True):
        assert jsv.loads(data, trim=trim) == {"a": "é", "b": [" x ", None]}


def test_memoryview_slice() -> None:
    assert jsv.loads(memoryview(b"xx{a:1}yy")[2:7]) == {"a": "1"}


@pytest.mark.parametrize(
    "data",
    ["\ufeff{a:1}", b"\xef\xbb\xbf{a:1}", bytearray(b"\xef\xbb\xbf{a:1}"), "\ufeff  {a:1} "],
)
def test_leading_bom_is_skipped(data: Any) -> None:
    for trim in (False, True):
        assert jsv.loads(data, trim=trim) == {"a": "1"}


def test_bom_not_at_the_start_is_data() -> None:
    both(" \ufeffa", "\ufeffa")
    both("[\ufeff]", ["\ufeff"])


def test_load_text_and_binary_files() -> None:
    assert jsv.load(io.StringIO("{ a: 1 }"), trim=True) == {"a": "1"}
    assert jsv.load(io.BytesIO(b"\xef\xbb\xbf[a,]")) == ["a", None]
    assert jsv.load(io.StringIO("")) is None


@pytest.mark.parametrize("data", [1, None, 1.5, ["[]"], object()])
def test_other_input_types_are_a_type_error(data: Any) -> None:
    name = type(data).__name__
    with pytest.raises(TypeError) as info:
        jsv.loads(data)
    assert str(info.value) == (f"Input must be str, bytes, bytearray or memoryview, not {name}")
    assert not isinstance(info.value, jsv.DecodeError)


# ---------------------------------------------------------------------------------------
# Depth


def _nested_lists(depth: int) -> str:
    return "[" * depth + "]" * depth


def _depth_of(value: Any) -> int:
    depth = 0
    while isinstance(value, (list, dict)):
        depth += 1
        if not value:
            break
        value = value[0] if isinstance(value, list) else value["a"]
    return depth


@MODES
def test_depth_exactly_at_the_limit(trim: bool) -> None:
    assert MAX_DEPTH == 1000
    assert _depth_of(jsv.loads(_nested_lists(MAX_DEPTH), trim=trim)) == MAX_DEPTH
    maps = "{a:" * (MAX_DEPTH - 1) + "{}" + "}" * (MAX_DEPTH - 1)
    assert _depth_of(jsv.loads(maps, trim=trim)) == MAX_DEPTH
    mixed = "[{a:" * (MAX_DEPTH // 2) + "}]" * (MAX_DEPTH // 2)
    assert isinstance(jsv.loads(mixed, trim=trim), list)
    spaced = "[ " * MAX_DEPTH + " ]" * MAX_DEPTH
    assert _depth_of(jsv.loads(spaced, trim=trim)) == MAX_DEPTH


@MODES
def test_map_keys_count_towards_the_depth(trim: bool) -> None:
    inner = "[" * (MAX_DEPTH - 2)
    outer = "]" * (MAX_DEPTH - 2)
    # 998 lists, the map and its map key: 1000 levels.
    leaf = jsv.loads(inner + "{{X:1}:a}" + outer, trim=trim)
    for _ in range(MAX_DEPTH - 2):
        leaf = leaf[0]
    assert leaf == {"{X:1}": "a"}


def test_long_flat_documents() -> None:
    items = ",".join(str(i) for i in range(100_000))
    assert jsv.loads(f"[{items}]") == [str(i) for i in range(100_000)]
    members = ",".join(f"k{i}:v" for i in range(20_000))
    assert len(jsv.loads(f"{{{members}}}", trim=True)) == 20_000
