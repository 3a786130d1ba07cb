"""Notebook views: every model's HTML and Markdown, in one place above the domain.

The models know nothing of markup; this package turns them into it. Jupyter finds a
model's ``_repr_html_`` / ``_repr_markdown_`` (and its ``to_html`` / ``to_markdown``),
each a one-line delegation to the functions here. Every view speaks the library's one
default language, Vietnamese (``lang="vi"``); ``lang="en"`` gives English labels.

>>> from datetime import datetime, timezone
>>> from khachhang import Customer, Person
>>> from khachhang.views import to_html, to_markdown
>>> lan = Customer("c-1", Person("Trần Thị Lan"), created_at=datetime(2026, 1, 5,
...                                                                  tzinfo=timezone.utc))
>>> "Vòng đời khách hàng" in to_html(lan), "Customer lifecycle" in to_html(lan, "en", purchases=3)
(True, True)
>>> from khachhang.segmentation import F
>>> print(to_markdown(F.orders > 0, "en"))
- Number of orders &gt; 0

Views are pure functions of the value: nothing reads the clock or does I/O, and every
piece of user text is escaped (see :mod:`khachhang.views._html`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cache
from typing import Any

from khachhang.errors import ValidationError

__all__ = ["to_html", "to_markdown"]

_View = Callable[..., str]


@cache
def _tables() -> tuple[dict[type, _View], dict[type, _View], dict[_View, tuple[str, ...]]]:
    """The HTML and Markdown views by class, and each view's options; built on first use,
    so showing a customer loads the customer view and not every package's."""
    from khachhang.buying.process import BuyingProcess
    from khachhang.care.planning.agenda import Agenda
    from khachhang.care.planning.plan import CarePlan
    from khachhang.care.planning.touchpoints import Drop, Touchpoint
    from khachhang.care.planning.workflows import WorkflowRun
    from khachhang.care.service.complaints import Complaint
    from khachhang.customers import Customer
    from khachhang.segmentation.evaluate import Explanation
    from khachhang.segmentation.rules import Rule, RuleDocument
    from khachhang.segmentation.segments import Segment, Segmenter
    from khachhang.views import _buying, _care, _customers, _segmentation

    html: dict[type, _View] = {
        Customer: _customers.customer_html,
        Rule: _segmentation.rule_html,
        RuleDocument: _segmentation.document_html,
        Explanation: _segmentation.explanation_html,
        Segment: _segmentation.segment_html,
        Segmenter: _segmentation.segmenter_html,
        BuyingProcess: _buying.process_html,
        CarePlan: _care.plan_html,
        Agenda: _care.agenda_html,
        Touchpoint: _care.touchpoint_html,
        Drop: _care.drop_html,
        WorkflowRun: _care.run_html,
        Complaint: _care.complaint_html,
    }
    markdown: dict[type, _View] = {
        Rule: _segmentation.rule_markdown,
        RuleDocument: _segmentation.document_markdown,
        Explanation: _segmentation.explanation_markdown,
        Segment: _segmentation.segment_markdown,
        Segmenter: _segmentation.segmenter_markdown,
        BuyingProcess: _buying.process_markdown,
    }
    # The options a view takes after the value and ``lang``.
    options = {
        view: tuple(inspect.signature(view).parameters)[2:]
        for view in (*html.values(), *markdown.values())
    }
    return html, markdown, options


def _view(kind: str, value: object, options: dict[str, Any]) -> _View:
    """The ``kind`` view of ``value``'s class (or the nearest base) that takes ``options``."""
    html, markdown, taken = _tables()
    views = html if kind == "HTML" else markdown
    found = next((views[cls] for cls in type(value).__mro__ if cls in views), None)
    name = type(value).__name__
    if found is None:
        known = ", ".join(sorted(cls.__name__ for cls in views))
        msg = f"no {kind} view for {name}; there are views for {known}"
        raise ValidationError("value", msg)
    for option in options:
        if option not in taken[found]:
            takes = ", ".join(taken[found]) or "no option"
            msg = f"not an option of the {kind} view of {name} (it takes {takes})"
            raise ValidationError(option, msg)
    return found


def to_html(value: object, lang: str = "vi", **options: Any) -> str:
    """``value`` as one HTML element for notebooks, its labels in ``lang``.

    Options by value: ``purchases=5`` (a :class:`~khachhang.Customer`: how many of the
    latest purchases to list), ``limit=20`` (an ``Agenda``: how many touchpoints in
    detail), ``registry=None`` (rules, rule documents, explanations, segments and
    segmenters: the field registry naming the fields).

    Raises:
        ValidationError: ``lang`` is not ``"vi"`` or ``"en"``, ``value`` has no view, an
            option is not one of its view's or has the wrong type.

    >>> from khachhang.segmentation import F
    >>> print(to_html(F.orders > 0, "en"))
    <ul class="khachhang-rule ..."><li>Number of orders &gt; 0</li></ul>
    >>> to_html(F.orders > 0, limit=3)
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: limit: not an option of the HTML view of Compare ...
    """
    return _view("HTML", value, options)(value, lang, **options)


def to_markdown(value: object, lang: str = "vi", **options: Any) -> str:
    """``value`` as Markdown (rules, rule documents, explanations, segments, segmenters
    and buying processes), its labels in ``lang``; ``registry=None`` as for
    :func:`to_html`.

    Raises:
        ValidationError: ``lang`` is not ``"vi"`` or ``"en"``, ``value`` has no Markdown
            view, or an option is not one of its view's.

    >>> from khachhang import Money
    >>> to_markdown(Money(1))
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: value: no Markdown view for Money; there are views for ...
    """
    return _view("Markdown", value, options)(value, lang, **options)
