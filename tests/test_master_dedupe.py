"""Duplicate detection: rules as data, similarity of Vietnamese names, blocking, reports."""

from __future__ import annotations

import importlib
import itertools
import unicodedata
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SLOW_EXAMPLES, T0, scaled
from khachhang import Customer, Person
from khachhang.errors import ConversionError, ValidationError
from khachhang.master import (
    DEFAULT_RULES,
    Block,
    Match,
    MatchKind,
    MatchRule,
    MatchRules,
    find_duplicates,
    fold_name,
    jaro_winkler,
    name_similarity,
)
from khachhang.master.dedupe import _features, _keys
from khachhang.parties import Address, ContactPoint, Organization
from khachhang.serde import from_dict, from_json, to_dict, to_json
from khachhang.testing import customers, persons
from khachhang.testing._hook import _MODELS, _strategy

STRATEGIES = "khachhang.testing._dedupe"
MODELS = [
    (getattr(importlib.import_module(module), cls_name), strategy)
    for module, pairs in _MODELS[STRATEGIES].items()
    for cls_name, strategy in pairs
]


@pytest.mark.parametrize(("cls", "name"), MODELS, ids=[cls.__name__ for cls, _ in MODELS])
@settings(max_examples=scaled(10), suppress_health_check=SLOW_EXAMPLES)
@given(data=st.data())
def test_every_master_model_round_trips_through_dicts_and_json(
    cls: type[Any], name: str, data: st.DataObject
) -> None:
    """from_dict(to_dict(x)) == x and from_json(to_json(x)) == x for each new model."""
    strategy: st.SearchStrategy[Any] = _strategy(STRATEGIES, name, cls)  # type: ignore[arg-type]  # a class is hashable
    value = data.draw(strategy)
    assert isinstance(value, cls)
    assert from_dict(to_dict(value), cls) == value
    assert from_json(to_json(value), cls) == value


def _strip(text: str) -> str:
    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in bare if not unicodedata.combining(ch))


def _person(cid: str, name: str, **kwargs: Any) -> Customer:
    return Customer(cid, Person(name, **kwargs), created_at=T0)


# --- rules as data -----------------------------------------------------------------------


def test_the_default_rules_are_data_that_read_back_equal() -> None:
    data: Any = to_dict(DEFAULT_RULES)
    assert data["rules"][0] == {"kind": "phone", "weight": 60, "min_similarity": 100}
    assert from_dict(data, MatchRules) == DEFAULT_RULES


def test_a_second_rule_of_one_kind_is_refused_by_its_path() -> None:
    rules = [MatchRule(MatchKind.EMAIL, 10), MatchRule(MatchKind.EMAIL, 20)]
    with pytest.raises(ValidationError, match=r"rules\[1\]\.kind: a second email rule"):
        MatchRules(rules, threshold=10)


def test_loading_a_bad_rule_names_its_path() -> None:
    data: Any = to_dict(DEFAULT_RULES)
    data["rules"][3]["min_similarity"] = 140
    with pytest.raises(ConversionError) as caught:
        from_dict(data, MatchRules)
    assert any("rules" in path and "3" in path for path in caught.value.paths)


@pytest.mark.parametrize(
    ("kwargs", "path"),
    [
        ({"kind": "phone", "weight": 1}, "kind"),
        ({"kind": MatchKind.PHONE, "weight": 0}, "weight"),
        ({"kind": MatchKind.PHONE, "weight": True}, "weight"),
        ({"kind": MatchKind.NAME, "weight": 5, "min_similarity": 0}, "min_similarity"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_field(kwargs: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationError) as caught:
        MatchRule(**kwargs)
    assert caught.value.path == path


def test_a_match_whose_score_is_not_its_hits_is_refused() -> None:
    with pytest.raises(ValidationError, match="score: is 5 but the hits add up to 0"):
        Match("a", "b", 5, 10)


# --- names -------------------------------------------------------------------------------


@given(persons())
def test_a_name_without_its_diacritics_is_the_same_name(person: Person) -> None:
    """Vietnamese names typed without marks (and đ as d) fold to the same words."""
    assert fold_name(_strip(person.full_name)) == fold_name(person.full_name)
    assert name_similarity(person.full_name, _strip(person.full_name).upper()) == 100


@given(persons(), persons())
def test_name_similarity_is_symmetric_and_a_percentage(a: Person, b: Person) -> None:
    forward = name_similarity(a.full_name, b.full_name)
    assert forward == name_similarity(b.full_name, a.full_name)
    assert 0 <= forward <= 100


@given(st.text(max_size=12), st.text(max_size=12))
def test_jaro_winkler_stays_between_zero_and_one(a: str, b: str) -> None:
    assert 0.0 <= jaro_winkler(a, b) <= 1.0
    assert jaro_winkler(a, a) == 1.0


def test_two_different_short_given_names_are_not_one_name() -> None:
    """An and Anh are two names: a one-letter difference in a short word is no typo."""
    assert name_similarity("Lê Văn An", "Lê Văn Anh") < DEFAULT_RULES.rules[3].min_similarity


def test_a_left_out_middle_name_or_a_typo_still_matches() -> None:
    threshold = DEFAULT_RULES.rules[3].min_similarity
    assert name_similarity("Nguyễn Thị Thu Hương", "Nguyen Huong") >= threshold
    assert name_similarity("Phạm Quốc Thắng", "Pham Quoc Thnag") >= threshold


def test_organisations_are_compared_without_their_legal_form() -> None:
    same = name_similarity("Công ty TNHH Ánh Dương", "ANH DUONG CO LTD", organization=True)
    other = name_similarity("Công ty TNHH Ánh Dương", "Công ty TNHH Minh Phát", organization=True)
    assert same == 100
    assert other < 50


# --- comparing and explaining ---------------------------------------------------------


def test_a_former_province_matches_the_province_it_belongs_to_today() -> None:
    """Since 1 July 2025 Bình Dương is part of TP. Hồ Chí Minh (Resolution 202/2025/QH15)."""
    rules = MatchRules([MatchRule(MatchKind.PROVINCE, 10)], threshold=10)
    a = _person("a", "Lê Văn Nam", address=Address("Bình Dương"))
    b = _person("b", "Lê Văn Nam", address=Address("TP.HCM"))
    match = rules.compare(a, b)
    assert match.is_duplicate
    assert "đều thuộc TP. Hồ Chí Minh ngày nay" in match.explain("vi")
    assert "both TP. Hồ Chí Minh today" in match.explain("en")


def test_an_email_matches_whatever_its_case() -> None:
    a = _person("a", "An", contacts=[ContactPoint.email("An.Le@Mail.vn")])
    b = _person("b", "Bình", contacts=[ContactPoint.email("an.le@mail.vn")])
    match = DEFAULT_RULES.compare(a, b)
    assert [hit.kind for hit in match.hits] == [MatchKind.EMAIL]
    assert (match.hits[0].first, match.hits[0].second) == ("An.Le@mail.vn", "an.le@mail.vn")


@settings(max_examples=scaled(30))
@given(customers(max_purchases=0), customers(max_purchases=0))
def test_a_score_is_the_weights_of_the_rules_that_fired_either_way_round(
    a: Customer, b: Customer
) -> None:
    forward, backward = DEFAULT_RULES.compare(a, b), DEFAULT_RULES.compare(b, a)
    assert forward.score == backward.score == sum(h.weight for h in forward.hits)
    assert [h.kind for h in forward.hits] == [h.kind for h in backward.hits]
    assert forward.explain("en").count("\n") == len(forward.hits)


# --- blocking --------------------------------------------------------------------------


def _near_copies(book: list[Customer]) -> list[Customer]:
    """The book plus a copy of every other customer under a new id, written without marks."""
    copies = []
    for i, customer in enumerate(book[::2]):
        party = customer.party
        if isinstance(party, Person):
            party = Person(_strip(party.full_name), contacts=party.contacts[:1])
        copy = Customer(
            f"copy-{i}", party, customer.created_at, scope=customer.scope, roles=customer.roles
        )
        copies.append(copy)
    return [*book, *copies]


@settings(max_examples=scaled(25), suppress_health_check=SLOW_EXAMPLES)
@given(st.lists(customers(max_purchases=0), max_size=8, unique_by=lambda c: c.id))
def test_blocking_finds_every_match_among_pairs_that_share_a_key(book: list[Customer]) -> None:
    """Within blocks no larger than max_block, blocking loses nothing brute force finds."""
    book = _near_copies(book)
    features = [_features(c, i) for i, c in enumerate(book)]
    keys = [set(_keys(DEFAULT_RULES, f)) for f in features]
    expected = set()
    for i, j in itertools.combinations(range(len(book)), 2):
        match = DEFAULT_RULES.compare(book[i], book[j])
        if match.is_duplicate and keys[i] & keys[j]:
            expected.add((book[i].id, book[j].id))
    report = find_duplicates(book, DEFAULT_RULES)
    assert {m.ids for m in report.matches} == expected
    assert not report.oversized
    assert report.compared <= len(book) * (len(book) - 1) // 2


def test_an_oversized_block_is_reported_and_compared_between_neighbours_only() -> None:
    """A switchboard number shared by six customers: reported, five neighbour pairs."""
    phone = ContactPoint.phone("02838221234")
    book = [_person(f"c-{i}", f"Khách {i}", contacts=[phone]) for i in range(6)]
    rules = MatchRules([MatchRule(MatchKind.PHONE, 10)], threshold=10, max_block=5, window=1)
    report = find_duplicates(book, rules)
    assert report.oversized == (Block("phone:+842838221234", 6),)
    assert report.compared == len(report.matches) == 5


def test_duplicates_group_transitively() -> None:
    """a~b by phone and b~c by e-mail put all three in one group."""
    phone, mail = ContactPoint.phone("0901234567"), ContactPoint.email("x@y.vn")
    book = [
        _person("a", "An", contacts=[phone]),
        _person("b", "Bình", contacts=[phone, mail]),
        _person("c", "Chi", contacts=[mail]),
        Customer("d", Organization("Ánh Dương"), created_at=T0),
    ]
    rules = MatchRules([MatchRule(MatchKind.PHONE, 60), MatchRule(MatchKind.EMAIL, 50)], 50)
    report = find_duplicates(book, rules)
    assert report.groups() == (("a", "b", "c"),)


def test_a_book_item_that_is_not_a_customer_is_named() -> None:
    with pytest.raises(ValidationError, match=r"customers\[1\]"):
        find_duplicates([_person("a", "An"), "b"], DEFAULT_RULES)  # type: ignore[list-item]


def test_the_demo_finds_the_re_entered_customer_and_merges_it() -> None:
    """The demo's section: the twin is found by its phone and name, then merged."""
    from khachhang.cli._demo import dedupe as demo
    from khachhang.sample import SAMPLE_AS_OF, sample_book

    book = sample_book(60)
    vi, en = (demo.render(book, as_of=SAMPLE_AS_OF, lang=lang) for lang in ("vi", "en"))
    assert "Số điện thoại" in vi
    assert "Gộp: giữ" in vi
    assert "Phone number" in en
    assert "Merged: kept" in en
