"""Hypothesis strategies for :mod:`khachhang.segmentation` (private; see :mod:`khachhang.testing`).

``rules()`` draws random *valid* rules: every node type (comparisons, between, isin and
not_in, contains, is_null/is_not_null, within, and, or, not, constants) over every field
of the registry, with literals near the values generated customers hold — including the
missing-value-prone fields (``income``, ``age``, ``gender``, ``province``, the purchase
dates, ``recency_days``) and money in a second currency (UNKNOWN comparisons).
"""

from __future__ import annotations

import functools
import itertools
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import SearchStrategy

from khachhang.customers import Customer
from khachhang.money import CURRENCIES, Money
from khachhang.parties import FORMER_PROVINCES, PROVINCES
from khachhang.segmentation.cohorts import CohortTable, cohort_table
from khachhang.segmentation.fields import DEFAULT_REGISTRY, Field, FieldKind, FieldRegistry
from khachhang.segmentation.rfm import (
    RFM_GRID,
    Monetary,
    RFMCutPoints,
    RFMGrid,
    RFMGridSegment,
    RFMResult,
    rfm_scores,
)
from khachhang.segmentation.rules import (
    FALSE,
    TRUE,
    And,
    Between,
    Compare,
    Const,
    Contains,
    In,
    IsNull,
    Not,
    Op,
    Or,
    Rule,
    RuleDocument,
    Value,
    Within,
)
from khachhang.segmentation.segments import (
    AssignMode,
    CurrencyGap,
    Segment,
    SegmentCheck,
    Segmenter,
)
from khachhang.segmentation.validation import validate
from khachhang.testing._hook import register_module
from khachhang.testing._strategies import _TAGS, aware_datetimes, customers, money

__all__ = [
    "cohort_tables",
    "currency_gaps",
    "generated_check",
    "rfm_cut_points",
    "rfm_grids",
    "rfm_results",
    "rule_documents",
    "rule_nodes",
    "rules",
    "segment_checks",
    "segmenters",
    "segments",
]

_INT_RANGES: dict[str, tuple[int, int]] = {
    "age": (0, 90),
    "orders": (0, 9),
    "recency_days": (0, 4000),
    "tenure_days": (-400, 9000),
}
_PROVINCE_SPELLINGS = (
    *PROVINCES[:8],
    *sorted(FORMER_PROVINCES)[:6],
    "HCM",
    "Sài Gòn",
    "ha noi",
)
_DT_MIN = datetime(2000, 1, 1, tzinfo=timezone.utc)
_DT_MAX = datetime(2036, 12, 31, tzinfo=timezone.utc)
_ORDERED = (Op.EQ, Op.NE, Op.LT, Op.LE, Op.GT, Op.GE)
_EQUALITY = (Op.EQ, Op.NE)
_MONEY_VND = money("VND", 0, 5 * 10**9)
_MONEY_USD = money("USD", 0, 10**4)


def _literals(field: Field) -> SearchStrategy[Value]:
    """Literals fitting ``field``, drawn near the values customers hold."""
    kind = field.kind
    if kind is FieldKind.INT:
        low, high = _INT_RANGES.get(field.name, (-1000, 1000))
        return st.integers(low, high)
    if kind is FieldKind.MONEY:
        return st.one_of(_MONEY_VND, _MONEY_VND, _MONEY_VND, _MONEY_USD)
    if kind is FieldKind.DATETIME:
        return aware_datetimes(_DT_MIN, _DT_MAX)
    if kind in (FieldKind.ENUM, FieldKind.ENUM_SET) and field.enum is not None:
        return st.sampled_from(list(field.enum))
    if field.name == "province":
        return st.sampled_from(_PROVINCE_SPELLINGS)
    if field.name == "tags" or kind is FieldKind.TEXT_SET:
        return st.sampled_from(_TAGS)
    return st.text("abcxyz", min_size=1, max_size=4)


def _leaf_options(field: Field) -> dict[type[Rule], SearchStrategy[Rule]]:
    """Each leaf node type that fits ``field``, with a strategy for it (raw, unvalidated)."""
    name, kind = field.name, field.kind
    values = _literals(field)
    options: dict[type[Rule], SearchStrategy[Rule]] = {
        IsNull: st.builds(IsNull, st.just(name), st.booleans()),
    }
    if kind.is_set:
        options[Contains] = st.builds(Contains, st.just(name), values)
        return options
    ops = _ORDERED if kind.is_ordered else _EQUALITY
    options[Compare] = st.builds(Compare, st.just(name), st.sampled_from(ops), values)
    if kind.is_ordered:
        options[Between] = _betweens(name, values)
    if kind in (FieldKind.INT, FieldKind.ENUM, FieldKind.TEXT):
        options[In] = st.builds(In, st.just(name), st.frozensets(values, max_size=4), st.booleans())
    if kind is FieldKind.DATETIME:
        options[Within] = st.builds(Within, st.just(name), st.integers(0, 4000))
    return options


def _leaves_of(field: Field) -> SearchStrategy[Rule]:
    """Every leaf node type that fits ``field`` (the raw node; validated by the caller)."""
    return st.one_of(list(_leaf_options(field).values()))


def _betweens(name: str, values: SearchStrategy[Value]) -> SearchStrategy[Rule]:
    def build(a: Value, b: Value) -> Rule:
        if isinstance(a, Money) and isinstance(b, Money) and a.currency != b.currency:
            b = a
        low, high = (a, b) if a <= b else (b, a)  # type: ignore[operator]  # one field: comparable
        return Between(name, low, high)

    return st.builds(build, values, values)


@functools.cache
def _leaves(registry: FieldRegistry) -> SearchStrategy[Rule]:
    return st.one_of([_leaves_of(field) for field in registry]).map(
        lambda rule: validate(rule, registry)
    )


@functools.cache
def _rules(registry: FieldRegistry, depth: int) -> SearchStrategy[Rule]:
    leaves = _leaves(registry)
    if depth <= 1:
        return leaves
    kids = _rules(registry, depth - 1)
    return st.one_of(
        leaves,
        st.lists(kids, min_size=1, max_size=4).map(lambda xs: And(tuple(xs))),
        st.lists(kids, min_size=1, max_size=4).map(lambda xs: Or(tuple(xs))),
        kids.map(Not),
        st.sampled_from([TRUE, FALSE]),
    )


def rules(registry: FieldRegistry = DEFAULT_REGISTRY, max_depth: int = 4) -> SearchStrategy[Rule]:
    """Random valid rules over ``registry``'s fields, at most ``max_depth`` levels deep.

    Example: ``@given(rules(max_depth=3))`` draws e.g.
    ``Or((Compare('age', Op.GE, 31), IsNull('income')))``.
    """
    if not isinstance(registry, FieldRegistry) or len(registry) == 0:
        raise InvalidArgument("registry must be a non-empty FieldRegistry")
    if not 1 <= max_depth <= 64:
        raise InvalidArgument(f"max_depth={max_depth} must be between 1 and 64")
    # Deferred: the nested one_of's repr grows exponentially with depth, and Hypothesis
    # computes reprs when strategies are registered or composed.
    return st.deferred(lambda: _rules(registry, max_depth))


_LEAF_TYPES: tuple[type[Rule], ...] = (Compare, Between, In, Contains, IsNull, Within)


def rule_nodes(of: type[Rule]) -> SearchStrategy[Rule]:
    """Valid rules whose top node is of type ``of`` (``And``, ``Between``, ``Within``, ...).

    Example: ``@given(rule_nodes(Within))`` draws e.g. ``Within('last_purchase_at', 180)``.
    """
    if of in (And, Or):
        kids = st.lists(rules(max_depth=2), min_size=1, max_size=3)
        return kids.map(lambda xs: of(tuple(xs)))
    if of is Not:
        return rules(max_depth=2).map(Not)
    if of is Const:
        return st.sampled_from([TRUE, FALSE])
    if of not in _LEAF_TYPES:
        raise InvalidArgument(f"{of!r} is not a rule node type")
    fields = [f for f in DEFAULT_REGISTRY if of in _leaf_options(f)]
    return st.one_of([_leaf_options(f)[of] for f in fields]).map(
        lambda rule: validate(rule, DEFAULT_REGISTRY)
    )


def rule_documents(max_depth: int = 4) -> SearchStrategy[RuleDocument]:
    """Rule documents (a rule with its schema version) over the built-in fields.

    Example: ``@given(rule_documents())``.
    """
    return st.builds(RuleDocument, rules(max_depth=max_depth))


_KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
_LABELS = st.sampled_from(["Khách VIP", "Khách sỉ", "Đại lý cấp 1", "Khách mới", "Khách lâu năm"])
_EN_LABELS = st.sampled_from(["VIP", "Wholesale", "Tier-1 distributor", "New", "Long-standing"])


def segments(max_depth: int = 3) -> SearchStrategy[Segment]:
    """Segments with a random valid rule, bilingual labels and a priority.

    Example: ``@given(segments())``.
    """
    return st.builds(
        Segment,
        key=_KEYS,
        rule=rules(max_depth=max_depth),
        label_vi=_LABELS,
        label_en=_EN_LABELS,
        priority=st.integers(-5, 5),
        description=st.sampled_from(["", "Khách hàng nội bộ", "Nhóm thử nghiệm"]),
        description_en=st.sampled_from(["", "Internal customers", "A trial group"]),
    )


def segmenters(max_segments: int = 4, max_depth: int = 3) -> SearchStrategy[Segmenter]:
    """Segmenters of 1..``max_segments`` segments with unique keys, either mode.

    Example: ``@given(segmenters())``.
    """
    return st.builds(
        Segmenter,
        st.lists(segments(max_depth), min_size=1, max_size=max_segments, unique_by=lambda s: s.key),
        st.sampled_from(list(AssignMode)),
    )


def rfm_cut_points(bins: int = 5) -> SearchStrategy[RFMCutPoints]:
    """Ascending cut points for ``bins`` scores, in VND.

    Example: ``@given(rfm_cut_points(3))``.
    """
    if not 2 <= bins <= 10:
        raise InvalidArgument(f"bins={bins} must be between 2 and 10")
    n = bins - 1
    return st.builds(
        lambda r, f, m: RFMCutPoints(tuple(sorted(r)), tuple(sorted(f)), tuple(sorted(m))),
        st.lists(st.integers(0, 2000), min_size=n, max_size=n),
        st.lists(st.integers(0, 20), min_size=n, max_size=n),
        st.lists(_MONEY_VND, min_size=n, max_size=n),
    )


def cohort_tables(max_customers: int = 6) -> SearchStrategy[CohortTable]:
    """Cohort tables of small generated books (VND), at a drawn ``as_of``, in UTC, a fixed
    offset or Hà Nội's zone.

    Example: ``@given(cohort_tables())``.
    """
    zones = st.sampled_from(
        [timezone.utc, timezone(timedelta(hours=7)), ZoneInfo("Asia/Ho_Chi_Minh")]
    )
    return st.builds(
        lambda book, as_of, tz: cohort_table(book, as_of=as_of, tz=tz),
        st.lists(customers(max_purchases=3), max_size=max_customers),
        aware_datetimes(_DT_MIN, _DT_MAX),
        zones,
    )


def rfm_results(max_customers: int = 6) -> SearchStrategy[RFMResult]:
    """RFM scores of small generated books (VND), at a drawn ``as_of``, either monetary basis.

    Example: ``@given(rfm_results())``.
    """
    return st.builds(
        lambda book, as_of, basis: rfm_scores(book, as_of=as_of, monetary=basis),
        st.lists(customers(max_purchases=3), max_size=max_customers),
        aware_datetimes(_DT_MIN, _DT_MAX),
        st.sampled_from(list(Monetary)),
    )


@st.composite
def _grids(draw: st.DrawFn) -> RFMGrid:
    bins = draw(st.integers(2, 5))
    blocks: list[RFMGridSegment] = []
    for r in range(1, bins + 1):
        cuts = sorted(draw(st.sets(st.integers(2, bins), max_size=bins - 1)))
        edges = [1, *cuts, bins + 1]
        for low, high in itertools.pairwise(edges):
            key = f"r{r}_f{low}_{high - 1}"
            blocks.append(
                RFMGridSegment(key, f"Nhóm {key}", f"Group {key}", (r,), tuple(range(low, high)))
            )
    return RFMGrid(tuple(blocks), bins)


def rfm_grids() -> SearchStrategy[RFMGrid]:
    """Valid RFM grids (each cell in exactly one segment), 2 to 5 scores, or the default.

    Example: ``@given(rfm_grids())``.
    """
    return st.just(RFM_GRID) | _grids()


def currency_gaps() -> SearchStrategy[CurrencyGap]:
    """What :meth:`Segmenter.counts` warns of: a segment's money literals in currencies
    some customers do not hold.

    Example: ``@given(currency_gaps())``.
    """
    codes = st.sampled_from(sorted(CURRENCIES))
    return st.builds(
        lambda key, field, compared, held, n: CurrencyGap(
            key, field, tuple(sorted(set(compared) - {held})), held, n
        ),
        _KEYS,
        st.sampled_from(["total_spent", "income"]),  # the registry's money fields
        st.lists(codes, min_size=1, max_size=3),
        codes,
        st.integers(1, 10**6),
    ).filter(lambda gap: bool(gap.compared))


def segment_checks() -> SearchStrategy[SegmentCheck]:
    """Reports of :meth:`Segmenter.check` on generated segmenters and small books.

    Example: ``@given(segment_checks())``.
    """
    return st.builds(
        lambda seg, book, as_of: seg.check(book, as_of=as_of),
        segmenters(max_segments=3, max_depth=2),
        st.lists(customers(max_purchases=2), min_size=1, max_size=4),
        aware_datetimes(_DT_MIN, _DT_MAX),
    )


def generated_check(
    segmenter: Segmenter, *, as_of: datetime, max_examples: int = 100
) -> SegmentCheck:
    """:meth:`Segmenter.check` over customers Hypothesis generates (every kind, missing
    values, purchase histories) instead of a real book: finds overlaps and gaps a sample
    book may not show.

    Example: ``generated_check(kind_segmenter(), as_of=t).uncovered == 0``.
    """
    drawn: list[Customer] = []

    @settings(
        max_examples=max_examples,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(customers(max_purchases=4))
    def collect(customer: Customer) -> None:
        drawn.append(customer)

    collect()
    return segmenter.check(drawn, as_of=as_of)


def register_types() -> None:
    """Teach ``st.from_type`` the segmentation models."""
    register_module(__name__)
