"""The fast paths of serde and the models give what the fully validated paths give.

``serde.converter`` takes straight-line hooks for purchases and line items (the
money cache, no per-field bookkeeping on valid data); a converter built without them is
the reference they must agree with, on the result and on the report of every problem. The
models take shortcuts for already-typed values (``Money`` from a digit string,
collections already of the right type). These tests check that every shortcut accepts
exactly what the general path accepts and builds an equal value.
"""

from __future__ import annotations

import copy
import sys
import unicodedata
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import cattrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import T0 as _T0
from conftest import scaled
from khachhang import serde
from khachhang._checks import as_collection, clean_text
from khachhang.customers import Customer
from khachhang.errors import ConversionError, ValidationError
from khachhang.money import CURRENCIES, Money
from khachhang.parties import Person, normalize_email
from khachhang.serde import _scalars, from_dict, from_json, to_dict, to_json
from khachhang.serde._install import install
from khachhang.serde._report import _problems
from khachhang.testing import customers

# Leaves a mutation may put anywhere in a valid document: wrong types, edge values,
# text that needs cleaning or is invalid, amounts with too many digits.
_ODD_LEAVES = st.sampled_from(
    [
        None,
        True,
        False,
        0,
        -1,
        7,
        1.5,
        "",
        " ",
        " padded ",
        "a\x00b",
        "e\u0301",
        "x" * 300,
        "-0",
        "12.5",
        "1e3",
        "0012",
        "999999999999999999",
        "1000000000000000000",
        "１２",
        "NaN",
        "VND",
        "USD",
        "XXX",
        "2026-01-05T09:00:00",
        "2026-01-05T09:00:00+07:00",
        "phone",
        "email",
        "lapsed",
        [],
        {},
        ["x"],
        {"amount": "5", "currency": "VND"},
    ]
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside ``doc`` (dict keys and list indexes)."""
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found += _paths(value, (*prefix, index))
    return found


# The library's hooks without the purchase shortcuts: what the shortcuts must agree with.
_REFERENCE = install(
    cattrs.Converter(forbid_extra_keys=True, detailed_validation=True), shortcuts=False
)


def _outcome(conv: Any, data: Any) -> tuple[str, Any]:
    try:
        return ("ok", conv.structure(data, Customer))
    except Exception as exc:  # compared by the report from_dict would give
        return ("error", _problems(exc))


@settings(max_examples=scaled(40))
@given(customers())
def test_shortcuts_build_what_the_generated_hooks_build(customer: Customer) -> None:
    """On valid data, the converter with shortcuts builds what the reference builds."""
    data = to_dict(customer)
    fast = serde.converter.structure(copy.deepcopy(data), Customer)
    validated = _REFERENCE.structure(copy.deepcopy(data), Customer)
    assert fast == validated == customer
    assert from_json(to_json(customer), Customer) == customer


@settings(max_examples=scaled(150))
@given(customers(), st.data())
def test_shortcuts_refuse_what_the_generated_hooks_refuse_with_the_same_report(
    customer: Customer, data: st.DataObject
) -> None:
    """A mutated document gets the same result, or the same list of problems, from both."""
    doc: Any = to_dict(customer)
    path = data.draw(st.sampled_from(_paths(doc)), label="path")
    action = data.draw(st.sampled_from(["replace", "delete", "add"]), label="action")
    leaf = data.draw(_ODD_LEAVES, label="leaf")
    mutated = copy.deepcopy(doc)
    if path:
        parent = mutated
        for step in path[:-1]:
            parent = parent[step]
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "delete" and isinstance(parent, list):
            parent.pop(path[-1])
        elif action == "add" and isinstance(parent, dict):
            parent["unexpected"] = leaf
        else:
            parent[path[-1]] = copy.deepcopy(leaf)
    fast = _outcome(serde.converter, copy.deepcopy(mutated))
    validated = _outcome(_REFERENCE, copy.deepcopy(mutated))
    assert fast == validated
    if validated[0] == "error":
        with pytest.raises(ConversionError):
            from_dict(mutated, Customer)


def _money_outcome(amount: str | Decimal, currency: str) -> tuple[str, str]:
    try:
        return ("ok", repr(Money(amount, currency)))
    except ValidationError as exc:
        return (exc.path, exc.reason)


@given(
    st.text("0123456789", min_size=1, max_size=21),
    st.sampled_from(sorted(CURRENCIES)),
)
def test_money_from_digits_equals_the_general_path(digits: str, currency: str) -> None:
    # A Decimal amount always takes the general path; a digit string may take the shortcut.
    assert _money_outcome(digits, currency) == _money_outcome(Decimal(digits), currency)


def test_money_digit_boundaries() -> None:
    assert Money("9" * 18).amount == Decimal("9" * 18)
    with pytest.raises(ValidationError, match="out of range"):
        Money("1" + "0" * 18)
    assert repr(Money("0012")) == "Money('12', 'VND')"
    assert repr(Money("000")) == "Money('0', 'VND')"
    assert repr(Money("5", "USD")) == "Money('5.00', 'USD')"
    assert Money("１２") == Money(12)  # non-ASCII digits take the general path, as before


def test_money_cache_never_keeps_a_refusal() -> None:
    doc = to_dict(Customer("c", _person(), created_at=_T0, income=Money("5")))
    bad = dict(doc, income={"amount": "1.5", "currency": "VND"})
    for _ in range(2):
        with pytest.raises(ConversionError, match=r"\$\.income\.amount"):
            from_dict(bad, Customer)
    good = dict(doc, income={"amount": "15", "currency": "VND"})
    assert from_dict(good, Customer).income == Money("15")
    assert from_dict(good, Customer).income == Money("15")  # served from the cache


def test_money_cache_stays_bounded() -> None:
    hook = _scalars._structure_money
    for i in range(_scalars._MONEY_CACHE_SIZE + 10):
        assert hook({"amount": str(i), "currency": "VND"}, Money) == Money(i)
    assert len(_scalars._MONEY_CACHE) <= _scalars._MONEY_CACHE_SIZE


def test_equal_offsets_share_one_timezone() -> None:
    hook = _scalars._structure_datetime
    a = hook("2024-05-06T07:08:09+07:00", datetime)
    b = hook("2025-01-02T03:04:05.5+07:00", datetime)
    assert a.tzinfo is b.tzinfo
    assert (a.isoformat(), b.isoformat()) == (
        "2024-05-06T07:08:09+07:00",
        "2025-01-02T03:04:05.500000+07:00",
    )
    utc = hook("2024-05-06T07:08:09Z", datetime)
    assert utc.tzinfo is hook("2024-05-06T00:00+00:00", datetime).tzinfo


@given(st.integers(-23 * 60, 23 * 60))
@settings(max_examples=scaled(50))
def test_shared_offset_keeps_the_instant_and_wall_time(minutes: int) -> None:
    sign, total = ("-" if minutes < 0 else "+"), abs(minutes)
    text = f"2024-03-10T02:30:00{sign}{total // 60:02}:{total % 60:02}"
    parsed = _scalars._structure_datetime(text, datetime)
    assert parsed == datetime.fromisoformat(text)
    assert parsed.isoformat() == datetime.fromisoformat(text).isoformat()
    assert parsed.utcoffset() == timedelta(minutes=minutes)
    assert isinstance(parsed.tzinfo, timezone)
    assert len(_scalars._OFFSETS) <= _scalars._OFFSETS_SIZE


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_an_offset_at_the_calendars_ends_is_kept(text: str) -> None:
    assert _scalars._structure_datetime(text, datetime) == datetime.fromisoformat(text)


def test_offset_cache_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_scalars, "_OFFSETS", {})  # leave the shared cache as it was
    hook = _scalars._structure_datetime
    for second in range(_scalars._OFFSETS_SIZE + 10):  # forged offsets, one per second
        text = f"2024-01-01T00:00:00+01:{second // 60:02}:{second % 60:02}"
        assert hook(text, datetime).isoformat() == datetime.fromisoformat(text).isoformat()
    assert len(_scalars._OFFSETS) <= _scalars._OFFSETS_SIZE


def test_optional_fields_read_null_and_values() -> None:
    doc = to_dict(Customer("c", _person(), created_at=_T0, income=Money("5")))
    assert from_dict(dict(doc, income=None), Customer).income is None
    assert from_dict(doc, Customer).income == Money("5")
    with pytest.raises(ConversionError, match=r"\$\.income"):
        from_dict(dict(doc, income="5"), Customer)


def test_email_whitespace_check_covers_every_code_point() -> None:
    # normalize_email asks `" " in text or not text.isprintable()` for "any character is
    # whitespace or not printable": the same for every single character.
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert (ch == " " or not ch.isprintable()) == (ch.isspace() or not ch.isprintable())
    with pytest.raises(ValidationError, match="whitespace"):
        normalize_email("an\u3000x@example.vn")


@pytest.mark.parametrize("values", [["a", "b"], ("a", "b"), {"a"}, frozenset({"a"})])
def test_as_collection_fast_path(values: Any) -> None:
    assert as_collection("tags", values) == tuple(values)
    assert type(as_collection("tags", values)) is tuple


def _person() -> Person:
    return Person("Phạm Thu Hà")


def _clean_text_reference(value: str, max_len: int, allow_empty: bool) -> str | tuple[str, str]:
    """The general path of clean_text, written out: the fast paths must agree with it."""
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if not text.isprintable():
        return ("error", "control")
    if not text and not allow_empty:
        return ("error", "empty")
    if len(text) > max_len:
        return ("error", "long")
    return text


@given(
    st.one_of(st.text(max_size=12), st.text("ab \u0301e\u00a0\t", max_size=8)),
    st.integers(0, 10),
    st.booleans(),
)
def test_clean_text_fast_paths_agree_with_the_general_path(
    value: str, max_len: int, allow_empty: bool
) -> None:
    expected = _clean_text_reference(value, max_len, allow_empty)
    try:
        got: str | tuple[str, str] = clean_text(
            "f", value, max_len=max_len, allow_empty=allow_empty
        )
    except ValidationError as exc:
        reason = exc.reason
        kind = "control" if "control" in reason else "empty" if "empty" in reason else "long"
        got = ("error", kind)
    assert got == expected
