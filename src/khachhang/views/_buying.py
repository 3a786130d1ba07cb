"""Views of a buying process: an HTML page and a Markdown summary with its diagram."""

from __future__ import annotations

import html

from khachhang._format import format_datetime
from khachhang.buying.process import BUYING, BuyingProcess
from khachhang.buying.stages import Stage
from khachhang.labels import check_lang
from khachhang.views._html import md, table, view, word

_STAGES = tuple(Stage)


def process_html(process: BuyingProcess, lang: str = "vi") -> str:
    """The process's stage, status and outcome, the eight stages with the current one
    marked (▶) and their buygrid cell, and the history of stays (each left by a move,
    shown by its label in ``lang``: ``BUYING.move_label``); every text escaped.

    >>> from datetime import datetime, timezone
    >>> from khachhang.buying import BuyClass
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> p = BuyingProcess.start(id="b-1", buyer="<c-7>", buy_class=BuyClass.NEW_TASK, at=t)
    >>> "&lt;c-7&gt;" in process_html(p), "Ý thức được nhu cầu" in process_html(p)
    (True, True)
    """
    lang = check_lang(lang)
    esc = html.escape
    rows = []
    for stage in _STAGES:
        mark = "▶" if stage is process.stage else ""
        cell = process.requirement(stage).label(lang)
        rows.append(
            f"<tr><td>{mark}</td><td>{stage.number}</td>"
            f"<td>{esc(stage.label(lang))}</td><td>{esc(cell)}</td></tr>"
        )
    none = word("none", lang)
    outcome = process.outcome.label(lang) if process.outcome is not None else none
    seller = f" · {word('seller', lang)} {esc(process.seller)}" if process.seller else ""
    head = (
        f"<b>{esc(process.id)}</b> · {word('buyer', lang)} {esc(process.buyer)}{seller} · "
        f"{esc(process.buy_class.label(lang))} · {esc(word('stage', lang))}: "
        f"{esc(process.stage.label(lang))} · {esc(word('status', lang))}: "
        f"{esc(process.status.label(lang))} · {esc(word('outcome', lang))}: {esc(outcome)} · "
        f"{len(process.events)} {word('events', lang)}, {process.loops} {word('loops', lang)}"
    )
    stages = (
        f"<table><tr><th></th><th>#</th><th>{esc(word('stage', lang))}</th>"
        f"<th>{esc(word('buygrid', lang))}</th></tr>{''.join(rows)}</table>"
    )
    history = table(
        [word(k, lang) for k in ("stage", "entered", "left", "by")],
        (
            (
                f"{v.stage.number}. {v.stage.label(lang)}",
                format_datetime(v.entered_at, lang),
                format_datetime(v.left_at, lang) if v.left_at is not None else none,
                BUYING.move_label(v.left_by, lang) if v.left_by else none,
            )
            for v in process.history
        ),
        caption=word("history", lang),
    )
    return view(f"{head}{stages}{history}")


def process_markdown(process: BuyingProcess, lang: str = "vi") -> str:
    """A summary line and the machine as a ```` ```mermaid ```` fence with the current
    stage highlighted (JupyterLab 4.1+ and GitHub draw it).

    >>> from datetime import datetime, timezone
    >>> from khachhang.buying import BuyClass
    >>> t = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> p = BuyingProcess.start(id="b-1", buyer="c-7", buy_class=BuyClass.NEW_TASK, at=t)
    >>> text = process_markdown(p, "en")
    >>> text.splitlines()[0]
    '**b\\\\-1** · buyer c\\\\-7 · New task · Stage: Problem recognition · Status: Open'
    >>> text.splitlines()[2:4], text.endswith("class problem_recognition current\\n```")
    (['```mermaid', 'stateDiagram-v2'], True)
    """
    lang = check_lang(lang)
    head = (
        f"**{md(process.id)}** · {word('buyer', lang)} {md(process.buyer)} · "
        f"{md(process.buy_class.label(lang))} · {word('stage', lang)}: "
        f"{md(process.stage.label(lang))} · {word('status', lang)}: "
        f"{md(process.status.label(lang))}"
    )
    return f"{head}\n\n```mermaid\n{process.to_mermaid(lang=lang)}\n```"
