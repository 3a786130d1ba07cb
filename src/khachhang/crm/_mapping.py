"""The one shape of every CRM vocabulary mapping: where a record keeps each field.

A :class:`CrmMapping` says, for one product, which field of its contact and company
records holds each of khachhang's customer fields (:class:`RecordShape`), how it writes
times, and how its stage vocabularies read (:class:`Vocabulary`, :class:`DealStages`).
The conversions are the same code for every product: :meth:`CrmMapping.to_record`,
:meth:`CrmMapping.from_record`, :meth:`CrmMapping.deal_record`. What a product cannot
hold is listed in :attr:`CrmMapping.lost` — a round trip keeps everything else.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, timezone, tzinfo
from enum import Enum
from typing import Generic, Literal, TypeAlias, TypeVar

import attrs

from khachhang._checks import check_type, clean_text
from khachhang.buying import BuyingProcess, LossReason, Outcome, Stage, Status
from khachhang.customers import Customer
from khachhang.errors import ConversionError, ValidationError
from khachhang.kinds import Lifecycle, PartyType
from khachhang.parties import (
    Address,
    ContactKind,
    ContactPoint,
    Gender,
    Organization,
    Person,
)

__all__ = [
    "CrmMapping",
    "DealStages",
    "Record",
    "RecordShape",
    "TimeFormat",
    "Vocabulary",
]

Cell: TypeAlias = str | int | bool | None
Record: TypeAlias = dict[str, Cell]
"""A CRM record as plain data: field name → text, number, flag or ``None``."""

E = TypeVar("E", bound=Enum)
T = TypeVar("T")
_UTC = timezone.utc


# --- times ------------------------------------------------------------------------------


@attrs.frozen
class TimeFormat:
    """How a product writes an instant: a ``strftime`` pattern in one zone, at a precision.

    ``zone`` is also the zone a written time without an offset is read in.
    """

    pattern: str
    zone: tzinfo = _UTC
    precision: timedelta = timedelta(milliseconds=1)
    suffix: str = ""

    def write(self, *, at: datetime) -> str:
        """``at`` in this format (truncated to the precision)."""
        local = self.truncate(at=at).astimezone(self.zone)
        pattern = self.pattern
        if self.precision == timedelta(milliseconds=1):  # strftime has no milliseconds
            pattern = pattern.replace("%f", f"{local.microsecond // 1000:03d}")
        return local.strftime(pattern) + self.suffix

    def read(self, text: object, path: str) -> datetime:
        """An aware datetime from what :meth:`write` wrote (or any ISO 8601 instant)."""
        if type(text) is not str:
            raise ValidationError(path, f"expected a date-time text, got {type(text).__name__}")
        try:
            value = datetime.fromisoformat(text.strip())
        except ValueError:
            raise ValidationError(path, f"{text[:40]!r} is not a date-time") from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.zone)
        return value

    def truncate(self, *, at: datetime) -> datetime:
        """``at`` cut to this format's precision (what a round trip keeps)."""
        utc = at.astimezone(_UTC)
        step = self.precision // timedelta(microseconds=1)
        micros = utc.second * 1_000_000 + utc.microsecond
        kept = micros - micros % step
        return utc.replace(second=kept // 1_000_000, microsecond=kept % 1_000_000)


# --- vocabularies -----------------------------------------------------------------------


@attrs.frozen
class Vocabulary(Generic[E]):
    """One enum of ours against one picklist of theirs, both ways.

    ``ours`` maps every member to their value; ``theirs`` maps each of their values to
    a member, or to ``None`` when it has no counterpart (read as "unknown"). A member
    sharing a value with another reads back as the one ``theirs`` names: the loss is
    listed in the mapping's :attr:`~CrmMapping.lost`.
    """

    name: str
    ours: Mapping[E, Cell]
    theirs: Mapping[Cell, E | None]

    def __attrs_post_init__(self) -> None:
        members = {type(m) for m in self.ours}
        if len(members) == 1:
            missing = [m for m in next(iter(members)) if m not in self.ours]
            if missing:
                shown = ", ".join(m.name for m in missing)
                raise ValidationError("ours", f"{self.name} leaves out {shown}")

    def to(self, member: E) -> Cell:
        """Their value for ``member`` (``None``: they have none, nothing is written)."""
        return self.ours[member]

    def read(self, value: object, path: str = "") -> E | None:
        """Our member for their ``value`` (``None``: no counterpart); unknown values raise."""
        try:
            return self.theirs[value]  # type: ignore[index]  # an unhashable value raises below
        except (KeyError, TypeError):
            shown = ", ".join(repr(v) for v in self.theirs)
            msg = f"{str(value)[:40]!r} is not a {self.name} value ({shown})"
            raise ValidationError(path or self.name, msg) from None


@attrs.frozen
class DealStages:
    """The stages of a product's deal pipeline against the eight buying stages.

    ``open`` gives the pipeline stage for a process still running in each of our stages;
    ``won`` and ``lost`` the closed stages. :meth:`read` goes back to the *earliest* of
    our stages that writes a value, with the outcome for a closed one.
    """

    name: str
    open: Mapping[Stage, Cell]
    won: Cell
    lost: Cell | None
    probability: Mapping[Cell, int] = attrs.field(factory=dict)
    extra: Mapping[Cell, Stage] = attrs.field(factory=dict)

    def of(self, process: BuyingProcess) -> Cell:
        """The pipeline stage of ``process``: by its stage while open, else by outcome
        (a product without a lost stage keeps the stage the deal was lost in)."""
        if process.status is Status.OPEN:
            return self.open[process.stage]
        if won(process):
            return self.won
        return self.open[process.stage] if self.lost is None else self.lost

    def read(self, value: object, path: str = "") -> tuple[Stage | None, Outcome | None]:
        """Our earliest stage for an open pipeline stage, or the outcome of a closed one."""
        for stage, theirs in self.open.items():
            if theirs == value:  # an open stage first: Dataverse's "Close" is also won
                return stage, None
        if value == self.won:
            return None, Outcome.WON
        if self.lost is not None and value == self.lost:
            return None, Outcome.LOST
        for theirs, stage in self.extra.items():
            if theirs == value:
                return stage, None
        known = (*dict.fromkeys(self.open.values()), self.won, self.lost, *self.extra)
        shown = ", ".join(repr(v) for v in known if v is not None)
        msg = f"{str(value)[:40]!r} is not a {self.name} ({shown})"
        raise ValidationError(path or self.name, msg)


def won(process: BuyingProcess) -> bool:
    """A completed process the seller did not lose (the buyer chose us)."""
    return process.status is Status.COMPLETED and process.outcome is not Outcome.LOST


# --- where a record keeps each field ----------------------------------------------------


@attrs.frozen
class RecordShape:
    """Where one kind of record (a contact, a company) keeps each customer field.

    ``None`` means the record has no such field: the value is lost on the way out.
    ``constants`` are fields every such record carries (Odoo's ``is_company``).
    """

    object: str
    id: str
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    mobile: str | None = None
    birth_date: str | None = None
    gender: str | None = None
    street: str | None = None
    ward: str | None = None
    province: str | None = None
    country: str | None = None
    tax_code: str | None = None
    created: str | None = None
    lifecycle: str | None = None
    email_opt_out: str | None = None
    phone_opt_out: str | None = None
    constants: Mapping[str, Cell] = attrs.field(factory=dict)


Kind: TypeAlias = Literal["person", "organization"]


@attrs.frozen
class CrmMapping:
    """One product's vocabulary: its record shapes, time format and stage picklists.

    Attributes:
        product: the product's name.
        version: the API or release the field names follow.
        sources: where the field names were read (published documentation).
        person, organization: the record shapes for a :class:`~khachhang.Person` and an
            :class:`~khachhang.Organization` customer.
        lost: what the product cannot hold, each way; a round trip keeps the rest.
    """

    product: str
    version: str
    sources: tuple[str, ...]
    person: RecordShape
    organization: RecordShape
    time: TimeFormat
    deal_object: str | None = None
    deal_fields: Mapping[str, str] = attrs.field(factory=dict)
    deal_stages: DealStages | None = None
    deal_states: tuple[Cell, Cell, Cell] | None = None
    lifecycle: Vocabulary[Lifecycle] | None = None
    gender: Vocabulary[Gender] | None = None
    loss_reasons: Vocabulary[LossReason] | None = None
    lost: tuple[str, ...] = ()
    date_pattern: str = "%Y-%m-%d"
    person_name: Literal["split", "one"] = "split"

    # -- customers out ------------------------------------------------------------------
    def to_record(self, customer: Customer) -> Record:
        """``customer`` as this product's contact (a person) or company record.

        Only fields the record has are written; empty values are left out. A person's
        name is split the Vietnamese way: the family name (first word) is the last name,
        the rest the first name. Opt-out flags are true unless the customer consented to
        the channel (silence is not consent).
        """
        check_type("customer", customer, Customer)
        party = customer.party
        shape = self.person if isinstance(party, Person) else self.organization
        record: Record = {shape.id: customer.id, **shape.constants}
        if isinstance(party, Person):
            if self.person_name == "split" and shape.first_name and shape.last_name:
                family, _, given = party.full_name.partition(" ")
                _put(record, shape.last_name, family)
                _put(record, shape.first_name, given)
            else:
                _put(record, shape.name, party.full_name)
            if party.birth_date is not None:
                _put(record, shape.birth_date, party.birth_date.strftime(self.date_pattern))
            if party.gender is not None and self.gender is not None:
                _put(record, shape.gender, self.gender.to(party.gender))
        else:
            _put(record, shape.name, party.legal_name)
            _put(record, shape.tax_code, party.tax_code)
        phones = [c for c in _ordered(party.contacts) if c.kind is ContactKind.PHONE]
        emails = [c for c in _ordered(party.contacts) if c.kind is ContactKind.EMAIL]
        if emails:
            _put(record, shape.email, emails[0].value)
            _put(record, shape.email_opt_out, not emails[0].consents)
        if phones:
            _put(record, shape.phone, phones[0].value)
            _put(record, shape.phone_opt_out, not phones[0].consents)
            if len(phones) > 1:
                _put(record, shape.mobile, phones[1].value)
        address = party.address
        if address is not None:
            _put(record, shape.street, address.street)
            _put(record, shape.ward, address.ward)
            _put(record, shape.province, address.province)
            _put(record, shape.country, address.country)
        _put(record, shape.created, self.time.write(at=customer.created_at))
        if self.lifecycle is not None:
            _put(record, shape.lifecycle, self.lifecycle.to(customer.lifecycle))
        return record

    # -- customers in -------------------------------------------------------------------
    def from_record(
        self,
        record: Mapping[str, object],
        *,
        kind: Kind | None = None,
        created_at: datetime | None = None,
        party_type: PartyType = PartyType.BUSINESS,
    ) -> Customer:
        """A prospect from this product's contact or company record.

        ``kind`` says which shape ``record`` has; without it the record is a company when
        it carries the company shape's marks (Odoo's ``is_company``) or, where persons
        have no tax code field, a tax code — else a contact. ``created_at`` is used when
        the record has no creation time; ``party_type`` is the organisation's type. The
        lifecycle is *not* taken from the record: only the lifecycle machine moves it,
        with purchases (see :meth:`read_lifecycle`). An import never grants consent.

        Raises:
            ConversionError: every bad field at once, named by the product's field name.
        """
        if not isinstance(record, Mapping):
            raise ValidationError("record", f"expected a mapping, got {type(record).__name__}")
        chosen = self._kind_of(record) if kind is None else kind
        if chosen not in ("person", "organization"):
            raise ValidationError("kind", f"is 'person' or 'organization', got {chosen!r}")
        shape = self.person if chosen == "person" else self.organization
        cells = _Cells(record)
        cid = cells.text(shape.id)
        contacts: list[ContactPoint] = []
        for field, kind_ in (
            (shape.email, ContactKind.EMAIL),
            (shape.phone, ContactKind.PHONE),
            (shape.mobile, ContactKind.PHONE),
        ):
            point = cells.build(field, functools.partial(_contact_point, kind_))
            if point is not None and point not in contacts:
                contacts.append(point)
        address = None
        province = cells.text(shape.province)
        if province is not None:
            street, ward = cells.text(shape.street) or "", cells.text(shape.ward) or ""
            country = cells.text(shape.country) or "VN"
            address = cells.build(
                shape.province,
                lambda _: Address(province=province, ward=ward, street=street, country=country),
            )
        created = cells.read(shape.created, self.time.read) or created_at
        party: object
        if chosen == "person":
            if self.person_name == "split" and shape.first_name and shape.last_name:
                parts = (cells.text(shape.last_name), cells.text(shape.first_name))
                full, name_field = " ".join(p for p in parts if p), shape.last_name
            else:
                full, name_field = cells.text(shape.name) or "", shape.name or "name"
            birth = cells.read(shape.birth_date, self._read_date)
            gender = cells.read(shape.gender, self.gender.read) if self.gender else None
            party = cells.build(
                name_field,
                lambda _: Person(
                    full,
                    gender=gender,
                    birth_date=birth,
                    contacts=contacts,
                    address=address,
                ),
                always=True,
            )
        else:
            name, tax = cells.text(shape.name) or "", cells.text(shape.tax_code)
            party = cells.build(
                shape.name or "name",
                lambda _: Organization(
                    name,
                    party_type,
                    tax_code=tax,
                    contacts=contacts,
                    address=address,
                ),
                always=True,
            )
        if cid is None:
            cells.missing(shape.id, "every customer has an id")
        if created is None:
            cells.missing(shape.created or "created_at", "pass created_at=")
        target = f"Customer from {self.product} {shape.object}"
        if cells.errors or not isinstance(party, (Person, Organization)) or created is None:
            raise ConversionError(target, cells.errors)
        try:
            return Customer(str(cid), party, created_at=created)
        except ValidationError as exc:
            raise ConversionError(target, [(exc.path, exc.reason)]) from None

    def read_lifecycle(self, value: object) -> Lifecycle | None:
        """Our lifecycle for this product's lifecycle value (``None``: no counterpart)."""
        if self.lifecycle is None:
            raise ValidationError("lifecycle", f"{self.product} keeps no lifecycle stage")
        return self.lifecycle.read(value)

    # -- deals --------------------------------------------------------------------------
    def deal_record(self, process: BuyingProcess) -> Record:
        """``process`` as this product's deal (opportunity) record.

        The pipeline stage comes from :attr:`deal_stages`; the process id, buyer,
        won/closed flags or state, probability, close date, amount (the order's total)
        and loss reason go where the product keeps them.
        """
        check_type("process", process, BuyingProcess)
        stages, fields = self._deals()
        stage = stages.of(process)
        closed = process.status is not Status.OPEN
        is_won = won(process)
        record: Record = {fields["id"]: process.id, fields["stage"]: stage}
        _put(record, fields.get("customer"), process.buyer)
        _put(record, fields.get("is_closed"), closed)
        _put(record, fields.get("is_won"), is_won)
        if self.deal_states is not None:
            record[fields["state"]] = self.deal_states[(is_won and 1) or (closed and 2) or 0]
        if "probability" in fields:
            default = 100 if is_won else 0 if closed else stages.probability.get(stage)
            _put(record, fields["probability"], default)
        if process.order is not None:
            _put(record, fields.get("amount"), format(process.order.total.amount, "f"))
            _put(record, fields.get("currency"), process.order.total.currency)
        if closed:
            _put(
                record, fields.get("close_date"), process.events[-1].at.strftime(self.date_pattern)
            )
        _put(record, fields.get("active"), is_won or not closed)
        reason = process.data.loss_reason
        if reason is not None and self.loss_reasons is not None:
            _put(record, fields.get("loss_reason"), self.loss_reasons.to(reason))
        return record

    def read_deal(self, record: Mapping[str, object]) -> tuple[Stage | None, Outcome | None]:
        """Our stage (while open) or outcome (closed) for this product's deal record,
        read from its stage and, where the product keeps them apart, its won flag,
        state or active flag."""
        stages, fields = self._deals()
        if not isinstance(record, Mapping):
            raise ValidationError("record", f"expected a mapping, got {type(record).__name__}")
        stage, outcome = stages.read(record.get(fields["stage"]), fields["stage"])
        if self.deal_states is not None and fields["state"] in record:
            state = record[fields["state"]]
            if state not in self.deal_states:
                shown = ", ".join(repr(v) for v in self.deal_states)
                raise ValidationError(fields["state"], f"{state!r} is not one of {shown}")
            index = self.deal_states.index(state)
            return (stage, None) if index == 0 else (None, (Outcome.WON, Outcome.LOST)[index - 1])
        if record.get(fields.get("active", "")) is False:
            return None, Outcome.LOST
        return stage, outcome

    def _deals(self) -> tuple[DealStages, Mapping[str, str]]:
        if self.deal_stages is None:
            raise ValidationError("deal", f"this mapping has no deal object for {self.product}")
        return self.deal_stages, self.deal_fields

    # -- helpers ------------------------------------------------------------------------
    def _kind_of(self, record: Mapping[str, object]) -> Kind:
        marks = self.organization.constants
        if marks:
            return "organization" if all(record.get(k) == v for k, v in marks.items()) else "person"
        tax = self.organization.tax_code
        return (
            "organization" if tax and self.person.tax_code is None and record.get(tax) else "person"
        )

    def _read_date(self, value: object, path: str) -> date:
        text = _text(value, path)
        try:
            return datetime.strptime(text[:10], self.date_pattern).date()  # noqa: DTZ007  # a date
        except ValueError:
            raise ValidationError(
                path, f"{text[:20]!r} is not a date ({self.date_pattern})"
            ) from None


class _Cells:
    """Reads a record's fields, collecting every problem by field name."""

    def __init__(self, record: Mapping[str, object]) -> None:
        self.record = record
        self.errors: list[tuple[str, str]] = []

    def read(self, field: str | None, convert: Callable[[object, str], T]) -> T | None:
        """``convert(value, field)``, or ``None`` for no field, an empty value or an error."""
        value = self.record.get(field) if field else None
        if field is None or value is None or value == "":
            return None
        try:
            return convert(value, field)
        except ValidationError as exc:
            self.errors.append((field, exc.reason))
            return None

    def text(self, field: str | None) -> str | None:
        return self.read(field, _text)

    def build(
        self, field: str | None, make: Callable[[str], T], *, always: bool = False
    ) -> T | None:
        """``make(text)`` for the field's text (or unconditionally), errors collected."""
        if field is None:
            return None
        if not always and self.text(field) is None:
            return None
        try:
            return make(self.text(field) or "")
        except ValidationError as exc:
            self.errors.append((field, exc.reason))
            return None

    def missing(self, field: str, reason: str) -> None:
        if not any(path == field for path, _ in self.errors):
            self.errors.append((field, f"is missing: {reason}"))


def _contact_point(kind: ContactKind, text: str) -> ContactPoint:
    return ContactPoint(kind=kind, value=text)


def _put(record: Record, field: str | None, value: Cell) -> None:
    if field is not None and value is not None and value != "":
        record[field] = value


def _ordered(contacts: tuple[ContactPoint, ...]) -> list[ContactPoint]:
    """Primary contact points first, each kind's order kept."""
    return sorted(contacts, key=lambda c: not c.primary)


def _text(value: object, path: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValidationError(path, f"expected text, got {type(value).__name__}")
    return clean_text(path, str(value), max_len=1000)
