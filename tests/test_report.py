"""Book summaries: who counts at ``as_of``, and what a summary may hold."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from khachhang import Customer, Person
from khachhang.report import summarize

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_customer_created_before_as_of_in_a_repeated_hour_is_counted() -> None:
    """Created at 02:30 on the first pass (00:30Z), counted at 02:15 on the second (01:15Z)."""
    created = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)
    as_of = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=BERLIN)
    summary = summarize([Customer("c", Person("Hà"), created_at=created)], as_of=as_of)
    assert summary.customers == 1
    early = datetime(2026, 10, 25, 2, 15, tzinfo=BERLIN)  # first pass: 00:15Z, before
    assert summarize([Customer("c", Person("Hà"), created_at=created)], as_of=early).customers == 0
