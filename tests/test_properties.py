"""Properties over random trees and random text (Hypothesis)."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared import COLON, DEEP, EXTRA, LSEP, MSEP, UL, UM, UQ

import jsv

# Moderate counts: the whole suite runs once per kernel.
SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Characters the format cares about, whitespace of every kind, and a byte-order mark.
SPECIAL = '"{}[],: \t\r\n\u00a0\u2028\u3000\ufeff\x00'

# All of Unicode (including lone surrogates), with the special characters often.
chars = st.characters(codec=None) | st.sampled_from(SPECIAL)
strings = st.text(chars, max_size=12) | st.sampled_from(
    ["", " ", " a", "a ", "\n", "None", '""', "{X:1}", "a,b", "http://x", "\ufeff"]
)


def _lists(children: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    # None only as a list item, and never as the only item (spec §2).
    return st.lists(st.none() | children, max_size=5).filter(lambda items: items != [None])


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return _lists(children) | st.dictionaries(strings, children, max_size=5)


# A tree as untyped decoding gives it: dict/list/str, None only as list items.
trees = st.recursive(strings, _extend, max_leaves=20)
indents = st.integers(min_value=0, max_value=4) | st.sampled_from(["\t", " ", "\u3000", ""])


def _encodable(text: str) -> bool:
    """True when ``text`` has UTF-8 bytes (no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@SETTINGS
@given(trees)
def test_dumps_then_loads_is_identity(tree: Any) -> None:
    text = jsv.dumps(tree)
    assert jsv.loads(text) == tree
    assert jsv.loads(text, trim=True) == tree


@SETTINGS
@given(trees, indents)
def test_pretty_output_reads_back_with_trim(tree: Any, indent: int | str) -> None:
    assert jsv.loads(jsv.dumps(tree, indent=indent), trim=True) == tree


@SETTINGS
@given(trees)
def test_compact_output_has_no_formatting_whitespace(tree: Any) -> None:
    # The writer puts no whitespace between tokens: re-encoding the text it reads back
    # is the same text.
    text = jsv.dumps(tree)
    assert jsv.dumps(jsv.loads(text)) == text


@SETTINGS
@given(trees)
def test_bytes_input_gives_the_same_result(tree: Any) -> None:
    text = jsv.dumps(tree)
    if _encodable(text):
        data = text.encode("utf-8")
        for trim in (False, True):
            expected = jsv.loads(text, trim=trim)
            assert jsv.loads(data, trim=trim) == expected
            assert jsv.loads(bytearray(data), trim=trim) == expected
            assert jsv.loads(memoryview(data), trim=trim) == expected
            assert jsv.loads(b"\xef\xbb\xbf" + data, trim=trim) == expected


# Random text: mostly the characters that make structure, plus anything at all.
structural = st.text(st.sampled_from('"{}[],: \n\tab\ufeff'), max_size=40)
random_text = structural | st.text(chars, max_size=40)


@SETTINGS
@given(random_text)
def test_random_text_returns_or_raises_decode_error(text: str) -> None:
    for trim in (False, True):
        try:
            result = jsv.loads(text, trim=trim)
        except jsv.DecodeError as e:
            assert 0 <= e.pos <= len(text)
            assert e.doc == text
            assert str(e).startswith(e.msg + ": line ")
        else:
            assert result is None or isinstance(result, (str, list, dict))


@SETTINGS
@given(st.binary(max_size=40) | structural.map(lambda s: s.encode("utf-8")))
def test_random_bytes_return_or_raise_decode_error(data: bytes) -> None:
    for trim in (False, True):
        try:
            result = jsv.loads(data, trim=trim)
        except jsv.DecodeError as e:
            assert 0 <= e.pos <= len(e.doc)
        else:
            assert result == jsv.loads(data.decode("utf-8"), trim=trim)


@SETTINGS
@given(random_text)
def test_bytes_and_str_agree_on_random_text(text: str) -> None:
    if not _encodable(text):
        return
    for trim in (False, True):
        outcomes = []
        for data in (text, text.encode("utf-8")):
            try:
                outcomes.append(("ok", jsv.loads(data, trim=trim)))
            except jsv.DecodeError as e:
                outcomes.append(("error", (e.msg, e.pos)))
        assert outcomes[0] == outcomes[1]


@SETTINGS
@given(random_text, st.booleans())
def test_reformat_reads_back_equal(text: str, trim: bool) -> None:
    tree = None
    with contextlib.suppress(jsv.DecodeError):
        tree = jsv.loads(text, trim=trim)
    if tree is None:
        return
    pretty = jsv.reformat(text, trim=trim)
    assert jsv.loads(pretty, trim=True) == tree
    compact = jsv.reformat(text, trim=trim, indent=None)
    assert jsv.loads(compact) == tree
    assert jsv.loads(compact, trim=True) == tree


@SETTINGS
@given(trees, indents)
def test_reformat_of_dumps_reads_back_equal(tree: Any, indent: int | str) -> None:
    text = jsv.dumps(tree)
    assert jsv.reformat(text, trim=False, indent=None) == text
    assert jsv.loads(jsv.reformat(text, trim=False, indent=indent), trim=True) == tree
    pretty = jsv.dumps(tree, indent=indent)
    assert jsv.loads(jsv.reformat(pretty), trim=True) == tree


# ---------------------------------------------------------------------------------------
# A slow, direct reading of spec §1-§3 (one character at a time, recursive), against which
# the kernels' fast paths are compared: same tree, or same message at the same position.


class RefError(Exception):
    def __init__(self, msg: str, pos: int) -> None:
        super().__init__(msg, pos)
        self.msg = msg
        self.pos = pos


def reference_loads(doc: str, trim: bool, limit: int = 1000) -> Any:
    n = len(doc)

    def ws(i: int) -> int:
        while i < n and doc[i].isspace():
            i += 1
        return i

    def quoted(i: int) -> tuple[str, int]:
        parts = []
        j = i + 1
        while True:
            k = doc.find('"', j)
            if k < 0:
                raise RefError(UQ, i)
            parts.append(doc[j:k])
            if doc.startswith('"', k + 1):
                parts.append('"')
                j = k + 2
            else:
                return "".join(parts), k + 1

    def unterminated(msg: str, i: int) -> RefError:
        # at the end of the input; the message names the line and column of the opener
        line = doc.count("\n", 0, i) + 1
        column = i - doc.rfind("\n", 0, i)
        if line == 1 and doc.startswith("\ufeff"):
            column -= 1
        return RefError(msg.format(line, column), n)

    def scan(i: int, stops: str) -> int:
        while i < n and doc[i] not in stops:
            i += 1
        return i

    def container(i: int, depth: int) -> tuple[Any, int]:
        if depth > limit:
            raise RefError(DEEP, i)
        is_map = doc[i] == "{"
        closer = "}" if is_map else "]"
        result: Any = {} if is_map else []
        j = ws(i + 1)
        if j < n and doc[j] == closer:
            return result, j + 1
        j = i + 1
        while True:
            key = None
            if is_map:
                p = ws(j)
                if p < n and doc[p] in '"{':
                    if doc[p] == '"':
                        key, q = quoted(p)
                    else:
                        _, q = container(p, depth + 1)
                        key = doc[p:q]
                    q = ws(q)
                    if q >= n:
                        raise unterminated(UM, i)
                    if doc[q] != ":":
                        raise RefError(COLON, q)
                else:
                    start = p if trim else j
                    q = scan(start, ":,}")
                    if q >= n:
                        raise unterminated(UM, i)
                    if doc[q] != ":":
                        raise RefError(COLON, q)
                    key = doc[start:q].rstrip() if trim else doc[start:q]
                j = q + 1
            p = ws(j)
            c = doc[p] if p < n else ""
            if c == "{" or c == "[":
                value, q = container(p, depth + 1)
            elif c == '"':
                value, q = quoted(p)
            else:
                start = p if trim else j
                q = scan(start, ",}" if is_map else ",]")
                value = doc[start:q].rstrip() if trim else doc[start:q]
                if not value:
                    value = None
            q = ws(q)
            if q >= n:
                raise unterminated(UM if is_map else UL, i)
            if is_map:
                result[key] = value
            else:
                result.append(value)
            if doc[q] == ",":
                j = q + 1
                continue
            if doc[q] == closer:
                return result, q + 1
            raise RefError(MSEP if is_map else LSEP, q)

    i = ws(1 if doc.startswith("\ufeff") else 0)
    if i == n:
        return None
    if doc[i] in "{[":
        value, i = container(i, 1)
    elif doc[i] == '"':
        value, i = quoted(i)
    else:
        return doc[i:].rstrip()
    i = ws(i)
    if i != n:
        raise RefError(EXTRA, i)
    return value


def _outcome(read: Any) -> tuple[Any, ...]:
    try:
        return ("ok", read())
    except (RefError, jsv.DecodeError) as e:
        return ("error", e.msg, e.pos)


# Structural characters, several kinds of whitespace, a BOM, and ordinary letters.
grammar_text = st.text(st.sampled_from('"{}[],: \n\t\u3000\ufeffab'), max_size=30)


@st.composite
def mutated_output(draw: st.DrawFn) -> str:
    """Writer output (compact or pretty), with a few characters inserted or deleted."""
    text = jsv.dumps(draw(trees), indent=draw(st.sampled_from([None, None, 1, "\t"])))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(st.sampled_from(list(' \n\t"{}[],:a\u3000'))) + text[at:]
        else:
            text = text[:at] + text[at + 1 :]
    return text


@settings(max_examples=300, deadline=None)
@given(grammar_text | mutated_output(), st.booleans())
def test_decoder_agrees_with_a_direct_reading_of_the_spec(text: str, trim: bool) -> None:
    expected = _outcome(lambda: reference_loads(text, trim))
    assert _outcome(lambda: jsv.loads(text, trim=trim)) == expected


def test_reference_reading_examples() -> None:
    assert reference_loads("{a: x ,b:[,y]}", False) == {"a": " x ", "b": [None, "y"]}
    assert reference_loads("{a: x ,b:[,y]}", True) == {"a": "x", "b": [None, "y"]}
    assert reference_loads("{{X:1}:a}", False) == {"{X:1}": "a"}
    assert _outcome(lambda: reference_loads("{a:[1}", False)) == (
        "error",
        UL.format(1, 4),
        6,
    )
    assert _outcome(lambda: reference_loads("[[[]]]", False, limit=2)) == ("error", DEEP, 2)


# ---------------------------------------------------------------------------------------
# A direct writing of spec §2, §4 and §7 for trees of dict/list/str/None.


def _reference_quote(text: str) -> str:
    if (
        not text
        or any(c in text for c in '":,{}[]\r\n')
        or text[0].isspace()
        or text[-1].isspace()
        or text[0] == "\ufeff"
    ):
        return '"' + text.replace('"', '""') + '"'
    return text


def reference_dumps(value: Any, unit: str | None = None, level: int = 0) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _reference_quote(value)
    if unit is None:
        if isinstance(value, list):
            return "[" + ",".join(reference_dumps(v) for v in value) + "]"
        present = [(k, v) for k, v in value.items() if v is not None]
        return (
            "{" + ",".join(_reference_quote(k) + ":" + reference_dumps(v) for k, v in present) + "}"
        )
    inner = "\n" + unit * (level + 1)
    if isinstance(value, list):
        if not value:
            return "[]"
        lines = ["\n" if v is None else inner + reference_dumps(v, unit, level + 1) for v in value]
        return "[" + ",".join(lines) + "\n" + unit * level + "]"
    present = [(k, v) for k, v in value.items() if v is not None]
    if not present:
        return "{}"
    lines = [
        inner + _reference_quote(k) + ": " + reference_dumps(v, unit, level + 1) for k, v in present
    ]
    return "{" + ",".join(lines) + "\n" + unit * level + "}"


@SETTINGS
@given(trees, st.none() | indents)
def test_encoder_agrees_with_a_direct_writing_of_the_spec(
    tree: Any, indent: int | str | None
) -> None:
    unit = indent if not isinstance(indent, int) else " " * indent
    assert jsv.dumps(tree, indent=indent) == reference_dumps(tree, unit)
