"""The rows of the benchmark: one callable per (payload, operation, library), and its gate.

Every library that is not installed is skipped; a jsv row exists for every kernel
``jsv._kernel.available()`` returns (``jsv (py)``, ``jsv (c)``). Decoders and encoders are
built here, outside the timed calls.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
from collections.abc import Callable
from enum import Enum
from types import ModuleType
from typing import Any

import jsv
from jsv import _kernel
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

from .payloads import Payload

#: The JSON libraries of the untyped rows, in table order (all optional but json).
JSON_LIBRARIES = ("json", "orjson", "msgspec", "ujson")
OPTIONAL = ("orjson", "msgspec", "ujson", "pydantic")


def optional(name: str) -> ModuleType | None:
    """Import an optional library, or None when it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def kernel_label(kernel: ModuleType) -> str:
    """``jsv (py)`` or ``jsv (c)`` for a kernel module."""
    return "jsv (c)" if kernel.__name__.endswith("_speedups") else "jsv (py)"


@dataclasses.dataclass
class Case:
    """One timed row."""

    payload: str
    op: str  # "decode" or "encode"
    mode: str  # "untyped" or "typed"
    library: str
    func: Callable[[Any], Any]
    arg: Any
    #: Bytes per operation, for MB/s: the size of the payload's text in this row's format.
    size: int
    #: Raises (or returns False) when the result of ``func(arg)`` is wrong.
    check: Callable[[Any], bool]
    #: "json" / "orjson" when this row is the reference for the ratio columns.
    ref: str | None = None
    #: Called before each timing (activates the jsv kernel of a jsv row).
    before: Callable[[], None] | None = None
    status: str = "ok"
    note: str = ""

    @property
    def group(self) -> tuple[str, str, str]:
        return (self.payload, self.mode, self.op)

    @property
    def key(self) -> str:
        return f"{self.payload}/{self.mode} {self.op}/{self.library}"


# --- Exact comparison: same types all the way down, not just ==.


def same(a: Any, b: Any) -> bool:
    """True when ``a`` and ``b`` are equal and of identical types at every level."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if dataclasses.is_dataclass(a):
        return all(same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    return bool(a == b)


# --- What a user without a typed library writes: JSON dicts to dataclasses by hand.


def _enum(cls: type[Enum], value: Any) -> Any:
    return None if value is None else cls(value)


def _breadcrumb_from_dict(d: dict[str, Any]) -> CustomerBreadcrumb:
    return CustomerBreadcrumb(id=d.get("id"), name=d.get("name"))


def _log_from_dict(d: dict[str, Any]) -> SessionLogInfo:
    return SessionLogInfo(date=d.get("date"), message=d.get("message"))


def _member_from_dict(d: dict[str, Any]) -> SessionMemberInfo:
    return SessionMemberInfo(
        identity=d.get("identity"),
        endpoint_id=d.get("endpoint_id"),
        display_name=d.get("display_name"),
        is_original_member=d.get("is_original_member", False),
        avatar_url=d.get("avatar_url"),
        application_data=d.get("application_data"),
        call_state=_enum(SessionMemberCallState, d.get("call_state")),
        role=_enum(SessionMemberRoles, d.get("role")),
        call_sid=d.get("call_sid"),
        muted=d.get("muted", False),
    )


def session_from_dict(d: dict[str, Any]) -> SessionInfo:
    """A SessionInfo from the dict ``json.loads`` gives for its snake_case JSON."""
    crumbs = d.get("customer_breadcrumb")
    log = d.get("log")
    members = d.get("members")
    return SessionInfo(
        id=d.get("id"),
        date_created=d.get("date_created"),
        date_last_modified=d.get("date_last_modified"),
        created_by=d.get("created_by"),
        last_modified_by=d.get("last_modified_by"),
        dial_state=_enum(SessionDialState, d.get("dial_state")),
        call_state=_enum(SessionCallState, d.get("call_state")),
        queue_state=_enum(SessionQueueStates, d.get("queue_state")),
        account_id=d.get("account_id"),
        account_name=d.get("account_name"),
        customer_id=d.get("customer_id"),
        customer_breadcrumb=None if crumbs is None else [_breadcrumb_from_dict(c) for c in crumbs],
        customer_name=d.get("customer_name"),
        endpoint_id=d.get("endpoint_id"),
        endpoint_name=d.get("endpoint_name"),
        date_completed=d.get("date_completed"),
        destination=d.get("destination"),
        to_address=d.get("to_address"),
        from_address=d.get("from_address"),
        from_name=d.get("from_name"),
        answered_by_name=d.get("answered_by_name"),
        queue_member_id=d.get("queue_member_id"),
        channel=_enum(FlowChannels, d.get("channel")),
        ended=d.get("ended", False),
        outcome=d.get("outcome"),
        call_sid=d.get("call_sid"),
        console_data=d.get("console_data"),
        hold_queue_name=d.get("hold_queue_name"),
        held_by_user_id=d.get("held_by_user_id"),
        hold_reason=_enum(SessionHoldReasons, d.get("hold_reason")),
        conference_sid=d.get("conference_sid"),
        display_name=d.get("display_name"),
        log=None if log is None else [_log_from_dict(x) for x in log],
        members=None if members is None else [_member_from_dict(m) for m in members],
        callback_number=d.get("callback_number"),
        answered_by_id=d.get("answered_by_id"),
        direction=_enum(SessionDirections, d.get("direction")),
        from_phone_number=d.get("from_phone_number"),
        most_recent_participant_call_sid=d.get("most_recent_participant_call_sid"),
        was_missed=d.get("was_missed", False),
        ring_queue_id=d.get("ring_queue_id"),
    )


def from_dicts(tp: Any) -> Callable[[Any], Any]:
    """The hand-written converter for ``SessionInfo`` or ``list[SessionInfo]``."""
    if tp is SessionInfo:
        return session_from_dict
    if tp == list[SessionInfo]:
        return lambda items: [session_from_dict(d) for d in items]
    raise TypeError(f"no hand-written converter for {tp!r}")


# --- Building the rows.


def _activate(kernel: ModuleType) -> Callable[[], None]:
    return lambda: _kernel.use(kernel)


def _decoders_untyped() -> list[tuple[str, Callable[[Any], Any], str]]:
    """(library, decode function, input format) for the untyped rows."""
    rows: list[tuple[str, Callable[[Any], Any], str]] = [("json", json.loads, "json")]
    if (orjson := optional("orjson")) is not None:
        rows.append(("orjson", orjson.loads, "json"))
    if (msgspec := optional("msgspec")) is not None:
        rows.append(("msgspec", msgspec.json.Decoder().decode, "json"))
    if (ujson := optional("ujson")) is not None:
        rows.append(("ujson", ujson.loads, "json"))
    return rows


def _encoders_untyped() -> list[tuple[str, Callable[[Any], Any]]]:
    rows: list[tuple[str, Callable[[Any], Any]]] = [("json", json.dumps)]
    if (orjson := optional("orjson")) is not None:
        rows.append(("orjson", orjson.dumps))
    if (msgspec := optional("msgspec")) is not None:
        rows.append(("msgspec", msgspec.json.Encoder().encode))
    if (ujson := optional("ujson")) is not None:
        rows.append(("ujson", ujson.dumps))
    return rows


def untyped_cases(p: Payload, kernels: list[ModuleType]) -> list[Case]:
    """Untyped decode and encode rows of payload ``p``: same tree of strings for all."""
    cases: list[Case] = []
    ref = {"json": "json", "orjson": "orjson"}
    for library, func, _ in _decoders_untyped():
        cases.append(
            Case(
                p.name,
                "decode",
                "untyped",
                library,
                func,
                p.json,
                len(p.json),
                lambda out: same(out, p.tree),
                ref.get(library),
            )
        )
    for kernel in kernels:
        cases.append(
            Case(
                p.name,
                "decode",
                "untyped",
                kernel_label(kernel),
                jsv.loads,
                p.jsv,
                len(p.jsv),
                lambda out: same(out, p.tree),
                before=_activate(kernel),
            )
        )
    for library, func in _encoders_untyped():
        cases.append(
            Case(
                p.name,
                "encode",
                "untyped",
                library,
                func,
                p.tree,
                len(p.json),
                lambda out: same(json.loads(out), p.tree),
                ref.get(library),
            )
        )
    for kernel in kernels:
        cases.append(
            Case(
                p.name,
                "encode",
                "untyped",
                kernel_label(kernel),
                jsv.dumps,
                p.tree,
                len(p.jsv),
                lambda out: same(jsv.loads(out), p.tree),
                before=_activate(kernel),
            )
        )
    # UTF-8 bytes out, what orjson and msgspec write (a jsv without dumpb has no such row)
    for kernel in kernels if hasattr(jsv, "dumpb") else []:
        cases.append(
            Case(
                p.name,
                "encode",
                "untyped",
                kernel_label(kernel) + " bytes",
                jsv.dumpb,
                p.tree,
                len(p.jsv),
                lambda out: out == p.jsv and same(jsv.loads(out), p.tree),
                before=_activate(kernel),
            )
        )
    return cases


def typed_cases(p: Payload, kernels: list[ModuleType]) -> list[Case]:
    """Typed rows: text to dataclasses and back, for a payload that has a type."""
    if p.type is None or p.typed_json is None:
        return []
    tj: bytes = p.typed_json
    tj_tree = json.loads(tj)
    cases: list[Case] = []

    def is_obj(out: Any) -> bool:
        return same(out, p.obj)

    def is_typed_json(out: Any) -> bool:
        return same(json.loads(out), tj_tree)

    def is_jsv(out: Any) -> bool:
        return same(jsv.loads(out), p.tree)

    # Decoding.
    decoder_cls = getattr(jsv, "Decoder", None)
    for kernel in kernels:
        label = kernel_label(kernel)
        if decoder_cls is None:
            cases.append(
                Case(
                    p.name,
                    "decode",
                    "typed",
                    label,
                    jsv.loads,
                    p.jsv,
                    len(p.jsv),
                    is_obj,
                    status="unavailable: jsv.Decoder does not exist yet",
                )
            )
            continue
        _kernel.use(kernel)
        try:
            decode = decoder_cls(p.type).decode
        except Exception as exc:
            cases.append(
                Case(
                    p.name,
                    "decode",
                    "typed",
                    label,
                    jsv.loads,
                    p.jsv,
                    len(p.jsv),
                    is_obj,
                    status=_failure("building the decoder", exc),
                )
            )
            continue
        cases.append(
            Case(
                p.name,
                "decode",
                "typed",
                label,
                decode,
                p.jsv,
                len(p.jsv),
                is_obj,
                before=_activate(kernel),
            )
        )
    if (msgspec := optional("msgspec")) is not None:
        cases.append(
            Case(
                p.name,
                "decode",
                "typed",
                "msgspec",
                msgspec.json.Decoder(p.type).decode,
                tj,
                len(tj),
                is_obj,
            )
        )
    convert = from_dicts(p.type)
    json_loads = json.loads
    cases.append(
        Case(
            p.name,
            "decode",
            "typed",
            "json + hand-written",
            lambda b: convert(json_loads(b)),
            tj,
            len(tj),
            is_obj,
            "json",
        )
    )
    if (orjson := optional("orjson")) is not None:
        orjson_loads = orjson.loads
        cases.append(
            Case(
                p.name,
                "decode",
                "typed",
                "orjson + hand-written",
                lambda b: convert(orjson_loads(b)),
                tj,
                len(tj),
                is_obj,
                "orjson",
            )
        )
    if (pydantic := optional("pydantic")) is not None:
        adapter = pydantic.TypeAdapter(p.type)
        cases.append(
            Case(p.name, "decode", "typed", "pydantic", adapter.validate_json, tj, len(tj), is_obj)
        )

    # Encoding.
    encoder_cls = getattr(jsv, "Encoder", None)
    for kernel in kernels:
        label = kernel_label(kernel)
        _kernel.use(kernel)
        if encoder_cls is None:
            cases.append(
                Case(
                    p.name,
                    "encode",
                    "typed",
                    label,
                    jsv.dumps,
                    p.obj,
                    len(p.jsv),
                    is_jsv,
                    before=_activate(kernel),
                    note="jsv.dumps (jsv.Encoder does not exist yet)",
                )
            )
        else:
            try:
                encode = encoder_cls().encode
            except Exception as exc:
                cases.append(
                    Case(
                        p.name,
                        "encode",
                        "typed",
                        label,
                        jsv.dumps,
                        p.obj,
                        len(p.jsv),
                        is_jsv,
                        status=_failure("building the encoder", exc),
                    )
                )
                continue
            cases.append(
                Case(
                    p.name,
                    "encode",
                    "typed",
                    label,
                    encode,
                    p.obj,
                    len(p.jsv),
                    is_jsv,
                    before=_activate(kernel),
                )
            )
            encode_bytes = getattr(encoder_cls(), "encode_bytes", None)
            if encode_bytes is None:
                continue
            cases.append(
                Case(
                    p.name,
                    "encode",
                    "typed",
                    label + " bytes",
                    encode_bytes,
                    p.obj,
                    len(p.jsv),
                    is_jsv,
                    before=_activate(kernel),
                )
            )
    if msgspec is not None:
        cases.append(
            Case(
                p.name,
                "encode",
                "typed",
                "msgspec",
                msgspec.json.Encoder().encode,
                p.obj,
                len(tj),
                is_typed_json,
            )
        )
    if orjson is not None:
        cases.append(
            Case(
                p.name,
                "encode",
                "typed",
                "orjson",
                orjson.dumps,
                p.obj,
                len(tj),
                is_typed_json,
                "orjson",
            )
        )
    json_dumps = json.dumps
    asdict = _asdict_for(p.type)
    cases.append(
        Case(
            p.name,
            "encode",
            "typed",
            "json + asdict",
            lambda o: json_dumps(asdict(o)),
            p.obj,
            len(tj),
            is_typed_json,
            "json",
        )
    )
    if pydantic is not None:
        cases.append(
            Case(
                p.name,
                "encode",
                "typed",
                "pydantic",
                adapter.dump_json,
                p.obj,
                len(tj),
                is_typed_json,
            )
        )
    return cases


def _asdict_for(tp: Any) -> Callable[[Any], Any]:
    if tp == list[SessionInfo]:
        return lambda items: [dataclasses.asdict(x) for x in items]
    return dataclasses.asdict


def _failure(what: str, exc: Exception) -> str:
    return f"failed: {what}: {type(exc).__name__}: {str(exc)[:120]}"


def build_cases(payloads: list[Payload]) -> list[Case]:
    """Every row for these payloads, with the active kernel restored afterwards."""
    kernels = _kernel.available()
    previous = _kernel.active
    try:
        cases: list[Case] = []
        for p in payloads:
            cases += untyped_cases(p, kernels)
            cases += typed_cases(p, kernels)
        return cases
    finally:
        _kernel.use(previous)


def gate(cases: list[Case]) -> None:
    """Run every case once and mark the ones whose result is wrong as failing."""
    previous = _kernel.active
    try:
        for case in cases:
            if case.status != "ok":
                continue
            if case.before is not None:
                case.before()
            try:
                ok = case.check(case.func(case.arg))
            except Exception as exc:
                case.status = _failure("error", exc)
            else:
                if not ok:
                    case.status = "failed: wrong result"
    finally:
        _kernel.use(previous)
