"""DTOs decorated with the real ``dataclasses_json``, as ServiceStack's generator writes them.

jsv does not depend on dataclasses_json; these tests run when it is installed and check that
jsv reads its metadata and writes the keys ``to_dict()`` writes.
"""

# ruff: noqa: UP006, UP035, UP045
from __future__ import annotations

import enum
import importlib
from dataclasses import dataclass, field
from typing import Any, Dict, Generic, List, Optional, TypeVar

import pytest

import jsv

try:
    dcj: Any = importlib.import_module("dataclasses_json")
except ImportError:
    pytest.skip("dataclasses_json is not installed", allow_module_level=True)

T = TypeVar("T")

CAMEL = dcj.LetterCase.CAMEL
EXCLUDE = dcj.Undefined.EXCLUDE


class IReturn(Generic[T]):
    pass


class IGet:
    pass


class MemberRole(str, enum.Enum):  # noqa: UP042 (as the generator writes enums)
    NONE = "None"
    AGENT = "Agent"


@dcj.dataclass_json(letter_case=CAMEL, undefined=EXCLUDE)
@dataclass
class ChatMember:
    display_name: Optional[str] = None
    role: Optional[MemberRole] = None
    is_original_member: bool = False
    application_data: Optional[Dict[str, str]] = None


@dcj.dataclass_json(letter_case=CAMEL, undefined=EXCLUDE)
@dataclass
class ChatSession:
    session_id: Optional[str] = None
    from_: Optional[str] = field(metadata=dcj.config(field_name="from"), default=None)
    members: Optional[List[ChatMember]] = None
    http_status_code: int = 0
    ended: bool = False


@dcj.dataclass_json(letter_case=CAMEL, undefined=EXCLUDE)
@dataclass
class GetChatSession(IReturn[ChatSession], IGet):
    session_id: Optional[str] = None
    include_members: bool = False


@dcj.dataclass_json(letter_case=dcj.LetterCase.PASCAL)
@dataclass
class PascalDto:
    user_id: Optional[str] = None
    display_name: Optional[str] = field(
        metadata=dcj.config(letter_case=dcj.LetterCase.KEBAB), default=None
    )


@dcj.dataclass_json(letter_case=dcj.LetterCase.SNAKE)
@dataclass
class SnakeDto:
    userId: Optional[str] = None  # a camelCase Python name, written snake
    maxRetryCount: int = 0


def to_dict(value: Any) -> Any:
    """What dataclasses_json's ``to_dict()`` gives (its methods are added at run time)."""
    return value.to_dict(encode_json=False)


def keys_of(value: Any) -> Any:
    """The map keys of an untyped tree, recursively (values dropped)."""
    if isinstance(value, dict):
        return {k: keys_of(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [keys_of(v) for v in value]
    return None


SESSION = ChatSession(
    session_id="5f2b7c0e9a1d4e3f8b6a2c9d0e1f3a4b",
    from_="+15559870000",
    members=[
        ChatMember("Smith, John", MemberRole.NONE, True, {"team": "Sales"}),
        ChatMember("Dana", MemberRole.AGENT),
    ],
    http_status_code=200,
)


def test_generated_dtos_encode_with_the_keys_to_dict_writes() -> None:
    text = jsv.dumps(SESSION)
    assert text == (
        "{sessionId:5f2b7c0e9a1d4e3f8b6a2c9d0e1f3a4b,from:+15559870000,"
        'members:[{displayName:"Smith, John",role:None,isOriginalMember:True,'
        "applicationData:{team:Sales}},{displayName:Dana,role:Agent,isOriginalMember:False}],"
        "httpStatusCode:200,ended:False}"
    )
    assert keys_of(jsv.loads(text)) == keys_of(to_dict(SESSION))
    for rename in ("pascal", "snake", None):
        assert jsv.dumps(SESSION, rename=rename) == text


def test_generated_dtos_decode_unchanged() -> None:
    text = jsv.dumps(SESSION)
    assert jsv.loads(text, type=ChatSession) == SESSION
    assert jsv.loads(text, type=ChatSession, forbid_unknown_fields=True) == SESSION
    assert jsv.loads(jsv.dumps(SESSION, indent=2), type=ChatSession, trim=True) == SESSION
    pascal = "{SessionId:s,From:f,Members:[{DisplayName:d,Role:Agent}],HttpStatusCode:1}"
    assert jsv.loads(pascal, type=ChatSession) == ChatSession(
        "s", "f", [ChatMember("d", MemberRole.AGENT)], 1
    )
    # the same JSON-shaped data through dataclasses_json agrees
    from_dict: Any = ChatSession.from_dict  # type: ignore[attr-defined]
    assert from_dict(to_dict(SESSION)) == jsv.loads(text, type=ChatSession)


def test_requests_with_ireturn_bases() -> None:
    request = GetChatSession(session_id="s", include_members=True)
    assert jsv.dumps(request) == "{sessionId:s,includeMembers:True}"
    assert jsv.loads("{sessionId:s,includeMembers:true}", type=GetChatSession) == request
    assert isinstance(request, IReturn)


def test_other_letter_cases() -> None:
    value = PascalDto(user_id="u", display_name="d")
    assert jsv.dumps(value) == "{UserId:u,display-name:d}"
    assert keys_of(jsv.loads(jsv.dumps(value))) == keys_of(to_dict(value))
    assert jsv.loads("{UserId:u,display-name:d}", type=PascalDto) == value
    assert jsv.loads("{userId:u,displayName:d}", type=PascalDto) == value
    snake = SnakeDto(userId="u", maxRetryCount=3)
    assert jsv.dumps(snake) == "{user_id:u,max_retry_count:3}"
    assert keys_of(jsv.loads(jsv.dumps(snake))) == keys_of(to_dict(snake))
    assert jsv.loads("{user_id:u,max_retry_count:3}", type=SnakeDto) == snake
    assert jsv.loads("{UserId:u,MaxRetryCount:3}", type=SnakeDto) == snake
