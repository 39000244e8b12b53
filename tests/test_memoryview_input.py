"""A memoryview that is not C-contiguous decodes as the bytes it shows, on both kernels.

``memoryview(b"[a]")[::2]`` is bytes-like but exports no flat buffer; ``loads``,
``load``, ``reformat`` and ``Decoder.decode`` read it as ``bytes(view)``: same values,
same errors (with the copied bytes as ``.doc`` of a UTF-8 error). Inputs that are not
bytes-like keep their ``TypeError``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

import jsv


@dataclasses.dataclass
class Item:
    name: str
    count: int = 0
    note: str | None = None


def strided(raw: bytes) -> memoryview:
    """A view of ``raw`` through a step of 2: not contiguous, and showing exactly ``raw``."""
    padded = bytes(b for byte in raw for b in (byte, 0x2A))
    view = memoryview(padded)[::2]
    assert not view.c_contiguous and view.tobytes() == raw
    return view


def test_the_view_of_the_issue() -> None:
    view = memoryview(b"[a]")[::2]
    assert view.tobytes() == b"[]"
    assert jsv.loads(view) == []
    assert jsv.loads(view, trim=True) == []
    assert jsv.loads(view, type=list[str]) == []
    assert jsv.Decoder().decode(view) == []
    assert jsv.Decoder(list[int]).decode(view) == []
    assert jsv.reformat(view) == "[]"


@pytest.mark.parametrize("trim", [False, True])
def test_untyped(trim: bool) -> None:
    assert jsv.loads(strided(b"{a:1,b:[x,,y]}"), trim=trim) == {"a": "1", "b": ["x", None, "y"]}
    assert jsv.loads(strided('{a:"é, ü"}'.encode()), trim=trim) == {"a": "é, ü"}
    assert jsv.loads(strided(b"\xef\xbb\xbf[a]"), trim=trim) == ["a"]  # the BOM is skipped
    assert jsv.loads(strided(b""), trim=trim) is None
    assert jsv.Decoder(trim=trim).decode(strided(b"[a,b]")) == ["a", "b"]
    assert jsv.loads(strided(b"{ a: 1 }"), trim=trim) == ({"a": "1"} if trim else {" a": " 1 "})


def test_typed() -> None:
    raw = b"[{name:x,count:2},{name:y,note:n}]"
    expected = [Item("x", 2), Item("y", 0, "n")]
    assert jsv.loads(strided(raw), type=list[Item]) == expected
    assert jsv.Decoder(list[Item]).decode(strided(raw)) == expected
    assert jsv.Decoder(list[Item], trim=True).decode(strided(b"[ { name: x } ]")) == [Item("x")]
    assert jsv.loads(strided(b"{k:5}"), type=dict[str, int]) == {"k": 5}


def test_load_from_a_binary_file() -> None:
    class ViewReader:
        """A binary file object whose read() gives a strided view."""

        def read(self) -> memoryview:
            return strided(b"{ a: [x] }")

    assert jsv.load(ViewReader(), trim=True) == {"a": ["x"]}  # type: ignore[call-overload]
    assert jsv.load(ViewReader(), type=dict[str, list[str]], trim=True) == {"a": ["x"]}  # type: ignore[call-overload]


def test_reformat() -> None:
    assert jsv.reformat(strided(b"{a:[x,y]}"), indent=None) == "{a:[x,y]}"
    assert jsv.reformat(strided(b"{ a: 1 }")) == "{\n  a: 1\n}"


def errors_of(call: Any, raw: bytes) -> tuple[Any, ...]:
    with pytest.raises(jsv.DecodeError) as from_bytes:
        call(raw)
    with pytest.raises(jsv.DecodeError) as from_view:
        call(strided(raw))
    want, got = from_bytes.value, from_view.value
    assert type(got) is type(want)
    assert (got.args, got.doc, got.pos, got.lineno, got.colno) == (
        want.args,
        want.doc,
        want.pos,
        want.lineno,
        want.colno,
    )
    return got.args


def test_errors_are_those_of_the_bytes() -> None:
    assert errors_of(jsv.loads, b"{a:[1}") == (
        "Unterminated list: no closing ']' for the '[' at line 1 column 4: "
        "line 1 column 7 (char 6)",
    )
    assert errors_of(jsv.loads, b"[a]\xff") == (
        "Invalid UTF-8 (invalid start byte): line 1 column 4 (char 3)",
    )
    errors_of(jsv.Decoder().decode, b"[a]b")
    errors_of(jsv.reformat, b'{a:"x}')
    args = errors_of(lambda d: jsv.loads(d, type=list[Item]), b"[{name:x,count:z}]")
    assert args == ("Expected int, got 'z' at $[0].count: line 1 column 16 (char 15)",)
    errors_of(jsv.Decoder(list[Item]).decode, b"[{count:1}]")
    errors_of(jsv.Decoder(list[Item]).decode, b"[{name:\xc3}]")
    with pytest.raises(jsv.ValidationError) as error:
        jsv.Decoder(list[Item]).decode(strided(b"[{name:x,count:z}]"))
    assert error.value.path == "$[0].count"
    assert error.value.doc == "[{name:x,count:z}]"


@pytest.mark.parametrize("data", [1, None, ["[a]"], 1.5])
def test_other_inputs_keep_their_type_error(data: Any) -> None:
    message = f"Input must be str, bytes, bytearray or memoryview, not {type(data).__name__}"
    calls: list[Callable[[Any], Any]] = [
        jsv.loads,
        lambda d: jsv.loads(d, trim=True),
        lambda d: jsv.loads(d, type=list[Item]),
        jsv.Decoder().decode,
        jsv.Decoder(list[Item]).decode,
        jsv.reformat,
    ]
    for call in calls:
        with pytest.raises(TypeError) as info:
            call(data)
        assert str(info.value) == message
        assert not isinstance(info.value, jsv.DecodeError)


def test_contiguous_views_are_passed_as_they_are() -> None:
    from jsv._decode import contiguous

    view = memoryview(b"xx[a]yy")[2:5]
    assert contiguous(view) is view
    assert jsv.loads(view) == ["a"]
    two_byte = memoryview(b"[ab]").cast("H")  # contiguous, items of two bytes: its bytes
    assert contiguous(two_byte) is two_byte
    assert jsv.loads(two_byte) == ["ab"]
    released = memoryview(b"[a]")
    released.release()
    assert contiguous(released) is released
