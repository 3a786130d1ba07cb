"""Segments, segmenters, the seeds' standard segments and the demo."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import AS_OFS, scaled
from conftest import NEW_YEAR as T0
from khachhang import Customer, Money, Organization, Person
from khachhang.cli._demo import segmentation as _demo
from khachhang.customers import Purchase
from khachhang.errors import ValidationError
from khachhang.kinds import InternalUnit, PartyType, Role, Scope
from khachhang.sample import SAMPLE_AS_OF, sample_book
from khachhang.segmentation import FALSE, TRUE, Compare, F, Op
from khachhang.segmentation.fields import DEFAULT_REGISTRY, Field, FieldKind
from khachhang.segmentation.segments import (
    AssignMode,
    CurrencyGap,
    Segment,
    SegmentCheck,
    Segmenter,
)
from khachhang.segmentation.standard import (
    kind_segmenter,
    lifecycle_segmenter,
    standard_segments,
)
from khachhang.serde import from_dict, from_json, to_dict, to_json
from khachhang.testing import (
    currency_gaps,
    customers,
    generated_check,
    segment_checks,
    segmenters,
    segments,
)
from khachhang.testing._segmentation import register_types

BOOKS = st.lists(customers(max_purchases=3), max_size=6)


def _seg(key: str, rule: object = TRUE, priority: int = 0) -> Segment:
    return Segment(key, rule, key.upper(), key.title(), priority)  # type: ignore[arg-type]


def test_a_segment_checks_what_it_is_given() -> None:
    with pytest.raises(ValidationError, match="key"):
        _seg("Khách VIP")
    with pytest.raises(ValidationError, match="rule"):
        _seg("vip", "F.age > 3")
    with pytest.raises(ValidationError, match="label_vi"):
        Segment("vip", TRUE, "", "VIP")


def test_segments_are_kept_in_priority_order_and_keys_are_unique() -> None:
    seg = Segmenter([_seg("a", priority=1), _seg("b", priority=5), _seg("c", priority=1)])
    assert [s.key for s in seg.segments] == ["b", "a", "c"]
    with pytest.raises(ValidationError, match="duplicate key 'a'"):
        Segmenter([_seg("a"), _seg("a")])
    with pytest.raises(ValidationError, match="mode"):
        Segmenter([_seg("a")], "some")
    assert Segmenter([_seg("a")], "all").mode is AssignMode.ALL


@settings(max_examples=scaled(25))
@given(segmenters(), BOOKS, AS_OFS)
def test_first_mode_assigns_the_first_of_all_matches(
    segmenter: Segmenter, book: list[Customer], as_of: datetime
) -> None:
    every = Segmenter(segmenter.segments, AssignMode.ALL).assign(book, as_of=as_of)
    first = Segmenter(segmenter.segments, AssignMode.FIRST).assign(book, as_of=as_of)
    assert first == [keys[:1] for keys in every]
    for customer, keys in zip(book, every, strict=True):
        assert keys == tuple(s.key for s in segmenter.segments if s.matches(customer, as_of=as_of))
    counts = Segmenter(segmenter.segments).counts(book, as_of=as_of)
    assert sum(counts.values()) == len(book)


@settings(max_examples=scaled(40))
@given(segmenters())
def test_segmenters_round_trip_through_json(segmenter: Segmenter) -> None:
    assert from_json(to_json(segmenter), Segmenter) == segmenter
    for segment in segmenter.segments:
        assert from_dict(to_dict(segment), Segment) == segment


@given(segments())
def test_segments_round_trip(segment: Segment) -> None:
    assert from_dict(to_dict(segment), Segment) == segment


def test_check_reports_duplicates_unreachable_overlaps_and_gaps() -> None:
    buyers = F.orders > 0
    seg = Segmenter(
        [
            _seg("buyers", buyers, 5),
            _seg("again", buyers, 4),
            _seg("vip", F.tags.contains("vip"), 3),
            _seg("never", FALSE, 2),
        ]
    )
    static = seg.check()
    assert static.duplicates == (("buyers", "again"),)
    assert static.unreachable == ("again", "never")
    quiet = Customer("q", Person("An"), created_at=T0)
    vip = Customer("v", Person("Hà"), created_at=T0, tags={"vip"})
    vip = vip.add_purchase(Purchase("o", T0, Money(1)))
    report = seg.check([quiet, vip], as_of=T0)
    assert report.uncovered == 1
    assert report.uncovered_ids == ("q",)
    assert ("buyers", "vip", 1) in report.overlaps
    assert "never" in report.unmatched
    assert set(report.shadowed) == {"again", "vip"}
    assert not report.ok
    assert "uncovered: 1 (q)" in report.to_text("en")
    assert from_dict(to_dict(report), SegmentCheck) == report
    catch_all = Segmenter([_seg("all", TRUE, 9), _seg("late", buyers)]).check()
    assert catch_all.unreachable == ("late",)


def _dollar_book() -> list[Customer]:
    rich = Customer("john", Person("John Smith"), created_at=T0, currency="USD")
    rich = rich.add_purchase(Purchase("o-1", T0, Money("95000", "USD")))
    also = Customer("mary", Person("Mary Jones"), created_at=T0, currency="USD")
    dong = Customer("lan", Person("Trần Thị Lan"), created_at=T0)
    dong = dong.add_purchase(Purchase("o-2", T0, Money("60000000")))
    return [rich, also, dong]


def test_a_segment_in_dong_on_dollar_customers_says_so_instead_of_a_silent_zero() -> None:
    """The standard high-value segment is written in đồng: on a dollar book it selects
    nobody, and the counts carry a warning naming the segment, field and currencies."""
    book = _dollar_book()
    segmenter = Segmenter(standard_segments(), mode="all")
    counts = segmenter.counts(book, as_of=T0)
    assert counts["high_value"] == 1  # Lan only: the dollar spender is UNKNOWN, not big
    assert counts.warnings == (CurrencyGap("high_value", "total_spent", ("VND",), "USD", 2),)
    assert "2 customer(s) in USD never match total_spent in VND" in counts.warnings[0].to_text("en")
    assert "2 khách hàng dùng USD" in counts.warnings[0].to_text("vi")
    report = segmenter.check(book, as_of=T0)
    assert report.currency_gaps == counts.warnings
    assert not report.ok
    assert "never match total_spent in VND" in report.to_text("en")


def test_a_segment_that_compares_every_held_currency_has_no_warning() -> None:
    both = (F.total_spent >= Money("50000000")) | (F.total_spent >= Money("2000", "USD"))
    segmenter = Segmenter([Segment("big", both, "Lớn", "Big")])
    counts = segmenter.counts(_dollar_book(), as_of=T0)
    assert counts == {"big": 2, None: 1}
    assert counts.warnings == ()
    assert Segmenter([Segment("n", F.orders > 0, "N", "N")]).counts([], as_of=T0).warnings == ()


def test_an_application_money_field_is_checked_for_currencies_too() -> None:
    """A money field without the fast ``(amount, currency)`` reader is read as Money."""
    deposit = Field("deposit", FieldKind.MONEY, lambda c, as_of: c.income, "Tiền cọc", "Deposit")
    registry = DEFAULT_REGISTRY.register(deposit)
    rule = Compare("deposit", Op.GT, Money("1000000"))
    dollars = Customer("d", Person("Dan Brown"), created_at=T0, income=Money("9000", "USD"))
    none = Customer("n", Person("Vũ An"), created_at=T0)
    counts = Segmenter([Segment("coc", rule, "Cọc", "Deposit")]).counts(
        [dollars, none], as_of=T0, registry=registry
    )
    assert counts.warnings == (CurrencyGap("coc", "deposit", ("VND",), "USD", 1),)


def test_the_kind_segmenter_puts_every_generated_customer_in_exactly_one_kind() -> None:
    report = generated_check(kind_segmenter(), as_of=T0, max_examples=scaled(60))
    assert report.uncovered == 0
    assert not report.unreachable
    assert not report.duplicates


def test_the_lifecycle_segments_partition_customers_without_overlap() -> None:
    report = generated_check(lifecycle_segmenter(), as_of=T0, max_examples=scaled(60))
    assert report.ok, report.to_text("en")


def test_kinds_follow_the_seeds() -> None:
    """Seed 000 §2.2: employees, departments and branches are internal customers; an
    external distributor (đại lý) is grouped by its role before its party type."""
    dept = Organization("Phòng Kế toán", internal_unit=InternalUnit.DEPARTMENT)
    internal = Customer("i", dept, created_at=T0, scope=Scope.INTERNAL)
    agent = Customer("d", Organization("Công ty TNHH Sao Mai"), created_at=T0)
    agent = Customer("d", agent.party, created_at=T0, roles={Role.DISTRIBUTOR})
    ministry = Organization("Sở Y tế Huế", party_type=PartyType.GOVERNMENT)
    agency = Customer("g", ministry, created_at=T0)
    person = Customer("p", Person("Ngô Thị Yến"), created_at=T0)
    keys = kind_segmenter().assign([internal, agent, agency, person], as_of=T0)
    assert keys == [("internal",), ("distributors",), ("b2g",), ("b2c",)]


def test_standard_segments_are_bilingual_and_describe_the_concept_not_a_source_file() -> None:
    """Each description names the concept in both languages; none cites an internal seed."""
    found = standard_segments(high_value=Money("1000000"), active_days=30)
    keys = [s.key for s in found]
    for key in ("internal", "b2c", "b2b", "b2g", "nonprofit", "prospects", "current"):
        assert key in keys
    for key in ("loyal", "lapsed", "distributors", "suppliers", "high_value", "active"):
        assert key in keys
    assert all(s.label_vi != s.label_en and s.description for s in found)
    assert all(s.description_en and s.describe("en") == s.description_en for s in found)
    assert not [s.key for s in found if "seed" in f"{s.description} {s.description_en}".lower()]
    assert "1.000.000 ₫" in found[-2].description
    assert found[-2].describe("en").startswith("Total spend of ₫1,000,000 or more")
    with pytest.raises(ValidationError):
        standard_segments(active_days=0)


def test_high_value_and_active_follow_purchases_at_as_of() -> None:
    c = Customer("c", Person("Hà"), created_at=T0)
    c = c.add_purchase(Purchase("o", T0 + timedelta(days=1), Money("60000000")))
    everything = Segmenter(standard_segments(), AssignMode.ALL)
    [before] = everything.assign([c], as_of=T0)
    [after] = everything.assign([c], as_of=T0 + timedelta(days=2))
    assert "high_value" not in before
    assert "prospects" in before
    assert {"high_value", "active", "current"} <= set(after)


def test_the_demo_shows_segments_rfm_and_an_explanation() -> None:
    book = sample_book(120)
    for lang, words in (("en", "Champions"), ("vi", "Khách hàng tốt nhất")):
        text = _demo.render(book, as_of=SAMPLE_AS_OF, lang=lang)
        assert words in text
        assert ("TRUE" if lang == "en" else "Đúng") in text
    assert _demo.render([], as_of=SAMPLE_AS_OF, lang="en").count("\n") > 5


@settings(max_examples=scaled(20))
@given(segment_checks())
def test_segment_checks_round_trip(report: SegmentCheck) -> None:
    assert from_dict(to_dict(report), SegmentCheck) == report
    problems = (
        report.duplicates
        or report.unreachable
        or report.overlaps
        or report.uncovered
        or report.currency_gaps
    )
    assert report.ok is (not problems)


def test_from_type_knows_the_segmentation_models() -> None:
    register_types()

    @settings(max_examples=scaled(5))
    @given(st.from_type(Segmenter), st.from_type(SegmentCheck))
    def drawn(segmenter: Segmenter, report: SegmentCheck) -> None:
        assert isinstance(segmenter, Segmenter)
        assert isinstance(report, SegmentCheck)

    drawn()


def test_the_builder_answers_hasattr_for_private_names() -> None:
    assert not hasattr(F, "_repr_html_")
    assert "age" in dir(F)


@given(currency_gaps())
def test_currency_gaps_round_trip(gap: CurrencyGap) -> None:
    assert from_json(to_json(gap), CurrencyGap) == gap
    assert gap.held not in gap.compared


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"held": "XYZ"}, "held"),
        ({"compared": ("VND", "usd")}, "compared[1]"),
        ({"compared": "VND"}, "compared"),
        ({"customers": 0}, "customers"),
        ({"segment": "a\x00b"}, "segment"),
    ],
)
def test_a_currency_gap_refuses_what_it_cannot_mean(change: dict[str, Any], path: str) -> None:
    good = {"segment": "vip", "field": "total_spent", "compared": ("VND",), "held": "USD"}
    with pytest.raises(ValidationError) as info:
        CurrencyGap(**{**good, "customers": 3, **change})
    assert info.value.path == path


def test_a_segment_per_currency_is_no_currency_gap() -> None:
    """vip-vn in đồng beside vip-us in dollars covers both books: nothing to warn of."""
    vn = Customer("vn", Person("Lan"), created_at=T0).add_purchase(
        Purchase("o-vn", T0, Money("30000000"))
    )
    us = Customer("us", Person("John"), created_at=T0, currency="USD").add_purchase(
        Purchase("o-us", T0, Money("2000", "USD"))
    )
    both = Segmenter(
        [
            Segment("vip-vn", F.total_spent >= Money("20000000"), "VIP đồng", "VIP dong"),
            Segment("vip-us", F.total_spent >= Money("1000", "USD"), "VIP đô", "VIP dollar"),
        ],
        mode="all",
    )
    counts = both.counts([vn, us], as_of=T0)
    assert counts == {"vip-vn": 1, "vip-us": 1, None: 0}
    assert counts.warnings == ()
    assert both.check([vn, us], as_of=T0).ok
    only_dong = Segmenter([both.segments[0]])
    assert [g.held for g in only_dong.counts([vn, us], as_of=T0).warnings] == ["USD"]


def test_a_currency_tally_refuses_what_is_not_a_customer_or_a_registry() -> None:
    segmenter = Segmenter([Segment("big", F.total_spent >= Money(1), "Lớn", "Big")])
    with pytest.raises(ValidationError, match=r"^registry: "):
        segmenter.currency_tally(as_of=T0, registry=123)  # type: ignore[arg-type]
    tally = segmenter.currency_tally(as_of=T0)
    with pytest.raises(ValidationError, match=r"^customer: "):
        tally.add(123)  # type: ignore[arg-type]
