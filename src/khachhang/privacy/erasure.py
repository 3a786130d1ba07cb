"""Erasure of a customer's personal data, and the subject-access export.

:func:`erase` removes a customer's personal data and keeps what the business may keep:
the id, the purchases (amounts, dates, items: the accounting record), the lifecycle's
moves (without their notes), scope, roles and acquisition source. It leaves an
:class:`~khachhang.customers.Erasure` on the customer, the auditable record of when,
why and by whom; it is idempotent (erasing an erased customer changes nothing).

:func:`subject_access` lists every piece of personal data held about a person, in the
customer and in the other records the application passes (complaints, touchpoints,
survey answers, ...), in one :class:`SubjectAccessReport`.

>>> from datetime import datetime, timezone
>>> from khachhang import ContactPoint, Customer, Money, Person
>>> from khachhang.customers import Purchase
>>> t = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
>>> lan = Customer("c-1", Person("Trần Thị Lan", contacts=[ContactPoint.phone("0901234567")]),
...                created_at=t).add_purchase(Purchase("o-1", t, Money("1500000")))
>>> report = subject_access(lan, as_of=t)
>>> [(item.path, item.value) for item in report.items]
[('party.full_name', 'Trần Thị Lan'), ('party.contacts[0].value', '+84901234567')]
>>> gone = erase(lan, at=t.replace(month=3), reason="yêu cầu xóa #12")
>>> gone.name, gone.party.contacts, gone.total_spent == lan.total_spent
('[đã xóa]', (), True)
>>> erase(gone, at=t.replace(month=4), reason="again") == gone
True
>>> [(item.path, item.value) for item in subject_access(gone, as_of=t.replace(month=4)).items]
[('erasure.reason', 'yêu cầu xóa #12')]

What stays is the erasure's own record — its reason, listed because a reason may name
the person, and redacted on export like any note.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from khachhang._checks import as_collection, check_key, check_type, clean_text, require_instant
from khachhang.customers import ERASED_NAME, Customer, Erasure, Purchase
from khachhang.fsm import Event
from khachhang.kinds import Lifecycle
from khachhang.labels import check_lang
from khachhang.parties import Organization, Person
from khachhang.privacy.redaction import DataKind, Path, personal_fields

__all__ = ["PersonalDatum", "SubjectAccessReport", "erase", "subject_access"]


def _erased_party(party: Person | Organization) -> Person | Organization:
    if isinstance(party, Person):
        return Person(full_name=ERASED_NAME)
    tax_code = None if party.is_personal_tax_code else party.tax_code
    return attrs.evolve(party, contacts=(), tax_code=tax_code)


def _erased_event(event: Event[Lifecycle]) -> Event[Lifecycle]:
    return event if not event.note else attrs.evolve(event, note="")


def erase(customer: Customer, *, at: datetime, reason: str, actor: str | None = None) -> Customer:
    """``customer`` with its personal data erased and an :class:`Erasure` recorded.

    Erased: a person's name (replaced by :data:`~khachhang.customers.ERASED_NAME`),
    gender, birth date, address and contacts; an organisation's contacts and a
    household business's personal tax code (its name, registered tax code and address
    are the business's, kept); income; tags (free labels may say anything about a
    person); the lifecycle events' notes. Kept: the id (an opaque key the application's
    other records use; erase what they hold about the person too), ``created_at``, scope,
    roles, acquisition source, currency, the purchases (amounts, dates, items: the
    accounting record) and the lifecycle's moves, so totals and history stay true.

    Erasing an erased customer returns it unchanged: the first erasure is the record.

    Args:
        customer: the customer to erase.
        at: when it is erased (timezone-aware; not before ``created_at``).
        reason: why (the request or the retention rule), without personal data.
        actor: who erased it (a staff key), if known.

    Raises:
        ValidationError: a bad argument, named.
    """
    check_type("customer", customer, Customer)
    record = Erasure(require_instant(at, "at"), reason, actor)
    if customer.erasure is not None:
        return customer
    return attrs.evolve(
        customer,
        party=_erased_party(customer.party),
        income=None,
        tags=frozenset(),
        lifecycle_events=tuple(_erased_event(e) for e in customer.lifecycle_events),
        erasure=record,
    )


@attrs.frozen
class PersonalDatum:
    """One piece of personal data held about a person: where, what kind, its value.

    ``source`` is ``"customer"`` or the record's place among those passed
    (``"records[0]"``), ``record`` the model it sits in, ``path`` the field inside
    it, and ``value`` its text.
    """

    source: str
    record: str
    path: str
    kind: DataKind
    value: str

    def __attrs_post_init__(self) -> None:
        for name in ("source", "record", "path"):
            object.__setattr__(self, name, check_key(name, getattr(self, name), max_len=200))
        check_type("kind", self.kind, DataKind)
        object.__setattr__(self, "value", clean_text("value", self.value, max_len=2000))


def _items(values: Iterable[PersonalDatum]) -> tuple[PersonalDatum, ...]:
    items = as_collection("items", values)
    return tuple(check_type(f"items[{i}]", v, PersonalDatum) for i, v in enumerate(items))


def _purchases(values: Iterable[Purchase]) -> tuple[Purchase, ...]:
    items = as_collection("purchases", values)
    return tuple(check_type(f"purchases[{i}]", v, Purchase) for i, v in enumerate(items))


@attrs.frozen
class SubjectAccessReport:
    """Everything held about one person, as :func:`subject_access` found it.

    ``items`` are the personal data (in the customer, then in each record passed);
    ``purchases`` the purchase history, personal data too when linked to a person;
    ``erasure`` the erasure record if the customer was erased.
    """

    customer_id: str
    as_of: datetime
    items: tuple[PersonalDatum, ...] = attrs.field(default=(), converter=_items)
    purchases: tuple[Purchase, ...] = attrs.field(default=(), converter=_purchases)
    erasure: Erasure | None = None

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "customer_id", check_key("customer_id", self.customer_id))
        require_instant(self.as_of, "as_of")
        if self.erasure is not None:
            check_type("erasure", self.erasure, Erasure)

    def to_markdown(self, lang: str = "vi") -> str:
        """The report as a Markdown document, for the person who asked.

        >>> from datetime import datetime, timezone
        >>> from khachhang import Customer, Person
        >>> t = datetime(2026, 1, 5, tzinfo=timezone.utc)
        >>> print(subject_access(Customer("c-1", Person("Lê Minh"), created_at=t), as_of=t)
        ...       .to_markdown("en"))
        # Personal data held about c\\-1
        <BLANKLINE>
        As of 2026\\-01\\-05T00:00:00\\+00:00.
        <BLANKLINE>
        | Source | Record | Field | Kind | Value |
        |---|---|---|---|---|
        | customer | Customer | party.full\\_name | Name of a person | Lê Minh |
        <BLANKLINE>
        Purchases: 0.
        """
        return _markdown(self, check_lang(lang))

    def to_json(self, *, indent: int | None = 2) -> str:
        """The report as JSON (:func:`khachhang.serde.to_json`)."""
        from khachhang.serde import to_json

        return to_json(self, indent=indent)


def _dotted(path: Path) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def _text(value: object) -> str:
    if isinstance(value, frozenset):
        return ", ".join(sorted(str(v) for v in value))
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if hasattr(value, "label") and hasattr(value, "value"):
        return str(value.value)
    return str(value)


def _found(source: str, record: object) -> Iterable[PersonalDatum]:
    name = type(record).__name__
    for path, kind, value in personal_fields(record):
        yield PersonalDatum(source, name, _dotted(path) or name, kind, _text(value))


def subject_access(
    customer: Customer, *, as_of: datetime, records: Iterable[object] = ()
) -> SubjectAccessReport:
    """Every piece of personal data held about ``customer``'s person, in one report.

    ``records`` are the application's other records about the person (complaints,
    touchpoints, survey answers, buying processes, ...): their personal fields are
    listed too, each under ``records[i]``. The customer id, a key, is listed as the
    report's subject rather than as an item.

    Raises:
        ValidationError: a bad argument, named.
    """
    check_type("customer", customer, Customer)
    when = require_instant(as_of, "as_of")
    items = [
        d
        for d in _found("customer", customer)
        if d.kind is not DataKind.IDENTIFIER or d.path != "id"
    ]
    for i, record in enumerate(as_collection("records", records)):
        items.extend(_found(f"records[{i}]", record))
    return SubjectAccessReport(
        customer.id, when, tuple(items), customer.purchases, customer.erasure
    )


_WORDS = {
    "vi": {
        "title": "Dữ liệu cá nhân đang lưu giữ về {id}",
        "as_of": "Tính đến {at}.",
        "heads": ("Nguồn", "Bản ghi", "Trường", "Loại", "Giá trị"),
        "purchases": "Giao dịch mua: {n}.",
        "erased": "Đã xóa dữ liệu cá nhân lúc {at}: {reason}.",
        "none": "Không còn dữ liệu cá nhân nào.",
    },
    "en": {
        "title": "Personal data held about {id}",
        "as_of": "As of {at}.",
        "heads": ("Source", "Record", "Field", "Kind", "Value"),
        "purchases": "Purchases: {n}.",
        "erased": "Personal data erased at {at}: {reason}.",
        "none": "No personal data is held any more.",
    },
}


def _markdown(report: SubjectAccessReport, lang: str) -> str:
    from khachhang.views._html import md, md_table

    words = _WORDS[lang]
    parts = [
        f"# {md(str(words['title']).format(id=report.customer_id))}",
        md(str(words["as_of"]).format(at=report.as_of.isoformat())),
    ]
    if report.items:
        rows = [(d.source, d.record, d.path, d.kind.label(lang), d.value) for d in report.items]
        parts.append(md_table(words["heads"], rows))
    else:
        parts.append(md(words["none"]))
    purchases = str(words["purchases"]).format(n=len(report.purchases))
    if report.purchases:
        listed = "; ".join(f"{p.id} {p.at.isoformat()} {p.amount}" for p in report.purchases)
        purchases = f"{purchases[:-1]}: {listed}."
    parts.append(md(purchases))
    if report.erasure is not None:
        erased = str(words["erased"]).format(
            at=report.erasure.at.isoformat(), reason=report.erasure.reason
        )
        parts.append(md(erased))
    return "\n\n".join(parts)
