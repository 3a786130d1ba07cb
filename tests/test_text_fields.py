"""Every text field of every public model refuses text that cannot be stored.

The models are found by introspection (the ``__all__`` of every public module, every
attrs class there), their text fields by their type hints; a valid instance of each
comes from the model's Hypothesis strategy (``st.from_type``). A NUL or a lone surrogate
put into any one text field must raise a ValidationError that names the field, so
``to_json(...).encode("utf-8")`` can never fail on a model that was built.
"""

from __future__ import annotations

import collections.abc
import datetime
import importlib
import pkgutil
import types
import typing
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import khachhang
from conftest import SLOW_EXAMPLES, T0, scaled
from khachhang.errors import KhachHangError, RuleError, ValidationError
from khachhang.money import Money
from khachhang.segmentation import DEFAULT_REGISTRY, RFMGridSegment, RFMScore

# Public attrs classes that are not data: machine definitions and their parts, and the
# CRM vocabularies (CrmMapping and its parts), are written by programmers in code, and
# results (Move, Explanation, BookSummary) are built by the library from values that
# were checked when they were built.
NOT_DATA = {
    *("Definition", "Transition", "Move", "Explanation", "BookSummary"),
    *("CrmMapping", "RecordShape", "Vocabulary", "DealStages", "TimeFormat"),
}


def _public_models() -> list[type[Any]]:
    models: dict[str, type[Any]] = {}
    for info in pkgutil.walk_packages(khachhang.__path__, "khachhang."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts) or parts[1] in {"cli", "testing"}:
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if isinstance(obj, type) and attrs.has(obj) and name not in NOT_DATA:
                models[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [models[k] for k in sorted(models)]


def _text_shape(hint: object) -> str | None:
    """How a field holds text: 'str', 'optional', 'tuple', 'set', 'mapping' or None."""
    if hint is str:
        return "str"
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union) and str in args:
        return "optional" if type(None) in args else "str"  # str | None, or a rule's Value
    if origin is tuple and args == (str, ...):
        return "tuple"
    if origin is frozenset and _text_shape(args[0]) == "str":
        return "set"
    if origin is collections.abc.Mapping and args[1:] == (str,):
        return "mapping"
    return None


def _text_fields() -> list[tuple[type[Any], attrs.Attribute[Any], str]]:
    found = []
    for model in _public_models():
        hints = typing.get_type_hints(model)
        for field in attrs.fields(model):
            shape = _text_shape(hints.get(field.name))
            if shape is None or not field.init:
                continue
            found.append((model, field, shape))
    return found


TEXT_FIELDS = _text_fields()

# Models with no strategy of their own (they are parts of a registry or of a result).
EXAMPLES: dict[type[Any], st.SearchStrategy[Any]] = {
    type(DEFAULT_REGISTRY.fields[0]): st.sampled_from(DEFAULT_REGISTRY.fields),
    RFMGridSegment: st.just(RFMGridSegment("vip", "Khách VIP", "VIP", (5,), (4, 5))),
    RFMScore: st.just(RFMScore("KH 001", 3, 2, Money("150000"), 5, 3, 4)),
}


def _holding(shape: str, current: object, bad: str) -> object:
    if shape in ("str", "optional"):
        return bad
    if shape == "tuple":
        return (*typing.cast("tuple[str, ...]", current), bad)
    if shape == "set":
        return typing.cast("frozenset[str]", current) | {bad}
    mapping = dict(typing.cast("collections.abc.Mapping[Any, str]", current))
    mapping[datetime.date(2031, 12, 31)] = bad
    return mapping


def test_the_introspection_finds_the_fields_the_issue_names() -> None:
    """Event actor and note, Visit.left_by, SegmentCheck.unmatched, RFMScore.customer_id."""
    names = {f"{model.__name__}.{field.name}" for model, field, _ in TEXT_FIELDS}
    expected = {
        "Event.actor",
        "Event.note",
        "Visit.left_by",
        "SegmentCheck.unmatched",
        "RFMScore.customer_id",
        "Customer.id",
        "Purchase.id",
        "Person.full_name",
    }
    assert expected <= names
    assert len(names) > 80


@pytest.mark.parametrize(
    ("model", "field", "shape"),
    TEXT_FIELDS,
    ids=[f"{m.__name__}.{f.name}" for m, f, _ in TEXT_FIELDS],
)
@pytest.mark.parametrize("bad", ["a\x00b", "a\ud800b"], ids=["nul", "surrogate"])
@settings(
    max_examples=scaled(3),
    deadline=None,
    suppress_health_check=SLOW_EXAMPLES,
)
@given(data=st.data())
def test_a_text_field_refuses_nul_and_lone_surrogates(
    model: type[Any], field: attrs.Attribute[Any], shape: str, bad: str, data: st.DataObject
) -> None:
    """Putting unstorable text into any one text field raises a ValidationError naming it.

    Rule nodes raise their own RuleError (a KhachHangError and a ValueError), naming the
    field too.
    """
    instance = data.draw(EXAMPLES[model] if model in EXAMPLES else st.from_type(model))
    value = _holding(shape, getattr(instance, field.name), bad)
    expected = RuleError if model.__module__ == "khachhang.segmentation.rules" else ValidationError
    with pytest.raises(KhachHangError) as caught:
        attrs.evolve(instance, **{str(field.alias): value})
    assert isinstance(caught.value, expected)
    assert field.name in str(caught.value)


# --- keys are opaque, names are normalised --------------------------------------------

keys = st.text(
    st.characters(exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), min_size=1, max_size=40
).filter(lambda s: not s.isspace())


@given(keys, keys, keys)
def test_ids_and_skus_are_kept_byte_for_byte_through_json(
    customer_id: str, purchase_id: str, sku: str
) -> None:
    """No trimming, no folding, no NFC: the id read back is the id the source holds."""
    from khachhang import Customer, LineItem, Person, Purchase, from_json, to_json

    item = LineItem(sku, "Gạo", 1, Money("1000"))
    purchase = Purchase(purchase_id, T0, Money("1000"), items=[item])
    customer = Customer(customer_id, Person("An"), created_at=T0).add_purchase(purchase)
    again = from_json(to_json(customer).encode("utf-8"), Customer)
    assert again.id.encode("utf-8") == customer_id.encode("utf-8")
    assert again.purchases[0].id == purchase_id
    assert again.purchases[0].items[0].sku == sku


def test_purchase_ids_that_differ_only_in_spacing_stay_two_purchases() -> None:
    """'o 1' and 'o  1' are two orders in the source data, so they are two here."""
    from khachhang import Customer, Person, Purchase

    customer = Customer("KH  1 ", Person("An"), created_at=T0)
    customer = customer.add_purchase(Purchase("o 1", T0, Money("1000")))
    customer = customer.add_purchase(Purchase("o  1", T0, Money("2000")))
    assert customer.id == "KH  1 "
    assert sorted(p.id for p in customer.purchases) == ["o  1", "o 1"]


def test_an_nfd_id_is_not_rewritten_to_nfc_but_a_name_is() -> None:
    """Keys join records, so they stay as written; names are compared by people."""
    import unicodedata

    from khachhang import Customer, Person

    nfd = unicodedata.normalize("NFD", "Nguyễn")
    person = Person(f"  {nfd}   Văn  An ")
    customer = Customer(nfd, person, created_at=T0)
    assert customer.id == nfd
    assert person.full_name == unicodedata.normalize("NFC", "Nguyễn Văn An")


@pytest.mark.parametrize("bad", ["", "   ", "a\nb", "a\x00", "\ud800", "c\u202e1", "x" * 129])
def test_a_key_refuses_blank_control_and_over_long_text(bad: str) -> None:
    """Keys refuse only what cannot be stored or shown, and nothing else."""
    from khachhang import Customer, Person

    with pytest.raises(ValidationError) as caught:
        Customer(bad, Person("An"), created_at=T0)
    assert caught.value.path == "id"


@given(
    keys,
    st.text(
        st.characters(categories=("L", "M", "N", "P", "S", "Zs")) | st.sampled_from("\n\t"),
        max_size=30,
    ),
)
def test_event_actors_are_keys_and_notes_are_text(actor: str, note: str) -> None:
    """A machine keeps its actor as given and folds the note's spacing, as other notes."""
    import unicodedata

    from khachhang.care import Channel, Complaint

    complaint = Complaint("c-1", "KH 1", Channel.PHONE, "Hỏng", received_at=T0)
    done = complaint.acknowledge(at=T0, actor=actor, note=note)
    event = done.events[-1]
    assert event.actor == actor
    assert event.note == " ".join(unicodedata.normalize("NFC", note).split())
