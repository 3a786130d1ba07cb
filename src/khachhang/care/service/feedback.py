"""Feedback scores: NPS, CSAT and CES, over responses and by segment.

Post-sale care starts with "theo dõi, phân tích các đánh giá phản hồi từ khách hàng"
(track and analyse feedback), and firms are asked to survey satisfaction regularly.
Three standard measures:

- **NPS** (Net Promoter Score, after Reichheld): "how likely are you to recommend us?" on 0–10.
  Promoters answer 9–10, passives 7–8, detractors 0–6; the score is
  % promoters − % detractors, from −100 to 100.
- **CSAT** (customer satisfaction): "how satisfied are you?" on 1–5; the score is the
  share of 4s and 5s, in percent.
- **CES** (customer effort score): "the firm made it easy to handle my issue" on a 1–7
  agreement scale (1 = strongly disagree, 7 = strongly agree, so *higher is easier*);
  the score is the mean.

Scores are exact :class:`~fractions.Fraction`\\ s; :meth:`NpsSummary.rounded` and
friends round to a :class:`~decimal.Decimal` with half-even rounding (one decimal place by
default) for display. An empty summary has no score (``None``).

>>> from datetime import datetime, timezone
>>> t = datetime(2026, 5, 1, tzinfo=timezone.utc)
>>> answers = [NpsResponse("c-1", t, 10), NpsResponse("c-2", t, 9),
...            NpsResponse("c-3", t, 7), NpsResponse("c-4", t, 3, segment="b2b")]
>>> s = nps(answers)
>>> s.promoters, s.passives, s.detractors, s.score
(2, 1, 1, Fraction(25, 1))
>>> {key: summary.score for key, summary in nps_by_segment(answers).items()}
{None: Fraction(200, 3), 'b2b': Fraction(-100, 1)}
>>> nps_by_segment(answers)[None].rounded()
Decimal('66.7')
>>> NpsResponse("c-5", t, 11)
Traceback (most recent call last):
...
khachhang.errors.ValidationError: score: an NPS answer is 0 to 10, got 11
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

import attrs

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_type,
    clean_text,
    require_aware,
)
from khachhang.errors import ValidationError
from khachhang.labels import BilingualEnum

__all__ = [
    "CesResponse",
    "CesSummary",
    "CsatResponse",
    "CsatSummary",
    "NpsCategory",
    "NpsResponse",
    "NpsSummary",
    "ces",
    "ces_by_segment",
    "csat",
    "csat_by_segment",
    "nps",
    "nps_by_segment",
    "round_score",
]

R = TypeVar("R", "NpsResponse", "CsatResponse", "CesResponse")
S = TypeVar("S")


class NpsCategory(BilingualEnum):
    """Where an NPS answer falls."""

    PROMOTER = ("promoter", "Người ủng hộ (9–10)", "Promoter (9–10)")
    PASSIVE = ("passive", "Người trung lập (7–8)", "Passive (7–8)")
    DETRACTOR = ("detractor", "Người phản đối (0–6)", "Detractor (0–6)")


def round_score(value: Fraction | None, places: int = 1) -> Decimal | None:
    """Round an exact score half-even to ``places`` decimals (``None`` stays ``None``).

    >>> round_score(Fraction(1, 8), 2), round_score(Fraction(200, 3))
    (Decimal('0.12'), Decimal('66.7'))
    """
    if value is None:
        return None
    exact: Fraction | int = check_type("value", value, (Fraction, int))
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 12:
        raise ValidationError("places", "a whole number of decimal places, 0 to 12")
    scaled = Fraction(exact) * 10**places
    whole = scaled.numerator // scaled.denominator
    rest = scaled - whole
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and whole % 2):
        whole += 1
    # Built from its digits: no decimal context (the caller's precision) is involved.
    sign, digits = (1, -whole) if whole < 0 else (0, whole)
    return Decimal((sign, tuple(int(d) for d in str(digits)), -places))


def _score(path: str, value: object, low: int, high: int, what: str) -> int:
    score = check_type(path, value, int)
    if not low <= score <= high:
        raise ValidationError(path, f"{what} answer is {low} to {high}, got {score}")
    return score


def _segment(value: object) -> str | None:
    return None if value is None else clean_text("segment", value, max_len=100)


def _common(response: NpsResponse | CsatResponse | CesResponse) -> None:
    object.__setattr__(
        response, "customer_id", check_key("customer_id", response.customer_id, max_len=128)
    )
    require_aware(response.at, "at")
    object.__setattr__(response, "segment", _segment(response.segment))


@attrs.frozen
class NpsResponse:
    """One answer to "how likely are you to recommend us?" (0–10)."""

    customer_id: str
    at: datetime
    score: int
    segment: str | None = None

    def __attrs_post_init__(self) -> None:
        _common(self)
        _score("score", self.score, 0, 10, "an NPS")

    @property
    def category(self) -> NpsCategory:
        """Promoter, passive or detractor."""
        if self.score >= 9:
            return NpsCategory.PROMOTER
        return NpsCategory.PASSIVE if self.score >= 7 else NpsCategory.DETRACTOR


@attrs.frozen
class CsatResponse:
    """One answer to "how satisfied are you?" (1–5)."""

    customer_id: str
    at: datetime
    score: int
    segment: str | None = None

    def __attrs_post_init__(self) -> None:
        _common(self)
        _score("score", self.score, 1, 5, "a CSAT")


@attrs.frozen
class CesResponse:
    """One answer to "the firm made it easy to handle my issue" (1–7, higher is easier)."""

    customer_id: str
    at: datetime
    score: int
    segment: str | None = None

    def __attrs_post_init__(self) -> None:
        _common(self)
        _score("score", self.score, 1, 7, "a CES")


def _count(path: str, value: object) -> int:
    count = check_type(path, value, int)
    if count < 0:
        raise ValidationError(path, "must not be negative")
    return count


@attrs.frozen
class NpsSummary:
    """Counts of promoters, passives and detractors; the score follows from them."""

    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    def __attrs_post_init__(self) -> None:
        for name in ("promoters", "passives", "detractors"):
            _count(name, getattr(self, name))

    @property
    def responses(self) -> int:
        """How many answers."""
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> Fraction | None:
        """% promoters − % detractors, exactly; ``None`` without answers."""
        if not self.responses:
            return None
        return Fraction(100 * (self.promoters - self.detractors), self.responses)

    def rounded(self, places: int = 1) -> Decimal | None:
        """:attr:`score` rounded half-even."""
        return round_score(self.score, places)


@attrs.frozen
class CsatSummary:
    """How many answers, and how many were satisfied (4 or 5)."""

    responses: int = 0
    satisfied: int = 0

    def __attrs_post_init__(self) -> None:
        _count("responses", self.responses)
        if not 0 <= _count("satisfied", self.satisfied) <= self.responses:
            raise ValidationError("satisfied", "cannot exceed the number of responses")

    @property
    def score(self) -> Fraction | None:
        """Share of satisfied answers, in percent (0–100); ``None`` without answers."""
        return Fraction(100 * self.satisfied, self.responses) if self.responses else None

    def rounded(self, places: int = 1) -> Decimal | None:
        """:attr:`score` rounded half-even."""
        return round_score(self.score, places)


@attrs.frozen
class CesSummary:
    """How many answers and their total; the score is the mean (1–7)."""

    responses: int = 0
    total: int = 0

    def __attrs_post_init__(self) -> None:
        _count("responses", self.responses)
        if not self.responses <= _count("total", self.total) <= 7 * self.responses:
            raise ValidationError("total", "must lie between 1 and 7 times the responses")

    @property
    def score(self) -> Fraction | None:
        """The mean answer; ``None`` without answers."""
        return Fraction(self.total, self.responses) if self.responses else None

    def rounded(self, places: int = 1) -> Decimal | None:
        """:attr:`score` rounded half-even."""
        return round_score(self.score, places)


def nps(responses: Iterable[NpsResponse]) -> NpsSummary:
    """Summarise NPS answers (see the module doc).

    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 5, 1, tzinfo=timezone.utc)
    >>> nps([NpsResponse("a", t, 10), NpsResponse("b", t, 0)]).score
    Fraction(0, 1)
    """
    counts = [0, 0, 0]
    for r in check_items("responses", as_collection("responses", responses), NpsResponse):
        counts[0 if r.score >= 9 else 1 if r.score >= 7 else 2] += 1
    return NpsSummary(*counts)


def csat(responses: Iterable[CsatResponse]) -> CsatSummary:
    """Summarise CSAT answers.

    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 5, 1, tzinfo=timezone.utc)
    >>> csat([CsatResponse("a", t, 5), CsatResponse("b", t, 4), CsatResponse("c", t, 2)]).score
    Fraction(200, 3)
    """
    items = check_items("responses", as_collection("responses", responses), CsatResponse)
    return CsatSummary(len(items), sum(1 for r in items if r.score >= 4))


def ces(responses: Iterable[CesResponse]) -> CesSummary:
    """Summarise CES answers (the mean on 1–7).

    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 5, 1, tzinfo=timezone.utc)
    >>> ces([CesResponse("a", t, 7), CesResponse("b", t, 4)]).rounded()
    Decimal('5.5')
    """
    items = check_items("responses", as_collection("responses", responses), CesResponse)
    return CesSummary(len(items), sum(r.score for r in items))


def _by_segment(
    responses: Iterable[R], kind: type[R], summarise: Callable[[list[R]], S]
) -> dict[str | None, S]:
    groups: dict[str | None, list[R]] = {}
    for r in check_items("responses", as_collection("responses", responses), kind):
        groups.setdefault(r.segment, []).append(r)
    keys = sorted(groups, key=lambda k: (k is not None, k or ""))
    return {key: summarise(groups[key]) for key in keys}


def nps_by_segment(responses: Iterable[NpsResponse]) -> dict[str | None, NpsSummary]:
    """One :class:`NpsSummary` per segment key (``None`` first, then sorted)."""
    return _by_segment(responses, NpsResponse, nps)


def csat_by_segment(responses: Iterable[CsatResponse]) -> dict[str | None, CsatSummary]:
    """One :class:`CsatSummary` per segment key (``None`` first, then sorted).

    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 5, 1, tzinfo=timezone.utc)
    >>> {k: s.score for k, s in csat_by_segment([CsatResponse("a", t, 5, "vip")]).items()}
    {'vip': Fraction(100, 1)}
    """
    return _by_segment(responses, CsatResponse, csat)


def ces_by_segment(responses: Iterable[CesResponse]) -> dict[str | None, CesSummary]:
    """One :class:`CesSummary` per segment key (``None`` first, then sorted).

    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 5, 1, tzinfo=timezone.utc)
    >>> list(ces_by_segment([CesResponse("a", t, 6, "b2b"), CesResponse("b", t, 2)]))
    [None, 'b2b']
    """
    return _by_segment(responses, CesResponse, ces)
