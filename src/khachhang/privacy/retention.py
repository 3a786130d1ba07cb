"""Retention: how long each kind of personal data is kept, and what is due for erasure.

A :class:`RetentionPolicy` holds :class:`RetentionRule` s, one or more per
:class:`RetentionKind`: prospects with no activity for some months, customers whose last
activity (purchase, lifecycle move) is some years old, complaints some years after they
were resolved or closed. :meth:`RetentionPolicy.due` turns a book into the list of records
due for erasure as of a date, each with the rule that matched and the reason; the erasure
itself is the application's call (``khachhang.privacy.erase``).

>>> from datetime import datetime, timezone
>>> from dateutil.relativedelta import relativedelta
>>> from khachhang import Customer, Person
>>> policy = RetentionPolicy([RetentionRule("prospects-24m", RetentionKind.PROSPECT,
...                                         relativedelta(months=24))])
>>> old = Customer("KH-1", Person("An"), created_at=datetime(2023, 1, 5, tzinfo=timezone.utc))
>>> [d.describe("en") for d in policy.due(customers=[old],
...                                       as_of=datetime(2026, 1, 1, tzinfo=timezone.utc))]
['KH-1: prospect with no activity since 2023-01-05, due 2025-01-05 (rule prospects-24m: 2 years)']

What counts as activity: for a customer, the latest of ``created_at``, its last purchase
and its last lifecycle move; for a complaint, the latest of its arrival and its events —
and an open complaint is never due. When several rules of a kind match, the one due
first wins (then the first listed).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Protocol

import attrs
from dateutil.relativedelta import relativedelta

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_type,
    require_instant,
    shown,
)
from khachhang.customers import Customer
from khachhang.errors import ValidationError
from khachhang.labels import BilingualEnum, check_lang

__all__ = [
    "ComplaintRecord",
    "ErasureDue",
    "RetentionKind",
    "RetentionPolicy",
    "RetentionRule",
]

_UTC = timezone.utc
_NAME = re.compile(r"[a-z][a-z0-9_\-]{0,63}", re.ASCII)
_TIME_FIELDS = ("hours", "minutes", "seconds", "microseconds")
_DATE_FIELDS = ("years", "months", "days")


class RetentionKind(BilingualEnum):
    """A kind of record a retention rule applies to.

    >>> RetentionKind.PROSPECT.label("en")
    'prospect with no activity'
    """

    PROSPECT = (
        "prospect",
        "khách hàng tiềm năng không có hoạt động",
        "prospect with no activity",
    )
    CUSTOMER = (
        "customer",
        "khách hàng không có hoạt động",
        "customer with no activity",
    )
    COMPLAINT = (
        "complaint",
        "khiếu nại đã giải quyết hoặc đóng",
        "resolved or closed complaint",
    )


def _after(value: object) -> relativedelta:
    delta = check_type("after", value, relativedelta)
    if any(getattr(delta, f) for f in _TIME_FIELDS) or delta.weekday is not None:
        raise ValidationError("after", "use whole years, months, weeks or days")
    if delta.year is not None or delta.month is not None or delta.day is not None:
        raise ValidationError("after", "use a length (years=, months=, days=), not a date")
    amounts = [getattr(delta, f) for f in _DATE_FIELDS]
    if any(a < 0 for a in amounts) or not any(amounts):
        raise ValidationError("after", f"must be a positive length, got {shown(delta)}")
    if delta.years > 200:
        raise ValidationError("after", "at most 200 years")
    return delta


def _span(delta: relativedelta, lang: str) -> str:
    words = (
        {"years": "năm", "months": "tháng", "days": "ngày"}
        if lang == "vi"
        else {"years": "years", "months": "months", "days": "days"}
    )
    parts = [f"{getattr(delta, f)} {words[f]}" for f in _DATE_FIELDS if getattr(delta, f)]
    return " ".join(parts)


@attrs.frozen
class RetentionRule:
    """Keep records of ``kind`` for ``after`` after their last activity, then erase them.

    Args:
        name: the rule's key (lower-case letters, digits, ``_`` and ``-``).
        kind: which records it applies to.
        after: a positive length in years, months, weeks or days.

    >>> RetentionRule("complaints-5y", RetentionKind.COMPLAINT, relativedelta(years=5)).after
    relativedelta(years=+5)
    """

    name: str
    kind: RetentionKind
    after: relativedelta = attrs.field(validator=lambda _, __, v: _after(v))

    def __attrs_post_init__(self) -> None:
        text = check_type("name", self.name, str)
        if _NAME.fullmatch(text) is None:
            msg = f"{shown(text)} is not a rule name: lower-case letters, digits, _ and -"
            raise ValidationError("name", msg)
        check_type("kind", self.kind, RetentionKind)

    def due_at(self, *, last_activity: datetime) -> datetime | None:
        """When a record last active at ``last_activity`` is due; ``None`` past the year 9999."""
        try:
            return last_activity + self.after
        except (OverflowError, ValueError):
            return None


@attrs.frozen
class ErasureDue:
    """One record due for erasure: which, why, and by which rule.

    ``subject`` is the customer the record is about (the record itself for a customer).
    """

    kind: RetentionKind
    record_id: str
    subject: str
    rule: RetentionRule
    last_activity: datetime
    due_at: datetime

    def __attrs_post_init__(self) -> None:
        check_type("kind", self.kind, RetentionKind)
        check_key("record_id", self.record_id)
        check_key("subject", self.subject)
        check_type("rule", self.rule, RetentionRule)
        if self.rule.kind is not self.kind:
            msg = f"rule {self.rule.name!r} is for {self.rule.kind.value}, not {self.kind.value}"
            raise ValidationError("rule", msg)
        require_instant(self.last_activity, "last_activity")
        require_instant(self.due_at, "due_at")

    def reason(self, lang: str = "vi") -> str:
        """Why the record is due, in ``lang``."""
        since = f"{self.last_activity:%Y-%m-%d}"
        due = f"{self.due_at:%Y-%m-%d}"
        span = _span(self.rule.after, check_lang(lang))
        if lang == "vi":
            return (
                f"{self.kind.label('vi')} từ {since}, đến hạn {due} "
                f"(quy tắc {self.rule.name}: {span})"
            )
        return f"{self.kind.label('en')} since {since}, due {due} (rule {self.rule.name}: {span})"

    def describe(self, lang: str = "vi") -> str:
        """One line for people: the record and the reason."""
        return f"{self.record_id}: {self.reason(lang)}"


class ComplaintRecord(Protocol):
    """What retention reads of a complaint (:class:`khachhang.care.Complaint` fits)."""

    @property
    def id(self) -> str: ...
    @property
    def customer_id(self) -> str: ...
    @property
    def received_at(self) -> datetime: ...
    @property
    def is_open(self) -> bool: ...
    @property
    def events(self) -> tuple[_Dated, ...]: ...


class _Dated(Protocol):
    @property
    def at(self) -> datetime: ...


def _rules(values: Iterable[RetentionRule]) -> tuple[RetentionRule, ...]:
    items = check_items("rules", as_collection("rules", values), RetentionRule)
    seen: dict[str, int] = {}
    for i, rule in enumerate(items):
        if rule.name in seen:
            raise ValidationError(f"rules[{i}].name", f"duplicates rules[{seen[rule.name]}]")
        seen[rule.name] = i
    return items


_MISSING = object()


def _complaint_facts(i: int, case: object) -> tuple[str, str, bool, list[datetime]]:
    """The id, customer, openness and dated moments of a complaint-like record."""
    where = f"complaints[{i}]"

    def field(name: str) -> object:
        value = getattr(case, name, _MISSING)  # one of the fixed names below, never data
        if value is _MISSING:
            msg = f"expected a complaint (id, customer_id, received_at, events), got {shown(case)}"
            raise ValidationError(where, msg)
        return value

    record_id = check_key(f"{where}.id", field("id"))
    subject = check_key(f"{where}.customer_id", field("customer_id"))
    is_open = check_type(f"{where}.is_open", field("is_open"), bool)
    moments = [field("received_at")]
    for k, event in enumerate(as_collection(f"{where}.events", field("events"))):
        moments.append(getattr(event, "at", _MISSING))
        if moments[-1] is _MISSING:
            raise ValidationError(f"{where}.events[{k}]", "expected an event with 'at'")
    return record_id, subject, is_open, [require_instant(m, where) for m in moments]


def _latest(moments: Iterable[datetime]) -> datetime:
    return max(m.astimezone(_UTC) for m in moments)


@attrs.frozen
class RetentionPolicy:
    """Retention rules, one or more per kind of record (see the module documentation)."""

    rules: tuple[RetentionRule, ...] = attrs.field(converter=_rules)

    def due(
        self,
        *,
        as_of: datetime,
        customers: Iterable[Customer] = (),
        complaints: Iterable[ComplaintRecord] = (),
    ) -> tuple[ErasureDue, ...]:
        """The records due for erasure at ``as_of``, the earliest due first.

        A customer with no purchase is a prospect (:attr:`RetentionKind.PROSPECT`), one
        with purchases a customer (:attr:`RetentionKind.CUSTOMER`).

        Raises:
            ValidationError: a bad argument, naming it.
        """
        when = require_instant(as_of, "as_of").astimezone(_UTC)
        book = check_items("customers", as_collection("customers", customers), Customer)
        cases = as_collection("complaints", complaints)
        found: list[ErasureDue] = []
        for customer in book:
            moments = [customer.created_at, *(e.at for e in customer.lifecycle_events)]
            if customer.purchases:
                moments.append(customer.purchases[-1].at)
            kind = RetentionKind.CUSTOMER if customer.purchases else RetentionKind.PROSPECT
            self._match(kind, customer.id, customer.id, _latest(moments), when, found)
        for i, case in enumerate(cases):
            record_id, subject, is_open, moments = _complaint_facts(i, case)
            if is_open:
                continue
            last = _latest(moments)
            self._match(RetentionKind.COMPLAINT, record_id, subject, last, when, found)
        found.sort(key=lambda d: (d.due_at, d.kind.value, d.record_id))
        return tuple(found)

    def _match(
        self,
        kind: RetentionKind,
        record_id: str,
        subject: str,
        last: datetime,
        when: datetime,
        out: list[ErasureDue],
    ) -> None:
        best: tuple[datetime, RetentionRule] | None = None
        for rule in self.rules:
            if rule.kind is not kind:
                continue
            due = rule.due_at(last_activity=last)
            if due is not None and due <= when and (best is None or due < best[0]):
                best = (due, rule)
        if best is not None:
            out.append(ErasureDue(kind, record_id, subject, best[1], last, best[0]))
