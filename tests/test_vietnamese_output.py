"""Vietnamese mode is Vietnamese: every label, CLI text and view, with Vietnamese dates and numbers.

Renders every BilingualEnum member's Vietnamese label, every CLI command's text output
(``--lang vi``, the built-in sample data) and every HTML and Markdown view of the sample's
models, and fails on an English word, an ISO date or instant, or a "," between thousands.

An English word is an ASCII-only word that is not a Vietnamese syllable written without
tone marks (``Minh``, ``trong``, ``Tin``), not an all-capitals code (``SMS``, ``VAT``,
``KH``) and not in the short allow-list below. JSON output (``sample``, ``segment``,
``rules``, ``plan --format jsonl``) is data, not text, and stays ISO.
"""

from __future__ import annotations

import contextlib
import html
import importlib
import io
import pkgutil
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

import khachhang
from khachhang import to_json
from khachhang.care import POST_SALE
from khachhang.cli import main
from khachhang.cli._demo import buying as buying_demo
from khachhang.cli._demo.care import demo_plan
from khachhang.cli._demo.care_service import demo_complaints
from khachhang.cli._demo.segmentation import demo_rule
from khachhang.labels import BilingualEnum
from khachhang.sample import SAMPLE_AS_OF, sample_book
from khachhang.segmentation import AssignMode, Segmenter, standard_segments
from khachhang.views import to_html, to_markdown

ALLOWED = frozenset(
    {
        # channel and brand names the glossary keeps as they are ("Email", and the
        # loanword in running text: "địa chỉ email")
        "Email",
        "email",
        "Zalo",
        "Facebook",
        "Google",
        # loanwords Vietnamese marketing writes as they are ("Nội dung (blog, video, podcast)")
        "blog",
        "video",
        "podcast",
        # the IANA time-zone name a plan is in (Asia/Ho_Chi_Minh)
        "Asia",
    }
)

# One Vietnamese syllable written without tone marks: onset, vowel nucleus, coda.
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnprstvx])?"
    r"(?:oai|oay|uay|uya|uyu|uye|ieu|yeu|uoi|oa|oe|uy|ua|ue|ia|ai|ao|au|ay|eo|iu|oi|ui|ie|ye|uo"
    r"|[aeiouy])"
    r"(?:ch|ng|nh|[cmnpt])?",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+")
_ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d{2}:\d{2}:\d{2}\b|\d{4}-\d{2}-\d{2}T")
_THOUSANDS = re.compile(r"\d,\d{3}(?!\d)")
_TAG = re.compile(r"<style.*?</style>|<[^>]+>", re.DOTALL)


def english_words(text: str) -> list[str]:
    """The words of ``text`` that are neither Vietnamese, a code nor allowed."""
    found = []
    for word in _WORD.findall(text):
        if not word.isascii() or word in ALLOWED or word.isupper():
            continue
        if _SYLLABLE.fullmatch(word):
            continue
        found.append(word)
    return found


_EMAIL = re.compile(r"\S+@\S+")


def problems(text: str, identifiers: frozenset[str] = frozenset()) -> list[str]:
    """What in ``text`` is not Vietnamese-mode output: English, ISO dates, "," thousands.

    ``identifiers`` (segment keys, rule names: what a user types, not prose) and e-mail
    addresses are left out.
    """
    text = _EMAIL.sub(" ", re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", text))
    if identifiers:
        names = "|".join(re.escape(i) for i in sorted(identifiers, key=len, reverse=True))
        text = re.sub(rf"(?<![\w-])(?:{names})(?![\w-])", " ", text)
    return (
        [f"English {w!r}" for w in english_words(text)]
        + [f"ISO date {m!r}" for m in _ISO.findall(text)]
        + [f"thousands {m!r}" for m in _THOUSANDS.findall(text)]
    )


def visible(markup: str) -> str:
    """The text a reader sees in an HTML view: no tags, attributes or style sheets."""
    return html.unescape(_TAG.sub(" ", markup))


_MERMAID_SYNTAX = re.compile(
    r"stateDiagram-v2|state |note |end note|classDef |class |```|\[\*\]|\w+ -->"
)


def mermaid_text(diagram: str) -> str:
    """The words a Mermaid diagram shows: state names, transition labels and notes."""
    shown = re.findall(r'"([^"]*)"', diagram)
    for line in diagram.splitlines():
        line = line.strip()
        if "-->" in line and ": " in line:
            shown.append(line.split(": ", 1)[1])
        elif line and not re.match(
            r"(stateDiagram-v2|state |note |end note|classDef |class |```|\[\*\]|\w+ -->)", line
        ):
            shown.append(line)
    return "\n".join(shown)


def test_the_check_catches_english_iso_dates_and_commas() -> None:
    """The check itself: each kind of leak is found, Vietnamese and codes pass."""
    assert problems("Nguyễn Minh Long (KH-000001) · Tin nhắn SMS · 1.586 · 09:00 01/11/2026") == []
    assert problems("(follow-up: KH-1)") == ["English 'follow'"]
    assert problems("2026-11-01") == ["ISO date '2026-11-01'"]
    assert problems("2026-10-28T16:18:00+07:00") != []
    assert problems("23,570 dòng") == ["thousands '3,570'"]
    assert problems("5,5%") == []


def _enums() -> Iterator[type[BilingualEnum]]:
    for module in pkgutil.walk_packages(khachhang.__path__, "khachhang."):
        if module.name != "khachhang.__main__":  # it runs the command line
            importlib.import_module(module.name)
    stack = list(BilingualEnum.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("khachhang."):
            yield cls


def test_every_vietnamese_label_is_vietnamese() -> None:
    """Every member of every BilingualEnum of the library."""
    found = {
        f"{cls.__name__}.{member.name}: {member.label_vi!r}: {problem}"
        for cls in _enums()
        for member in cls
        for problem in problems(member.label_vi)
    }
    assert sorted(found) == []


@pytest.fixture(scope="module")
def sample_lines() -> bytes:
    book = sample_book(120)
    return "".join(to_json(c) + "\n" for c in book).encode("utf-8")


@pytest.fixture(scope="module")
def rules_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rules") / "standard.json"
    path.write_text(to_json(Segmenter(standard_segments(), AssignMode.ALL)), encoding="utf-8")
    return path


def _run(argv: list[str], stdin: bytes = b"") -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdin=io.BytesIO(stdin), stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    return out.getvalue(), err.getvalue()


# Segment keys and care rule names are identifiers a user types (``explain`` and the
# views show them beside their labels), not prose.
# The buying demo's supplier ids (NCC-ChungToi) and the program's and commands' names
# (the "khachhang: plan: " before each message) too.
IDENTIFIERS = frozenset(
    {"khachhang", "demo", "sample", "rules", "segment", "explain", "plan", "diagram"}
    | {s.key for s in standard_segments()}
    | {r.name for r in demo_plan([2026]).rules}
    | {buying_demo._US, buying_demo._RIVAL}
)


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--size", "300"],
        ["plan", "--sample", "150", "--format", "text", "--start", "2026-11-01", "--days", "62"],
        ["explain", "--customer", "KH-000003", "--as-of", "2026-11-01T00:00+07:00"],
    ],
    ids=["demo", "plan", "explain"],
)
def test_every_cli_text_output_is_vietnamese(
    argv: list[str], sample_lines: bytes, rules_file: Path
) -> None:
    """The text commands with --lang vi, on the built-in sample."""
    if argv[0] == "explain":
        argv = [*argv, "--rules", str(rules_file)]
    out, err = _run([*argv, "--lang", "vi"], sample_lines)
    assert problems(out, IDENTIFIERS) == []
    assert problems(err, IDENTIFIERS) == []


@pytest.mark.parametrize("name", ["buying", "lifecycle", "workflow", "complaint"])
def test_every_diagram_is_vietnamese(name: str) -> None:
    """diagram NAME --lang vi: state names, moves and notes (Mermaid's own syntax aside)."""
    out, _ = _run(["diagram", name, "--lang", "vi"])
    assert problems(mermaid_text(out)) == []


def _models() -> Iterator[tuple[str, object]]:
    book = sample_book(200)
    as_of = SAMPLE_AS_OF
    buyer = next(c for c in book if c.orders > 3)
    yield "Customer", buyer
    rule = demo_rule()
    yield "Rule", rule
    yield "Explanation", rule.explain(buyer, as_of=as_of)
    segmenter = Segmenter(standard_segments(), AssignMode.ALL)
    yield "Segmenter", segmenter
    yield "Segment", segmenter.segments[0]
    yield "BuyingProcess", buying_demo._walk(buyer, as_of)
    plan = demo_plan([as_of.year])
    yield "CarePlan", plan
    agenda = plan.agenda(book, start=as_of, end=as_of + timedelta(days=40))
    yield "Agenda", agenda
    yield "Touchpoint", agenda.touchpoints[0]
    yield "Drop", agenda.drops[0]
    yield "WorkflowRun", POST_SALE.start(buyer.id, at=as_of)
    for complaint in demo_complaints(book, as_of):
        yield "Complaint", complaint


def test_every_view_is_vietnamese() -> None:
    """to_html and to_markdown of every model with a view, from the sample and the demo."""
    found = []
    for name, value in _models():
        texts = [visible(to_html(value, "vi"))]
        with contextlib.suppress(khachhang.ValidationError):  # no Markdown view
            texts.append(mermaid_text(to_markdown(value, "vi")))
        found += [f"{name}: {p}" for text in texts for p in problems(text, IDENTIFIERS)]
    assert sorted(set(found)) == []
