"""Views of rules, rule documents, explanations, segments and segmenters."""

from __future__ import annotations

import html

from khachhang._checks import check_type
from khachhang.labels import check_lang
from khachhang.segmentation.evaluate import Explanation, Truth
from khachhang.segmentation.fields import DEFAULT_REGISTRY, FieldRegistry
from khachhang.segmentation.rules import MAX_DEPTH, And, Not, Or, Rule, RuleDocument
from khachhang.segmentation.segments import Segment, Segmenter
from khachhang.segmentation.wording import describe, show_value, value_word
from khachhang.views._html import NO_MATH, esc, md, md_table, table, view, word


def _registry(registry: object) -> FieldRegistry:
    """The registry naming the fields: ``registry``, or the built-in one for ``None``."""
    if registry is None:
        return DEFAULT_REGISTRY
    return check_type("registry", registry, FieldRegistry)


# --- rules ---------------------------------------------------------------------------


def rule_html(rule: Rule, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
    """The rule as a nested list (``and``/``or``/``not`` as branches), HTML-escaped.

    >>> from khachhang.segmentation import F
    >>> print(rule_html(F.orders > 0, "en"))
    <ul class="khachhang-rule ..."><li>Number of orders &gt; 0</li></ul>
    """
    reg = _registry(registry)
    return (
        f'<ul class="khachhang-rule {NO_MATH}">'
        f"<li>{_tree_html(rule, check_lang(lang), reg, 0)}</li></ul>"
    )


def rule_markdown(rule: Rule, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
    """The rule as a nested Markdown list (text escaped for Markdown).

    >>> from khachhang.segmentation import F
    >>> print(rule_markdown((F.orders > 0) | ~F.income.is_null(), "en"))
    - **any of**
      - Number of orders &gt; 0
      - **not**
        - Monthly income is missing
    """
    reg = _registry(registry)
    return "\n".join(_tree_md(rule, check_lang(lang), reg, 0))


def document_html(
    document: RuleDocument, lang: str = "vi", registry: FieldRegistry | None = None
) -> str:
    """The schema version and the rule's tree (see :func:`rule_html`).

    >>> from khachhang.segmentation import F
    >>> "phiên bản lược đồ 1" in document_html(RuleDocument(F.orders > 0))
    True
    """
    head = f"<p><small>{esc(word('document', check_lang(lang)))} {document.version}</small></p>"
    return view(f"{head}{rule_html(document.rule, lang, registry)}")


def document_markdown(
    document: RuleDocument, lang: str = "vi", registry: FieldRegistry | None = None
) -> str:
    """The schema version and the rule's tree in Markdown (see :func:`rule_markdown`).

    >>> from khachhang.segmentation import F
    >>> print(document_markdown(RuleDocument(F.orders > 0), "en"))
    *Rule document, schema version 1*
    <BLANKLINE>
    - Number of orders &gt; 0
    """
    head = f"*{md(word('document', check_lang(lang)))} {document.version}*"
    return f"{head}\n\n{rule_markdown(document.rule, lang, registry)}"


def _branch(rule: Rule, lang: str) -> tuple[str, tuple[Rule, ...]] | None:
    """``(label, children)`` for ``and``/``or``/``not``; ``None`` for a leaf or constant."""
    if isinstance(rule, And):
        return word("all_of", lang), rule.children
    if isinstance(rule, Or):
        return word("any_of", lang), rule.children
    if isinstance(rule, Not):
        return word("not", lang), (rule.child,)
    return None


def _tree_html(rule: Rule, lang: str, reg: FieldRegistry, depth: int) -> str:
    branch = _branch(rule, lang)
    if branch is None or depth > MAX_DEPTH:
        return esc(describe(rule, lang, reg))
    label, children = branch
    inner = "".join(f"<li>{_tree_html(c, lang, reg, depth + 1)}</li>" for c in children)
    return f"<b>{esc(label)}</b><ul>{inner}</ul>"


def _tree_md(rule: Rule, lang: str, reg: FieldRegistry, depth: int) -> list[str]:
    pad = "  " * depth
    branch = _branch(rule, lang)
    if branch is None or depth > MAX_DEPTH:
        return [f"{pad}- {md(describe(rule, lang, reg))}"]
    label, children = branch
    lines = [f"{pad}- **{md(label)}**"]
    for child in children:
        lines.extend(_tree_md(child, lang, reg, depth + 1))
    return lines


# --- explanations --------------------------------------------------------------------


def explanation_html(
    why: Explanation, lang: str = "vi", registry: FieldRegistry | None = None
) -> str:
    """Nested ``<ul>`` lists; every value is HTML-escaped.

    >>> from datetime import datetime, timezone
    >>> from khachhang import Customer, Person
    >>> from khachhang.segmentation import F
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> why = F.tags.contains("<vip>").explain(Customer("c", Person("An"), created_at=t),
    ...                                        as_of=t)
    >>> "&lt;vip&gt;" in explanation_html(why, "en"), "Sai" in explanation_html(why)
    (True, True)
    """
    reg = _registry(registry)
    body = _explanation_html(why, check_lang(lang), reg)
    return f'<ul><li class="khachhang-explain {NO_MATH}">{body}</li></ul>'


def _explanation_html(why: Explanation, lang: str, registry: FieldRegistry) -> str:
    colour = {Truth.TRUE: "#1a7f37", Truth.FALSE: "#cf222e", Truth.UNKNOWN: "#9a6700"}
    text = html.escape(describe(why.node, lang, registry))
    badge = f'<b style="color:{colour[why.result]}">{html.escape(why.result.label(lang))}</b>'
    seen = ""
    if why.field is not None:
        shown = html.escape(show_value(why.value, lang))
        seen = f" <small>[{html.escape(value_word(lang))}: <code>{shown}</code>]</small>"
    inner = "".join(f"<li>{_explanation_html(c, lang, registry)}</li>" for c in why.children)
    nested = f"<ul>{inner}</ul>" if inner else ""
    return f"{badge} {text}{seen}{nested}"


def explanation_markdown(
    why: Explanation, lang: str = "vi", registry: FieldRegistry | None = None
) -> str:
    """A nested Markdown list: each node's result in bold, then the rule and the value.

    >>> from datetime import datetime, timezone
    >>> from khachhang import Customer, Person
    >>> from khachhang.segmentation import F
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> why = (F.orders > 0).explain(Customer("c", Person("An"), created_at=t), as_of=t)
    >>> print(explanation_markdown(why, "en"))
    - **FALSE** Number of orders &gt; 0 \\[value: *0*\\]
    """
    reg = _registry(registry)
    return "\n".join(_explanation_md(why, check_lang(lang), reg, 0))


def _explanation_md(why: Explanation, lang: str, registry: FieldRegistry, depth: int) -> list[str]:
    text = md(describe(why.node, lang, registry))
    line = f"{'  ' * depth}- **{md(why.result.label(lang))}** {text}"
    if why.field is not None:
        line += f" \\[{md(value_word(lang))}: *{md(show_value(why.value, lang))}*\\]"
    lines = [line]
    for child in why.children:
        lines.extend(_explanation_md(child, lang, registry, depth + 1))
    return lines


# --- segments ------------------------------------------------------------------------


def segment_html(segment: Segment, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
    """A one-row table (see :func:`segmenter_html`).

    >>> from khachhang.segmentation import F
    >>> "Đã mua" in segment_html(Segment("a", F.orders > 0, "Đã mua", "Bought"))
    True
    """
    return _segments_html((segment,), check_lang(lang), _registry(registry), None)


def segment_markdown(
    segment: Segment, lang: str = "vi", registry: FieldRegistry | None = None
) -> str:
    """The one-row table in Markdown (see :func:`segmenter_markdown`)."""
    return _segments_md((segment,), check_lang(lang), _registry(registry))


def segmenter_html(
    segmenter: Segmenter, lang: str = "vi", registry: FieldRegistry | None = None
) -> str:
    """The segments as a table: priority, key, label, the rule in words, the note.

    >>> from khachhang.segmentation import F
    >>> seg = Segmenter([Segment("a-b", F.orders > 0, "Đã mua", "Bought <once>")])
    >>> "Bought &lt;once&gt;" in segmenter_html(seg, "en"), "Đã mua" in segmenter_html(seg)
    (True, True)
    """
    lang = check_lang(lang)
    mode = segmenter.mode.label(lang)
    caption = f"{word('segments', lang)} ({word('mode', lang)}: {mode})"
    return _segments_html(segmenter.segments, lang, _registry(registry), caption)


def segmenter_markdown(
    segmenter: Segmenter, lang: str = "vi", registry: FieldRegistry | None = None
) -> str:
    """The same table in Markdown (``|`` and other Markdown characters escaped).

    >>> from khachhang.segmentation import F
    >>> print(segmenter_markdown(Segmenter([Segment("a", F.orders > 0, "Đã mua", "A|B")]), "en"))
    | Priority | Key | Label | Rule |
    |---|---|---|---|
    | 0 | a | A\\|B | Number of orders &gt; 0 |
    """
    return _segments_md(segmenter.segments, check_lang(lang), _registry(registry))


def _rows(
    segments: tuple[Segment, ...], lang: str, registry: FieldRegistry | None
) -> tuple[list[str], list[list[object]]]:
    heads = [word(k, lang) for k in ("priority", "key", "label", "rule")]
    rows: list[list[object]] = [
        [s.priority, s.key, s.label(lang), describe(s.rule, lang, registry)] for s in segments
    ]
    if any(s.description or s.description_en for s in segments):
        heads.append(word("note", lang))
        for row, segment in zip(rows, segments, strict=True):
            row.append(segment.describe(lang))
    return heads, rows


def _segments_html(
    segments: tuple[Segment, ...], lang: str, registry: FieldRegistry, caption: str | None
) -> str:
    heads, rows = _rows(segments, lang, registry)
    return view(table(heads, rows, caption=caption))


def _segments_md(segments: tuple[Segment, ...], lang: str, registry: FieldRegistry) -> str:
    heads, rows = _rows(segments, lang, registry)
    return md_table(heads, rows)
