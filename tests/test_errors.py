"""Malformed input (spec §8) and objects without a JSV form.

Messages and positions are pinned the way CPython's ``test_json/test_fail.py`` pins them.
The data vectors under ``tests/data/invalid/<area>/`` hold a ``name.jsv`` document and its
error ``name.err`` as ``message|char|line|column`` (``name.trim.err`` when ``trim=True``
reports something else); each is checked in both whitespace modes and for bytes input.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import pickle
import subprocess
import sys
import traceback
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from shared import COLON, DEEP, EXTRA, LSEP, MSEP, UQ, ul, um

import jsv
from jsv import MAX_DEPTH

INVALID = Path(__file__).parent / "data" / "invalid"
MODES = pytest.mark.parametrize("trim", [False, True], ids=["exact", "trim"])


def check_error(data: Any, trim: bool, msg: str, pos: int, lineno: int, colno: int) -> None:
    with pytest.raises(jsv.DecodeError) as info:
        jsv.loads(data, trim=trim)
    e = info.value
    assert (e.msg, e.pos, e.lineno, e.colno) == (msg, pos, lineno, colno)
    assert str(e) == f"{msg}: line {lineno} column {colno} (char {pos})"
    assert e.args == (str(e),)
    assert type(e) is jsv.DecodeError


# ---------------------------------------------------------------------------------------
# Data vectors


def _invalid_vectors() -> list[Any]:
    return [
        pytest.param(path, id=f"{path.parent.name}/{path.stem}")
        for path in sorted(INVALID.glob("*/*.jsv"))
    ]


def _pinned(path: Path, trim: bool) -> tuple[str, int, int, int]:
    trimmed = path.parent / f"{path.stem}.trim.err"
    chosen = trimmed if trim and trimmed.exists() else path.parent / f"{path.stem}.err"
    msg, pos, lineno, colno = chosen.read_text(encoding="utf-8").rstrip("\n").split("|")
    return msg, int(pos), int(lineno), int(colno)


def test_invalid_vectors_are_complete() -> None:
    vectors = list(INVALID.glob("*/*.jsv"))
    assert len(vectors) >= 60
    for path in vectors:
        assert (path.parent / f"{path.stem}.err").exists(), path


@pytest.mark.parametrize("path", _invalid_vectors())
@MODES
def test_invalid_vector(path: Path, trim: bool) -> None:
    raw = path.read_bytes()
    doc = raw.decode("utf-8")
    msg, pos, lineno, colno = _pinned(path, trim)
    check_error(doc, trim, msg, pos, lineno, colno)
    if doc.isascii():  # character and byte positions agree
        check_error(raw, trim, msg, pos, lineno, colno)
        check_error(memoryview(raw), trim, msg, pos, lineno, colno)


# ---------------------------------------------------------------------------------------
# Pinned messages and positions: the cases of spec §8, one line each


@pytest.mark.parametrize(
    ("doc", "msg", "pos"),
    [
        # unterminated quote: reported at its opening '"'
        ('"', UQ, 0),
        ('{a:"x', UQ, 3),
        ('{"k', UQ, 1),
        ('[a,b,"c,d]', UQ, 5),
        ('{a:"x""}', UQ, 3),
        ('{a:[{b:"c}]}', UQ, 7),
        # unbalanced or mismatched brackets: reported at the end of the input, where the
        # closer of the innermost open map or list is missing
        ("{a:[1}", ul(1, 4), 6),
        ("[{a:1]", um(1, 2), 6),
        ("{", um(1, 1), 1),
        ("[", ul(1, 1), 1),
        ("{a:1", um(1, 1), 4),
        ("[1,2", ul(1, 1), 4),
        ("[[1,2]", ul(1, 1), 6),
        ("{a:{b:1}", um(1, 1), 8),
        ("{a:[1,[2]", ul(1, 4), 9),
        # missing ':' after a key
        ("{a}", COLON, 2),
        ("{a,b:1}", COLON, 2),
        ('{"a"}', COLON, 4),
        ('{"a" b:1}', COLON, 5),
        ("{{X:1}}", COLON, 6),
        ("{{X:1} ,a:b}", COLON, 7),
        ("{a:1,b}", COLON, 6),
        # text after a closing quote, '}' or ']' where ',' or a closer is required
        ('{a:"x"y}', MSEP, 6),
        ('["x"y]', LSEP, 4),
        ('{a:"x" "y"}', MSEP, 7),
        ("{a:{}x}", MSEP, 5),
        ("{a:[]x}", MSEP, 5),
        ("[{}x]", LSEP, 3),
        ("[[]x]", LSEP, 3),
        ("[[1]{}]", LSEP, 4),
        # text after the top-level value
        ("{}x", EXTRA, 2),
        ("[] []", EXTRA, 3),
        ('"a" b', EXTRA, 4),
        ("{a:1}}", EXTRA, 5),
        ("[1]]", EXTRA, 3),
        ("{a:b}\n\n,", EXTRA, 7),
    ],
)
@MODES
def test_fail(doc: str, msg: str, pos: int, trim: bool) -> None:
    with pytest.raises(jsv.DecodeError) as info:
        jsv.loads(doc, trim=trim)
    assert (info.value.msg, info.value.pos) == (msg, pos)


@MODES
def test_line_and_column(trim: bool) -> None:
    check_error("{\n  a: 1,\n  b: [x,\n}", trim, ul(3, 6), 20, 4, 2)
    check_error("[\n\n\n]]", trim, EXTRA, 5, 4, 2)
    check_error('{a:\n"\n\n', trim, UQ, 4, 2, 1)
    check_error("{\r\n a:1,\r\n x}", trim, COLON, 12, 3, 3)  # only '\n' counts lines
    check_error('{\n\t"a"b:1}', trim, COLON, 6, 2, 5)


@MODES
def test_positions_are_characters_for_str_input(trim: bool) -> None:
    check_error('{é:"ü', trim, UQ, 3, 1, 4)
    check_error("[😀]x", trim, EXTRA, 3, 1, 4)


@MODES
def test_positions_of_bytes_input_are_characters_of_the_text(trim: bool) -> None:
    # Valid UTF-8 is decoded first: positions count characters, as for str input.
    check_error('{é:"ü'.encode(), trim, UQ, 3, 1, 4)


def test_leading_bom_counts_in_pos_but_not_in_the_column() -> None:
    # .pos indexes the document as given; the column is what an editor shows.
    check_error("\ufeff{a", False, um(1, 1), 3, 1, 3)
    check_error(b"\xef\xbb\xbf{a", False, um(1, 1), 3, 1, 3)
    check_error("\ufeff{a:[1}", False, ul(1, 4), 7, 1, 7)
    with pytest.raises(jsv.DecodeError) as info:
        jsv.loads(b"\xef\xbb\xbf{a:\xff}")
    assert (info.value.pos, info.value.lineno, info.value.colno) == (6, 1, 4)


# An unterminated map or list is reported where its closer is missing, at the end of the
# input (as json reports a truncated document), and its message says where it opened.


@MODES
def test_unterminated_container_is_reported_at_the_end_of_the_input(trim: bool) -> None:
    check_error("{a:1", trim, um(1, 1), 4, 1, 5)
    check_error("[1,2", trim, ul(1, 1), 4, 1, 5)
    # a bare value in a list runs to ',' or ']': the '}' is data, and the list never closes
    check_error("{a:[1}", trim, ul(1, 4), 6, 1, 7)
    with pytest.raises(jsv.DecodeError) as info:
        jsv.loads("{a:[1}", trim=trim)
    assert str(info.value) == (
        "Unterminated list: no closing ']' for the '[' at line 1 column 4: line 1 column 7 (char 6)"
    )
    assert info.value.msg == "Unterminated list: no closing ']' for the '[' at line 1 column 4"


@MODES
def test_unterminated_container_opened_on_another_line(trim: bool) -> None:
    check_error("{\n  a: [1,\n  b: 2\n}", trim, ul(2, 6), 19, 4, 2)
    check_error("[\n  {a:1,\n   b:2\n]\n", trim, um(2, 3), 19, 5, 1)
    check_error("{id:1,\r\n tags:[a,\r\n", trim, ul(2, 7), 19, 3, 1)  # only '\n' counts


@MODES
def test_unterminated_container_in_bytes_counts_characters(trim: bool) -> None:
    # 'é', '€' and '😀' are 2, 3 and 4 bytes: positions and columns count characters.
    for kind in (bytes, bytearray, memoryview):
        check_error(kind("{é€😀:[x".encode()), trim, ul(1, 6), 7, 1, 8)
        check_error(kind("[\nZoë,{東京:1,\n".encode()), trim, um(2, 5), 13, 3, 1)
        check_error(kind("\ufeff{é:[x".encode()), trim, ul(1, 4), 6, 1, 6)


@MODES
def test_unterminated_container_position_includes_trailing_whitespace(trim: bool) -> None:
    # The whole input is read looking for the closer: the position is len(doc).
    check_error("{a:1   ", trim, um(1, 1), 7, 1, 8)
    check_error("[1, 2 \n\t", trim, ul(1, 1), 8, 2, 2)
    check_error('{a:"x"  \n', trim, um(1, 1), 9, 2, 1)


@MODES
def test_nested_unterminated_containers_report_the_innermost(trim: bool) -> None:
    check_error("[[[1", trim, ul(1, 3), 4, 1, 5)
    check_error("{a:{b:[1,{c:2", trim, um(1, 10), 13, 1, 14)
    check_error("{a:[1,{b:2}", trim, ul(1, 4), 11, 1, 12)
    check_error("{a:{b:1}", trim, um(1, 1), 8, 1, 9)  # the inner map is closed
    check_error("[\n  [\n    {a:[1\n", trim, ul(3, 8), 16, 4, 1)
    check_error("{{X:1}", trim, um(1, 1), 6, 1, 7)  # after a key written as a map


def test_error_never_another_exception_type() -> None:
    for doc in ['{a:"', "{a", "[", '"', "{a:1}x", "{{", "{[", "[{", '{"a"', "{a:{b:[c"]:
        for trim in (False, True):
            with pytest.raises(jsv.DecodeError):
                jsv.loads(doc, trim=trim)
            for cut in range(len(doc)):
                with contextlib.suppress(jsv.DecodeError):
                    jsv.loads(doc[:cut], trim=trim)


# ---------------------------------------------------------------------------------------
# DecodeError itself


def _error(doc: Any) -> jsv.DecodeError:
    with pytest.raises(jsv.DecodeError) as info:
        jsv.loads(doc)
    return info.value


def test_decode_error_attributes() -> None:
    doc = "{a:1,\n b:[x}"
    e = _error(doc)
    assert e.msg == "Unterminated list: no closing ']' for the '[' at line 2 column 4"
    assert e.doc == doc
    assert e.pos == 12
    assert e.lineno == 2
    assert e.colno == 7
    assert str(e) == (
        "Unterminated list: no closing ']' for the '[' at line 2 column 4: "
        "line 2 column 7 (char 12)"
    )


def test_decode_error_classes() -> None:
    e = _error("{a")
    assert isinstance(e, jsv.DecodeError)
    assert isinstance(e, jsv.JSVError)
    assert isinstance(e, ValueError)
    assert not isinstance(e, jsv.ValidationError)
    assert issubclass(jsv.JSVError, Exception)
    assert not issubclass(jsv.DecodeError, TypeError)


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_decode_error_pickles(protocol: int) -> None:
    for doc in ['{a:"x', b"[\xff]"]:
        e = _error(doc)
        copied = pickle.loads(pickle.dumps(e, protocol))
        assert type(copied) is jsv.DecodeError
        assert (copied.msg, copied.doc, copied.pos) == (e.msg, e.doc, e.pos)
        assert (copied.lineno, copied.colno) == (e.lineno, e.colno)
        assert str(copied) == str(e)
        assert copied.args == e.args


def test_error_classes_are_named_as_the_package_exports_them() -> None:
    classes = [jsv.JSVError, jsv.DecodeError, jsv.ValidationError, jsv.EncodeError]
    assert [f"{c.__module__}.{c.__qualname__}" for c in classes] == [
        "jsv.JSVError",
        "jsv.DecodeError",
        "jsv.ValidationError",
        "jsv.EncodeError",
    ]
    assert all(getattr(jsv, c.__name__) is c for c in classes)


def _last_traceback_line(call: Any) -> str:
    with pytest.raises(jsv.JSVError) as info:
        call()
    return "".join(traceback.format_exception_only(info.type, info.value)).rstrip("\n")


def test_tracebacks_show_the_public_names() -> None:
    assert _last_traceback_line(lambda: jsv.loads("{a:[1}")) == (
        "jsv.DecodeError: Unterminated list: no closing ']' for the '[' at line 1 column 4: "
        "line 1 column 7 (char 6)"
    )
    assert _last_traceback_line(lambda: jsv.loads("{a:x}", type=dict[str, int])) == (
        "jsv.ValidationError: Expected int, got 'x' at $[\"a\"]: line 1 column 4 (char 3)"
    )
    assert _last_traceback_line(lambda: jsv.dumps([None])) == (
        "jsv.EncodeError: A list whose only item is None has no JSV form: "
        "[] is the empty list (at $)"
    )


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_every_error_class_pickles_by_its_public_name(protocol: int) -> None:
    errors: list[jsv.JSVError] = [
        jsv.JSVError("x"),
        jsv.DecodeError("Something", "ab\ncd", 4),
        jsv.ValidationError("Expected int, got 'x'", "{a:x}", 3, '$["a"]'),
        jsv.EncodeError("Object of type object is not JSV serializable (at $)"),
    ]
    for error in errors:
        data = pickle.dumps(error, protocol)
        assert b"jsv._errors" not in data
        copied = pickle.loads(data)
        assert type(copied) is type(error)
        assert (copied.args, str(copied)) == (error.args, str(error))
        assert vars(copied) == vars(error)
    # Unpickled where only the public package is imported by name.
    code = (
        "import pickle, sys; e = pickle.loads(sys.stdin.buffer.read()); "
        "print(type(e).__module__, type(e).__name__, e.path, e.pos)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=pickle.dumps(errors[2], protocol), capture_output=True
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        b'jsv ValidationError $["a"] 3\n',
        b"",
    )


def test_decode_error_copies() -> None:
    e = _error("[1,2")
    for copied in (copy.copy(e), copy.deepcopy(e)):
        assert str(copied) == str(e)
        assert (copied.msg, copied.doc, copied.pos) == (e.msg, e.doc, e.pos)


def test_decode_error_can_be_built_directly() -> None:
    e = jsv.DecodeError("Something", "ab\ncd", 4)
    assert (e.msg, e.doc, e.pos, e.lineno, e.colno) == ("Something", "ab\ncd", 4, 2, 2)
    assert str(e) == "Something: line 2 column 2 (char 4)"


def test_no_partial_result_is_returned() -> None:
    target: list[Any] = []
    with pytest.raises(jsv.DecodeError):
        target.append(jsv.loads("[a,b,c,{d:e}"))
    assert target == []


# ---------------------------------------------------------------------------------------
# Invalid UTF-8: a DecodeError at the byte position, with the bytes as the document


@pytest.mark.parametrize(
    ("data", "reason", "pos", "lineno", "colno"),
    [
        (b"{a:\xff}", "invalid start byte", 3, 1, 4),
        (b"\x80", "invalid start byte", 0, 1, 1),
        (b"{a:\n\xc3}", "invalid continuation byte", 4, 2, 1),
        (b"\xc3\xa9\n\xe2\x82", "unexpected end of data", 3, 2, 1),
        (b"{a:\xed\xa0\x80}", "invalid continuation byte", 3, 1, 4),  # an encoded surrogate
        (b"[\xc0\x80]", "invalid start byte", 1, 1, 2),  # overlong NUL
        (b"[\xf4\x90\x80\x80]", "invalid continuation byte", 1, 1, 2),  # beyond U+10FFFF
        (b"\xef\xbb\xbf[\xfe]", "invalid start byte", 4, 1, 2),  # after a BOM: not a column
        (b"\xe2\x82\xac\xe2\x82\xac\n\n\xe2\x82", "unexpected end of data", 8, 3, 1),
    ],
)
@MODES
def test_invalid_utf8(
    data: bytes, reason: str, pos: int, lineno: int, colno: int, trim: bool
) -> None:
    for kind in (bytes, bytearray, memoryview):
        with pytest.raises(jsv.DecodeError) as info:
            jsv.loads(kind(data), trim=trim)
        e = info.value
        assert e.msg == f"Invalid UTF-8 ({reason})"
        assert (e.pos, e.lineno, e.colno) == (pos, lineno, colno)
        assert e.doc == data
        assert type(e.doc) is bytes
        assert str(e) == f"Invalid UTF-8 ({reason}): line {lineno} column {colno} (char {pos})"
        assert not isinstance(e, UnicodeDecodeError)
        assert e.__cause__ is None
        assert e.__context__ is None or e.__suppress_context__


@pytest.mark.parametrize(
    ("data", "reason", "pos"),
    [
        (b'{a:"x\xff', "invalid start byte", 5),
        (b"{a:x}}\xff", "invalid start byte", 6),  # after the extra data
        (b"{a:x,\xc3\xa9}]\xe3\x80", "unexpected end of data", 9),
        (b"[x, \xc0\xa0]", "invalid start byte", 4),  # an overlong space
        (b"[\xc3\xa9,x \xe3\x80\x80\xe3\x80 ]", "invalid continuation byte", 9),
    ],
)
@MODES
def test_invalid_utf8_is_reported_before_syntax(
    data: bytes, reason: str, pos: int, trim: bool
) -> None:
    # The document is decoded before it is parsed: invalid UTF-8 anywhere is the error.
    with pytest.raises(jsv.DecodeError) as info:
        jsv.loads(data, trim=trim)
    assert info.value.msg == f"Invalid UTF-8 ({reason})"
    assert info.value.pos == pos


# ---------------------------------------------------------------------------------------
# Depth: a DecodeError at the first container beyond the limit, never RecursionError


@MODES
def test_one_level_beyond_the_limit(trim: bool) -> None:
    depth = MAX_DEPTH + 1
    check_error("[" * depth + "]" * depth, trim, DEEP, MAX_DEPTH, 1, MAX_DEPTH + 1)
    maps = "{a:" * MAX_DEPTH + "{}" + "}" * MAX_DEPTH
    check_error(maps, trim, DEEP, 3 * MAX_DEPTH, 1, 3 * MAX_DEPTH + 1)
    # 999 lists, a map, and its key (a map): 1001 levels.
    keyed = "[" * (MAX_DEPTH - 1) + "{{X:1}:a}" + "]" * (MAX_DEPTH - 1)
    check_error(keyed, trim, DEEP, MAX_DEPTH, 1, MAX_DEPTH + 1)
    empty_key = "[" * (MAX_DEPTH - 1) + "{{}:a}" + "]" * (MAX_DEPTH - 1)
    check_error(empty_key, trim, DEEP, MAX_DEPTH, 1, MAX_DEPTH + 1)
    for empty in ("{}", "[]", "{ }", "[ ]"):
        doc = "[" * (MAX_DEPTH - 1) + "{a:" + empty + "}" + "]" * (MAX_DEPTH - 1)
        check_error(doc, trim, DEEP, MAX_DEPTH + 2, 1, MAX_DEPTH + 3)


@pytest.mark.parametrize(
    ("unit", "pos", "lineno", "colno"),
    [
        ("[", 1000, 1, 1001),
        ("{", 1000, 1, 1001),  # maps as keys of maps
        ("{a:", 3000, 1, 3001),
        ('{"a":', 5000, 1, 5001),
        ("[ ", 2000, 1, 2001),
        ("{a: ", 4000, 1, 4001),
        ("[\n", 2000, 1001, 1),
        ("[{a:", 2000, 1, 2001),
        ("{{X:1}:", 6994, 1, 6995),
    ],
)
@MODES
def test_100000_nested_openers(unit: str, pos: int, lineno: int, colno: int, trim: bool) -> None:
    check_error(unit * 100_000, trim, DEEP, pos, lineno, colno)


@MODES
def test_100000_nested_openers_as_bytes(trim: bool) -> None:
    check_error(b"[" * 100_000, trim, DEEP, MAX_DEPTH, 1, MAX_DEPTH + 1)


@MODES
def test_deep_but_unterminated_is_not_a_depth_error(trim: bool) -> None:
    check_error("[" * MAX_DEPTH, trim, ul(1, MAX_DEPTH), MAX_DEPTH, 1, MAX_DEPTH + 1)
    end = 2 * MAX_DEPTH - 1
    check_error("[" * MAX_DEPTH + "]" * (MAX_DEPTH - 1), trim, ul(1, 1), end, 1, end + 1)
    check_error("[" * MAX_DEPTH + '"', trim, UQ, MAX_DEPTH, 1, MAX_DEPTH + 1)


def test_bare_key_starting_with_bracket_is_not_nesting() -> None:
    # '[' at the start of a key is data: '[{[{...' is one map whose key never ends.
    check_error("[{" * 50_000, False, um(1, 2), 100_000, 1, 100_001)


# ---------------------------------------------------------------------------------------
# EncodeError: unsupported objects, keys, circular references, depth


class Opaque:
    pass


def _encode_error(obj: Any, **options: Any) -> str:
    with pytest.raises(jsv.EncodeError) as info:
        jsv.dumps(obj, **options)
    e = info.value
    assert isinstance(e, TypeError)
    assert isinstance(e, jsv.JSVError)
    assert not isinstance(e, ValueError)
    return str(e)


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (object(), "Object of type object is not JSV serializable (at $)"),
        (Opaque(), "Object of type Opaque is not JSV serializable (at $)"),
        (
            {"members": [1, 2, Opaque()]},
            "Object of type Opaque is not JSV serializable (at $.members[2])",
        ),
        ([[[object()]]], "Object of type object is not JSV serializable (at $[0][0][0])"),
        ({"a b": {"c": 1j}}, 'Object of type complex is not JSV serializable (at $["a b"].c)'),
        ({"x": {1: Opaque()}}, 'Object of type Opaque is not JSV serializable (at $.x["1"])'),
        ({"": Opaque()}, 'Object of type Opaque is not JSV serializable (at $[""])'),
        (
            {"a": (1, {2, 3}, [Opaque])},
            "Object of type type is not JSV serializable (at $.a[2][0])",
        ),
        ({"a": {Opaque()}}, "Object of type Opaque is not JSV serializable (at $.a[0])"),
        (
            {"a": frozenset({(1, Opaque())})},
            "Object of type Opaque is not JSV serializable (at $.a[0][1])",
        ),
        ({"k": range(3)}, "Object of type range is not JSV serializable (at $.k)"),
        ({"k": iter([])}, "Object of type list_iterator is not JSV serializable (at $.k)"),
    ],
)
def test_unsupported_object(obj: Any, message: str) -> None:
    assert _encode_error(obj) == message


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ({None: 1}, "Dict key of type NoneType is not JSV serializable (at $)"),
        ({(1, 2): 1}, "Dict key of type tuple is not JSV serializable (at $)"),
        ({"a": {Opaque(): 1}}, "Dict key of type Opaque is not JSV serializable (at $.a)"),
        (
            {"a": [{"b": {frozenset(): 1}}]},
            "Dict key of type frozenset is not JSV serializable (at $.a[0].b)",
        ),
    ],
)
def test_unsupported_dict_key(obj: Any, message: str) -> None:
    assert _encode_error(obj) == message


@pytest.mark.parametrize(
    ("obj", "path"),
    [
        ([None], "$"),
        ((None,), "$"),
        ({"a": [None]}, "$.a"),
        ({"a": {"b": [1, [None]]}}, "$.a.b[1]"),
        ({"a": [1, {(None,)}]}, "$.a[1][0]"),
        ({"a": {"b": (1, [Opaque()])}}, "$.a.b[1]"),  # default= gives None
    ],
)
def test_list_whose_only_item_is_none(obj: Any, path: str) -> None:
    assert _encode_error(obj, default=lambda o: None) == (
        f"A list whose only item is None has no JSV form: [] is the empty list (at {path})"
    )


def test_circular_references() -> None:
    a: list[Any] = []
    a.append(a)
    assert _encode_error(a) == "Circular reference detected (at $[0])"
    d: dict[str, Any] = {}
    d["x"] = [d]
    assert _encode_error(d) == "Circular reference detected (at $.x[0])"
    d2: dict[str, Any] = {"a": 1}
    d2["self"] = d2
    assert _encode_error({"root": d2}) == "Circular reference detected (at $.root.self)"


def test_circular_reference_through_a_dataclass() -> None:
    @dataclasses.dataclass
    class Node:
        child: Any = None

    node = Node()
    node.child = [node]
    assert _encode_error(node) == "Circular reference detected (at $.child[0])"


def test_shared_objects_are_not_circular() -> None:
    shared = [1]
    assert jsv.dumps([shared, shared, {"a": shared}]) == "[[1],[1],{a:[1]}]"


def _nested(depth: int) -> list[Any]:
    root: list[Any] = []
    leaf = root
    for _ in range(depth - 1):
        child: list[Any] = []
        leaf.append(child)
        leaf = child
    return root


def test_encode_depth_exactly_at_the_limit() -> None:
    text = jsv.dumps(_nested(MAX_DEPTH))
    assert text == "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert jsv.dumps(_nested(MAX_DEPTH), indent=1).count("\n") == 2 * MAX_DEPTH - 2


def test_encode_one_level_beyond_the_limit() -> None:
    path = "$" + "[0]" * MAX_DEPTH
    assert _encode_error(_nested(MAX_DEPTH + 1)) == f"{DEEP} (at {path})"
    maps: dict[str, Any] = {}
    leaf = maps
    for _ in range(MAX_DEPTH):
        leaf["a"] = {}
        leaf = leaf["a"]
    assert _encode_error(maps) == f"{DEEP} (at $" + ".a" * MAX_DEPTH + ")"


def test_encode_100000_levels() -> None:
    message = _encode_error(_nested(100_000))
    assert message.startswith(f"{DEEP} (at $[0][0]")


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        (Decimal("sNaN"), "a signalling NaN Decimal has no JSV form (at $)"),
        (
            {"t": dt.datetime(2025, 1, 1, 9, tzinfo=dt.timezone(dt.timedelta(seconds=30)))},
            "a UTC offset of 0:00:30 is not a whole number of minutes (at $.t)",
        ),
        (
            [dt.time(1, 2, 3, tzinfo=dt.UTC)],
            "a time with a UTC offset has no JSV form (at $[0])",
        ),
    ],
)
def test_scalars_without_a_form(obj: Any, message: str) -> None:
    assert _encode_error(obj) == message


_TOO_MANY_DIGITS = (
    "Exceeds the limit (4300 digits) for integer string conversion; "
    "use sys.set_int_max_str_digits() to increase the limit"
)


@pytest.mark.parametrize(
    ("obj", "path"),
    [
        (10**5000, "$"),
        ({"a": [1, 10**5000]}, "$.a[1]"),
        ({"a": {10**5000: 1}}, "$.a"),
        ({"a": {dt.datetime(2025, 1, 1, tzinfo=dt.timezone(dt.timedelta(seconds=1))): 1}}, "$.a"),
    ],
    ids=["huge-int", "huge-int-item", "huge-int-key", "offset-with-seconds-key"],
)
def test_scalars_without_a_form_anywhere_are_encode_errors(obj: Any, path: str) -> None:
    with pytest.raises(jsv.EncodeError) as info:
        jsv.dumps(obj)
    assert str(info.value).endswith(f"(at {path})")
    if not isinstance(obj, dict) or "a" not in obj or not isinstance(obj["a"], dict):
        assert str(info.value) == f"{_TOO_MANY_DIGITS} (at {path})"


def test_default_is_called_for_unknown_objects() -> None:
    seen: list[Any] = []

    def default(o: Any) -> Any:
        seen.append(o)
        return f"<{type(o).__name__}>"

    item = Opaque()
    assert jsv.dumps({"a": [1, item]}, default=default) == "{a:[1,<Opaque>]}"
    assert seen == [item]


def test_default_may_return_containers_and_none() -> None:
    assert jsv.dumps([1, Opaque()], default=lambda o: {"x": [1, None]}) == "[1,{x:[1,]}]"
    assert jsv.dumps({"a": Opaque(), "b": 1}, default=lambda o: None) == "{b:1}"
    assert jsv.dumps({"a": Opaque(), "b": 1}, default=lambda o: None, indent=2) == "{\n  b: 1\n}"
    assert jsv.dumps([Opaque(), 1], default=lambda o: None) == "[,1]"


def test_default_is_not_called_for_supported_objects() -> None:
    def default(o: Any) -> Any:
        raise AssertionError(o)

    assert jsv.dumps({"a": [1, "x", 1.5, None]}, default=default) == "{a:[1,x,1.5,]}"


def test_default_returning_the_same_object_is_an_error() -> None:
    assert _encode_error([1, Opaque()], default=lambda o: o) == (
        "Object of type Opaque is not JSV serializable (at $[1])"
    )


def test_default_exceptions_propagate() -> None:
    def default(o: Any) -> Any:
        raise KeyError("nope")

    with pytest.raises(KeyError):
        jsv.dumps([Opaque()], default=default)


def test_bad_indent_type() -> None:
    for indent in (True, 2.0, [2]):
        with pytest.raises(TypeError) as info:
            jsv.dumps([1], indent=indent)  # type: ignore[arg-type]
        assert str(info.value) == (
            f"indent must be None, an int or a str, not {type(indent).__name__}"
        )


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_doc_of_valid_utf8_input_is_the_decoded_text(kind: Any) -> None:
    e = _error(kind('{"é":[1}'.encode()))
    assert e.doc == '{"é":[1}'
    assert (e.msg, e.pos, e.lineno, e.colno) == (ul(1, 6), 8, 1, 9)
