"""Hooks an application registers on ``khachhang.serde.converter`` reach every path.

Each test works on a fresh converter put in the module's place (the library's hooks,
nothing else), so the hooks it registers never leak into other tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import cattrs
import pytest
from hypothesis import given, settings

from conftest import T0, scaled
from khachhang import serde
from khachhang.customers import Customer, LineItem, Purchase
from khachhang.errors import ConversionError, ValidationError
from khachhang.money import Money
from khachhang.parties import Person
from khachhang.serde import from_dict, from_json, to_dict, to_json
from khachhang.serde._install import install
from khachhang.serde._scalars import _structure_money
from khachhang.testing import customers


@contextmanager
def fresh_converter() -> Iterator[cattrs.Converter]:
    """Put a newly built library converter in ``serde.converter`` for the block."""
    saved = serde.converter
    serde.converter = install(cattrs.Converter(forbid_extra_keys=True, detailed_validation=True))
    try:
        yield serde.converter
    finally:
        serde.converter = saved


def _money_as_text(money: Money) -> str:
    return f"{money.amount} {money.currency}"


def _money_from_text(value: object, _: type) -> Money:
    if not isinstance(value, str) or value.count(" ") != 1:
        raise ValidationError("", f"expected 'AMOUNT CURRENCY', got {value!r}")
    amount, currency = value.split(" ")
    return Money(amount, currency)


def _date_as_dmy(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _date_from_dmy(value: object, _: type) -> date:
    if not isinstance(value, str):
        raise ValidationError("", "expected DD/MM/YYYY")
    return datetime.strptime(value, "%d/%m/%Y").date()  # noqa: DTZ007 - a date, no zone


def _register_text_hooks(conv: cattrs.Converter) -> None:
    conv.register_unstructure_hook(Money, _money_as_text)
    conv.register_structure_hook(Money, _money_from_text)
    conv.register_unstructure_hook(date, _date_as_dmy)
    conv.register_structure_hook(date, _date_from_dmy)


def _customer() -> Customer:
    item = LineItem("sku-1", "Áo dài", 2, Money("450000"))
    purchase = Purchase("p-1", T0, Money("900000"), items=(item,))
    person = Person("Phạm Thu Hà", birth_date=date(1990, 6, 15))
    return Customer("c-1", person, created_at=T0, income=Money("5"), purchases=(purchase,))


def test_a_registered_hook_is_used_by_to_dict_and_to_json_for_nested_values() -> None:
    """Money in a field, a purchase and a line item; a date inside the tagged party."""
    with fresh_converter() as conv:
        _register_text_hooks(conv)
        data: Any = to_dict(_customer())
        text = to_json(_customer())
    assert isinstance(data, dict)
    assert data["income"] == "5 VND"
    assert data["purchases"] == [
        {
            "id": "p-1",
            "at": "2026-01-05T09:00:00+00:00",
            "amount": "900000 VND",
            "channel": data["purchases"][0]["channel"],
            "items": [
                {"sku": "sku-1", "name": "Áo dài", "quantity": 2, "unit_price": "450000 VND"}
            ],
        }
    ]
    assert data["party"]["birth_date"] == "15/06/1990"
    assert '"unit_price":"450000 VND"' in text
    assert '"birth_date":"15/06/1990"' in text


def test_a_registered_hook_is_used_by_from_dict_and_from_json_for_nested_values() -> None:
    """The same hooks read back what they wrote, through every shortcut of the library."""
    customer = _customer()
    with fresh_converter() as conv:
        _register_text_hooks(conv)
        assert from_dict(to_dict(customer), Customer) == customer
        assert from_json(to_json(customer), Customer) == customer
        # The library's own form is now refused: the application's hook is the one asked.
        with pytest.raises(ConversionError, match=r"\$\.income: expected 'AMOUNT CURRENCY'"):
            from_dict(dict(to_dict(customer), income={"amount": "5"}), Customer)
    assert from_json(to_json(customer), Customer) == customer  # the library's form again


@settings(max_examples=scaled(30))
@given(customers())
def test_every_customer_round_trips_through_an_applications_hooks(customer: Customer) -> None:
    """The round-trip law holds with an application's hooks for nested types."""
    with fresh_converter() as conv:
        _register_text_hooks(conv)
        assert from_json(to_json(customer), Customer) == customer
        assert from_dict(to_dict(customer), Customer) == customer


def test_a_hook_registered_after_first_use_still_reaches_nested_values() -> None:
    """cattrs forgets the hooks it generated when one is registered; so do the library's."""
    customer = _customer()
    with fresh_converter() as conv:
        assert from_json(to_json(customer), Customer) == customer  # hooks generated now
        _register_text_hooks(conv)
        data: Any = to_dict(customer)
        assert data["purchases"][0]["items"][0]["unit_price"] == "450000 VND"
        assert from_dict(data, Customer) == customer


def test_a_refusal_is_never_retried_into_a_result() -> None:
    """A hook that refuses once and then accepts: from_dict reports the refusal."""
    answers = iter(["refuse"])

    def moody_money(value: object, cls: type) -> Money:
        if next(answers, "accept") == "refuse":
            raise ValidationError("", "refused on the first call")
        return _structure_money(value, cls)

    data = to_dict(_customer())
    with fresh_converter() as conv:
        conv.register_structure_hook(Money, moody_money)
        with pytest.raises(ConversionError, match="refused on the first call"):
            from_dict(data, Customer)
