"""Pure-Python kernel, decoding: JSV text -> tree of ``dict``, ``list``, ``str`` and ``None``.

The parser is iterative (an explicit stack of open containers), so no input can make it
recurse; nesting deeper than :data:`MAX_DEPTH` is a :class:`DecodeError`.

Speed comes from regular expressions that consume a whole ``key:value`` member (or a whole
list item) of compact text at once, as written by ServiceStack; anything else (quoted
tokens, nested containers, whitespace, empty values, keys that are maps) takes the general
path, which follows spec §1-§3 rule by rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final, cast

from ._errors import (
    MAX_DEPTH,
    MSG_BAD_INPUT_TYPE,
    MSG_EXPECTED_COLON,
    MSG_EXPECTED_LIST_SEP,
    MSG_EXPECTED_MAP_SEP,
    MSG_EXTRA_DATA,
    MSG_INVALID_UTF8,
    MSG_TOO_DEEP,
    MSG_UNTERMINATED_LIST,
    MSG_UNTERMINATED_MAP,
    MSG_UNTERMINATED_STRING,
    DecodeError,
    unterminated,
)

# `\s` in a str pattern is exactly `str.isspace`, the whitespace of spec §3.
_WS: Final = re.compile(r"\s*")

# A compact member: a bare key (not starting with whitespace, '"' or '{', which need the
# general path), ':', then a bare value that starts with an ordinary character (group 2),
# or nothing (group 2 is None: the value is empty or needs the general path).
_MEMBER_EXACT: Final = re.compile(r'([^\s"{:,}][^:,}]*):([^\s"{\[,}][^,}]*)?')
_MEMBER_TRIM: Final = re.compile(r'\s*([^\s"{:,}][^:,}]*):\s*([^\s"{\[,}][^,}]*)?')
# A list item that is a bare value starting with an ordinary character.
_ITEM_EXACT: Final = re.compile(r'[^\s"{\[,\]][^,\]]*')
_ITEM_TRIM: Final = re.compile(r'\s*([^\s"{\[,\]][^,\]]*)')
# Exact mode, the common case: a run of such members (or items), each followed by ',' or,
# for the last one of its container, by the closer, is consumed by one match, then split
# into its parts by C code (findall, split). A member's key holds no ':' and its value no
# ',', so the split cannot cut anything else.
_MEMBER_RUN: Final = re.compile(r'(?:[^\s"{:,}][^:,}]*:[^\s"{\[,}][^,}]*(?:,|(?=})))++')
_MEMBER_PARTS: Final = re.compile(r"([^:]*):([^,]*),?")
_ITEM_RUN: Final = re.compile(r'(?:[^\s"{\[,\]][^,\]]*(?:,|(?=\])))++')
# General path: a bare key runs to ':'; a bare value to ',' or the container's closer.
_BARE_KEY: Final = re.compile(r"[^:,}]*")
_BARE_IN_MAP: Final = re.compile(r"[^,}]*")
_BARE_IN_LIST: Final = re.compile(r"[^,\]]*")

_BOM: Final = "\ufeff"
_OPENERS: Final = ("{", "[")

# The patterns above that can match the empty string always match: say so to the checker.
_AlwaysMatch = Callable[[str, int], "re.Match[str]"]
_skip_ws = cast(_AlwaysMatch, _WS.match)


def contiguous(data: Any) -> Any:
    """``data`` itself, or a copy as ``bytes`` of a memoryview that is not C-contiguous.

    Such a view (``memoryview(b"[a]")[::2]``) is bytes-like but exports no flat buffer to
    decode: :func:`text_of` (and the C kernel's twin) reads its bytes instead, so that it
    decodes as ``bytes(view)`` does. Anything else, a released view included, is passed on
    as it is, to be accepted or refused as before.
    """
    if type(data) is memoryview:
        try:
            if not data.c_contiguous:
                return data.tobytes()
        except ValueError:  # released: the kernel says what it says of one
            pass
    return data


def text_of(data: str | bytes | bytearray | memoryview) -> str:
    """Return ``data`` as ``str``, decoding UTF-8 bytes (a BOM is kept: parsers skip it).

    Invalid UTF-8 raises :class:`DecodeError` at the offending byte.
    """
    if isinstance(data, str):
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        flat = contiguous(data)
        try:
            return str(flat, "utf-8")
        except UnicodeDecodeError as e:
            raw = bytes(flat)
            raise DecodeError(MSG_INVALID_UTF8.format(reason=e.reason), raw, e.start) from None
    raise TypeError(MSG_BAD_INPUT_TYPE.format(type=type(data).__name__))


#: Where each map and list of a tree is written: id(container) -> (start, end).
Spans = dict[int, tuple[int, int]]


def parse(
    doc: str,
    trim: bool = False,
    map_key: Callable[[str], str] = str,
    spans: Spans | None = None,
) -> Any:
    """Parse a whole JSV document into a tree (spec §1-§3).

    ``map_key`` receives the text of every key written as a map (``{{X:1}:a}``), so that
    :func:`jsv.reformat` can tell such keys from quoted ones; decoding keeps the text as is.
    ``spans``, when given, receives where each map and list of the tree is written:
    ``spans[id(container)] = (start, end)`` (typed decoding gives a ``str`` field that
    holds a map or list its text).
    """
    n = len(doc)
    start = _skip_ws(doc, 1 if doc.startswith(_BOM) else 0).end()
    if start == n:
        return None
    first = doc[start]
    if first == "{" or first == "[":
        value, pos = _parse_container(doc, start, trim, map_key, spans)
    elif first == '"':
        value, pos = _parse_quoted(doc, start)
    else:
        # A bare top-level value is the whole document between its edge whitespace.
        return doc[start:].rstrip()
    pos = _skip_ws(doc, pos).end()
    if pos != n:
        raise DecodeError(MSG_EXTRA_DATA, doc, pos)
    return value


def _parse_quoted(doc: str, start: int) -> tuple[str, int]:
    """Read the quoted token whose opening '"' is at ``start``; return it and the end."""
    find = doc.find
    end = find('"', start + 1)
    escaped = False
    while True:
        if end < 0:
            raise DecodeError(MSG_UNTERMINATED_STRING, doc, start)
        if doc.startswith('"', end + 1):  # '""' is one '"' of data
            escaped = True
            end = find('"', end + 2)
        else:
            break
    text = doc[start + 1 : end]
    if escaped:
        text = text.replace('""', '"')
    return text, end + 1


def _unterminated(doc: str, is_map: bool, open_pos: int) -> DecodeError:
    """The error of a map or list opened at ``open_pos`` that the input ends inside of.

    It is reported at the end of the input, where the closer is missing (as ``json`` reports
    a truncated document); the message says where the container opened.
    """
    template = MSG_UNTERMINATED_MAP if is_map else MSG_UNTERMINATED_LIST
    return DecodeError(unterminated(template, doc, open_pos), doc, len(doc))


def _expect_colon(doc: str, pos: int, map_open: int) -> int:
    """Skip whitespace after a quoted or map key; return the position after its ':'."""
    pos = _skip_ws(doc, pos).end()
    if pos >= len(doc):
        raise _unterminated(doc, True, map_open)
    if doc[pos] != ":":
        raise DecodeError(MSG_EXPECTED_COLON, doc, pos)
    return pos + 1


def _parse_container(
    doc: str, pos: int, trim: bool, map_key: Callable[[str], str], spans: Spans | None = None
) -> tuple[Any, int]:
    """Parse the map or list opening at ``pos``; return it and the position after it
    (and record where each container is written in ``spans``, when given)."""
    n = len(doc)
    ws = _skip_ws
    member = (_MEMBER_TRIM if trim else _MEMBER_EXACT).match
    item = (_ITEM_TRIM if trim else _ITEM_EXACT).match
    member_run = None if trim else _MEMBER_RUN.match
    member_parts = _MEMBER_PARTS.findall
    item_run = None if trim else _ITEM_RUN.match
    bare_key = cast(_AlwaysMatch, _BARE_KEY.match)
    bare_in_map = cast(_AlwaysMatch, _BARE_IN_MAP.match)
    bare_in_list = cast(_AlwaysMatch, _BARE_IN_LIST.match)

    # The open containers: (container, is_map, pending key, opening position, is_key).
    stack: list[tuple[Any, bool, Any, int, bool]] = []
    open_pos = pos
    is_map = doc[pos] == "{"
    cur: Any = {} if is_map else []
    is_key = False  # the current map is the key of an entry of its parent map
    key: Any = None
    key_ready = False  # a map key has just been read: the next step is its value
    pos = _skip_ws(doc, pos + 1).end()
    if pos < n and doc[pos] == ("}" if is_map else "]"):
        if spans is not None:
            spans[id(cur)] = (open_pos, pos + 1)
        return cur, pos + 1
    pos = open_pos + 1

    while True:
        # ---- one item of `cur`, starting at `pos` ----
        stored = False  # the fast path has stored a bare value; `pos` is at its end
        if is_map:
            if key_ready:
                key_ready = False
            else:
                if member_run is not None and doc[pos : pos + 1] != "{":
                    m = member_run(doc, pos)
                    if m is not None:
                        end = m.end()
                        cur.update(member_parts(doc, pos, end))
                        pos = end
                        stored = doc[end - 1] != ","  # the run ended at the closer
                m = None if stored else member(doc, pos)
                if m is not None:
                    key = m.group(1)
                    if trim:
                        key = key.rstrip()
                    value = m.group(2)
                    pos = m.end()
                    if value is not None:
                        cur[key] = value.rstrip() if trim else value
                        # A bare value stops only at ',', '}' or the end of the text.
                        if pos < n and doc[pos] == ",":
                            pos += 1
                            continue
                        stored = True
                elif not stored:
                    p = ws(doc, pos).end()
                    c = doc[p] if p < n else ""
                    if c == '"':
                        key, pos = _parse_quoted(doc, p)
                        pos = _expect_colon(doc, pos, open_pos)
                    elif c == "{":
                        if len(stack) + 2 > MAX_DEPTH:
                            raise DecodeError(MSG_TOO_DEEP, doc, p)
                        q = ws(doc, p + 1).end()
                        if q < n and doc[q] == "}":
                            key = map_key(doc[p : q + 1])
                            pos = _expect_colon(doc, q + 1, open_pos)
                        else:
                            stack.append((cur, is_map, key, open_pos, is_key))
                            cur, is_map, key, open_pos, is_key = {}, True, None, p, True
                            pos = p + 1
                            continue
                    else:
                        m = bare_key(doc, p if trim else pos)
                        q = m.end()
                        if q >= n:
                            raise _unterminated(doc, True, open_pos)
                        if doc[q] != ":":
                            raise DecodeError(MSG_EXPECTED_COLON, doc, q)
                        key = m.group().rstrip() if trim else m.group()
                        pos = q + 1
        elif doc[pos : pos + 1] not in _OPENERS:  # lists of maps skip the bare-item patterns
            if item_run is not None:
                m = item_run(doc, pos)
                if m is not None:
                    end = m.end()
                    stored = doc[end - 1] != ","  # the run ended at the closer
                    cur.extend(doc[pos : end if stored else end - 1].split(","))
                    pos = end
            m = None if stored else item(doc, pos)
            if m is not None:
                pos = m.end()
                cur.append(m.group(1).rstrip() if trim else m.group())
                if pos < n and doc[pos] == ",":
                    pos += 1
                    continue
                stored = True

        if not stored:
            # ---- the general value path ----
            c = doc[pos] if pos < n else ""
            p = pos
            if c.isspace():
                p = ws(doc, pos).end()
                c = doc[p] if p < n else ""
            if c == "{" or c == "[":
                if len(stack) + 2 > MAX_DEPTH:
                    raise DecodeError(MSG_TOO_DEEP, doc, p)
                q = p + 1
                if q < n and doc[q].isspace():
                    q = ws(doc, q).end()
                if q < n and doc[q] == ("}" if c == "{" else "]"):
                    value = {} if c == "{" else []
                    pos = q + 1
                    if spans is not None:
                        spans[id(value)] = (p, pos)
                else:
                    stack.append((cur, is_map, key, open_pos, is_key))
                    is_map = c == "{"
                    cur, key, open_pos, is_key = ({} if is_map else []), None, p, False
                    pos = p + 1
                    continue
            elif c == '"':
                value, pos = _parse_quoted(doc, p)
            else:
                m = (bare_in_map if is_map else bare_in_list)(doc, p if trim else pos)
                pos = m.end()
                value = m.group().rstrip() if trim else m.group()
                if not value:
                    value = None
            if is_map:
                cur[key] = value
            else:
                cur.append(value)

        # ---- after a value: a separator, or the closer of `cur` (and maybe of its parents) ----
        while True:
            if pos < n:
                c = doc[pos]
                if c == ",":
                    pos += 1
                    break
                if c == ("}" if is_map else "]"):
                    pos += 1
                elif c.isspace():
                    pos = ws(doc, pos).end()
                    continue
                else:
                    raise DecodeError(
                        MSG_EXPECTED_MAP_SEP if is_map else MSG_EXPECTED_LIST_SEP, doc, pos
                    )
            else:
                raise _unterminated(doc, is_map, open_pos)
            # `cur` is complete.
            if spans is not None:
                spans[id(cur)] = (open_pos, pos)
            if not stack:
                return cur, pos
            value, was_key, value_open = cur, is_key, open_pos
            cur, is_map, key, open_pos, is_key = stack.pop()
            if was_key:
                key = map_key(doc[value_open:pos])
                pos = _expect_colon(doc, pos, open_pos)
                key_ready = True
                break
            if is_map:
                cur[key] = value
            else:
                cur.append(value)
