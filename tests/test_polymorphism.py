"""Reading ``__type`` hints: the class a map is read as (wire-extras §19-§22), both kernels."""

from __future__ import annotations

import abc
import dataclasses
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, ClassVar, Generic, TypeVar, Union

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jsv
from jsv import _poly


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
    animals: list[Animal] = field(default_factory=list)
    star: Animal | None = None
    pets: dict[str, Animal] = field(default_factory=dict)


@dataclass
class Home:
    pet: Union[Dog, Cat] | None = None
    pets: list[Union[Dog, Cat]] = field(default_factory=list)


@dataclass
class Shape(abc.ABC):
    @abc.abstractmethod
    def area(self) -> float: ...


@dataclass
class Circle(Shape):
    __jsv_type__: ClassVar[str] = "Geometry.Shapes.Circle, Geometry"
    radius: int = 0

    def area(self) -> float:
        return 3.0 * self.radius**2


@dataclass
class BigCircle(Circle):  # __jsv_type__ is not inherited: its wire name is its own
    pass


@dataclass
class Marked:
    type: str = ""
    size: int = 0


T = TypeVar("T")
U = TypeVar("U")
V = TypeVar("V")


@dataclass
class Owner:
    name: str = ""


@dataclass
class Crate(Generic[T]):
    """A generic base: a hint naming a generic subclass gives it the declared arguments."""

    item: T | None = None


@dataclass
class Box(Crate[U]):  # its own TypeVar, bound to Crate's T
    label: str = ""


@dataclass
class IntBox(Crate[int]):  # bound by its base already
    pass


@dataclass
class ListBox(Crate[list[U]]):  # U inside another type: not decided by Crate[X]
    pass


@dataclass
class TaggedBox(Crate[U], Generic[U, V]):  # V is its own
    tag: V | None = None


@dataclass
class Bag:
    size: int = 0


@dataclass
class Shelf(Generic[T]):
    crate: Crate[T] | None = None
    crates: list[Crate[T] | Bag] = field(default_factory=list)


def same(value: Any, expected: Any) -> None:
    """Equal, and of exactly the same classes (== on dataclasses compares classes too, but
    a subclass's fields could hide a wrong class in a list)."""
    assert type(value) is type(expected)
    assert value == expected
    if dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            same(getattr(value, f.name), getattr(expected, f.name))
    elif isinstance(value, list):
        for a, b in zip(value, expected, strict=True):
            same(a, b)
    elif isinstance(value, dict):
        for key in value:
            same(value[key], expected[key])


def invalid(doc: str, tp: Any) -> jsv.ValidationError:
    with pytest.raises(jsv.ValidationError) as info:
        jsv.loads(doc, type=tp)
    return info.value


def test_short_names_of_type_texts() -> None:
    # §20's table
    assert _poly.short_name("Dog") == "Dog"
    assert (
        _poly.short_name("ServiceStack.Text.Tests.JsonTests.Dog, ServiceStack.Text.Tests") == "Dog"
    )
    assert (
        _poly.short_name("My.Ns.Poco, tti, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null")
        == "Poco"
    )
    assert (
        _poly.short_name(
            "ServiceStack.Text.Tests.JsonTests.PolymorphicListTests+OtherDog, "
            "ServiceStack.Text.Tests"
        )
        == "OtherDog"
    )
    assert (
        _poly.short_name(
            "ServiceStack.Messaging.Message`1[[System.String, mscorlib]], ServiceStack.Interfaces"
        )
        == "Message"
    )
    assert _poly.short_name("  Dog  ") == "Dog"


def test_a_hint_names_the_subclass_to_build() -> None:
    doc = "{animals:[{__type:Dog,name:Fido,dogBark:woof},{name:Rex},{__type:Puppy,age:1}]}"
    same(
        jsv.loads(doc, type=Zoo),
        Zoo(animals=[Dog("Fido", "woof"), Animal("Rex"), Puppy(age=1)]),
    )
    doc = (
        '{star:{__type:"ServiceStack.Text.Tests.JsonTests.Cat, ServiceStack.Text.Tests",name:Tom}}'
    )
    same(jsv.loads(doc, type=Zoo), Zoo(star=Cat("Tom")))
    same(
        jsv.loads("{pets:{a:{__type:Cat,catPurr:true}}}", type=Zoo),
        Zoo(pets={"a": Cat(cat_purr=True)}),
    )
    same(jsv.loads("{__type:Dog,name:F}", type=Animal), Dog("F"))


def test_a_hint_anywhere_in_the_map_keeps_every_field() -> None:
    # differs from the reference, which loses the fields read before the hint
    same(jsv.loads("{name:F,dogBark:w,__type:Dog}", type=Animal), Dog("F", "w"))
    same(jsv.loads("[{name:F,__type:Puppy,age:2}]", type=list[Animal]), [Puppy("F", age=2)])


def test_the_hint_key_is_matched_case_insensitively_after_trimming() -> None:
    same(jsv.loads('{"  __TYPE ":Dog,name:F}', type=Animal), Dog("F"))
    same(jsv.loads("{ __Type : Dog , name : F }", type=Animal, trim=True), Dog("F"))


def test_no_hint_or_a_hint_that_names_no_candidate_reads_the_declared_class() -> None:
    same(jsv.loads("{__type:,name:F}", type=Animal), Animal("F"))
    same(jsv.loads('{__type:"Bogus, t_read",name:F}', type=Animal), Animal("F"))
    same(jsv.loads("{__type:Zoo,name:F}", type=Animal), Animal("F"))  # not a subclass
    same(jsv.loads("{__type:Cat,name:F}", type=Dog), Dog("F"))  # a sibling is no candidate
    same(jsv.loads("{__type:{a:1},name:F}", type=Animal), Animal("F"))  # no text


def test_the_hint_never_matches_a_field() -> None:
    same(jsv.loads("{__type:Marked,type:y,size:1}", type=Marked), Marked("y", 1))
    with pytest.raises(jsv.ValidationError):
        jsv.loads("{type:y,size:x}", type=Marked)
    # nor is it an unknown key
    assert jsv.loads("{__type:X,size:1}", type=Marked, forbid_unknown_fields=True) == Marked(size=1)


def test_a_subclass_defined_after_a_first_decode_is_found() -> None:
    # (a base of its own: the classes a test defines outlive it, and each kernel runs it)
    @dataclass
    class Pet:
        name: str = ""

    assert jsv.loads("{__type:Late,name:F}", type=Pet) == Pet("F")

    @dataclass
    class Late(Pet):
        late: int = 0

    same(jsv.loads("{__type:Late,name:F,late:3}", type=Pet), Late("F", 3))


def test_a_union_of_dataclasses_reads_the_member_its_hint_names() -> None:
    doc = "{pet:{__type:Cat,name:Tom,catPurr:true},pets:[{__type:Dog},{__type:Puppy,age:2}]}"
    same(jsv.loads(doc, type=Home), Home(pet=Cat("Tom", True), pets=[Dog(), Puppy(age=2)]))
    same(jsv.loads("{name:Tom,__type:Cat}", type=Union[Dog, Cat]), Cat("Tom"))


def test_a_union_map_without_a_hint_naming_a_member_is_a_validation_error() -> None:
    error = invalid("{pet:{name:Tom}}", Home)
    assert (error.msg, error.path, error.pos) == (
        "Expected Dog | Cat: a map whose __type names one of Dog, Cat, Puppy, got no __type",
        "$.pet",
        5,
    )
    error = invalid("{pets:[{__type:Dog},{__type:Bogus}]}", Home)
    assert (error.msg, error.path) == (
        "Expected Dog | Cat: a map whose __type names one of Dog, Cat, Puppy, got __type 'Bogus'",
        "$.pets[1]",
    )
    error = invalid("{}", Union[Dog, Cat])
    assert error.path == "$"


def test_an_abstract_class_is_never_chosen_nor_built() -> None:
    same(jsv.loads("{__type:Circle,radius:2}", type=Shape), Circle(2))
    same(jsv.loads("{__type:BigCircle,radius:3}", type=Shape), BigCircle(3))
    error = invalid("{radius:2}", Shape)
    assert (error.msg, error.path) == (
        "Expected Shape: a map whose __type names one of "
        "Geometry.Shapes.Circle, Geometry, BigCircle, got no __type",
        "$",
    )
    error = invalid("{__type:Shape}", list[Shape] | None)
    assert error.msg.endswith("got a map")


def test_full_wire_names_tell_apart_classes_of_one_short_name() -> None:
    @dataclass
    class Pet:
        name: str = ""

    @dataclass
    class Spotted(Pet):
        __jsv_type__: ClassVar[str] = "Zoo.A.Spotted, Zoo"

    @dataclass
    class Spotted2(Pet):
        __jsv_type__: ClassVar[str] = "Zoo.B.Spotted, Zoo"

    same(jsv.loads('{__type:"Zoo.B.Spotted, Zoo",name:x}', type=Pet), Spotted2("x"))
    same(jsv.loads('{__type:" Zoo.A.Spotted, Zoo ",name:x}', type=Pet), Spotted("x"))
    error = invalid("[{__type:Spotted,name:x}]", list[Pet])
    assert error.path == "$[0]"
    assert error.msg == (
        "The __type 'Spotted' names tests.test_polymorphism.test_full_wire_names_tell_apart_"
        "classes_of_one_short_name.<locals>.Spotted, tests.test_polymorphism.test_full_wire_"
        "names_tell_apart_classes_of_one_short_name.<locals>.Spotted2: give them __jsv_type__ "
        "texts to tell them apart"
    )


def test_a_union_with_one_dataclass_member_reads_its_subclasses_too() -> None:
    same(jsv.loads("{__type:Puppy,age:1}", type=Union[Dog, str]), Puppy(age=1))
    assert jsv.loads("woof", type=Union[Dog, str]) == "woof"


def test_the_c_executor_reads_a_hint_first_in_the_map_itself(kernel: ModuleType) -> None:
    if kernel.__name__ != "jsv._speedups":
        pytest.skip("the C executor")
    decoder = jsv.Decoder(Zoo)

    def fallback(_: Any, invalid: Any) -> Any:
        raise AssertionError(f"the C executor did not decode the document: {invalid!r}")

    doc = "{animals:[{__type:Dog,name:Fido,dogBark:woof},{name:Rex},{__type:Puppy,age:1}]}"
    value = kernel.decode_typed(doc, False, decoder._compact, fallback)
    same(value, Zoo(animals=[Dog("Fido", "woof"), Animal("Rex"), Puppy(age=1)]))
    # a union of dataclasses too, without the union's converter
    home = jsv.Decoder(Home)
    converter = home._compact[4][1][1][1][-1]  # pets: list[Dog | Cat] -> the union node
    assert converter.__name__ == "convert"

    def never(value: Any) -> Any:
        raise AssertionError("the union's converter ran")

    home._compact[4][1][1][1][-1] = never
    try:
        doc = "{pets:[{__type:Cat,name:Tom},{__type:Puppy,age:2}]}"
        value = kernel.decode_typed(doc, False, home._compact, fallback)
        same(value, Home(pets=[Cat("Tom"), Puppy(age=2)]))
    finally:
        home._compact[4][1][1][1][-1] = converter


HINTS = st.sampled_from(["Dog", "Cat", "Puppy", "Animal", "Bogus", "", " Dog ", "A.B.Cat, X"])
KEYS = st.sampled_from(["__type", "__TYPE", " __type", "name", "dogBark", "age", "catPurr"])
VALUES = st.sampled_from(["x", "1", "true", "", "{a:1}", "[1]"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    entries = draw(st.lists(st.tuples(KEYS, VALUES | HINTS), max_size=5))
    return "{" + ",".join(f"{key}:{value}" for key, value in entries) + "}"


@settings(max_examples=300, deadline=None)
@given(st.lists(documents(), max_size=3), st.sampled_from([Animal, Union[Dog, Cat], Dog]))
def test_both_executors_read_hints_alike(maps: list[str], tp: Any) -> None:
    # any hint anywhere, any spelling: the C executor gives the pure executor's outcome
    decoder = jsv.Decoder(list[tp])
    doc = "[" + ",".join(maps) + "]"

    def outcome(function: Any) -> Any:
        try:
            value = function(doc)
        except jsv.JSVError as e:
            return ("error", type(e), str(e))
        return ("ok", [(type(v), v) for v in value])

    assert outcome(decoder.decode) == outcome(decoder._decode_tree)


def test_a_hint_naming_a_generic_subclass_gives_it_the_declared_type_arguments() -> None:
    same(jsv.loads("{__type:Box,item:5,label:x}", type=Crate[int]), Box(5, "x"))
    same(jsv.loads("{__type:Box,item:{name:Rex}}", type=Crate[Owner]), Box(Owner("Rex")))
    same(jsv.loads("[{__type:Box,item:5},{item:6}]", type=list[Crate[int]]), [Box(5), Crate(6)])
    same(jsv.loads("{__type:IntBox,item:5}", type=Crate[int]), IntBox(5))
    # through the type arguments of the class that declares the field
    doc = "{crate:{__type:Box,item:{name:Rex}},crates:[{__type:Box,item:{}},{__type:Bag,size:2}]}"
    same(
        jsv.loads(doc, type=Shelf[Owner]),
        Shelf(Box(Owner("Rex")), [Box(Owner()), Bag(2)]),
    )


def test_type_parameters_the_declaration_does_not_decide_are_any() -> None:
    # U inside list[U], and a parameter of the subclass's own: read as the untyped values
    same(jsv.loads("{__type:ListBox,item:[1,2]}", type=Crate[list[int]]), ListBox(["1", "2"]))
    same(jsv.loads("{__type:TaggedBox,item:5,tag:6}", type=Crate[int]), TaggedBox(5, "6"))


def test_what_a_generic_subclass_reads_is_checked_with_the_declared_arguments() -> None:
    error = invalid("[{__type:Box,item:x}]", list[Crate[int]])
    assert (error.msg, error.path, error.pos) == ("Expected int, got 'x'", "$[0].item", 18)
    error = invalid("{crates:[{__type:Box,item:x}]}", Shelf[int])
    assert (error.msg, error.path, error.pos) == ("Expected int, got 'x'", "$.crates[0].item", 26)


def test_generic_subclasses_get_their_arguments_in_plans() -> None:
    assert _poly.parametrized(Box, Crate[int]) == Box[int]
    assert _poly.parametrized(IntBox, Crate[int]) is IntBox
    assert _poly.parametrized(ListBox, Crate[list[int]]) == ListBox[Any]
    assert _poly.parametrized(TaggedBox, Crate[int]) == TaggedBox[int, Any]
    assert _poly.subclass_named(Crate[int], "Box") == Box[int]
    assert _poly.subclass_named(Crate[int], "Crate") is None
    assert _poly.choose_declared((Crate[Owner], Bag), "Box") == Box[Owner]
    assert _poly.choose_declared((Crate[Owner], Bag), "Bag") is Bag


def test_generic_classes_write_their_hints_and_read_back() -> None:
    # An instance does not keep its class's type arguments: the hints come from what the
    # class's fields declare, whatever the arguments.
    shelf = Shelf[Owner](Box(Owner("Rex"), "l"), [Box(Owner("a")), Bag(2), Crate(Owner("c"))])
    text = jsv.dumps(shelf)
    assert text == (
        "{crate:{__type:Box,item:{name:Rex},label:l},crates:[{__type:Box,item:{name:a},"
        'label:""},{__type:Bag,size:2},{__type:Crate,item:{name:c}}]}'
    )
    same(jsv.loads(text, type=Shelf[Owner]), shelf)
