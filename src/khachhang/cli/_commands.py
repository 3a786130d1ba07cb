"""The commands: each ``add_…`` function adds a subparser whose ``handler`` runs it."""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from khachhang._format import format_datetime, format_number
from khachhang.cli._base import (
    DEFAULT_TZ,
    EXIT_NOT_FOUND,
    EXIT_OK,
    PROG,
    CommandError,
    Commands,
    Context,
    Parser,
    UsageError,
    fits,
    instant,
    json_dumper,
    write,
    zone,
)
from khachhang.cli._stream import (
    DEFAULT_MAX_LINE_BYTES,
    MAX_LINE_BYTES,
    CustomerLines,
    Progress,
    StopReadingError,
    input_size,
    is_terminal,
    no_terminal_input,
)
from khachhang.errors import ConversionError, KhachHangError

if TYPE_CHECKING:
    from khachhang.care import Drop, Touchpoint
    from khachhang.customers import Customer
    from khachhang.privacy import RedactionPolicy
    from khachhang.segmentation import Segmenter

MAX_SIZE = 1_000_000
_EXIT_CODES = (
    "exit codes: 0 done; 1 stopped at a bad line (--on-error=stop); 2 usage error or bad "
    "rules file; 3 done, bad lines skipped (--on-error=skip); 4 explain: no such customer; "
    "70 a bug in khachhang; 74 cannot read the input or write the output; 130 interrupted"
)
MAX_DAYS = 3660


def _size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        msg = f"expected a whole number, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not 1 <= value <= MAX_SIZE:
        msg = f"expected 1 to {MAX_SIZE:,}, got {value}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"expected 1 to {MAX_DAYS:,}, got {value}")
    return value


def _line_bytes(text: str) -> int:
    shown = repr(text) if len(text) <= 30 else f"{text[:20]!r}... ({len(text):,} characters)"
    try:
        value = int(text)
    except ValueError:  # also past Python's 4,300 digits
        raise argparse.ArgumentTypeError(f"expected a whole number, got {shown}") from None
    if not 2 <= value <= MAX_LINE_BYTES:
        msg = f"expected 2 to {MAX_LINE_BYTES:,} (64 MiB), got {shown}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=("vi", "en"),
        help="language of the output (default: vi) and of the messages on stderr "
        "(default: the locale's, LC_ALL/LC_MESSAGES/LANG, else en)",
    )


REDACT_KEY_VARIABLE = "KHACHHANG_REDACT_KEY"
"""The environment variable holding the key of ``--redact hash`` (at least 16 bytes)."""


def _redact_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--redact",
        nargs="?",
        const="mask",
        choices=("mask", "hash", "drop"),
        help="treat personal data in the output: mask (the default when given without a "
        "value), hash (stable pseudonyms keyed by the environment variable "
        f"{REDACT_KEY_VARIABLE}) or drop; see docs/privacy.md",
    )


def _redaction(
    args: argparse.Namespace, ctx: Context
) -> tuple[RedactionPolicy | None, bytes | None]:
    """The policy ``--redact`` asks for and the key it needs (``None``s without it)."""
    from khachhang.privacy import MIN_KEY_BYTES, RedactionPolicy

    choice = getattr(args, "redact", None)
    if choice is None:
        return None, None
    if choice == "mask":
        return RedactionPolicy.masking(), None
    if choice == "drop":
        return RedactionPolicy.dropping(), None
    key = ctx.environ.get(REDACT_KEY_VARIABLE, "").encode()
    if len(key) < MIN_KEY_BYTES:
        msg = (
            f"argument --redact: 'hash' needs a secret key of at least {MIN_KEY_BYTES} bytes "
            f"in the environment variable {REDACT_KEY_VARIABLE}"
        )
        raise UsageError(msg)
    return RedactionPolicy.pseudonymising(), key


def _reading() -> Parser:
    """Options of every command that reads customers from stdin."""
    parent = Parser(add_help=False)
    group = parent.add_argument_group("reading customers (JSON lines on stdin)")
    group.add_argument(
        "--on-error",
        choices=("stop", "skip"),
        default="stop",
        help="at a bad line: stop with exit code 1 (default), or skip it, go on and exit 3",
    )
    group.add_argument(
        "--max-line-bytes",
        type=_line_bytes,
        default=DEFAULT_MAX_LINE_BYTES,
        metavar="N",
        help=f"a longer line is a bad line (default: {DEFAULT_MAX_LINE_BYTES:,})",
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar, no summary unless skipped"
    )
    return parent


def _reader(
    args: argparse.Namespace, ctx: Context, *, watch: str | None = None, streams: bool = False
) -> CustomerLines:
    """The customers on stdin; ``streams``: the command writes while it reads (segment)."""
    no_terminal_input(ctx.stdin)
    progress = None
    # A command whose output streams to the terminal the bar is on would mix the two on
    # one line: the output is progress enough there.
    if not args.quiet and not (streams and is_terminal(ctx.stdout)):
        progress = Progress(ctx.stderr, total=input_size(ctx.stdin))
    return CustomerLines(
        ctx.stdin,
        ctx.stderr,
        on_error=args.on_error,
        max_line_bytes=args.max_line_bytes,
        progress=progress,
        watch=watch,
        lang=args.messages,
    )


def _as_of(args: argparse.Namespace, ctx: Context) -> datetime:
    tz = zone(DEFAULT_TZ)
    if args.as_of is None:  # the run's clock, to the second; echoed in the summary
        return ctx.now(tz).replace(microsecond=0)
    return instant(args.as_of, "--as-of", tz)


def _as_of_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as-of",
        metavar="ISO",
        help="evaluate at this instant: 2026-01-01T00:00:00+07:00, or a date (midnight in "
        "Vietnam); default: now, printed in the summary so the run can be repeated",
    )


# --- demo -----------------------------------------------------------------------------


def _demo(args: argparse.Namespace, ctx: Context) -> int:
    from khachhang.report import render_summary, summarize
    from khachhang.sample import SAMPLE_AS_OF, sample_book

    out = ctx.stdout
    book = sample_book(args.size, seed=args.seed, as_of=SAMPLE_AS_OF)
    summary = summarize(book, as_of=SAMPLE_AS_OF)
    if args.json:
        from khachhang.serde import to_dict

        data = to_dict(summary)
        text = json.dumps(data, ensure_ascii=False, indent=2)
        if not fits(text, out):  # \u escapes keep the JSON exact on any terminal
            text = json.dumps(data, ensure_ascii=True, indent=2)
        write(out, text)
    else:
        write(out, render_summary(summary, args.lang))
        for section in _demo_sections(book, args.lang):
            write(out, "")
            write(out, section)
    return EXIT_OK


def _demo_sections(book: Sequence[Customer], lang: str) -> list[str]:
    """The segmentation, buying, care and master-data parts of the demo, each rendered by
    its package."""
    from khachhang.cli._demo import buying, care, care_service, dedupe, master, segmentation
    from khachhang.sample import SAMPLE_AS_OF

    sections = (
        package.render(book, as_of=SAMPLE_AS_OF, lang=lang)
        for package in (segmentation, buying, care, care_service, master, dedupe)
    )
    return [section for section in sections if section]


def add_demo(commands: Commands) -> None:
    from khachhang.sample import SAMPLE_SEED

    parser = commands.add_parser(
        "demo",
        help="build the sample customer book and summarise it",
        description=(
            "Build a deterministic sample book of Vietnamese customers (the same seed "
            "gives the same book) and print a summary: counts by kind, role, lifecycle, "
            "source and province, and revenue by market."
        ),
    )
    _lang(parser)
    parser.add_argument(
        "--size", type=_size, default=1000, metavar="N", help="customers (default: 1000)"
    )
    parser.add_argument(
        "--seed", type=int, default=SAMPLE_SEED, metavar="S", help=f"default: {SAMPLE_SEED}"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the summary as JSON instead of text"
    )
    parser.set_defaults(handler=_demo)


# --- sample ---------------------------------------------------------------------------


def _sample(args: argparse.Namespace, ctx: Context) -> int:
    from khachhang.sample import SAMPLE_AS_OF, iter_sample_book
    from khachhang.serde import to_dict, to_json

    out = ctx.stdout
    # As segment's: on stderr when it is a terminal, not when the lines go to it too.
    progress = None
    if not args.quiet and not is_terminal(out):
        progress = Progress(ctx.stderr, total=args.size)
    exact = fits("Khách hàng ₫", out)
    dump = json_dumper(out)  # \u escapes for a stream that cannot hold Vietnamese
    policy, key = _redaction(args, ctx)

    def line(customer: Customer) -> str:
        if exact:
            return to_json(customer, redact=policy, key=key)
        return dump(to_dict(customer, redact=policy, key=key))

    book = iter_sample_book(args.size, seed=args.seed, as_of=SAMPLE_AS_OF)
    for number, customer in enumerate(book, 1):  # each line written as it is made
        out.write(line(customer) + "\n")
        if progress is not None:
            progress.update(number, number)
    if progress is not None:
        progress.clear()
    return EXIT_OK


def add_sample(commands: Commands) -> None:
    from khachhang.sample import SAMPLE_AS_OF, SAMPLE_SEED

    parser = commands.add_parser(
        "sample",
        help="write the sample customer book as JSON lines",
        description=(
            "Write the deterministic sample book (the demo's) to stdout, one customer per "
            "line as khachhang.serde.to_json writes it: input for segment, explain and plan. "
            f"Its data is as of {SAMPLE_AS_OF.isoformat()}."
        ),
    )
    parser.add_argument("--size", type=_size, default=1000, metavar="N", help="default: 1000")
    parser.add_argument(
        "--seed", type=int, default=SAMPLE_SEED, metavar="S", help=f"default: {SAMPLE_SEED}"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar (shown on a terminal)"
    )
    _redact_option(parser)
    parser.set_defaults(handler=_sample)


# --- rules ----------------------------------------------------------------------------

_BUILT_IN = ("standard", "kind", "lifecycle")


def _rules(args: argparse.Namespace, ctx: Context) -> int:
    from khachhang.segmentation import (
        Segmenter,
        kind_segmenter,
        lifecycle_segmenter,
        standard_segments,
    )
    from khachhang.serde import to_dict

    if args.name == "standard":
        segmenter = Segmenter(standard_segments(), mode=args.mode or "all")
    else:
        made = kind_segmenter() if args.name == "kind" else lifecycle_segmenter()
        segmenter = Segmenter(made.segments, mode=args.mode or made.mode)
    text = json.dumps(to_dict(segmenter), ensure_ascii=False, indent=2)
    if not fits(text, ctx.stdout):
        text = json.dumps(to_dict(segmenter), ensure_ascii=True, indent=2)
    write(ctx.stdout, text)
    return EXIT_OK


def add_rules(commands: Commands) -> None:
    parser = commands.add_parser(
        "rules",
        help="write a ready rules file (a Segmenter as JSON)",
        description=(
            "Write a built-in segmenter as JSON, ready for segment --rules: 'standard' "
            "(the standard groups; overlapping, so mode 'all' by default), 'kind' "
            "(internal/B2C/B2B/B2G/non-profit) or 'lifecycle' (one group per state)."
        ),
    )
    parser.add_argument("name", choices=_BUILT_IN, help="which segmenter")
    parser.add_argument("--mode", choices=("first", "all"), help="override the mode")
    parser.set_defaults(handler=_rules)


MAX_RULES_BYTES = 16 * 1024 * 1024
"""A rules file larger than this (16 MiB) is refused, never read whole."""


def _key(text: str) -> str:
    key = re.sub(r"[^a-z0-9_\-]+", "-", text.lower()).strip("-_")[:63]
    return key or "rule"


_A_CUSTOMER = (
    f"it holds customers: pipe them on stdin, `{PROG} segment --rules RULES.json < customers.jsonl`"
)


def _is_customer(data: object) -> bool:
    return isinstance(data, dict) and "id" in data and ("party" in data or "purchases" in data)


def _not_rules(head: bytes) -> str:
    """Why the start of a file shows it is not rules, or ``""``: JSON lines, customers.

    A rules file is one JSON document; a first line that is a whole JSON value followed
    by another line that starts one is JSON lines (a customer file passed by mistake).
    """
    first, newline, rest = head.removeprefix(b"\xef\xbb\xbf").partition(b"\n")
    if not newline or not first.strip() or rest.lstrip()[:1] not in (b"{", b"["):
        return ""
    try:
        data = json.loads(first)
    except (ValueError, RecursionError):  # "{" alone: a document over several lines
        return ""
    return _A_CUSTOMER if _is_customer(data) else "it is JSON lines, not one JSON document"


def load_segmenter(path: str, *, name: str | None = None, mode: str | None = None) -> Segmenter:
    """The segmenter in the rules file ``path``: a Segmenter, a RuleDocument or a rule.

    A single rule becomes one segment named ``name`` (default: the file name).
    """
    from khachhang.segmentation import Rule, RuleDocument, Segment, Segmenter
    from khachhang.serde import from_dict

    try:
        with Path(path).open("rb") as file:
            raw = file.read(MAX_RULES_BYTES + 1)
        mistake = _not_rules(raw)  # before the size: a customer file is usually large
        if mistake:
            raise UsageError(f"argument --rules: {path} is not a rules file: {mistake}")
        if len(raw) > MAX_RULES_BYTES:  # /dev/zero
            msg = f"argument --rules: {path} is larger than {MAX_RULES_BYTES:,} bytes"
            raise UsageError(msg)
        text = raw.decode("utf-8-sig")  # a byte-order mark (Windows editors) is fine
    except OSError as err:
        raise UsageError(f"argument --rules: cannot read {path}: {err.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"argument --rules: {path} is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise CommandError([f"{path}: $: nested too deeply"]) from None
    except ValueError as err:
        raise CommandError([f"{path}: $: not valid JSON: {err}"]) from None
    try:
        if isinstance(data, dict) and "segments" in data:
            segmenter = from_dict(data, Segmenter)
        elif isinstance(data, dict) and ("rule" in data or "op" in data):
            rule = from_dict(data, RuleDocument).rule if "rule" in data else from_dict(data, Rule)
            key = _key(name or Path(path).stem)
            segmenter = Segmenter([Segment(key, rule, name or key, name or key)])
        elif _is_customer(data):
            raise UsageError(f"argument --rules: {path} is not a rules file: {_A_CUSTOMER}")
        else:
            raise CommandError(
                [
                    f'{path}: $: expected a segmenter ({{"segments": [...], "mode": ...}}), '
                    'a rule document ({"version": 1, "rule": {...}}) or a rule ({"op": ...})'
                ]
            )
    except ConversionError as err:
        raise CommandError([f"{path}: {p}: {r}" for p, r in err.errors[:10]]) from None
    if mode is not None:
        segmenter = Segmenter(segmenter.segments, mode=mode)
    return segmenter


def _rules_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        required=True,
        metavar="RULES.json",
        help="a Segmenter, a RuleDocument or a rule as JSON (see `khachhang rules`)",
    )
    parser.add_argument(
        "--name", help="the segment name of a single-rule file (default: the file name)"
    )
    parser.add_argument(
        "--mode",
        choices=("first", "all"),
        help="first matching segment or every match (default: the file's mode)",
    )
    _as_of_option(parser)


# --- segment --------------------------------------------------------------------------


def _segment(args: argparse.Namespace, ctx: Context) -> int:
    segmenter = load_segmenter(args.rules, name=args.name, mode=args.mode)
    as_of = _as_of(args, ctx)
    if args.engine == "polars":
        if args.on_error != "stop":
            raise CommandError([f"{PROG}: segment: --on-error=skip needs --engine objects"])
        from khachhang.cli._columnar import segment_columnar

        return segment_columnar(
            segmenter, as_of=as_of, ctx=ctx, quiet=args.quiet, lang=args.messages
        )
    reader = _reader(args, ctx, streams=True)
    out = ctx.stdout
    dump = json_dumper(out)
    label = segmenter.assigner(as_of=as_of)  # the rules compiled once, not per line
    currencies = segmenter.currency_tally(as_of=as_of)
    written = 0
    for number, customer in reader.lines():
        try:
            keys = label(customer)
        except KhachHangError as err:  # a rule the customer's data cannot answer
            try:
                reader.reject(number, [("$", str(err))])
            except StopReadingError:  # --on-error=stop: reject() recorded where
                break
        else:
            out.write(dump({"id": customer.id, "segments": list(keys)}) + "\n")
            currencies.add(customer)
            written += 1
        del customer  # not held while the next line is built: one customer at a time
    for gap in currencies.gaps():  # a silent zero would read as "nobody": always said
        warning = "cảnh báo" if args.messages == "vi" else "warning"
        write(ctx.stderr, f"{PROG}: segment: {warning}: {gap.to_text(args.messages)}")
    lang = args.messages
    if lang == "vi":
        done = f"đã ghi {format_number(written, lang)}"
        when = f"tại thời điểm {format_datetime(as_of, lang, zone=True)}"
        extra = f"{when}, chế độ {segmenter.mode.label(lang)}"
    else:
        done = f"{format_number(written, lang)} written"
        extra = f"as of {as_of.isoformat()}, mode {segmenter.mode.value}"
    return reader.finish("segment", done, quiet=args.quiet, extra=extra)


def add_segment(commands: Commands) -> None:
    parser = commands.add_parser(
        "segment",
        parents=[_reading()],
        epilog=_EXIT_CODES,
        help="assign segments to customers (JSON lines in, JSON lines out)",
        description=(
            "Read customers as JSON lines on stdin and write one line per customer, "
            '{"id": ..., "segments": [...]}, in input order, streaming.'
        ),
    )
    _rules_options(parser)
    parser.add_argument(
        "--engine",
        choices=("objects", "polars"),
        default="objects",
        help=(
            "objects (default): read and validate each customer, streaming; polars: scan "
            "the export with Polars and segment it as a frame, several times faster on "
            "large exports khachhang wrote (it does not re-validate customers)"
        ),
    )
    _lang(parser)
    parser.set_defaults(handler=_segment)


# --- explain --------------------------------------------------------------------------

_EXPLAIN_TEXT = {
    "vi": {"as_of": "tại thời điểm", "assigned": "Các nhóm khớp", "none": "(không nhóm nào)"},
    "en": {"as_of": "as of", "assigned": "Matching segments", "none": "(none)"},
}


def _explain(args: argparse.Namespace, ctx: Context) -> int:
    segmenter = load_segmenter(args.rules, name=args.name, mode=args.mode)
    as_of = _as_of(args, ctx)
    reader = _reader(args, ctx, watch=args.customer)
    found: Customer | None = None
    found_on = 0
    for number, customer in reader.lines():
        if customer.id == args.customer:
            found, found_on = customer, number
            break
    if found is None:
        missing = "không tìm thấy khách hàng" if args.messages == "vi" else "customer not found"
        code = reader.finish("explain", missing, quiet=args.quiet)
        if reader.watched:  # the id is there, on a line that is not a valid customer
            numbers = ", ".join(str(n) for n in reader.watched)
            write(
                ctx.stderr,
                f"{PROG}: error: id {args.customer!r} is on bad line(s) {numbers} "
                "(see above): fix the line to explain it",
            )
        if reader.stopped_at is not None:
            return code
        if reader.watched:
            return EXIT_NOT_FOUND
        lang = args.messages
        read, skipped = format_number(reader.read, lang), format_number(reader.skipped_count, lang)
        if lang == "vi":
            hint = f"; đã bỏ qua {skipped} dòng lỗi, có thể là một trong số đó"
            message = f"lỗi: không có khách hàng mã {args.customer!r} trong {read} dòng"
        else:
            hint = f"; {skipped} bad line(s) skipped, it may be one of them"
            message = f"error: no customer with id {args.customer!r} in {read} lines"
        raise CommandError([message + (hint if reader.skipped_count else "")], EXIT_NOT_FOUND)
    code = reader.finish("explain", f"found on line {found_on}", quiet=True)
    text = _EXPLAIN_TEXT[args.lang]
    (keys,) = segmenter.assign((found,), as_of=as_of)
    out = ctx.stdout
    policy, key = _redaction(args, ctx)
    name = found.name
    if policy is not None:
        from khachhang.privacy import DataKind, redact

        name = str(redact(found.name, policy, key=key, kind=DataKind.NAME))
    shown = format_datetime(as_of, args.lang, zone=True)
    write(out, f"{found.id} — {name} ({text['as_of']} {shown})")
    write(
        out,
        f"{text['assigned']} ({segmenter.mode.label(args.lang).lower()}): "
        f"{', '.join(keys) if keys else text['none']}",
    )
    for segment in segmenter.segments:
        write(out, "")
        write(out, f"{segment.key} — {segment.label(args.lang)}")
        write(out, segment.rule.explain(found, as_of=as_of).to_text(args.lang))
    return code


def add_explain(commands: Commands) -> None:
    parser = commands.add_parser(
        "explain",
        parents=[_reading()],
        epilog=_EXIT_CODES,
        help="explain one customer's segments, node by node",
        description=(
            "Read customers as JSON lines on stdin until the one with --customer ID, and "
            "print, for each segment, the rule's tree with each node's result and the value "
            "it saw. Exit code 4 when no line has the id."
        ),
    )
    parser.add_argument("--customer", required=True, metavar="ID", help="the customer's id")
    _rules_options(parser)
    _lang(parser)
    _redact_option(parser)
    parser.set_defaults(handler=_explain)


# --- plan -----------------------------------------------------------------------------


def _plan(args: argparse.Namespace, ctx: Context) -> int:
    from khachhang.care import Drop, Touchpoint
    from khachhang.cli._demo.care import demo_plan
    from khachhang.serde import to_dict

    tz = zone(args.tz)
    if args.start is None:
        start = datetime.combine(ctx.now(tz).date(), datetime.min.time(), tzinfo=tz)
    else:
        start = instant(args.start, "--start", tz)
    try:
        end = start + timedelta(days=args.days)
    except OverflowError:
        msg = f"argument --days: {args.days} days from {start.date()} is past the year 9999"
        raise UsageError(msg) from None
    reader: CustomerLines | None = None
    book: Sequence[Customer]
    if args.sample is not None:
        from khachhang.sample import SAMPLE_AS_OF, sample_book

        book = sample_book(args.sample, as_of=SAMPLE_AS_OF)
    else:
        reader = _reader(args, ctx)
        book = [customer for _, customer in reader.lines()]
        if reader.stopped_at is not None:
            nothing = "chưa lên lịch gì" if args.messages == "vi" else "nothing planned"
            return reader.finish("plan", nothing, quiet=args.quiet)
        if reader.progress is not None:
            reader.progress.clear()
    policy, key = _redaction(args, ctx)
    plan = demo_plan(range(start.year, end.year + 1))
    out = ctx.stdout
    dump = json_dumper(out)
    counts: Counter[str] = Counter()
    if args.format == "text":
        lang = args.lang
        window = f"{format_datetime(start, lang)} → {format_datetime(end, lang)} ({args.tz})"
        size = format_number(len(book), lang)
        write(out, f"{_PLAN_TITLE[lang]} {window}, {size} {_CUSTOMERS[lang]}")
    for item in plan.schedule(book, start=start, end=end, tz=args.tz):
        if isinstance(item, Touchpoint):
            counts["touchpoints"] += 1
            kind = "touchpoint"
        else:
            assert isinstance(item, Drop)
            counts["drops"] += 1
            kind = "drop"
        if args.format == "text":
            shown = item if policy is None else _redacted(item, policy, key)
            write(out, shown.describe(args.lang))
        else:
            out.write(dump({"type": kind, **to_dict(item, redact=policy, key=key)}) + "\n")
    lang = args.messages
    text = _PLAN_SUMMARY[lang]
    extra = text["extra"].format(
        touchpoints=format_number(counts["touchpoints"], lang),
        drops=format_number(counts["drops"], lang),
        start=format_datetime(start, lang, zone=True) if lang == "vi" else start.isoformat(),
        end=format_datetime(end, lang, zone=True) if lang == "vi" else end.isoformat(),
        tz=args.tz,
    )
    size = format_number(len(book), lang)
    if reader is None:
        if not args.quiet:
            write(ctx.stderr, f"{PROG}: plan: {text['sample'].format(n=size)}; {extra}")
        return EXIT_OK
    return reader.finish("plan", text["book"].format(n=size), quiet=args.quiet, extra=extra)


_PLAN_SUMMARY = {
    "en": {
        "extra": "{touchpoints} touchpoints, {drops} dropped, {start} to {end} ({tz})",
        "sample": "{n} sample customers",
        "book": "{n} customers",
    },
    "vi": {
        "extra": "{touchpoints} điểm chạm, {drops} bị bỏ, từ {start} đến {end} ({tz})",
        "sample": "{n} khách hàng mẫu",
        "book": "{n} khách hàng",
    },
}


def _redacted(item: Touchpoint | Drop, policy: RedactionPolicy, key: bytes | None) -> Any:
    """A touchpoint or drop whose customer id and note are shown as ``policy`` treats them."""
    import attrs

    from khachhang.care import Drop
    from khachhang.privacy import DataKind, redact

    touchpoint = item.touchpoint if isinstance(item, Drop) else item
    customer_id = redact(touchpoint.customer_id, policy, key=key, kind=DataKind.IDENTIFIER)
    note = redact(touchpoint.note, policy, key=key, kind=DataKind.NOTE) if touchpoint.note else ""
    shown = attrs.evolve(
        touchpoint,
        customer_id=customer_id if isinstance(customer_id, str) else "***",
        note=note if isinstance(note, str) else "",
    )
    return attrs.evolve(item, touchpoint=shown) if isinstance(item, Drop) else shown


_PLAN_TITLE = {"vi": "Lịch chăm sóc khách hàng", "en": "Care calendar"}
_CUSTOMERS = {"vi": "khách hàng", "en": "customers"}


def add_plan(commands: Commands) -> None:
    parser = commands.add_parser(
        "plan",
        parents=[_reading()],
        epilog=_EXIT_CODES,
        help="the care touchpoints of the next N days, and the drops with reasons",
        description=(
            "Plan care for the customers on stdin (or the sample book with --sample N) "
            "with the demo's care plan: follow-ups 3 days and 1 month after a purchase, "
            "birthdays, relationship anniversaries and fixed-date holidays; quiet hours "
            "21:00-08:00; at most 2 touchpoints per customer per week. The customers are "
            "held in memory (the plan makes a pass per month)."
        ),
    )
    parser.add_argument(
        "--days", type=_days, default=30, metavar="N", help="window length (default: 30)"
    )
    parser.add_argument(
        "--start",
        metavar="ISO",
        help="window start: a date (midnight in --tz) or a datetime with offset; "
        "default: today's midnight in --tz, printed in the summary",
    )
    parser.add_argument("--tz", default=DEFAULT_TZ, help=f"time zone (default: {DEFAULT_TZ})")
    parser.add_argument(
        "--sample", type=_size, metavar="N", help="plan for the sample book instead of stdin"
    )
    parser.add_argument(
        "--format",
        choices=("jsonl", "text"),
        default="jsonl",
        help='jsonl: one {"type": "touchpoint"|"drop", ...} per line (default); text: a '
        "readable calendar",
    )
    _lang(parser)
    _redact_option(parser)
    parser.set_defaults(handler=_plan)


# --- diagram --------------------------------------------------------------------------

_DIAGRAMS = ("buying", "lifecycle", "workflow", "complaint")


def _diagram(args: argparse.Namespace, ctx: Context) -> int:
    if args.name == "buying":
        from khachhang.buying import BuyClass, to_mermaid

        buy_class = None if args.buy_class is None else BuyClass.parse(args.buy_class)
        text = to_mermaid(buy_class=buy_class, lang=args.lang)
    elif args.buy_class is not None:
        raise UsageError("argument --buy-class: only for 'diagram buying'")
    elif args.name == "lifecycle":
        from khachhang.customers import LIFECYCLE

        text = LIFECYCLE.to_mermaid(lang=args.lang)
    elif args.name == "workflow":
        from khachhang.care import WORKFLOW_RUN

        text = WORKFLOW_RUN.to_mermaid(lang=args.lang)
    else:
        from khachhang.care import COMPLAINT

        text = COMPLAINT.to_mermaid(lang=args.lang)
    write(ctx.stdout, text)
    return EXIT_OK


def add_diagram(commands: Commands) -> None:
    from khachhang.buying import BuyClass

    parser = commands.add_parser(
        "diagram",
        help="print a state machine as a Mermaid diagram",
        description=(
            "Print a Mermaid stateDiagram-v2: 'buying' (the 8-stage B2B buying process), "
            "'lifecycle' (a customer's lifecycle), 'workflow' (a care workflow run) or "
            "'complaint' (a complaint)."
        ),
    )
    parser.add_argument("name", choices=_DIAGRAMS, help="which machine")
    parser.add_argument(
        "--buy-class",
        choices=[member.value for member in BuyClass],
        help="buying: mark the steps the buygrid skips for this buy class",
    )
    _lang(parser)
    parser.set_defaults(handler=_diagram)


COMMANDS = (add_demo, add_sample, add_rules, add_segment, add_explain, add_plan, add_diagram)
"""One function per command; each adds its subparser and sets ``handler``."""
