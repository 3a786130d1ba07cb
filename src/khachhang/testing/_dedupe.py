"""Strategies for :mod:`khachhang.master`'s duplicate detection and merge models."""

from __future__ import annotations

import functools
import unicodedata
from datetime import datetime, timezone

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from khachhang.customers import Customer, Purchase
from khachhang.master.dedupe import (
    MAX_WEIGHT,
    Block,
    DuplicateReport,
    Hit,
    Match,
    MatchKind,
    MatchRule,
    MatchRules,
)
from khachhang.master.merge import (
    ConsentMerge,
    Merged,
    MergeField,
    MergePolicy,
    MergeRecord,
    Pick,
    RenamedPurchase,
    Taken,
    merge,
)
from khachhang.money import Money
from khachhang.parties import SUPPORTED_CHANNELS, ContactPoint
from khachhang.testing._hook import register_module
from khachhang.testing._strategies import customers

__all__ = [
    "blocks",
    "duplicate_reports",
    "hits",
    "match_rule_sets",
    "match_rules",
    "matches",
    "merge_policies",
    "merge_records",
    "mergeable_pairs",
    "merges",
    "renamed_purchases",
    "taken_fields",
]

_IDS = st.from_regex(r"[A-Z]{2}-[0-9]{1,6}", fullmatch=True)
_WEIGHTS = st.integers(1, MAX_WEIGHT)
_MERGED_AT = datetime(2037, 1, 1, tzinfo=timezone.utc)


@functools.cache
def match_rules(kind: MatchKind | None = None) -> SearchStrategy[MatchRule]:
    """One match rule: an exact kind at 100%, a fuzzy one at any threshold from 50%.

    Example: ``@given(match_rules(MatchKind.NAME))``.
    """
    kinds = st.sampled_from(list(MatchKind) if kind is None else [kind])

    @st.composite
    def draw_rule(draw: st.DrawFn) -> MatchRule:
        chosen = draw(kinds)
        similarity = draw(st.integers(50, 100)) if chosen.fuzzy else 100
        return MatchRule(chosen, draw(_WEIGHTS), similarity)

    return draw_rule()


@functools.cache
def match_rule_sets() -> SearchStrategy[MatchRules]:
    """Valid rule sets: one rule per kind at most, a reachable threshold, any limits.

    Example: ``@given(match_rule_sets())``.
    """

    @st.composite
    def draw_rules(draw: st.DrawFn) -> MatchRules:
        kinds = draw(st.lists(st.sampled_from(list(MatchKind)), min_size=1, unique=True))
        rules = [draw(match_rules(kind)) for kind in kinds]
        total = sum(rule.weight for rule in rules)
        return MatchRules(
            rules,
            threshold=draw(st.integers(1, total)),
            max_block=draw(st.integers(2, 500)),
            window=draw(st.integers(1, 50)),
        )

    return draw_rules()


_VALUES = st.text("aăâbdđeêgiklmnoôơpqrstuưvxyáàảãạếộữAĐ0123456789 @.+-", max_size=30).map(
    lambda text: unicodedata.normalize("NFC", " ".join(text.split()))
)


@functools.cache
def hits() -> SearchStrategy[Hit]:
    """A fired rule as a match reports it (exact kinds at 100%).

    Example: ``@given(hits())``.
    """

    @st.composite
    def draw_hit(draw: st.DrawFn) -> Hit:
        kind = draw(st.sampled_from(list(MatchKind)))
        similarity = draw(st.integers(0, 100)) if kind.fuzzy else 100
        return Hit(kind, draw(_WEIGHTS), draw(_VALUES), draw(_VALUES), similarity, draw(_VALUES))

    return draw_hit()


@functools.cache
def matches() -> SearchStrategy[Match]:
    """A scored pair: one hit per kind at most, the score their sum.

    Example: ``@given(matches())``.
    """

    @st.composite
    def draw_match(draw: st.DrawFn) -> Match:
        found = draw(st.lists(hits(), max_size=4, unique_by=lambda hit: hit.kind))
        score = sum(hit.weight for hit in found)
        threshold = draw(st.integers(1, MAX_WEIGHT * len(MatchKind)))
        return Match(draw(_IDS), draw(_IDS), score, threshold, found)

    return draw_match()


@functools.cache
def blocks() -> SearchStrategy[Block]:
    """An oversized blocking key and its size.

    Example: ``@given(blocks())``.
    """
    keys = st.sampled_from(["phone:", "email:", "tax_code:", "name:"])
    return st.builds(Block, st.builds(str.__add__, keys, _VALUES), st.integers(2, 10**6))


@functools.cache
def duplicate_reports() -> SearchStrategy[DuplicateReport]:
    """What :func:`~khachhang.master.find_duplicates` returns.

    Example: ``@given(duplicate_reports())``.
    """
    return st.builds(
        DuplicateReport,
        st.lists(matches(), max_size=3),
        st.integers(0, 10**6),
        st.integers(0, 10**6),
        st.lists(blocks(), max_size=2),
    )


@functools.cache
def merge_policies(*, symmetric: bool | None = None) -> SearchStrategy[MergePolicy]:
    """Survivor policies; ``symmetric=True`` never picks ``FIRST`` or ``SECOND``.

    Example: ``@given(merge_policies(symmetric=True))``.
    """
    picks = list(Pick)
    if symmetric:
        picks = [p for p in picks if p not in (Pick.FIRST, Pick.SECOND)]
    fields = {field.value: st.sampled_from(picks) for field in MergeField}
    policies = st.builds(MergePolicy, consents=st.sampled_from(list(ConsentMerge)), **fields)
    if symmetric is False:
        return policies.filter(lambda policy: not policy.symmetric)
    return policies


@functools.cache
def taken_fields() -> SearchStrategy[Taken]:
    """Which record a picked field came from.

    Example: ``@given(taken_fields())``.
    """
    return st.builds(Taken, st.sampled_from(list(MergeField)), _IDS)


@functools.cache
def renamed_purchases() -> SearchStrategy[RenamedPurchase]:
    """A purchase renamed by a merge because its id clashed.

    Example: ``@given(renamed_purchases())``.
    """
    return st.builds(
        lambda source, original: RenamedPurchase(source, original, f"{source}:{original}"),
        _IDS,
        st.from_regex(r"o-[0-9]{1,4}", fullmatch=True),
    )


def _shared_contact(draw: st.DrawFn, point: ContactPoint) -> ContactPoint:
    channels = sorted(SUPPORTED_CHANNELS[point.kind], key=lambda c: c.value)
    consents = draw(st.sets(st.sampled_from(channels)))
    return attrs.evolve(point, consents=frozenset(consents), primary=False)


@functools.cache
def mergeable_pairs(max_purchases: int = 4) -> SearchStrategy[tuple[Customer, Customer]]:
    """Two records that can be one customer (same scope, party type and currency).

    The second often holds copies of some of the first's purchases, a purchase with
    one of the first's ids but another amount (an id clash), and some of the first's
    contact points with other consents; its lifecycle comes from adding its purchases.

    Example: ``@given(mergeable_pairs())``.
    """

    @st.composite
    def draw_pair(draw: st.DrawFn) -> tuple[Customer, Customer]:
        first = draw(customers(max_purchases=max_purchases))
        other = draw(
            customers(
                scope=first.scope,
                party_type=first.party_type,
                max_purchases=max_purchases,
                reviews=False,
            )
        )
        taken: list[Purchase] = []
        if first.purchases:
            taken = draw(st.lists(st.sampled_from(first.purchases), unique_by=lambda p: p.id))
            if draw(st.booleans()):
                clash = draw(st.sampled_from(first.purchases))
                taken = [p for p in taken if p.id != clash.id]
                taken.append(attrs.evolve(clash, amount=clash.amount + Money(1)))
        ids = {p.id for p in taken}
        own = [p for p in other.purchases if p.id not in ids]
        party = other.party
        have = {(c.kind, c.value) for c in party.contacts}
        extra = [
            _shared_contact(draw, c)
            for c in first.party.contacts
            if (c.kind, c.value) not in have and draw(st.booleans())
        ]
        party = attrs.evolve(party, contacts=(*party.contacts, *extra))
        second = Customer(
            other.id,
            party,
            other.created_at,
            scope=other.scope,
            roles=other.roles,
            acquisition_source=other.acquisition_source,
            tags=other.tags,
            income=other.income,
        )
        return first, second.add_purchases([*own, *taken])

    return draw_pair()


@functools.cache
def merges() -> SearchStrategy[Merged]:
    """Merged customers with their records, under any policy.

    Example: ``@given(merges())``.
    """

    @st.composite
    def draw_merge(draw: st.DrawFn) -> Merged:
        first, second = draw(mergeable_pairs())
        policy = draw(merge_policies())
        return merge(first, second, at=_MERGED_AT, policy=policy, actor=draw(_IDS))

    return draw_merge()


@functools.cache
def merge_records() -> SearchStrategy[MergeRecord]:
    """Merge records (the merge event of :func:`merges`).

    Example: ``@given(merge_records())``.
    """
    return merges().map(lambda merged: merged.record)


def register_types() -> None:
    """Teach ``st.from_type`` every duplicate-detection and merge model."""
    register_module(__name__)
