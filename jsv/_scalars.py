"""The written forms of spec §4-§5: Python scalars -> JSV text.

Each ``*_text`` function returns the text of one scalar; :func:`quote` applies the quoting
rule of §4. They raise :class:`ScalarError` (no path yet) for values without a JSV form; the
encoder adds the path.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import re
import uuid
from decimal import Decimal
from typing import Final


class ScalarError(ValueError):
    """A scalar value that has no JSV form (the encoder turns it into EncodeError)."""


# §4: quote when empty, when containing one of '":,{}[]' CR LF, when starting or ending
# with whitespace, or when starting with a byte-order mark.
_NEEDS_QUOTES: Final = re.compile(r'[":,{}\[\]\r\n]|^[\s\ufeff]|\s\Z').search


def quote(text: str) -> str:
    """Write a string by the rule of spec §4.

    >>> print(quote("Me, Junior"), quote("Hello World!"), quote(""), quote('say "hi" now'))
    "Me, Junior" Hello World! "" "say ""hi"" now"
    """
    if text and _NEEDS_QUOTES(text) is None:
        return text
    return '"' + text.replace('"', '""') + '"'


def float_text(value: float) -> str:
    """.NET's shortest round-trip form: ``1``, ``0.5``, ``1E+15``, ``1E-05``, ``NaN``.

    >>> float_text(1.0), float_text(1e15), float_text(0.00001), float_text(-math.inf)
    ('1', '1E+15', '1E-05', '-Infinity')
    """
    if value != value:
        return "NaN"
    if value in (math.inf, -math.inf):
        return "Infinity" if value > 0 else "-Infinity"
    text = repr(value)
    if "e" in text:  # Python already uses an exponent: below 1e-4 or from 1e16
        mantissa, exponent = text.split("e")
        if mantissa.endswith(".0"):
            mantissa = mantissa[:-2]
        power = int(exponent)
        return f"{mantissa}E{'-' if power < 0 else '+'}{abs(power):02d}"
    if text.endswith(".0"):
        text = text[:-2]
    if abs(value) >= 1e15:  # .NET switches to an exponent one decade earlier than Python
        sign = "-" if text.startswith("-") else ""
        digits = text.lstrip("-").replace(".", "")
        rest = digits[1:].rstrip("0")
        return f"{sign}{digits[0]}{'.' if rest else ''}{rest}E+15"
    return text


def decimal_text(value: Decimal) -> str:
    """Fixed notation with the scale kept: ``Decimal("1.50")`` -> ``1.50``, never an exponent."""
    if value.is_snan():
        raise ScalarError("a signalling NaN Decimal has no JSV form")
    if value.is_nan():
        return "NaN"
    if value.is_infinite():
        return "Infinity" if value > 0 else "-Infinity"
    return format(value, "f")


def _offset_text(offset: dt.timedelta) -> str:
    if not offset:
        return "Z"
    seconds = offset.days * 86400 + offset.seconds
    if offset.microseconds or seconds % 60:
        raise ScalarError(f"a UTC offset of {offset} is not a whole number of minutes")
    minutes = abs(seconds) // 60
    return f"{'-' if seconds < 0 else '+'}{minutes // 60:02d}:{minutes % 60:02d}"


def date_text(value: dt.date) -> str:
    """``yyyy-MM-dd``."""
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def datetime_text(value: dt.datetime) -> str:
    """``yyyy-MM-ddTHH:mm:ss[.fffffff]`` with ``Z`` or ``±HH:MM``; a naive midnight as a date.

    >>> datetime_text(dt.datetime(2025, 1, 15, 9, 30, 0, 123456, dt.timezone.utc))
    '2025-01-15T09:30:00.1234560Z'
    """
    offset = value.utcoffset()
    if offset is None and not (value.hour or value.minute or value.second or value.microsecond):
        return date_text(value)
    text = (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )
    if value.microsecond:
        text += f".{value.microsecond:06d}0"
    if offset is not None:
        text += _offset_text(offset)
    return text


def duration_text(value: dt.timedelta) -> str:
    """XSD duration as .NET writes ``TimeSpan``: ``PT1H30M``, ``P1D``, ``-PT0.5S``, ``PT0S``.

    >>> duration_text(dt.timedelta(days=1, seconds=1.5)), duration_text(dt.timedelta())
    ('P1DT1.5S', 'PT0S')
    """
    negative = value < dt.timedelta(0)
    if negative:
        value = -value
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = ""
    if hours:
        clock += f"{hours}H"
    if minutes:
        clock += f"{minutes}M"
    if value.microseconds:
        clock += f"{seconds}.{value.microseconds:06d}".rstrip("0") + "S"
    elif seconds:
        clock += f"{seconds}S"
    text = "P" + (f"{value.days}D" if value.days else "") + (f"T{clock}" if clock else "")
    if text == "P":
        text = "PT0S"
    return "-" + text if negative else text


def time_text(value: dt.time) -> str:
    """A time of day as .NET writes ``TimeOnly``: ``13:13:13`` -> ``PT13H13M13S``."""
    if value.utcoffset() is not None:
        raise ScalarError("a time with a UTC offset has no JSV form")
    return duration_text(
        dt.timedelta(
            hours=value.hour,
            minutes=value.minute,
            seconds=value.second,
            microseconds=value.microsecond,
        )
    )


def bytes_text(value: bytes | bytearray | memoryview) -> str:
    """Standard base64 with padding."""
    return base64.b64encode(value).decode("ascii")


# ---------------------------------------------------------------------------------------
# The forms read (spec §5): JSV text -> Python scalars. Each parser receives the text of a
# bare or quoted value and raises ScalarError (the typed layer adds the path).

_INT: Final = re.compile(r"-?[0-9]+")
_FLOAT: Final = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_FLOAT_WORDS: Final = {
    "nan": math.nan,
    "infinity": math.inf,
    "-infinity": -math.inf,
    "inf": math.inf,
    "-inf": -math.inf,
    "+inf": math.inf,
    "+infinity": math.inf,
}
_BOOLS: Final = {"true": True, "false": False, "1": True, "0": False}
# Digits are the ASCII ones (re.ASCII): "\d" alone would also take other scripts' digits
# (fullwidth "\uff12\uff10\uff12\uff14"), which int() reads, though no .NET parser does.
# Month, day, hour, minute and second take one or two digits, as .NET's DateTime.Parse reads
# them (``2011-8-4T5:6:7``); the year takes four.
_DATETIME: Final = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?"
    r"(Z|[+-]\d{2}:?\d{2})?)?",
    re.ASCII,
)
_COMPACT_DATE: Final = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)
# WCF ``/Date(ms±HHMM)/``, or ``\/Date(ms±HHMM)\/`` with both slashes escaped as JSON writes
# them (the reference reads both).
_WCF_DATE: Final = re.compile(r"(\\?)/Date\((-?\d+)([+-]\d{4})?\)\1/", re.ASCII)
_XSD_DURATION: Final = re.compile(
    r"(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d+))?S)?)?", re.ASCII
)
# .NET TimeSpan.Parse's ``[-][d.]h:m[:s[.f]]``: hours, minutes and seconds take one or two
# digits, and as in .NET they are at most 23, 59 and 59 (an XSD duration has no such bound).
_DOTNET_TIMESPAN: Final = re.compile(
    r"(-)?(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?", re.ASCII
)
_TIMESPAN_LIMITS: Final = (("hours", 23), ("minutes", 59), ("seconds", 59))
_CLOCK_TIME: Final = re.compile(r"(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?", re.ASCII)
# .NET TimeSpan.MaxValue (10675199.02:48:05.4775807) to the microsecond; MinValue
# (-10675199.02:48:05.4775808) is its negative to the microsecond.
_TIMESPAN_MAX: Final = dt.timedelta(
    days=10675199, hours=2, minutes=48, seconds=5, microseconds=477580
)
# The XSD durations the reference writes for MaxValue and MinValue: exact (XmlConvert), and
# computed through a double, whose seconds round to 5.4775391 and would otherwise read as
# ...477539 microseconds.
_TIMESPAN_BOUNDS: Final = {
    "P10675199DT2H48M5.4775807S": _TIMESPAN_MAX,
    "P10675199DT2H48M5.4775391S": _TIMESPAN_MAX,
    "-P10675199DT2H48M5.4775808S": -_TIMESPAN_MAX,
    "-P10675199DT2H48M5.4775391S": -_TIMESPAN_MAX,
}
# .NET Guid.Parse's formats N (32 hex digits), D (8-4-4-4-12), B ({D}) and P ((D)).
_GUID_D: Final = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"
_GUID: Final = re.compile(rf"[0-9A-Fa-f]{{32}}|{_GUID_D}|\{{{_GUID_D}\}}|\({_GUID_D}\)")
_EPOCH: Final = dt.datetime(1970, 1, 1)


def _invalid(expected: str, text: str, why: str = "") -> ScalarError:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return ScalarError(f"Expected {expected}, got {shown!r}" + (f" ({why})" if why else ""))


def parse_bool(text: str) -> bool:
    """``True``/``False`` in any case, or ``1``/``0``."""
    try:
        return _BOOLS[text.strip().lower()]
    except KeyError:
        raise _invalid("bool", text) from None


def parse_int(text: str) -> int:
    """Decimal digits with an optional ``-``; leading zeros allowed (``0101`` is 101)."""
    stripped = text.strip()
    if _INT.fullmatch(stripped) is None:
        raise _invalid("int", text)
    try:
        return int(stripped)
    except ValueError as e:  # more digits than sys.get_int_max_str_digits() allows
        raise _invalid("int", text, str(e)) from None


def parse_float(text: str) -> float:
    """.NET and Python forms: ``1``, ``0.5``, ``1E+15``, ``1e-05``, ``NaN``, ``-Infinity``."""
    stripped = text.strip()
    if _FLOAT.fullmatch(stripped) is not None:
        return float(stripped)
    try:
        return _FLOAT_WORDS[stripped.lower()]
    except KeyError:
        raise _invalid("float", text) from None


def parse_decimal(text: str) -> Decimal:
    """Fixed or exponent notation, ``NaN`` and ``Infinity``; the scale is kept."""
    stripped = text.strip()
    if _FLOAT.fullmatch(stripped) is not None:
        return Decimal(stripped)
    if stripped.lower() in _FLOAT_WORDS:
        return Decimal(_FLOAT_WORDS[stripped.lower()])
    raise _invalid("Decimal", text)


def _tz(text: str) -> dt.tzinfo:
    if text == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_datetime(text: str) -> dt.datetime:
    """ISO 8601 as .NET writes it (or without zero padding), ``yyyyMMdd``, WCF ``/Date(ms±HHMM)/``.

    An offset gives an aware value, none a naive one (never converted to local time). WCF
    ``/Date(ms)/`` without an offset is UTC, as in .NET: an aware UTC value.

    >>> print(parse_datetime("2025-06-27T11:39:29.4490437-04:00"))
    2025-06-27 11:39:29.449043-04:00
    """
    stripped = text.strip()
    try:
        m = _DATETIME.fullmatch(stripped)
        if m is not None:
            year, month, day, hour, minute, second, fraction, offset = m.groups()
            micro = int((fraction + "000000")[:6]) if fraction else 0
            return dt.datetime(
                int(year),
                int(month),
                int(day),
                int(hour or 0),
                int(minute or 0),
                int(second or 0),
                micro,
                _tz(offset) if offset else None,
            )
        m = _COMPACT_DATE.fullmatch(stripped)
        if m is not None:
            return dt.datetime(int(m[1]), int(m[2]), int(m[3]))
        m = _WCF_DATE.fullmatch(stripped)
        if m is not None:
            instant = (_EPOCH + dt.timedelta(milliseconds=int(m[2]))).replace(tzinfo=dt.UTC)
            return instant if m[3] is None else instant.astimezone(_tz(m[3]))
    except (ValueError, OverflowError) as e:
        raise _invalid("datetime", text, str(e)) from None
    raise _invalid("datetime", text)


def parse_date(text: str) -> dt.date:
    """A date, or a datetime form at midnight."""
    try:
        value = parse_datetime(text)
    except ScalarError as e:
        raise ScalarError(str(e).replace("Expected datetime", "Expected date", 1)) from None
    if value.time() != dt.time(0):
        raise _invalid("date", text, "a time of day other than midnight")
    return value.date()


def _fraction_micros(fraction: str | None) -> int:
    return int((fraction + "000000")[:6]) if fraction else 0


def parse_timedelta(text: str) -> dt.timedelta:
    """XSD duration (``PT1H30M``), .NET ``[-][d.]h:m[:s[.f]]``, or a number of seconds."""
    stripped = text.strip()
    bound = _TIMESPAN_BOUNDS.get(stripped)
    if bound is not None:
        return bound
    try:
        m = _XSD_DURATION.fullmatch(stripped)
        if m is not None and stripped not in ("P", "-P") and not stripped.endswith("T"):
            sign, days, hours, minutes, seconds, fraction = m.groups()
            value = dt.timedelta(
                days=int(days or 0),
                hours=int(hours or 0),
                minutes=int(minutes or 0),
                seconds=int(seconds or 0),
                microseconds=_fraction_micros(fraction),
            )
            return -value if sign else value
        m = _DOTNET_TIMESPAN.fullmatch(stripped)
        if m is not None:
            sign, days, hours, minutes, seconds, fraction = m.groups()
            for (part, limit), digits in zip(
                _TIMESPAN_LIMITS, (hours, minutes, seconds), strict=True
            ):
                if digits is not None and int(digits) > limit:
                    why = f"{part} must be 0-{limit}"
                    raise _invalid("timedelta", text, why)
            value = dt.timedelta(
                days=int(days or 0),
                hours=int(hours),
                minutes=int(minutes),
                seconds=int(seconds or 0),
                microseconds=_fraction_micros(fraction),
            )
            return -value if sign else value
        if _FLOAT.fullmatch(stripped) is not None:
            return dt.timedelta(seconds=float(stripped))
    except ScalarError:
        raise
    except (ValueError, OverflowError) as e:
        raise _invalid("timedelta", text, str(e)) from None
    raise _invalid("timedelta", text)


def parse_time(text: str) -> dt.time:
    """An XSD duration below one day (``PT13H13M13S``) or ``H:M[:S[.f]]`` (one or two digits)."""
    stripped = text.strip()
    m = _CLOCK_TIME.fullmatch(stripped)
    try:
        if m is not None:
            hour, minute, second, fraction = m.groups()
            return dt.time(int(hour), int(minute), int(second or 0), _fraction_micros(fraction))
        if stripped.startswith("P"):
            span = parse_timedelta(stripped)
            if dt.timedelta(0) <= span < dt.timedelta(days=1):
                return (dt.datetime.min + span).time()
    except (ValueError, ScalarError):
        pass
    raise _invalid("time", text)


def parse_uuid(text: str) -> uuid.UUID:
    """.NET's Guid formats, any case: 32 hex digits (N), dashed 8-4-4-4-12 (D), D in braces
    (B) or in parentheses (P). Other forms Python's ``uuid.UUID`` reads (``urn:uuid:``, dashes
    elsewhere, braces around N) are errors.
    """
    stripped = text.strip()
    if _GUID.fullmatch(stripped) is None:
        raise _invalid("UUID", text)
    return uuid.UUID(stripped[1:-1] if stripped[0] in "{(" else stripped)


def parse_bytes(text: str) -> bytes:
    """Standard base64 with padding, nothing else."""
    stripped = text.strip()
    try:
        if len(stripped) % 4:
            raise binascii.Error("incorrect padding")
        return base64.b64decode(stripped, validate=True)
    except (binascii.Error, ValueError):
        raise _invalid("base64 bytes", text) from None
