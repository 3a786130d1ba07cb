"""The runnable examples, end to end: ``examples/embed_sqlalchemy.py`` against SQLite.

The script is run once in-process (``main([...])``) into a temporary SQLite file; the
tests then read the tables back with their own queries and check what it did. Tests
that tamper with the data work on a copy of that file. One more run is a subprocess,
as a user would start it.
"""

from __future__ import annotations

import importlib.util
import io
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from khachhang import ConversionError, Customer, Lifecycle, Market, from_dict
from khachhang.buying import BuyingProcess, Stage, Status
from khachhang.care import Complaint, ComplaintStatus
from khachhang.fsm import Event
from khachhang.sample import SAMPLE_AS_OF, sample_book

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "embed_sqlalchemy.py"
SIZE = 24


def _import_example() -> ModuleType:
    name = "embed_sqlalchemy"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # SQLAlchemy resolves the string annotations through it
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def embed() -> ModuleType:
    return _import_example()


@pytest.fixture(scope="module")
def crm(embed: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The database file one in-process run wrote, and what it printed."""
    path = tmp_path_factory.mktemp("crm") / "crm.db"
    out = io.StringIO()
    status = embed.main(["--url", f"sqlite:///{path}", "--size", str(SIZE)], out=out)
    assert status == 0, out.getvalue()
    return path, out.getvalue()


@pytest.fixture
def copy(crm: tuple[Path, str], tmp_path: Path) -> Path:
    """A copy of the run's database, free to tamper with."""
    target = tmp_path / "tampered.db"
    shutil.copy(crm[0], target)
    return target


def _session(path: Path, embed: ModuleType) -> Session:
    return Session(embed.make_engine(f"sqlite:///{path}"))


def _rows(path: Path, sql: str) -> list[Any]:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as con:
        rows = list(con.execute(text(sql)))
    engine.dispose()
    return rows


# --- what the run stored -----------------------------------------------------------------


def test_customers_come_back_equal_except_the_one_that_bought(crm: tuple[Path, str]) -> None:
    path, _ = crm
    book = {c.id: c for c in sample_book(SIZE, as_of=SAMPLE_AS_OF)}
    rows = _rows(path, "SELECT id, document, version FROM customers ORDER BY id")
    assert [r.id for r in rows] == sorted(book)
    stored = {r.id: from_dict(json.loads(r.document), Customer) for r in rows}
    changed = [i for i in book if stored[i] != book[i]]
    assert len(changed) == 1
    (cid,) = changed
    before, after = book[cid], stored[cid]
    assert after.market is Market.B2C
    # The purchase was saved (version 2), then the first clerk's tag (version 3); the
    # second clerk's purchase, made on version 2, was refused.
    assert [p.id for p in after.purchases] == [*(p.id for p in before.purchases), "DH-EMBED-1"]
    assert after.tags == before.tags | {"goi-lai"}
    assert {r.id: r.version for r in rows} == {i: 3 if i == cid else 1 for i in book}


def test_indexed_columns_agree_with_the_document(crm: tuple[Path, str]) -> None:
    rows = _rows(crm[0], "SELECT * FROM customers")
    for row in rows:
        c = from_dict(json.loads(row.document), Customer)
        assert row.scope == c.scope.value
        assert row.party_type == c.party_type.value
        assert row.market == (c.market.value if c.market else None)
        assert row.lifecycle == c.lifecycle.value
        assert row.orders == c.orders
        assert row.name == c.name
        assert row.total_spent == c.total_spent.amount
        assert row.total_spent_currency == c.total_spent.currency
        address = c.party.address
        assert row.province == (address.current_province if address else None)


def test_the_buying_process_is_rebuilt_from_its_event_rows(
    crm: tuple[Path, str], embed: ModuleType
) -> None:
    path, _ = crm
    rows = _rows(path, "SELECT seq, transition, event FROM buying_events ORDER BY seq")
    assert [r.seq for r in rows] == [0, 1, 2, 3, 4]
    events = [from_dict(json.loads(r.event), Event[Stage]) for r in rows]
    assert [r.transition for r in rows] == [e.transition for e in events]
    assert [e.transition for e in events] == ["start", "advance", "advance", "advance", "advance"]
    replayed = BuyingProcess.replay(events)
    with _session(path, embed) as session:
        loaded = embed.load_process(session, "MH-0001")
    assert loaded == replayed
    assert loaded.stage is Stage.PROPOSAL_SOLICITATION
    assert loaded.candidates == ("NCC-ChungToi", "NCC-AnPhat")
    (projection,) = _rows(path, "SELECT * FROM buying_processes")
    assert (projection.stage, projection.status) == (loaded.stage.value, Status.OPEN.value)
    assert projection.events == len(loaded.events)
    buyer = _rows(path, f"SELECT market FROM customers WHERE id = '{loaded.buyer}'")
    assert [r.market for r in buyer] == ["b2b"]


def test_the_complaint_comes_back_equal(crm: tuple[Path, str], embed: ModuleType) -> None:
    (row,) = _rows(crm[0], "SELECT * FROM complaints")
    complaint = from_dict(json.loads(row.document), Complaint)
    assert complaint.status is ComplaintStatus.ACKNOWLEDGED
    assert row.status == complaint.status.value
    with _session(crm[0], embed) as session:
        assert embed.load_complaint(session, row.id) == complaint


def test_the_query_selects_what_the_rule_selects(crm: tuple[Path, str], embed: ModuleType) -> None:
    path, log = crm
    rule = embed.big_b2b_spenders()
    customers = [
        from_dict(json.loads(r.document), Customer)
        for r in _rows(path, "SELECT document FROM customers")
    ]
    expected = sorted(c.id for c in customers if rule.evaluate(c, as_of=SAMPLE_AS_OF))
    assert expected  # the sample book has such customers: the check below means something
    assert all(
        c.market is Market.B2B and c.lifecycle in (Lifecycle.CURRENT, Lifecycle.LOYAL)
        for c in customers
        if c.id in expected
    )
    assert f"the rule selects {expected}" in log
    # The indexed columns are named like the segmentation fields, so the rule's SQL runs
    # on the table. SQLite is not one of the supported dialects in general (no arrays),
    # but this rule uses only plain comparisons.
    where = rule.to_sql(dialect="sqlite", as_of=SAMPLE_AS_OF)
    assert [r.id for r in _rows(path, f"SELECT id FROM customers WHERE {where} ORDER BY id")] == (
        expected
    )
    assert "WHERE market = 'b2b'" in log


# --- what it refuses -----------------------------------------------------------------------


def _tamper_event(path: Path, seq: int, change: dict[str, Any]) -> None:
    (row,) = _rows(path, f"SELECT event FROM buying_events WHERE seq = {seq}")
    event = {**json.loads(row.event), **change}
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as con:
        con.execute(
            text("UPDATE buying_events SET event = :e WHERE seq = :s"),
            {"e": json.dumps(event), "s": seq},
        )
    engine.dispose()


@pytest.mark.parametrize(
    ("seq", "change", "reason"),
    [
        (3, {"at": "2026-11-01T00:00:00+07:00"}, "earlier than the last event"),
        (2, {"target": "supplier_selection"}, "advance"),
        (1, {"transition": "teleport"}, "teleport"),
        (4, {"at": "yesterday"}, "not an ISO 8601 datetime"),
        (3, {"colour": "blue"}, "unknown key(s): colour"),
    ],
)
def test_a_tampered_event_row_is_refused_naming_the_event(
    copy: Path, embed: ModuleType, seq: int, change: dict[str, Any], reason: str
) -> None:
    _tamper_event(copy, seq, change)
    with _session(copy, embed) as session, pytest.raises(ConversionError) as caught:
        embed.load_process(session, "MH-0001")
    ((path, message),) = caught.value.errors
    assert path.startswith(f"$.events[{seq}]")
    assert reason in message


def test_a_missing_event_row_is_refused(copy: Path, embed: ModuleType) -> None:
    engine = create_engine(f"sqlite:///{copy}")
    with engine.begin() as con:
        con.execute(text("DELETE FROM buying_events WHERE seq = 2"))
    engine.dispose()
    with _session(copy, embed) as session, pytest.raises(ConversionError) as caught:
        embed.load_process(session, "MH-0001")
    assert caught.value.errors == (("$.events[3]", "expected seq 2: an event is missing"),)


def test_a_tampered_customer_document_is_refused(copy: Path, embed: ModuleType) -> None:
    with _session(copy, embed) as session:
        row = session.scalars(select(embed.CustomerRow).where(embed.CustomerRow.orders > 0)).first()
        assert row is not None
        document = json.loads(json.dumps(row.document))
        document["lifecycle"] = "vip"
        document["created_at"] = "2026-01-05T09:00:00"
        session.execute(
            update(embed.CustomerRow)
            .where(embed.CustomerRow.id == row.id)
            .values(document=document)
        )
        session.commit()
        with pytest.raises(ConversionError) as caught:
            embed.load_customer(session, row.id)
    assert caught.value.paths == ("$.created_at", "$.lifecycle")


def _tagged(customer: Customer, tag: str) -> Customer:
    return attrs.evolve(customer, tags=customer.tags | {tag})


def test_a_save_at_a_stale_version_is_refused_before_writing(copy: Path, embed: ModuleType) -> None:
    # The web-CRM case: the version read in one request is checked in the request that saves.
    (row,) = _rows(copy, "SELECT id, version FROM customers WHERE version = 3")
    with _session(copy, embed) as session:
        customer, version = embed.load_customer(session, row.id)
    assert version == 3
    with _session(copy, embed) as session:
        with pytest.raises(StaleDataError, match="holds version 3, you read version 2"):
            embed.save_customer(session, _tagged(customer, "cu"), version=2)
        with pytest.raises(StaleDataError, match="holds version 3, you read version None"):
            embed.save_customer(session, customer, version=None)  # an insert over a row
        with pytest.raises(StaleDataError, match="holds no row, you read version 1"):
            embed.save_customer(session, attrs.evolve(customer, id="KH-MOI"), version=1)
        assert not session.new
        assert not session.dirty
    assert _rows(copy, f"SELECT version FROM customers WHERE id = '{row.id}'") == [(3,)]
    with _session(copy, embed) as session, session.begin():
        embed.save_customer(session, _tagged(customer, "moi"), version=3)
    with _session(copy, embed) as session:
        saved, version = embed.load_customer(session, row.id)
    assert (version, "moi" in saved.tags) == (4, True)


def test_a_concurrent_update_is_refused_at_commit(copy: Path, embed: ModuleType) -> None:
    # Both writers pass the version check; the UPDATE ... WHERE version = 1 of the second
    # matches no row once the first has committed.
    (row,) = _rows(copy, "SELECT id FROM customers WHERE version = 1 LIMIT 1")
    with _session(copy, embed) as first, _session(copy, embed) as second:
        mine, theirs = embed.load_customer(first, row.id), embed.load_customer(second, row.id)
        embed.save_customer(first, _tagged(mine[0], "a"), version=mine[1])
        embed.save_customer(second, _tagged(theirs[0], "b"), version=theirs[1])
        first.commit()
        with pytest.raises(StaleDataError):
            second.commit()
    with _session(copy, embed) as session:
        saved, version = embed.load_customer(session, row.id)
    assert (version, saved.tags) == (2, mine[0].tags | {"a"})


def test_appends_from_a_stale_process_are_refused(copy: Path, embed: ModuleType) -> None:
    with _session(copy, embed) as session:
        process = embed.load_process(session, "MH-0001")
    at, n = process.events[-1].at, len(process.events)
    mine = process.revisit(Stage.PRODUCT_SPECIFICATION, reason="Đổi spec", at=at)
    theirs = process.abandon(reason="Cắt ngân sách", at=at)
    # Two writers loaded the same process; both read the projection before either writes.
    with _session(copy, embed) as first, _session(copy, embed) as second:
        seen = second.get_one(embed.BuyingProcessRow, "MH-0001")  # kept: the version read
        assert seen.events == n
        assert embed.append_events(first, mine, stored=n) == 1
        first.commit()
        assert embed.append_events(second, theirs, stored=n) == 1
        with pytest.raises((IntegrityError, StaleDataError)):
            second.commit()
    # A writer that loads the projection after the first commit is refused before writing.
    with _session(copy, embed) as session:
        with pytest.raises(StaleDataError, match="6 events are stored, you loaded 5"):
            embed.append_events(session, theirs, stored=n)
        assert embed.load_process(session, "MH-0001") == mine
    (projection,) = _rows(copy, "SELECT stage, status, events FROM buying_processes")
    assert tuple(projection) == (mine.stage.value, mine.status.value, n + 1)


def test_a_database_with_customers_is_not_written_again(
    crm: tuple[Path, str], copy: Path, embed: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _rows(copy, "SELECT id, version FROM customers ORDER BY id")
    assert embed.main(["--url", f"sqlite:///{copy}"], out=io.StringIO()) == 2
    assert "already holds customers" in capsys.readouterr().err
    assert _rows(copy, "SELECT id, version FROM customers ORDER BY id") == before


# --- as a user runs it ---------------------------------------------------------------------


def test_the_script_runs_as_a_subprocess(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--url", f"sqlite:///{path}", "--size", "30"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == "stored 30 customers in sqlite"
    assert "reloaded 30 customers: all equal to the originals" in lines
    assert any("a write from a stale version was refused" in line for line in lines)
    assert [r.n for r in _rows(path, "SELECT count(*) AS n FROM customers")] == [30]
    assert [r.n for r in _rows(path, "SELECT count(*) AS n FROM buying_events")] == [5]


def test_the_default_run_leaves_no_file_behind(
    tmp_path: Path, embed: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where its temporary file goes
    out = io.StringIO()
    assert embed.main(["--size", "19"], out=out) == 0
    assert "stored 19 customers in sqlite" in out.getvalue()
    assert list(tmp_path.iterdir()) == []


def test_foreign_keys_hold_on_sqlite_too(copy: Path, embed: ModuleType) -> None:
    # SQLite ignores foreign keys unless asked; the example asks, so it fails where
    # PostgreSQL would (an event of a process that has no projection row).
    with _session(copy, embed) as session:
        session.add(embed.BuyingEventRow(process_id="MH-9", seq=0, transition="start", event={}))
        with pytest.raises(IntegrityError):
            session.commit()
