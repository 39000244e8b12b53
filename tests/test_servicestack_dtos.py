"""ServiceStack DTOs: the Evo Voice fixtures, generated-DTO metadata, and real sample bodies.

ServiceStack's Python generator decorates each DTO with
``@dataclass_json(letter_case=LetterCase.CAMEL, undefined=Undefined.EXCLUDE)`` and escapes
reserved names with ``field(metadata=config(field_name="from"))``. jsv reads what the
decorator leaves behind; the DTOs here carry that metadata by hand (the decorator stores
``dataclass_json_config`` on the class and ``{"dataclasses_json": {"letter_case": f}}`` in
field metadata), so these tests do not need ``dataclasses_json`` (test_dataclasses_json.py
checks the real decorator).
"""

# ruff: noqa: UP006, UP035, UP045
# (typing.Optional, List and Dict are spelled the way the generator writes them.)
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Generic, List, Optional, TypeVar

import pytest

import jsv
from jsv.examples import evovoice, seed_sample
from jsv.examples.evovoice import (
    CustomerBreadcrumb,
    DeleteChatMember,
    FlowChannels,
    IReturn,
    IReturnVoid,
    NodeParameterMap,
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

SAMPLES = Path(__file__).parent / "data" / "samples"
T = TypeVar("T")


# ---- the seed sample -----------------------------------------------------------------------


def test_seed_sample_is_the_shipped_file() -> None:
    assert seed_sample() == (Path(__file__).parent / "data" / "seed_session.jsv").read_text("utf-8")


def test_seed_sample_field_by_field() -> None:
    s = jsv.loads(seed_sample(), type=SessionInfo, trim=True)
    assert type(s) is SessionInfo
    # EntityInfo, the base class (written last in the sample, as the reference does)
    assert s.id == "String"
    assert s.date_created == "String"
    assert s.date_last_modified == "String"
    assert s.created_by == "String"
    assert s.last_modified_by == "String"
    # enums whose member is named None are members, never None
    assert s.dial_state is SessionDialState.NONE
    assert s.call_state is SessionCallState.DISCONNECTED
    assert s.queue_state is SessionQueueStates.NONE
    assert s.hold_reason is SessionHoldReasons.NONE
    assert s.channel is FlowChannels.VOICE
    assert s.direction is SessionDirections.INCOMING
    assert s.account_id == "String"
    assert s.account_name == "String"
    assert s.customer_id == "String"
    assert s.customer_breadcrumb == [CustomerBreadcrumb(id="String", name="String")]
    assert type(s.customer_breadcrumb[0]) is CustomerBreadcrumb
    assert s.customer_name == "String"
    assert s.endpoint_id == "String"
    assert s.endpoint_name == "String"
    assert s.date_completed == "String"
    assert s.destination == "String"
    assert s.to_address == "String"
    assert s.from_address == "String"
    assert s.from_name == "String"
    assert s.answered_by_name == "String"
    assert s.queue_member_id == "String"
    # False bools are False, not the text "False" and not a default
    assert s.ended is False
    assert s.was_missed is False
    assert s.outcome == "String"
    assert s.call_sid == "String"
    assert s.console_data == "String"
    assert s.hold_queue_name == "String"
    assert s.held_by_user_id == "String"
    assert s.conference_sid == "String"
    assert s.display_name == "String"
    assert s.log == [SessionLogInfo(date="String", message="String")]
    assert type(s.log[0]) is SessionLogInfo
    assert s.callback_number == "String"
    assert s.answered_by_id == "String"
    assert s.from_phone_number == "String"
    assert s.most_recent_participant_call_sid == "String"
    assert s.ring_queue_id == "String"
    # the member, with its {String: String} map
    assert s.members is not None
    assert len(s.members) == 1
    m = s.members[0]
    assert type(m) is SessionMemberInfo
    assert m.identity == "String"
    assert m.endpoint_id == "String"
    assert m.display_name == "String"
    assert m.is_original_member is False
    assert m.avatar_url == "String"
    assert m.application_data == {"String": "String"}
    assert type(m.application_data) is dict
    assert m.call_state is SessionMemberCallState.NONE
    assert m.role is SessionMemberRoles.NONE
    assert m.call_sid == "String"
    assert m.muted is False
    # every field of the class was in the sample
    assert all(getattr(s, f.name) is not None for f in dataclasses.fields(SessionInfo))
    assert all(getattr(m, f.name) is not None for f in dataclasses.fields(SessionMemberInfo))


def test_seed_sample_with_every_option() -> None:
    expected = jsv.loads(seed_sample(), type=SessionInfo, trim=True)
    strict = jsv.loads(seed_sample(), type=SessionInfo, trim=True, forbid_unknown_fields=True)
    assert strict == expected
    assert jsv.Decoder(SessionInfo, trim=True).decode(seed_sample().encode()) == expected
    # read exactly, string values keep the space after the colon; everything else is the same
    exact = jsv.loads(seed_sample(), type=SessionInfo)
    assert exact.account_id == " String"
    assert exact.dial_state is SessionDialState.NONE
    assert exact.ended is False


def test_seed_sample_re_encoded() -> None:
    s = jsv.loads(seed_sample(), type=SessionInfo, trim=True)
    text = jsv.dumps(s)
    assert text.startswith(
        "{id:String,dateCreated:String,dateLastModified:String,createdBy:String,"
        "lastModifiedBy:String,dialState:None,callState:Disconnected,queueState:None,"
    )
    assert ",members:[{identity:String,endpointId:String,displayName:String," in text
    assert "isOriginalMember:False,avatarUrl:String,applicationData:{String:String}," in text
    assert text.endswith(
        ",direction:Incoming,fromPhoneNumber:String,"
        "mostRecentParticipantCallSid:String,wasMissed:False,ringQueueId:String}"
    )
    assert jsv.loads(text, type=SessionInfo) == s
    assert jsv.loads(jsv.dumps(s, indent=2), type=SessionInfo, trim=True) == s
    # the seed sample's own key order differs (base-class fields last), the values do not
    assert jsv.loads(text) == jsv.loads(seed_sample(), trim=True)


# ---- a realistic wire document -------------------------------------------------------------

WIRE = (
    "{id:5f2b7c0e9a1d4e3f8b6a2c9d0e1f3a4b,"
    'dateCreated:"2025-06-27T11:39:29.4490437-04:00",'
    'dateLastModified:"2025-06-27T11:42:03.1200000-04:00",'
    "createdBy:system,lastModifiedBy:agent@acme.example,"
    "dialState:Active,callState:Connected,queueState:None,"
    "accountId:0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a,accountName:Acme Corp,"
    "customerId:c81e728d9d4c2f636f067f89cc14862c,"
    "customerBreadcrumb:[{id:a87ff679a2f3e71d9181a67b7542122c,name:Acme Corp},"
    "{id:e4da3b7fbbce2345d7772b0674a318d5,name:West Region}],"
    "customerName:West Region,endpointId:1679091c5a880faf6fb5e6087eb1b2dc,"
    "endpointName:Main Line,destination:+15551230000,toAddress:+15551230000,"
    "fromAddress:+15559870000,fromName:WIRELESS CALLER,answeredByName:Dana Agent,"
    "channel:Voice,ended:False,callSid:CA8f14e45fceea167a5a36dedd4bea2543,holdReason:None,"
    "conferenceSid:CFc9f0f895fb98ab9159f51fd0297e236d,"
    'displayName:"Smith, John ""JJ""",'
    'log:[{date:"2025-06-27T11:39:29.4490437-04:00",message:Call started},'
    '{date:"2025-06-27T11:39:35.0000001-04:00",message:"Answered by Dana Agent: queue Sales"}],'
    'members:[{identity:"caller:+15559870000",displayName:"Smith, John ""JJ""",'
    "isOriginalMember:True,callState:Connected,role:Caller,"
    "callSid:CA8f14e45fceea167a5a36dedd4bea2543,muted:False},"
    "{identity:agent@acme.example,endpointId:45c48cce2e2d7fbdea1afc51c7c6ad26,"
    "displayName:Dana Agent,isOriginalMember:False,"
    'avatarUrl:"https://cdn.acme.example/a/45c48cce.png",applicationData:{team:Sales,ext:204},'
    "callState:Hold,role:Agent,callSid:CA6512bd43d9caa6e02c990b0a82652dca,muted:True},"
    "{identity:transfer,isOriginalMember:False,applicationData:{},callState:Ringing,"
    "role:Transfer,muted:False}],"
    "direction:Incoming,wasMissed:False}"
)

WIRE_VALUE = SessionInfo(
    id="5f2b7c0e9a1d4e3f8b6a2c9d0e1f3a4b",
    date_created="2025-06-27T11:39:29.4490437-04:00",
    date_last_modified="2025-06-27T11:42:03.1200000-04:00",
    created_by="system",
    last_modified_by="agent@acme.example",
    dial_state=SessionDialState.ACTIVE,
    call_state=SessionCallState.CONNECTED,
    queue_state=SessionQueueStates.NONE,
    account_id="0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a",
    account_name="Acme Corp",
    customer_id="c81e728d9d4c2f636f067f89cc14862c",
    customer_breadcrumb=[
        CustomerBreadcrumb(id="a87ff679a2f3e71d9181a67b7542122c", name="Acme Corp"),
        CustomerBreadcrumb(id="e4da3b7fbbce2345d7772b0674a318d5", name="West Region"),
    ],
    customer_name="West Region",
    endpoint_id="1679091c5a880faf6fb5e6087eb1b2dc",
    endpoint_name="Main Line",
    destination="+15551230000",
    to_address="+15551230000",
    from_address="+15559870000",
    from_name="WIRELESS CALLER",
    answered_by_name="Dana Agent",
    channel=FlowChannels.VOICE,
    ended=False,
    call_sid="CA8f14e45fceea167a5a36dedd4bea2543",
    hold_reason=SessionHoldReasons.NONE,
    conference_sid="CFc9f0f895fb98ab9159f51fd0297e236d",
    display_name='Smith, John "JJ"',
    log=[
        SessionLogInfo(date="2025-06-27T11:39:29.4490437-04:00", message="Call started"),
        SessionLogInfo(
            date="2025-06-27T11:39:35.0000001-04:00",
            message="Answered by Dana Agent: queue Sales",
        ),
    ],
    members=[
        SessionMemberInfo(
            identity="caller:+15559870000",
            display_name='Smith, John "JJ"',
            is_original_member=True,
            call_state=SessionMemberCallState.CONNECTED,
            role=SessionMemberRoles.CALLER,
            call_sid="CA8f14e45fceea167a5a36dedd4bea2543",
        ),
        SessionMemberInfo(
            identity="agent@acme.example",
            endpoint_id="45c48cce2e2d7fbdea1afc51c7c6ad26",
            display_name="Dana Agent",
            avatar_url="https://cdn.acme.example/a/45c48cce.png",
            application_data={"team": "Sales", "ext": "204"},
            call_state=SessionMemberCallState.HOLD,
            role=SessionMemberRoles.AGENT,
            call_sid="CA6512bd43d9caa6e02c990b0a82652dca",
            muted=True,
        ),
        SessionMemberInfo(
            identity="transfer",
            application_data={},
            call_state=SessionMemberCallState.RINGING,
            role=SessionMemberRoles.TRANSFER,
        ),
    ],
    direction=SessionDirections.INCOMING,
)


def test_wire_document_decodes_and_re_encodes_byte_for_byte() -> None:
    value = jsv.loads(WIRE, type=SessionInfo)
    assert value == WIRE_VALUE
    assert value.display_name == 'Smith, John "JJ"'
    assert value.members is not None
    assert [m.role for m in value.members] == [
        SessionMemberRoles.CALLER,
        SessionMemberRoles.AGENT,
        SessionMemberRoles.TRANSFER,
    ]
    assert value.members[2].application_data == {}
    assert value.outcome is None  # absent fields keep their defaults
    assert jsv.dumps(value) == WIRE
    assert jsv.Encoder().encode(value) == WIRE
    assert jsv.dumps(value).encode() == WIRE.encode()
    assert jsv.loads(WIRE.encode(), type=SessionInfo) == value
    assert jsv.loads(WIRE, type=SessionInfo, trim=True) == value
    assert jsv.loads(WIRE, type=SessionInfo, forbid_unknown_fields=True) == value


def test_wire_document_in_the_references_field_order() -> None:
    # ServiceStack writes derived-class properties before the base class's (spec §9)
    base_end = WIRE.index("dialState:")
    reference = "{" + WIRE[base_end:-1] + "," + WIRE[1 : base_end - 1] + "}"
    assert reference != WIRE
    assert jsv.loads(reference, type=SessionInfo) == WIRE_VALUE
    assert jsv.dumps(jsv.loads(reference, type=SessionInfo)) == WIRE


def test_wire_documents_in_a_list_and_pretty_printed() -> None:
    many = "[" + ",".join([WIRE] * 3) + "]"
    sessions = jsv.Decoder(list[SessionInfo]).decode(many)
    assert sessions == [WIRE_VALUE] * 3
    assert jsv.dumps(sessions) == many
    pretty = jsv.dumps(WIRE_VALUE, indent=2)
    assert '  displayName: "Smith, John ""JJ""",\n' in pretty
    assert jsv.loads(pretty, type=SessionInfo, trim=True) == WIRE_VALUE
    assert jsv.dumps(jsv.loads(pretty, type=SessionInfo, trim=True)) == WIRE


def test_wire_document_with_pascal_case_keys() -> None:
    pascal = jsv.dumps(WIRE_VALUE, rename="pascal")
    assert pascal.startswith("{Id:5f2b7c0e9a1d4e3f8b6a2c9d0e1f3a4b,DateCreated:")
    assert jsv.loads(pascal, type=SessionInfo) == WIRE_VALUE
    assert jsv.loads(jsv.dumps(WIRE_VALUE, rename=None), type=SessionInfo) == WIRE_VALUE


def test_wire_document_errors_point_into_the_document() -> None:
    broken = WIRE.replace("role:Agent", "role:Supervisor")
    with pytest.raises(jsv.ValidationError) as info:
        jsv.loads(broken, type=SessionInfo)
    error = info.value
    pos = broken.index("Supervisor")
    assert error.msg == "Expected SessionMemberRoles, got 'Supervisor'"
    assert (error.path, error.pos, error.colno) == ("$.members[1].role", pos, pos + 1)
    broken = WIRE.replace("muted:True", "muted:Yes")
    with pytest.raises(jsv.ValidationError) as info:
        jsv.loads(broken, type=SessionInfo)
    assert (info.value.msg, info.value.path) == ("Expected bool, got 'Yes'", "$.members[1].muted")
    broken = WIRE.replace("applicationData:{team:Sales,ext:204}", "applicationData:[Sales]")
    with pytest.raises(jsv.ValidationError) as info:
        jsv.loads(broken, type=SessionInfo)
    assert info.value.msg == "Expected map of str to str, got a list"
    assert info.value.path == "$.members[1].applicationData"


# ---- every enum member ------------------------------------------------------------------------

ENUMS: list[type[enum.Enum]] = [
    SessionDialState,
    SessionCallState,
    SessionQueueStates,
    FlowChannels,
    SessionHoldReasons,
    SessionMemberCallState,
    SessionMemberRoles,
    SessionDirections,
]


@pytest.mark.parametrize("cls", ENUMS, ids=lambda c: c.__name__)
def test_every_enum_member_reads_and_writes_its_value(cls: type[enum.Enum]) -> None:
    for member in cls:
        assert jsv.dumps(member) == member.value
        for text in (member.value, member.name, member.value.lower(), member.value.upper()):
            assert jsv.loads(text, type=cls) is member
            assert jsv.loads(text, type=Optional[cls]) is member
        assert jsv.loads(f"[{member.value}]", type=list[cls]) == [member]  # type: ignore[valid-type]
    assert jsv.loads("", type=Optional[cls]) is None
    with pytest.raises(jsv.ValidationError, match=f"^Expected {cls.__name__}, got 'Bogus'"):
        jsv.loads("Bogus", type=cls)


def test_enum_fields_in_a_session() -> None:
    for state in SessionCallState:
        value = SessionInfo(
            call_state=state, members=[SessionMemberInfo(role=SessionMemberRoles.NONE)]
        )
        text = jsv.dumps(value)
        assert text == (
            f"{{callState:{state.value},ended:False,"
            "members:[{isOriginalMember:False,role:None,muted:False}],wasMissed:False}"
        )
        assert jsv.loads(text, type=SessionInfo) == value


# ---- DeleteChatMember and the request markers -------------------------------------------------


def test_delete_chat_member() -> None:
    request = DeleteChatMember(
        session_id="5f2b7c0e9a1d4e3f8b6a2c9d0e1f3a4b", member_to_remove="+15551230000"
    )
    assert isinstance(request, IReturnVoid)
    assert isinstance(request, evovoice.IDelete)
    text = jsv.dumps(request)
    assert text == "{sessionId:5f2b7c0e9a1d4e3f8b6a2c9d0e1f3a4b,memberToRemove:+15551230000}"
    assert jsv.loads(text, type=DeleteChatMember) == request
    assert jsv.dumps(request, rename="pascal") == (
        "{SessionId:5f2b7c0e9a1d4e3f8b6a2c9d0e1f3a4b,MemberToRemove:+15551230000}"
    )
    assert jsv.loads("{SessionId:s,MemberToRemove:m}", type=DeleteChatMember) == (
        DeleteChatMember("s", "m")
    )
    assert jsv.dumps(DeleteChatMember()) == "{}"
    assert jsv.loads("{}", type=DeleteChatMember) == DeleteChatMember()
    with pytest.raises(jsv.ValidationError, match=r"^Unknown field 'memberId' at \$\.memberId"):
        jsv.loads("{sessionId:s,memberId:m}", type=DeleteChatMember, forbid_unknown_fields=True)


def test_node_parameter_map_is_a_dict_of_untyped_values() -> None:
    value = jsv.loads("{a:x,b:[1,{c:}],c:}", type=NodeParameterMap)
    assert type(value) is NodeParameterMap
    assert value == {"a": "x", "b": ["1", {"c": None}], "c": None}
    assert jsv.dumps(value) == "{a:x,b:[1,{}]}"


# ---- generated-DTO metadata, written by hand --------------------------------------------------


def camelcase(name: str) -> str:
    """What dataclasses_json's ``LetterCase.CAMEL`` does to a snake_case name."""
    first, *rest = name.split("_")
    return first + "".join(word[:1].upper() + word[1:] for word in rest)


def pascalcase(name: str) -> str:
    """What dataclasses_json's ``LetterCase.PASCAL`` does to a snake_case name."""
    camel = camelcase(name)
    return camel[:1].upper() + camel[1:]


def field_name(name: str) -> dict[str, Any]:
    """The metadata ``dataclasses_json.config(field_name=name)`` returns."""

    def override(_: str) -> str:
        return name

    return {"dataclasses_json": {"letter_case": override}}


def letter_case(case: Callable[[str], str]) -> dict[str, Any]:
    """The metadata ``dataclasses_json.config(letter_case=case)`` returns."""
    return {"dataclasses_json": {"letter_case": case}}


class LevelKind(str, enum.Enum):  # noqa: UP042 (as the generator writes enums)
    NONE = "None"
    BASIC = "Basic"


@dataclass
class ResponseError:
    dataclass_json_config = {"letter_case": camelcase}  # noqa: RUF012
    error_code: Optional[str] = None
    field_name: Optional[str] = None
    message: Optional[str] = None
    meta: Optional[Dict[str, str]] = None


@dataclass
class ResponseStatus:
    dataclass_json_config = {"letter_case": camelcase}  # noqa: RUF012
    error_code: Optional[str] = None
    message: Optional[str] = None
    stack_trace: Optional[str] = None
    errors: Optional[List[ResponseError]] = None
    meta: Optional[Dict[str, str]] = None


@dataclass
class QueryResponse(Generic[T]):
    dataclass_json_config = {"letter_case": camelcase}  # noqa: RUF012
    offset: int = 0
    total: int = 0
    results: Optional[List[T]] = None
    meta: Optional[Dict[str, str]] = None
    response_status: Optional[ResponseStatus] = None


@dataclass
class Level:
    dataclass_json_config = {"letter_case": camelcase}  # noqa: RUF012
    id: Optional[uuid.UUID] = None
    data: Optional[bytes] = None
    kind: Optional[LevelKind] = None


@dataclass
class QueryLevel(IReturn[QueryResponse[Level]]):
    dataclass_json_config = {"letter_case": camelcase}  # noqa: RUF012
    skip: Optional[int] = None
    take: Optional[int] = None
    order_by: Optional[str] = None
    from_: Optional[str] = field(metadata=field_name("from"), default=None)
    class_: Optional[str] = field(metadata=field_name("class"), default=None)
    ref_id: Optional[str] = field(metadata=field_name("RefID"), default=None)
    x_forwarded: Optional[str] = field(metadata=letter_case(str.upper), default=None)


@dataclass
class GetAccessToken:
    """A request of a service whose C# side writes PascalCase keys."""

    dataclass_json_config = {"letter_case": pascalcase}  # noqa: RUF012
    grant_type: Optional[str] = None
    app_id: Optional[str] = None
    app_secert: Optional[str] = None
    scope: Optional[str] = None
    code: Optional[str] = None
    refresh_token: Optional[str] = None
    app_secret: Optional[str] = None
    using_redis: bool = False
    app_init_time: Optional[dt.datetime] = None
    server_id: Optional[str] = field(metadata=field_name("ServerID"), default=None)
    response_status: Optional[ResponseStatus] = None
    bypass_cache: bool = False
    date_cached: Optional[dt.datetime] = None
    device: Optional[str] = None


def test_class_letter_case_metadata_decides_the_keys_whatever_the_policy() -> None:
    status = ResponseStatus(
        error_code="E1", stack_trace="at x", errors=[ResponseError(field_name="f")]
    )
    expected = "{errorCode:E1,stackTrace:at x,errors:[{fieldName:f}]}"
    for rename in ("camel", "pascal", "snake", None, str.upper):
        assert jsv.dumps(status, rename=rename) == expected
    assert jsv.loads(expected, type=ResponseStatus) == status
    assert (
        jsv.loads("{ErrorCode:E1,StackTrace:at x,Errors:[{FieldName:f}]}", type=ResponseStatus)
        == status
    )
    token = GetAccessToken(app_id="a", server_id="WS-4", using_redis=True)
    assert jsv.dumps(token) == "{AppId:a,UsingRedis:True,ServerID:WS-4,BypassCache:False}"
    assert jsv.dumps(token, rename="snake") == jsv.dumps(token)


def test_field_name_metadata_escapes_reserved_words_and_overrides_the_case() -> None:
    request = QueryLevel(
        skip=1, take=2, order_by="id", from_="a", class_="b", ref_id="c", x_forwarded="d"
    )
    text = jsv.dumps(request)
    assert text == "{skip:1,take:2,orderBy:id,from:a,class:b,RefID:c,X_FORWARDED:d}"
    for rename in ("pascal", "snake", None):
        assert jsv.dumps(request, rename=rename) == text
    assert jsv.loads(text, type=QueryLevel) == request
    # the other spellings still reach the fields
    other = "{Skip:1,Take:2,order_by:id,from_:a,Class:b,refId:c,xForwarded:d}"
    assert jsv.loads(other, type=QueryLevel) == request
    assert isinstance(request, IReturn)


def test_query_level_response_sample() -> None:
    text = (SAMPLES / "QueryLevel-response.jsv").read_text("utf-8")
    value = jsv.loads(text, type=QueryResponse[Level], trim=True, forbid_unknown_fields=True)
    assert value == QueryResponse(
        offset=0,
        total=0,
        results=[Level(id=uuid.UUID(int=0), data=b"\x00")],
        meta={"String": "String"},
        response_status=ResponseStatus(
            error_code="String",
            message="String",
            stack_trace="String",
            errors=[
                ResponseError(
                    error_code="String",
                    field_name="String",
                    message="String",
                    meta={"String": "String"},
                )
            ],
            meta={"String": "String"},
        ),
    )
    assert jsv.dumps(value) == (
        "{offset:0,total:0,results:[{id:00000000000000000000000000000000,data:AA==}],"
        "meta:{String:String},responseStatus:{errorCode:String,message:String,"
        "stackTrace:String,errors:[{errorCode:String,fieldName:String,message:String,"
        "meta:{String:String}}],meta:{String:String}}}"
    )
    assert jsv.loads(jsv.dumps(value), type=QueryResponse[Level]) == value


def test_get_access_token_sample_with_offset_dates() -> None:
    text = (SAMPLES / "GetAccessToken-request.jsv").read_text("utf-8")
    value = jsv.loads(text, type=GetAccessToken, trim=True, forbid_unknown_fields=True)
    assert value.grant_type == "Code"
    assert value.using_redis is True
    assert value.bypass_cache is False
    assert value.server_id == "WS-4-94-050"
    minus_four = dt.timezone(dt.timedelta(hours=-4))
    assert value.app_init_time == dt.datetime(2025, 6, 27, 11, 39, 29, 449043, minus_four)
    assert value.date_cached == dt.datetime(2025, 6, 27, 14, 29, 36, 56447, minus_four)
    assert value.app_init_time is not None
    assert value.app_init_time.utcoffset() == dt.timedelta(hours=-4)
    assert value.response_status is not None
    assert value.response_status.errors == [
        ResponseError("String", "String", "String", {"String": "String"})
    ]
    text = jsv.dumps(value)
    assert "AppInitTime:2025-06-27T11:39:29.4490430-04:00," in text
    assert jsv.loads(text, type=GetAccessToken) == value


@dataclass
class Location:
    country_code: Optional[str] = None
    dstoff: int = 0
    gmtoff: int = 0
    latitude: float = 0
    longitude: float = 0
    timezone: Optional[str] = None


@dataclass
class MemberNote:
    id: int = 0
    body: Optional[str] = None
    created_at: dt.datetime = dt.datetime(1, 1, 1)
    created_by: Optional[str] = None


class MemberStatus(str, enum.Enum):  # noqa: UP042
    SUBSCRIBED = "Subscribed"
    UNSUBSCRIBED = "Unsubscribed"


@dataclass
class AddListMember:
    email_address: Optional[str] = None
    email_client: Optional[str] = None
    email_type: Optional[str] = None
    id: Optional[str] = None
    interests: Optional[Dict[str, bool]] = None
    ip_opt: Optional[str] = None
    ip_signup: Optional[str] = None
    language: Optional[str] = None
    last_changed: Optional[str] = None
    list_id: Optional[str] = None
    location: Optional[Location] = None
    member_rating: int = 0
    merge_fields: Optional[Dict[str, Any]] = None
    last_note: Optional[MemberNote] = None
    stats: Optional[Dict[str, float]] = None
    status: Optional[MemberStatus] = None
    status_if_new: Optional[MemberStatus] = None
    unsubscribe_reason: Optional[str] = None
    timestamp_opt: Optional[str] = None
    timestamp_signup: Optional[str] = None
    unique_email_id: Optional[str] = None
    vip: bool = False


def test_add_list_member_sample_with_typed_maps() -> None:
    text = (SAMPLES / "AddListMember-request.jsv").read_text("utf-8")
    value = jsv.loads(text, type=AddListMember, trim=True, forbid_unknown_fields=True)
    assert value.interests == {"String": False}
    assert value.merge_fields == {"String": {}}
    assert value.location == Location("String", 0, 0, 0.0, 0.0, "String")
    assert value.last_note == MemberNote(0, "String", dt.datetime(1, 1, 1), "String")
    assert value.stats == {"averageOpenRate": 0.0, "averageClickRate": 0.0}
    assert value.status is MemberStatus.SUBSCRIBED
    assert value.vip is False
    assert jsv.loads(jsv.dumps(value), type=AddListMember) == value
    assert "lastNote:{id:0,body:String,createdAt:0001-01-01,createdBy:String}" in jsv.dumps(value)


@dataclass
class Charge:
    entity_status: Optional[str] = None
    id: Optional[str] = None
    client_id: Optional[str] = None
    client_name: Optional[str] = None
    date_created: Optional[str] = None
    date_of_charge: Optional[str] = None
    date_last_modified: Optional[str] = None
    service: Optional[str] = None
    service_id: Optional[str] = None
    quantity: int = 0
    cost: float = 0
    description: Optional[str] = None
    notes: Optional[str] = None
    memorized: bool = False
    billing_code: Optional[str] = None


def test_list_all_charges_sample_a_top_level_list_with_pascal_keys() -> None:
    text = (SAMPLES / "ListAllCharges-response.jsv").read_text("utf-8")
    charges = jsv.loads(text, type=List[Charge], trim=True, forbid_unknown_fields=True)
    assert len(charges) == 1
    charge = charges[0]
    assert charge.entity_status == "String"
    assert charge.billing_code == "String"
    assert (charge.quantity, charge.cost, charge.memorized) == (0, 0.0, False)
    pascal = jsv.dumps(charges, rename="pascal")
    assert pascal.startswith("[{EntityStatus:String,Id:String,ClientId:String,")
    assert jsv.loads(pascal, type=List[Charge]) == charges
