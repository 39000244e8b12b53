"""Real documents: the seed sample response and ServiceStack metadata-page bodies.

These are human-formatted (one-line with single spaces, or one entry per line with tabs
or plain newlines), so they are read with ``trim=True``. The expected trees are written
out in full, checked by hand against the files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import jsv

DATA = Path(__file__).parent / "data"
SAMPLES = DATA / "samples"

SEED_TREE = {
    "dialState": "None",
    "callState": "Disconnected",
    "queueState": "None",
    "accountId": "String",
    "accountName": "String",
    "customerId": "String",
    "customerBreadcrumb": [{"id": "String", "name": "String"}],
    "customerName": "String",
    "endpointId": "String",
    "endpointName": "String",
    "dateCompleted": "String",
    "destination": "String",
    "toAddress": "String",
    "fromAddress": "String",
    "fromName": "String",
    "answeredByName": "String",
    "queueMemberId": "String",
    "channel": "Voice",
    "ended": "False",
    "outcome": "String",
    "callSid": "String",
    "consoleData": "String",
    "holdQueueName": "String",
    "heldByUserId": "String",
    "holdReason": "None",
    "conferenceSid": "String",
    "displayName": "String",
    "log": [{"date": "String", "message": "String"}],
    "members": [
        {
            "identity": "String",
            "endpointId": "String",
            "displayName": "String",
            "isOriginalMember": "False",
            "avatarUrl": "String",
            "applicationData": {"String": "String"},
            "callState": "None",
            "role": "None",
            "callSid": "String",
            "muted": "False",
        }
    ],
    "callbackNumber": "String",
    "answeredById": "String",
    "direction": "Incoming",
    "fromPhoneNumber": "String",
    "mostRecentParticipantCallSid": "String",
    "wasMissed": "False",
    "ringQueueId": "String",
    "id": "String",
    "dateCreated": "String",
    "dateLastModified": "String",
    "createdBy": "String",
    "lastModifiedBy": "String",
}

RESPONSE_STATUS_PASCAL = {
    "ErrorCode": "String",
    "Message": "String",
    "StackTrace": "String",
    "Errors": [
        {
            "ErrorCode": "String",
            "FieldName": "String",
            "Message": "String",
            "Meta": {"String": "String"},
        }
    ],
    "Meta": {"String": "String"},
}

RESPONSE_STATUS_CAMEL = {
    "errorCode": "String",
    "message": "String",
    "stackTrace": "String",
    "errors": [
        {
            "errorCode": "String",
            "fieldName": "String",
            "message": "String",
            "meta": {"String": "String"},
        }
    ],
    "meta": {"String": "String"},
}

SAMPLE_TREES: dict[str, Any] = {
    "ListAllCharges-response.jsv": [
        {
            "EntityStatus": "String",
            "Id": "String",
            "ClientId": "String",
            "ClientName": "String",
            "DateCreated": "String",
            "DateOfCharge": "String",
            "DateLastModified": "String",
            "Service": "String",
            "ServiceId": "String",
            "Quantity": "0",
            "Cost": "0",
            "Description": "String",
            "Notes": "String",
            "Memorized": "False",
            "BillingCode": "String",
        }
    ],
    "QueryLevel-response.jsv": {
        "offset": "0",
        "total": "0",
        "results": [{"id": "00000000000000000000000000000000", "data": "AA=="}],
        "meta": {"String": "String"},
        "responseStatus": RESPONSE_STATUS_CAMEL,
    },
    "AltQueryItems-response-single-line.jsv": {
        "offset": "0",
        "total": "0",
        "results": [{"name": "String", "description": "String"}],
        "meta": {"String": "String"},
        "responseStatus": RESPONSE_STATUS_CAMEL,
    },
    "GetAccessToken-request.jsv": {
        "GrantType": "Code",
        "AppId": "String",
        "AppSecert": "String",
        "Scope": "String",
        "Code": "String",
        "RefreshToken": "String",
        "AppSecret": "String",
        "UsingRedis": "True",
        "AppInitTime": "2025-06-27T11:39:29.4490437-04:00",
        "ServerID": "WS-4-94-050",
        "ResponseStatus": RESPONSE_STATUS_PASCAL,
        "BypassCache": "False",
        "DateCached": "2025-06-27T14:29:36.0564473-04:00",
        "Device": "Desktop",
    },
    "AddListMember-request.jsv": {
        "emailAddress": "String",
        "emailClient": "String",
        "emailType": "String",
        "id": "String",
        "interests": {"String": "False"},
        "ipOpt": "String",
        "ipSignup": "String",
        "language": "String",
        "lastChanged": "String",
        "listId": "String",
        "location": {
            "countryCode": "String",
            "dstoff": "0",
            "gmtoff": "0",
            "latitude": "0",
            "longitude": "0",
            "timezone": "String",
        },
        "memberRating": "0",
        "mergeFields": {"String": {}},
        "lastNote": {
            "id": "0",
            "body": "String",
            "createdAt": "0001-01-01",
            "createdBy": "String",
        },
        "stats": {"averageOpenRate": "0", "averageClickRate": "0"},
        "status": "Subscribed",
        "statusIfNew": "Subscribed",
        "unsubscribeReason": "String",
        "timestampOpt": "String",
        "timestampSignup": "String",
        "uniqueEmailId": "String",
        "vip": "False",
    },
    "evovoice-LiveAnswerCallback-request.jsv": {
        "sessionId": "String",
        "flowId": "String",
        "nodeId": "String",
        "clientId": "String",
        "conversationId": "String",
        "aiMinutes": "0",
        "from": "String",
        "to": "String",
        "transcript": [
            {
                "date": "0001-01-01",
                "role": "String",
                "senderName": "String",
                "targetName": "String",
                "functionName": "String",
                "functionArgs": "String",
                "content": "String",
            }
        ],
        "startDate": "0001-01-01",
        "endDate": "0001-01-01",
        "attachments": [
            {
                "fileName": "String",
                "contentType": "String",
                "uri": "String",
                "data": "String",
            }
        ],
    },
}


def same(actual: Any, expected: Any) -> None:
    """Equal, with map keys in the document's order."""
    assert actual == expected
    assert json.dumps(actual) == json.dumps(expected)


# ---------------------------------------------------------------------------------------
# The seed sample


def seed() -> str:
    return (DATA / "seed_session.jsv").read_text(encoding="utf-8")


def test_seed_sample_is_the_body_at_the_end_of_the_seed_page() -> None:
    page = (DATA / "seed-page.txt").read_text(encoding="utf-8")
    assert page.rstrip().endswith(seed().strip())


def test_seed_sample_decodes_with_trim() -> None:
    same(jsv.loads(seed(), trim=True), SEED_TREE)


def test_seed_sample_as_bytes_and_file() -> None:
    raw = (DATA / "seed_session.jsv").read_bytes()
    same(jsv.loads(raw, trim=True), SEED_TREE)
    with (DATA / "seed_session.jsv").open("rb") as fp:
        same(jsv.load(fp, trim=True), SEED_TREE)


def test_seed_sample_exact_reading_keeps_the_spaces() -> None:
    tree = jsv.loads(seed())
    assert tree[" dialState"] == " None"
    assert tree[" members"] == [
        {
            " identity": " String",
            " endpointId": " String",
            " displayName": " String",
            " isOriginalMember": " False",
            " avatarUrl": " String",
            " applicationData": {" String": " String "},
            " callState": " None",
            " role": " None",
            " callSid": " String",
            " muted": " False ",
        }
    ]
    assert tree[" lastModifiedBy"] == " String "
    assert len(tree) == len(SEED_TREE)
    assert [key.strip() for key in tree] == list(SEED_TREE)


def test_seed_sample_round_trips() -> None:
    assert jsv.loads(jsv.dumps(SEED_TREE)) == SEED_TREE
    assert jsv.loads(jsv.dumps(SEED_TREE, indent=2), trim=True) == SEED_TREE
    assert jsv.loads(jsv.reformat(seed()), trim=True) == SEED_TREE
    assert jsv.reformat(seed(), indent=None) == jsv.dumps(SEED_TREE)


def test_seed_sample_compact_form() -> None:
    compact = jsv.dumps(SEED_TREE)
    assert compact.startswith("{dialState:None,callState:Disconnected,queueState:None,")
    assert ",members:[{identity:String,endpointId:String," in compact
    assert ",applicationData:{String:String},callState:None," in compact
    assert compact.endswith(",createdBy:String,lastModifiedBy:String}")
    same(jsv.loads(compact), SEED_TREE)


# ---------------------------------------------------------------------------------------
# Metadata-page samples


@pytest.mark.parametrize("name", sorted(SAMPLE_TREES))
def test_sample_decodes_with_trim(name: str) -> None:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    same(jsv.loads(text, trim=True), SAMPLE_TREES[name])


@pytest.mark.parametrize("name", sorted(SAMPLE_TREES))
def test_sample_reformats_and_round_trips(name: str) -> None:
    text = (SAMPLES / name).read_text(encoding="utf-8")
    tree = SAMPLE_TREES[name]
    same(jsv.loads(jsv.reformat(text), trim=True), tree)
    same(jsv.loads(jsv.reformat(text, indent=None)), tree)
    same(jsv.loads(jsv.dumps(tree, indent="\t"), trim=True), tree)


def test_every_sample_file_is_checked() -> None:
    assert sorted(p.name for p in SAMPLES.glob("*.jsv")) == sorted(SAMPLE_TREES)


def test_tab_indented_sample_exact_reading() -> None:
    # Read exactly, the tabs and newlines before keys and after values are data.
    tree = jsv.loads((SAMPLES / "evovoice-LiveAnswerCallback-request.jsv").read_text())
    assert tree["\n\tsessionId"] == " String"
    assert tree["\n\ttranscript"][0]["\n\t\t\tdate"] == " 0001-01-01"
    assert tree["\n\tattachments"][0]["\n\t\t\tdata"] == " String\n\t\t"


def test_single_line_sample_reformatted() -> None:
    text = (SAMPLES / "AltQueryItems-response-single-line.jsv").read_text()
    assert jsv.reformat(text, indent=None) == (
        "{offset:0,total:0,results:[{name:String,description:String}],meta:{String:String},"
        "responseStatus:{errorCode:String,message:String,stackTrace:String,errors:[{errorCode:"
        "String,fieldName:String,message:String,meta:{String:String}}],meta:{String:String}}}"
    )
