"""Encoding subclasses of str, int, float and Decimal, and objects that lie about their class.

A subclass of one of those four is written by its base type's value, read from the object:
none of its methods (``__repr__``, ``__str__``, ``__format__``, ``__float__``, ``__len__``,
``find``, ...) runs, so the classes below make every one of them return junk. What a value is
is told by ``type(value)``, never by its ``__class__`` attribute. Every test runs on both
kernels (see conftest.py) and pins the exact text or the exact error.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import jsv
from jsv import EncodeError


def _junk(*args: Any, **kwargs: Any) -> Any:
    return "junk"


class JunkFloat(float):
    """np.float64 under numpy 2 has a repr like this one."""

    def __repr__(self) -> str:
        return "np.float64(1.5)"

    __str__ = __repr__
    __format__ = _junk
    hex = _junk

    def __float__(self) -> float:
        return 99.0

    def __abs__(self) -> float:
        return 0.0

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    def __bool__(self) -> bool:
        return False

    __hash__ = float.__hash__


class JunkInt(int):
    __repr__ = _junk
    __str__ = _junk
    __format__ = _junk

    def __int__(self) -> int:
        return 99

    def __index__(self) -> int:
        return 99

    def __bool__(self) -> bool:
        return False

    __hash__ = int.__hash__


class JunkStr(str):
    __repr__ = _junk
    __str__ = _junk
    __format__ = _junk
    replace = _junk
    strip = _junk
    encode = _junk
    __getitem__ = _junk

    def __len__(self) -> int:
        return 0

    def find(self, *args: Any) -> int:
        return -1

    def isalnum(self) -> bool:
        return True

    def isidentifier(self) -> bool:
        return True

    def __iter__(self) -> Any:
        return iter("junk")

    def __contains__(self, item: object) -> bool:
        return False

    __hash__ = str.__hash__


class JunkDecimal(Decimal):
    __repr__ = _junk
    __str__ = _junk
    __format__ = _junk
    as_tuple = _junk

    def is_nan(self) -> bool:
        return True

    def is_snan(self) -> bool:
        return False

    def is_infinite(self) -> bool:
        return True

    def __float__(self) -> float:
        return 99.0

    __hash__ = Decimal.__hash__


@dataclasses.dataclass
class Row:
    value: Any


# (value, its text as a value, its text as a dict key)
CASES: list[tuple[Any, str, str]] = [
    (JunkFloat(1e-5), "1E-05", "1E-05"),
    (JunkFloat(1.5), "1.5", "1.5"),
    (JunkFloat(1.0), "1", "1"),
    (JunkFloat(-0.0), "-0", "-0"),
    (JunkFloat(1e15), "1E+15", "1E+15"),
    (JunkFloat(1.5e15), "1.5E+15", "1.5E+15"),
    (JunkFloat(1e20), "1E+20", "1E+20"),
    (JunkFloat(123456.789), "123456.789", "123456.789"),
    (JunkFloat(math.inf), "Infinity", "Infinity"),
    (JunkFloat(-math.inf), "-Infinity", "-Infinity"),
    (JunkInt(5), "5", "5"),
    (JunkInt(0), "0", "0"),
    (JunkInt(-7), "-7", "-7"),
    (JunkInt(2**70), "1180591620717411303424", "1180591620717411303424"),
    (JunkStr("plain"), "plain", "plain"),
    (JunkStr("Hello World!"), "Hello World!", "Hello World!"),
    (JunkStr('a"b'), '"a""b"', '"a""b"'),
    (JunkStr("a,b"), '"a,b"', '"a,b"'),
    (JunkStr("k:v"), '"k:v"', '"k:v"'),
    (JunkStr(" x"), '" x"', '" x"'),
    (JunkStr("x\n"), '"x\n"', '"x\n"'),
    (JunkStr("{X:1}"), '"{X:1}"', '"{X:1}"'),
    (JunkStr("é☃😀"), "é☃😀", "é☃😀"),
    (JunkStr(""), '""', '""'),
    (JunkDecimal("1.50"), "1.50", "1.50"),
    (JunkDecimal("1E+3"), "1000", "1000"),
    (JunkDecimal("-0.001"), "-0.001", "-0.001"),
    (JunkDecimal("NaN"), "NaN", "NaN"),
    (JunkDecimal("-Infinity"), "-Infinity", "-Infinity"),
]


@pytest.mark.parametrize(("value", "text", "key"), CASES, ids=[c[1] for c in CASES])
def test_subclasses_are_written_by_their_base_value(value: Any, text: str, key: str) -> None:
    assert jsv.dumps(value) == text
    assert jsv.dumps([value]) == f"[{text}]"
    assert jsv.dumps([1, value, "z"]) == f"[1,{text},z]"
    assert jsv.dumps((value, value)) == f"[{text},{text}]"
    assert jsv.dumps({"k": value}) == f"{{k:{text}}}"
    assert jsv.dumps({"a": {"b": [value]}}) == f"{{a:{{b:[{text}]}}}}"
    assert jsv.dumps(Row(value)) == f"{{value:{text}}}"
    assert jsv.dumps([Row(value), Row(value)]) == f"[{{value:{text}}},{{value:{text}}}]"
    assert jsv.dumps({value: 1}) == f"{{{key}:1}}"
    assert jsv.dumps({value: value}) == f"{{{key}:{text}}}"
    assert jsv.dumps({"k": value}, indent=2) == f"{{\n  k: {text}\n}}"
    assert jsv.dumps([value], indent=2) == f"[\n  {text}\n]"
    assert jsv.dumps(Row(value), indent=1) == f"{{\n value: {text}\n}}"
    assert jsv.dumps({value}) == f"[{text}]"


@pytest.mark.parametrize(("value", "text", "key"), CASES, ids=[c[1] for c in CASES])
def test_subclasses_write_what_their_base_values_write(value: Any, text: str, key: str) -> None:
    base = next(t for t in (str, int, float, Decimal) if isinstance(value, t))
    read = {str: str.__str__, int: int.__int__, float: float.__float__, Decimal: Decimal}
    plain = read[base](value)
    assert type(plain) is base
    assert jsv.dumps(plain) == text
    assert jsv.dumps({plain: 1}) == f"{{{key}:1}}"


def test_nan_float_subclass() -> None:
    assert jsv.dumps([JunkFloat(math.nan), {"n": JunkFloat(math.nan)}]) == "[NaN,{n:NaN}]"


def test_subclasses_mixed_with_exact_types() -> None:
    obj = {
        "f": [1.5, JunkFloat(1e-5), 2.0],
        "i": (1, JunkInt(2), True),
        JunkStr("s"): [JunkStr("a b"), "c,d", JunkStr("")],
        "d": [Decimal("1.0"), JunkDecimal("2.50")],
        JunkInt(7): Row(JunkFloat(0.5)),
    }
    assert jsv.dumps(obj) == (
        '{f:[1.5,1E-05,2],i:[1,2,True],s:[a b,"c,d",""],d:[1.0,2.50],7:{value:0.5}}'
    )


def test_bool_stays_bool() -> None:
    assert jsv.dumps([True, False, {"b": True}, {False: 1}, Row(True)]) == (
        "[True,False,{b:True},{False:1},{value:True}]"
    )


class Size(enum.IntEnum):
    BIG = 2

    __repr__ = _junk
    __str__ = _junk
    __format__ = _junk


class Mood(enum.StrEnum):
    HAPPY = "Happy, mostly"

    __repr__ = _junk
    __str__ = _junk
    __format__ = _junk


class Ratio(enum.Enum):
    HALF = JunkFloat(0.5)
    TINY = JunkFloat(1e-5)


def test_enums_are_written_by_their_value() -> None:
    assert jsv.dumps([Size.BIG, Mood.HAPPY, Ratio.HALF, Ratio.TINY]) == (
        '[2,"Happy, mostly",0.5,1E-05]'
    )
    assert jsv.dumps({Size.BIG: Mood.HAPPY, Mood.HAPPY: Ratio.TINY}) == (
        '{2:"Happy, mostly","Happy, mostly":1E-05}'
    )


def test_a_huge_int_subclass_is_the_same_error_as_a_huge_int() -> None:
    huge = 10**5000
    with pytest.raises(EncodeError) as exact:
        jsv.dumps({"n": [huge]})
    with pytest.raises(EncodeError) as sub:
        jsv.dumps({"n": [JunkInt(huge)]})
    assert str(sub.value) == str(exact.value)
    assert str(exact.value).endswith("(at $.n[0])")


def test_a_signalling_nan_decimal_subclass() -> None:
    with pytest.raises(EncodeError) as error:
        jsv.dumps({"d": JunkDecimal("sNaN")})
    assert str(error.value) == "a signalling NaN Decimal has no JSV form (at $.d)"


def test_error_paths_name_subclass_keys_by_their_base_value() -> None:
    obj = {JunkStr("name"): {JunkStr("a b"): {JunkInt(3): {JunkFloat(0.5): object()}}}}
    with pytest.raises(EncodeError) as error:
        jsv.dumps(obj)
    assert str(error.value) == (
        'Object of type object is not JSV serializable (at $.name["a b"]["3"]["0.5"])'
    )


@given(st.floats())
def test_any_float_subclass(x: float) -> None:
    assert jsv.dumps([JunkFloat(x)]) == jsv.dumps([x])
    assert jsv.dumps({JunkFloat(x): JunkFloat(x)}) == jsv.dumps({x: x})


@given(st.integers())
def test_any_int_subclass(n: int) -> None:
    assert jsv.dumps([JunkInt(n)]) == jsv.dumps([n])
    assert jsv.dumps({JunkInt(n): JunkInt(n)}) == jsv.dumps({n: n})


@given(st.text())
def test_any_str_subclass(s: str) -> None:
    assert jsv.dumps([JunkStr(s)]) == jsv.dumps([s])
    assert jsv.dumps({JunkStr(s): JunkStr(s)}) == jsv.dumps({s: s})


# ---------------------------------------------------------------------------------------
# Objects whose __class__ lies: what they are is their real type's business


class Color(enum.Enum):
    RED = "Red"


@dataclasses.dataclass
class Other:
    y: int = 2


def _liar(claim: Any, *, name: str = "Liar", dataclass: bool = False) -> Any:
    def get_class(self: Any) -> Any:
        if isinstance(claim, BaseException):
            raise claim
        return claim

    namespace: dict[str, Any] = {"__class__": property(get_class)}
    if dataclass:
        namespace["__annotations__"] = {"x": int}
        cls: Any = dataclasses.dataclass(type(name, (), namespace))
        return cls(1)
    return type(name, (), namespace)()


CLAIMS = [
    dict,
    list,
    tuple,
    set,
    str,
    int,
    float,
    bool,
    Decimal,
    bytes,
    Color,
    Other,
    type,
    type(None),
    42,
    TypeError("no class"),
    AttributeError("no class"),
]


@pytest.mark.parametrize("claim", CLAIMS, ids=repr)
def test_a_lying_object_is_unsupported(claim: Any) -> None:
    liar = _liar(claim)
    cases = [
        (liar, "Object of type Liar is not JSV serializable (at $)"),
        ([1, liar], "Object of type Liar is not JSV serializable (at $[1])"),
        ({"k": liar}, "Object of type Liar is not JSV serializable (at $.k)"),
        ({"a": [{"b c": liar}]}, 'Object of type Liar is not JSV serializable (at $.a[0]["b c"])'),
        (Row(liar), "Object of type Liar is not JSV serializable (at $.value)"),
        ({liar}, "Object of type Liar is not JSV serializable (at $[0])"),
        ({liar: 1}, "Dict key of type Liar is not JSV serializable (at $)"),
        ({"m": {liar: 1}}, "Dict key of type Liar is not JSV serializable (at $.m)"),
    ]
    for obj, message in cases:
        for indent in (None, 2):
            with pytest.raises(EncodeError, match=f"^{re.escape(message)}$"):
                jsv.dumps(obj, indent=indent)


@pytest.mark.parametrize("claim", CLAIMS, ids=repr)
def test_a_lying_object_goes_to_default(claim: Any) -> None:
    liar = _liar(claim)
    assert jsv.dumps([liar, {"k": liar}], default=lambda o: type(o).__name__) == "[Liar,{k:Liar}]"


@pytest.mark.parametrize("claim", CLAIMS, ids=repr)
def test_a_lying_dataclass_is_written_with_its_own_fields(claim: Any) -> None:
    liar = _liar(claim, dataclass=True)
    assert jsv.dumps(liar) == "{x:1}"
    assert jsv.dumps([liar, {"k": liar}]) == "[{x:1},{k:{x:1}}]"
    assert jsv.dumps({"k": liar}, indent=2, rename="pascal") == "{\n  k: {\n    X: 1\n  }\n}"


# ---------------------------------------------------------------------------------------
# numpy's scalars, when numpy is installed


def test_numpy_float64_is_a_float() -> None:
    np = pytest.importorskip("numpy")
    assert issubclass(np.float64, float)
    values = [np.float64(1e-5), np.float64(1.5), np.float64(1e20), np.float64(2.0)]
    assert jsv.dumps(values) == "[1E-05,1.5,1E+20,2]"
    assert jsv.dumps({np.float64(0.25): np.float64(-0.0)}) == "{0.25:-0}"
    assert jsv.dumps(Row(np.float64("nan"))) == "{value:NaN}"
    assert jsv.dumps({"k": np.float64(np.inf)}) == "{k:Infinity}"


def test_numpy_str_is_a_str() -> None:
    np = pytest.importorskip("numpy")
    assert jsv.dumps([np.str_("a b"), {np.str_("k:"): np.str_("")}]) == '[a b,{"k:":""}]'


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda np: np.float32(1.5), "float32"),
        (lambda np: np.float16(1.5), "float16"),
        (lambda np: np.int64(3), "int64"),
        (lambda np: np.int32(3), "int32"),
        (lambda np: np.uint8(3), "uint8"),
        (lambda np: np.bool_(True), "bool"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_other_numpy_scalars_are_unsupported(make: Any, name: str) -> None:
    # not subclasses of float, int or bool: unsupported, unless default= converts them
    np = pytest.importorskip("numpy")
    value = make(np)
    with pytest.raises(EncodeError) as error:
        jsv.dumps({"a": [value]})
    assert str(error.value) == f"Object of type {name} is not JSV serializable (at $.a[0])"
    with pytest.raises(EncodeError) as error:
        jsv.dumps({"a": {value: 1}})
    assert str(error.value) == f"Dict key of type {name} is not JSV serializable (at $.a)"
    written = jsv.dumps([value], default=lambda o: o.item())
    assert written == ("[True]" if name == "bool" else "[1.5]" if "float" in name else "[3]")
