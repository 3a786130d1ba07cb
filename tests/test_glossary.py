"""The glossary (docs/glossary.md) is the single source of the library's wording.

Its tables map each concept to one Vietnamese and one English term and name where the
library shows it; these tests read the page and check the labels against it. The tone
mark test keeps one spelling style in the sources, the docs and the README.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

import khachhang
from khachhang.labels import BilingualEnum
from khachhang.segmentation import RFM_GRID, standard_segments
from khachhang.segmentation.fields import DEFAULT_REGISTRY

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "glossary.md"

Terms = tuple[str, str]


def _enum_classes() -> dict[str, type[BilingualEnum]]:
    found: dict[str, type[BilingualEnum]] = {}
    for info in pkgutil.walk_packages(khachhang.__path__, "khachhang."):
        if info.name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError as exc:  # an optional extra that is not installed
            if exc.name and not exc.name.startswith("khachhang"):
                continue
            raise
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BilingualEnum)
                and value is not BilingualEnum
                and len(value)
            ):
                found[value.__name__] = value
    return found


def _headings() -> dict[str, Terms]:
    from khachhang.report import _TEXT
    from khachhang.views._html import word

    shown = {f"report:{key}": pair for key, pair in _TEXT.items()}
    for key in ("lifecycle", "roles", "source", "spent", "buygrid", "kind", "stage"):
        shown[f"view:{key}"] = (word(key, "vi"), word(key, "en"))
    return shown


def _labels() -> dict[str, Terms]:
    """Every label the library shows, by glossary reference."""
    labels: dict[str, Terms] = {}
    for name, cls in _enum_classes().items():
        for member in cls:
            labels[f"{name}.{member.name}"] = (member.label_vi, member.label_en)
    for segment in standard_segments():
        labels[f"segment:{segment.key}"] = (segment.label_vi, segment.label_en)
    for grid_segment in RFM_GRID.segments:
        labels[f"rfm:{grid_segment.key}"] = (grid_segment.label_vi, grid_segment.label_en)
    for field in DEFAULT_REGISTRY:
        labels[f"field:{field.name}"] = (field.label_vi, field.label_en)
    return labels


def _rows(heading: str) -> Iterator[list[str]]:
    """The body rows of every table under the ``## heading`` section of the glossary."""
    text = GLOSSARY.read_text(encoding="utf-8")
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith(("| tiếng Việt |", "| not used |")):
            yield [cell.strip() for cell in line.strip("|").split("|")]


def _glossary() -> dict[str, tuple[str, str, str]]:
    """Reference -> (Vietnamese term, English term, the row's Vietnamese term as its key)."""
    found: dict[str, tuple[str, str, str]] = {}
    for vi, en, refs in _rows("Terms"):
        for ref in re.findall(r"`([^`]+)`", refs):
            assert ref not in found, f"{ref} is listed twice in the glossary"
            found[ref] = (vi, en, vi)
    return found


def _plural(term: str) -> str:
    def one(part: str) -> str:
        head, _, last = part.rpartition(" ")
        last = last[:-1] + "ies" if last.endswith("y") else last + "s"
        return f"{head} {last}".strip()

    return " / ".join(one(part) for part in term.split(" / "))


GLOSSED = _glossary()
LABELS = _labels()
HEADINGS = _headings()


def test_the_glossary_lists_labels_of_every_kind() -> None:
    """Guards the tests below against passing on an empty or unparsed page."""
    kinds = {ref.split(":")[0] if ":" in ref else "enum" for ref in GLOSSED}
    assert {"enum", "segment", "rfm", "field", "report", "view"} <= kinds
    assert GLOSSED["Lifecycle.LOYAL"][:2] == ("Khách hàng trung thành", "Loyal customer")
    assert GLOSSED["view:buygrid"][:2] == ("Lưới mua hàng", "Buygrid")


@pytest.mark.parametrize("ref", sorted(LABELS))
def test_every_label_is_the_glossary_term_for_its_concept(ref: str) -> None:
    assert ref in GLOSSED, f"{ref} {LABELS[ref]} is missing from docs/glossary.md"
    vi, en, _ = GLOSSED[ref]
    shown_vi, shown_en = LABELS[ref]
    assert shown_vi == vi, f"{ref}: label {shown_vi!r}, glossary {vi!r}"
    english = {en, _plural(en)} if ref.startswith("segment:") else {en}
    assert shown_en in english, f"{ref}: label {shown_en!r}, glossary {en!r}"


def test_every_glossary_reference_names_something_the_library_shows() -> None:
    unknown = sorted(set(GLOSSED) - set(LABELS) - set(HEADINGS))
    assert not unknown, f"the glossary names what the library does not have: {unknown}"


@pytest.mark.parametrize("ref", sorted(r for r in GLOSSED if r.split(":")[0] in {"report", "view"}))
def test_a_heading_starts_with_the_glossary_term(ref: str) -> None:
    """A heading may add a qualifier in brackets, never another word for the concept."""
    vi, en, _ = GLOSSED[ref]
    shown_vi, shown_en = HEADINGS[ref]
    assert shown_vi == vi or shown_vi.startswith(f"{vi} ("), (ref, shown_vi, vi)
    english = (en, _plural(en))
    assert shown_en in english or shown_en.startswith(tuple(f"{e} (" for e in english)), (
        ref,
        shown_en,
        en,
    )


@pytest.mark.parametrize("lang", [0, 1], ids=["vi", "en"])
def test_two_concepts_never_share_a_label(lang: int) -> None:
    """One term per concept both ways: a label shown twice belongs to one glossary row."""
    rows: dict[str, set[str]] = {}
    for ref, terms in LABELS.items():
        rows.setdefault(terms[lang], set()).add(GLOSSED.get(ref, ("", "", ref))[2])
    shared = {label: sorted(keys) for label, keys in rows.items() if len(keys) > 1}
    assert not shared, f"labels shared by different concepts: {shared}"


def test_no_label_or_heading_uses_a_word_the_glossary_retired() -> None:
    retired = [row[0] for row in _rows("Not used")]
    assert "Thư điện tử" in retired
    shown = [*LABELS.items(), *HEADINGS.items()]
    hits = [
        (ref, text, word)
        for ref, pair in shown
        for text in pair
        for word in retired
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE)
    ]
    assert not hits, hits


# --- what users read cites concepts, not the project's internal notes -----------------

_INTERNAL_CITATION = re.compile(
    r"\bseeds? \d{3}\b|\bseeds?'|\bseed's\b|\bthe seeds\b|\bdesign card\b|§", re.IGNORECASE
)


def _user_facing_text() -> Iterator[tuple[str, str]]:
    yield "README.md", (ROOT / "README.md").read_text(encoding="utf-8")
    for page in sorted((ROOT / "docs").rglob("*.md")):
        yield str(page.relative_to(ROOT)), page.read_text(encoding="utf-8")
    for path in sorted((ROOT / "src" / "khachhang").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node)
                if doc:
                    yield f"{path.relative_to(ROOT)}:{getattr(node, 'name', '')}", doc
    for segment in standard_segments():
        yield f"segment:{segment.key}", f"{segment.description} {segment.description_en}"


def test_the_citation_check_sees_a_seed_reference() -> None:
    assert _INTERNAL_CITATION.search("as seed 004 § 5.1 says")
    assert not _INTERNAL_CITATION.search("the same seed gives the same book (Kotler)")


def test_docs_docstrings_and_segments_cite_no_internal_source() -> None:
    """Users cannot read the seed articles: cite the concept, or the literature."""
    found = [where for where, text in _user_facing_text() if _INTERNAL_CITATION.search(text)]
    assert not found, found


# --- tone marks -------------------------------------------------------------------------

_TONED_A_E = "àáảãạèéẻẽẹ"
_TONED_Y = "ỳýỷỹỵ"
_OLD_PLACEMENT = re.compile(
    rf"\w*(?<![qQ])(?:[oO][{_TONED_A_E}{_TONED_A_E.upper()}]|[uU][{_TONED_Y}{_TONED_Y.upper()}])"
    r"(?!\w)"
)
"""An open oa/oe/uy with the mark on the second vowel ("hoá", "thuỷ"): the style not used."""


def _old_placements(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text)
    return [m.group(0) for m in _OLD_PLACEMENT.finditer(text)]


def test_the_tone_mark_check_knows_both_styles() -> None:
    """Written with escapes so that this file itself passes the check."""
    old = "ho\u00e1 hu\u1ef7 ho\u1ea1 kho\u1ebb thu\u1ef7 Ho\u00e0"
    assert _old_placements(old) == old.split()
    assert _old_placements(unicodedata.normalize("NFD", old)) == old.split()
    new = "hóa hủy họa khỏe thủy Hòa hoàn hoạch thuyền quý quỳ khuya của mùa"
    assert _old_placements(new) == []


def _spelling_files() -> Iterator[Path]:
    yield ROOT / "README.md"
    for folder, suffixes in (("src", {".py"}), ("docs", {".md"}), ("examples", {".py", ".md"})):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in suffixes and path.is_file():
                yield path


def _checked_text(path: Path) -> str:
    """The file's text; for the glossary, without the column that shows the style not used."""
    text = path.read_text(encoding="utf-8")
    if path == GLOSSARY:
        table = text.split("| write | not |", 1)[1].split("\n\n", 1)[0]
        shown = "\n".join(line.rsplit("|", 2)[0] for line in table.splitlines())
        text = text.replace(table, shown)
    return text


def test_sources_docs_and_readme_use_one_tone_mark_style() -> None:
    found = {
        str(path.relative_to(ROOT)): hits
        for path in _spelling_files()
        if (hits := _old_placements(_checked_text(path)))
    }
    assert not found, f"write hóa, thủy, khỏe (docs/glossary.md): {found}"
