"""The text a typed decode reads, for a ``str`` that is given a map or a list.

The reference gives a ``string`` property whose value is a map or a list that value's JSV
text, exactly as written (``{A:{b:1}}`` into ``A: str`` gives ``"{b:1}"``). The pure
converters work on the untyped tree, where that text is gone, so the pure executor
publishes the document and its tree here while it converts (per thread, and restored
afterwards: a ``__post_init__`` may decode another document), and the first such str finds
where each container is written. The C executor cuts the text out of the document itself,
and hands the pure converters it calls on a map or list the container's own text
(:func:`convert`).

The pure converters recurse in Python, a frame or two for each level of nesting (a class,
its list field, the list's items ...): while they run, the interpreter's recursion limit is
held high enough for a document MAX_DEPTH levels deep, and given back afterwards.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable
from typing import Any

from ._decode import Spans, parse
from ._errors import MAX_DEPTH

# A tree and the text it was read from, with trim or not.
Source = tuple[Any, str, bool]


class _Current(threading.local):
    sources: tuple[Source, ...] = ()
    # where each container of the sources' trees is written: id -> (doc, start, end),
    # found when first needed
    spans: dict[int, tuple[str, int, int]] | None = None


_current = _Current()


def verbatim(value: dict[Any, Any] | list[Any]) -> str | None:
    """The JSV text of a map or list of the tree being converted; None when unknown."""
    current = _current
    if not current.sources:
        return None
    if current.spans is None:
        current.spans = {}
        for tree, doc, trim in current.sources:
            _add_spans(current.spans, tree, doc, trim)
    span = current.spans.get(id(value))
    return None if span is None else span[0][span[1] : span[2]]


def _add_spans(spans: dict[int, tuple[str, int, int]], tree: Any, doc: str, trim: bool) -> None:
    """Where each container of ``tree``, the tree of ``doc``, is written. The document is
    parsed again with the spans recorded (only a str given a map or list needs them, so
    the common path records nothing), and the two trees, alike, are walked side by side."""
    copy_spans: Spans = {}
    copy = parse(doc, trim, str, copy_spans)
    pairs = [(tree, copy)]
    while pairs:
        original, twin = pairs.pop()
        if type(original) is dict:
            spans[id(original)] = (doc, *copy_spans[id(twin)])
            pairs.extend(zip(original.values(), twin.values(), strict=True))
        elif type(original) is list:
            spans[id(original)] = (doc, *copy_spans[id(twin)])
            pairs.extend(zip(original, twin, strict=True))


def convert(converter: Callable[[Any], Any], doc: str, trim: bool) -> Any:
    """``converter`` applied to the tree of ``doc``. The C executor calls pure converters on
    a map or list this way, with the container's own text (a well-formed part of its
    document), where a str in it may be given a map or list."""
    tree = parse(doc, trim)
    return convert_tree(converter, tree, ((tree, doc, trim),))


def convert_tree(
    converter: Callable[[Any], Any], value: Any, sources: tuple[Source, ...] = ()
) -> Any:
    """``converter(value)``, with the trees in ``value`` and the texts they were read from
    (``sources``; none when unknown) published for :func:`verbatim`, and the recursion
    limit held high enough for the deepest tree, meanwhile."""
    current = _current
    saved = current.sources, current.spans
    current.sources, current.spans = sources, None
    # a tree is no deeper than its text has openers: most cannot come near the limit
    openers = sum(doc.count("{") + doc.count("[") for _, doc, _ in sources)
    deep = not sources or _FRAMES_PER_LEVEL * openers + _FRAMES_CALLER > sys.getrecursionlimit()
    if deep:
        _hold_recursion_limit()
    try:
        return converter(value)
    finally:
        if deep:
            _release_recursion_limit()
        current.sources, current.spans = saved


# The frames a tree MAX_DEPTH levels deep needs: up to three for a level where a recursive
# plan closes on itself, and room for the caller's own.
_FRAMES_PER_LEVEL = 3
_FRAMES_CALLER = 200  # what a shallow tree leaves to the caller's frames under the limit
FRAMES_NEEDED = _FRAMES_PER_LEVEL * MAX_DEPTH + 1000
_limit_lock = threading.Lock()
_holders = 0  # conversions running, in any thread
_limit_to_restore: int | None = None


def _hold_recursion_limit() -> None:
    global _holders, _limit_to_restore
    with _limit_lock:
        _holders += 1
        if _holders == 1:
            limit = sys.getrecursionlimit()
            _limit_to_restore = None
            if limit < FRAMES_NEEDED:
                sys.setrecursionlimit(FRAMES_NEEDED)
                _limit_to_restore = limit


def _release_recursion_limit() -> None:
    global _holders, _limit_to_restore
    with _limit_lock:
        _holders -= 1
        # the limit goes back once the last conversion ends, unless someone set another
        if _holders == 0 and _limit_to_restore is not None:
            if sys.getrecursionlimit() == FRAMES_NEEDED:
                # (unless this thread is deeper than that limit: then it stays)
                with contextlib.suppress(RecursionError):
                    sys.setrecursionlimit(_limit_to_restore)
            _limit_to_restore = None
