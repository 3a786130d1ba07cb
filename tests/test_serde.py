"""Tests for khachhang.serde: lossless round trips for every model, and loud refusals."""

from __future__ import annotations

import copy
import json
import re
from datetime import time, timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import T0
from khachhang.customers import Customer, LifecyclePolicy, LineItem, Purchase
from khachhang.errors import ConversionError
from khachhang.fsm import Event
from khachhang.kinds import InternalUnit, Lifecycle
from khachhang.money import Money
from khachhang.parties import Address, ContactPoint, Organization, Person
from khachhang.report import BookSummary
from khachhang.serde import from_dict, from_json, to_dict, to_json
from khachhang.testing import (
    addresses,
    book_summaries,
    contact_points,
    customers,
    lifecycle_events,
    lifecycle_policies,
    line_items,
    money,
    organizations,
    persons,
    purchases,
)

OFFSET = re.compile(r"[+-]\d\d:\d\d(:\d\d(\.\d+)?)?$")

# Each public model with a strategy for it. Customers carry real lifecycle events, with
# the LifecyclePolicy payloads of their reviews.
MODELS: list[tuple[type[Any], st.SearchStrategy[Any]]] = [
    (Money, money(None)),
    (ContactPoint, contact_points()),
    (Address, addresses()),
    (Person, persons()),
    (
        Organization,
        organizations() | organizations(internal_unit=InternalUnit.BRANCH),
    ),
    (LineItem, line_items("USD")),
    (Purchase, purchases()),
    (LifecyclePolicy, lifecycle_policies(currency=None)),
    (Event[Lifecycle], lifecycle_events()),
    (Customer, customers()),
    (BookSummary, book_summaries()),
]
MODEL_IDS = [getattr(cls, "__name__", str(cls)) for cls, _ in MODELS]


def assert_pure_json(data: object, path: str = "$") -> None:
    """Fail unless ``data`` holds only dict/list/str/int/bool/None (no float either)."""
    if isinstance(data, dict):
        for key, value in data.items():
            assert isinstance(key, str), f"{path}: non-string key {key!r}"
            assert_pure_json(value, f"{path}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            assert_pure_json(value, f"{path}[{i}]")
    else:
        assert data is None or type(data) in (str, int, bool), f"{path}: {type(data).__name__}"


def money_dicts(data: object) -> list[dict[str, Any]]:
    """Every serialised Money (an object with exactly amount and currency) in ``data``."""
    found: list[dict[str, Any]] = []
    if isinstance(data, dict):
        if set(data) == {"amount", "currency"}:
            found.append(data)
        for value in data.values():
            found.extend(money_dicts(value))
    elif isinstance(data, list):
        for value in data:
            found.extend(money_dicts(value))
    return found


# --- round trips -------------------------------------------------------------------------


@pytest.mark.parametrize(("cls", "strategy"), MODELS, ids=MODEL_IDS)
@given(data=st.data())
def test_every_model_survives_a_dict_and_a_json_round_trip(
    cls: type[Any], strategy: st.SearchStrategy[Any], data: st.DataObject
) -> None:
    """from_dict(to_dict(x)) == x and from_json(to_json(x)) == x, through pure JSON types."""
    value = data.draw(strategy)
    as_dict = to_dict(value)
    assert_pure_json(as_dict)
    assert from_dict(as_dict, cls) == value
    text = to_json(value)
    assert from_json(text, cls) == value
    assert json.loads(text) == as_dict


@given(customers(min_purchases=1))
def test_customer_json_writes_decimals_as_strings_sets_sorted_and_datetimes_with_offsets(
    customer: Customer,
) -> None:
    """The documented conventions hold on real customers."""
    data: Any = to_dict(customer)
    for amount in money_dicts(data):
        assert isinstance(amount["amount"], str)
        assert Decimal(amount["amount"]).is_finite()
    assert data["tags"] == sorted(data["tags"])
    assert data["roles"] == sorted(data["roles"])
    for contact in data["party"]["contacts"]:
        assert contact["consents"] == sorted(contact["consents"])
    stamps = [data["created_at"], *(p["at"] for p in data["purchases"])]
    stamps += [e["at"] for e in data["lifecycle_events"]]
    assert all(OFFSET.search(stamp) for stamp in stamps)
    assert data["party"]["type"] in {"person", "organization"}


def test_a_tagged_policy_payload_is_read_back_from_an_event() -> None:
    """A payload written by hand with its 'type' tag reads back as a LifecyclePolicy."""
    policy = {
        "type": "lifecycle_policy",
        "loyal_min_orders": 3,
        "loyal_min_spent": {"amount": "5000000", "currency": "VND"},
        "loyal_min_tenure_days": 30,
        "lapse_after_days": 90,
    }
    data = {
        "transition": "promote",
        "source": "current",
        "target": "loyal",
        "at": "2026-01-05T09:00:00+07:00",
        "actor": None,
        "note": "",
        "payload": policy,
    }
    event = from_dict(data, Event[Lifecycle])
    assert event.payload == LifecyclePolicy(3, Money("5000000"), 30, 90)
    assert to_dict(event)["payload"] == policy


# --- refusals ----------------------------------------------------------------------------


@pytest.fixture
def customer_data() -> dict[str, Any]:
    """A serialised customer with a phone contact, one purchase and one lifecycle event."""
    lan = Person("Phạm Thu Hà", contacts=[ContactPoint.phone("0901234567")])
    customer = Customer("c-1", lan, created_at=T0, tags={"vip"})
    customer = customer.add_purchase(Purchase("o-1", T0, Money("150000")))
    data: dict[str, Any] = to_dict(customer)
    return data


def problems(data: object, cls: type[Any] = Customer) -> dict[str, str]:
    """The ConversionError's {path: reason} for ``data``; fails if nothing is raised."""
    with pytest.raises(ConversionError) as info:
        from_dict(data, cls)
    return dict(info.value.errors)


def test_the_fixture_customer_is_valid(customer_data: dict[str, Any]) -> None:
    """The refusal tests below start from data that converts."""
    assert from_dict(customer_data, Customer).name == "Phạm Thu Hà"


def test_two_bad_fields_are_both_reported_with_their_paths(customer_data: dict[str, Any]) -> None:
    """A bad timestamp and a bad phone number deep inside give two paths, not one."""
    customer_data["created_at"] = "yesterday"
    customer_data["party"]["contacts"][0]["value"] = "12345"
    found = problems(customer_data)
    assert set(found) == {"$.created_at", "$.party.contacts[0].value"}
    assert "yesterday" in found["$.created_at"]


def test_every_bad_path_is_listed_across_nesting_levels(customer_data: dict[str, Any]) -> None:
    """Problems at the top, in the party and in a purchase all come back at once."""
    customer_data["scope"] = "outer space"
    customer_data["party"]["birth_date"] = "2026-13-01"
    customer_data["purchases"][0]["amount"]["currency"] = "XXX"
    assert set(problems(customer_data)) == {
        "$.scope",
        "$.party.birth_date",
        "$.purchases[0].amount.currency",
    }


def test_unknown_keys_are_refused_at_every_level(customer_data: dict[str, Any]) -> None:
    """Extra keys are a typo or a schema drift; both are reported where they occur."""
    customer_data["nickname"] = "Hà"
    customer_data["party"]["zalo"] = "x"
    customer_data["purchases"][0]["amount"]["fx"] = "1"
    found = problems(customer_data)
    assert set(found) == {"$", "$.party", "$.purchases[0].amount"}
    assert "nickname" in found["$"]
    assert "zalo" in found["$.party"]


def test_a_missing_required_field_is_named(customer_data: dict[str, Any]) -> None:
    """Leaving out the id says so at $.id."""
    del customer_data["id"]
    assert "missing" in problems(customer_data)["$.id"]


def test_a_float_amount_is_refused(customer_data: dict[str, Any]) -> None:
    """Money travels as a decimal string; a float could not hold it exactly."""
    customer_data["purchases"][0]["amount"]["amount"] = 150000.0
    assert "float" in problems(customer_data)["$.purchases[0].amount.amount"]
    assert "float" in problems({"amount": 0.1, "currency": "USD"}, Money)["$.amount"]


def test_a_json_number_with_a_fraction_is_refused_as_an_amount() -> None:
    """from_json agrees with from_dict(json.loads(...)): amounts are strings, not floats."""
    with pytest.raises(ConversionError):
        from_json('{"amount": 1.5, "currency": "USD"}', Money)


def test_an_amount_finer_than_the_currency_is_refused() -> None:
    """Half a đồng is not money; nothing is rounded silently."""
    assert "decimal places" in problems({"amount": "0.5", "currency": "VND"}, Money)["$.amount"]


def test_a_naive_datetime_string_is_refused(customer_data: dict[str, Any]) -> None:
    """A time without an offset is ambiguous; it is refused, not assumed UTC."""
    customer_data["created_at"] = "2026-01-05T09:00:00"
    assert "naive" in problems(customer_data)["$.created_at"]


def test_a_z_suffix_reads_as_utc(customer_data: dict[str, Any]) -> None:
    """'Z' is ISO 8601's UTC and is accepted."""
    customer_data["created_at"] = "2026-01-05T09:00:00Z"
    assert from_dict(customer_data, Customer).created_at == T0


def test_an_unknown_payload_type_is_refused(customer_data: dict[str, Any]) -> None:
    """Only registered payload tags can be named by data; nothing is imported by name."""
    customer_data["lifecycle_events"][0]["payload"] = {"type": "os.system"}
    found = problems(customer_data)
    assert "unknown payload type" in found["$.lifecycle_events[0].payload.type"]


def test_a_payload_without_a_type_tag_is_refused(customer_data: dict[str, Any]) -> None:
    """An untagged payload object cannot be told apart, so it is refused."""
    customer_data["lifecycle_events"][0]["payload"] = {"loyal_min_orders": 1}
    assert "$.lifecycle_events[0].payload.type" in problems(customer_data)


@pytest.mark.parametrize(
    ("path", "junk"),
    [
        (("party",), []),
        (("party",), "Phạm Thu Hà"),
        (("party",), 5),
        (("party",), {"type": "robot"}),
        (("id",), 5),
        (("id",), None),
        (("created_at",), 1767603600),
        (("purchases",), [5]),
        (("purchases",), [[]]),
        (("purchases", 0, "amount"), 150000),
        (("purchases", 0, "amount"), ["150000", "VND"]),
        (("purchases", 0, "amount", "currency"), 704),
        (("purchases", 0, "items"), [{"sku": 1}]),
        (("party", "contacts", 0), "0901234567"),
        (("party", "contacts", 0, "primary"), "yes"),
        (("lifecycle_events", 0, "payload"), ["lifecycle_policy"]),
        (("lifecycle_events", 0, "source"), {"state": "prospect"}),
        (("tags",), [1, 2]),
        (("roles",), [None]),
    ],
    ids=lambda v: ".".join(map(str, v)) if isinstance(v, tuple) else type(v).__name__,
)
def test_wrong_json_types_give_a_conversion_error_naming_the_path(
    customer_data: dict[str, Any], path: tuple[str | int, ...], junk: object
) -> None:
    """A list for an object, a number for a string, ...: ConversionError, never TypeError."""
    target: Any = customer_data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = junk
    where = "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in path)
    found = problems(customer_data)
    assert any(p == where or p.startswith((where + ".", where + "[")) for p in found), found


@pytest.mark.parametrize("junk", [[], "customer", 5, None, True, [{"id": "c-1"}]])
def test_a_document_of_the_wrong_shape_gives_a_conversion_error(junk: object) -> None:
    """The whole document being a list, string, number or null is refused at $."""
    assert set(problems(junk)) == {"$"}


def test_a_string_where_a_list_of_tags_is_expected_is_refused(
    customer_data: dict[str, Any],
) -> None:
    """A string is not a list of strings; splitting it into letters corrupts the data."""
    customer_data["tags"] = "vip"
    assert "$.tags" in problems(customer_data)


def test_an_object_where_a_list_of_consents_is_expected_is_refused(
    customer_data: dict[str, Any],
) -> None:
    """Consent is legal data; {"sms": false} must not silently become consent to SMS."""
    customer_data["party"]["contacts"][0]["consents"] = {"sms": False}
    assert "$.party.contacts[0].consents" in problems(customer_data)


def test_deeply_nested_junk_gives_a_conversion_error(customer_data: dict[str, Any]) -> None:
    """Thousands of nested objects or lists where a party is expected are refused."""
    deep: dict[str, Any] = {}
    cursor = deep
    for _ in range(5000):
        cursor["party"] = {}
        cursor = cursor["party"]
    customer_data["party"] = deep
    assert "$.party.type" in problems(customer_data)
    nested: list[Any] = []
    cursor_list = nested
    for _ in range(5000):
        cursor_list.append([])
        cursor_list = cursor_list[0]
    customer_data["party"] = nested
    assert "$.party" in problems(customer_data)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        '{"id": ',
        "{'id': 'c-1'}",
        "[" * 100_000 + "]" * 100_000,
        b"\xff\xfe\x00",
        '{"amount": NaN, "currency": "VND"}',
        '{"amount": ' + "9" * 5000 + "}",
    ],
    ids=["empty", "open-brace", "truncated", "single-quotes", "deep", "bad-bytes", "nan", "huge"],
)
def test_malformed_json_text_gives_a_conversion_error(text: str | bytes) -> None:
    """Anything json.loads refuses (or that decodes to junk) is one ConversionError at $."""
    with pytest.raises(ConversionError) as info:
        from_json(text, Money)
    assert info.value.paths


def test_a_customer_that_breaks_an_invariant_is_refused_at_the_field(
    customer_data: dict[str, Any],
) -> None:
    """Well-typed data can still be invalid: a person cannot be a bank."""
    customer_data["roles"] = ["bank"]
    assert "business" in problems(customer_data)["$.roles"]


def test_conversion_errors_are_value_errors_listing_every_problem(
    customer_data: dict[str, Any],
) -> None:
    """Callers catching ValueError still catch it, and the message lists each path."""
    customer_data["created_at"] = "yesterday"
    customer_data["scope"] = "outer space"
    with pytest.raises(ValueError, match=r"2 problem\(s\)") as info:
        from_dict(customer_data, Customer)
    assert "$.created_at" in str(info.value)
    assert "$.scope" in str(info.value)


def test_to_json_does_not_escape_vietnamese(customer_data: dict[str, Any]) -> None:
    """UTF-8 text stays readable: 'Phạm Thu Hà', not '\\u1ea1'."""
    text = to_json(from_dict(customer_data, Customer))
    assert "Phạm Thu Hà" in text
    assert from_json(text.encode("utf-8"), Customer) == from_dict(customer_data, Customer)


def test_round_trip_data_is_not_mutated_by_from_dict(customer_data: dict[str, Any]) -> None:
    """Reading data leaves the caller's dict untouched."""
    before = copy.deepcopy(customer_data)
    from_dict(customer_data, Customer)
    assert customer_data == before


def test_a_list_where_a_customer_is_expected_says_so_at_the_root() -> None:
    assert problems([]) == {"$": "expected an object, got list"}


def test_an_unknown_party_type_is_named(customer_data: dict[str, Any]) -> None:
    customer_data["party"] = {"type": "robot", "full_name": "R2"}
    assert problems(customer_data) == {
        "$.party.type": "unknown party type 'robot'; expected 'person' or 'organization'"
    }


def test_a_list_where_a_party_is_expected_is_named(customer_data: dict[str, Any]) -> None:
    customer_data["party"] = []
    assert problems(customer_data) == {"$.party": "expected an object tagged with 'type', got list"}


def test_keys_that_are_not_strings_are_reported_not_crashed_on(
    customer_data: dict[str, Any],
) -> None:
    data: dict[Any, Any] = dict(customer_data)
    data[1] = "x"
    data["zz"] = 2
    assert problems(data)["$"] == "unknown key(s): 1, zz"


@pytest.mark.parametrize("text", [None, 5, ["{}"]])
def test_from_json_wants_text(text: Any) -> None:
    with pytest.raises(ConversionError, match="expected JSON text"):
        from_json(text, Customer)


def test_json_nested_beyond_the_parser_stack_says_so() -> None:
    """A document json.loads cannot even parse for depth is 'nested too deeply', not junk."""
    with pytest.raises(ConversionError) as info:
        from_json("[" * 100_000 + "]" * 100_000, Money)
    assert info.value.errors == (("$", "nested too deeply"),)


@given(st.timedeltas(), st.times())
def test_durations_and_times_of_day_round_trip_exactly(span: timedelta, moment: time) -> None:
    """Durations are exact decimal seconds (never floats); times of day are ISO text."""
    assert from_dict(to_dict(span), timedelta) == span
    assert from_dict(to_dict(moment), time) == moment
    assert isinstance(to_dict(span), str)


@pytest.mark.parametrize("junk", [1.5, True, "NaN", "1e999", "0.0000001", "soon", None])
def test_a_duration_that_is_not_exact_seconds_is_refused(junk: object) -> None:
    with pytest.raises(ConversionError):
        from_dict(junk, timedelta)


@pytest.mark.parametrize("span", [timedelta.min, timedelta.max])
def test_the_longest_durations_either_way_round_trip(span: timedelta) -> None:
    """The bounds are a timedelta's own, exactly (they are not symmetric)."""
    assert from_dict(to_dict(span), timedelta) == span


@pytest.mark.parametrize(
    "seconds",
    [
        "-86399999999999",  # beyond timedelta.min (-86399999913600 s), within -max
        "-86399999913600.000001",
        "86400000000000",
        "1." + "0" * 50 + "1",  # a digit below the microsecond, far down
    ],
    ids=["below-min", "just-below-min", "above-max", "sub-microsecond-far-down"],
)
def test_a_duration_out_of_range_or_too_fine_names_its_path(seconds: str) -> None:
    """A clear reason at the field, not the converter's 'unknown error' from an overflow."""
    with pytest.raises(ConversionError) as info:
        from_dict({"span": seconds}, _Timed)
    ((path, reason),) = info.value.errors
    assert path == "$.span"
    assert reason.startswith(("not a usable duration", "finer than a microsecond"))


@attrs.frozen
class _Timed:
    """A model with a duration field."""

    span: timedelta
