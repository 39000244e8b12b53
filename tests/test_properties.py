"""Properties over random trees and random text (Hypothesis)."""

from __future__ import annotations

import contextlib
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jsv

# Moderate counts: the whole suite runs once per kernel.
SETTINGS = settings(
    max_examples=150,
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
trees = st.recursive(strings, _extend, max_leaves=25)
containers = _extend(trees)
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
@given(containers)
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
