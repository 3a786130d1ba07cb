"""What serde's functions promise about types: JSON data out, a clear error for misuse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import given, settings

from conftest import T0, scaled
from khachhang import serde
from khachhang.customers import Customer
from khachhang.errors import ConversionError, ValidationError
from khachhang.fsm import Event, Payload
from khachhang.kinds import Lifecycle
from khachhang.money import Money
from khachhang.parties import Person
from khachhang.serde import JSONValue, from_dict, from_json, to_dict, to_json
from khachhang.serde._install import install
from khachhang.testing import customers

_USES = """
from typing import Any, assert_type
from khachhang.customers import Customer
from khachhang.serde import JSONObject, JSONValue, to_dict

def as_object(c: Customer) -> JSONObject:
    return to_dict(c)

def as_row(c: Customer) -> dict[str, Any]:
    return to_dict(c)

def as_value(cs: list[Customer]) -> JSONValue:
    return to_dict(cs)

def typed(c: Customer) -> None:
    assert_type(to_dict(c), JSONObject)
    assert_type(to_dict([c]), JSONValue)
"""


def test_to_dict_has_a_precise_json_type_under_mypy_strict(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A model gives JSONObject, anything else JSONValue: never Any (no-any-return)."""
    api = pytest.importorskip("mypy.api")
    monkeypatch.setenv("MYPYPATH", str(Path(serde.__file__).parents[2]))
    args = ["--config-file", "", "--strict", "--no-error-summary", "-c", _USES]
    out, err, status = api.run(args)
    assert (out, status) == ("", 0), out + err


def _is_json(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_is_json(v) for v in value)
    return value is None or isinstance(value, (str, int, float, bool))


@settings(max_examples=scaled(30))
@given(customers())
def test_to_dict_gives_json_data_only(customer: Customer) -> None:
    """What the type says holds at run time: str keys, lists, strings, numbers."""
    data: JSONValue = to_dict(customer)
    assert isinstance(data, dict)
    assert _is_json(data)


@pytest.mark.parametrize(
    "value", [object(), b"bytes", {1, 2}.__iter__()], ids=["object", "bytes", "iterator"]
)
def test_to_json_of_something_not_a_model_is_a_conversion_error(value: object) -> None:
    """Not a bare TypeError from the encoder: the error names the type and the fix."""
    name = type(value).__name__
    for write in (to_json, to_dict):
        with pytest.raises(ConversionError, match=rf"\$: {name} is not JSON data") as info:
            write(value)
        assert "register an unstructure hook" in str(info.value)


def test_to_json_names_the_path_of_a_value_json_cannot_hold() -> None:
    """Deep inside a list the error still names the place."""
    customer = Customer("c-1", Person("Phạm Thu Hà"), created_at=T0)
    with pytest.raises(ConversionError, match=r"\$\[1\]: object is not JSON data"):
        to_json([customer, object()])


@attrs.frozen
class _Unknown:
    """A class the converter has no hook for, inside a model."""

    value: int


def test_a_model_written_as_something_else_than_an_object_is_refused() -> None:
    """to_dict promises a JSON object for a model; a hook that breaks that is named."""
    saved = serde.converter
    serde.converter = install(cattrs.Converter(forbid_extra_keys=True, detailed_validation=True))
    try:
        serde.converter.register_unstructure_hook(Money, str)
        with pytest.raises(ConversionError, match="the hook for Money wrote str"):
            to_dict(Money("5"))
    finally:
        serde.converter = saved


def test_from_dict_of_a_generic_model_without_its_argument_says_what_to_pass() -> None:
    """Event is generic in its state: the error says Event[Lifecycle], not cattrs' words."""
    event = Event("create", None, Lifecycle.PROSPECT, T0)
    expected = (
        (
            "$",
            "Event is generic in S: pass it with its type argument, e.g. Event[Lifecycle] "
            "(a customer's), Event[Stage] (a buying process's)",
        ),
    )
    with pytest.raises(ConversionError) as from_data:
        from_dict(to_dict(event), Event)
    with pytest.raises(ConversionError) as from_text:
        from_json(to_json(event), Event)
    assert from_data.value.errors == from_text.value.errors == expected
    assert from_dict(to_dict(event), Event[Lifecycle]) == event


@pytest.mark.parametrize(
    ("cls", "reason"),
    [
        (object, "no structure hook for object: pass a khachhang model"),
        (_Unknown | int, "no structure hook for"),
        (5, "5 is not a type; pass the model class to build"),
    ],
    ids=["object", "union", "not-a-type"],
)
def test_from_dict_into_a_type_the_converter_cannot_build_names_it(cls: Any, reason: str) -> None:
    """No "unknown error (...)": the reason says what is wrong with the requested type."""
    with pytest.raises(ConversionError) as info:
        from_dict({"value": 1}, cls)
    ((path, said),) = info.value.errors
    assert path == "$"
    assert said.startswith(reason)
    assert "unknown error" not in said


def test_a_field_of_one_payload_class_refuses_another_registered_payload() -> None:
    """A process's ``opening`` is an Opening: data tagged as a review is refused by tag."""
    from khachhang.buying import BuyClass, BuyingProcess

    process = BuyingProcess.start(id="b-1", buyer="c-7", buy_class=BuyClass.NEW_TASK, at=T0)
    data: Any = to_dict(process)
    data["opening"]["type"] = "buying_review"
    with pytest.raises(ConversionError) as info:
        from_dict(data, BuyingProcess)
    assert info.value.errors == (
        ("$.opening.type", "expected a 'buying_opening' payload, got 'buying_review'"),
    )


@attrs.frozen
class _Unregistered(Payload):
    """A payload class no one passed to register_payload."""

    note: str = ""


def test_an_unregistered_payload_is_refused_by_name_when_written() -> None:
    """Never written without its tag (which nothing could read back)."""
    event = Event("create", None, Lifecycle.PROSPECT, T0, payload=_Unregistered())
    with pytest.raises(ValidationError, match="_Unregistered is not registered"):
        to_dict(event)


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize(
    ("value", "path"),
    [
        ([float("inf")], r"\$\[0\]"),
        ({"a": float("nan")}, r"\$\.a"),
        ({"a": [1.0, float("-inf")]}, r"\$\.a\[1\]"),
    ],
    ids=["inf-in-list", "nan-in-object", "minus-inf-nested"],
)
def test_to_json_refuses_nan_and_infinity_naming_the_path(
    value: object, path: str, indent: int | None
) -> None:
    """NaN and Infinity are not JSON: refused with the path, never written as such."""
    with pytest.raises(ConversionError, match=rf"{path}: -?(inf|nan) is not a JSON number"):
        to_json(value, indent=indent)


class _Key:
    """Something that is neither JSON data nor a model, used as a key."""


@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize(
    "key", [_Key(), float("nan"), (1, 2), frozenset({1})], ids=["object", "nan", "tuple", "set"]
)
def test_to_json_refuses_a_key_json_cannot_hold_naming_the_path(
    key: object, indent: int | None
) -> None:
    """A bad key is a ConversionError naming its place, not a bare TypeError."""
    with pytest.raises(ConversionError, match=r"\$\.a\.") as info:
        to_json({"a": {key: 1}}, indent=indent)
    assert "not" in info.value.errors[0][1]
    if isinstance(key, (tuple, frozenset)):
        with pytest.raises(ConversionError, match=r"\$\.a\..*: a collection key is not JSON"):
            to_dict({"a": {key: 1}})


@attrs.frozen
class _Tagged(Payload):
    """A payload class the registration tests tag and re-tag."""

    note: str = ""


def _dispatch_size() -> int:
    hooks = (serde.converter._unstructure_func, serde.converter._structure_func)
    return sum(len(hook._function_dispatch._handler_pairs) for hook in hooks)


def test_registering_a_payload_again_with_its_tag_changes_nothing() -> None:
    """The converter's hook list does not grow with every call."""
    serde.register_payload(_Tagged, "tests.tagged")
    before = _dispatch_size()
    for _ in range(50):
        assert serde.register_payload(_Tagged, "tests.tagged") is _Tagged
    assert _dispatch_size() == before


@attrs.frozen
class _Retagged(Payload):
    """A payload class given a new tag after its first one."""

    note: str = ""


def test_a_retagged_payload_is_no_longer_read_by_its_old_tag() -> None:
    """Only the new tag names the class; the old one is an unknown tag again."""
    serde.register_payload(_Retagged, "tests.retagged.old")
    serde.register_payload(_Retagged, "tests.retagged.new")
    event = Event("create", None, Lifecycle.PROSPECT, T0, payload=_Retagged("x"))
    data: Any = to_dict(event)
    assert data["payload"] == {"type": "tests.retagged.new", "note": "x"}
    assert from_dict(data, Event[Lifecycle]) == event
    data["payload"]["type"] = "tests.retagged.old"
    with pytest.raises(ConversionError, match=r"tests\.retagged\.old"):
        from_dict(data, Event[Lifecycle])


@pytest.mark.parametrize("tag", [5, None, "", "   ", "a\nb"], ids=repr)
def test_a_payload_tag_that_is_not_a_key_is_refused(tag: Any) -> None:
    """A tag is written as "type" and read back by name: it must be printable text."""
    with pytest.raises(ValidationError, match=r"^tag"):
        serde.register_payload(_Unregistered, tag)
    event = Event("create", None, Lifecycle.PROSPECT, T0, payload=_Unregistered())
    with pytest.raises(ValidationError, match="_Unregistered is not registered"):
        to_dict(event)
