"""``jsv.reformat``: re-indent JSV without changing any key, value or empty value (spec §7)."""

from __future__ import annotations

from typing import Any

import pytest

import jsv

MODES = pytest.mark.parametrize("trim", [False, True], ids=["exact", "trim"])


def reads_back(text: str, trim: bool) -> None:
    """Both outputs of ``reformat`` read back to what ``text`` reads as."""
    tree = jsv.loads(text, trim=trim)
    pretty = jsv.reformat(text, trim=trim)
    assert jsv.loads(pretty, trim=True) == tree
    compact = jsv.reformat(text, trim=trim, indent=None)
    assert jsv.loads(compact) == tree
    assert jsv.loads(compact, trim=True) == tree


def test_docstring_example() -> None:
    assert jsv.reformat("{ a: 1, b: [ x, y ], c: }") == (
        "{\n  a: 1,\n  b: [\n    x,\n    y\n  ],\n  c:\n}"
    )


def test_default_indent_and_mode() -> None:
    text = "{ a: 1 }"
    assert jsv.reformat(text) == jsv.reformat(text, indent=2, trim=True) == "{\n  a: 1\n}"


@pytest.mark.parametrize(
    ("text", "compact"),
    [
        ("{ a: 1, b: [ x, y ], c: }", "{a:1,b:[x,y],c:}"),
        ('{a:,b:[,],c:""}', '{a:,b:[,],c:""}'),
        ("[a,,b]", "[a,,b]"),
        ("[ , ]", "[,]"),
        ("{a: }", "{a:}"),
        ("{a:1,a:2}", "{a:2}"),
        ('{"a b":1}', "{a b:1}"),
        ("{:1}", '{"":1}'),
        ("{a:http://x}", '{a:"http://x"}'),
        ('{a:b"c}', '{a:"b""c"}'),
        ('{a:"b, c"}', '{a:"b, c"}'),
        ('{a:" "}', '{a:" "}'),
        ("{{X:1}:a}", "{{X:1}:a}"),
        ('{{X:1,Y:{Z:2}}:a,"{X:1}":b}', '{{X:1,Y:{Z:2}}:a,"{X:1}":b}'),
        ("{ {X: 1} :a}", "{{X: 1}:a}"),
        ("{{}:a}", "{{}:a}"),
        ("{a:{{X:1}:b}}", "{a:{{X:1}:b}}"),
        ("  x  ", "x"),
        ('"x"', "x"),
        ('""', '""'),
        ("", ""),
        ("   ", ""),
        ("[]", "[]"),
        ("{ }", "{}"),
        ("[[ ],{ }]", "[[],{}]"),
    ],
)
def test_compact_trim(text: str, compact: str) -> None:
    assert jsv.reformat(text, indent=None) == compact
    reads_back(text, True)


@pytest.mark.parametrize(
    ("text", "compact"),
    [
        # Edge whitespace is data when reading exactly: it is quoted to survive.
        ("{ a: 1, b: [ x, y ], c: }", '{" a":" 1"," b":[" x"," y "]," c":" "}'),
        ("{a: x ,b:y}", '{a:" x ",b:y}'),
        ("[ a , b ]", '[" a "," b "]'),
        ("[ , ]", '[" "," "]'),
        ("{a:\tb\n}", '{a:"\tb\n"}'),
        ('{a:,b:[,],c:""}', '{a:,b:[,],c:""}'),
        ("{ {X: 1} :a}", "{{X: 1}:a}"),
        ("{a:x y}", "{a:x y}"),
    ],
)
def test_compact_exact(text: str, compact: str) -> None:
    assert jsv.reformat(text, trim=False, indent=None) == compact
    reads_back(text, False)


def test_keeps_empty_values() -> None:
    text = '{a:,b:x,c:[,],d:[a,,b,],e:"",f:[""]}'
    assert jsv.reformat(text) == (
        "{\n"
        "  a:,\n"
        "  b: x,\n"
        "  c: [\n"
        ",\n"
        "\n"
        "  ],\n"
        "  d: [\n"
        "    a,\n"
        ",\n"
        "    b,\n"
        "\n"
        "  ],\n"
        '  e: "",\n'
        "  f: [\n"
        '    ""\n'
        "  ]\n"
        "}"
    )
    for trim in (False, True):
        reads_back(text, trim)


def test_keeps_edge_whitespace_values_in_exact_mode() -> None:
    text = "{k: v ,l:[ x]}"
    assert jsv.reformat(text, trim=False) == '{\n  k: " v ",\n  l: [\n    " x"\n  ]\n}'
    assert jsv.loads(jsv.reformat(text, trim=False), trim=True) == {"k": " v ", "l": [" x"]}


def test_keeps_quoted_edge_whitespace_in_trim_mode() -> None:
    text = '{ k : " v " , l : [ " x" ] }'
    assert jsv.reformat(text) == '{\n  k: " v ",\n  l: [\n    " x"\n  ]\n}'


def test_keeps_map_keys() -> None:
    text = "{{X:1}:a,{X:2,Y:[1,2]}:b}"
    assert jsv.reformat(text) == "{\n  {X:1}: a,\n  {X:2,Y:[1,2]}: b\n}"
    assert jsv.reformat(text, indent=None) == text
    assert jsv.loads(jsv.reformat(text), trim=True) == {"{X:1}": "a", "{X:2,Y:[1,2]}": "b"}


def test_map_key_and_quoted_key_stay_distinct_in_form() -> None:
    assert jsv.reformat('{"{X:1}":a}', indent=None) == '{"{X:1}":a}'
    assert jsv.reformat("{{X:1}:a}", indent=None) == "{{X:1}:a}"


@pytest.mark.parametrize("indent", [1, 4, "\t", 0])
def test_indent_options(indent: int | str) -> None:
    text = "{ a: [ 1, { b: } ], c: {} }"
    out = jsv.reformat(text, indent=indent)
    unit = indent if isinstance(indent, str) else " " * indent
    assert out == (
        f"{{\n{unit}a: [\n{unit * 2}1,\n{unit * 2}{{\n{unit * 3}b:\n{unit * 2}}}\n{unit}],"
        f"\n{unit}c: {{}}\n}}"
    )
    assert jsv.loads(out, trim=True) == {"a": ["1", {"b": None}], "c": {}}


def test_reformat_is_idempotent() -> None:
    text = '{ a : [ x , , "y, z" ], b: { {K:1}: v }, c: , d: "" }'
    once = jsv.reformat(text)
    assert jsv.reformat(once) == once
    compact = jsv.reformat(text, indent=None)
    assert jsv.reformat(compact, indent=None) == compact
    assert jsv.reformat(once, indent=None) == compact


def test_compact_of_writer_output_is_unchanged() -> None:
    text = '{id:1,name:"Me, Junior",tags:[a,,b],child:{id:2,x:},"":""}'
    assert jsv.reformat(text, indent=None, trim=False) == text
    assert jsv.reformat(text, indent=None) == text


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_bytes_input(kind: Any) -> None:
    assert jsv.reformat(kind("\ufeff{ a: é }".encode()), indent=None) == "{a:é}"


@MODES
def test_malformed_input_is_a_decode_error(trim: bool) -> None:
    with pytest.raises(jsv.DecodeError) as info:
        jsv.reformat('{a:"x"y}', trim=trim)
    assert (info.value.msg, info.value.pos) == ("Expected ',' or '}' after the value", 6)
    with pytest.raises(jsv.DecodeError) as info:
        jsv.reformat("[" * 1001 + "]" * 1001, trim=trim)
    assert (info.value.msg, info.value.pos) == ("Nesting deeper than 1000 levels", 1000)


def test_depth_at_the_limit() -> None:
    text = "[" * 1000 + "]" * 1000
    assert jsv.reformat(text, indent=None) == text
    assert jsv.dumps(jsv.loads(jsv.reformat(text, indent=1), trim=True)) == text
