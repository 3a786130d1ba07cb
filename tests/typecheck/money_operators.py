"""What a type checker accepts and refuses in ``Money`` arithmetic.

Checked by ``mypy --strict`` (``tests/test_money.py`` runs it on this file). Each
``# type: ignore[operator]`` is an expectation: strict mypy reports an ignore that is no
longer needed, so a line that stops being a type error fails the check. The code sits
in a function that is never called, because these lines fail at run time.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, assert_type

from khachhang import Money


def _never_called(m: Money) -> None:
    assert_type(m + m, Money)
    assert_type(m - m, Money)
    assert_type(-m, Money)
    assert_type(abs(m), Money)
    assert_type(m * 3, Money)
    assert_type(3 * m, Money)
    assert_type(m * Decimal("1.5"), Money)
    assert_type(m < m, bool)
    assert_type(m >= m, bool)
    assert_type(sum([m, m], Money.zero()), Money)
    assert_type(sum([m, m]), Money | Literal[0])  # sum() starts from the integer 0

    m + 5  # type: ignore[operator]
    m - 5  # type: ignore[operator]
    m + Decimal(5)  # type: ignore[operator]
    m * 1.5  # type: ignore[operator]
    m * m  # type: ignore[operator]
    _ = m < 5  # type: ignore[operator]
    _ = m >= Decimal(5)  # type: ignore[operator]
