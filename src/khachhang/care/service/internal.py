"""Care for internal customers: the firm's own departments and branches.

Internal customers (*khách hàng nội bộ*): the internal supply chain works when each unit serves
the next, and caring for internal customers means "đào tạo chuyên môn, hỗ trợ kỹ thuật,
thiết lập chính sách phúc lợi cao cấp, khuyến khích động viên và xây dựng một môi trường
làm việc tích cực" —
training, technical support, benefits, recognition and a positive work environment. An
:class:`InternalCareProgram` schedules those activities per department or branch
(:class:`~khachhang.kinds.InternalUnit`) and tracks internal satisfaction the way CSAT
does (share of 4–5 answers on 1–5).

>>> from datetime import date, datetime, timezone
>>> from khachhang import Customer, Organization, Scope
>>> from khachhang.kinds import InternalUnit
>>> t = datetime(2025, 1, 1, tzinfo=timezone.utc)
>>> it = Customer("u-it", Organization("Phòng Công nghệ thông tin",
...               internal_unit=InternalUnit.DEPARTMENT), created_at=t, scope=Scope.INTERNAL)
>>> program = InternalCareProgram("Chăm sóc nội bộ 2026", (
...     InternalActivity("train", InternalActivityKind.TRAINING, "Đào tạo sản phẩm mới",
...                      every_months=3),
... ))
>>> [(s.on.isoformat(), s.customer_id) for s in program.sessions(
...     [it], start=date(2026, 1, 1), end=date(2026, 6, 30))]
[('2026-01-01', 'u-it'), ('2026-04-01', 'u-it')]
>>> answers = [InternalSurveyResponse("u-it", t, InternalActivityKind.TRAINING, 5),
...            InternalSurveyResponse("u-it", t, InternalActivityKind.TRAINING, 3)]
>>> program.satisfaction(answers)[InternalActivityKind.TRAINING].score
Fraction(50, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

import attrs

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_type,
    clean_text,
    require_aware,
)
from khachhang.care.service.feedback import CsatSummary
from khachhang.customers import Customer
from khachhang.errors import ValidationError
from khachhang.kinds import InternalUnit, Scope
from khachhang.labels import BilingualEnum
from khachhang.parties import Organization

__all__ = [
    "InternalActivity",
    "InternalActivityKind",
    "InternalCareProgram",
    "InternalSession",
    "InternalSurveyResponse",
]


class InternalActivityKind(BilingualEnum):
    """The activities of internal customer care."""

    TRAINING = ("training", "Đào tạo chuyên môn", "Professional training")
    TECHNICAL_SUPPORT = ("technical_support", "Hỗ trợ kỹ thuật", "Technical support")
    BENEFITS_POLICY = ("benefits_policy", "Chính sách phúc lợi", "Benefits policy")
    RECOGNITION = ("recognition", "Khuyến khích, động viên", "Recognition and encouragement")
    WORK_ENVIRONMENT = (
        "work_environment",
        "Môi trường làm việc tích cực",
        "Positive work environment",
    )


_EPOCH_MONTH = 12 * 2000  # January 2000, counted in months since year 0


def _a_date(path: str, value: object) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(path, f"expected a date, got {type(value).__name__}")
    return value


def _window(start: object, end: object) -> tuple[date, date]:
    return _a_date("start", start), _a_date("end", end)


def _units(values: Iterable[InternalUnit]) -> frozenset[InternalUnit]:
    units = frozenset(check_items("units", as_collection("units", values), InternalUnit))
    if not units:
        raise ValidationError("units", "name at least one kind of internal unit")
    return units


@attrs.frozen
class InternalActivity:
    """One recurring activity: every ``every_months`` months on ``day`` of the month.

    Occurrences are anchored on January 2000, so the schedule does not depend on the
    window asked about: quarterly means January, April, July and October every year;
    every 5 months means January 2000, June 2000, … (a month ``m`` of year ``y`` has a
    session when ``12 × (y − 2000) + m − 1`` is a multiple of ``every_months``). For the
    kinds of unit in ``units`` (departments and branches by default).

    >>> from datetime import date
    >>> a = InternalActivity("kt", InternalActivityKind.TECHNICAL_SUPPORT, "Bảo trì",
    ...                      every_months=5, day=10)
    >>> [d.isoformat() for d in a.dates(start=date(2026, 1, 1), end=date(2026, 12, 31))]
    ['2026-04-10', '2026-09-10']
    """

    key: str
    kind: InternalActivityKind
    title: str
    every_months: int = 1
    day: int = 1
    units: frozenset[InternalUnit] = attrs.field(default=frozenset(InternalUnit), converter=_units)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "key", clean_text("key", self.key, max_len=64))
        check_type("kind", self.kind, InternalActivityKind)
        object.__setattr__(self, "title", clean_text("title", self.title))
        if not 1 <= check_type("every_months", self.every_months, int) <= 120:
            raise ValidationError("every_months", "must be 1 to 120")
        if not 1 <= check_type("day", self.day, int) <= 28:
            raise ValidationError("day", "must be 1 to 28 (every month has it)")

    def dates(self, *, start: date, end: date) -> Iterator[date]:
        """The activity's dates from ``start`` to ``end``, both included (lazily)."""
        start, end = _window(start, end)
        every = self.every_months
        month = 12 * start.year + start.month - 1
        month += -(month - _EPOCH_MONTH) % every  # the first scheduled month from start's
        while True:
            year, index = divmod(month, 12)
            if year > end.year:
                return
            day = date(year, index + 1, self.day)
            if day > end:
                return
            if day >= start:
                yield day
            month += every


@attrs.frozen
class InternalSession:
    """One planned occurrence of an activity for one internal unit."""

    activity: str
    kind: InternalActivityKind
    customer_id: str
    unit: InternalUnit
    on: date

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "activity", clean_text("activity", self.activity, max_len=64))
        check_type("kind", self.kind, InternalActivityKind)
        object.__setattr__(
            self, "customer_id", check_key("customer_id", self.customer_id, max_len=128)
        )
        check_type("unit", self.unit, InternalUnit)
        _a_date("on", self.on)


@attrs.frozen
class InternalSurveyResponse:
    """An internal customer's 1–5 satisfaction with one kind of activity."""

    customer_id: str
    at: datetime
    activity: InternalActivityKind
    score: int

    def __attrs_post_init__(self) -> None:
        object.__setattr__(
            self, "customer_id", check_key("customer_id", self.customer_id, max_len=128)
        )
        require_aware(self.at, "at")
        check_type("activity", self.activity, InternalActivityKind)
        if not 1 <= check_type("score", self.score, int) <= 5:
            raise ValidationError("score", f"a satisfaction answer is 1 to 5, got {self.score}")


def _activities(values: Iterable[InternalActivity]) -> tuple[InternalActivity, ...]:
    items = check_items("activities", as_collection("activities", values), InternalActivity)
    keys = [a.key for a in items]
    for i, key in enumerate(keys):
        if key in keys[:i]:
            raise ValidationError(f"activities[{i}].key", f"duplicate activity {key!r}")
    return items


@attrs.frozen
class InternalCareProgram:
    """Activities for the firm's departments and branches, and their satisfaction."""

    name: str
    activities: tuple[InternalActivity, ...] = attrs.field(converter=_activities)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "name", clean_text("name", self.name))

    def sessions(
        self, customers: Iterable[Customer], *, start: date, end: date
    ) -> tuple[InternalSession, ...]:
        """Every session from ``start`` to ``end`` (inclusive) for the internal units among
        ``customers``, sorted by date, activity and customer. External customers and
        employees (persons) are skipped: activities are planned per unit."""
        start, end = _window(start, end)
        units = []
        for customer in check_items("customers", as_collection("customers", customers), Customer):
            party = customer.party
            if (
                customer.scope is Scope.INTERNAL
                and isinstance(party, Organization)
                and party.internal_unit is not None
            ):
                units.append((customer.id, party.internal_unit))
        out: list[InternalSession] = []
        for activity in self.activities:
            days = list(activity.dates(start=start, end=end))
            for customer_id, unit in units:
                if unit in activity.units:
                    out.extend(
                        InternalSession(activity.key, activity.kind, customer_id, unit, day)
                        for day in days
                    )
        return tuple(sorted(out, key=lambda s: (s.on, s.activity, s.customer_id)))

    def satisfaction(
        self, responses: Iterable[InternalSurveyResponse]
    ) -> dict[InternalActivityKind, CsatSummary]:
        """A CSAT-style summary per activity kind (kinds without answers are left out)."""
        groups: dict[InternalActivityKind, list[int]] = {}
        for r in check_items(
            "responses", as_collection("responses", responses), InternalSurveyResponse
        ):
            groups.setdefault(r.activity, []).append(r.score)
        return {
            kind: CsatSummary(len(groups[kind]), sum(1 for s in groups[kind] if s >= 4))
            for kind in InternalActivityKind
            if kind in groups
        }

    def overall(self, responses: Iterable[InternalSurveyResponse]) -> CsatSummary:
        """One CSAT-style summary over all answers.

        >>> from datetime import datetime, timezone
        >>> t = datetime(2026, 5, 1, tzinfo=timezone.utc)
        >>> InternalCareProgram("p", ()).overall(
        ...     [InternalSurveyResponse("d-1", t, InternalActivityKind.RECOGNITION, 4)]).score
        Fraction(100, 1)
        """
        items = check_items(
            "responses", as_collection("responses", responses), InternalSurveyResponse
        )
        return CsatSummary(len(items), sum(1 for r in items if r.score >= 4))
