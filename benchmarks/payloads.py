"""The benchmark payloads, generated from one seeded object graph per payload.

Each payload is a logical value from which every text is derived:

- ``jsv``: the JSV text, as ``jsv.dumps`` writes it (compact, camelCase keys);
- ``tree``: ``jsv.loads(jsv)``, the untyped value: JSV has no number, bool or null
  literals, so it is a tree of ``dict``/``list``/``str``/``None``;
- ``json``: ``tree`` as JSON, so that the JSON libraries decode and encode exactly the same
  logical data as jsv in the untyped rows;
- for the typed payloads, ``obj`` (the dataclasses) and ``typed_json``: ``obj`` as the JSON
  libraries write dataclasses (Python field names, i.e. snake_case keys, real booleans and
  ``null`` for ``None``), which ``msgspec``, ``pydantic`` and the hand-written code decode
  into the same dataclasses that jsv decodes its camelCase JSV text into.

Everything is deterministic for a given seed and size.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import types
import typing
from collections.abc import Callable, Iterable
from enum import Enum
from pathlib import Path
from typing import Any

import jsv
from jsv import _kernel, _pure
from jsv.examples import seed_sample
from jsv.examples.evovoice import (
    CustomerBreadcrumb,
    FlowChannels,
    SessionCallState,
    SessionDialState,
    SessionDirections,
    SessionHoldReasons,
    SessionInfo,
    SessionLogInfo,
    SessionMemberCallState,
    SessionMemberInfo,
    SessionMemberRoles,
    SessionQueueStates,
)

SEED = 20240611
NESTED_DEPTH = 200


@dataclasses.dataclass(frozen=True)
class Payload:
    """One payload in every form the libraries need."""

    name: str
    description: str
    jsv: bytes
    tree: Any
    json: bytes
    #: The type the typed rows decode into, or None for an untyped-only payload.
    type: Any = None
    obj: Any = None
    typed_json: bytes | None = None

    def files(self) -> dict[str, bytes]:
        """The cache files of this payload, by file name."""
        out = {f"{self.name}.jsv": self.jsv, f"{self.name}.json": self.json}
        if self.typed_json is not None:
            out[f"{self.name}.typed.json"] = self.typed_json
        return out


def to_json(value: Any) -> bytes:
    """Compact UTF-8 JSON, the form orjson and msgspec write."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def typed_to_json(obj: Any) -> bytes:
    """Dataclasses as JSON libraries write them: field names, booleans, null for None."""

    def plain(value: Any) -> Any:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, Enum):
            return value.value
        return value

    return to_json(plain(obj))


# --- An independent tree -> dataclass converter, used only to build and check payloads.


def _norm(name: str) -> str:
    return name.replace("_", "").lower()


def from_tree(value: Any, tp: Any) -> Any:
    """Build ``tp`` from an untyped JSV tree (keys matched ignoring case and ``_``).

    Deliberately small and separate from jsv's typed layer: it builds the seed sample's
    dataclasses and cross-checks the generated records, so the correctness gate does not
    trust the code under test to produce its own expected values.
    """
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return from_tree(value, inner)
    if origin is list:
        (item,) = typing.get_args(tp)
        return [from_tree(v, item) for v in value]
    if origin is dict:
        _, item = typing.get_args(tp)
        return {k: from_tree(v, item) for k, v in value.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        index = {_norm(k): v for k, v in value.items()}
        kwargs = {
            f.name: from_tree(index[_norm(f.name)], hints[f.name])
            for f in dataclasses.fields(tp)
            if _norm(f.name) in index
        }
        return tp(**kwargs)
    if tp is bool:
        if value not in ("True", "False"):
            raise ValueError(f"not a bool: {value!r}")
        return value == "True"
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(value)
    if tp is str or tp is Any:
        return value
    raise TypeError(f"unsupported type {tp!r}")


# --- Generated SessionInfo records.

_FIRST = [
    "Ada",
    "Grace",
    "Linus",
    "Margaret",
    "Alan",
    "Barbara",
    "Ken",
    "Frances",
    "Dennis",
    "Radia",
    "Guido",
    "Anita",
    "Bjarne",
    "Edsger",
    "Hedy",
    "José",
    "Zoë",
    "Søren",
]
_LAST = [
    "Lovelace",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Turing",
    "Liskov",
    "Thompson",
    "Allen",
    "Ritchie",
    "Perlman",
    "van Rossum",
    "Borg",
    "Stroustrup",
    "Dijkstra",
    "Lamarr",
    "O'Neil",
    "Müller",
    "Kierkegaard",
]
_COMPANIES = [
    "Acme, Inc.",
    "Globex Corporation",
    "Initech",
    "Umbrella Corp.",
    "Stark Industries",
    "Wayne Enterprises, LLC",
    "Hooli",
    "Vandelay Industries",
]
_QUEUES = ["Support", "Sales", "Billing", "After hours", "VIP, priority"]
_OUTCOMES = ["Answered", "Voicemail", "No answer", "Busy, try later", "Transferred"]
_MESSAGES = [
    "Call started",
    "Ringing {name}",
    "Answered by {name}",
    'Played prompt "welcome_main"',
    "Transferred to queue {queue}",
    "Caller pressed 2, then #",
    "Recording saved to https://recordings.example.com/{hex}.mp3",
    "Call ended: {outcome}",
]
_DEPARTMENTS = ["Sales", "Support", "Billing", "R&D", "Front desk"]


def _hex(rng: random.Random, bits: int = 128) -> str:
    return f"{rng.getrandbits(bits):0{bits // 4}x}"


def _date(rng: random.Random, base: dt.datetime) -> str:
    moment = base + dt.timedelta(seconds=rng.randrange(0, 86_400 * 30))
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{rng.randrange(10**7):07d}Z"


def _name(rng: random.Random) -> str:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    style = rng.random()
    if style < 0.2:
        return f"{last}, {first}"  # a comma: JSV must quote it
    if style < 0.3:
        return f'{first} "{rng.choice(["Doc", "Ace", "Bug"])}" {last}'  # quotes
    return f"{first} {last}"


def _phone(rng: random.Random) -> str:
    return f"+1{rng.randrange(200, 999)}{rng.randrange(10**7):07d}"


def _maybe(rng: random.Random, value: str, p: float = 0.5) -> str | None:
    return value if rng.random() < p else None


def _member(rng: random.Random, index: int) -> SessionMemberInfo:
    name = _name(rng)
    return SessionMemberInfo(
        identity=f"client:{_hex(rng, 64)}" if index else _phone(rng),
        endpoint_id=_hex(rng),
        display_name=name,
        is_original_member=index == 0,
        avatar_url=_maybe(rng, f"https://cdn.example.com/avatars/{_hex(rng, 64)}.png", 0.7),
        application_data={
            "department": rng.choice(_DEPARTMENTS),
            "extension": str(rng.randrange(100, 9999)),
            "note": rng.choice(["", "VIP", "Prefers email, not phone", 'Says "call back"']),
        },
        call_state=rng.choice(list(SessionMemberCallState)),
        role=[
            SessionMemberRoles.CALLER,
            SessionMemberRoles.AGENT,
            rng.choice(list(SessionMemberRoles)),
        ][index],
        call_sid="CA" + _hex(rng),
        muted=rng.random() < 0.1,
    )


def session(rng: random.Random) -> SessionInfo:
    """One realistic SessionInfo record."""
    base = dt.datetime(2024, 1, 1)
    created = _date(rng, base)
    members = [_member(rng, i) for i in range(3)]
    queue = rng.choice(_QUEUES)
    outcome = rng.choice(_OUTCOMES)
    held = rng.random() < 0.2
    log = [
        SessionLogInfo(
            date=_date(rng, base),
            message=rng.choice(_MESSAGES).format(
                name=members[1].display_name, queue=queue, outcome=outcome, hex=_hex(rng, 64)
            ),
        )
        for _ in range(rng.randrange(2, 6))
    ]
    return SessionInfo(
        id=_hex(rng),
        date_created=created,
        date_last_modified=_date(rng, base),
        created_by=_maybe(rng, f"user_{_hex(rng, 32)}@example.com", 0.8),
        last_modified_by=_maybe(rng, f"user_{_hex(rng, 32)}@example.com", 0.5),
        dial_state=rng.choice(list(SessionDialState)),
        call_state=rng.choice(list(SessionCallState)),
        queue_state=rng.choice(list(SessionQueueStates)),
        account_id=_hex(rng),
        account_name=rng.choice(_COMPANIES),
        customer_id=_hex(rng),
        customer_breadcrumb=[
            CustomerBreadcrumb(id=_hex(rng), name=rng.choice(_COMPANIES))
            for _ in range(rng.randrange(1, 4))
        ],
        customer_name=_name(rng),
        endpoint_id=_hex(rng),
        endpoint_name=f"{rng.choice(_QUEUES)} line {rng.randrange(1, 20)}",
        date_completed=_maybe(rng, _date(rng, base), 0.8),
        destination=_phone(rng),
        to_address=_phone(rng),
        from_address=_phone(rng),
        from_name=members[0].display_name,
        answered_by_name=_maybe(rng, members[1].display_name or "", 0.7),
        queue_member_id=_maybe(rng, _hex(rng), 0.6),
        channel=rng.choice(list(FlowChannels)),
        ended=rng.random() < 0.8,
        outcome=outcome,
        call_sid="CA" + _hex(rng),
        console_data=_maybe(rng, f'{{"ticket":{rng.randrange(10**6)},"tags":["a","b"]}}', 0.2),
        hold_queue_name=queue if held else None,
        held_by_user_id=_hex(rng) if held else None,
        hold_reason=SessionHoldReasons.TRANSFERRING if held else SessionHoldReasons.NONE,
        conference_sid=_maybe(rng, "CF" + _hex(rng), 0.4),
        display_name=f"{members[0].display_name} → {queue}",
        log=log,
        members=members,
        callback_number=_maybe(rng, _phone(rng), 0.3),
        answered_by_id=_maybe(rng, members[1].endpoint_id or "", 0.7),
        direction=rng.choice(list(SessionDirections)),
        from_phone_number=_maybe(rng, _phone(rng), 0.3),
        most_recent_participant_call_sid=_maybe(rng, "CA" + _hex(rng), 0.5),
        was_missed=rng.random() < 0.15,
        ring_queue_id=_maybe(rng, _hex(rng), 0.5),
    )


# --- The payloads.


def _untyped(name: str, description: str, tree: Any) -> Payload:
    text = jsv.dumps(tree).encode()
    if jsv.loads(text) != tree:
        raise AssertionError(f"payload {name}: JSV text does not read back as its tree")
    return Payload(name, description, text, tree, to_json(tree))


def _typed(name: str, description: str, obj: Any, tp: Any, tree: Any = None) -> Payload:
    text = jsv.dumps(obj if tree is None else tree).encode()
    tree = jsv.loads(text)
    if from_tree(tree, tp) != obj:
        raise AssertionError(f"payload {name}: JSV text does not read back as its objects")
    return Payload(name, description, text, tree, to_json(tree), tp, obj, typed_to_json(obj))


def seed_payload() -> Payload:
    """The Evo Voice API page's SessionInfo sample, compact."""
    tree = jsv.loads(seed_sample(), trim=True)
    obj = from_tree(tree, SessionInfo)
    if jsv.loads(jsv.dumps(obj)) != tree:
        raise AssertionError("seed payload: the dataclasses do not encode as the sample")
    return _typed("seed", "the Evo Voice SessionInfo sample, compact", obj, SessionInfo, tree)


def sessions_payload(count: int, seed: int = SEED) -> Payload:
    """``count`` generated SessionInfo records in a list."""
    rng = random.Random(seed)
    objs = [session(rng) for _ in range(count)]
    return _typed(
        "sessions", f"{count:,} SessionInfo records, 3 members each", objs, list[SessionInfo]
    )


_WORDS = [
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
    "incididunt",
    "ut",
    "labore",
    "et",
    "dolore",
    "magna",
    "aliqua",
    "naïve",
    "café",
    "façade",
    "résumé",
    "Ångström",
    "straße",
    "東京",
    "日本語",
    "données",
    "привет",
]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randrange(6, 18))]
    text = " ".join(words).capitalize()
    roll = rng.random()
    if roll < 0.25:
        text += ", " + " ".join(rng.choice(_WORDS) for _ in range(4))
    elif roll < 0.35:
        text = f'He said "{text}"'
    elif roll < 0.4:
        text += " (see [1] and {x})"
    return text + rng.choice([".", "!", "?", "...", ": done."])


def strings_payload(count: int, seed: int = SEED) -> Payload:
    """A string-heavy document: ``count`` articles of prose, some multi-line."""
    rng = random.Random(seed)
    articles = []
    for i in range(count):
        paragraphs = [
            " ".join(_sentence(rng) for _ in range(rng.randrange(2, 7)))
            for _ in range(rng.randrange(1, 4))
        ]
        articles.append(
            {
                "id": str(i),
                "title": _sentence(rng),
                "author": _name(rng),
                "body": "\n\n".join(paragraphs),
                "tags": [rng.choice(_WORDS) for _ in range(rng.randrange(0, 5))],
            }
        )
    description = f"{count:,} articles of prose (string-heavy)"
    return _untyped("strings", description, {"articles": articles})


_PLAIN = [
    "Open",
    "Closed",
    "Pending",
    "Escalated",
    "Resolved",
    "Support",
    "Sales",
    "Billing",
    "Low",
    "High",
    "Normal",
    "Yes",
    "No",
]
_QUOTED = [
    "Acme, Inc.",
    "10:30",
    "Escalated: {tier 2}",
    "see [1]",
    'the "gold" plan',
    "Reply, then close",
    "2024-01-01T09:00:00Z",
    " padded ",
    "line one\nline two",
]


def records_payload(count: int, seed: int = SEED) -> Payload:
    """``count`` flat records of short strings, about half of them needing quotes."""
    rng = random.Random(seed)
    records = []
    for i in range(count):
        record = {"id": f"r{i:06d}", "owner": _name(rng), "email": f"{_hex(rng, 32)}@example.com"}
        for key in ("status", "queue", "priority", "note", "label", "reply"):
            pool = _QUOTED if rng.random() < 0.5 else _PLAIN
            record[key] = rng.choice(pool)
        records.append(record)
    description = f"{count:,} records of short strings, about half needing quotes"
    return _untyped("records", description, records)


# Non-ASCII words: Latin-1, beyond Latin-1 (CJK, Cyrillic) and beyond U+FFFF (emoji).
_NON_ASCII = [
    "naïve",
    "café",
    "façade",
    "Ångström",
    "straße",
    "東京",
    "日本語",
    "привет",
    "données",
    "😀",
    "🚀 launch",
    "𝄞 clef",
    "ok 👍",
]


def prose_payload(count: int, seed: int = SEED) -> Payload:
    """``count`` records of prose, a third of the words non-ASCII (emoji among them)."""
    rng = random.Random(seed)
    ascii_words = _WORDS[:19]
    records = []
    for i in range(count):
        words = [
            rng.choice(_NON_ASCII) if rng.random() < 1 / 3 else rng.choice(ascii_words)
            for _ in range(rng.randrange(8, 40))
        ]
        text = " ".join(words).capitalize()
        if rng.random() < 0.3:
            text += ", " + rng.choice(_NON_ASCII)
        records.append(
            {
                "id": str(i),
                "title": " ".join(rng.choice(_NON_ASCII + ascii_words) for _ in range(3)),
                "text": text + ".",
                "lang": rng.choice(["en", "fr", "ja", "ru", "de"]),
            }
        )
    description = f"{count:,} records of prose, a third of the words non-ASCII (emoji too)"
    return _untyped("prose", description, records)


def nested_payload(depth: int = NESTED_DEPTH) -> Payload:
    """Maps and lists alternating, ``depth`` containers deep."""
    node: Any = {"leaf": "bottom", "value": "42"}
    for level in range(depth - 1, 0, -1):
        node = [str(level), node] if level % 2 else {"level": str(level), "next": node}
    return _untyped("nested", f"maps and lists nested {depth} deep", node)


#: name -> (full-size builder, smoke-size builder)
BUILDERS: dict[str, tuple[Callable[[], Payload], Callable[[], Payload]]] = {
    "seed": (seed_payload, seed_payload),
    "sessions": (lambda: sessions_payload(1000), lambda: sessions_payload(5)),
    "strings": (lambda: strings_payload(400), lambda: strings_payload(5)),
    "nested": (nested_payload, nested_payload),
    "records": (lambda: records_payload(2000), lambda: records_payload(5)),
    "prose": (lambda: prose_payload(2000), lambda: prose_payload(5)),
}

NAMES = tuple(BUILDERS)

#: The type the typed rows decode each typed payload into.
TYPES: dict[str, Any] = {"seed": SessionInfo, "sessions": list[SessionInfo]}


def build(names: Iterable[str], *, small: bool = False) -> list[Payload]:
    """Build the named payloads (``small``: tiny versions for the smoke run).

    The texts are written and checked with the pure-Python kernel, the reference
    implementation, whichever kernel is active; the active one is restored afterwards.
    """
    previous = _kernel.active
    _kernel.use(_pure)
    try:
        return [BUILDERS[name][1 if small else 0]() for name in names]
    finally:
        _kernel.use(previous)


def write_cache(payloads: Iterable[Payload], folder: Path) -> None:
    """Write every payload's texts into ``folder`` (created if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    for payload in payloads:
        for file_name, data in payload.files().items():
            path = folder / file_name
            if not path.exists() or path.read_bytes() != data:
                path.write_bytes(data)
