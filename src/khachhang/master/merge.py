"""Merging two records of one customer, losslessly, and un-merging them.

:func:`merge` builds one valid :class:`~khachhang.customers.Customer` from two and a
:class:`MergeRecord` (the merge event: both ids, when and by whom, which record each
field came from, the purchases it renamed, and both originals, so :func:`unmerge` gives
them back exactly).

What is *unioned* (nothing is dropped): purchases (one copy of a purchase both records
hold; a purchase of the absorbed record whose id the survivor already uses for another
purchase is renamed ``<absorbed id>:<purchase id>`` and listed in
:attr:`MergeRecord.renamed`), contact points (one per kind and value; the consents per
:attr:`MergePolicy.consents`), tags and roles. ``created_at`` is the earlier of the two
(the customer has been in the book since then).

What is *picked* (:class:`MergePolicy`, one :class:`Pick` per :class:`MergeField`):
which id survives, the name, gender, birth date, address, tax code, acquisition source,
income and the lifecycle log. A pick only ever chooses between values that are there:
an empty value never overwrites a present one.

The lifecycle log: two logs of one machine cannot be interleaved (each move starts
where the one before ended), so the merged customer keeps *one* of them — picked like a
field, by default the log that keeps the most events — replayed against the merged
purchases. Replaying stops at the first move the merged purchases contradict (a lapse
when the other record bought within the lapse window: the customer did not lapse after
all); the events not carried over stay in the record (:meth:`MergeRecord.set_aside`).

>>> from datetime import datetime, timezone
>>> from khachhang import Customer, Money, Person, Purchase
>>> t = datetime(2026, 1, 5, tzinfo=timezone.utc)
>>> a = Customer("c-1", Person("Nguyen Van Duc"), created_at=t).add_purchase(
...     Purchase("o-1", t, Money(100_000)))
>>> b = Customer("c-2", Person("Nguyễn Văn Đức"), created_at=t.replace(day=9)).add_purchase(
...     Purchase("o-1", t.replace(day=9), Money(250_000)))
>>> merged = merge(a, b, at=t.replace(month=2), actor="lan")
>>> c = merged.customer
>>> c.id, c.name, [p.id for p in c.purchases], c.total_spent.amount
('c-1', 'Nguyễn Văn Đức', ['o-1', 'c-2:o-1'], Decimal('350000'))
>>> unmerge(merged.record) == (a, b)
True
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, TypeVar

import attrs

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_optional_key,
    check_type,
    clean_text,
    instant,
    require_instant,
    shown,
)
from khachhang.customers import LIFECYCLE, Customer, Purchase
from khachhang.errors import LogError, ValidationError
from khachhang.fsm import Event
from khachhang.kinds import Lifecycle
from khachhang.labels import BilingualEnum
from khachhang.parties import Address, ContactKind, ContactPoint, Organization, Party, Person

__all__ = [
    "DEFAULT_POLICY",
    "ConsentMerge",
    "MergeField",
    "MergePolicy",
    "MergeRecord",
    "Merged",
    "Pick",
    "RenamedPurchase",
    "Taken",
    "merge",
    "unmerge",
]

_T = TypeVar("_T")
_UTC = timezone.utc
_NEVER = datetime.min.replace(tzinfo=_UTC)


class Pick(BilingualEnum):
    """How a field's value is chosen when both records have one.

    ``FIRST``/``SECOND`` are the explicit choice (the record passed first or second);
    ``NEWEST`` the record with the latest purchase (a record without purchases is the
    oldest); ``OLDEST`` the record created first; ``MOST_COMPLETE`` the fuller value (a
    name with diacritics over one without, more words, an address with more parts,
    today's province over a former one, the longer log). Ties are broken by the values
    themselves, so every pick but ``FIRST``/``SECOND`` gives the same result in either
    order.
    """

    FIRST = ("first", "Bản ghi thứ nhất", "The first record's")
    SECOND = ("second", "Bản ghi thứ hai", "The second record's")
    NEWEST = ("newest", "Bản ghi mới nhất", "The newest record's")
    OLDEST = ("oldest", "Bản ghi cũ nhất", "The oldest record's")
    MOST_COMPLETE = ("most_complete", "Giá trị đầy đủ nhất", "The most complete value")


class MergeField(BilingualEnum):
    """What a merge picks from one of the two records (the rest is unioned)."""

    ID = ("id", "Mã khách hàng (bản ghi giữ lại)", "Customer id (the surviving record)")
    NAME = ("name", "Họ tên / tên pháp lý", "Name / legal name")
    GENDER = ("gender", "Giới tính", "Gender")
    BIRTH_DATE = ("birth_date", "Ngày sinh", "Date of birth")
    ADDRESS = ("address", "Địa chỉ", "Address")
    TAX_CODE = ("tax_code", "Mã số thuế", "Tax code")
    ACQUISITION_SOURCE = ("acquisition_source", "Nguồn khách hàng", "Acquisition source")
    INCOME = ("income", "Thu nhập hằng tháng", "Monthly income")
    LIFECYCLE = ("lifecycle", "Nhật ký vòng đời", "Lifecycle log")


class ConsentMerge(BilingualEnum):
    """How the consents of one contact point held by both records are combined.

    ``BOTH`` (the default) keeps a channel only if both records allow it: a withdrawal
    recorded on either is honoured (Decree 13/2023/ND-CP: consent is never presumed).
    ``EITHER`` keeps a channel either record allows.
    """

    BOTH = ("both", "Cả hai bản ghi đồng ý", "Both records consent")
    EITHER = ("either", "Một trong hai bản ghi đồng ý", "Either record consents")


def _is_pick(_: object, attribute: attrs.Attribute[Pick], value: object) -> None:
    check_type(attribute.name, value, Pick)


@attrs.frozen
class MergePolicy:
    """Which record each picked field comes from, and how consents combine.

    One :class:`Pick` per :class:`MergeField` (the attribute of the field's value):
    by default the oldest record's id survives, with its first-touch acquisition
    source; the most complete name, birth date, tax code and lifecycle log; the newest
    gender, address and income.

    >>> policy = MergePolicy(id=Pick.FIRST)
    >>> policy.pick(MergeField.ID), policy.pick(MergeField.NAME), policy.symmetric
    (Pick.FIRST, Pick.MOST_COMPLETE, False)
    >>> DEFAULT_POLICY.symmetric
    True
    """

    id: Pick = attrs.field(default=Pick.OLDEST, validator=_is_pick)
    name: Pick = attrs.field(default=Pick.MOST_COMPLETE, validator=_is_pick)
    gender: Pick = attrs.field(default=Pick.NEWEST, validator=_is_pick)
    birth_date: Pick = attrs.field(default=Pick.MOST_COMPLETE, validator=_is_pick)
    address: Pick = attrs.field(default=Pick.NEWEST, validator=_is_pick)
    tax_code: Pick = attrs.field(default=Pick.MOST_COMPLETE, validator=_is_pick)
    acquisition_source: Pick = attrs.field(default=Pick.OLDEST, validator=_is_pick)
    income: Pick = attrs.field(default=Pick.NEWEST, validator=_is_pick)
    lifecycle: Pick = attrs.field(default=Pick.MOST_COMPLETE, validator=_is_pick)
    consents: ConsentMerge = ConsentMerge.BOTH

    def __attrs_post_init__(self) -> None:
        check_type("consents", self.consents, ConsentMerge)

    def pick(self, field: MergeField) -> Pick:
        """How ``field`` is chosen."""
        return _PICK_OF[check_type("field", field, MergeField)](self)

    @property
    def symmetric(self) -> bool:
        """True when no pick is ``FIRST`` or ``SECOND``: the order of the two records
        does not change the merged customer."""
        return not any(read(self) in (Pick.FIRST, Pick.SECOND) for read in _PICK_OF.values())


_PICK_OF: Mapping[MergeField, Callable[[MergePolicy], Pick]] = MappingProxyType(
    {field: operator.attrgetter(field.value) for field in MergeField}
)


DEFAULT_POLICY = MergePolicy()
"""The default survivor policy (see :class:`MergePolicy`)."""


@attrs.frozen
class Taken:
    """Where a picked field came from: the id of the record whose value was kept.

    When both records hold the same value, the surviving record is named.

    >>> Taken(MergeField.NAME, "KH-2").field.label("en")
    'Name / legal name'
    """

    field: MergeField
    source: str

    def __attrs_post_init__(self) -> None:
        check_type("field", self.field, MergeField)
        check_key("source", self.source)


@attrs.frozen
class RenamedPurchase:
    """A purchase of ``source`` whose id clashed with another purchase: its new id.

    >>> RenamedPurchase("KH-2", "o-1", "KH-2:o-1").renamed
    'KH-2:o-1'
    """

    source: str
    original: str
    renamed: str

    def __attrs_post_init__(self) -> None:
        check_key("source", self.source)
        check_key("original", self.original)
        check_key("renamed", self.renamed)


def _taken(values: Iterable[Taken]) -> tuple[Taken, ...]:
    return check_items("taken", as_collection("taken", values), Taken)


def _renamed(values: Iterable[RenamedPurchase]) -> tuple[RenamedPurchase, ...]:
    return check_items("renamed", as_collection("renamed", values), RenamedPurchase)


@attrs.frozen
class MergeRecord:
    """The merge event: who merged which two records when, and what came from each.

    Attributes:
        at: when the merge was made (timezone-aware).
        actor: who made it, if known.
        note: free text (why).
        survivor_id: the merged customer's id.
        absorbed_id: the other record's id (the same id when both had one id).
        survivor_is_first: whether the surviving record is ``first`` (else ``second``);
            renamed purchases always come from the other one.
        first: the record passed first, exactly as it was.
        second: the record passed second, exactly as it was.
        policy: the policy the merge followed.
        taken: for each picked field, the record its value came from.
        renamed: purchases renamed because their id clashed.
        log_from: the id of the record whose lifecycle log was kept.
        kept_events: how many events of that log the merged customer holds.

    >>> from datetime import datetime, timezone
    >>> from khachhang import Person
    >>> t = datetime(2026, 1, 5, tzinfo=timezone.utc)
    >>> a = Customer("KH-1", Person("Lê Hoa"), created_at=t)
    >>> b = Customer("KH-2", Person("Le Hoa"), created_at=t.replace(day=9))
    >>> record = merge(a, b, at=t.replace(month=2), actor="lan").record
    >>> record.survivor_id, record.absorbed_id, record.actor
    ('KH-1', 'KH-2', 'lan')
    """

    at: datetime
    actor: str | None
    note: str
    survivor_id: str
    absorbed_id: str
    survivor_is_first: bool
    first: Customer
    second: Customer
    policy: MergePolicy
    taken: tuple[Taken, ...] = attrs.field(converter=_taken)
    renamed: tuple[RenamedPurchase, ...] = attrs.field(converter=_renamed)
    log_from: str
    kept_events: int

    def __attrs_post_init__(self) -> None:
        require_instant(self.at, "at")
        for name in ("survivor_id", "absorbed_id", "log_from"):
            check_key(name, getattr(self, name))
        object.__setattr__(self, "actor", check_optional_key("actor", self.actor, max_len=200))
        object.__setattr__(self, "note", clean_text("note", self.note, allow_empty=True))
        check_type("first", self.first, Customer)
        check_type("second", self.second, Customer)
        check_type("policy", self.policy, MergePolicy)
        check_type("survivor_is_first", self.survivor_is_first, bool)
        survivor, absorbed = self.survivor, self.absorbed
        if (self.survivor_id, self.absorbed_id) != (survivor.id, absorbed.id):
            which = "first" if self.survivor_is_first else "second"
            msg = (
                f"survivor and absorbed ids must be the ids of the {which} record and the "
                f"other one: {survivor.id!r}, {absorbed.id!r}"
            )
            raise ValidationError("survivor_id", msg)
        if self.log_from not in (self.first.id, self.second.id):
            raise ValidationError("log_from", f"{shown(self.log_from)} is neither record's id")
        sources = [c for c in (self.first, self.second) if c.id == self.log_from]
        longest = max(len(c.lifecycle_events) for c in sources) if sources else 0
        if type(self.kept_events) is not int or not 0 <= self.kept_events <= longest:
            msg = f"expected an int from 0 to {longest}, got {shown(self.kept_events)}"
            raise ValidationError("kept_events", msg)

    @property
    def survivor(self) -> Customer:
        """The original record whose id the merged customer keeps."""
        return self.first if self.survivor_is_first else self.second

    @property
    def absorbed(self) -> Customer:
        """The other original record."""
        return self.second if self.survivor_is_first else self.first

    def set_aside(self) -> tuple[Event[Lifecycle], ...]:
        """The lifecycle events of both records the merged customer does not hold.

        Nothing is lost: these and the merged log together are every event of both.
        (Computed by merging the originals again under the recorded policy.)
        """
        kept = self.replay().customer.lifecycle_events
        rest: list[Event[Lifecycle]] = []
        for event in (*self.first.lifecycle_events, *self.second.lifecycle_events):
            if event not in kept and event not in rest:
                rest.append(event)
        return tuple(rest)

    def replay(self) -> Merged:
        """Merge the two originals again under the recorded policy (an audit check:
        it equals the merge this record came from)."""
        return merge(
            self.first, self.second, at=self.at, policy=self.policy, actor=self.actor,
            note=self.note,
        )  # fmt: skip


@attrs.frozen
class Merged:
    """What :func:`merge` returns: the merged customer and the merge record.

    >>> from datetime import datetime, timezone
    >>> from khachhang import Person
    >>> t = datetime(2026, 1, 5, tzinfo=timezone.utc)
    >>> a = Customer("KH-1", Person("Lê Hoa"), created_at=t)
    >>> merged = merge(a, a, at=t)
    >>> merged.customer == a, merged.record.first == merged.record.second == a
    (True, True)
    """

    customer: Customer
    record: MergeRecord


# --- picking -----------------------------------------------------------------------------


def _latest(customer: Customer) -> datetime:
    last = customer.last_purchase_at
    return instant(last) if last is not None else _NEVER


def _text_fullness(text: str) -> tuple[int, int, int]:
    return (int(not text.isascii()), len(text.split()), len(text))


def _fullness(value: object) -> tuple[float, ...]:
    if isinstance(value, str):
        return _text_fullness(value)
    if isinstance(value, Address):
        parts = (value.street, value.ward, value.district)
        return (sum(1 for p in parts if p), int(not value.is_pre_2025))
    if isinstance(value, tuple):  # a lifecycle log: the longer, then the earlier begun
        first = value[0].at if value else _NEVER
        return (len(value), -instant(first).timestamp())
    return (1,)


def _present(value: object) -> bool:
    return value is not None and value != "" and value != ()


def _canonical(value: object) -> object:
    """``value`` as nested tuples of strings, sets sorted: a total order on values that
    is the same in every process (a set's own order follows string hashing)."""
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))  # type: ignore[arg-type]  # any attrs class
        return (type(value).__name__, *(_canonical(getattr(value, f.name)) for f in fields))
    if isinstance(value, (frozenset, set)):
        return ("set", *sorted((_canonical(v) for v in value), key=repr))
    if isinstance(value, tuple):
        return ("tuple", *(_canonical(v) for v in value))
    return repr(value)


def _order_key(value: object) -> str:
    return repr(_canonical(value))


def _rank(pick: Pick, record: Customer, value: object) -> tuple[Any, ...]:
    """Larger is kept: the latest purchase, the earliest creation, the fuller value."""
    if pick is Pick.NEWEST:
        return (_latest(record).timestamp(),)
    if pick is Pick.OLDEST:
        return (-instant(record.created_at).timestamp(),)
    return _fullness(value)


def _choose(
    pick: Pick, first: tuple[Customer, _T], second: tuple[Customer, _T]
) -> tuple[Customer, _T]:
    """The (record, value) ``pick`` keeps; an absent value never wins over a present one."""
    (ra, va), (rb, vb) = first, second
    if not _present(vb):
        return first
    if not _present(va):
        return second
    if pick is Pick.FIRST:
        return first
    if pick is Pick.SECOND:
        return second
    ka, kb = _rank(pick, ra, va), _rank(pick, rb, vb)
    if ka != kb:
        return first if ka > kb else second
    if va == vb:
        return first
    return first if _order_key(va) > _order_key(vb) else second


def _survivor(pick: Pick, a: Customer, b: Customer) -> tuple[Customer, Customer]:
    """(survivor, absorbed) by ``pick``; ties go to the earlier created, then smaller id."""
    if pick is Pick.FIRST:
        return a, b
    if pick is Pick.SECOND:
        return b, a

    def key(c: Customer) -> tuple[Any, ...]:
        created = -instant(c.created_at).timestamp()
        if pick is Pick.NEWEST:
            return (_latest(c), created)
        if pick is Pick.MOST_COMPLETE:
            return (len(c.purchases), len(c.party.contacts), created)
        return (created,)

    ka, kb = key(a), key(b)
    if ka != kb:
        return (a, b) if ka > kb else (b, a)
    if a.id != b.id:
        return (a, b) if a.id < b.id else (b, a)
    return (a, b) if _order_key(a) >= _order_key(b) else (b, a)


# --- the union parts ---------------------------------------------------------------------

_KIND_ORDER = {kind: i for i, kind in enumerate(ContactKind)}


def _merge_contacts(
    survivor: Party, absorbed: Party, consents: ConsentMerge
) -> tuple[ContactPoint, ...]:
    """One contact point per (kind, value); the survivor's primary of each kind first."""
    by_key: dict[tuple[ContactKind, str], ContactPoint] = {}
    for point in (*survivor.contacts, *absorbed.contacts):
        key = (point.kind, point.value)
        have = by_key.get(key)
        if have is None:
            by_key[key] = point
            continue
        if consents is ConsentMerge.BOTH:
            agreed = have.consents & point.consents
        else:
            agreed = have.consents | point.consents
        label = max((have.label, point.label), key=lambda s: (len(s), s))
        by_key[key] = attrs.evolve(have, consents=agreed, label=label)
    primary: dict[ContactKind, str] = {}
    for party in (survivor, absorbed):
        for point in party.contacts:
            if point.primary:
                primary.setdefault(point.kind, point.value)
    merged = [
        attrs.evolve(point, primary=primary.get(kind) == value)
        for (kind, value), point in by_key.items()
    ]
    merged.sort(key=lambda p: (_KIND_ORDER[p.kind], not p.primary, p.value))
    return tuple(merged)


def _merge_purchases(
    survivor: Customer, absorbed: Customer
) -> tuple[list[Purchase], list[RenamedPurchase]]:
    by_id = {p.id: p for p in survivor.purchases}
    renamed: list[RenamedPurchase] = []
    for purchase in absorbed.purchases:
        have = by_id.get(purchase.id)
        if have is None or have == purchase:
            by_id[purchase.id] = purchase
            continue
        base = f"{absorbed.id}:{purchase.id}"
        new_id, n = base, 1
        while new_id in by_id and by_id[new_id] != attrs.evolve(purchase, id=new_id):
            n += 1
            new_id = f"{base}~{n}"
        if len(new_id) > 128:
            msg = (
                f"purchase {purchase.id!r} of {absorbed.id!r} clashes with one of "
                f"{survivor.id!r} and its new id {new_id[:40]!r}... is over 128 characters"
            )
            raise ValidationError("second.purchases", msg)
        by_id[new_id] = attrs.evolve(purchase, id=new_id)
        renamed.append(RenamedPurchase(absorbed.id, purchase.id, new_id))
    return list(by_id.values()), renamed


def _longest_valid_prefix(base: Customer, events: tuple[Event[Lifecycle], ...]) -> int:
    """How many of ``events`` replay, in order, on ``base`` (its opening)."""
    instance = base.opening()
    for k, event in enumerate(events):
        try:
            instance = LIFECYCLE.replay((event,), onto=instance, path="lifecycle_events")
        except LogError:
            return k
    return len(events)


def _lifecycle_of(events: tuple[Event[Lifecycle], ...]) -> Lifecycle:
    return events[-1].target if events else Lifecycle.PROSPECT


# --- merge and unmerge ------------------------------------------------------------------


def _merge_party(
    policy: MergePolicy,
    survivor: Customer,
    absorbed: Customer,
    taken: dict[MergeField, str],
) -> Party:
    sp, ap = survivor.party, absorbed.party
    contacts = _merge_contacts(sp, ap, policy.consents)

    def pick(field: MergeField, mine: _T, theirs: _T) -> _T:
        record, value = _choose(policy.pick(field), (survivor, mine), (absorbed, theirs))
        taken[field] = survivor.id if mine == value else record.id
        return value

    if isinstance(sp, Person) and isinstance(ap, Person):
        return Person(
            pick(MergeField.NAME, sp.full_name, ap.full_name),
            gender=pick(MergeField.GENDER, sp.gender, ap.gender),
            birth_date=pick(MergeField.BIRTH_DATE, sp.birth_date, ap.birth_date),
            contacts=contacts,
            address=pick(MergeField.ADDRESS, sp.address, ap.address),
        )
    if isinstance(sp, Organization) and isinstance(ap, Organization):
        return attrs.evolve(
            sp,
            legal_name=pick(MergeField.NAME, sp.legal_name, ap.legal_name),
            tax_code=pick(MergeField.TAX_CODE, sp.tax_code, ap.tax_code),
            contacts=contacts,
            address=pick(MergeField.ADDRESS, sp.address, ap.address),
        )
    # a person and an organisation: the survivor's party, with every contact point
    for field in (MergeField.NAME, MergeField.ADDRESS):
        taken[field] = survivor.id
    return attrs.evolve(sp, contacts=contacts)


def merge(
    first: Customer,
    second: Customer,
    *,
    at: datetime,
    policy: MergePolicy = DEFAULT_POLICY,
    actor: str | None = None,
    note: str = "",
) -> Merged:
    """Merge two records of one customer into one, recording how (see the module doc).

    Args:
        first: one record.
        second: the other (its order matters only for ``FIRST``/``SECOND`` picks).
        at: when the merge is made (timezone-aware).
        policy: the survivor policy.
        actor: who merges.
        note: why.

    Returns:
        The merged customer (valid: its lifecycle log replays on its purchases) and
        the :class:`MergeRecord`.

    Raises:
        ValidationError: the records cannot be one customer — books in two currencies
            (``second.currency``), roles or a scope the merged party cannot hold
            (``merged.roles``, ...), a renamed purchase id over 128 characters; or a
            bad argument, named. Neither input is changed.
    """
    check_type("first", first, Customer)
    check_type("second", second, Customer)
    require_instant(at, "at")
    check_type("policy", policy, MergePolicy)
    actor = check_optional_key("actor", actor, max_len=200)
    note = clean_text("note", note, allow_empty=True)
    if first.currency != second.currency:
        msg = (
            f"a {second.currency} book cannot merge into a {first.currency} book: "
            "a customer's purchases share one currency"
        )
        raise ValidationError("second.currency", msg)
    survivor, absorbed = _survivor(policy.pick(MergeField.ID), first, second)
    taken: dict[MergeField, str] = {MergeField.ID: survivor.id}
    party = _merge_party(policy, survivor, absorbed, taken)
    purchases, renamed = _merge_purchases(survivor, absorbed)

    def pick(field: MergeField, value_of: Callable[[Customer], _T]) -> _T:
        record, value = _choose(
            policy.pick(field), (survivor, value_of(survivor)), (absorbed, value_of(absorbed))
        )
        taken[field] = survivor.id if value_of(survivor) == value else record.id
        return value

    source = pick(MergeField.ACQUISITION_SOURCE, lambda c: c.acquisition_source)
    income = pick(MergeField.INCOME, lambda c: c.income)
    created_at = min(first.created_at, second.created_at, key=instant)
    try:
        base = Customer(
            survivor.id,
            party,
            created_at,
            scope=survivor.scope,
            roles=survivor.roles | absorbed.roles,
            acquisition_source=source,
            purchases=purchases,
            tags=survivor.tags | absorbed.tags,
            currency=survivor.currency,
            income=income,
        )
    except ValidationError as err:
        raise err.at("merged") from None
    logs = []
    for side in (survivor, absorbed):
        events = side.lifecycle_events
        logs.append((side, events[: _longest_valid_prefix(base, events)]))
    log_source, log = _choose(policy.pick(MergeField.LIFECYCLE), logs[0], logs[1])
    taken[MergeField.LIFECYCLE] = log_source.id
    customer = attrs.evolve(base, lifecycle=_lifecycle_of(log), lifecycle_events=log)
    record = MergeRecord(
        at=at,
        actor=actor,
        note=note,
        survivor_id=survivor.id,
        absorbed_id=absorbed.id,
        survivor_is_first=survivor is first,
        first=first,
        second=second,
        policy=policy,
        taken=tuple(Taken(field, taken[field]) for field in MergeField if field in taken),
        renamed=tuple(renamed),
        log_from=log_source.id,
        kept_events=len(log),
    )
    return Merged(customer, record)


def unmerge(record: MergeRecord) -> tuple[Customer, Customer]:
    """The two records a merge took, exactly as they were, in the order it took them.

    >>> from datetime import datetime, timezone
    >>> from khachhang import Customer, Person
    >>> t = datetime(2026, 1, 5, tzinfo=timezone.utc)
    >>> a, b = (Customer(i, Person("Lê Thị Hoa"), created_at=t) for i in ("c-1", "c-2"))
    >>> unmerge(merge(a, b, at=t).record) == (a, b)
    True

    Raises:
        ValidationError: ``record`` is not a :class:`MergeRecord`.
    """
    check_type("record", record, MergeRecord)
    return record.first, record.second
