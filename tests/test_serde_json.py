"""The library's JSON reader: a key twice is refused with its path; a BOM is ignored."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import T0, scaled
from khachhang.customers import Customer
from khachhang.errors import ConversionError
from khachhang.parties import Person
from khachhang.serde import from_json, to_dict, to_json
from khachhang.testing import customers


def _customer() -> Customer:
    return Customer("c", Person("Phạm Thu Hà"), created_at=T0)


def test_a_repeated_id_is_refused_rather_than_the_last_one_winning() -> None:
    """The issue's example: ``"id":"c","id":"evil"`` must not load as customer "evil"."""
    text = to_json(_customer()).replace('"id":"c"', '"id":"c","id":"evil"', 1)
    with pytest.raises(ConversionError) as info:
        from_json(text, Customer)
    assert info.value.errors == (("$.id", "key 'id' appears more than once"),)


class _Pairs(list[tuple[str, Any]]):
    """An object written from its pairs, so a test can write a key twice."""


def _write(value: Any) -> str:
    if isinstance(value, _Pairs):
        return "{" + ",".join(f"{json.dumps(k)}:{_write(v)}" for k, v in value) + "}"
    if isinstance(value, dict):
        return _write(_Pairs(value.items()))
    if isinstance(value, list):
        return "[" + ",".join(_write(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _objects(doc: Any, path: str = "$") -> list[tuple[str, dict[str, Any]]]:
    """Every non-empty object in ``doc`` with its path, as from_json's errors write it."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(doc, dict):
        if doc:
            found.append((path, doc))
        for key, value in doc.items():
            found += _objects(value, f"{path}.{key}")
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found += _objects(value, f"{path}[{index}]")
    return found


def _with_repeat(value: Any, target: dict[str, Any], key: str, again: Any) -> Any:
    """``value`` with ``key: again`` written a second time in the object ``target``."""
    if isinstance(value, dict):
        pairs = _Pairs((k, _with_repeat(v, target, key, again)) for k, v in value.items())
        if value is target:
            pairs.append((key, again))
        return pairs
    if isinstance(value, list):
        return [_with_repeat(v, target, key, again) for v in value]
    return value


@settings(max_examples=scaled(60))
@given(customers(), st.data())
def test_a_key_written_twice_anywhere_is_refused_with_its_path(
    customer: Customer, data: st.DataObject
) -> None:
    """Whatever object and key, with the same value or another: refused, path named."""
    doc: Any = to_dict(customer)
    path, obj = data.draw(st.sampled_from(_objects(doc)), label="object")
    key = data.draw(st.sampled_from(sorted(obj)), label="key")
    again = data.draw(st.sampled_from([obj[key], None, "evil", 0]), label="again")
    text = _write(_with_repeat(doc, obj, key, again))
    with pytest.raises(ConversionError) as info:
        from_json(text, Customer)
    assert (f"{path}.{key}", f"key {key!r} appears more than once") in info.value.errors


def test_every_repeated_key_is_listed() -> None:
    """Two repeats in two objects: both paths, in one error."""
    text = to_json(_customer())
    text = text.replace('"id":"c"', '"id":"c","id":"c"', 1)
    text = text.replace('"full_name":', '"full_name":"X","full_name":', 1)
    with pytest.raises(ConversionError) as info:
        from_json(text, Customer)
    assert info.value.paths == ("$.id", "$.party.full_name")


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: "\ufeff" + t,
        lambda t: ("\ufeff" + t).encode("utf-8"),
        lambda t: t.encode("utf-16"),  # its BOM tells the byte order
        lambda t: t.encode("utf-8"),
    ],
    ids=["str-with-bom", "utf8-bytes-with-bom", "utf16-bytes", "utf8-bytes"],
)
def test_a_leading_byte_order_mark_is_ignored_in_text_and_in_bytes(encode: Any) -> None:
    """RFC 8259 lets a reader ignore a BOM; bytes and text now agree on it."""
    customer = _customer()
    assert from_json(encode(to_json(customer)), Customer) == customer


def test_a_bom_anywhere_but_the_start_is_still_malformed_json() -> None:
    """Only the leading one is ignored."""
    text = to_json(_customer())
    with pytest.raises(ConversionError, match="not valid JSON"):
        from_json(" \ufeff" + text, Customer)
    with pytest.raises(ConversionError, match="not valid JSON"):
        from_json("\ufeff\ufeff" + text, Customer)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_by_the_reader_with_their_path(constant: str) -> None:
    """They are not JSON (RFC 8259); Python's reader accepts them, the library's does not."""
    text = '{"id": "c", "tags": [1, ' + constant + "]}"
    with pytest.raises(ConversionError) as info:
        from_json(text, Customer)
    assert info.value.errors == (("$.tags[1]", f"{constant} is not a JSON number"),)
