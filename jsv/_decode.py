"""Pure-Python kernel, decoding: JSV text -> tree of ``dict``, ``list``, ``str`` and ``None``.

The parser is iterative (an explicit stack of open containers), so no input can make it
recurse; nesting deeper than :data:`MAX_DEPTH` is a :class:`DecodeError`.

Each construct of spec §1-§3 is read by its own function, named in its docstring with its
section: a quoted token, a key, a bare value, the separator after a value, an empty body,
the entries of a map, the items of a list; :func:`_parse_container` nests maps and lists.
Speed comes from regular expressions that consume runs of ``key:value`` members (or of list
items) of compact text at once, as written by ServiceStack; anything else (quoted tokens,
nested containers, whitespace, empty values, keys that are maps) takes the general rules.
The commonest separators are also checked inline where they are met, before the function
that has the whole rule is called.
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

# A compact member, with trim: a bare key (not starting with '"' or '{', which need the
# general path), ':', then a bare value that starts with an ordinary character (group 2),
# or nothing (group 2 is None: the value is empty or needs the general path).
_MEMBER_TRIM: Final = re.compile(r'\s*([^\s"{:,}][^:,}]*):\s*([^\s"{\[,}][^,}]*)?')
# A list item that is a bare value starting with an ordinary character, with trim.
_ITEM_TRIM: Final = re.compile(r'\s*([^\s"{\[,\]][^,\]]*)')
# Exact mode, the common case: a run of compact members (a bare key not starting with
# whitespace, '"' or '{', ':', a bare value starting with an ordinary character) or bare
# items, each followed by ',' or, for the last one of its container, by the closer, is
# consumed by one match, then split into its parts by C code (findall, split). A member's
# key holds no ':' and its value no ',', so the split cannot cut anything else. The run of
# members may be empty (group 1); the same match then takes the bare key and ':' of the
# next member if it has one (group 2): its value needs the general path.
_MEMBER_RUN_KEY: Final = re.compile(
    r'((?:[^\s"{:,}][^:,}]*:[^\s"{\[,}][^,}]*(?:,|(?=})))*+)(?:([^\s"{:,}][^:,}]*):)?'
)
_MEMBER_PARTS: Final = re.compile(r"([^:]*):([^,]*),?")
_ITEM_RUN: Final = re.compile(r'(?:[^\s"{\[,\]][^,\]]*(?:,|(?=\])))++')
# General path: a bare key runs to ':'; a bare value to ',' or the container's closer.
_BARE_KEY: Final = re.compile(r"[^:,}]*")
_BARE_IN_MAP: Final = re.compile(r"[^,}]*")
_BARE_IN_LIST: Final = re.compile(r"[^,\]]*")

_BOM: Final = "\ufeff"

# The patterns above that can match the empty string always match: say so to the checker.
_AlwaysMatch = Callable[[str, int], "re.Match[str]"]
_skip_ws = cast(_AlwaysMatch, _WS.match)
# The fast paths' matchers, bound once.
_member_run_key = cast(_AlwaysMatch, _MEMBER_RUN_KEY.match)
_member_parts: Final = _MEMBER_PARTS.findall
_member_trim: Final = _MEMBER_TRIM.match
_item_run: Final = _ITEM_RUN.match
_item_trim: Final = _ITEM_TRIM.match


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
    """§1 entry, §3: skip whitespace after a quoted or map key; return the position after
    its ':'."""
    pos = _skip_ws(doc, pos).end()
    if pos >= len(doc):
        raise _unterminated(doc, True, map_open)
    if doc[pos] != ":":
        raise DecodeError(MSG_EXPECTED_COLON, doc, pos)
    return pos + 1


def _separator(doc: str, pos: int, is_map: bool, open_pos: int) -> int:
    """§1, §3: after a value, optional whitespace, then ',' or the closer of the container
    opened at ``open_pos``; return the position after that character (the caller tells
    which it was), or raise the error of anything else or of the end of the input (§8)."""
    pos = _skip_ws(doc, pos).end()
    if pos >= len(doc):
        raise _unterminated(doc, is_map, open_pos)
    c = doc[pos]
    if c == "," or c == ("}" if is_map else "]"):
        return pos + 1
    raise DecodeError(MSG_EXPECTED_MAP_SEP if is_map else MSG_EXPECTED_LIST_SEP, doc, pos)


def _key(doc: str, pos: int, trim: bool, open_pos: int) -> tuple[str | None, int]:
    """§1 key, the general rule: a quoted key or a bare key, and its ':' (§3: whitespace
    before a '"' or '{' is skipped; around a bare key it is data, unless ``trim``). Return
    the key and the position after the ':', or (None, position) for a '{': a map as key,
    which the caller opens."""
    p = _skip_ws(doc, pos).end()
    c = doc[p] if p < len(doc) else ""
    if c == '"':
        key, pos = _parse_quoted(doc, p)
        return key, _expect_colon(doc, pos, open_pos)
    if c == "{":
        return None, p
    # A bare key runs to the first ':'; a ',', '}' or the end of the input first is an error.
    m = cast(_AlwaysMatch, _BARE_KEY.match)(doc, p if trim else pos)
    q = m.end()
    if q >= len(doc):
        raise _unterminated(doc, True, open_pos)
    if doc[q] != ":":
        raise DecodeError(MSG_EXPECTED_COLON, doc, q)
    return (m.group().rstrip() if trim else m.group()), q + 1


def _bare(doc: str, pos: int, trim: bool, in_map: bool) -> tuple[str | None, int]:
    """§1 bare value in a container, the general rule: it runs to ',' or the container's
    closer; §3: its edge whitespace is data unless ``trim``; §2: an empty one is None.
    Return it and the position after it."""
    m = cast(_AlwaysMatch, (_BARE_IN_MAP if in_map else _BARE_IN_LIST).match)(doc, pos)
    value = m.group().rstrip() if trim else m.group()
    return value or None, m.end()


# What reading the items of a container stopped at (see _map_entries and _list_items).
_CLOSED: Final = 0  # its closer: the position is after it
_VALUE: Final = 1  # a map or list that is an item (or the value of the key) opens there
_KEY: Final = 2  # a map that is a key opens there
# The `key` argument of _map_entries and _list_items: the container opens at the position
# (_OPEN), a value was just read and a separator is next (_AFTER), an entry or item starts
# there (None), or, in a map, the key whose value starts there.
_OPEN: Final[Any] = object()
_AFTER: Final[Any] = object()


def _empty_body(doc: str, pos: int, closer: str) -> int:
    """§2, §3: for the container opening at ``pos``, the position after its closer if its
    body is only whitespace, else 0."""
    q = pos + 1
    if doc[q : q + 1].isspace():
        q = _skip_ws(doc, q).end()
    return q + 1 if doc[q : q + 1] == closer else 0


def _map_entries(
    doc: str, pos: int, cur: dict[str, Any], key: Any, trim: bool, open_pos: int
) -> tuple[int, Any, int]:
    """§1 map: read entries into ``cur`` from ``pos`` until the map closes or a map or list
    opens in it. ``key`` tells what is at ``pos`` (see _OPEN). Return the position, the key
    whose value opens there (if any), and what was reached (_CLOSED, _VALUE or _KEY)."""
    if key is _OPEN:
        c = doc[pos + 1 : pos + 2]
        if c == "}" or c.isspace():
            end = _empty_body(doc, pos, "}")
            if end:
                return end, None, _CLOSED
        pos, key = pos + 1, None
    while True:
        if key is _AFTER:  # §1 ',' or '}' (the common forms inline); §3 whitespace
            c = doc[pos : pos + 1]
            if c == ",":
                pos += 1
            elif c == "}":
                return pos + 1, None, _CLOSED
            else:
                pos = _separator(doc, pos, True, open_pos)
                if doc[pos - 1] == "}":
                    return pos, None, _CLOSED
            key = None
        if key is None:
            # An entry. Compact ones first: in exact mode a run of `key:value,` at once,
            # and the bare key of the next one; with trim one `key:value` (or `key:`).
            if not trim:
                run = _member_run_key(doc, pos)
                end = run.end(1)
                if end != pos:
                    cur.update(_member_parts(doc, pos, end))
                    if doc[end - 1] != ",":  # the run ended at the closer
                        return end + 1, None, _CLOSED
                key = run.group(2)
                pos = run.end()
            else:
                m = _member_trim(doc, pos)
                if m is not None:
                    key, value = m.groups()
                    key = key.rstrip()
                    pos = m.end()
                    if value is not None:
                        cur[key] = value.rstrip()
                        key = _AFTER
                        continue
            if key is None:  # the key by the general rule
                key, pos = _key(doc, pos, trim, open_pos)
                if key is None:
                    return pos, None, _KEY
        # The value of `key` (§1 value; §3: whitespace before '{', '[' or '"' skipped).
        c = doc[pos : pos + 1]
        if c == '"':
            cur[key], pos = _parse_quoted(doc, pos)
        elif c == "{" or c == "[":
            return pos, key, _VALUE
        else:
            p = _skip_ws(doc, pos).end() if c.isspace() else pos
            c = doc[p : p + 1]
            if c == '"':
                cur[key], pos = _parse_quoted(doc, p)
            elif c == "{" or c == "[":
                return p, key, _VALUE
            else:
                cur[key], pos = _bare(doc, p if trim else pos, trim, True)
        key = _AFTER


def _list_items(
    doc: str, pos: int, cur: list[Any], key: Any, trim: bool, open_pos: int
) -> tuple[int, Any, int]:
    """§1 list: read items into ``cur`` from ``pos`` until the list closes or a map or list
    opens in it; ``key`` is _OPEN, _AFTER or None. Return the position, None and what was
    reached (_CLOSED or _VALUE), as :func:`_map_entries` does."""
    value: str | None
    if key is _OPEN:
        c = doc[pos + 1 : pos + 2]
        if c == "]" or c.isspace():
            end = _empty_body(doc, pos, "]")
            if end:
                return end, None, _CLOSED
        pos, key = pos + 1, None
    while True:
        if key is _AFTER:  # §1 ',' or ']' (the common forms inline); §3 whitespace
            c = doc[pos : pos + 1]
            if c == ",":
                pos += 1
            elif c == "]":
                return pos + 1, None, _CLOSED
            else:
                pos = _separator(doc, pos, False, open_pos)
                if doc[pos - 1] == "]":
                    return pos, None, _CLOSED
        key = _AFTER  # after what follows, which reads one item
        c = doc[pos : pos + 1]
        if c == "{" or c == "[":
            return pos, None, _VALUE
        # Compact items first: in exact mode a run of bare `item,` at once (an item that
        # does not fit one needs the general rule), with trim one bare item.
        if not trim:
            m = _item_run(doc, pos)
            if m is not None:
                end = m.end()
                if doc[end - 1] != ",":  # the run ended at the closer
                    cur.extend(doc[pos:end].split(","))
                    return end + 1, None, _CLOSED
                cur.extend(doc[pos : end - 1].split(","))
                pos = end
        else:
            m = _item_trim(doc, pos)
            if m is not None:
                pos = m.end()
                cur.append(m.group(1).rstrip())
                continue
        # An item by the general rule (§1 value; §3: whitespace before '{', '[' or '"').
        c = doc[pos : pos + 1]
        if c == '"':
            value, pos = _parse_quoted(doc, pos)
        elif c == "{" or c == "[":
            return pos, None, _VALUE
        else:
            p = _skip_ws(doc, pos).end() if c.isspace() else pos
            c = doc[p : p + 1]
            if c == '"':
                value, pos = _parse_quoted(doc, p)
            elif c == "{" or c == "[":
                return p, None, _VALUE
            else:
                value, pos = _bare(doc, p if trim else pos, trim, False)
        cur.append(value)


def _parse_container(
    doc: str, pos: int, trim: bool, map_key: Callable[[str], str], spans: Spans | None = None
) -> tuple[Any, int]:
    """Parse the map or list opening at ``pos``; return it and the position after it
    (and record where each container is written in ``spans``, when given).

    §1 map and list, nested: one loop over an explicit stack of the open containers, so
    no input makes it recurse; nesting deeper than MAX_DEPTH is an error (§8). The items of
    the innermost open container are read by :func:`_map_entries` or :func:`_list_items`,
    which return here when it closes or when a map or list opens in it.
    """
    # The open containers around `cur`: (container, is_map, key, opener, is_key).
    stack: list[tuple[Any, bool, Any, int, bool]] = []
    is_map = doc[pos] == "{"
    cur: Any = {} if is_map else []
    open_pos = pos
    is_key = False  # `cur` is a map that is the key of an entry of its parent map
    if is_map:
        pos, key, got = _map_entries(doc, pos, cur, _OPEN, trim, open_pos)
    else:
        pos, key, got = _list_items(doc, pos, cur, _OPEN, trim, open_pos)
    while True:
        if got == _CLOSED:
            # `cur` is complete; `pos` is after its closer: back to its parent.
            if spans is not None:
                spans[id(cur)] = (open_pos, pos)
            if not stack:
                return cur, pos
            value, was_key, value_open = cur, is_key, open_pos
            cur, is_map, key, open_pos, is_key = stack.pop()
            if was_key:  # §1 key: a map as key is read as its text
                key = map_key(doc[value_open:pos])
                pos = _expect_colon(doc, pos, open_pos)
            else:
                # What follows, in its common forms inline (the rest is read below): the
                # closer of `cur` too; in a list, ',' and the next item's opener.
                if is_map:
                    cur[key] = value
                    if doc[pos : pos + 1] == "}":
                        pos += 1
                        continue
                else:
                    cur.append(value)
                    c = doc[pos : pos + 1]
                    if c == "]":
                        pos += 1
                        continue
                    if c == ",":
                        c = doc[pos + 1 : pos + 2]
                        if c == "{" or c == "[":
                            pos, got = pos + 1, _VALUE
                            continue
                key = _AFTER
        else:
            # A map or list opens at `pos` in `cur`: an item, the value of `key`, or a key.
            if len(stack) + 2 > MAX_DEPTH:
                raise DecodeError(MSG_TOO_DEEP, doc, pos)
            stack.append((cur, is_map, key, open_pos, is_key))
            is_map = doc[pos] == "{"
            cur, key, open_pos, is_key = ({} if is_map else []), _OPEN, pos, got == _KEY
        if is_map:
            pos, key, got = _map_entries(doc, pos, cur, key, trim, open_pos)
        else:
            pos, key, got = _list_items(doc, pos, cur, key, trim, open_pos)
