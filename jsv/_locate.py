"""Find where a value is in a (well-formed) JSV document, for typed error positions.

Runs only when a ValidationError is raised: it walks the text along the error's path,
reusing the pure parser's pieces to step over the values it does not descend into.
"""

from __future__ import annotations

from typing import Any

from ._decode import _BARE_IN_LIST, _BARE_IN_MAP, _BARE_KEY, _parse_container, _parse_quoted
from ._decode import _skip_ws as skip_ws


def _skip_value(doc: str, pos: int, in_map: bool, trim: bool) -> int:
    """The position just after the value starting at ``pos`` (before its separator)."""
    pos = skip_ws(doc, pos).end() if doc[pos : pos + 1].isspace() else pos
    c = doc[pos : pos + 1]
    if c in ("{", "["):
        return skip_ws(doc, _parse_container(doc, pos, trim, str)[1]).end()
    if c == '"':
        return skip_ws(doc, _parse_quoted(doc, pos)[1]).end()
    bare = _BARE_IN_MAP if in_map else _BARE_IN_LIST
    match = bare.match(doc, pos)
    return match.end() if match else pos


def _value_start(doc: str, pos: int) -> int:
    return skip_ws(doc, pos).end()


def _read_key(doc: str, pos: int, trim: bool) -> tuple[str, int]:
    """The key of the map entry at ``pos`` as the decoder reads it, and the position
    after its ':'."""
    p = skip_ws(doc, pos).end()
    if doc[p] == '"':
        key, end = _parse_quoted(doc, p)
    elif doc[p] == "{":
        end = _parse_container(doc, p, trim, str)[1]
        key = doc[p:end]
    else:
        match = _BARE_KEY.match(doc, p if trim else pos)
        assert match is not None
        key = match.group().strip() if trim else match.group()
        return key, match.end() + 1
    return key, skip_ws(doc, end).end() + 1


def _locate_in_list(doc: str, pos: int, index: int, trim: bool) -> int | None:
    pos += 1
    for _ in range(index):
        pos = _skip_value(doc, pos, False, trim)
        if doc[pos : pos + 1] != ",":
            return None
        pos += 1
    return _value_start(doc, pos)


def _locate_in_map(doc: str, pos: int, wanted: str, trim: bool) -> int | None:
    """The start of the value of the last entry whose key is ``wanted`` (last one wins)."""
    found = None
    pos += 1  # whitespace before the first key is part of it when reading exactly
    first = skip_ws(doc, pos).end()
    if doc[first : first + 1] == "}":
        return None
    while True:
        key, pos = _read_key(doc, pos, trim)
        if key == wanted:
            found = _value_start(doc, pos)
        pos = _skip_value(doc, pos, True, trim)
        if doc[pos : pos + 1] != ",":
            return found
        pos += 1


def locate(doc: str, trim: bool, path: list[Any]) -> int:
    """The character position of the value at ``path`` (as far as it can be followed).

    >>> locate("{a:[x,{b:1}]}", False, [("field", "a"), 1, ("field", "b")])
    9
    """
    pos = _value_start(doc, 1 if doc.startswith("\ufeff") else 0)
    try:
        for part in path:
            c = doc[pos : pos + 1]
            if isinstance(part, int) and c == "[":
                step = _locate_in_list(doc, pos, part, trim)
            elif not isinstance(part, int) and c == "{":
                step = _locate_in_map(doc, pos, part[1], trim)
            else:
                step = None
            if step is None:
                break
            pos = step
    except (IndexError, ValueError):  # the text did not parse as expected: stop here
        pass
    return pos
