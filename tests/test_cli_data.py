"""The data commands in process: ``main([...])`` with injected streams and clock.

sample, rules, segment, explain, plan and diagram; bad lines with their line number and
field path; the error policy and exit codes; the summary; the progress bar.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khachhang import Customer
from khachhang.buying import to_mermaid
from khachhang.care import Touchpoint
from khachhang.care._demo import demo_plan
from khachhang.cli import (
    EXIT_BAD_DATA,
    EXIT_INTERRUPTED,
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_SKIPPED,
    EXIT_USAGE,
    main,
)
from khachhang.cli._stream import Progress
from khachhang.customers import LIFECYCLE
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

AS_OF = "2026-11-01T00:00:00+07:00"
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


@settings(max_examples=15)
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


@settings(max_examples=15)
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


@pytest.mark.parametrize("value", ["2026-11-01T00:00:00", "yesterday", "2026-13-01"])
def test_an_as_of_without_offset_or_unreadable_is_a_usage_error(rules: Path, value: str) -> None:
    result = run(["segment", "--rules", str(rules), "--as-of", value], "")
    assert (result.code, result.out) == (EXIT_USAGE, "")
    assert result.err.startswith("khachhang: error: argument --as-of: ")


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
    assert flags == [bool(c.purchases_until(SAMPLE_AS_OF)) for c in BOOK]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "rules.json: $: not valid JSON: "),
        ("[1]", "rules.json: $: expected a segmenter"),
        ('{"version": 1, "rule": {"op": "gt", "field": "orders", "value": "x"}}', "rules.json: $"),
        ('{"segments": [{"key": "A B"}]}', "rules.json: $.segments"),
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
    assert result.out.startswith(f"{target.id} — {target.name} (as of {AS_OF})\n")
    assert f"Assigned segments (Every matching segment): {', '.join(keys)}\n" in result.out
    for segment in STANDARD.segments:
        tree = segment.rule.explain(target, as_of=SAMPLE_AS_OF).to_text("en")
        assert f"\n{segment.key} — {segment.label('en')}\n{tree}\n" in result.out
    assert "Nhóm được gán" in run(argv, lines(*BOOK_LINES)).out


def test_explain_stops_reading_at_the_customer(rules: Path) -> None:
    argv = ["explain", "--rules", str(rules), "--customer", BOOK[1].id, "--as-of", AS_OF]
    result = run(argv, lines(*BOOK_LINES[:2], "{ not read"))
    assert result.code == EXIT_OK


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


def test_plan_refuses_an_unknown_time_zone() -> None:
    result = run(["plan", "--sample", "10", "--tz", "Mars/Olympus"])
    assert result.code == EXIT_USAGE
    assert "unknown time zone 'Mars/Olympus'" in result.err


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
    result = run(["diagram", name, "--lang", "en"])
    assert result.code == EXIT_OK
    assert result.out.startswith("stateDiagram-v2\n")


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


def test_a_customer_the_rules_cannot_answer_is_a_bad_line(
    rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from khachhang.errors import RuleError

    original = Segmenter.assign

    def assign(self: Segmenter, customers: Any, **kwargs: Any) -> list[tuple[str, ...]]:
        customers = tuple(customers)
        if customers[0].id == BOOK[1].id:
            raise RuleError("age", "cannot be evaluated")
        return original(self, customers, **kwargs)

    monkeypatch.setattr(Segmenter, "assign", assign)
    argv = ["segment", "--rules", str(rules), "--as-of", AS_OF, "--on-error", "skip"]
    result = run(argv, lines(*BOOK_LINES[:3]))
    assert result.code == EXIT_SKIPPED
    assert "khachhang: line 2: $: age: cannot be evaluated" in result.err
    assert [row["id"] for row in result.rows] == [BOOK[0].id, BOOK[2].id]
