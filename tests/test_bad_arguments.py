"""Wrong arguments to public functions are library errors naming the argument.

Not a bare TypeError or AttributeError from deep inside (issue 18.8).
"""

from __future__ import annotations

import pytest

from conftest import NEW_YEAR as T
from khachhang import ContactChannel, ContactPoint, Customer, Money, Person
from khachhang.errors import ValidationError
from khachhang.report import summarize
from khachhang.sample import SAMPLE_AS_OF, sample_book


@pytest.mark.parametrize("book", [None, 42, "c-1", {"c-1": 1}, b"x"])
def test_summarize_refuses_what_is_not_a_collection_of_customers(book: object) -> None:
    """summarize(None) was a TypeError ('NoneType' object is not iterable)."""
    with pytest.raises(ValidationError, match="expected a collection of customers") as info:
        summarize(book, as_of=SAMPLE_AS_OF)  # type: ignore[arg-type]
    assert info.value.path == "book"


def test_summarize_names_the_item_that_is_not_a_customer() -> None:
    """An item without .currency was an AttributeError; now book[i] is named."""
    book: list[object] = [*sample_book(2), None]
    with pytest.raises(ValidationError, match="expected Customer, got NoneType") as info:
        summarize(book, as_of=SAMPLE_AS_OF)  # type: ignore[arg-type]
    assert info.value.path == "book[2]"


def test_summarize_still_reads_any_iterable_once() -> None:
    """A generator is a fine book: it is iterated, not copied or refused."""
    book = sample_book(5)
    assert summarize(iter(book), as_of=SAMPLE_AS_OF) == summarize(book, as_of=SAMPLE_AS_OF)
    customer = Customer("c-1", Person("Lê Văn An"), created_at=T)
    assert summarize((c for c in [customer]), as_of=T).customers == 1


@pytest.mark.parametrize("channel", [[], None, "email", 1, ContactChannel])
def test_allows_refuses_what_is_not_a_channel(channel: object) -> None:
    """ContactPoint.allows([]) was a TypeError (unhashable list); 'email' silently False."""
    point = ContactPoint.email("an@example.vn").with_consent(ContactChannel.EMAIL)
    with pytest.raises(ValidationError, match="expected a ContactChannel") as info:
        point.allows(channel)  # type: ignore[arg-type]
    assert info.value.path == "channel"
    assert point.allows(ContactChannel.EMAIL)


def test_rounded_names_the_rounding_argument() -> None:
    """Money.rounded(rounding=[]) was a TypeError from the set of modes."""
    with pytest.raises(ValidationError, match="expected a decimal rounding mode") as info:
        Money.rounded("1.5", rounding=[])  # type: ignore[arg-type]
    assert info.value.path == "rounding"
