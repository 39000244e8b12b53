"""The written forms of spec §4-§5: Python scalars -> JSV text.

Each ``*_text`` function returns the text of one scalar; :func:`quote` applies the quoting
rule of §4. They raise :class:`ScalarError` (no path yet) for values without a JSV form; the
encoder adds the path.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import re
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
