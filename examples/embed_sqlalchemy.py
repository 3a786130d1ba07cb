"""Embed khachhang in a CRM: customers, buying-process events and complaints in SQL.

A runnable sketch of the storage layer a CRM writes around khachhang's values, with
SQLAlchemy 2.0's ORM. Nothing here is part of the library: it is the code *you* write.

* ``customers``: one row per customer — the converter's dict form in a JSON column (the
  truth), a few indexed columns copied from it for queries (named like the
  segmentation fields, so a rule's SQL runs on them in PostgreSQL), and a ``version``
  for optimistic locking.
* ``buying_events``: one row per event of a B2B buying process, append-only, keyed by
  ``(process_id, seq)``; a process is rebuilt by replaying its events, which re-checks
  every move and guard, so a tampered row is refused. ``buying_processes`` is a small
  projection (stage, status) for queries, updated in the same transaction.
* ``complaints``: a care complaint as one JSON document (its log is replayed on load).

Run it against a temporary SQLite file (the default) or any SQLAlchemy URL::

    python examples/embed_sqlalchemy.py
    python examples/embed_sqlalchemy.py --url sqlite:///crm.db
    python examples/embed_sqlalchemy.py --url postgresql+psycopg://crm@localhost/crm

Time is passed in (``--as-of``), never read from the clock. See
``docs/recipes/embed-in-your-crm.md`` for the design.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import attrs
from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    Numeric,
    String,
    create_engine,
    event,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from khachhang import (
    ConversionError,
    Customer,
    KhachHangError,
    Lifecycle,
    Market,
    Money,
    Purchase,
    ValidationError,
    from_dict,
    to_dict,
)
from khachhang.buying import BUYING, BuyClass, BuyingProcess, Candidates, Stage
from khachhang.care import Channel, Complaint, Priority
from khachhang.fsm import Event
from khachhang.sample import SAMPLE_AS_OF, sample_book
from khachhang.segmentation import F, Rule

Document = dict[str, Any]

# JSON on every database; JSONB (binary, indexable with GIN) on PostgreSQL.
JSON_DOCUMENT = JSON().with_variant(JSONB(), "postgresql")

SELLER = "NCC-ChungToi"
"""Our own organisation: the buying processes we track are our deals."""


class Base(DeclarativeBase):
    pass


class CustomerRow(Base):
    """A customer: the converter's dict form plus indexed copies of a few fields."""

    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    scope: Mapped[str] = mapped_column(String(16), index=True)
    party_type: Mapped[str] = mapped_column(String(16), index=True)
    market: Mapped[str | None] = mapped_column(String(8), index=True)
    lifecycle: Mapped[str] = mapped_column(String(16), index=True)
    province: Mapped[str | None] = mapped_column(String(64), index=True)
    orders: Mapped[int] = mapped_column(Integer)
    total_spent: Mapped[Decimal] = mapped_column(Numeric(22, 4))
    total_spent_currency: Mapped[str] = mapped_column(String(3))
    name: Mapped[str] = mapped_column(String(200))
    document: Mapped[Document] = mapped_column(JSON_DOCUMENT)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (SQLAlchemy's spelling)


class BuyingProcessRow(Base):
    """A projection of a buying process for queries; its events are the truth."""

    __tablename__ = "buying_processes"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    buyer: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    stage: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    events: Mapped[int] = mapped_column(Integer)  # how many are stored: the version

    __mapper_args__ = {"version_id_col": events, "version_id_generator": False}  # noqa: RUF012


class BuyingEventRow(Base):
    """One event of a buying process; rows are only ever inserted."""

    __tablename__ = "buying_events"

    process_id: Mapped[str] = mapped_column(ForeignKey("buying_processes.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)  # index in process.events
    transition: Mapped[str] = mapped_column(String(40))
    event: Mapped[Document] = mapped_column(JSON_DOCUMENT)


class ComplaintRow(Base):
    """A care complaint (khiếu nại) as one document; its log is replayed on load."""

    __tablename__ = "complaints"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    status: Mapped[str] = mapped_column(String(32), index=True)
    document: Mapped[Document] = mapped_column(JSON_DOCUMENT)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


# --- customers ---------------------------------------------------------------------------


def _columns(customer: Customer) -> dict[str, Any]:
    address = customer.party.address
    return {
        "scope": customer.scope.value,
        "party_type": customer.party_type.value,
        "market": None if customer.market is None else customer.market.value,
        "lifecycle": customer.lifecycle.value,
        "province": None if address is None else address.current_province,
        "orders": customer.orders,
        "total_spent": customer.total_spent.amount,
        "total_spent_currency": customer.total_spent.currency,
        "name": customer.name,
        "document": to_dict(customer),
    }


def save_customer(session: Session, customer: Customer, *, version: int | None) -> CustomerRow:
    """Insert a new customer (``version=None``) or update the one you read at ``version``.

    ``version`` is the row's ``version`` when the customer was loaded (``load_customer``);
    in a web CRM it travels with the edit form to the request that saves. If the row has
    changed since, ``StaleDataError`` is raised here, before anything is written; if it
    changes between this check and the commit, the ``UPDATE ... WHERE version = ...`` that
    ``version_id_col`` issues matches no row and the flush raises ``StaleDataError``.
    Either way the other clerk's change is kept: reload and apply yours again.
    """
    row = session.get(CustomerRow, customer.id)
    if row is None and version is None:
        row = CustomerRow(id=customer.id, **_columns(customer))
        session.add(row)
        return row
    if row is None or row.version != version:
        stored = "no row" if row is None else f"version {row.version}"
        msg = f"{customer.id}: the database holds {stored}, you read version {version}"
        raise StaleDataError(msg + "; reload the customer and apply the change again")
    for key, value in _columns(customer).items():
        setattr(row, key, value)
    return row


def load_customer(session: Session, customer_id: str) -> tuple[Customer, int]:
    """The customer and the row version to save it back with (``save_customer``).

    A bad document raises ``ConversionError`` naming every bad path.
    """
    row = session.get_one(CustomerRow, customer_id)
    return customer_from_row(row), row.version


def customer_from_row(row: CustomerRow) -> Customer:
    """The customer a row's document holds (``ConversionError`` if it is not one)."""
    return from_dict(row.document, Customer)


# --- buying processes ---------------------------------------------------------------------


def append_events(session: Session, process: BuyingProcess, *, stored: int) -> int:
    """Insert ``process.events[stored:]``; ``stored`` is how many events you loaded.

    Optimistic locking on an append-only log: if another writer appended since you
    loaded (the projection holds another count), nothing is written and
    ``StaleDataError`` says so — reload, move again. Two writers racing past that check
    collide on the ``(process_id, seq)`` key or the projection's version at commit.
    Returns how many events were added.
    """
    row = session.get(BuyingProcessRow, process.id)
    have = 0 if row is None else row.events
    if have != stored or len(process.events) < stored:
        msg = f"{process.id}: {have} events are stored, you loaded {stored}"
        raise StaleDataError(msg + "; reload the process and move again")
    stage, status, count = process.stage.value, process.status.value, len(process.events)
    if row is None:
        row = BuyingProcessRow(
            id=process.id, buyer=process.buyer, stage=stage, status=status, events=count
        )
        session.add(row)
        session.flush()  # the events' foreign key needs it first
    else:
        row.stage, row.status, row.events = stage, status, count
    for seq in range(stored, len(process.events)):
        event = process.events[seq]
        session.add(
            BuyingEventRow(
                process_id=process.id, seq=seq, transition=event.transition, event=to_dict(event)
            )
        )
    return len(process.events) - stored


def load_process(session: Session, process_id: str) -> BuyingProcess:
    """Rebuild a process by replaying its stored events (one linear replay).

    Raises:
        ConversionError: an event row is not an event, is missing, or is refused by the
            replay (a move the machine does not allow, time going back, a guard) — the
            path names the event: ``$.events[3]``.
    """
    target = f"BuyingProcess {process_id}"
    rows = session.scalars(
        select(BuyingEventRow)
        .where(BuyingEventRow.process_id == process_id)
        .order_by(BuyingEventRow.seq)
    ).all()
    if not rows:
        raise ConversionError(target, [("$.events", "no events stored")])
    events = []
    for expected, row in enumerate(rows):
        path = f"$.events[{row.seq}]"
        if row.seq != expected:
            raise ConversionError(target, [(path, f"expected seq {expected}: an event is missing")])
        try:
            events.append(from_dict(row.event, Event[Stage]))
        except ConversionError as err:
            raise ConversionError(target, [(path + p[1:], r) for p, r in err.errors]) from None
    try:  # one replay, linear in the log; a refusal names the event (events[i])
        return BUYING.replay(events, path="events")
    except ValidationError as err:
        raise ConversionError(target, [(f"$.{err.path}", err.reason)]) from None


# --- complaints ---------------------------------------------------------------------------


def save_complaint(session: Session, complaint: Complaint) -> None:
    """Insert or update a complaint (one writer per complaint here; see ``save_customer``
    for the version check to copy when several clerks edit the same one)."""
    row = session.get(ComplaintRow, complaint.id)
    document = to_dict(complaint)
    if row is None:
        session.add(
            ComplaintRow(
                id=complaint.id,
                customer_id=complaint.customer_id,
                status=complaint.status.value,
                document=document,
            )
        )
    else:
        row.status, row.document = complaint.status.value, document


def load_complaint(session: Session, complaint_id: str) -> Complaint:
    row = session.get_one(ComplaintRow, complaint_id)
    return from_dict(row.document, Complaint)


# --- the walk-through ---------------------------------------------------------------------


def big_b2b_spenders() -> Rule:
    """The segment the walk-through queries: current or loyal B2B customers, ≥ 100 triệu ₫."""
    return (
        (F.market == Market.B2B)
        & F.lifecycle.isin({Lifecycle.CURRENT, Lifecycle.LOYAL})
        & (F.total_spent >= Money("100000000"))
    )


def make_engine(url: str) -> Engine:
    """An engine whose JSON keeps Vietnamese readable (``ensure_ascii=False``).

    On SQLite, foreign keys are switched on (they are off by default), so the example
    behaves there as on PostgreSQL.
    """
    engine = create_engine(url, json_serializer=lambda obj: json.dumps(obj, ensure_ascii=False))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_foreign_keys)
    return engine


def _sqlite_foreign_keys(connection: Any, _record: object) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def expect(condition: bool, what: str) -> None:
    """A check that survives ``python -O`` (unlike ``assert``)."""
    if not condition:
        raise AssertionError(what)


class NotEmptyError(Exception):
    """The walk-through only writes to a database it has to itself."""


def run(url: str, *, size: int, as_of: datetime, log: Callable[[str], None]) -> None:
    """Store, reload, change, replay and query — everything the script shows."""
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        if session.scalars(select(CustomerRow.id).limit(1)).first() is not None:
            engine.dispose()
            raise NotEmptyError(f"{engine.url!r} already holds customers; pass a new --url")
    book = sample_book(size, as_of=as_of)

    # 1. Store the customers, then reload them: equal values come back.
    with Session(engine) as session, session.begin():
        for customer in book:
            save_customer(session, customer, version=None)
    log(f"stored {len(book)} customers in {engine.dialect.name}")
    with Session(engine) as session:
        rows = session.scalars(select(CustomerRow).order_by(CustomerRow.id)).all()
        reloaded = [customer_from_row(row) for row in rows]
    expect(reloaded == sorted(book, key=lambda c: c.id), "a customer changed in storage")
    log(f"reloaded {len(reloaded)} customers: all equal to the originals")

    # 2. A purchase: load with the version, change the value, save at that version.
    buyer = next(c for c in book if c.market is Market.B2C and c.orders > 0)
    with Session(engine) as session:
        loaded, version = load_customer(session, buyer.id)
    bought = loaded.add_purchase(
        Purchase("DH-EMBED-1", as_of + timedelta(hours=2), Money("2490000"))
    )
    with Session(engine) as session, session.begin():
        row = save_customer(session, bought, version=version)
        session.flush()
        version = row.version
    log(
        f"{bought.id}: {buyer.orders} → {bought.orders} orders, "
        f"total {bought.total_spent.format('vi')}, row version {version}"
    )
    # Two clerks open the same customer (two requests, each its own session) and both
    # save; the second save is refused, not lost: it was made on a version that is gone.
    with Session(engine) as session:
        mine, my_version = load_customer(session, bought.id)
    with Session(engine) as session:
        theirs, their_version = load_customer(session, bought.id)
    with Session(engine) as session, session.begin():
        save_customer(session, attrs.evolve(mine, tags=mine.tags | {"goi-lai"}), version=my_version)
    later = as_of + timedelta(hours=3)
    try:
        with Session(engine) as session, session.begin():
            their_change = theirs.add_purchase(Purchase("DH-EMBED-2", later, Money("99000")))
            save_customer(session, their_change, version=their_version)
    except StaleDataError:
        log(f"{bought.id}: a write from a stale version was refused")
    else:
        expect(False, "optimistic locking let a stale write through")

    # 3. A B2B purchase: start, store its events, reload by replay, continue.
    business = next(c for c in book if c.market is Market.B2B)
    t = as_of + timedelta(days=1)
    deal = BuyingProcess.start(
        id="MH-0001", buyer=business.id, buy_class=BuyClass.NEW_TASK, at=t, seller=SELLER
    )
    deal = deal.advance(at=t + timedelta(days=3)).advance(at=t + timedelta(days=7))
    with Session(engine) as session, session.begin():
        added = append_events(session, deal, stored=0)
    log(f"{deal.id} for {business.id}: stored {added} events, stage {deal.stage.label('en')!r}")
    with Session(engine) as session:
        replayed = load_process(session, deal.id)
    expect(replayed == deal, "the replay differs from the stored process")
    log(f"{deal.id}: replayed {len(replayed.events)} events, equal to the process")
    moved = replayed.advance(at=t + timedelta(days=12))
    moved = moved.advance(at=t + timedelta(days=15), data=Candidates([SELLER, "NCC-AnPhat"]))
    with Session(engine) as session, session.begin():
        added = append_events(session, moved, stored=len(replayed.events))
    log(f"{deal.id}: +{added} events, now {moved.stage.label('en')!r} ({moved.stage.label('vi')})")

    # 4. A complaint, stored as one document and reloaded equal.
    complaint = Complaint(
        "KN-0001",
        bought.id,
        Channel.PHONE,
        "Giao hàng trễ",
        as_of + timedelta(days=2),
        Priority.HIGH,
    )
    complaint = complaint.acknowledge(at=as_of + timedelta(days=2, minutes=30), actor="lan")
    with Session(engine) as session, session.begin():
        save_complaint(session, complaint)
    with Session(engine) as session:
        expect(load_complaint(session, complaint.id) == complaint, "the complaint changed")
    log(f"{complaint.id}: stored and reloaded, status {complaint.status.label('en')!r}")

    # 5. Queries: an indexed column in SQL, then a segmentation rule on the values.
    rule = big_b2b_spenders()
    with Session(engine) as session:
        b2b = session.scalars(select(CustomerRow).where(CustomerRow.market == "b2b")).all()
        picked = [c.id for c in map(customer_from_row, b2b) if rule.evaluate(c, as_of=as_of)]
        log(f"market = 'b2b' (indexed): {len(b2b)} customers; the rule selects {picked}")
        dialect = {"postgresql": "postgres", "sqlite": "sqlite"}.get(engine.dialect.name)
        if dialect is not None:  # the columns are named like the fields
            where = rule.to_sql(dialect=dialect, as_of=as_of)
            query = select(CustomerRow.id).where(text(where)).order_by(CustomerRow.id)
            expect(list(session.scalars(query)) == sorted(picked), "SQL and Python disagree")
            log(f"pushed down to {engine.dialect.name}: WHERE {where}")
        else:
            where = rule.to_sql(dialect="postgres", as_of=as_of)
            log(f"in PostgreSQL this runs as: WHERE {where}")
    engine.dispose()


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the walk-through; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--url", help="SQLAlchemy URL (default: a new temporary SQLite file)")
    parser.add_argument("--size", type=int, default=24, help="customers in the sample book")
    parser.add_argument(
        "--as-of",
        type=datetime.fromisoformat,
        default=SAMPLE_AS_OF,
        help="the CRM's 'now', ISO 8601 with an offset (default: the sample book's)",
    )
    args = parser.parse_args(argv)
    stream = sys.stdout if out is None else out

    def log(line: str) -> None:
        stream.write(line + "\n")

    if args.as_of.tzinfo is None:
        parser.error("--as-of needs a UTC offset, e.g. 2026-11-01T00:00:00+07:00")
    try:
        if args.url is not None:
            run(args.url, size=args.size, as_of=args.as_of, log=log)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                run(f"sqlite:///{Path(tmp) / 'crm.db'}", size=args.size, as_of=args.as_of, log=log)
    except NotEmptyError as err:
        sys.stderr.write(f"error: {err}\n")
        return 2
    except KhachHangError as err:
        sys.stderr.write(f"error: {err}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
