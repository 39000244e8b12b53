"""Writing ``__type`` hints (wire-extras §23), both kernels."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, ClassVar, Union

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jsv
from jsv import _kernel, _pure


@dataclass
class Animal:
    name: str = ""


@dataclass
class Dog(Animal):
    dog_bark: str = ""


@dataclass
class Cat(Animal):
    cat_purr: bool = False


@dataclass
class Puppy(Dog):
    age: int = 0


@dataclass
class Zoo:
    animals: list[Animal] | None = None
    star: Animal | None = None
    pets: dict[str, Animal] | None = None
    rows: list[list[Animal]] | None = None
    dogs: tuple[Dog, ...] | None = None


@dataclass
class Home:
    pet: Union[Dog, Cat] | None = None
    pets: list[Union[Dog, Cat]] | None = None


@dataclass
class Circle:
    __jsv_type__: ClassVar[str] = "Geometry.Shapes.Circle, Geometry"
    radius: int = 0


@dataclass
class Square:
    side: int = 0


@dataclass
class Drawing:
    shape: Circle | Square


@dataclass
class Loose:
    anything: Any = None
    items: list[Any] = field(default_factory=list)
    table: dict[str, Any] = field(default_factory=dict)


@dataclass
class Pen:
    star: Animal | None = None


def test_the_spec_examples() -> None:
    zoo = Zoo(animals=[Dog(name="Fido", dog_bark="woof"), Animal(name="Rex")])
    assert jsv.dumps(zoo) == "{animals:[{__type:Dog,name:Fido,dogBark:woof},{name:Rex}]}"
    drawing = Drawing(shape=Circle(radius=2))
    assert jsv.dumps(drawing) == '{shape:{__type:"Geometry.Shapes.Circle, Geometry",radius:2}}'


def test_the_hint_is_the_first_line_of_a_pretty_map() -> None:
    text = jsv.dumps(Pen(star=Dog(name="Fido", dog_bark="woof")), indent=2)
    assert text == "{\n  star: {\n    __type: Dog,\n    name: Fido,\n    dogBark: woof\n  }\n}"


def test_a_hint_alone_in_a_map() -> None:
    @dataclass
    class Empty(Animal):
        pass

    # all fields None: the map holds the hint only
    assert jsv.dumps(Pen(star=Empty(name=None))) == "{star:{__type:Empty}}"  # type: ignore[arg-type]
    assert jsv.dumps(Pen(star=Empty(name=None)), indent=1) == (  # type: ignore[arg-type]
        "{\n star: {\n  __type: Empty\n }\n}"
    )


def test_rename_never_touches_the_hint() -> None:
    zoo = Zoo(animals=[Dog(name="Fido", dog_bark="woof")])
    assert jsv.dumps(zoo, rename="pascal") == "{Animals:[{__type:Dog,Name:Fido,DogBark:woof}]}"
    assert jsv.dumps(zoo, rename=None) == "{animals:[{__type:Dog,name:Fido,dog_bark:woof}]}"
    assert jsv.dumps(zoo, rename=str.upper) == "{ANIMALS:[{__type:Dog,NAME:Fido,DOG_BARK:woof}]}"


def test_no_hint_where_nothing_is_declared() -> None:
    assert jsv.dumps(Dog(name="Fido", dog_bark="x")) == "{name:Fido,dogBark:x}"
    assert jsv.dumps([Animal(name="Fido")]) == "[{name:Fido}]"
    assert jsv.dumps({"a": Animal(name="Fido")}) == "{a:{name:Fido}}"
    loose = Loose(
        anything=Animal(name="a"), items=[Cat(name="b")], table={"c": Puppy(name="c", age=1)}
    )
    assert jsv.dumps(loose) == (
        '{anything:{name:a},items:[{name:b,catPurr:False}],table:{c:{name:c,dogBark:"",age:1}}}'
    )


def test_no_hint_for_a_value_of_exactly_the_declared_class() -> None:
    zoo = Zoo(animals=[Animal(name="Rex")], star=Animal(name="Max"), dogs=(Dog(name="d"),))
    assert jsv.dumps(zoo) == '{animals:[{name:Rex}],star:{name:Max},dogs:[{name:d,dogBark:""}]}'


def test_a_subclass_of_a_subclass() -> None:
    zoo = Zoo(star=Puppy(name="p", dog_bark="yip", age=1), dogs=(Puppy(name="q"), Dog()))
    text = jsv.dumps(zoo)
    assert text == (
        "{star:{__type:Puppy,name:p,dogBark:yip,age:1},"
        'dogs:[{__type:Puppy,name:q,dogBark:"",age:0},{name:"",dogBark:""}]}'
    )
    assert jsv.loads(text, type=Zoo) == zoo


def test_nested_lists_and_dict_values() -> None:
    zoo = Zoo(rows=[[Cat(name="a")], [Animal(name="b"), Dog(name="c")]], pets={"x": Cat()})
    text = jsv.dumps(zoo)
    assert text == (
        '{pets:{x:{__type:Cat,name:"",catPurr:False}},'
        'rows:[[{__type:Cat,name:a,catPurr:False}],[{name:b},{__type:Dog,name:c,dogBark:""}]]}'
    )
    assert jsv.loads(text, type=Zoo) == zoo


def test_a_tuple_with_items_declared_apart() -> None:
    @dataclass
    class Pair:
        both: tuple[Animal, Dog] | None = None
        more: tuple[Dog, Union[Dog, Cat], int] | None = None

    pair = Pair(both=(Dog(name="a"), Puppy(name="b")), more=(Dog(), Dog(), 3))
    text = jsv.dumps(pair)
    assert text == (
        '{both:[{__type:Dog,name:a,dogBark:""},{__type:Puppy,name:b,dogBark:"",age:0}],'
        'more:[{name:"",dogBark:""},{__type:Dog,name:"",dogBark:""},3]}'
    )
    assert same(jsv.loads(text, type=Pair), pair)
    # a map or a longer list where a tuple is declared: its items get no hint
    assert jsv.dumps(Pair(both={"x": Dog()})) == '{both:{x:{name:"",dogBark:""}}}'  # type: ignore[arg-type]
    assert jsv.dumps(Pair(both=(Animal(), Dog(), Puppy()))) == (  # type: ignore[arg-type]
        '{both:[{name:""},{name:"",dogBark:""},{name:"",dogBark:"",age:0}]}'
    )


def test_a_union_always_writes_the_hint() -> None:
    home = Home(pet=Dog(name="a"), pets=[Cat(name="b"), Puppy(name="c")])
    text = jsv.dumps(home)
    assert text == (
        '{pet:{__type:Dog,name:a,dogBark:""},'
        'pets:[{__type:Cat,name:b,catPurr:False},{__type:Puppy,name:c,dogBark:"",age:0}]}'
    )
    assert jsv.loads(text, type=Home) == home


def test_a_wire_name_is_not_inherited() -> None:
    @dataclass
    class BigCircle(Circle):
        pass

    assert jsv.dumps(Drawing(shape=BigCircle(radius=3))) == "{shape:{__type:BigCircle,radius:3}}"


def test_a_wire_name_is_quoted_like_any_text() -> None:
    @dataclass
    class Odd(Animal):
        __jsv_type__: ClassVar[str] = 'Say "hi"'

    assert jsv.dumps(Pen(star=Odd())) == '{star:{__type:"Say ""hi""",name:""}}'


def test_bytes_output_has_the_hint_too() -> None:
    zoo = Zoo(animals=[Dog(name="Fido")])
    assert jsv.dumpb(zoo) == jsv.dumps(zoo).encode()


def test_query_params_write_the_hint_of_a_field() -> None:
    @dataclass
    class Adopt:
        pet: Animal | None = None
        pets: list[Animal] | None = None
        other: Any = None

    request = Adopt(pet=Dog(name="Rex"), pets=[Cat(name="a,b"), Animal(name="c")], other=Dog())
    assert jsv.query_params(request) == [
        ("pet", '{__type:Dog,name:Rex,dogBark:""}'),
        ("pets", '{__type:Cat,name:"a,b",catPurr:False},{name:c}'),
        ("other", '{name:"",dogBark:""}'),
    ]
    assert jsv.query_string(Adopt(pet=Dog(name="Rex"))) == (
        "pet=%7B__type%3ADog%2Cname%3ARex%2CdogBark%3A%22%22%7D"
    )
    back = jsv.parse_query(jsv.query_string(request), Adopt)
    assert back.pet == request.pet and back.pets == request.pets


# ---- both kernels write the same text -------------------------------------------------

names = st.text(st.sampled_from('ab ,:{}[]"\n'), max_size=4)
animals = st.one_of(
    st.builds(Animal, name=names),
    st.builds(Dog, name=names, dog_bark=names),
    st.builds(Cat, name=names, cat_purr=st.booleans()),
    st.builds(Puppy, name=names, dog_bark=names, age=st.integers(-5, 5)),
)
dogs_or_cats = st.one_of(
    st.builds(Dog, name=names),
    st.builds(Cat, name=names, cat_purr=st.booleans()),
    st.builds(Puppy, name=names, age=st.integers(0, 3)),
)
zoos = st.builds(
    Zoo,
    animals=st.none() | st.lists(animals, max_size=3),
    star=st.none() | animals,
    pets=st.none() | st.dictionaries(st.sampled_from(["a", "b c", ""]), animals, max_size=2),
    rows=st.none() | st.lists(st.lists(animals, min_size=2, max_size=2), max_size=2),
    dogs=st.none()
    | st.lists(
        st.builds(Dog, name=names) | st.builds(Puppy, age=st.integers(0, 2)), max_size=2
    ).map(tuple),
)
homes = st.builds(
    Home, pet=st.none() | dogs_or_cats, pets=st.none() | st.lists(dogs_or_cats, max_size=3)
)


def same(a: Any, b: Any) -> bool:
    """Equal, with the exact classes of dataclasses compared, field by field."""
    if dataclasses.is_dataclass(a) or dataclasses.is_dataclass(b):
        return type(a) is type(b) and all(
            same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)
        )
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict):
        return type(b) is dict and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


@settings(max_examples=200, deadline=None)
@given(st.one_of(zoos, homes))
def test_round_trip_keeps_the_classes(value: Any) -> None:
    text = jsv.dumps(value)
    assert same(jsv.loads(text, type=type(value)), value)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(zoos, homes, st.builds(Drawing, st.builds(Circle) | st.builds(Square))),
    st.sampled_from(["camel", "pascal", None]),
    st.sampled_from([None, 1, "\t"]),
)
def test_both_kernels_write_the_same(value: Any, rename: Any, indent: Any) -> None:
    kernels = _kernel.available()
    if len(kernels) < 2:
        pytest.skip("the C accelerator is not built")
    speedups = kernels[-1]
    assert speedups.encode(value, rename, indent) == _pure.encode(value, rename, indent)
    assert speedups.encode_bytes(value, rename, indent) == _pure.encode_bytes(value, rename, indent)


def test_the_kernel_fixture_runs_both(kernel: ModuleType) -> None:
    assert _kernel.active is kernel
    zoo = Zoo(animals=[Dog(name="Fido", dog_bark="woof"), Animal(name="Rex")])
    assert kernel.encode(zoo) == "{animals:[{__type:Dog,name:Fido,dogBark:woof},{name:Rex}]}"
