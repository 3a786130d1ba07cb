"""Segmentation rules: fields, the builder, validation, JSON, compiled evaluation, explain."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import AS_OFS, UTC, scaled
from conftest import NEW_YEAR as T0
from khachhang import Customer, Money, Organization, Person
from khachhang.customers import Purchase
from khachhang.errors import ConversionError, RuleError, ValidationError
from khachhang.kinds import Lifecycle, PartyType, Role, Scope
from khachhang.parties import Address, Gender
from khachhang.segmentation import (
    DEFAULT_REGISTRY,
    FALSE,
    MAX_DEPTH,
    TRUE,
    And,
    Between,
    Compare,
    Const,
    Contains,
    F,
    Field,
    FieldKind,
    Fields,
    In,
    IsNull,
    Not,
    Op,
    Or,
    Rule,
    RuleDocument,
    Truth,
    Within,
    truth,
    using_registry,
    validate,
)
from khachhang.segmentation.evaluate import predicate
from khachhang.serde import from_dict, from_json, to_dict, to_json
from khachhang.testing import customers, rules

BOOKS = customers(max_purchases=4)


def _reference(rule: Rule, customer: Customer, as_of: datetime) -> bool | None:
    """A naive tree-walking interpreter of the documented semantics (None = UNKNOWN)."""
    if isinstance(rule, And):
        results = [_reference(c, customer, as_of) for c in rule.children]
        return False if False in results else None if None in results else True
    if isinstance(rule, Or):
        results = [_reference(c, customer, as_of) for c in rule.children]
        return True if True in results else None if None in results else False
    if isinstance(rule, Not):
        inner = _reference(rule.child, customer, as_of)
        return None if inner is None else not inner
    if isinstance(rule, Const):
        return rule.value
    value: Any = DEFAULT_REGISTRY[rule.field].getter(customer, as_of)  # type: ignore[attr-defined]
    if isinstance(rule, IsNull):
        return (value is None) != rule.negated
    if isinstance(rule, Contains):
        return bool(rule.value in value)
    if value is None:
        return None
    literals = [getattr(rule, name, None) for name in ("value", "low")]
    if isinstance(value, Money) and any(
        isinstance(lit, Money) and lit.currency != value.currency for lit in literals
    ):
        return None
    if isinstance(rule, Compare):
        x = rule.value
        tests: dict[Op, Callable[[], bool]] = {
            Op.EQ: lambda: value == x,
            Op.NE: lambda: value != x,
            Op.LT: lambda: value < x,
            Op.LE: lambda: value <= x,
            Op.GT: lambda: value > x,
            Op.GE: lambda: value >= x,
        }
        return bool(tests[rule.op]())
    if isinstance(rule, Between):
        return bool(rule.low <= value <= rule.high)
    if isinstance(rule, In):
        return (value in rule.values) != rule.negated
    assert isinstance(rule, Within)
    return bool(as_of - timedelta(days=rule.days) <= value <= as_of)


_TRUTH = {True: Truth.TRUE, False: Truth.FALSE, None: Truth.UNKNOWN}


# --- fields ------------------------------------------------------------------------------


@given(BOOKS, AS_OFS)
def test_every_fast_field_reader_agrees_with_the_fields_definition(
    customer: Customer, as_of: datetime
) -> None:
    for field in DEFAULT_REGISTRY:
        assert field.bind(as_of=as_of)(customer) == field.getter(customer, as_of), field.name


@settings(max_examples=scaled(50))
@given(BOOKS, AS_OFS)
def test_purchase_fields_are_a_snapshot_at_as_of(customer: Customer, as_of: datetime) -> None:
    before = customer.purchases_until(as_of=as_of)
    get = {f.name: f.getter for f in DEFAULT_REGISTRY}
    assert get["orders"](customer, as_of) == len(before)
    assert get["total_spent"](customer, as_of) == sum(
        (p.amount for p in before), Money.zero(customer.currency)
    )
    assert get["last_purchase_at"](customer, as_of) == (before[-1].at if before else None)
    assert get["first_purchase_at"](customer, as_of) == (before[0].at if before else None)
    assert get["recency_days"](customer, as_of) == customer.recency_days(as_of=as_of)
    assert get["lifecycle"](customer, as_of) is customer.lifecycle_at(as_of=as_of)
    assert get["tenure_days"](customer, as_of) == customer.tenure_days(as_of=as_of)


def test_age_is_missing_before_birth_and_follows_the_leap_day_rule() -> None:
    mai = Customer("c", Person("Trần Thị Mai", birth_date=date(2004, 2, 29)), created_at=T0)
    age = DEFAULT_REGISTRY["age"]
    on = [datetime(2025, 2, 28, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC)]
    assert [age.getter(mai, t) for t in on] == [20, 21]
    assert [age.bind(as_of=t)(mai) for t in on] == [20, 21]
    assert age.getter(mai, datetime(2003, 1, 1, tzinfo=UTC)) is None


def test_a_former_province_is_read_as_the_current_one() -> None:
    """Since 1 July 2025 Bình Dương is part of TP. Hồ Chí Minh (docs/customers.md)."""
    party = Person("Lê Văn Minh", address=Address(province="Binh Duong", district="Thủ Dầu Một"))
    c = Customer("c", party, created_at=T0)
    assert DEFAULT_REGISTRY["province"].getter(c, T0) == "TP. Hồ Chí Minh"
    assert F.province.isin({"HCM"}).evaluate(c, as_of=T0)
    assert (F.province == "Sài Gòn").evaluate(c, as_of=T0)
    abroad = Customer("d", Person("An", address=Address("Bangkok", country="TH")), created_at=T0)
    assert F.province.is_null().evaluate(abroad, as_of=T0)


def test_tag_literals_are_cleaned_like_stored_tags() -> None:
    c = Customer("c", Person("An"), created_at=T0, tags={"khách  sỉ"})
    assert F.tags.contains("  khách sỉ ").evaluate(c, as_of=T0)
    with pytest.raises(RuleError, match="longer than 64"):
        F.tags.contains("x" * 65)


def test_an_application_registers_a_field_without_touching_the_library() -> None:
    points = Field("points", FieldKind.INT, lambda c, t: 10 * len(c.tags), "Điểm", "Points")
    mine = DEFAULT_REGISTRY.register(points)
    rule = Fields(mine).points >= 10
    c = Customer("c", Person("An"), created_at=T0, tags={"vip"})
    assert rule.evaluate(c, as_of=T0, registry=mine)
    with pytest.raises(RuleError, match="unknown field 'points'"):
        rule.evaluate(c, as_of=T0)
    with using_registry(mine):
        assert from_dict(to_dict(rule), Rule) == rule
    with pytest.raises(ConversionError):
        from_dict(to_dict(rule), Rule)
    with pytest.raises(ValueError, match="exists"):
        mine.register(points)


# --- building ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "path"),
    [
        (lambda: F.age == "ba mươi", "compare(age).value"),
        (lambda: F.total_spent >= 20_000_000, "compare(total_spent).value"),
        (lambda: F.gender == Role.BUYER, "compare(gender).value"),
        (lambda: F.gender < Gender.MALE, "compare(gender)"),
        (lambda: F.roles == Role.BUYER, "compare(roles)"),
        (lambda: F.age.within(days=30), "within(age)"),
        (lambda: F.age.contains(3), "contains(age)"),
        (lambda: F.age.between(40, 25), "between(age)"),
        (lambda: F.income.between(Money(1), Money(2, "USD")), "between(income)"),
        (lambda: F.province.isin({"Atlantis"}), "in(province).values"),
        (lambda: F.last_purchase_at > datetime(2026, 1, 1), "compare(last_purchase_at).value"),
        (lambda: F.age == True, "compare(age).value"),  # noqa: E712
        (lambda: F.total_spent.isin({Money(1)}), "in(total_spent)"),
        (lambda: F.unknown, "unknown"),
    ],
)
def test_a_badly_typed_rule_is_refused_when_built_naming_the_node(
    build: Callable[[], object], path: str
) -> None:
    with pytest.raises(RuleError) as caught:
        build()
    assert caught.value.path == path


def test_validation_names_the_path_inside_the_tree() -> None:
    bad = And((F.age > 1, Or((F.orders > 0, Not(Compare("orders", Op.EQ, "x"))))))
    with pytest.raises(RuleError) as caught:
        validate(bad)
    assert caught.value.path == "and[1].or[1].not.compare(orders).value"


def test_a_rule_has_no_truth_value_so_and_or_cannot_be_misused() -> None:
    with pytest.raises(RuleError, match=r"&, \|, ~"):
        bool(F.age > 3)


def test_a_forgotten_parenthesis_is_explained() -> None:
    with pytest.raises(RuleError, match="parentheses"):
        F.age > 3 & F.orders  # noqa: B015
    with pytest.raises(RuleError, match="not a rule"):
        ~F.income  # noqa: B018


def test_and_or_flatten_and_keep_their_order() -> None:
    a, b, c = F.age > 1, F.orders > 2, F.income.is_null()
    assert (a & b & c) == And((a, b, c))
    assert ((a | b) | c) == Or((a, b, c))
    assert ~a == Not(a)


# --- JSON ----------------------------------------------------------------------------------


@given(rules())
def test_random_rules_round_trip_through_json_equal(rule: Rule) -> None:
    assert from_json(to_json(rule), Rule) == rule
    assert from_dict(to_dict(rule), type(rule)) == rule
    document = RuleDocument(rule)
    assert from_json(to_json(document), RuleDocument) == document


def test_the_json_form_is_a_versioned_tagged_tree() -> None:
    rule = (F.party_type == PartyType.INDIVIDUAL) & F.last_purchase_at.within(days=180)
    assert to_dict(RuleDocument(rule)) == {
        "version": 1,
        "rule": {
            "op": "and",
            "children": [
                {"op": "eq", "field": "party_type", "value": "individual"},
                {"op": "within", "field": "last_purchase_at", "days": 180},
            ],
        },
    }


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"op": "and", "children": [{"op": "eq", "field": "age", "value": 3, "x": 1}]}, "and[0]"),
        ({"op": "or", "children": [{"op": "gt", "field": "salary", "value": 3}]}, "or[0]"),
        ({"op": "eq", "field": "age", "value": "3"}, "eq(age).value"),
        ({"op": "eval", "field": "age"}, "op"),
        ({"op": "in", "field": "gender", "values": ["female", "robot"]}, "in(gender).values[1]"),
        ({"op": "not", "child": {"op": "within", "field": "age", "days": 3}}, "not.within(age)"),
        ({"op": "and", "children": []}, "and"),
    ],
)
def test_bad_rule_data_is_refused_with_its_path(data: dict[str, Any], where: str) -> None:
    with pytest.raises(ConversionError) as caught:
        from_dict(data, Rule)
    assert where in caught.value.errors[0][1]


def test_a_10000_deep_rule_is_refused_without_recursion_error() -> None:
    deep: dict[str, object] = {"op": "true"}
    for _ in range(10_000):
        deep = {"op": "not", "child": deep}
    with pytest.raises(ConversionError, match=f"deeper than {MAX_DEPTH}"):
        from_dict(deep, Rule)
    text = '{"op":"not","child":' * 10_000 + '{"op":"true"}' + "}" * 10_000
    with pytest.raises(ConversionError):
        from_json(text, Rule)
    wide = {"op": "or", "children": [{"op": "true"}] * 20_000}
    with pytest.raises(ConversionError, match="more than 10000"):
        from_dict(wide, Rule)
    built: Rule = TRUE
    for _ in range(MAX_DEPTH):
        built = Not(built)
    with pytest.raises(RuleError, match="deeper"):
        validate(built)


def test_a_document_in_another_schema_version_is_refused() -> None:
    with pytest.raises(ConversionError, match="schema version"):
        from_dict({"version": 2, "rule": {"op": "true"}}, RuleDocument)
    with pytest.raises(ConversionError, match="unknown key"):
        from_dict({"version": 1, "rule": {"op": "true"}, "x": 0}, RuleDocument)


# --- evaluation ------------------------------------------------------------------------------


@given(rules(), BOOKS, AS_OFS)
def test_compiled_evaluation_agrees_with_a_reference_interpreter(
    rule: Rule, customer: Customer, as_of: datetime
) -> None:
    expected = _reference(rule, customer, as_of)
    assert truth(rule, customer, as_of=as_of) is _TRUTH[expected]
    assert rule.evaluate(customer, as_of=as_of) is (expected is True)
    assert rule.explain(customer, as_of=as_of).result is _TRUTH[expected]


@settings(max_examples=scaled(60))
@given(rules(max_depth=3), rules(max_depth=3), BOOKS, AS_OFS)
def test_kleene_laws_hold(a: Rule, b: Rule, customer: Customer, as_of: datetime) -> None:
    def t(rule: Rule) -> Truth:
        return truth(rule, customer, as_of=as_of)

    assert t(~~a) is t(a)
    assert t(~(a & b)) is t(~a | ~b)
    assert t(a & b) is t(b & a)
    assert t(a | TRUE) is Truth.TRUE
    assert t(a & FALSE) is Truth.FALSE


def test_missing_values_are_unknown_and_never_selected() -> None:
    c = Customer("c", Person("Phạm Thu Hà"), created_at=T0)
    low_income = F.income < Money("10000000")
    assert truth(low_income, c, as_of=T0) is Truth.UNKNOWN
    assert not low_income.evaluate(c, as_of=T0)
    assert not (~low_income).evaluate(c, as_of=T0)
    assert F.income.is_null().evaluate(c, as_of=T0)
    assert truth(F.age.isin(set()), c, as_of=T0) is Truth.UNKNOWN
    assert truth(F.orders.isin(set()), c, as_of=T0) is Truth.FALSE
    assert truth(F.orders.not_in(set()), c, as_of=T0) is Truth.TRUE
    assert truth(F.income.is_null() | low_income, c, as_of=T0) is Truth.TRUE
    assert truth(F.tags.contains("vip"), c, as_of=T0) is Truth.FALSE


def test_money_in_another_currency_is_not_comparable() -> None:
    c = Customer("c", Person("Hà"), created_at=T0, income=Money("30000000"))
    assert truth(F.income > Money("100", "USD"), c, as_of=T0) is Truth.UNKNOWN
    assert truth(F.income > Money("100"), c, as_of=T0) is Truth.TRUE


def test_within_counts_back_from_as_of_inclusively() -> None:
    c = Customer("c", Person("Hà"), created_at=T0)
    c = c.add_purchase(Purchase("o-1", T0, Money(100)))
    rule = F.last_purchase_at.within(days=30)
    assert rule.evaluate(c, as_of=T0 + timedelta(days=30))
    assert not rule.evaluate(c, as_of=T0 + timedelta(days=30, microseconds=1))
    assert not rule.evaluate(c, as_of=T0 - timedelta(microseconds=1))  # bought later


def test_a_rule_compiles_once_per_as_of() -> None:
    rule = F.orders > 0
    assert predicate(rule, as_of=T0) is predicate(rule, as_of=T0)
    assert predicate(rule, as_of=T0) is not predicate(rule, as_of=T0 + timedelta(days=1))
    assert rule == (F.orders > 0)  # the cache takes no part in equality


def test_a_result_does_not_depend_on_which_zone_was_compiled_first() -> None:
    """Two ``as_of`` values with one instant and one offset but different zones are two
    compilations: a field's reader may read the zone, and the first must not answer for
    the second."""
    from zoneinfo import ZoneInfo

    zone_field = Field(
        "zone_name", FieldKind.TEXT, lambda c, as_of: str(as_of.tzinfo), "Múi giờ", "Time zone"
    )
    registry = DEFAULT_REGISTRY.register(zone_field)
    rule = Compare("zone_name", Op.EQ, "America/New_York")
    zoned = datetime(2026, 11, 2, 12, tzinfo=ZoneInfo("America/New_York"))
    fixed = zoned.astimezone(timezone(timedelta(hours=-5)))
    c = Customer("c", Person("Hà"), created_at=T0)
    assert rule.evaluate(c, as_of=fixed, registry=registry) is False
    assert rule.evaluate(c, as_of=zoned, registry=registry) is True
    within = F.last_purchase_at.within(days=30)
    bought = c.add_purchase(Purchase("o-1", datetime(2026, 10, 3, 16, 30, tzinfo=UTC), Money(1)))
    first = [within.evaluate(bought, as_of=at) for at in (fixed, zoned)]
    again = F.last_purchase_at.within(days=30)
    assert [again.evaluate(bought, as_of=at) for at in (zoned, fixed)] == first[::-1]


def test_a_deep_rule_in_a_document_is_a_rule_error_not_a_recursion_error() -> None:
    deep: Rule = TRUE
    for _ in range(2000):
        deep = Not(deep)
    with pytest.raises(RuleError, match=f"deeper than {MAX_DEPTH}") as info:
        RuleDocument(deep)
    assert info.value.path == "rule"
    wide = Or(tuple(TRUE for _ in range(10_001)))
    with pytest.raises(RuleError, match="more than 10000"):
        RuleDocument(wide)
    ok: Rule = TRUE
    for _ in range(MAX_DEPTH - 1):
        ok = Not(ok)
    assert RuleDocument(ok).rule is ok


def test_the_polars_methods_are_typed_for_their_callers() -> None:
    """``mypy --strict`` in a user's code sees a ``polars.Expr``, not ``Any``."""
    import typing

    import polars

    from khachhang.segmentation import Segmenter
    from khachhang.segmentation import rules as rules_module
    from khachhang.segmentation import segments as segments_module

    for method, module in ((Rule.to_polars, rules_module), (Segmenter.to_polars, segments_module)):
        hints = typing.get_type_hints(method, {**vars(module), "polars": polars})
        assert hints["return"] is polars.Expr


def test_the_issue_rule_selects_an_active_young_customer_in_the_south() -> None:
    party = Person("Nguyễn Văn An", birth_date=date(1994, 5, 1), address=Address("Bình Dương"))
    c = Customer("c", party, created_at=T0, roles={Role.BUYER})
    c = c.add_purchase(Purchase("o-1", T0 + timedelta(days=10), Money("25000000")))
    rule = (
        (F.party_type == PartyType.INDIVIDUAL)
        & F.age.between(25, 40)
        & F.province.isin({"HCM", "Hà Nội", "Đà Nẵng"})
        & (F.total_spent >= Money("20000000"))
        & F.last_purchase_at.within(days=180)
    )
    as_of = T0 + timedelta(days=100)
    assert rule.evaluate(c, as_of=as_of)
    assert not rule.evaluate(c, as_of=T0 + timedelta(days=5))  # nothing bought yet
    org = Customer("o", Organization("Công ty TNHH Ánh Dương"), created_at=T0)
    assert truth(rule, org, as_of=as_of) is Truth.FALSE


# --- explanations ------------------------------------------------------------------------------


def test_explain_shows_each_nodes_result_and_value() -> None:
    c = Customer("c", Person("Hà", gender=Gender.FEMALE), created_at=T0, scope=Scope.INTERNAL)
    rule = (F.gender == Gender.FEMALE) & (F.lifecycle == Lifecycle.LOYAL)
    text = rule.explain(c, as_of=T0).to_text("en")
    assert text.splitlines() == [
        "FALSE    Gender = Female and Customer lifecycle = Loyal customer",
        "  TRUE     Gender = Female  [value: Female]",
        "  FALSE    Customer lifecycle = Loyal customer  [value: Prospect]",
    ]
    assert "Khách hàng tiềm năng" in rule.explain(c, as_of=T0).to_text("vi")


def test_explain_html_escapes_values() -> None:
    c = Customer("c", Person("Hà"), created_at=T0, tags={"<script>alert(1)</script>"})
    html = F.tags.contains("<b>").explain(c, as_of=T0).to_html("en")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;" in html
    assert F.tags.contains("x").explain(c, as_of=T0)._repr_html_().startswith("<ul>")


@pytest.mark.parametrize("rule", [TRUE, FALSE])
def test_constants_are_what_they_say(rule: Const) -> None:
    c = Customer("c", Person("Hà"), created_at=T0)
    assert rule.evaluate(c, as_of=T0) is rule.value


def test_json_of_a_rule_is_plain_json() -> None:
    rule = F.first_purchase_at > datetime(2026, 1, 1, 7, tzinfo=timezone(timedelta(hours=7)))
    data = json.loads(to_json(RuleDocument(rule)))
    assert data["rule"]["value"] == "2026-01-01T07:00:00+07:00"
    assert from_dict(data, RuleDocument).rule == rule
    with pytest.raises(RuleError):
        validate(In("tags", ["vip"]))
    with pytest.raises(RuleError):
        validate(Contains("tags", 3))
    assert validate(IsNull("roles")) == IsNull("roles")
    assert not IsNull("roles").evaluate(Customer("c", Person("Hà"), created_at=T0), as_of=T0)
    with pytest.raises(RuleError):
        Within("last_purchase_at", -1)


# --- review: the compile cache, hostile data ---------------------------------------------


def test_the_compile_cache_is_bounded_and_keeps_the_last_few_instants() -> None:
    from khachhang.segmentation.evaluate import CACHE_SIZE

    rule = (F.orders > 0) & (F.age >= 18)
    later = T0 + timedelta(days=30)
    first = predicate(rule, as_of=T0)
    predicate(rule, as_of=later)
    assert predicate(rule, as_of=T0) is first  # alternating instants do not recompile
    for day in range(50):  # a loop over many instants keeps memory flat
        predicate(rule, as_of=T0 + timedelta(days=day))
    cache = rule._compiled
    assert len(cache) == CACHE_SIZE
    assert [entry.as_of for entry in cache] == [T0 + timedelta(days=d) for d in (49, 48, 47, 46)]


def test_the_cache_takes_no_part_in_pickling_copying_or_json() -> None:
    import copy
    import pickle

    rule = F.tags.contains("vip") | (F.orders >= 2)
    before = to_dict(rule)
    c = Customer("c", Person("An"), created_at=T0, tags={"vip"})
    assert rule.evaluate(c, as_of=T0)
    assert hasattr(rule, "_compiled")
    for clone in (pickle.loads(pickle.dumps(rule)), copy.copy(rule), copy.deepcopy(rule)):
        assert clone == rule
        assert hash(clone) == hash(rule)
        assert not hasattr(clone, "_compiled")
        assert clone.evaluate(c, as_of=T0)
    assert to_dict(rule) == before


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:00:00-05:00"])
def test_datetimes_that_do_not_exist_in_utc_are_refused(text: str) -> None:
    moment = datetime.fromisoformat(text)
    with pytest.raises(RuleError, match="years 1 to 9999 in UTC"):
        F.last_purchase_at >= moment  # noqa: B015
    data = {"op": "ge", "field": "last_purchase_at", "value": text}
    with pytest.raises(ConversionError, match="years 1 to 9999 in UTC"):
        from_dict(data, Rule)


def test_within_near_the_earliest_instant_does_not_overflow() -> None:
    early = datetime(1, 1, 2, tzinfo=UTC)
    c = Customer("c", Person("An"), created_at=early)
    c = c.add_purchase(Purchase("o-1", early, Money(100)))
    rule = F.last_purchase_at.within(days=30)
    assert rule.evaluate(c, as_of=early)
    assert rule.explain(c, as_of=early).result is Truth.TRUE


def test_an_over_long_text_literal_says_how_long_it_may_be() -> None:
    with pytest.raises(RuleError, match="300 characters"):
        F.province == "x" * 300  # noqa: B015


_JSONISH = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.sampled_from(["and", "or", "not", "eq", "in", "within", "age", "tags", "vip", "VND"])
    | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["op", "field", "value", "values", "children", "child", "days", "low"])
            | st.text(max_size=3),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=scaled(60))
@given(_JSONISH)
def test_hostile_rule_data_is_loaded_or_refused_with_a_conversion_error(data: object) -> None:
    try:
        document = from_dict({"version": 1, "rule": data}, RuleDocument)
    except ConversionError:
        return
    assert from_dict(to_dict(document), RuleDocument) == document


def test_an_unhashable_isin_value_is_a_rule_error() -> None:
    with pytest.raises(RuleError, match="got list"):
        F.age.isin([[1]])  # type: ignore[list-item]
    with pytest.raises(RuleError, match="got dict"):
        In("province", [{"a": 1}])  # type: ignore[list-item]


def test_a_registry_that_is_not_one_is_refused_by_name() -> None:
    c = Customer("c", Person("An"), created_at=T0)
    with pytest.raises(ValueError, match="registry"):
        (F.orders > 0).evaluate(c, as_of=T0, registry={})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="registry"):
        (F.orders > 0).explain(c, as_of=T0, registry={})  # type: ignore[arg-type]
    with pytest.raises(RuleError, match="registry"):
        validate(F.orders > 0, {})  # type: ignore[arg-type]


# -- wrong arguments from the caller ------------------------------------------------------


@pytest.mark.parametrize("junk", [None, 5, "c-1", {"id": "c-1"}])
def test_evaluating_something_that_is_not_a_customer_names_the_argument(junk: object) -> None:
    from khachhang.segmentation import Segment, Segmenter, explain, rfm_scores, truth

    t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    rule = F.orders > 0
    segmenter = Segmenter([Segment("buyers", rule, "Đã mua", "Bought")])
    calls: list[Callable[[], object]] = [
        lambda: rule.evaluate(junk, as_of=t),  # type: ignore[arg-type]
        lambda: truth(rule, junk, as_of=t),  # type: ignore[arg-type]
        lambda: explain(rule, junk, as_of=t),  # type: ignore[arg-type]
        lambda: segmenter.segments[0].matches(junk, as_of=t),  # type: ignore[arg-type]
        lambda: segmenter.assign([junk], as_of=t),  # type: ignore[list-item]
        lambda: segmenter.counts([junk], as_of=t),  # type: ignore[list-item]
        lambda: segmenter.check([junk], as_of=t),  # type: ignore[list-item]
        lambda: rfm_scores([junk], as_of=t),  # type: ignore[list-item]
    ]
    for call in calls:
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.path.startswith("customer")
    with pytest.raises(ValidationError):
        segmenter.assign(None, as_of=t)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        rfm_scores(None, as_of=t)  # type: ignore[arg-type]


def test_describing_something_that_is_not_a_rule_names_the_argument() -> None:
    from khachhang.segmentation import describe

    with pytest.raises(ValidationError) as info:
        describe(None)  # type: ignore[arg-type]
    assert info.value.path == "rule"


def test_purchase_fields_compare_instants_in_a_zone_with_a_repeated_hour() -> None:
    """In Berlin's repeated hour, 02:15 on the second pass is after 02:30 on the first:
    the purchase counts, as ``Customer.purchases_until`` says."""
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    as_of = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=berlin)  # 01:15Z
    bought_at = datetime(2026, 10, 25, 2, 30, tzinfo=berlin)  # 00:30Z
    c = Customer("c", Person("Hà"), created_at=bought_at)
    c = c.add_purchase(Purchase("o-1", bought_at, Money(5)))
    assert len(c.purchases_until(as_of=as_of)) == 1
    assert (F.orders == 1).evaluate(c, as_of=as_of)
    assert (F.total_spent == Money(5)).evaluate(c, as_of=as_of)
    assert F.first_purchase_at.is_not_null().evaluate(c, as_of=as_of)
    assert F.last_purchase_at.within(days=1).evaluate(c, as_of=as_of)
    assert (F.recency_days == 0).evaluate(c, as_of=as_of)
    assert (F.tenure_days == 0).evaluate(c, as_of=as_of)
    later = Customer("d", Person("Hà"), created_at=datetime(2026, 10, 25, 2, 20, tzinfo=berlin))
    assert later.tenure_days(as_of=as_of) == 0
    assert (F.tenure_days == 0).evaluate(later, as_of=as_of)
