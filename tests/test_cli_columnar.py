"""``segment --engine polars``: the same lines as the object engine, at frame speed."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import scaled
from khachhang import Customer, Money, Person, Purchase
from khachhang.cli import EXIT_BAD_DATA, EXIT_OK, EXIT_USAGE, main
from khachhang.segmentation import F, Segment, Segmenter
from khachhang.serde import to_json
from khachhang.testing import aware_datetimes, customers
from test_cli_data import AS_OF, BOOK_LINES, lines, rules, run

__all__ = ["rules"]  # the fixture, shared with test_cli_data


@pytest.mark.parametrize("mode", ["first", "all"])
def test_the_polars_engine_writes_the_object_engines_lines(rules: Path, mode: str) -> None:
    """The sample book through both engines: the same output, line for line."""
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF, "--mode", mode]
    objects = run(argv, lines(*BOOK_LINES))
    columnar = run([*argv, "--engine", "polars"], lines(*BOOK_LINES))
    assert (objects.code, columnar.code) == (EXIT_OK, EXIT_OK), columnar.err
    assert columnar.out == objects.out


@settings(max_examples=scaled(10))
@given(
    book=st.lists(customers(max_purchases=3), max_size=6, unique_by=lambda c: c.id),
    as_of=aware_datetimes(
        datetime(2000, 1, 1, tzinfo=timezone.utc), datetime(2040, 1, 1, tzinfo=timezone.utc)
    ),
)
def test_both_engines_agree_on_generated_books(
    rules: Path, book: list[Customer], as_of: datetime
) -> None:
    """Any valid book, any as_of: the two engines write the same lines."""
    argv = ["segment", "--rules", str(rules), "--as-of", as_of.isoformat()]
    text = lines(*(to_json(c) for c in book))
    assert run([*argv, "--engine", "polars"], text).out == run(argv, text).out


def test_a_currency_gap_is_warned_about_by_both_engines(tmp_path: Path) -> None:
    """A dollar customer never matches a đồng threshold: both engines say so."""
    t = datetime(2026, 1, 5, tzinfo=timezone.utc)
    john = Customer("u", Person("John Smith"), created_at=t, currency="USD")
    john = john.add_purchase(Purchase("o", t, Money("95000", "USD")))
    big = Segmenter([Segment("big", F.total_spent >= Money(20_000_000), "Lớn", "Big")])
    path = tmp_path / "big.json"
    path.write_text(to_json(big), encoding="utf-8")
    argv = ["segment", "--rules", str(path), "--as-of", t.isoformat()]
    for engine in ("objects", "polars"):
        result = run([*argv, "--engine", engine], lines(to_json(john)))
        assert "never match total_spent in VND" in result.err, engine


def test_input_that_is_not_json_lines_is_refused_with_a_pointer(rules: Path) -> None:
    """Polars cannot name the bad line: the message says which engine can."""
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF, "--engine", "polars"]
    result = run(argv, "not json\n")
    assert result.code == EXIT_BAD_DATA
    assert "--engine objects" in result.err


def test_skip_needs_the_object_engine(rules: Path) -> None:
    """--on-error=skip reads line by line: refused with --engine polars."""
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF, "--engine", "polars"]
    result = run([*argv, "--on-error", "skip"], lines(*BOOK_LINES))
    assert result.code == EXIT_USAGE
    assert "--engine objects" in result.err


def test_empty_input_writes_nothing(rules: Path) -> None:
    """No lines, no output, success."""
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF, "--engine", "polars"]
    result = run(argv, b"")
    assert (result.code, result.out) == (EXIT_OK, "")


def test_a_file_on_stdin_is_scanned_in_place_with_the_same_lines(
    rules: Path, tmp_path: Path
) -> None:
    """A regular file is scanned by path; a pipe's bytes are read: the output is the same."""
    path = tmp_path / "book.jsonl"
    path.write_text(lines(*BOOK_LINES), encoding="utf-8")
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF, "--engine", "polars"]
    out = io.StringIO()
    with path.open("rb") as stdin:
        assert main(argv, stdin=stdin, stdout=out, stderr=io.StringIO()) == EXIT_OK
    assert out.getvalue() == run(argv, lines(*BOOK_LINES)).out


def test_a_file_already_partly_read_is_read_from_where_it_stands(
    rules: Path, tmp_path: Path
) -> None:
    """Lines a caller consumed before the command are not segmented again."""
    path = tmp_path / "book.jsonl"
    path.write_text(lines(*BOOK_LINES), encoding="utf-8")
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF, "--engine", "polars"]
    out = io.StringIO()
    with path.open("rb") as stdin:
        stdin.readline()
        assert main(argv, stdin=stdin, stdout=out, stderr=io.StringIO()) == EXIT_OK
    assert out.getvalue() == run(argv, lines(*BOOK_LINES[1:])).out


def test_the_summary_follows_the_message_language(rules: Path) -> None:
    """--lang vi: the summary in Vietnamese, with a Vietnamese thousands separator."""
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF, "--engine", "polars"]
    result = run([*argv, "--lang", "vi"], lines(*BOOK_LINES))
    assert "đã đọc" in result.err
    assert "as of" not in result.err
