"""Field naming: the rename policies of spec §6 and the wire names of dataclass fields."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, Final, Literal, Union, cast

from ._classcache import class_cache

#: What ``rename=`` accepts: a policy name, ``None`` (Python names verbatim) or a callable.
Rename = Union[Literal["camel", "pascal", "snake"], None, Callable[[str], str]]

# Within a chunk between underscores: a run of capitals that precedes a capitalised word
# (the "URL" of "URLValue"), a capitalised or lower-case word with its digits, a run of
# capitals, or digits.
_WORD: Final = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")


def split_words(name: str) -> list[str]:
    """Split a name into words at ``_`` and at case changes.

    >>> split_words("URLValue"), split_words("user_id2"), split_words("from_")
    (['URL', 'Value'], ['user', 'id2'], ['from'])
    """
    words: list[str] = []
    for chunk in name.split("_"):
        # The pattern runs on the chunk's shape (A upper-case, 0 digit, a any other
        # character), so that letters outside ASCII belong to words like the others.
        shape = "".join("A" if c.isupper() else "0" if c.isdigit() else "a" for c in chunk)
        words.extend(chunk[m.start() : m.end()] for m in _WORD.finditer(shape))
    return words


def _upper_first(word: str) -> str:
    return word[:1].upper() + word[1:]


def pascal_case(name: str) -> str:
    """``dial_state`` -> ``DialState``; ``URLValue`` stays; ``id`` -> ``Id``."""
    return "".join(_upper_first(w) for w in split_words(name)) or name


def camel_case(name: str) -> str:
    """``dial_state`` -> ``dialState``; ``URLValue`` -> ``urlValue``; ``ID`` -> ``id``."""
    words = split_words(name)
    if not words:
        return name
    first = words[0]
    # A leading word in capitals ("URL", "ID") is lowered whole; "Dial" just at its start.
    first = first.lower() if first.isupper() else first[:1].lower() + first[1:]
    return first + "".join(_upper_first(w) for w in words[1:])


def snake_case(name: str) -> str:
    """``dialState`` -> ``dial_state``; ``URLValue`` -> ``url_value``."""
    return "".join("_" + c if c.isupper() else c for c in camel_case(name)).lower()


_POLICIES: Final[dict[str, Callable[[str], str]]] = {
    "camel": camel_case,
    "pascal": pascal_case,
    "snake": snake_case,
}


def rename_function(rename: Rename) -> Callable[[str], str] | None:
    """Return the function a ``rename=`` option stands for (``None``: keep names)."""
    if rename is None or callable(rename):
        return rename
    try:
        return _POLICIES[rename]
    except (KeyError, TypeError):
        raise ValueError(
            f"rename must be 'camel', 'pascal', 'snake', None or a callable, not {rename!r}"
        ) from None


def normalized_key(key: str) -> str:
    """The spelling-insensitive form used for key matching: ``DIAL_STATE`` -> ``dialstate``."""
    return key.strip().replace("_", "").replace("-", "").lower()


def _dataclasses_json_case(owner: Any) -> Callable[[str], str] | None:
    """The ``letter_case`` function dataclasses_json stored on a class or field, if any."""
    config = owner.get("dataclasses_json") if isinstance(owner, dict) else None
    if isinstance(config, dict):
        case = config.get("letter_case")
        if callable(case):
            return cast(Callable[[str], str], case)
    return None


def explicit_wire_name(cls: type, field: dataclasses.Field[Any]) -> str | None:
    """The wire name a field fixes for itself, whatever the ``rename`` policy.

    In order: ``field(metadata={"jsv_name": ...})``; the ``field_name``/``letter_case`` of
    dataclasses_json on the field, then on the class (ServiceStack's generated Python DTOs
    are decorated with ``@dataclass_json(letter_case=LetterCase.CAMEL)``).
    """
    name = field.metadata.get("jsv_name")
    if isinstance(name, str):
        return name
    case = _dataclasses_json_case(dict(field.metadata))
    if case is None:
        class_config = getattr(cls, "dataclass_json_config", None)
        case = _dataclasses_json_case({"dataclasses_json": class_config})
    if case is not None:
        return str(case(field.name))
    return None


def _wire_names_of(cls: type, rename: Callable[[str], str] | None) -> tuple[str, ...]:
    names = []
    for field in dataclasses.fields(cls):
        explicit = explicit_wire_name(cls, field)
        if explicit is not None:
            names.append(explicit)
        elif rename is None:
            names.append(field.name)
        else:
            names.append(rename(field.name))
    return tuple(names)


def wire_names(cls: type, rename: Rename) -> tuple[str, ...]:
    """The key each field of dataclass ``cls`` is written under, in field order."""
    function = rename_function(rename)
    cache = class_cache(cls)
    key = ("wire names", function)
    try:
        found: tuple[str, ...] | None = None if cache is None else cache.get(key)
    except TypeError:  # an unhashable callable: not cached
        cache = None
        found = None
    if found is None:
        found = _wire_names_of(cls, function)
        if cache is not None:
            cache[key] = found
    return found
