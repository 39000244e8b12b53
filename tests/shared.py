"""What several test modules share: the parser's messages as literal text, and enums.

The messages are written out here, not imported from ``jsv._errors``, so that the tests
pin the exact text: a change of wording fails them. An enum lives here only when the
modules that use it define exactly the same members; one that differs on purpose stays
in its own module.
"""

from __future__ import annotations

import enum

# Spec §8: the messages of malformed text.
UQ = "Unterminated quoted string"
UM = "Unterminated map: no closing '}}' for the '{{' at line {} column {}"
UL = "Unterminated list: no closing ']' for the '[' at line {} column {}"
COLON = "Expected ':' after the key"
MSEP = "Expected ',' or '}' after the value"
LSEP = "Expected ',' or ']' after the value"
EXTRA = "Extra data after the top-level value"
DEEP = "Nesting deeper than 1000 levels"


def um(line: int, column: int) -> str:
    """The message of an unterminated map whose '{' is at ``line``, ``column``."""
    return UM.format(line, column)


def ul(line: int, column: int) -> str:
    """The message of an unterminated list whose '[' is at ``line``, ``column``."""
    return UL.format(line, column)


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 10


class Priority(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Permission(enum.IntFlag):
    READ = 4
    WRITE = 2
    EXECUTE = 1
