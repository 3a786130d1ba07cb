"""Docs-build helpers: doctest examples rendered as code, not as Markdown quotes.

Used only by ``mkdocs build`` (see ``mkdocs.yml``), never by the library:

* ``PyconFences``, a griffe extension: our docstrings are prose with ``>>>`` examples;
  each run of example lines (up to the next blank line) is wrapped in a ```` ```pycon ````
  fence so mkdocstrings highlights it instead of rendering ``>>>`` as nested quotes.
  Sphinx roles (``:class:`X```) become inline code and ``.. code-block::`` a fence.
  Long attribute values (whole definitions) are hidden; a ``BilingualEnum`` member shows
  its stored value, with its Vietnamese and English labels as its docstring.
* ``on_page_markdown``, a mkdocs hook: doctest-only noise (``# doctest: +FLAG``
  directives) is dropped from the rendered pages; the Markdown files keep it for pytest.
  A table written right under a paragraph line (which GitHub renders) gets the blank
  line Python-Markdown needs.
"""

from __future__ import annotations

import ast
import re
from typing import Any

_DIRECTIVE = re.compile(r"\s*#\s*doctest:\s*[+-][A-Z_]+(?:\s*,\s*[+-][A-Z_]+)*")
MAX_VALUE = 120  # longest attribute value rendered in the API reference
_FENCE = re.compile(r"^\s*(```|~~~)")
_ROLE = re.compile(r":(?:py:)?(?:class|func|data|mod|meth|attr|exc|obj|const):`~?([^`]+)`")
_CODE_BLOCK = re.compile(r"^(\s*)\.\. code-block::\s*(\w*)\s*$")
_LITERAL = re.compile(r"^(?P<indent>\s*)(?P<before>(?!\.\. ).*?)::\s*$")


def _indented_block_follows(lines: list[str], i: int) -> bool:
    """Whether a blank line, then a line indented deeper than ``lines[i]``, follow it."""
    indent = len(lines[i]) - len(lines[i].lstrip())
    rest = lines[i + 1 :]
    if not rest or rest[0].strip():
        return False
    body = next((line for line in rest if line.strip()), "")
    return len(body) - len(body.lstrip()) > indent


def rst_to_markdown(text: str) -> str:
    """Sphinx roles become inline code; ``.. code-block::`` and ``::`` blocks become fences.

    A paragraph ending in ``::`` (reST's literal block) keeps one colon, or none when the
    ``::`` stands apart, and the indented block after it becomes a ``python`` fence.
    """
    text = _ROLE.sub(r"`\1`", text)
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        match = _CODE_BLOCK.match(lines[i])
        literal = _LITERAL.match(lines[i]) if match is None else None
        if literal is not None and not _indented_block_follows(lines, i):
            literal = None
        if not match and not literal:
            out.append(lines[i])
            i += 1
            continue
        if literal is not None:
            indent, before = literal["indent"], literal["before"]
            lead = before.rstrip()
            if lead:
                out.append(indent + (lead if before.endswith(" ") else lead + ":"))
                out.append("")
            lang = "python"
        else:
            assert match is not None
            indent, lang = match.groups()
        i += 1
        body: list[str] = []
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith(indent + " ")):
            body.append(lines[i])
            i += 1
        while body and not body[-1].strip():
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        width = min(len(b) - len(b.lstrip()) for b in body if b.strip()) if body else 0
        out.append(f"{indent}```{lang or 'text'}")
        out.extend(indent + b[width:] if b.strip() else "" for b in body)
        out.append(f"{indent}```")
        out.append("")
    return "\n".join(out)


def strip_directives(text: str) -> str:
    """Drop ``# doctest: +FLAG`` comments; show ``<BLANKLINE>`` as the blank it stands for."""
    out = []
    for line in text.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith((">>> ", "... ")):
            line = _DIRECTIVE.sub("", line)
        elif stripped == "<BLANKLINE>":
            line = line[: len(line) - len(stripped)]
        out.append(line)
    return "\n".join(out)


def fence_examples(text: str) -> str:
    """Wrap each run of doctest lines outside a code fence in a ``pycon`` fence."""
    lines = text.split("\n")
    out: list[str] = []
    in_fence = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if _FENCE.match(line):
            in_fence = not in_fence
        stripped = line.lstrip()
        if not in_fence and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            if out and out[-1].strip():
                out.append("")
            out.append(f"{indent}```pycon")
            out.extend(block)
            out.append(f"{indent}```")
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def separate_tables(text: str) -> str:
    """Put a blank line before a table that follows a paragraph line directly.

    GitHub renders such a table; Python-Markdown reads it as more paragraph text.
    """
    lines = text.split("\n")
    out: list[str] = []
    in_fence = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        starts_table = (
            not in_fence
            and line.lstrip().startswith("|")
            and i + 1 < len(lines)
            and _TABLE_RULE.match(lines[i + 1]) is not None
        )
        previous = out[-1] if out else ""
        if starts_table and previous.strip() and not previous.lstrip().startswith(("|", "#")):
            out.append("")
        out.append(line)
    return "\n".join(out)


def bilingual_member(value: object, bases: list[str]) -> tuple[str, str, str] | None:
    """The ``(value, vi, en)`` of a ``BilingualEnum`` member's source value, else ``None``.

    >>> bilingual_member("('ads', 'Quảng cáo', 'Advertising')", ["BilingualEnum"])
    ('ads', 'Quảng cáo', 'Advertising')
    >>> bilingual_member("('ads', 'Quảng cáo', 'Advertising')", ["Enum"]) is None
    True
    """
    if value is None or not any(b.rsplit(".", 1)[-1] == "BilingualEnum" for b in bases):
        return None
    try:
        triple = ast.literal_eval(str(value))
    except (ValueError, SyntaxError):
        return None
    if isinstance(triple, tuple) and len(triple) == 3 and all(isinstance(s, str) for s in triple):
        return (triple[0], triple[1], triple[2])
    return None


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """mkdocs hook: hide doctest directives, and let every table render, on every page."""
    return separate_tables(strip_directives(markdown))


try:  # griffe is installed with the ``docs`` extra only
    import griffe
except ImportError:  # pragma: no cover
    griffe = None

if griffe is not None:

    class PyconFences(griffe.Extension):  # type: ignore[misc]
        """Render ``>>>`` examples in docstrings as ``pycon`` code blocks."""

        def on_object(self, *, obj: Any, **kwargs: Any) -> None:
            _fence_docstring(obj)

        def on_package(self, *, pkg: Any, **kwargs: Any) -> None:
            _fence_docstring(pkg)  # a top-level package is no one's member

        def on_attribute(self, *, attr: Any, **kwargs: Any) -> None:
            # A bilingual enum member shows its stored value, and its two labels in the
            # docstring; a long value (a whole machine definition) is a wall of source,
            # so it is not shown.
            _label_enum_member(attr)
            value = attr.value
            if value is not None and (len(str(value)) > MAX_VALUE or "\n" in str(value)):
                attr.value = None

    def _label_enum_member(attr: Any) -> None:
        triple = bilingual_member(attr.value, _base_names(attr.parent))
        if triple is None:
            return
        value, vi, en = triple
        attr.value = repr(value)
        labels = f"Vietnamese: {vi} · English: {en}"
        if attr.docstring is None:
            attr.docstring = griffe.Docstring(labels, parent=attr)
        else:
            attr.docstring.value = f"{labels}\n\n{attr.docstring.value}"

    def _base_names(parent: Any) -> list[str]:
        return [str(base) for base in getattr(parent, "bases", ())]

    def _fence_docstring(obj: Any) -> None:
        if obj.docstring is not None:
            text = rst_to_markdown(obj.docstring.value)
            obj.docstring.value = strip_directives(fence_examples(text))
