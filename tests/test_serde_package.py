"""The serialization package is the one home of the library's JSON conventions.

Every cattrs hook lives in ``khachhang.serde``; a rule document's literals are read and
written by the same datetime and money hooks as every other value; the closed tagged
unions (party, care rule) refuse a missing or unknown tag in one way.
"""

from __future__ import annotations

import ast
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from dateutil import tz as dateutil_tz
from hypothesis import example, given
from hypothesis import strategies as st

import khachhang
from khachhang.care.planning.rules import CareRule
from khachhang.care.service.business_calendar import BusinessCalendar
from khachhang.customers import Customer
from khachhang.errors import ConversionError
from khachhang.kinds import Role
from khachhang.money import Money
from khachhang.parties import FORMER_PROVINCES, Gender, Party, Person, normalize_province
from khachhang.segmentation import F
from khachhang.segmentation.rules import RuleDocument
from khachhang.serde import from_dict, to_dict, to_json

PACKAGE = Path(khachhang.__file__).parent
BERLIN = ZoneInfo("Europe/Berlin")


def _imports_cattrs(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        if any(name == "cattrs" or name.startswith("cattrs.") for name in names):
            return True
    return False


def test_only_the_serde_package_imports_cattrs() -> None:
    """No module outside khachhang/serde/ holds a converter hook (none imports cattrs)."""
    outside = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "serde" not in path.relative_to(PACKAGE).parts and _imports_cattrs(path)
    ]
    assert outside == []
    assert _imports_cattrs(PACKAGE / "serde" / "_install.py")


# --- rule literals: the converter's own readers and writers ----------------------------

_DATETIME_TEXTS = st.one_of(
    st.datetimes(timezones=st.just(timezone.utc)).map(datetime.isoformat),
    st.datetimes(timezones=st.just(BERLIN)).map(lambda t: to_dict([t])[0]),  # type: ignore[index]
    st.datetimes().map(datetime.isoformat),  # naive
    st.datetimes().map(lambda t: t.isoformat() + "Z"),
    st.datetimes().map(lambda t: t.isoformat() + "+05:00[Europe/Berlin]"),
    st.datetimes().map(lambda t: t.isoformat() + "+00:00[Nowhere/Land]"),
    st.text(max_size=30),
    st.integers(),
    st.none(),
)
_MONEY_DATA = st.one_of(
    st.fixed_dictionaries(
        {"amount": st.one_of(st.decimals(allow_nan=False).map(str), st.integers(), st.floats())},
        optional={
            "currency": st.sampled_from(["VND", "USD", "JPY", "vnd", "XXX"]),
            "extra": st.integers(),
        },
    ),
    st.fixed_dictionaries({"currency": st.just("USD")}),
    st.text(max_size=10),
    st.integers(),
    st.lists(st.integers(), max_size=2),
)


def _as_rule_literal(field: str, data: object) -> tuple[str, Any]:
    """``data`` as the literal of ``field >= data`` in a rule document: value or reason."""
    document = {"version": 1, "rule": {"op": "ge", "field": field, "value": data}}
    try:
        rule = from_dict(document, RuleDocument).rule
    except ConversionError as err:
        ((path, reason),) = err.errors
        assert path == "$"
        return ("refused", reason)
    return ("ok", getattr(rule, "value"))  # noqa: B009


@attrs.frozen
class _Priced:
    """A model with one money field, as data gives it."""

    value: Money


@attrs.frozen
class _Dated:
    """A model with one datetime field."""

    value: datetime


def _as_model_field(cls: type[Any], field: str, data: object) -> tuple[str, Any]:
    """``data`` as the ``value`` field of a ``cls``: the value, or the reason in rule form."""
    try:
        return ("ok", from_dict({"value": data}, cls).value)
    except ConversionError as err:
        ((path, reason),) = err.errors
        return ("refused", f"ge({field}).{path.removeprefix('$.')}: {reason}")


@given(_DATETIME_TEXTS)
def test_a_rule_reads_a_datetime_literal_as_the_converter_reads_a_datetime(data: object) -> None:
    """Accepted alike with the same value and zone, or refused with the same reason."""
    in_rule = _as_rule_literal("last_purchase_at", data)
    alone = _as_model_field(_Dated, "last_purchase_at", data)
    assert in_rule == alone
    if in_rule[0] == "ok":
        assert (in_rule[1].tzinfo, in_rule[1].fold) == (alone[1].tzinfo, alone[1].fold)


@given(_MONEY_DATA)
def test_a_rule_reads_a_money_literal_as_the_converter_reads_money(data: object) -> None:
    """Accepted alike with the same amount, or refused with the same reason and path."""
    assert _as_rule_literal("total_spent", data) == _as_model_field(_Priced, "total_spent", data)


@given(st.datetimes(timezones=st.just(BERLIN)), st.sampled_from([0, 1]))
def test_a_rule_writes_a_datetime_literal_as_the_converter_writes_a_datetime(
    when: datetime, fold: int
) -> None:
    """The same text, so the literal reads back as the same instant with the same offset."""
    when = when.replace(fold=fold)
    data: Any = to_dict(RuleDocument(F.last_purchase_at >= when))
    assert data["rule"]["value"] == to_dict([when])[0]  # type: ignore[index]
    back = from_dict(data, RuleDocument).rule
    value = getattr(back, "value")  # noqa: B009
    assert (value, value.utcoffset()) == (when, when.utcoffset())


@attrs.frozen
class _Plain:
    """A model with one field of each plain kind a rule literal can have."""

    age: int
    province: str
    gender: Gender
    roles: Role


_PLAIN = st.one_of(
    st.integers(),
    st.text(max_size=12),
    st.sampled_from([*(g.value for g in Gender), *(r.value for r in Role), "Hà Nội"]),
    st.booleans(),
    st.none(),
    st.floats(),
    st.lists(st.integers(), max_size=2),
)


@pytest.mark.parametrize(
    ("field", "op"), [("age", "eq"), ("province", "eq"), ("gender", "eq"), ("roles", "contains")]
)
@given(data=_PLAIN)
@example(data="YENBAI")  # Yên Bái, merged into Lào Cai in 2025: the rule holds "Lào Cai"
def test_a_rule_reads_a_plain_literal_as_the_converter_reads_the_type(
    field: str, op: str, data: object
) -> None:
    """What the converter refuses the rule refuses alike; what the rule takes, it takes too."""
    document = {"version": 1, "rule": {"op": op, "field": field, "value": data}}
    model = {"age": 1, "province": "Hà Nội", "gender": "female", "roles": "buyer"}
    try:
        alone: Any = getattr(from_dict({**model, field: data}, _Plain), field)
    except ConversionError as err:
        ((path, reason),) = err.errors
        with pytest.raises(ConversionError) as caught:
            from_dict(document, RuleDocument)
        assert caught.value.errors == (("$", f"{op}({field}).value: {reason}"),)
        assert path == f"$.{field}"
        return
    try:
        rule = from_dict(document, RuleDocument).rule
    except ConversionError:
        return  # a value of the right type the rule's own checks refuse (e.g. a blank text)
    if field == "province":  # a rule compares today's province: a former one names its unit
        alone = FORMER_PROVINCES.get(normalize_province(alone), normalize_province(alone))
    assert getattr(rule, "value") == alone  # noqa: B009


def test_a_rule_literal_in_a_repeated_hour_is_written_with_its_zone() -> None:
    """02:15 on the night clocks go back in Berlin happens twice; the second one is kept."""
    second = datetime(2026, 10, 25, 2, 15, tzinfo=BERLIN, fold=1)
    data: Any = to_dict(RuleDocument(F.last_purchase_at >= second))
    assert data["rule"]["value"] == "2026-10-25T02:15:00+01:00[Europe/Berlin]"
    value = getattr(from_dict(data, RuleDocument).rule, "value")  # noqa: B009
    assert (value.tzinfo, value.fold, value.utcoffset()) == (BERLIN, 1, timedelta(hours=1))


def test_a_money_literal_without_a_currency_is_in_the_default_one() -> None:
    """As for any Money read from JSON: the currency Money itself defaults to."""
    document = {
        "version": 1,
        "rule": {"op": "ge", "field": "total_spent", "value": {"amount": "5"}},
    }
    assert getattr(from_dict(document, RuleDocument).rule, "value") == Money("5")  # noqa: B009


# --- closed tagged unions -----------------------------------------------------------------

UNIONS = [
    (Party, "party", "'person' or 'organization'"),
    (
        CareRule,
        "care rule",
        "'follow_up', 'birthday', 'anniversary', 'holidays' or 'check_in'",
    ),
]


@pytest.mark.parametrize(("union", "what", "tags"), UNIONS)
def test_a_tagged_object_without_its_tag_is_told_the_tags(union: Any, what: str, tags: str) -> None:
    """The reason names the missing tag and every tag the union knows."""
    with pytest.raises(ConversionError) as caught:
        from_dict({"days": 3}, union)
    assert caught.value.errors == (("$.type", f"missing the 'type' tag: {tags}"),)


@pytest.mark.parametrize(("union", "what", "tags"), UNIONS)
@pytest.mark.parametrize("tag", ["robot", 7, None, ""])
def test_an_unknown_tag_is_named_with_the_tags_the_union_knows(
    union: Any, what: str, tags: str, tag: object
) -> None:
    """Whatever the tag is (a string, a number, null), the same sentence."""
    with pytest.raises(ConversionError) as caught:
        from_dict({"type": tag}, union)
    assert caught.value.errors == (("$.type", f"unknown {what} type {tag!r}; expected {tags}"),)


@pytest.mark.parametrize(("union", "what", "tags"), UNIONS)
def test_a_tagged_union_refuses_what_is_not_an_object(union: Any, what: str, tags: str) -> None:
    """A list or a string is not a tagged object."""
    with pytest.raises(ConversionError) as caught:
        from_dict(["person"], union)
    assert caught.value.errors == (("$", "expected an object tagged with 'type', got list"),)


@given(st.text(max_size=12))
def test_a_holiday_key_is_read_as_any_date(key: str) -> None:
    """A calendar's holiday dates are keys, read by the same reader as a date field."""
    calendar: Any = to_dict(BusinessCalendar())
    try:
        day = from_dict({"on": key}, _Day).on
    except ConversionError as err:
        ((_, reason),) = err.errors
        with pytest.raises(ConversionError) as caught:
            from_dict(dict(calendar, holidays={key: "Tết"}), BusinessCalendar)
        assert caught.value.errors == (("$.holidays", f"a key: {reason}"),)
    else:
        read = from_dict(dict(calendar, holidays={key: "Tết"}), BusinessCalendar)
        assert dict(read.holidays) == {day: "Tết"}


@attrs.frozen
class _Day:
    """A model with one date field."""

    on: date


def _dateutil_zone(name: str) -> tzinfo:
    zone = dateutil_tz.gettz(name)
    assert zone is not None
    return zone


DATEUTIL_BERLIN = _dateutil_zone("Europe/Berlin")


@pytest.mark.parametrize(
    "when",
    [
        datetime(2026, 10, 25, 2, 15, tzinfo=DATEUTIL_BERLIN, fold=0),  # repeated hour
        datetime(2026, 10, 25, 2, 15, tzinfo=DATEUTIL_BERLIN, fold=1),
    ],
    ids=["repeated-first", "repeated-second"],
)
def test_a_time_whose_fold_matters_in_a_zone_json_cannot_name_is_refused_with_its_path(
    when: datetime,
) -> None:
    """Its offset alone would read back as the other instant: refused, naming the field."""
    customer = Customer("c-1", Person("Phạm Thu Hà"), created_at=when)
    for write in (to_dict, to_json):
        with pytest.raises(ConversionError) as info:
            write(customer)
        assert info.value.errors == (
            (
                "$.created_at",
                "a time in a repeated or skipped hour needs a zoneinfo.ZoneInfo zone to be "
                "stored; use ZoneInfo(...) or convert to UTC",
            ),
        )


@given(
    st.one_of(
        st.datetimes(timezones=st.just(DATEUTIL_BERLIN)),
        # the night the clocks go back, so the repeated hour is drawn often
        st.datetimes(
            min_value=datetime(2026, 10, 25, 1),
            max_value=datetime(2026, 10, 25, 4),
            timezones=st.just(DATEUTIL_BERLIN),
        ),
    ),
    st.sampled_from([0, 1]),
)
def test_a_time_in_any_zone_reads_back_as_the_same_instant_or_is_refused(
    when: datetime, fold: int
) -> None:
    """Never silently another instant: equal after the round trip, or a ConversionError."""
    when = when.replace(fold=fold)
    try:
        data = to_dict([when])
    except ConversionError:
        assert when.replace(fold=1 - fold).utcoffset() != when.utcoffset()
        return
    back = from_dict(data, list[datetime])[0]
    assert (back, back.utcoffset()) == (when, when.utcoffset())
