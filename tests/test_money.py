"""Money: exact Decimal amounts in one currency."""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import json
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from khachhang.errors import CurrencyMismatchError, KhachHangError, ValidationError
from khachhang.money import CURRENCIES, MAX_AMOUNT_TEXT, Money
from khachhang.serde import from_json

ROOT = Path(__file__).resolve().parents[1]

amounts = st.integers(min_value=-(10**15), max_value=10**15)


def test_the_default_currency_is_vnd_with_no_minor_unit() -> None:
    assert Money("20000000") == Money(20_000_000, "VND")
    assert Money(Decimal("20000000.00")).amount == Decimal("20000000")
    assert CURRENCIES["VND"] == 0


def test_usd_is_quantised_to_cents() -> None:
    assert str(Money("12.5", "USD").amount) == "12.50"
    assert str(Money(3, "USD").amount) == "3.00"


@pytest.mark.parametrize("bad", [0.1, 1.0, float("nan")])
def test_a_float_is_a_validation_error(bad: float) -> None:
    with pytest.raises(ValidationError) as info:
        Money(bad)  # type: ignore[arg-type]
    assert info.value.path == "amount"


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", "", True, None, [1]])
def test_nonsense_amounts_are_validation_errors(bad: object) -> None:
    with pytest.raises(ValidationError):
        Money(bad)  # type: ignore[arg-type]


def test_an_unknown_currency_is_refused() -> None:
    with pytest.raises(ValidationError, match="currency"):
        Money(1, "XYZ")


def test_more_precision_than_the_currency_is_refused_not_rounded() -> None:
    with pytest.raises(ValidationError, match="decimal places"):
        Money("1.5")
    assert Money.rounded("1.5") == Money(2)
    assert Money.rounded("2.5") == Money(2)  # banker's rounding


def test_amounts_of_different_currencies_do_not_mix() -> None:
    with pytest.raises(CurrencyMismatchError):
        Money(1) + Money(1, "USD")
    with pytest.raises(CurrencyMismatchError):
        _ = Money(1) < Money(1, "USD")
    assert Money(1) != Money(1, "USD")
    assert issubclass(CurrencyMismatchError, KhachHangError)


def test_sum_works_with_and_without_a_start_value() -> None:
    values = [Money(1000), Money(2500), Money(-500)]
    assert sum(values) == Money(3000)
    assert sum(values, Money.zero()) == Money(3000)
    assert sum([], Money.zero("USD")) == Money(0, "USD")


def test_formatting_follows_each_language() -> None:
    """The issue's examples: 20.000.000 ₫ in Vietnamese, ₫20,000,000 in English."""
    assert Money("20000000").format("vi") == "20.000.000 ₫"
    assert Money("20000000").format("en") == "₫20,000,000"
    assert Money("1234567.8", "USD").format("vi") == "1.234.567,80 $"
    with pytest.raises(ValidationError, match="lang"):
        Money(1).format("fr")


def test_multiplication_by_int_or_decimal_rounds_to_the_currency() -> None:
    assert Money("10.00", "USD") * Decimal("0.333") == Money("3.33", "USD")
    assert 3 * Money(1000) == Money(3000)
    with pytest.raises(TypeError):
        Money(1) * 1.5  # type: ignore[operator]


@given(amounts, amounts)
def test_addition_and_subtraction_are_exact(a: int, b: int) -> None:
    assert (Money(a) + Money(b)).amount == a + b
    assert (Money(a) + Money(b)) - Money(b) == Money(a)


@given(amounts, amounts)
def test_ordering_agrees_with_the_amounts(a: int, b: int) -> None:
    assert (Money(a) < Money(b)) == (a < b)
    assert (Money(a) >= Money(b)) == (a >= b)


@given(amounts)
def test_construction_is_idempotent(a: int) -> None:
    m = Money(a, "USD")
    assert Money(m.amount, m.currency) == m
    assert Money(str(m.amount), "USD") == m
    assert hash(Money(str(m.amount), "USD")) == hash(m)


def test_negative_zero_is_zero() -> None:
    assert str(Money("-0").amount) == "0"
    assert Money("-0.00", "USD").format("en") == "$0.00"


def test_amounts_beyond_the_supported_range_are_validation_errors() -> None:
    """Not a bare decimal.InvalidOperation from deep inside quantize."""
    for bad in ("1e30", "-1e18", 10**18):
        with pytest.raises(ValidationError, match="out of range"):
            Money(bad)
    with pytest.raises(ValidationError, match="out of range"):
        Money.rounded("1e40")
    assert Money(10**18 - 1).amount == 10**18 - 1


def test_arithmetic_ignores_the_callers_decimal_context() -> None:
    """An application's getcontext().prec must not make money totals inexact."""
    import decimal

    big = Money("123456789012345678")
    with decimal.localcontext() as ctx:
        ctx.prec = 5
        assert (big + Money(1)).amount == Decimal("123456789012345679")
        assert (big - Money(1)).amount == Decimal("123456789012345677")
        assert (Money("12.34", "USD") * Decimal("3")).amount == Decimal("37.02")
        assert sum([big, Money(-1)]) == Money("123456789012345677")


@given(amounts, st.decimals(min_value=-999, max_value=999, places=4))
def test_multiplication_rounds_the_exact_product_half_even(a: int, factor: Decimal) -> None:
    exact = Decimal(a) * factor  # ints times 4-place decimals: exact in 60 digits
    assert (Money(a) * factor).amount == exact.quantize(Decimal(1), rounding="ROUND_HALF_EVEN")


def test_an_unknown_rounding_mode_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as info:
        Money.rounded("1.5", rounding="bogus")
    assert info.value.path == "rounding"


def test_error_messages_do_not_echo_huge_inputs() -> None:
    with pytest.raises(ValidationError) as info:
        Money("9" * 100_000)
    assert len(str(info.value)) < 200


def test_a_rounding_mode_that_is_not_a_string_is_a_validation_error() -> None:
    """rounding=[] was a bare TypeError (unhashable list) from the set look-up."""
    bads: list[object] = [[], {}, None, 1]
    for bad in bads:
        with pytest.raises(ValidationError, match="expected a decimal rounding mode") as info:
            Money.rounded("1.5", rounding=bad)  # type: ignore[arg-type]
        assert info.value.path == "rounding"


# --- operator typing (issue 11.5) ---------------------------------------------------------


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="needs mypy")
def test_the_type_checker_rejects_money_plus_an_int() -> None:
    """mypy --strict refuses ``Money + 5``, ``Money * 1.5``, ``Money < 5`` (typecheck file)."""
    target = ROOT / "tests" / "typecheck" / "money_operators.py"
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(target)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_int_operand_is_pythons_type_error_at_run_time() -> None:
    """A programming error, not bad data: NotImplemented, so Python's own TypeError."""
    m = Money(5)
    bad: list[Callable[[], object]] = [
        lambda: m + 5,  # type: ignore[operator]
        lambda: m - 5,  # type: ignore[operator]
        lambda: m < 5,  # type: ignore[operator]
        lambda: m * 1.5,  # type: ignore[operator]
    ]
    for operation in bad:
        with pytest.raises(TypeError, match=r"not supported|unsupported operand"):
            operation()
    assert m + 0 == 0 + m == m  # type: ignore[operator]  # what sum() needs (run time)


# --- amount text length and the serde cache (issue 18.1) ---------------------------------


def test_an_amount_text_longer_than_the_limit_is_refused() -> None:
    """A million leading zeros is a valid number but not a sane amount text."""
    for bad in ("0" * 1_000_000 + "1", "1" + "0" * MAX_AMOUNT_TEXT):
        for build in (Money, Money.rounded):
            with pytest.raises(ValidationError, match="too long; at most 64") as info:
                build(bad)
            assert info.value.path == "amount"
            assert len(str(info.value)) < 200
    longest = "0" * (MAX_AMOUNT_TEXT - 3) + "1.5"
    assert Money(longest, "USD") == Money("1.50", "USD")


def _retained(documents: list[str]) -> int:
    """Bytes still allocated after loading every document as Money (refusals included)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for document in documents:
            with contextlib.suppress(KhachHangError):
                from_json(document, Money)
        gc.collect()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


def _money_json(amount: str, currency: str = "VND") -> str:
    return json.dumps({"amount": amount, "currency": currency})


def test_loading_amounts_padded_with_zeros_keeps_no_memory() -> None:
    """200 amounts of 100 000 characters kept 20 MB in the money cache; now refused."""
    padded = [_money_json("0" * 100_000 + str(i)) for i in range(200)]
    assert _retained(padded) < 256 * 1024


def test_long_valid_amount_texts_are_not_kept() -> None:
    """Amounts of the longest accepted length are built but never cached."""
    longest = [_money_json(str(i).zfill(MAX_AMOUNT_TEXT)) for i in range(10_000)]
    assert _retained(longest) < 256 * 1024


def test_the_money_cache_stays_within_its_byte_bound() -> None:
    """However many distinct short amounts are read, the cache keeps under 2 MB."""
    amounts = [f"-{10**17 + i}.25" for i in range(10_000)]
    assert _retained([_money_json(a, "USD") for a in amounts]) < 2 * 1024 * 1024


@given(st.sampled_from(sorted(CURRENCIES)), st.data())
def test_sums_and_differences_equal_what_the_constructor_builds(
    currency: str, data: st.DataObject
) -> None:
    """The fast path of + and - builds exactly what Money(amount) builds (no -0, same places)."""
    from khachhang.testing import money

    a = data.draw(money(currency, min_amount=-(10**15), max_amount=10**15))
    b = data.draw(money(currency, min_amount=-(10**15), max_amount=10**15))
    for got, exact in ((a + b, a.amount + b.amount), (a - b, a.amount - b.amount)):
        expected = Money(exact, currency)
        assert got == expected
        assert repr(got) == repr(expected)
        assert got.amount.as_tuple() == expected.amount.as_tuple()
