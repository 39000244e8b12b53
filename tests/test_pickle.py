"""``jsv.Decoder`` and ``jsv.Encoder`` pickle with every protocol, as their constructor
arguments; the unpickled object builds its plan again and decodes (encodes) exactly as the
original does, values and errors. The type (a callable ``rename``/``default``) must itself
pickle: a local class raises pickle's own error.
"""

from __future__ import annotations

import copy
import dataclasses
import multiprocessing
import pickle
from types import ModuleType
from typing import Any, Optional

import pytest

import jsv
from jsv.examples import seed_sample
from jsv.examples.evovoice import SessionInfo

PROTOCOLS = pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))

SAMPLE = seed_sample()  # human-formatted: read with trim=True
COMPACT = jsv.dumps(jsv.loads(SAMPLE, type=SessionInfo, trim=True))


@dataclasses.dataclass
class Point:
    x: int
    y: int = 0


class MyDecoder(jsv.Decoder[Any]):
    __slots__ = ()


class MyEncoder(jsv.Encoder):
    __slots__ = ()


def shout(name: str) -> str:
    return name.upper()


def as_text(obj: object) -> str:
    return f"<{type(obj).__name__}>"


def outcome(call: Any, data: Any) -> tuple[Any, ...]:
    """The value, or the error's class and everything it says."""
    try:
        return ("ok", call(data))
    except jsv.JSVError as e:
        details = {k: getattr(e, k, None) for k in ("msg", "doc", "pos", "path")}
        return ("error", type(e), e.args, details)


# (decoder, documents): each document decodes, or fails, the same before and after pickling.
DECODERS: list[tuple[Any, list[Any]]] = [
    (
        jsv.Decoder(SessionInfo, trim=True),
        [SAMPLE, SAMPLE.encode(), COMPACT, "{ id: 1, ended: maybe }", "{ id: [x] }", "{a:[1}"],
    ),
    (jsv.Decoder(SessionInfo), [COMPACT, SAMPLE, "{id:1,ended:True}", "{ended:maybe}"]),
    (
        jsv.Decoder(list[SessionInfo]),
        [f"[{COMPACT},{{id:2}}]", "[]", "[{id:1},{ended:x}]", "{id:1}", "[{id:1}"],
    ),
    (
        jsv.Decoder(list[SessionInfo], trim=True, forbid_unknown_fields=True),
        ["[ { id: 1 } ]", "[{id:1,bogus:2}]"],
    ),
    (jsv.Decoder(Optional[SessionInfo]), ["", COMPACT, "{id:1,ended:2}"]),  # noqa: UP045
    (jsv.Decoder(Optional[int]), ["", "5", "x"]),  # noqa: UP045
    (jsv.Decoder(SessionInfo | None, trim=True), [" ", SAMPLE, "{ ended: 2 }"]),
    (jsv.Decoder(list[int | None]), ["[1,,2]", "[1,x]"]),
    (jsv.Decoder(dict[str, int]), ["{a:1,b:2}", "{a:x}", "{}", "[1]"]),
    (jsv.Decoder(dict[str, list[Point]], trim=True), ["{ k: [ { x: 1 } ] }", "{k:[{y:1}]}"]),
    (jsv.Decoder(Point, forbid_unknown_fields=True), ["{x:1,y:2}", "{x:1,z:3}", "{y:1}"]),
    (jsv.Decoder(), ["{ a: [x,,y] }", "[a]b", "", b"\xff"]),
    (jsv.Decoder(trim=True), ["{ a: [x,,y] }", "[a]b"]),
    (jsv.Decoder(Any, trim=True), ["{ a: b }", "[a"]),
    (MyDecoder(Point), ["{x:1}", "{x:a}"]),
]


def attributes(decoder: Any) -> tuple[Any, ...]:
    return (type(decoder), decoder.type, decoder.trim, decoder.forbid_unknown_fields)


@PROTOCOLS
@pytest.mark.parametrize("index", range(len(DECODERS)))
def test_decoder_pickles(protocol: int, index: int) -> None:
    decoder, docs = DECODERS[index]
    copied = pickle.loads(pickle.dumps(decoder, protocol))
    assert copied is not decoder
    assert attributes(copied) == attributes(decoder)
    assert repr(copied) == repr(decoder)
    for doc in docs:
        assert outcome(copied.decode, doc) == outcome(decoder.decode, doc), doc
    # The documents above cover both outcomes.
    kinds = {outcome(decoder.decode, doc)[0] for doc in docs}
    assert kinds == {"ok", "error"}


def test_the_sample_decodes_after_pickling() -> None:
    decoder = pickle.loads(pickle.dumps(jsv.Decoder(SessionInfo, trim=True), 0))
    session = decoder.decode(SAMPLE)
    assert isinstance(session, SessionInfo)
    assert session == jsv.loads(SAMPLE, type=SessionInfo, trim=True)
    assert session.ended is False
    assert jsv.dumps(session) == COMPACT


ENCODERS: list[Any] = [
    jsv.Encoder(),
    jsv.Encoder(rename="pascal", indent=2),
    jsv.Encoder(rename="snake", indent="\t"),
    jsv.Encoder(rename=None),
    jsv.Encoder(rename=shout, default=as_text),
    MyEncoder(indent=1),
]
OBJECTS: list[Any] = [
    jsv.loads(SAMPLE, type=SessionInfo, trim=True),
    [Point(1, 2), None, {"k": [Point(3)]}],
    {"when": object()},  # an EncodeError, unless default converts it
    [None],  # an EncodeError: a list whose only item is None
]


@PROTOCOLS
@pytest.mark.parametrize("index", range(len(ENCODERS)))
def test_encoder_pickles(protocol: int, index: int) -> None:
    encoder = ENCODERS[index]
    copied = pickle.loads(pickle.dumps(encoder, protocol))
    assert copied is not encoder and type(copied) is type(encoder)
    assert (copied.rename, copied.indent, copied.default) == (
        encoder.rename,
        encoder.indent,
        encoder.default,
    )
    for obj in OBJECTS:
        assert outcome(copied.encode, obj) == outcome(encoder.encode, obj)


def test_encoder_outputs_after_pickling() -> None:
    encoder = pickle.loads(pickle.dumps(jsv.Encoder(rename=shout, default=as_text), 0))
    assert encoder.encode({"p": Point(1), "o": object()}) == "{p:{X:1,Y:0},o:<object>}"
    with pytest.raises(jsv.EncodeError) as error:
        pickle.loads(pickle.dumps(jsv.Encoder(), 1)).encode([object()])
    assert str(error.value) == "Object of type object is not JSV serializable (at $[0])"


def local_class() -> Any:
    @dataclasses.dataclass
    class Local:
        a: int

    return Local


def raised_by(obj: Any, protocol: int) -> tuple[type[BaseException], str]:
    with pytest.raises(Exception) as info:
        pickle.dumps(obj, protocol)
    return type(info.value), str(info.value)


@PROTOCOLS
def test_what_does_not_pickle_raises_pickles_own_error(protocol: int) -> None:
    local = local_class()
    decoder = jsv.Decoder(list[local])  # type: ignore[valid-type]
    assert decoder.decode("[{a:1}]") == [local(1)]
    assert raised_by(decoder, protocol) == raised_by(local, protocol)
    assert raised_by(jsv.Decoder(local), protocol) == raised_by(local, protocol)
    default = lambda obj: str(obj)  # noqa: E731
    assert raised_by(jsv.Encoder(default=default), protocol) == raised_by(default, protocol)


def test_copy_and_deepcopy() -> None:
    decoder = jsv.Decoder(dict[str, list[Point]], trim=True)
    for copied in (copy.copy(decoder), copy.deepcopy(decoder)):
        assert attributes(copied) == attributes(decoder)
        assert copied.decode("{ k: [ { x: 1 } ] }") == {"k": [Point(1)]}
    encoder = jsv.Encoder(rename="pascal")
    assert copy.deepcopy(encoder).encode(Point(1)) == "{X:1,Y:0}"


def test_a_decoder_ships_to_another_process(
    kernel: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A spawned worker (which shares nothing with this process) decodes with the decoder
    it was sent, on the kernel of this test run, and sends the objects back."""
    monkeypatch.setenv("JSV_PURE", "1" if kernel.__name__ == "jsv._pure" else "0")
    decoder = jsv.Decoder(list[SessionInfo], trim=True)
    doc = f"[ {SAMPLE} , {{ id: 2, ended: True }} ]"
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        result = pool.apply(decoder.decode, (doc,))
        speedups = pool.apply(eval, ("__import__('jsv').speedups",))
    assert speedups is (kernel.__name__ == "jsv._speedups")
    assert result == decoder.decode(doc)
    assert [s.id for s in result] == ["String", "2"]
    assert result[1].ended is True


def test_decoder_and_encoder_are_named_as_the_package_exports_them() -> None:
    assert [f"{c.__module__}.{c.__qualname__}" for c in (jsv.Decoder, jsv.Encoder)] == [
        "jsv.Decoder",
        "jsv.Encoder",
    ]
    assert repr(jsv.Decoder) == "<class 'jsv.Decoder'>"
    # pickled by that name: the class itself comes back
    assert pickle.loads(pickle.dumps(jsv.Decoder)) is jsv.Decoder
    assert pickle.loads(pickle.dumps(jsv.Encoder)) is jsv.Encoder
