"""jsv under threads: shared decoders and encoders, plans built concurrently, the collector.

Every cache that decoding or encoding fills (plans, compact plans, learned keys, the C
module's key, value and class tables) is shared by threads or kept per thread; these tests
run the same work on eight threads at once and compare every result with the one a single
thread gets. On a free-threaded build they run without the GIL (importing jsv must not
turn it back on), which is where a cache written by two threads at once would show.
"""

from __future__ import annotations

import dataclasses
import enum
import gc
import subprocess
import sys
import sysconfig
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Optional

import pytest

import jsv
from jsv.examples import seed_sample
from jsv.examples.evovoice import SessionInfo

DATA = Path(__file__).parent / "data"

THREADS = 8
FREE_THREADED = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


@pytest.fixture(autouse=True)
def _switch_often() -> Iterator[None]:
    """With the GIL, switch threads every few microseconds so that they interleave."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(previous)


def run_threads(work: Callable[[int], Any], threads: int = THREADS) -> list[Any]:
    """work(i) on `threads` threads started together; their results, or the first error."""
    barrier = threading.Barrier(threads)
    results: list[Any] = [None] * threads
    errors: list[BaseException] = []

    def main(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as e:  # reported to the test below
            errors.append(e)

    pool = [threading.Thread(target=main, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise errors[0]
    return results


class Color(enum.Enum):
    RED = "Red"
    GREEN = "Green"


@dataclasses.dataclass
class Node:
    name: str
    color: Color = Color.RED
    weight: float = 0.0
    children: list[Node] = dataclasses.field(default_factory=list)
    tags: dict[str, int] = dataclasses.field(default_factory=dict)
    parent_id: Optional[int] = None  # noqa: UP045 (written as generated DTOs write it)


def _tree(depth: int, width: int, seed: int) -> Node:
    children = [] if depth == 0 else [_tree(depth - 1, width, seed * 7 + i) for i in range(width)]
    return Node(
        name=f"n{seed}, {depth}",
        color=Color.GREEN if seed % 3 else Color.RED,
        weight=seed / 8,
        children=children,
        tags={f"t{i}": seed + i for i in range(seed % 4)},
        parent_id=seed if seed % 2 else None,
    )


def _workload() -> list[tuple[str, Callable[[], Any]]]:
    """Named pieces of work over shared Decoder/Encoder objects and module functions."""
    seed = seed_sample()
    samples = [p.read_text(encoding="utf-8") for p in sorted((DATA / "samples").glob("*.jsv"))]
    nodes = [_tree(3, 3, s) for s in range(4)]
    node_texts = [jsv.dumps(n) for n in nodes]
    session_decoder = jsv.Decoder(SessionInfo, trim=True)
    nodes_decoder = jsv.Decoder(list[Node])
    encoder = jsv.Encoder()
    indented = jsv.Encoder(indent=2, rename="pascal")
    sessions = [session_decoder.decode(seed) for _ in range(3)]
    return [
        ("untyped samples", lambda: [jsv.loads(t, trim=True) for t in samples]),
        ("untyped bytes", lambda: [jsv.loads(t.encode(), trim=True) for t in samples]),
        ("reformat", lambda: [jsv.reformat(t) for t in samples]),
        ("encode trees", lambda: [jsv.dumps(jsv.loads(t, trim=True)) for t in samples]),
        ("typed session", lambda: repr(session_decoder.decode(seed))),
        ("typed session loads", lambda: repr(jsv.loads(seed, type=SessionInfo, trim=True))),
        ("typed nodes", lambda: repr(nodes_decoder.decode("[" + ",".join(node_texts) + "]"))),
        ("typed node loads", lambda: [repr(jsv.loads(t, type=Node)) for t in node_texts]),
        ("encode sessions", lambda: [encoder.encode(s) for s in sessions]),
        ("encode nodes", lambda: [indented.encode(n) for n in nodes]),
        ("dumps nodes", lambda: jsv.dumps(nodes)),
    ]


def test_threads_share_decoders_encoders_and_functions() -> None:
    work = _workload()
    expected = [run() for _, run in work]

    def thread(i: int) -> list[tuple[str, Any]]:
        # each thread runs the pieces in its own rotation, so that different pieces overlap
        order = work[i % len(work) :] + work[: i % len(work)]
        out: list[tuple[str, Any]] = []
        for _ in range(3):
            out.extend((name, run()) for name, run in order)
        return out

    for results in run_threads(thread):
        for name, got in results:
            want = expected[[n for n, _ in work].index(name)]
            assert got == want, name


def test_threads_build_the_same_new_plans_at_once() -> None:
    """Classes never seen before, planned by eight threads at the same moment (the plan and
    compact-plan caches, recursive ones included, and the learned keys of a fresh plan)."""
    text = "[{label:a,count:1,sub:[{label:b,sub:[{label:c}]}]},{count:2,label:d}]"
    for round_ in range(5):

        @dataclasses.dataclass
        class Item:
            label: str
            count: int = 0
            sub: list[Item] = dataclasses.field(default_factory=list)

        Item.__name__ = Item.__qualname__ = f"Item{round_}"
        globals()["Item"] = Item  # where the annotations "list[Item]" are resolved
        target: Any = list[Item]
        want = [
            Item("a", 1, [Item("b", 0, [Item("c")])]),
            Item("d", 2),
        ]

        def thread(_: int, target: Any = target) -> list[Any]:
            return [jsv.loads(text, type=target) for _ in range(20)]

        results = run_threads(thread)
        for got in results:
            assert got == [want] * 20
            # fields compared one by one, as attributes: a wrong object can look equal
            assert [(i.label, i.count, len(i.sub)) for i in got[0]] == [("a", 1, 1), ("d", 2, 0)]


def test_collector_state_survives_threads_and_del() -> None:
    """Decoding never switches the process-wide collector: four threads decoding items whose
    __del__ runs mid-decode (one bad item each time) leave it as they found it."""

    # A collection on a free-threaded build is a full one, stopping every thread, whose cost
    # grows with everything the test session holds: there, one per list of 200 items.
    every = 200 if FREE_THREADED else 50

    @dataclasses.dataclass
    class Dropped:
        n: int

        def __del__(self) -> None:
            # Python code in the middle of a decode, now and then with a collection
            if self.n % every == 0:
                gc.collect(0)

    good = "[" + ",".join(f"{{n:{i}}}" for i in range(200)) + "]"
    bad = good[:-1] + ",{n:x}]"
    decoder = jsv.Decoder(list[Dropped])

    def thread(_: int) -> None:
        for _ in range(20):
            assert len(decoder.decode(good)) == 200
            with pytest.raises(jsv.ValidationError, match=r"\$\[200\]\.n"):
                decoder.decode(bad)

    assert gc.isenabled()
    for _ in range(3):
        run_threads(thread, threads=4)
        assert gc.isenabled()


def test_collector_left_disabled_when_the_caller_disabled_it() -> None:
    gc.disable()
    try:
        jsv.loads("{a:[1,2]}")
        jsv.loads("{n:1}", type=dict[str, int])
        jsv.dumps({"a": [1]})
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_python_code_mid_decode_runs_with_the_collector_on() -> None:
    seen: list[bool] = []

    @dataclasses.dataclass
    class Watch:
        n: int

        def __post_init__(self) -> None:
            seen.append(gc.isenabled())

    assert [w.n for w in jsv.loads("[{n:1},{n:2}]", type=list[Watch])] == [1, 2]
    assert seen == [True, True]


def test_finalizers_and_key_hashes_run_with_the_collector_on() -> None:
    """Objects released mid-decode (a bad value after them, a repeated key) run their
    __del__, and dict keys of Python types their __hash__, with the collector on."""
    seen: list[bool] = []

    @dataclasses.dataclass
    class Noted:
        n: int

        def __del__(self) -> None:
            seen.append(gc.isenabled())

    class Key(enum.Enum):
        A = "a"
        B = "b"

        def __hash__(self) -> int:
            seen.append(gc.isenabled())
            return hash(self.value)

    with pytest.raises(jsv.ValidationError):
        jsv.loads("[{n:1},{n:2},{n:x}]", type=list[Noted])
    assert jsv.loads("{k:{n:1},k:{n:2}}", type=dict[str, Noted])["k"].n == 2
    assert jsv.loads("{a:1,b:2}", type=dict[Key, int]) == {Key.A: 1, Key.B: 2}
    gc.collect()
    assert len(seen) >= 5
    assert all(seen)


def test_collector_switched_off_mid_decode_stays_off() -> None:
    @dataclasses.dataclass
    class Off:
        n: int

        def __post_init__(self) -> None:
            gc.disable()

    try:
        assert [o.n for o in jsv.loads("[{n:1},{n:2}]", type=list[Off])] == [1, 2]
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.skipif(not FREE_THREADED, reason="a free-threaded build only")
def test_free_threaded_import_keeps_the_gil_off() -> None:
    """The C module declares that it needs no GIL: importing it neither warns nor turns the
    GIL back on."""
    code = "import sys, jsv, jsv._speedups; print(sys._is_gil_enabled())"
    env_python = [sys.executable, "-W", "error::RuntimeWarning", "-c", code]
    result = subprocess.run(env_python, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
