"""Typed decoding and encoding of scalars: every form of spec §5, read and written.

Each accepted form is checked at the top level, as a map value (bare, padded with
whitespace and quoted: §5 ignores both for every type but ``str``) and as a list item; each
rejected form with the exact message. Values are compared by type and ``repr`` so that an
offset, a Decimal's scale or a float's sign cannot hide behind ``==``.
"""

# ruff: noqa: UP045
# (typing.Optional is spelled out on purpose: it is what generated DTOs use.)
from __future__ import annotations

import datetime as dt
import enum
import math
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Optional

import pytest
from shared import Permission, Priority

import jsv

UTC = dt.UTC


def tz(hours: int, minutes: int = 0) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours, minutes=minutes))


def same(actual: Any, expected: Any) -> None:
    """Equal, of the same type and with the same repr (offsets, scale, sign of zero)."""
    assert type(actual) is type(expected)
    if isinstance(expected, float | Decimal) and expected != expected:  # NaN
        assert actual != actual
        return
    assert actual == expected
    assert repr(actual) == repr(expected)


def dict_of(tp: Any) -> Any:
    """``dict_of(tp)`` for a ``tp`` known only at run time."""
    return dict.__class_getitem__((str, tp))


def list_of(tp: Any) -> Any:
    return list.__class_getitem__(tp)


def invalid(doc: str, tp: Any, **options: Any) -> jsv.ValidationError:
    with pytest.raises(jsv.ValidationError) as info:
        jsv.loads(doc, type=tp, **options)
    return info.value


class Color(str, enum.Enum):  # noqa: UP042 (as ServiceStack DTOs write enums)
    NONE = "None"
    RED = "Red"
    LIGHT_BLUE = "Light Blue"
    SPECIAL = "a, b: {c}"


class Plain(enum.Enum):
    A = "a"
    B = "b"


SAMPLE_UUID = uuid.UUID("01234567-89ab-cdef-0123-456789abcdef")
GUID = uuid.UUID("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9")
# .NET TimeSpan.MaxValue, 10675199.02:48:05.4775807, to the microsecond; MinValue
# (-10675199.02:48:05.4775808) is its negative to the microsecond.
TIMESPAN_MAX = dt.timedelta(days=10675199, seconds=2 * 3600 + 48 * 60 + 5, microseconds=477580)

# (type, text, value): every form §5 reads.
ACCEPTED: list[tuple[Any, str, Any]] = [
    # bool
    (bool, "True", True),
    (bool, "False", False),
    (bool, "true", True),
    (bool, "FALSE", False),
    (bool, "tRuE", True),
    (bool, "1", True),
    (bool, "0", False),
    # int
    (int, "5", 5),
    (int, "-5", -5),
    (int, "0", 0),
    (int, "-0", 0),
    (int, "0101", 101),
    (int, "000", 0),
    (int, "123456789012345678901234567890", 123456789012345678901234567890),
    # float: .NET forms and Python forms
    (float, "1", 1.0),
    (float, "0.5", 0.5),
    (float, "-2.25", -2.25),
    (float, "1E+15", 1e15),
    (float, "1E-05", 1e-05),
    (float, "1.2345678901234568E+17", 1.2345678901234568e17),
    (float, "NaN", math.nan),
    (float, "Infinity", math.inf),
    (float, "-Infinity", -math.inf),
    (float, "1e+20", 1e20),
    (float, "1e20", 1e20),
    (float, "inf", math.inf),
    (float, "-inf", -math.inf),
    (float, "nan", math.nan),
    (float, "1.0", 1.0),
    (float, "-0", -0.0),
    (float, ".5", 0.5),
    # Decimal: scale kept, exponent forms read
    (Decimal, "1.50", Decimal("1.50")),
    (Decimal, "-0.001", Decimal("-0.001")),
    (Decimal, "100", Decimal("100")),
    (Decimal, "1E+3", Decimal("1E+3")),
    (Decimal, "1.5e-7", Decimal("1.5E-7")),
    (Decimal, "NaN", Decimal("NaN")),
    (Decimal, "Infinity", Decimal("Infinity")),
    (Decimal, "-Infinity", Decimal("-Infinity")),
    # datetime
    (dt.datetime, "2025-01-15", dt.datetime(2025, 1, 15)),
    (dt.datetime, "0001-01-01", dt.datetime(1, 1, 1)),
    (dt.datetime, "2025-01-15T09:30:00", dt.datetime(2025, 1, 15, 9, 30)),
    (dt.datetime, "2025-01-15 09:30:00", dt.datetime(2025, 1, 15, 9, 30)),
    (dt.datetime, "2025-01-15T09:30", dt.datetime(2025, 1, 15, 9, 30)),
    (dt.datetime, "2025-01-15T09:30:00.5", dt.datetime(2025, 1, 15, 9, 30, 0, 500000)),
    (dt.datetime, "2025-01-15T09:30:00.123456", dt.datetime(2025, 1, 15, 9, 30, 0, 123456)),
    (dt.datetime, "2025-01-15T09:30:00.1234567", dt.datetime(2025, 1, 15, 9, 30, 0, 123456)),
    (
        dt.datetime,
        "2025-01-15T09:30:00.123456789",
        dt.datetime(2025, 1, 15, 9, 30, 0, 123456),
    ),
    (dt.datetime, "2025-01-15T09:30:00Z", dt.datetime(2025, 1, 15, 9, 30, tzinfo=UTC)),
    (
        dt.datetime,
        "2025-01-15T09:30:00.1234560Z",
        dt.datetime(2025, 1, 15, 9, 30, 0, 123456, UTC),
    ),
    (
        dt.datetime,
        "2025-06-27T11:39:29.4490437-04:00",
        dt.datetime(2025, 6, 27, 11, 39, 29, 449043, tz(-4)),
    ),
    (dt.datetime, "2025-01-15T09:30:00+05:30", dt.datetime(2025, 1, 15, 9, 30, tzinfo=tz(5, 30))),
    (dt.datetime, "2025-01-15T09:30:00+0530", dt.datetime(2025, 1, 15, 9, 30, tzinfo=tz(5, 30))),
    (dt.datetime, "2025-01-15T09:30:00-00:00", dt.datetime(2025, 1, 15, 9, 30, tzinfo=tz(0))),
    (dt.datetime, "20250115", dt.datetime(2025, 1, 15)),
    # without zero padding, as .NET's DateTime.Parse reads it
    (dt.datetime, "2011-8-4", dt.datetime(2011, 8, 4)),
    (dt.datetime, "2011-8-05", dt.datetime(2011, 8, 5)),
    (dt.datetime, "2011-09-4", dt.datetime(2011, 9, 4)),
    (dt.datetime, "2011-8-4T5:06:07", dt.datetime(2011, 8, 4, 5, 6, 7)),
    (dt.datetime, "2011-8-4T5:6:7", dt.datetime(2011, 8, 4, 5, 6, 7)),
    (dt.datetime, "2011-08-04T05:6:07", dt.datetime(2011, 8, 4, 5, 6, 7)),
    (dt.datetime, "2011-8-4 5:6", dt.datetime(2011, 8, 4, 5, 6)),
    (dt.datetime, "2011-8-4T5:6:7.25Z", dt.datetime(2011, 8, 4, 5, 6, 7, 250000, UTC)),
    (dt.datetime, "2011-8-4T5:06:07+08:00", dt.datetime(2011, 8, 4, 5, 6, 7, tzinfo=tz(8))),
    # WCF dates: milliseconds since the epoch, UTC unless an offset is given
    (dt.datetime, "/Date(1700000000000)/", dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
    (dt.datetime, "/Date(-1000)/", dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)),
    (dt.datetime, "/Date(0)/", dt.datetime(1970, 1, 1, tzinfo=UTC)),
    (
        dt.datetime,
        "\\/Date(1340767564524)\\/",
        dt.datetime(2012, 6, 27, 3, 26, 4, 524000, tzinfo=UTC),
    ),
    (
        dt.datetime,
        "\\/Date(1340767564524+0800)\\/",
        dt.datetime(2012, 6, 27, 11, 26, 4, 524000, tzinfo=tz(8)),
    ),
    (
        dt.datetime,
        "/Date(1340767564524+0800)/",
        dt.datetime(2012, 6, 27, 11, 26, 4, 524000, tzinfo=tz(8)),
    ),
    (dt.datetime, "\\/Date(-1000)\\/", dt.datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)),
    (
        dt.datetime,
        "/Date(1700000000000-0500)/",
        dt.datetime(2023, 11, 14, 17, 13, 20, tzinfo=tz(-5)),
    ),
    (
        dt.datetime,
        "/Date(1700000000000+0100)/",
        dt.datetime(2023, 11, 14, 23, 13, 20, tzinfo=tz(1)),
    ),
    # date
    (dt.date, "2025-01-15", dt.date(2025, 1, 15)),
    (dt.date, "2025-01-15T00:00:00", dt.date(2025, 1, 15)),
    (dt.date, "2025-01-15T00:00:00.0000000", dt.date(2025, 1, 15)),
    (dt.date, "20250115", dt.date(2025, 1, 15)),
    (dt.date, "0001-01-01", dt.date(1, 1, 1)),
    (dt.date, "2011-8-4", dt.date(2011, 8, 4)),
    (dt.date, "2011-8-05", dt.date(2011, 8, 5)),
    (dt.date, "2011-09-4", dt.date(2011, 9, 4)),
    (dt.date, "2011-8-4T0:0:0", dt.date(2011, 8, 4)),
    (dt.date, "/Date(1340755200000)/", dt.date(2012, 6, 27)),
    (dt.date, "\\/Date(1340755200000)\\/", dt.date(2012, 6, 27)),
    # time
    (dt.time, "PT13H13M13S", dt.time(13, 13, 13)),
    (dt.time, "PT0S", dt.time(0)),
    (dt.time, "PT9H5M", dt.time(9, 5)),
    (dt.time, "PT23H59M59.9999999S", dt.time(23, 59, 59, 999999)),
    (dt.time, "13:13", dt.time(13, 13)),
    (dt.time, "13:13:13", dt.time(13, 13, 13)),
    (dt.time, "13:13:13.5", dt.time(13, 13, 13, 500000)),
    (dt.time, "9:05", dt.time(9, 5)),
    (dt.time, "9:5", dt.time(9, 5)),
    (dt.time, "1:2:3", dt.time(1, 2, 3)),
    (dt.time, "1:2:3.5", dt.time(1, 2, 3, 500000)),
    # timedelta
    (dt.timedelta, "PT0S", dt.timedelta()),
    (dt.timedelta, "P1D", dt.timedelta(days=1)),
    (dt.timedelta, "PT1H30M", dt.timedelta(hours=1, minutes=30)),
    (dt.timedelta, "PT0.001S", dt.timedelta(milliseconds=1)),
    (dt.timedelta, "P1DT1.5S", dt.timedelta(days=1, seconds=1.5)),
    (dt.timedelta, "-PT0.5S", -dt.timedelta(seconds=0.5)),
    (dt.timedelta, "-P1DT2H", -dt.timedelta(days=1, hours=2)),
    (dt.timedelta, "PT1.1234567S", dt.timedelta(seconds=1, microseconds=123456)),
    (dt.timedelta, "02:03:04", dt.timedelta(hours=2, minutes=3, seconds=4)),
    (dt.timedelta, "1.02:03:04.5", dt.timedelta(days=1, hours=2, minutes=3, seconds=4.5)),
    (dt.timedelta, "-00:00:01", -dt.timedelta(seconds=1)),
    (dt.timedelta, "00:01", dt.timedelta(minutes=1)),
    (dt.timedelta, "90", dt.timedelta(seconds=90)),
    (dt.timedelta, "1.5", dt.timedelta(seconds=1.5)),
    # .NET TimeSpan.Parse's one-digit parts
    (dt.timedelta, "1:2:3", dt.timedelta(hours=1, minutes=2, seconds=3)),
    (dt.timedelta, "1.2:3:4.5", dt.timedelta(days=1, hours=2, minutes=3, seconds=4.5)),
    (dt.timedelta, "1:2", dt.timedelta(hours=1, minutes=2)),
    (dt.timedelta, "1.2:3", dt.timedelta(days=1, hours=2, minutes=3)),
    (dt.timedelta, "-1:2:3", -dt.timedelta(hours=1, minutes=2, seconds=3)),
    (dt.timedelta, "0:0:0.5", dt.timedelta(seconds=0.5)),
    (dt.timedelta, "12.1:02:3", dt.timedelta(days=12, hours=1, minutes=2, seconds=3)),
    # TimeSpan.MaxValue and MinValue, in every form the reference writes them
    (dt.timedelta, "10675199.02:48:05.4775807", TIMESPAN_MAX),
    (dt.timedelta, "-10675199.02:48:05.4775808", -TIMESPAN_MAX),
    (dt.timedelta, "P10675199DT2H48M5.4775807S", TIMESPAN_MAX),
    (dt.timedelta, "P10675199DT2H48M5.4775391S", TIMESPAN_MAX),
    (dt.timedelta, "-P10675199DT2H48M5.4775808S", -TIMESPAN_MAX),
    (dt.timedelta, "-P10675199DT2H48M5.4775391S", -TIMESPAN_MAX),
    (dt.timedelta, "-P10675199DT2H48M5.4775807S", -TIMESPAN_MAX),
    # a neighbour of the double-rounded text is read as written
    (
        dt.timedelta,
        "P10675199DT2H48M5.4775392S",
        dt.timedelta(days=10675199, seconds=10085, microseconds=477539),
    ),
    # UUID
    (uuid.UUID, "0123456789abcdef0123456789abcdef", SAMPLE_UUID),
    (uuid.UUID, "0123456789ABCDEF0123456789ABCDEF", SAMPLE_UUID),
    (
        uuid.UUID,
        "01234567-89ab-cdef-0123-456789abcdef",
        SAMPLE_UUID,
    ),
    (
        uuid.UUID,
        '"{01234567-89AB-CDEF-0123-456789ABCDEF}"',
        SAMPLE_UUID,
    ),
    (uuid.UUID, "00000000000000000000000000000000", uuid.UUID(int=0)),
    # .NET's four Guid formats, any case: N, D, B (braces), P (parentheses)
    (uuid.UUID, "0a1b2c3d4e5f60718293a4b5c6d7e8f9", GUID),
    (uuid.UUID, "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9", GUID),
    (uuid.UUID, '"{0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9}"', GUID),
    (uuid.UUID, "(0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9)", GUID),
    (uuid.UUID, "(0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9)", GUID),
    (uuid.UUID, "(0a1B2c3D-4E5f-6071-8293-a4B5C6d7e8F9)", GUID),
    # bytes
    (bytes, "AA==", b"\x00"),
    (bytes, "aGVsbG8=", b"hello"),
    (bytes, "+/8=", b"\xfb\xff"),
    (bytes, '""', b""),
    (bytearray, "aGk=", bytearray(b"hi")),
    # str-valued enums: value, then name, any case
    (Color, "Red", Color.RED),
    (Color, "red", Color.RED),
    (Color, "RED", Color.RED),
    (Color, "None", Color.NONE),
    (Color, "NONE", Color.NONE),
    (Color, "none", Color.NONE),
    (Color, "Light Blue", Color.LIGHT_BLUE),
    (Color, "light blue", Color.LIGHT_BLUE),
    (Color, "LIGHT_BLUE", Color.LIGHT_BLUE),
    (Color, '"a, b: {c}"', Color.SPECIAL),
    (Color, "SPECIAL", Color.SPECIAL),
    (Optional[Color], "None", Color.NONE),
    (Plain, "a", Plain.A),
    (Plain, "B", Plain.B),
    # int enums and flags: numbers or names
    (Priority, "1", Priority.LOW),
    (Priority, "02", Priority.HIGH),
    (Priority, "HIGH", Priority.HIGH),
    (Priority, "high", Priority.HIGH),
    (Permission, "4", Permission.READ),
    (Permission, "6", Permission.READ | Permission.WRITE),
    (Permission, "0", Permission(0)),
    (Permission, "READ", Permission.READ),
    (Permission, "execute", Permission.EXECUTE),
    (Permission, '"READ,WRITE"', Permission.READ | Permission.WRITE),
    (Permission, '"READ, WRITE, EXECUTE"', Permission.READ | Permission.WRITE | Permission.EXECUTE),
    # Literal: exact text; int and bool literals in their other spellings
    (Literal["x", "y"], "y", "y"),
    (Literal[1, 2], "2", 2),
    (Literal[1, 2], "02", 2),
    (Literal[True], "true", True),
    (Literal["x", 1, True], "1", 1),
    (Literal[Color.RED], "Red", Color.RED),
    # str keeps everything
    (str, "Hello World!", "Hello World!"),
    (str, '"Me, Junior"', "Me, Junior"),
    (str, '"2"" x 1"""', '2" x 1"'),
    (str, '""', ""),
    (str, "None", "None"),
    (str, "http://a.b", "http://a.b"),
]


def _id(case: tuple[Any, str, Any]) -> str:
    tp, text, _ = case
    return f"{getattr(tp, '__name__', tp)}:{text}"


@pytest.mark.parametrize("case", ACCEPTED, ids=_id)
def test_accepted_forms(case: tuple[Any, str, Any]) -> None:
    tp, text, value = case
    same(jsv.loads(text, type=tp), value)
    same(jsv.loads(f"{{v:{text}}}", type=dict_of(tp))["v"], value)
    same(jsv.loads(f"[{text}]", type=list_of(tp))[0], value)
    same(jsv.loads(f"[{text}]", type=list_of(tp), trim=True)[0], value)


@pytest.mark.parametrize("case", [c for c in ACCEPTED if c[0] is not str], ids=_id)
def test_whitespace_and_one_level_of_quotes_are_ignored_except_for_str(
    case: tuple[Any, str, Any],
) -> None:
    tp, text, value = case
    if text.startswith('"'):
        body = text[1:-1]  # quotes still doubled
        forms = [f" {text} ", f'"  {body}\t"']
    else:
        forms = [f'"{text}"', f" {text} ", f'"  {text}\t"', f"\t{text}\n"]
    for form in forms:
        same(jsv.loads(f"{{v:{form}}}", type=dict_of(tp))["v"], value)
        same(jsv.loads(f"[{form},{form}]", type=list_of(tp))[1], value)
        same(jsv.loads(form, type=tp), value)


def test_str_keeps_whitespace_and_quotes_in_exact_mode() -> None:
    assert jsv.loads("{v: 5 }", type=dict[str, str]) == {"v": " 5 "}
    assert jsv.loads('{v:" 5 "}', type=dict[str, str]) == {"v": " 5 "}
    assert jsv.loads("{v: 5 }", type=dict[str, str], trim=True) == {"v": "5"}
    assert jsv.loads('{v:" 5 "}', type=dict[str, str], trim=True) == {"v": " 5 "}
    # a quote that does not start the value is data
    assert jsv.loads('{v:a"b"}', type=dict[str, str]) == {"v": 'a"b"'}


# (type, text, message): forms §5 rejects, with the exact message.
REJECTED: list[tuple[Any, str, str]] = [
    (bool, "yes", "Expected bool, got 'yes'"),
    (bool, "2", "Expected bool, got '2'"),
    (bool, "Truee", "Expected bool, got 'Truee'"),
    (bool, "T", "Expected bool, got 'T'"),
    (int, "+5", "Expected int, got '+5'"),
    (int, "5.0", "Expected int, got '5.0'"),
    (int, "1e3", "Expected int, got '1e3'"),
    (int, '"1,000"', "Expected int, got '1,000'"),
    (int, "0x10", "Expected int, got '0x10'"),
    (int, "1_000", "Expected int, got '1_000'"),
    (int, "- 5", "Expected int, got '- 5'"),
    (int, "٣", "Expected int, got '٣'"),
    (int, "five", "Expected int, got 'five'"),
    (float, '"1,111.1"', "Expected float, got '1,111.1'"),
    (float, '"1,5"', "Expected float, got '1,5'"),
    (float, "1_000.5", "Expected float, got '1_000.5'"),
    (float, "0x1p3", "Expected float, got '0x1p3'"),
    (float, "1.5f", "Expected float, got '1.5f'"),
    (float, "e5", "Expected float, got 'e5'"),
    (float, "Infinit", "Expected float, got 'Infinit'"),
    (Decimal, '"1,000"', "Expected Decimal, got '1,000'"),
    (Decimal, "1_000", "Expected Decimal, got '1_000'"),
    (Decimal, "abc", "Expected Decimal, got 'abc'"),
    (dt.datetime, "2025-001-15", "Expected datetime, got '2025-001-15'"),
    (dt.datetime, "25-1-15", "Expected datetime, got '25-1-15'"),
    (dt.datetime, "2011-8-4T5", "Expected datetime, got '2011-8-4T5'"),
    (dt.datetime, "2011-8-4T005:06", "Expected datetime, got '2011-8-4T005:06'"),
    (dt.datetime, "2011-8-4T5:060:07", "Expected datetime, got '2011-8-4T5:060:07'"),
    (dt.datetime, "2011-8-4T5:6:7:8", "Expected datetime, got '2011-8-4T5:6:7:8'"),
    (dt.datetime, "2011-0-4", "Expected datetime, got '2011-0-4' (month must be in 1..12)"),
    (
        dt.datetime,
        "2011-8-0",
        "Expected datetime, got '2011-8-0' (day is out of range for month)",
    ),
    (
        dt.datetime,
        "2011-8-4T5:60",
        "Expected datetime, got '2011-8-4T5:60' (minute must be in 0..59)",
    ),
    (dt.datetime, "15/01/2025", "Expected datetime, got '15/01/2025'"),
    (dt.datetime, "2025-01-15T", "Expected datetime, got '2025-01-15T'"),
    (dt.datetime, "2025-01-15T09", "Expected datetime, got '2025-01-15T09'"),
    (
        dt.datetime,
        "2025-13-01",
        "Expected datetime, got '2025-13-01' (month must be in 1..12)",
    ),
    (
        dt.datetime,
        "2025-02-30",
        "Expected datetime, got '2025-02-30' (day is out of range for month)",
    ),
    (
        dt.datetime,
        "2025-01-15T24:00:00",
        "Expected datetime, got '2025-01-15T24:00:00' (hour must be in 0..23)",
    ),
    (dt.datetime, "/Date(abc)/", "Expected datetime, got '/Date(abc)/'"),
    # both slashes escaped, or neither
    (dt.datetime, "\\/Date(0)/", "Expected datetime, got '\\\\/Date(0)/'"),
    (dt.datetime, "/Date(0)\\/", "Expected datetime, got '/Date(0)\\\\/'"),
    (dt.datetime, "\\\\/Date(0)\\\\/", "Expected datetime, got '\\\\\\\\/Date(0)\\\\\\\\/'"),
    (dt.datetime, "Date(0)", "Expected datetime, got 'Date(0)'"),
    (dt.datetime, "now", "Expected datetime, got 'now'"),
    (
        dt.date,
        "2025-01-15T01:00:00",
        "Expected date, got '2025-01-15T01:00:00' (a time of day other than midnight)",
    ),
    (
        dt.date,
        "2025-01-15T00:00:00.5",
        "Expected date, got '2025-01-15T00:00:00.5' (a time of day other than midnight)",
    ),
    (dt.date, "2025-01", "Expected date, got '2025-01'"),
    (
        dt.date,
        "2011-8-4T5:06:07",
        "Expected date, got '2011-8-4T5:06:07' (a time of day other than midnight)",
    ),
    (
        dt.date,
        "/Date(1340767564524)/",
        "Expected date, got '/Date(1340767564524)/' (a time of day other than midnight)",
    ),
    (dt.date, "2025-13-01", "Expected date, got '2025-13-01' (month must be in 1..12)"),
    (dt.time, "P1D", "Expected time, got 'P1D'"),
    (dt.time, "PT24H", "Expected time, got 'PT24H'"),
    (dt.time, "-PT1H", "Expected time, got '-PT1H'"),
    (dt.time, "25:00", "Expected time, got '25:00'"),
    (dt.time, "13", "Expected time, got '13'"),
    (dt.time, "noon", "Expected time, got 'noon'"),
    (dt.time, "1:234", "Expected time, got '1:234'"),
    (dt.timedelta, "P", "Expected timedelta, got 'P'"),
    (dt.timedelta, "PT", "Expected timedelta, got 'PT'"),
    (dt.timedelta, "P1DT", "Expected timedelta, got 'P1DT'"),
    (dt.timedelta, "P1Y", "Expected timedelta, got 'P1Y'"),
    (dt.timedelta, "1 day", "Expected timedelta, got '1 day'"),
    (dt.timedelta, '"1,5"', "Expected timedelta, got '1,5'"),
    (dt.timedelta, "1:234", "Expected timedelta, got '1:234'"),
    (dt.timedelta, "123:4", "Expected timedelta, got '123:4'"),
    (dt.timedelta, "1:2:345", "Expected timedelta, got '1:2:345'"),
    (dt.timedelta, "1:2:3.", "Expected timedelta, got '1:2:3.'"),
    (dt.timedelta, "1.:2:3", "Expected timedelta, got '1.:2:3'"),
    # .NET's TimeSpan.Parse bounds (an XSD duration has none: PT90M is 90 minutes)
    (dt.timedelta, "1:60", "Expected timedelta, got '1:60' (minutes must be 0-59)"),
    (dt.timedelta, "1:99:00", "Expected timedelta, got '1:99:00' (minutes must be 0-59)"),
    (dt.timedelta, "-0:0:60", "Expected timedelta, got '-0:0:60' (seconds must be 0-59)"),
    (dt.timedelta, "24:00", "Expected timedelta, got '24:00' (hours must be 0-23)"),
    (dt.timedelta, "1.24:00:00", "Expected timedelta, got '1.24:00:00' (hours must be 0-23)"),
    # digits are ASCII digits: int() would read other scripts' digits
    (
        dt.date,
        "\uff12\uff10\uff12\uff14-01-01",
        "Expected date, got '\uff12\uff10\uff12\uff14-01-01'",
    ),
    (dt.date, "2024-0\u0661-01", "Expected date, got '2024-0\u0661-01'"),
    (dt.date, "/Date(\uff11)/", "Expected date, got '/Date(\uff11)/'"),
    (dt.datetime, "2024-01-01T1\u0660:00", "Expected datetime, got '2024-01-01T1\u0660:00'"),
    (dt.datetime, "2024010\u0661", "Expected datetime, got '2024010\u0661'"),
    (dt.time, "1\u0662:00", "Expected time, got '1\u0662:00'"),
    (dt.timedelta, "PT\uff11H", "Expected timedelta, got 'PT\uff11H'"),
    (dt.timedelta, "\u0661:00", "Expected timedelta, got '\u0661:00'"),
    (uuid.UUID, "\u0661" * 32, "Expected UUID, got '" + "\u0661" * 32 + "'"),
    (uuid.UUID, "xyz", "Expected UUID, got 'xyz'"),
    (
        uuid.UUID,
        "0123456789abcdef" * 2 + "0",
        "Expected UUID, got '" + "0123456789abcdef" * 2 + "0'",
    ),
    (
        uuid.UUID,
        "0123456789abcdef" * 2 + "g",
        "Expected UUID, got '" + "0123456789abcdef" * 2 + "g'",
    ),
    # forms Python's uuid.UUID reads but .NET's Guid parser does not
    (
        uuid.UUID,
        "urn:uuid:0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
        "Expected UUID, got 'urn:uuid:0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9'",
    ),
    (
        uuid.UUID,
        "urn:uuid:0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        "Expected UUID, got 'urn:uuid:0a1b2c3d4e5f60718293a4b5c6d7e8f9'",
    ),
    (
        uuid.UUID,
        "0a1b-2c3d-4e5f-6071-8293-a4b5-c6d7-e8f9",
        "Expected UUID, got '0a1b-2c3d-4e5f-6071-8293-a4b5-c6d7-e8f9'",
    ),
    (
        uuid.UUID,
        "0a1b2c3d4e5f-6071-8293-a4b5c6d7e8f9",
        "Expected UUID, got '0a1b2c3d4e5f-6071-8293-a4b5c6d7e8f9'",
    ),
    (
        uuid.UUID,
        '"{0a1b2c3d4e5f60718293a4b5c6d7e8f9}"',
        "Expected UUID, got '{0a1b2c3d4e5f60718293a4b5c6d7e8f9}'",
    ),
    # and anything else that is not exactly N, D, B or P
    (
        uuid.UUID,
        "(0a1b2c3d4e5f60718293a4b5c6d7e8f9)",
        "Expected UUID, got '(0a1b2c3d4e5f60718293a4b5c6d7e8f9)'",
    ),
    (
        uuid.UUID,
        "(0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9",
        "Expected UUID, got '(0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9'",
    ),
    (
        uuid.UUID,
        '"{0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9)"',
        "Expected UUID, got '{0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9)'",
    ),
    (
        uuid.UUID,
        '"0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9}"',
        "Expected UUID, got '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9}'",
    ),
    (
        uuid.UUID,
        "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f",
        "Expected UUID, got '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f'",
    ),
    (
        uuid.UUID,
        "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8fg",
        "Expected UUID, got '0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8fg'",
    ),
    (
        uuid.UUID,
        '"{0x0a1b2c3d,0x4e5f,0x6071,{0x82,0x93,0xa4,0xb5,0xc6,0xd7,0xe8,0xf9}}"',
        "Expected UUID, got '{0x0a1b2c3d,0x4e5f,0x6071,{0x82,0x93,0xa4,0xb5,0xc6,0xd7,...'",
    ),
    (bytes, "AA", "Expected base64 bytes, got 'AA'"),
    (bytes, "A===", "Expected base64 bytes, got 'A==='"),
    (bytes, "-_8=", "Expected base64 bytes, got '-_8='"),
    (bytes, "aGVsbG8", "Expected base64 bytes, got 'aGVsbG8'"),
    (bytes, '"aGV sbG8="', "Expected base64 bytes, got 'aGV sbG8='"),
    (bytes, "aGVs*G8=", "Expected base64 bytes, got 'aGVs*G8='"),
    (Color, "Green", "Expected Color, got 'Green'"),
    (Color, "'None'", "Expected Color, got \"'None'\""),
    (Color, "LightBlue", "Expected Color, got 'LightBlue'"),
    (Plain, "c", "Expected Plain, got 'c'"),
    (Priority, "3", "Expected Priority, got '3'"),
    (Priority, "-1", "Expected Priority, got '-1'"),
    (Priority, "+1", "Expected Priority, got '+1'"),
    (Priority, '"LOW,HIGH"', "Expected Priority, got 'LOW,HIGH'"),
    (Permission, '"READ,DELETE"', "Expected Permission, got 'READ,DELETE'"),
    (Permission, "ALL", "Expected Permission, got 'ALL'"),
    (Literal["x", "y"], "X", "Expected one of 'x', 'y', got 'X'"),
    (Literal["x", "y"], "z", "Expected one of 'x', 'y', got 'z'"),
    (Literal[1, 2], "3", "Expected one of 1, 2, got '3'"),
    (Literal[1, 2], "1.0", "Expected one of 1, 2, got '1.0'"),
    (Literal[True], "False", "Expected one of True, got 'False'"),
]


@pytest.mark.parametrize("case", REJECTED, ids=_id)
def test_rejected_forms(case: tuple[Any, str, str]) -> None:
    tp, text, message = case
    error = invalid(text, tp)
    assert error.msg == message
    assert error.path == "$"
    assert (error.pos, error.lineno, error.colno) == (0, 1, 1)
    assert str(error) == f"{message} at $: line 1 column 1 (char 0)"
    error = invalid(f"{{a:{{value:{text}}}}}", dict_of(dict_of(tp)))
    assert (error.msg, error.path, error.pos, error.colno) == (message, '$["a"]["value"]', 10, 11)
    error = invalid(f"[\n  {text},\n  {text}\n]", list_of(tp), trim=True)
    assert (error.msg, error.path) == (message, "$[0]")
    assert (error.pos, error.lineno, error.colno) == (4, 2, 3)


def test_an_int_beyond_pythons_digit_limit_is_a_validation_error() -> None:
    digits = "1" * 5000
    for doc, tp, path in (
        (digits, int, "$"),
        (f"[{digits}]", list_of(int), "$[0]"),
        (f"{{a:{digits}}}", dict_of(int), '$["a"]'),
    ):
        error = invalid(doc, tp)
        assert error.msg.startswith("Expected int, got '111")
        assert "(Exceeds the limit (4300 digits) for integer string conversion" in error.msg
        assert error.path == path


def test_long_text_is_shortened_in_messages() -> None:
    error = invalid("x" * 100, int)
    assert error.msg == "Expected int, got '" + "x" * 57 + "...'"


def test_an_empty_value_is_not_a_scalar() -> None:
    for tp in (int, float, bool, Decimal, dt.datetime, uuid.UUID, bytes, Color, Priority):
        name = getattr(tp, "__name__", str(tp))
        error = invalid("[,]", list_of(tp))
        assert error.msg == f"Expected {name}, got an empty value"
        assert (error.path, error.pos) == ("$[0]", 1)
        error = invalid("{a:{b:}}", dict_of(dict_of(tp)))
        assert error.msg == f"Expected {name}, got an empty value"
        assert (error.path, error.pos) == ('$["a"]["b"]', 6)


def test_containers_are_not_scalars() -> None:
    assert invalid("{v:[1]}", dict[str, int]).msg == "Expected int, got a list"
    assert invalid("{v:{a:1}}", dict[str, int]).msg == "Expected int, got a map"
    assert invalid("{v:[]}", dict[str, float]).msg == "Expected float, got a list"
    assert invalid("{v:{}}", dict[str, Color]).msg == "Expected Color, got a map"
    assert invalid("[[x]]", list[Literal["x"]]).msg == "Expected one of 'x', got a list"


def test_naive_and_aware_datetimes_stay_as_written() -> None:
    naive = jsv.loads("2025-01-15T09:30:00", type=dt.datetime)
    assert naive.tzinfo is None
    aware = jsv.loads("2025-01-15T09:30:00-04:00", type=dt.datetime)
    assert aware.utcoffset() == dt.timedelta(hours=-4)
    assert aware.hour == 9  # never converted


def test_wcf_dates_without_an_offset_are_utc() -> None:
    for text in ("/Date(1340767564524)/", "\\/Date(1340767564524)\\/"):
        value = jsv.loads(text, type=dt.datetime)
        assert value.tzinfo is UTC
        assert value == dt.datetime(2012, 6, 27, 3, 26, 4, 524000, UTC)
        assert jsv.dumps(value) == "2012-06-27T03:26:04.5240000Z"
    # an offset is the zone the instant is shown in; the milliseconds are UTC all the same
    shown = jsv.loads("\\/Date(1340767564524+0800)\\/", type=dt.datetime)
    assert shown == jsv.loads("/Date(1340767564524)/", type=dt.datetime)
    assert jsv.dumps(shown) == "2012-06-27T11:26:04.5240000+08:00"


def test_forms_read_from_the_reference_are_written_in_the_usual_forms() -> None:
    cases: list[tuple[Any, str, str]] = [
        (dt.date, "2011-8-4", "2011-08-04"),
        (dt.datetime, "2011-8-4", "2011-08-04"),
        (dt.datetime, "2011-8-4T5:6:7", "2011-08-04T05:06:07"),
        (dt.time, "1:2:3", "PT1H2M3S"),
        (dt.timedelta, "1:2:3", "PT1H2M3S"),
        (dt.timedelta, "1.2:3:4.5", "P1DT2H3M4.5S"),
        (dt.timedelta, "P10675199DT2H48M5.4775391S", "P10675199DT2H48M5.47758S"),
        (dt.timedelta, "-P10675199DT2H48M5.4775808S", "-P10675199DT2H48M5.47758S"),
        (uuid.UUID, "(0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9)", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
    ]
    for tp, text, written in cases:
        value = jsv.loads(text, type=tp)
        assert jsv.dumps(value) == written
        same(jsv.loads(written, type=tp), value)


def test_timespan_bounds_are_read_to_the_microsecond() -> None:
    # TimeSpan.MaxValue is 2**63 - 1 ticks of 100 ns, MinValue -2**63; to the microsecond
    # (toward zero, as every fraction is read) both are 922337203685477580 microseconds.
    micro = dt.timedelta(microseconds=1)
    assert TIMESPAN_MAX // micro == (2**63 - 1) // 10 == 922337203685477580
    assert jsv.loads("P10675199DT2H48M5.4775391S", type=dt.timedelta) // micro == (2**63 - 1) // 10
    assert jsv.loads("-P10675199DT2H48M5.4775808S", type=dt.timedelta) // micro == -(2**63 // 10)
    # the double-rounded seconds read as written would be 477539 microseconds, 41 short
    literal = jsv.loads("P10675199DT2H48M5.4775392S", type=dt.timedelta)
    assert TIMESPAN_MAX - literal == dt.timedelta(microseconds=41)
    # a list of them, as a ServiceStack DTO with TimeSpan fields writes it
    text = "[P10675199DT2H48M5.4775391S,-P10675199DT2H48M5.4775808S,PT0S]"
    assert jsv.loads(text, type=list[dt.timedelta]) == [TIMESPAN_MAX, -TIMESPAN_MAX, dt.timedelta()]


def test_guids_in_every_dotnet_format_are_dict_keys_too() -> None:
    text = "{(0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9):p,0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8FA:d}"
    assert jsv.loads(text, type=dict[uuid.UUID, str]) == {
        GUID: "p",
        uuid.UUID(int=GUID.int + 1): "d",
    }
    urn = "urn:uuid:0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"
    error = invalid(f'{{"{urn}":x}}', dict[uuid.UUID, str])
    assert (error.msg, error.path) == (f"Expected UUID, got '{urn}'", f'$["{urn}"]')


class Padded(str, enum.Enum):  # noqa: UP042
    PADDED = " padded "
    PLAIN = "padded"


def test_enum_values_with_edge_whitespace_are_quoted_and_read_back() -> None:
    assert jsv.dumps(Padded.PADDED) == '" padded "'
    assert jsv.loads('" padded "', type=Padded) is Padded.PADDED
    assert jsv.loads("{v: padded }", type=dict_of(Padded))["v"] is Padded.PADDED  # exact text
    assert jsv.loads("padded", type=Padded) is Padded.PLAIN
    assert jsv.loads("{v: padded }", type=dict_of(Padded), trim=True)["v"] is Padded.PLAIN


def test_enum_member_named_none_is_a_member_never_none() -> None:
    assert jsv.loads("None", type=Color) is Color.NONE
    assert jsv.loads("None", type=Optional[Color]) is Color.NONE
    assert jsv.loads("None", type=Color | None) is Color.NONE
    assert jsv.loads("", type=Optional[Color]) is None
    assert jsv.loads("[None,,Red]", type=list[Optional[Color]]) == [Color.NONE, None, Color.RED]


# ---- written forms ---------------------------------------------------------------------

# (value, text): what encoding writes, and decoding `text` into type(value) gives `value`.
WRITTEN: list[tuple[Any, str]] = [
    (True, "True"),
    (False, "False"),
    (0, "0"),
    (-42, "-42"),
    (10**30, "1" + "0" * 30),
    (1.0, "1"),
    (0.5, "0.5"),
    (-0.0, "-0"),
    (0.1, "0.1"),
    (123.456, "123.456"),
    (1e14, "100000000000000"),
    (1e15, "1E+15"),
    (1.5e15, "1.5E+15"),
    (1e16, "1E+16"),
    (1.2345678901234568e17, "1.2345678901234568E+17"),
    (0.0001, "0.0001"),
    (0.00001, "1E-05"),
    (1.5e-7, "1.5E-07"),
    (5e-324, "5E-324"),
    (1.7976931348623157e308, "1.7976931348623157E+308"),
    (math.inf, "Infinity"),
    (-math.inf, "-Infinity"),
    (Decimal("1.50"), "1.50"),
    (Decimal("-0.000001"), "-0.000001"),
    (Decimal("12345678901234567890.123"), "12345678901234567890.123"),
    (Decimal("Infinity"), "Infinity"),
    (dt.datetime(2025, 1, 15), "2025-01-15"),
    (dt.datetime(2025, 1, 15, 9, 30), "2025-01-15T09:30:00"),
    (dt.datetime(2025, 1, 15, 0, 0, 0, 1), "2025-01-15T00:00:00.0000010"),
    (dt.datetime(2025, 1, 15, 9, 30, 0, 123456), "2025-01-15T09:30:00.1234560"),
    (dt.datetime(2025, 1, 15, tzinfo=UTC), "2025-01-15T00:00:00Z"),
    (dt.datetime(2025, 1, 15, 9, 30, 0, 500000, UTC), "2025-01-15T09:30:00.5000000Z"),
    (dt.datetime(2025, 6, 27, 11, 39, 29, 449043, tz(-4)), "2025-06-27T11:39:29.4490430-04:00"),
    (dt.datetime(2025, 1, 15, 9, 30, tzinfo=tz(5, 30)), "2025-01-15T09:30:00+05:30"),
    (dt.datetime(1, 1, 1), "0001-01-01"),
    (dt.date(2025, 1, 15), "2025-01-15"),
    (dt.date(1, 1, 1), "0001-01-01"),
    (dt.time(13, 13, 13), "PT13H13M13S"),
    (dt.time(0), "PT0S"),
    (dt.time(9, 0), "PT9H"),
    (dt.time(23, 59, 59, 999999), "PT23H59M59.999999S"),
    (dt.timedelta(), "PT0S"),
    (dt.timedelta(days=1), "P1D"),
    (dt.timedelta(milliseconds=1), "PT0.001S"),
    (dt.timedelta(microseconds=1), "PT0.000001S"),
    (dt.timedelta(hours=1, minutes=30), "PT1H30M"),
    (dt.timedelta(days=1, seconds=1.5), "P1DT1.5S"),
    (dt.timedelta(days=2, hours=3, minutes=4, seconds=5), "P2DT3H4M5S"),
    (-dt.timedelta(seconds=0.5), "-PT0.5S"),
    (-dt.timedelta(days=1), "-P1D"),
    (uuid.UUID(int=0), "00000000000000000000000000000000"),
    (uuid.UUID("01234567-89AB-CDEF-0123-456789ABCDEF"), "0123456789abcdef0123456789abcdef"),
    (b"", '""'),
    (b"\x00", "AA=="),
    (b"\xfb\xff", "+/8="),
    (b"hello", "aGVsbG8="),
    (Color.RED, "Red"),
    (Color.NONE, "None"),
    (Color.LIGHT_BLUE, "Light Blue"),
    (Color.SPECIAL, '"a, b: {c}"'),
    (Plain.A, "a"),
    (Priority.HIGH, "2"),
    (Permission.READ | Permission.WRITE, "6"),
    (Permission(0), "0"),
    ("Me, Junior", '"Me, Junior"'),
    ('2" x 1"', '"2"" x 1"""'),
    ("http://a.b", '"http://a.b"'),
    ("Hello World!", "Hello World!"),
    (" a", '" a"'),
    ("", '""'),
    ("None", "None"),
]


@pytest.mark.parametrize("case", WRITTEN, ids=lambda c: repr(c[0]))
def test_written_forms_and_back(case: tuple[Any, str]) -> None:
    value, text = case
    assert jsv.dumps(value) == text
    assert jsv.dumps([value, value]) == f"[{text},{text}]"
    assert jsv.dumps({"v": value}) == f"{{v:{text}}}"
    same(jsv.loads(text, type=type(value)), value)
    same(jsv.loads(f"{{v:{text}}}", type=dict_of(type(value)))["v"], value)


class Options(enum.Flag):
    A = 1
    B = 2
    C = 4


def test_plain_flags_are_written_as_numbers_and_read_back() -> None:
    assert jsv.dumps(Options.A | Options.C) == "5"
    same(jsv.loads("5", type=Options), Options.A | Options.C)
    same(jsv.loads("0", type=Options), Options(0))
    same(jsv.loads('"A, B"', type=Options), Options.A | Options.B)
    same(jsv.loads("c", type=Options), Options.C)
    assert invalid("8", Options).msg == "Expected Options, got '8'"


def test_literal_with_none_is_optional() -> None:
    assert jsv.loads("", type=Literal["a", None]) is None
    assert jsv.loads("a", type=Literal["a", None]) == "a"
    assert jsv.loads("[a,,1]", type=list[Literal["a", 1, None]]) == ["a", None, 1]
    assert invalid("b", Literal["a", None]).msg == "Expected one of 'a', got 'b'"
    assert jsv.loads("", type=Literal[None]) is None
    assert invalid("a", Literal[None]).msg == "Expected an empty value, got 'a'"


def test_nan_is_written_as_dotnet_does() -> None:
    assert jsv.dumps(math.nan) == "NaN"
    assert math.isnan(jsv.loads("NaN", type=float))
    assert jsv.dumps(Decimal("NaN")) == "NaN"
    assert jsv.loads("NaN", type=Decimal).is_nan()


def test_bytearray_and_memoryview_are_written_as_base64() -> None:
    assert jsv.dumps(bytearray(b"hi")) == "aGk="
    assert jsv.dumps(memoryview(b"hi")) == "aGk="
    same(jsv.loads("aGk=", type=bytearray), bytearray(b"hi"))


def test_literal_values_are_written_as_themselves() -> None:
    @dataclass
    class Choice:
        kind: Literal["a", "b, c"]
        level: Literal[1, 2]

    assert jsv.dumps(Choice("b, c", 2)) == '{kind:"b, c",level:2}'
    assert jsv.loads('{kind:"b, c",level:2}', type=Choice) == Choice("b, c", 2)


def test_datetime_dict_keys_are_quoted() -> None:
    value = {dt.datetime(2025, 1, 15, 9, 30, tzinfo=UTC): 1, dt.datetime(2025, 1, 16): 2}
    text = jsv.dumps(value)
    assert text == '{"2025-01-15T09:30:00Z":1,2025-01-16:2}'
    assert jsv.loads(text, type=dict[dt.datetime, int]) == value


def test_scalar_dict_keys_are_converted() -> None:
    text = "{00000000000000000000000000000005:x,Red:y,2:z}"
    assert jsv.loads("{1:a,02:b}", type=dict[int, str]) == {1: "a", 2: "b"}
    assert jsv.loads(text, type=dict[str, str]) == {
        "00000000000000000000000000000005": "x",
        "Red": "y",
        "2": "z",
    }
    assert jsv.loads("{00000000000000000000000000000005:x}", type=dict[uuid.UUID, str]) == {
        uuid.UUID(int=5): "x"
    }
    assert jsv.loads("{Red:y,none:z}", type=dict[Color, str]) == {Color.RED: "y", Color.NONE: "z"}
    assert jsv.loads("{True:1,false:0}", type=dict[bool, int]) == {True: 1, False: 0}
    error = invalid("{1:a,x:b}", dict[int, str])
    assert (error.msg, error.path) == ("Expected int, got 'x'", '$["x"]')


def test_values_without_a_jsv_form_are_encode_errors() -> None:
    with pytest.raises(jsv.EncodeError, match=r"not a whole number of minutes \(at \$\.t\)"):
        jsv.dumps({"t": dt.datetime(2025, 1, 1, tzinfo=dt.timezone(dt.timedelta(seconds=30)))})
    with pytest.raises(jsv.EncodeError, match=r"a time with a UTC offset has no JSV form"):
        jsv.dumps(dt.time(1, tzinfo=UTC))
    with pytest.raises(jsv.EncodeError, match="signalling NaN"):
        jsv.dumps(Decimal("sNaN"))
