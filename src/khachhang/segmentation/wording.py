"""Rules and values in words, in Vietnamese or English.

>>> from khachhang.segmentation import F
>>> print(describe(F.age.between(25, 40), "en"))
Age (whole years) between 25 and 40
"""

from __future__ import annotations

from datetime import date, datetime

from khachhang._checks import check_type
from khachhang._format import format_date, format_datetime, format_number
from khachhang.labels import BilingualEnum, check_lang
from khachhang.money import Money
from khachhang.segmentation.fields import DEFAULT_REGISTRY, FieldRegistry
from khachhang.segmentation.rules import (
    LEAF_TYPES,
    MAX_DEPTH,
    And,
    Between,
    Compare,
    Const,
    Contains,
    In,
    IsNull,
    Not,
    Or,
    Rule,
    Within,
    sorted_values,
)

__all__ = ["describe", "show_value", "value_word"]


def show_value(value: object, lang: str = "vi") -> str:
    """A value as people read it: labels for enums, formatted money, dates and numbers.

    Dates and numbers in the language's format (:mod:`khachhang._format`): ``16:18
    28/10/2026`` and ``1.586`` in Vietnamese, ``2026-10-28 16:18`` and ``1,586`` in English.

    >>> show_value(Money("20000000"), "vi"), show_value(None, "en")
    ('20.000.000 ₫', 'missing')
    """
    if value is None:
        return "không có" if lang == "vi" else "missing"
    if isinstance(value, BilingualEnum):
        return value.label(lang)
    if isinstance(value, Money):
        return value.format(lang)
    if isinstance(value, datetime):
        return format_datetime(value, lang)
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, bool):
        return ("có" if value else "không") if lang == "vi" else str(value)
    if isinstance(value, int):
        return format_number(value, lang)
    if isinstance(value, frozenset):
        items = sorted(show_value(v, lang) for v in value)
        return "{" + ", ".join(items) + "}"
    return str(value)


def value_word(lang: str) -> str:
    """The word an explanation puts before the value a node saw: ``giá trị``/``value``."""
    return "giá trị" if lang == "vi" else "value"


_WORDS: dict[str, dict[str, str]] = {
    "vi": {
        "and": " và ",
        "or": " hoặc ",
        "not": "không phải ({})",
        "between": "{f} từ {lo} đến {hi}",
        "in": "{f} thuộc {{{vs}}}",
        "not_in": "{f} không thuộc {{{vs}}}",
        "contains": "{f} gồm {v}",
        "is_null": "{f} không có dữ liệu",
        "is_not_null": "{f} có dữ liệu",
        "within": "{f} trong {d} ngày qua",
        "true": "mọi khách hàng",
        "false": "không khách hàng nào",
    },
    "en": {
        "and": " and ",
        "or": " or ",
        "not": "not ({})",
        "between": "{f} between {lo} and {hi}",
        "in": "{f} in {{{vs}}}",
        "not_in": "{f} not in {{{vs}}}",
        "contains": "{f} contains {v}",
        "is_null": "{f} is missing",
        "is_not_null": "{f} is known",
        "within": "{f} within the last {d} days",
        "true": "every customer",
        "false": "no customer",
    },
}


def describe(rule: Rule, lang: str = "vi", registry: FieldRegistry | None = None) -> str:
    """``rule`` in words (Vietnamese or English).

    >>> from khachhang.segmentation import F
    >>> print(describe(F.age.between(25, 40) & ~F.income.is_null(), "vi"))
    Tuổi từ 25 đến 40 và không phải (Thu nhập hằng tháng không có dữ liệu)
    """
    check_type("rule", rule, Rule)
    words = _WORDS[check_lang(lang)]
    reg = DEFAULT_REGISTRY if registry is None else registry
    return _describe(rule, lang, reg, words, 0)


def _describe(rule: Rule, lang: str, reg: FieldRegistry, words: dict[str, str], depth: int) -> str:
    if depth > MAX_DEPTH:
        return "…"
    if isinstance(rule, (And, Or)):
        sep = words["and"] if isinstance(rule, And) else words["or"]
        parts = []
        for child in rule.children:
            text = _describe(child, lang, reg, words, depth + 1)
            parts.append(f"({text})" if isinstance(child, (And, Or)) else text)
        return sep.join(parts)
    if isinstance(rule, Not):
        return words["not"].format(_describe(rule.child, lang, reg, words, depth + 1))
    if isinstance(rule, Const):
        return words["true" if rule.value else "false"]
    if not isinstance(rule, LEAF_TYPES):
        return repr(rule)
    name = rule.field
    label = reg[name].label(lang) if name in reg else name
    if isinstance(rule, Compare):
        return f"{label} {rule.op.symbol} {show_value(rule.value, lang)}"
    if isinstance(rule, Between):
        lo, hi = show_value(rule.low, lang), show_value(rule.high, lang)
        return words["between"].format(f=label, lo=lo, hi=hi)
    if isinstance(rule, In):
        shown_values = ", ".join(show_value(v, lang) for v in sorted_values(rule.values))
        return words["not_in" if rule.negated else "in"].format(f=label, vs=shown_values)
    if isinstance(rule, Contains):
        return words["contains"].format(f=label, v=show_value(rule.value, lang))
    if isinstance(rule, IsNull):
        return words["is_not_null" if rule.negated else "is_null"].format(f=label)
    if isinstance(rule, Within):
        return words["within"].format(f=label, d=rule.days)
    return repr(rule)
