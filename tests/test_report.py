"""Book summaries: who counts at ``as_of``, and what a summary may hold."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

from khachhang import Customer, Person
from khachhang.errors import ConversionError, ValidationError
from khachhang.kinds import Market, Role
from khachhang.report import BookSummary, summarize
from khachhang.serde import from_dict, to_dict

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_customer_created_before_as_of_in_a_repeated_hour_is_counted() -> None:
    """Created at 02:30 on the first pass (00:30Z), counted at 02:15 on the second (01:15Z)."""
    created = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)
    as_of = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=BERLIN)
    summary = summarize([Customer("c", Person("Hà"), created_at=created)], as_of=as_of)
    assert summary.customers == 1
    early = datetime(2026, 10, 25, 2, 15, tzinfo=BERLIN)  # first pass: 00:15Z, before
    assert summarize([Customer("c", Person("Hà"), created_at=created)], as_of=early).customers == 0


def _fields() -> dict[str, Any]:
    summary = summarize([], as_of=datetime(2026, 1, 1, tzinfo=BERLIN))
    return {a.name: getattr(summary, a.name) for a in attrs.fields(BookSummary)}


@pytest.mark.parametrize(
    ("field", "bad"),
    [
        ("as_of", datetime(2026, 1, 1)),
        ("as_of", "2026-01-01"),
        ("customers", "many"),
        ("customers", -5),
        ("customers", True),
        ("orders", 1.5),
        ("by_scope", 5),
        ("by_scope", {"internal": 1}),
        ("by_role", {Role.BUYER: -1}),
        ("top_provinces", {1: 1}),
        ("revenue", 5),
        ("internal_revenue", "0"),
        ("revenue_by_market", {Market.B2C: 5}),
    ],
)
def test_a_summary_refuses_a_wrong_value_naming_its_field(field: str, bad: object) -> None:
    """Every field is checked when the summary is built, not when it is rendered."""
    with pytest.raises(ValidationError) as info:
        BookSummary(**{**_fields(), field: bad})
    assert info.value.path.startswith(field)


def test_a_summary_from_json_with_a_negative_count_names_the_path() -> None:
    """``customers: -5`` in a stored summary is a conversion error at ``$.customers``."""
    data: Any = to_dict(summarize([], as_of=datetime(2026, 1, 1, tzinfo=BERLIN)))
    assert from_dict(data, BookSummary) == BookSummary(**_fields())
    data["customers"] = -5
    with pytest.raises(ConversionError, match=r"\$\.customers: expected an int of 0 or more"):
        from_dict(data, BookSummary)
