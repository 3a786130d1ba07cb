"""The data commands in process: ``main([...])`` with injected streams and clock.

sample, rules, segment, explain, plan and diagram; bad lines with their line number and
field path; the error policy and exit codes; the summary; the progress bar.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import scaled
from khachhang import Customer, Money, Person, Purchase
from khachhang.buying import to_mermaid
from khachhang.care import Touchpoint
from khachhang.cli import (
    EXIT_BAD_DATA,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_IO,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_SKIPPED,
    EXIT_USAGE,
    main,
)
from khachhang.cli._demo.care import demo_plan
from khachhang.cli._stream import Progress
from khachhang.customers import LIFECYCLE
from khachhang.errors import RuleError
from khachhang.sample import SAMPLE_AS_OF, sample_book
from khachhang.segmentation import (
    F,
    RuleDocument,
    Segment,
    Segmenter,
    kind_segmenter,
    lifecycle_segmenter,
    standard_segments,
)
from khachhang.serde import from_dict, from_json, to_dict, to_json
from khachhang.testing import aware_datetimes, customers

AS_OF = SAMPLE_AS_OF.isoformat()  # the --as-of the CLI tests pass
STANDARD = Segmenter(standard_segments(), mode="all")
BOOK = list(sample_book(40))
BOOK_LINES = [to_json(c) for c in BOOK]


class Run:
    """What one ``main`` call did."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines()]


def run(
    argv: list[str],
    stdin: str | bytes = b"",
    *,
    now: Callable[[tzinfo], datetime] | None = None,
    stderr: io.StringIO | None = None,
) -> Run:
    out, err = io.StringIO(), stderr if stderr is not None else io.StringIO()
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    code = main(argv, stdin=io.BytesIO(data), stdout=out, stderr=err, now=now)
    return Run(code, out.getvalue(), err.getvalue())


def lines(*items: str) -> str:
    return "".join(item + "\n" for item in items)


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rules") / "standard.json"
    path.write_text(to_json(STANDARD), encoding="utf-8")
    return path


# --- sample and rules -----------------------------------------------------------------


def test_sample_writes_the_sample_book_one_customer_per_line() -> None:
    result = run(["sample", "--size", "25", "--seed", "3"])
    assert result.code == EXIT_OK
    written = [from_json(line, Customer) for line in result.out.splitlines()]
    assert written == list(sample_book(25, seed=3))
    assert result.out.splitlines()[0] == to_json(sample_book(25, seed=3)[0])


def test_sample_shows_progress_on_a_terminal_and_clears_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """sample --size 100000 took minutes with no sign of life."""
    clock = iter(float(i) for i in range(10_000))
    monkeypatch.setattr("khachhang.cli._stream.time.monotonic", lambda: next(clock))
    err = FakeTerminal()
    result = run(["sample", "--size", "8"], stderr=err)
    assert result.code == EXIT_OK
    assert len(result.out.splitlines()) == 8
    assert "\rkhachhang: [####" in result.err
    assert "] 100%  8 lines  " in result.err
    assert result.err.endswith("\r\x1b[K")


def test_sample_draws_no_bar_off_a_terminal_with_quiet_or_onto_its_own_output(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = iter(float(i) for i in range(10_000))
    monkeypatch.setattr("khachhang.cli._stream.time.monotonic", lambda: next(clock))
    assert run(["sample", "--size", "5"]).err == ""
    assert run(["sample", "--size", "5", "-q"], stderr=FakeTerminal()).err == ""
    err, out = FakeTerminal(), FakeTerminal()
    assert main(["sample", "--size", "5"], stdout=out, stderr=err) == EXIT_OK
    assert (len(out.getvalue().splitlines()), err.getvalue()) == (5, "")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("standard", Segmenter(standard_segments(), mode="all")),
        ("kind", kind_segmenter()),
        ("lifecycle", lifecycle_segmenter()),
    ],
)
def test_rules_writes_a_segmenter_the_converter_reads_back(name: str, expected: Segmenter) -> None:
    result = run(["rules", name])
    assert result.code == EXIT_OK
    assert from_dict(json.loads(result.out), Segmenter) == expected


def test_rules_mode_overrides_the_built_in_mode() -> None:
    loaded = from_dict(json.loads(run(["rules", "standard", "--mode", "first"]).out), Segmenter)
    assert loaded == Segmenter(standard_segments(), mode="first")


# --- segment --------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["first", "all"])
def test_segment_equals_the_segmenter_in_memory(rules: Path, mode: str) -> None:
    result = run(
        ["segment", "--rules", str(rules), "--as-of", AS_OF, "--mode", mode], lines(*BOOK_LINES)
    )
    assert result.code == EXIT_OK, result.err
    expected = Segmenter(standard_segments(), mode=mode).assign(BOOK, as_of=SAMPLE_AS_OF)
    assert result.rows == [
        {"id": c.id, "segments": list(keys)} for c, keys in zip(BOOK, expected, strict=True)
    ]


@settings(max_examples=scaled(15))
@given(
    book=st.lists(customers(max_purchases=3), max_size=6),
    as_of=aware_datetimes(
        datetime(2000, 1, 1, tzinfo=timezone.utc), datetime(2040, 1, 1, tzinfo=timezone.utc)
    ),
    mode=st.sampled_from(["first", "all"]),
)
def test_segment_through_the_cli_equals_assign(
    rules: Path, book: list[Customer], as_of: datetime, mode: str
) -> None:
    argv = ["segment", "--rules", str(rules), "--as-of", as_of.isoformat(), "--mode", mode]
    result = run(argv, lines(*(to_json(c) for c in book)))
    assert result.code == EXIT_OK, result.err
    expected = Segmenter(standard_segments(), mode=mode).assign(book, as_of=as_of)
    assert [(row["id"], tuple(row["segments"])) for row in result.rows] == [
        (c.id, keys) for c, keys in zip(book, expected, strict=True)
    ]


CORRUPTIONS = st.sampled_from(
    [
        "{",
        "[1, 2]",
        '"KH-1"',
        '{"id": "KH-1"}',
        "not json at all",
        '{"id": 7, "party": null}',
    ]
)


@settings(max_examples=scaled(15))
@given(
    book=st.lists(customers(max_purchases=2), min_size=1, max_size=5),
    data=st.data(),
    bad=CORRUPTIONS,
)
def test_a_corrupted_line_is_reported_with_its_line_number(
    rules: Path, book: list[Customer], data: st.DataObject, bad: str
) -> None:
    index = data.draw(st.integers(0, len(book) - 1), label="index")
    text = [to_json(c) for c in book]
    text[index] = bad
    stopped = run(["segment", "--rules", str(rules), "--as-of", AS_OF], lines(*text))
    assert stopped.code == EXIT_BAD_DATA
    assert f"khachhang: line {index + 1}: $" in stopped.err
    assert [row["id"] for row in stopped.rows] == [c.id for c in book[:index]]
    skipped = run(
        ["segment", "--rules", str(rules), "--as-of", AS_OF, "--on-error", "skip"], lines(*text)
    )
    assert skipped.code == EXIT_SKIPPED
    assert [row["id"] for row in skipped.rows] == [c.id for i, c in enumerate(book) if i != index]
    assert f"1 bad line(s) skipped (line {index + 1})" in skipped.err


BUYER = next(c for c in BOOK if len(c.purchases) >= 2 and c.purchases[0].items)
BUYER_LINE = to_json(BUYER)


def _edited(change: Callable[[dict[str, Any]], object]) -> str:
    data = json.loads(BUYER_LINE)
    change(data)
    return json.dumps(data, ensure_ascii=False)


def _purchases(data: dict[str, Any]) -> list[dict[str, Any]]:
    purchases: list[dict[str, Any]] = data["purchases"]
    return purchases


HOSTILE = [
    pytest.param(
        _edited(lambda d: d.update(created_at="2026-07-02T21:47:00")),
        "$.created_at: naive datetime",
        id="naive-datetime",
    ),
    pytest.param(
        _edited(lambda d: d.update(lifecycle="zombie")),
        "$.lifecycle: 'zombie' is not a valid Lifecycle",
        id="unknown-enum",
    ),
    pytest.param(
        _edited(lambda d: _purchases(d)[-1]["items"][0].update(quantity="many")),
        f"$.purchases[{len(BUYER.purchases) - 1}].items[0].quantity: expected an integer",
        id="wrong-type-deep",
    ),
    pytest.param(
        _edited(lambda d: _purchases(d)[0].update(bogus=1)),
        "$.purchases[0]: unknown key(s): bogus",
        id="extra-key",
    ),
    pytest.param(
        _edited(lambda d: _purchases(d)[0]["amount"].update(amount="1e999999999")),
        "$.purchases[0].amount.amount: 1E+999999999 is out of range",
        id="huge-amount",
    ),
    pytest.param(
        _edited(lambda d: _purchases(d)[0]["amount"].update(amount="NaN")),
        "$.purchases[0].amount.amount: amount must be finite",
        id="nan-amount",
    ),
    pytest.param(
        _edited(lambda d: _purchases(d)[0]["items"][0].update(quantity=10**30)),
        "$.purchases[0].items[0].quantity: ",
        id="huge-quantity",
    ),
    pytest.param(
        BUYER_LINE.replace('"quantity":', '"quantity":NaN,"x":', 1),
        "$.purchases[0].items[0]",
        id="nan-literal",
    ),
    pytest.param(
        BUYER_LINE.replace('"quantity":', '"quantity":Infinity,"x":', 1),
        "$.purchases[0].items[0]",
        id="infinity-literal",
    ),
    pytest.param("9" * 5000, "$: not valid JSON: Exceeds the limit", id="5000-digits"),
    pytest.param('{"a":' * 10_000 + "1" + "}" * 10_000, "$: nested too deeply", id="deep-object"),
    pytest.param(BOOK_LINES[0][:150], "$: not valid JSON: Unterminated string", id="truncated"),
    pytest.param(
        '{"id": "KH-1"', "$: not valid JSON: Expecting ',' delimiter: column 14", id="eof"
    ),
    pytest.param("null", "$: expected an object, got NoneType", id="null"),
]


@pytest.mark.parametrize(("line", "problem"), HOSTILE)
def test_hostile_lines_name_their_line_and_path(rules: Path, line: str, problem: str) -> None:
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF]
    text = lines(BOOK_LINES[1], line, BOOK_LINES[2])
    stopped = run(argv, text)
    assert (stopped.code, [r["id"] for r in stopped.rows]) == (EXIT_BAD_DATA, [BOOK[1].id])
    assert stopped.err.startswith(f"khachhang: line 2: {problem}"), stopped.err
    assert "line 1 column" not in stopped.err  # json's own line 1 is our line 2
    skipped = run([*argv, "--on-error=skip"], text)
    assert skipped.code == EXIT_SKIPPED
    assert [r["id"] for r in skipped.rows] == [BOOK[1].id, BOOK[2].id]


GOOD, BAD, BLANK = "good", "bad", "blank"


@settings(max_examples=scaled(25))
@given(st.lists(st.sampled_from([GOOD, BAD, BLANK]), max_size=30))
def test_skip_accounts_for_every_line(rules: Path, kinds: list[str]) -> None:
    """read = written + skipped + blank, and each skipped line was reported."""
    text = [
        BOOK_LINES[i % len(BOOK_LINES)] if kind == GOOD else ("{oops" if kind == BAD else "  ")
        for i, kind in enumerate(kinds)
    ]
    result = run(
        ["segment", "--rules", str(rules), "--as-of", AS_OF, "--on-error=skip"], lines(*text)
    )
    bad = [i + 1 for i, kind in enumerate(kinds) if kind == BAD]
    assert result.code == (EXIT_SKIPPED if bad else EXIT_OK)
    assert len(result.rows) == kinds.count(GOOD)
    reported = [int(line.split()[2].rstrip(":")) for line in result.err.splitlines()[:-1]]
    assert reported == bad
    summary = result.err.splitlines()[-1]
    numbers = re.match(
        r"khachhang: segment: (\d+) lines read, (\d+) written(?:, (\d+) blank)?"
        r"(?:, (\d+) bad line\(s\) skipped \(line ([\d, .]+)\))?;",
        summary,
    )
    assert numbers is not None, summary
    read, written, blank, skipped = (int(g or 0) for g in numbers.groups()[:4])
    assert read == len(kinds) == written + blank + skipped
    assert (written, blank, skipped) == (kinds.count(GOOD), kinds.count(BLANK), len(bad))
    if bad:
        assert numbers.group(5).removesuffix(", ...").split(", ") == [str(n) for n in bad[:10]]


def test_a_bad_field_is_named_with_its_line_and_path(rules: Path) -> None:
    data = json.loads(BOOK_LINES[6])
    data["party"]["contacts"][0]["kind"] = "pigeon"
    data["created_at"] = "yesterday"
    text = [*BOOK_LINES[:6], json.dumps(data, ensure_ascii=False), *BOOK_LINES[7:]]
    result = run(["segment", "--rules", str(rules), "--as-of", AS_OF], lines(*text))
    assert result.code == EXIT_BAD_DATA
    assert result.err.splitlines()[:2] == [
        "khachhang: line 7: $.created_at: not an ISO 8601 datetime: 'yesterday'",
        "khachhang: line 7: $.party.contacts[0].kind: 'pigeon' is not a valid ContactKind; "
        "expected one of: phone, email, social",
    ]
    assert "stopped at line 7" in result.err
    assert len(result.rows) == 6  # the output so far is valid JSON lines


def test_stop_keeps_the_output_written_before_the_bad_line(rules: Path) -> None:
    text = [*BOOK_LINES[:3], "{oops", *BOOK_LINES[3:]]
    result = run(["segment", "--rules", str(rules), "--as-of", AS_OF], lines(*text))
    assert result.code == EXIT_BAD_DATA
    assert [row["id"] for row in result.rows] == [c.id for c in BOOK[:3]]
    assert result.err.startswith("khachhang: line 4: $: not valid JSON: ")


@pytest.mark.parametrize(("on_error", "code", "written"), [("stop", 1, 1), ("skip", 3, 2)])
def test_a_customer_the_rules_cannot_answer_is_a_bad_line(
    rules: Path, monkeypatch: pytest.MonkeyPatch, on_error: str, code: int, written: int
) -> None:
    """A library error while assigning is reported like a bad line, under both policies."""
    refused = BOOK[1].id
    real = Segmenter.assigner

    def assigner(self: Segmenter, *, as_of: datetime) -> Callable[[Customer], tuple[str, ...]]:
        label = real(self, as_of=as_of)

        def refusing(customer: Customer) -> tuple[str, ...]:
            if customer.id == refused:
                raise RuleError("and[0]", "the data cannot answer this rule")
            return label(customer)

        return refusing

    monkeypatch.setattr(Segmenter, "assigner", assigner)
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF, f"--on-error={on_error}"]
    result = run(argv, lines(*BOOK_LINES[:3]))
    assert result.code == code
    assert len(result.rows) == written
    assert refused not in {row["id"] for row in result.rows}
    assert "khachhang: line 2: $: and[0]: the data cannot answer this rule" in result.err
    assert "internal error" not in result.err


def test_skip_goes_on_and_the_summary_lists_what_was_skipped(rules: Path) -> None:
    text = list(BOOK_LINES[:15])
    for i in (1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13):  # eleven bad lines
        text[i] = "[]"
    result = run(
        ["segment", "--rules", str(rules), "--as-of", AS_OF, "--on-error=skip"], lines(*text)
    )
    assert result.code == EXIT_SKIPPED
    assert [row["id"] for row in result.rows] == [BOOK[i].id for i in (0, 2, 3, 14)]
    assert result.err.count("$: expected an object, got list") == 11  # every one reported
    summary = result.err.splitlines()[-1]
    assert summary.startswith(
        "khachhang: segment: 15 lines read, 4 written, "
        "11 bad line(s) skipped (line 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, ...)"
    )


def test_blank_lines_are_skipped_and_counted_not_errors(rules: Path) -> None:
    text = "\n" + lines(BOOK_LINES[0]) + "   \n\n" + lines(BOOK_LINES[1])
    result = run(["segment", "--rules", str(rules), "--as-of", AS_OF], text)
    assert result.code == EXIT_OK
    assert [row["id"] for row in result.rows] == [BOOK[0].id, BOOK[1].id]
    assert "5 lines read, 2 written, 3 blank" in result.err


def test_crlf_a_bom_and_a_missing_final_newline_are_fine(rules: Path) -> None:
    text = ("\ufeff" + BOOK_LINES[0] + "\r\n" + BOOK_LINES[1]).encode("utf-8")
    result = run(["segment", "--rules", str(rules), "--as-of", AS_OF], text)
    assert result.code == EXIT_OK, result.err
    assert [row["id"] for row in result.rows] == [BOOK[0].id, BOOK[1].id]


def test_json_nested_too_deeply_is_a_bad_line_not_a_crash(rules: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    result = run(["segment", "--rules", str(rules), "--as-of", AS_OF], lines(deep))
    assert result.code == EXIT_BAD_DATA
    assert result.err.startswith("khachhang: line 1: $: nested too deeply\n")


def test_text_that_is_not_utf8_is_a_bad_line(rules: Path) -> None:
    text = lines(BOOK_LINES[0]).encode() + b'{"id": "caf\xe9"}\n'
    result = run(["segment", "--rules", str(rules), "--as-of", AS_OF], text)
    assert result.code == EXIT_BAD_DATA
    assert "khachhang: line 2: $: not UTF-8 text (byte 12)" in result.err


def test_an_oversized_line_is_drained_and_reported(rules: Path) -> None:
    huge = '{"id": "' + "x" * 300_000 + '"}'
    text = lines(BOOK_LINES[0], huge, BOOK_LINES[1])
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF, "--max-line-bytes", "100000"]
    result = run([*argv, "--on-error", "skip"], text)
    assert result.code == EXIT_SKIPPED
    assert "khachhang: line 2: $: line longer than 100,000 bytes" in result.err
    assert [row["id"] for row in result.rows] == [BOOK[0].id, BOOK[1].id]


@pytest.mark.parametrize(
    "value",
    ["99999999999999999999", str(64 * 1024 * 1024 + 1), "1", "-3", "9" * 5000, "1e6"],
)
def test_a_max_line_bytes_out_of_range_is_a_usage_error(rules: Path, value: str) -> None:
    """It was exit 70 "internal error" (an OverflowError) past the largest read."""
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF, "--max-line-bytes", value]
    result = run(argv, lines(*BOOK_LINES[:2]))
    assert (result.code, result.out, result.err.count("\n")) == (EXIT_USAGE, "", 1)
    assert result.err.startswith("khachhang: error: argument --max-line-bytes: expected ")
    assert len(result.err) < 200


def test_the_largest_max_line_bytes_is_accepted(rules: Path) -> None:
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF]
    result = run([*argv, "--max-line-bytes", str(64 * 1024 * 1024)], lines(*BOOK_LINES[:2]))
    assert result.code == EXIT_OK, result.err


def test_a_line_over_the_default_limit_of_one_mib_is_a_bad_line(rules: Path) -> None:
    """The default bounds the memory a line can take (docs/cli.md)."""
    data: Any = to_dict(BUYER)
    first = _purchases(data)[0]
    count = 2 * 1024 * 1024 // len(json.dumps(first))  # about 2 MiB of purchases
    copies = [dict(first, id=f"{BUYER.id}-{i:05d}") for i in range(count)]
    data["purchases"] = copies + _purchases(data)  # the history the lifecycle log needs stays
    big = json.dumps(data)
    assert 1024 * 1024 < len(big) < 4 * 1024 * 1024
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF, "--on-error", "skip"]
    result = run(argv, lines(BOOK_LINES[0], big))
    assert result.code == EXIT_SKIPPED
    assert "khachhang: line 2: $: line longer than 1,048,576 bytes" in result.err
    assert run([*argv, "--max-line-bytes", "4194304"], lines(big)).code == EXIT_OK


def test_a_naive_datetime_in_a_line_is_told_to_write_its_offset(rules: Path) -> None:
    """Advice for JSON: an offset in the text, not Python's tzinfo=."""
    line = _edited(lambda d: d.update(created_at="2026-07-02T21:47:00"))
    result = run(["segment", "--rules", str(rules), "--as-of", AS_OF], lines(line))
    assert result.code == EXIT_BAD_DATA
    assert (
        "khachhang: line 1: $.created_at: naive datetime 2026-07-02 21:47:00; write it with "
        "its UTC offset, e.g. '2026-07-02T21:47:00+07:00' (Vietnam) or '2026-07-02T21:47:00Z' "
        "(UTC)\n"
    ) in result.err
    assert "tzinfo" not in result.err


def test_python_callers_keep_the_tzinfo_advice() -> None:
    from khachhang._checks import require_aware

    with pytest.raises(ValueError, match=r"tzinfo=ZoneInfo\('Asia/Ho_Chi_Minh'\)"):
        require_aware(datetime(2026, 7, 2, 21, 47), "created_at")


def test_the_default_as_of_is_the_clock_and_is_echoed(rules: Path) -> None:
    def clock(tz: tzinfo) -> datetime:
        return datetime(2026, 11, 1, 0, 0, 0, 123456, tzinfo=tz)

    result = run(["segment", "--rules", str(rules)], lines(*BOOK_LINES[:5]), now=clock)
    assert result.code == EXIT_OK
    assert "as of 2026-11-01T00:00:00+07:00, mode all" in result.err
    pinned = run(["segment", "--rules", str(rules), "--as-of", AS_OF], lines(*BOOK_LINES[:5]))
    assert result.out == pinned.out


def test_as_of_may_be_a_date_meaning_midnight_in_vietnam(rules: Path) -> None:
    result = run(["segment", "--rules", str(rules), "--as-of", "2026-11-01"], "")
    assert result.code == EXIT_OK
    assert "as of 2026-11-01T00:00:00+07:00" in result.err


@pytest.mark.parametrize("value", ["20261101", "2026-W44-7", " 2026-11-01 ", "2026-10-31T17:00Z"])
def test_as_of_takes_every_iso_form_of_the_same_instant(rules: Path, value: str) -> None:
    result = run(["segment", "--rules", str(rules), "--as-of", value], lines(*BOOK_LINES[:3]))
    assert result.code == EXIT_OK, result.err
    pinned = run(["segment", "--rules", str(rules), "--as-of", AS_OF], lines(*BOOK_LINES[:3]))
    assert result.out == pinned.out


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-11-01T00:00:00", "needs a UTC offset, e.g. --as-of 2026-11-01T00:00:00+07:00"),
        ("2026-11-01T09:30", "needs a UTC offset, e.g. --as-of 2026-11-01T09:30:00+07:00"),
        ("2026-11-01Z", "not an ISO 8601 date or datetime: '2026-11-01Z'"),  # a date has no zone
        ("yesterday", "not an ISO 8601 date or datetime: 'yesterday'"),
        ("2026-13-01", "not an ISO 8601 date or datetime"),
        ("", "not an ISO 8601 date or datetime"),
    ],
)
def test_an_as_of_without_offset_or_unreadable_is_a_usage_error(
    rules: Path, value: str, message: str
) -> None:
    result = run(["segment", "--rules", str(rules), "--as-of", value], "")
    assert (result.code, result.out) == (EXIT_USAGE, "")
    assert result.err.startswith("khachhang: error: argument --as-of: ")
    assert message in result.err


def test_quiet_hides_the_summary_unless_lines_were_skipped(rules: Path) -> None:
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF, "-q"]
    assert run(argv, lines(*BOOK_LINES[:3])).err == ""
    skipped = run([*argv, "--on-error", "skip"], lines(BOOK_LINES[0], "{"))
    assert "1 bad line(s) skipped (line 2)" in skipped.err


def test_a_rule_document_is_one_segment_named_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "Big Spenders.json"
    path.write_text(to_json(RuleDocument(F.orders >= 3)), encoding="utf-8")
    result = run(["segment", "--rules", str(path), "--as-of", AS_OF], lines(*BOOK_LINES))
    assert result.code == EXIT_OK
    expected = Segmenter([Segment("big-spenders", F.orders >= 3, "x", "x")])
    assert [tuple(r["segments"]) for r in result.rows] == expected.assign(BOOK, as_of=SAMPLE_AS_OF)
    named = run(
        ["segment", "--rules", str(path), "--as-of", AS_OF, "--name", "vip"], lines(*BOOK_LINES)
    )
    assert {key for r in named.rows for key in r["segments"]} == {"vip"}


def test_a_bare_rule_is_accepted_too(tmp_path: Path) -> None:
    path = tmp_path / "buyers.json"
    path.write_text(to_json(F.orders > 0), encoding="utf-8")
    result = run(["segment", "--rules", str(path), "--as-of", AS_OF], lines(*BOOK_LINES))
    assert result.code == EXIT_OK
    flags = [bool(r["segments"]) for r in result.rows]
    assert flags == [bool(c.purchases_until(as_of=SAMPLE_AS_OF)) for c in BOOK]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "rules.json: $: not valid JSON: "),
        ("[1]", "rules.json: $: expected a segmenter"),
        ('{"version": 1, "rule": {"op": "gt", "field": "orders", "value": "x"}}', "rules.json: $"),
        ('{"segments": [{"key": "A B"}]}', "rules.json: $.segments"),
        ('{"op": "ge", "field": "shoe_size", "value": 3}', "rules.json: $: ge(shoe_size): unknown"),
        ('{"op": "frob", "field": "orders", "value": 3}', "rules.json: $: op: unknown op 'frob'"),
        ('{"op": "not", "child": ' * 100 + "true" + "}" * 100, "rules.json: $: …not.not"),
        ("[" * 100_000 + "]" * 100_000, "rules.json: $: nested too deeply"),
        ('{"segments": [], "mode": "all", "x": 1}', "rules.json: $: unknown key(s): x"),
        ("", "rules.json: $: not valid JSON"),
    ],
)
def test_a_bad_rules_file_is_a_usage_error_with_its_path(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "rules.json"
    path.write_text(content, encoding="utf-8")
    result = run(["segment", "--rules", str(path), "--as-of", AS_OF], lines(*BOOK_LINES[:2]))
    assert (result.code, result.out) == (EXIT_USAGE, "")
    assert result.err.startswith(f"khachhang: {path.parent}/{message}")


def test_a_missing_rules_file_is_a_usage_error(tmp_path: Path) -> None:
    result = run(["segment", "--rules", str(tmp_path / "nope.json")], "")
    assert result.code == EXIT_USAGE
    assert "cannot read" in result.err
    assert "nope.json" in result.err
    directory = run(["segment", "--rules", str(tmp_path)], "")
    assert directory.code == EXIT_USAGE
    assert (
        directory.err
        == f"khachhang: error: argument --rules: cannot read {tmp_path}: Is a directory\n"
    )
    (tmp_path / "latin1.json").write_bytes(b'{"op": "eq", "field": "province", "value": "Hu\xe9"}')
    latin1 = run(["segment", "--rules", str(tmp_path / "latin1.json")], "")
    assert (latin1.code, latin1.err.count("\n")) == (EXIT_USAGE, 1)
    assert "latin1.json is not UTF-8 text" in latin1.err


def test_a_rules_file_too_large_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("khachhang.cli._commands.MAX_RULES_BYTES", 1000)
    path = tmp_path / "big.json"
    path.write_text(to_json(STANDARD), encoding="utf-8")
    result = run(["segment", "--rules", str(path), "--as-of", AS_OF], "")
    assert (result.code, result.out) == (EXIT_USAGE, "")
    assert result.err == f"khachhang: error: argument --rules: {path} is larger than 1,000 bytes\n"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (lines(*BOOK_LINES), "it holds customers: pipe them on stdin"),
        (BOOK_LINES[0], "it holds customers: pipe them on stdin"),
        ("\ufeff" + lines(*BOOK_LINES[:2]), "it holds customers: pipe them on stdin"),
        (lines('{"op": "eq", "field": "scope", "value": "internal"}', "{}"), "it is JSON lines"),
        (lines("[1, 2]", "[3]"), "it is JSON lines, not one JSON document"),
    ],
)
def test_customers_given_as_rules_are_named_before_the_size_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, reason: str
) -> None:
    """A customer file passed as --rules used to be refused as "larger than 16 MiB"."""
    monkeypatch.setattr("khachhang.cli._commands.MAX_RULES_BYTES", 1000)
    path = tmp_path / "customers.jsonl"
    path.write_text(content, encoding="utf-8")
    result = run(["segment", "--rules", str(path), "--as-of", AS_OF], "")
    assert (result.code, result.out, result.err.count("\n")) == (EXIT_USAGE, "", 1)
    expected = f"khachhang: error: argument --rules: {path} is not a rules file: {reason}"
    assert result.err.startswith(expected)


def test_a_rules_file_over_several_lines_is_still_rules(tmp_path: Path) -> None:
    """The JSON-lines check does not mistake an indented document for lines."""
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(to_dict(STANDARD), indent=2) + "\n", encoding="utf-8")
    result = run(["segment", "--rules", str(path), "--as-of", AS_OF], lines(*BOOK_LINES[:3]))
    assert result.code == EXIT_OK, result.err
    assert len(result.rows) == 3


def test_a_rules_file_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = tmp_path / "notepad.json"
    path.write_text("\ufeff" + to_json(STANDARD), encoding="utf-8")
    result = run(["segment", "--rules", str(path), "--as-of", AS_OF], lines(*BOOK_LINES[:3]))
    assert result.code == EXIT_OK, result.err
    assert [row["id"] for row in result.rows] == [c.id for c in BOOK[:3]]


def test_customers_are_not_read_from_a_terminal(rules: Path) -> None:
    class Terminal(io.BytesIO):
        def isatty(self) -> bool:
            return True

    err = io.StringIO()
    code = main(
        ["segment", "--rules", str(rules)], stdin=Terminal(), stdout=io.StringIO(), stderr=err
    )
    assert code == EXIT_USAGE
    assert "no input: pipe customers as JSON lines" in err.getvalue()


def test_ctrl_c_exits_130_without_a_traceback(rules: Path) -> None:
    class Interrupted(io.BytesIO):
        def readline(self, size: int | None = -1) -> bytes:
            raise KeyboardInterrupt

    err = io.StringIO()
    code = main(
        ["segment", "--rules", str(rules), "--as-of", AS_OF],
        stdin=Interrupted(),
        stdout=io.StringIO(),
        stderr=err,
    )
    assert code == EXIT_INTERRUPTED
    assert err.getvalue().strip() == "khachhang: interrupted"


# --- explain --------------------------------------------------------------------------


def test_explain_prints_every_segments_tree_for_the_customer(rules: Path) -> None:
    target = BOOK[17]
    argv = ["explain", "--rules", str(rules), "--customer", target.id, "--as-of", AS_OF]
    result = run([*argv, "--lang", "en"], lines(*BOOK_LINES))
    assert result.code == EXIT_OK, result.err
    (keys,) = STANDARD.assign([target], as_of=SAMPLE_AS_OF)
    shown = "2026-11-01 00:00 (UTC+07:00)"  # AS_OF, as English text shows it
    assert result.out.startswith(f"{target.id} — {target.name} (as of {shown})\n")
    assert f"Matching segments (assign every matching segment): {', '.join(keys)}\n" in result.out
    for segment in STANDARD.segments:
        tree = segment.rule.explain(target, as_of=SAMPLE_AS_OF).to_text("en")
        assert f"\n{segment.key} — {segment.label('en')}\n{tree}\n" in result.out
    assert "Các nhóm khớp (gán mọi nhóm khớp)" in run(argv, lines(*BOOK_LINES)).out


def test_explain_stops_reading_at_the_customer(rules: Path) -> None:
    argv = ["explain", "--rules", str(rules), "--customer", BOOK[1].id, "--as-of", AS_OF]
    result = run(argv, lines(*BOOK_LINES[:2], "{ not read"))
    assert result.code == EXIT_OK


def test_explain_of_an_id_on_a_bad_line_says_so(rules: Path) -> None:
    target = BOOK[2]
    bad = BOOK_LINES[2].replace('"lifecycle":"', '"lifecycle":"zombie', 1)
    argv = ["explain", "--rules", str(rules), "--customer", target.id, "--as-of", AS_OF]
    text = lines(*BOOK_LINES[:2], bad, *BOOK_LINES[3:6])
    hint = f"khachhang: error: id {target.id!r} is on bad line(s) 3 (see above)"
    stopped = run(argv, text)
    assert (stopped.code, stopped.out) == (EXIT_BAD_DATA, "")
    assert hint in stopped.err
    skipped = run([*argv, "--on-error=skip"], text)
    assert (skipped.code, skipped.out) == (EXIT_NOT_FOUND, "")
    assert skipped.err.startswith("khachhang: line 3: $.lifecycle: ")
    assert hint in skipped.err
    other = run([*argv[:4], BOOK[4].id, *argv[5:], "--on-error=skip"], text)
    assert other.code == EXIT_SKIPPED  # found, past a skipped line
    assert other.out.startswith(f"{BOOK[4].id} — ")
    assert "is on bad line" not in other.err


def test_explain_of_an_unknown_id_exits_4(rules: Path) -> None:
    argv = ["explain", "--rules", str(rules), "--customer", "KH-404", "--as-of", AS_OF]
    result = run(argv, lines(*BOOK_LINES[:5]))
    assert (result.code, result.out) == (EXIT_NOT_FOUND, "")
    assert "khachhang: error: no customer with id 'KH-404' in 5 lines" in result.err
    skipped = run([*argv, "--on-error", "skip"], lines("{", *BOOK_LINES[:2]))
    assert skipped.code == EXIT_NOT_FOUND
    assert "1 bad line(s) skipped, it may be one of them" in skipped.err


# --- plan -----------------------------------------------------------------------------


def _expected_plan(book: list[Customer], days: int) -> list[dict[str, object]]:
    end = SAMPLE_AS_OF + timedelta(days=days)
    plan = demo_plan(range(SAMPLE_AS_OF.year, end.year + 1))
    return [
        {"type": "touchpoint" if isinstance(item, Touchpoint) else "drop", **to_dict(item)}
        for item in plan.schedule(book, start=SAMPLE_AS_OF, end=end)
    ]


def test_plan_from_stdin_is_the_demo_plan_as_json_lines() -> None:
    result = run(["plan", "--days", "45", "--start", "2026-11-01"], lines(*BOOK_LINES))
    assert result.code == EXIT_OK, result.err
    assert result.rows == _expected_plan(BOOK, 45)
    kinds = {row["type"] for row in result.rows}
    assert kinds == {"touchpoint", "drop"}
    assert "40 customers; " in result.err
    assert "2026-11-01T00:00:00+07:00 to" in result.err


def test_plan_with_sample_reads_no_stdin_and_drops_have_reasons() -> None:
    result = run(["plan", "--sample", "40", "--start", AS_OF, "--format", "text", "--lang", "en"])
    assert result.code == EXIT_OK
    out = result.out.splitlines()
    assert out[0] == (
        "Care calendar 2026-11-01 00:00 → 2026-12-01 00:00 (Asia/Ho_Chi_Minh), 40 customers"
    )
    expected = [
        item.describe("en")
        for item in demo_plan([2026]).schedule(
            sample_book(40), start=SAMPLE_AS_OF, end=SAMPLE_AS_OF + timedelta(days=30)
        )
    ]
    assert out[1:] == expected
    assert any(line.startswith("dropped: ") for line in out)


def test_plan_defaults_to_today_in_the_time_zone() -> None:
    def clock(tz: tzinfo) -> datetime:
        return datetime(2026, 11, 1, 15, 30, tzinfo=tz)

    result = run(["plan", "--sample", "10", "--tz", "Europe/Berlin"], now=clock)
    assert result.code == EXIT_OK
    assert "2026-11-01T00:00:00+01:00 to 2026-12-01T00:00:00+01:00 (Europe/Berlin)" in result.err


def test_plan_refuses_a_window_past_the_calendar() -> None:
    result = run(["plan", "--sample", "3", "--start", "9999-12-20", "--days", "30"])
    assert (result.code, result.out) == (EXIT_USAGE, "")
    assert result.err == (
        "khachhang: error: argument --days: 30 days from 9999-12-20 is past the year 9999\n"
    )
    last = run(["plan", "--sample", "3", "--start", "9999-12-20", "--days", "11"])
    assert last.code == EXIT_OK, last.err


def test_plan_start_without_offset_is_refused_with_the_zones_offset() -> None:
    result = run(["plan", "--sample", "3", "--start", "2026-11-01T08:00", "--tz", "Europe/Berlin"])
    assert result.code == EXIT_USAGE
    assert "needs a UTC offset, e.g. --start 2026-11-01T08:00:00+01:00" in result.err


@pytest.mark.parametrize("name", ["Mars/Olympus", "America", "../etc", "", "x" * 5000])
def test_plan_refuses_an_unknown_time_zone(name: str) -> None:
    result = run(["plan", "--sample", "10", "--tz", name])
    assert (result.code, result.out) == (EXIT_USAGE, "")
    assert result.err == f"khachhang: error: argument --tz: unknown time zone {name!r}\n"


def test_plan_stops_at_a_bad_line_and_plans_nothing() -> None:
    result = run(["plan", "--start", "2026-11-01"], lines(BOOK_LINES[0], "{"))
    assert (result.code, result.out) == (EXIT_BAD_DATA, "")
    assert "khachhang: line 2: $: not valid JSON" in result.err


# --- diagram --------------------------------------------------------------------------


def test_diagram_buying_is_the_buying_processes_mermaid() -> None:
    result = run(["diagram", "buying", "--lang", "en"])
    assert (result.code, result.out) == (EXIT_OK, to_mermaid(lang="en") + "\n")
    assert run(["diagram", "buying"]).out == to_mermaid(lang="vi") + "\n"


def test_diagram_lifecycle_and_buy_class() -> None:
    assert run(["diagram", "lifecycle"]).out == LIFECYCLE.to_mermaid(lang="vi") + "\n"
    from khachhang.buying import BuyClass

    rebuy = run(["diagram", "buying", "--buy-class", "straight_rebuy"]).out
    assert rebuy == to_mermaid(buy_class=BuyClass.STRAIGHT_REBUY) + "\n"
    assert run(["diagram", "lifecycle", "--buy-class", "straight_rebuy"]).code == EXIT_USAGE


@pytest.mark.parametrize("name", ["workflow", "complaint"])
def test_diagram_care_machines(name: str) -> None:
    from khachhang.care import COMPLAINT, WORKFLOW_RUN

    machine = WORKFLOW_RUN if name == "workflow" else COMPLAINT
    result = run(["diagram", name, "--lang", "en"])
    assert (result.code, result.out) == (EXIT_OK, machine.to_mermaid(lang="en") + "\n")
    assert run(["diagram", name]).out == machine.to_mermaid(lang="vi") + "\n"


# --- streams that fail ----------------------------------------------------------------


class Failing(io.StringIO):
    """A stream whose writes fail like a full disk."""

    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")


def test_a_failing_stderr_changes_nothing(rules: Path) -> None:
    out = io.StringIO()
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF, "--on-error=skip"]
    stdin = io.BytesIO(lines(BOOK_LINES[0], "{", BOOK_LINES[1]).encode())
    assert main(argv, stdin=stdin, stdout=out, stderr=Failing()) == EXIT_SKIPPED
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == [
        BOOK[0].id,
        BOOK[1].id,
    ]


def test_an_output_that_cannot_be_written_is_exit_code_74(rules: Path) -> None:
    err = io.StringIO()
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF]
    stdin = io.BytesIO(lines(*BOOK_LINES[:3]).encode())
    assert main(argv, stdin=stdin, stdout=Failing(), stderr=err) == EXIT_IO
    assert err.getvalue() == "khachhang: error: cannot write the output: No space left on device\n"


def test_an_input_that_cannot_be_read_is_exit_code_74(rules: Path) -> None:
    class Unreadable(io.BytesIO):
        def readline(self, size: int | None = -1) -> bytes:
            raise OSError(5, "Input/output error")

    err = io.StringIO()
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF]
    assert main(argv, stdin=Unreadable(), stdout=io.StringIO(), stderr=err) == EXIT_IO
    assert err.getvalue() == "khachhang: error: cannot read the input: Input/output error\n"


def test_closed_standard_streams_are_reported(rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``<&-`` and ``>&-`` leave ``sys.stdin``/``sys.stdout`` as None."""
    err = io.StringIO()
    monkeypatch.setattr("sys.stdin", None)
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF]
    assert main(argv, stdout=io.StringIO(), stderr=err) == EXIT_IO
    assert err.getvalue() == "khachhang: error: no input: stdin is closed\n"
    monkeypatch.setattr("sys.stdout", None)
    err = io.StringIO()
    assert main(["diagram", "buying"], stderr=err) == EXIT_IO
    assert err.getvalue() == "khachhang: error: cannot write the output: stdout is closed\n"
    monkeypatch.setattr("sys.stderr", None)
    out = io.StringIO()
    assert main(["diagram", "buying"], stdout=out) == EXIT_OK
    assert out.getvalue() == to_mermaid(lang="vi") + "\n"


@pytest.mark.parametrize(
    "error",
    [TypeError("unsupported operand\nsecond line"), IsADirectoryError("unsupported operand")],
)
def test_a_bug_is_one_line_and_exit_code_70(
    monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    """Not an output error either: only a failed write to stdout is exit code 74."""

    def broken(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr("khachhang.buying.to_mermaid", broken)
    result = run(["diagram", "buying"])
    assert (result.code, result.out) == (EXIT_INTERNAL, "")
    assert result.err == (
        f"khachhang: internal error: {type(error).__name__}: unsupported operand "
        "(a bug in khachhang: please report it with the command line)\n"
    )


# --- progress -------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_a_bar_on_a_terminal_at_most_every_interval() -> None:
    ticks = iter([0.0, 0.1, 0.25, 0.3, 0.5])
    stream = FakeTerminal()
    progress = Progress(stream, total=1000, clock=lambda: next(ticks))
    progress.update(10, 100)  # 0.1 s: too early
    assert stream.getvalue() == ""
    progress.update(25, 250)  # 0.25 s: drawn
    assert (
        stream.getvalue()
        == "\rkhachhang: [######------------------]  25%  25 lines  100 lines/s\x1b[K"
    )
    progress.update(30, 300)  # 0.3 s: throttled
    progress.update(50, 1000)  # 0.5 s
    assert stream.getvalue().endswith(
        "[########################] 100%  50 lines  100 lines/s\x1b[K"
    )
    progress.clear()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_progress_counts_lines_without_a_total_and_is_off_on_a_pipe() -> None:
    ticks = iter([0.0, 1.0])
    stream = FakeTerminal()
    progress = Progress(stream, clock=lambda: next(ticks))
    progress.update(5000, 0)
    assert stream.getvalue() == "\rkhachhang: 5,000 lines  5,000 lines/s\x1b[K"
    pipe = io.StringIO()
    quiet = Progress(pipe, clock=lambda: 100.0)
    quiet.update(5000, 0)
    quiet.clear()
    assert pipe.getvalue() == ""


def test_segment_shows_progress_on_a_terminal_and_clears_it(
    rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter(float(i) for i in range(10_000))
    monkeypatch.setattr("khachhang.cli._stream.time.monotonic", lambda: next(clock))
    err = FakeTerminal()
    result = run(
        ["segment", "--rules", str(rules), "--as-of", AS_OF], lines(*BOOK_LINES[:5]), stderr=err
    )
    assert result.code == EXIT_OK
    assert "\rkhachhang: 5 lines" in result.err
    assert "\r\x1b[Kkhachhang: segment: 5 lines read, 5 written" in result.err
    quiet = run(
        ["segment", "--rules", str(rules), "--as-of", AS_OF, "--quiet"],
        lines(*BOOK_LINES[:5]),
        stderr=FakeTerminal(),
    )
    assert quiet.err == ""


def test_no_bar_when_segment_writes_to_the_same_terminal(
    rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bar and streamed output on one terminal would share lines; explain's does not."""
    clock = iter(float(i) for i in range(10_000))
    monkeypatch.setattr("khachhang.cli._stream.time.monotonic", lambda: next(clock))
    err, out = FakeTerminal(), FakeTerminal()
    argv = ["--rules", str(rules), "--as-of", AS_OF]
    stdin = io.BytesIO(lines(*BOOK_LINES[:5]).encode())
    assert main(["segment", *argv], stdin=stdin, stdout=out, stderr=err) == EXIT_OK
    assert len(out.getvalue().splitlines()) == 5
    assert "\r" not in err.getvalue()
    assert err.getvalue().startswith("khachhang: segment: 5 lines read")
    err = FakeTerminal()
    stdin = io.BytesIO(lines(*BOOK_LINES[:5]).encode())
    explain = ["explain", *argv, "--customer", BOOK[4].id]
    assert main(explain, stdin=stdin, stdout=FakeTerminal(), stderr=err) == EXIT_OK
    assert "\rkhachhang: " in err.getvalue()


def test_a_file_on_stdin_gets_a_bar_with_the_percentage(
    rules: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter(float(i) for i in range(10_000))
    monkeypatch.setattr("khachhang.cli._stream.time.monotonic", lambda: next(clock))
    path = tmp_path / "customers.jsonl"
    path.write_text(lines(*BOOK_LINES[:4]), encoding="utf-8")
    err = FakeTerminal()
    with path.open("rb") as stdin:
        code = main(
            ["segment", "--rules", str(rules), "--as-of", AS_OF],
            stdin=stdin,
            stdout=io.StringIO(),
            stderr=err,
        )
    assert code == EXIT_OK
    assert "] 100%  4 lines  " in err.getvalue()
    assert "\rkhachhang: [" in err.getvalue()


# --- the outputs docs/cli.md shows ----------------------------------------------------

DOCS = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def _shown(lang: str) -> list[str]:
    """The bodies of the page's fenced blocks in ``lang``."""
    text = DOCS.read_text(encoding="utf-8")
    return re.findall(rf"^```{lang}\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def _head(text: str, n: int) -> str:
    return "".join(text.splitlines(keepends=True)[:n])


def test_the_outputs_shown_in_the_docs_are_the_real_ones(tmp_path: Path) -> None:
    """docs/cli.md's shell blocks run in tests/test_docs.py; here, their shown output."""
    texts = _shown("text")
    standard = tmp_path / "rules.json"
    standard.write_text(run(["rules", "standard"]).out, encoding="utf-8")
    as_of = ["--as-of", "2026-11-01"]
    tried = run(["segment", "--rules", str(standard), *as_of], run(["sample", "--size", "30"]).out)
    assert _head(tried.out, 3) in texts
    assert tried.err in texts
    internal = tmp_path / "internal.json"
    internal.write_text('{"op": "eq", "field": "scope", "value": "internal"}\n', encoding="utf-8")
    bad = run(["sample", "--size", "5"]).out + "{oops\n\n[1, 2]\n"
    skip = run(["segment", "--rules", str(internal), *as_of, "--on-error=skip"], bad)
    stop = run(["segment", "--rules", str(internal), *as_of], bad)
    assert f"{skip.err}exit code {skip.code}\n{stop.err}exit code {stop.code}\n" in texts
    explained = run(
        ["explain", "--rules", str(standard), "--customer", "KH-000003", *as_of, "--lang", "en"],
        run(["sample", "--size", "10"]).out,
    )
    assert _head(explained.out, 8) in texts
    window = ["--start", "2026-11-01", "--days"]
    calendar = run(["plan", "--sample", "40", *window, "7", "--format", "text", "--lang", "en"])
    assert _head(calendar.out, 4) in texts
    planned = run(["plan", *window, "30"], run(["sample", "--size", "60"]).out)
    first_drop = next(line for line in planned.out.splitlines() if '"type":"drop"' in line)
    assert first_drop + "\n" in _shown("json")
    assert run(["diagram", "lifecycle", "--lang", "en"]).out in _shown("mermaid")


def test_segment_warns_when_a_rule_compares_money_in_a_currency_the_customers_do_not_hold(
    rules: Path,
) -> None:
    """A rule in đồng selects no dollar customer: the run says so instead of a silent zero."""
    at = datetime(2026, 3, 1, tzinfo=timezone.utc)
    john = Customer("us-1", Person("John Smith"), created_at=at, currency="USD")
    john = john.add_purchase(Purchase("us-1-o", at, Money("95000", "USD")))
    result = run(["segment", "--rules", str(rules), "--as-of", AS_OF], lines(to_json(john)))
    assert result.code == EXIT_OK
    assert (
        "khachhang: segment: warning: segment 'high_value': 1 customer(s) in USD never match "
        "total_spent in VND (money is not converted)"
    ) in result.err
    in_dong = run(["segment", "--rules", str(rules), "--as-of", AS_OF], lines(BOOK_LINES[0]))
    assert "warning" not in in_dong.err


def test_a_misspelt_option_is_suggested_only_when_it_is_close() -> None:
    """``--id`` is not a typo of ``--mode``: no suggestion rather than a misleading one."""
    from khachhang.cli._base import closest

    assert closest("--id", ["--rules", "--name", "--mode", "--customer"]) is None
    assert closest("--rulse", ["--rules", "--name", "--mode"]) == "--rules"
    assert closest("segmnet", ["segment", "sample", "explain"]) == "segment"
