"""Money: an exact ``Decimal`` amount in one ISO 4217 currency (``VND`` by default).

>>> price = Money("20000000")
>>> price
Money('20000000', 'VND')
>>> price.format("vi"), price.format("en")
('20.000.000 ₫', '₫20,000,000')
>>> sum([Money(100), Money(250)], Money.zero())
Money('350', 'VND')
>>> Money("12.5", "USD").amount
Decimal('12.50')

Floats are refused — they cannot hold most decimal amounts exactly:

>>> Money(0.1)
Traceback (most recent call last):
...
khachhang.errors.ValidationError: amount: a float cannot be money exactly; ... (got 0.1)

An amount with more digits than the currency has is refused rather than rounded, so
nothing is lost silently; round explicitly with :meth:`Money.rounded`:

>>> Money.rounded("1234.5")
Money('1234', 'VND')
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from types import MappingProxyType

import attrs

from khachhang._checks import shown
from khachhang.errors import CurrencyMismatchError, ValidationError
from khachhang.labels import check_lang

__all__ = [
    "CURRENCIES",
    "DEFAULT_CURRENCY",
    "MAX_AMOUNT",
    "MAX_AMOUNT_TEXT",
    "MONEY_CONTEXT",
    "Money",
    "MoneyInput",
]

DEFAULT_CURRENCY = "VND"

MoneyInput = str | int | Decimal
"""What an amount may be built from."""

# ISO 4217 minor units and display symbols for the currencies a Vietnamese business
# meets. Unknown codes are refused rather than guessed.
_CURRENCY_TABLE: dict[str, tuple[int, str]] = {
    "VND": (0, "₫"),
    "USD": (2, "$"),
    "EUR": (2, "€"),
    "JPY": (0, "¥"),
    "CNY": (2, "CN¥"),
    "KRW": (0, "₩"),
    "TWD": (2, "NT$"),
    "HKD": (2, "HK$"),
    "SGD": (2, "S$"),
    "THB": (2, "฿"),
    "MYR": (2, "RM"),
    "IDR": (2, "Rp"),
    "PHP": (2, "₱"),
    "LAK": (2, "₭"),
    "KHR": (2, "៛"),
    "MMK": (2, "K"),
    "INR": (2, "₹"),
    "AUD": (2, "A$"),
    "NZD": (2, "NZ$"),
    "CAD": (2, "CA$"),
    "GBP": (2, "£"),
    "CHF": (2, "CHF"),
    "SEK": (2, "kr"),
    "NOK": (2, "kr"),
    "DKK": (2, "kr"),
    "RUB": (2, "₽"),
    "AED": (2, "AED"),
    "SAR": (2, "SAR"),
    "KWD": (3, "KD"),
    "BHD": (3, "BD"),
    "OMR": (3, "OMR"),
    "CLP": (0, "CLP"),
}

CURRENCIES: Mapping[str, int] = MappingProxyType(
    {code: minor for code, (minor, _) in _CURRENCY_TABLE.items()}
)
"""Supported ISO 4217 codes and their number of minor-unit digits."""

# Built from digits, not computed: nothing here depends on the decimal context that is
# current when the module is imported.
_EXPONENTS = {code: Decimal((0, (1,), -minor)) for code, minor in CURRENCIES.items()}

_ROUNDINGS = frozenset(
    {
        decimal.ROUND_05UP,
        decimal.ROUND_CEILING,
        decimal.ROUND_DOWN,
        decimal.ROUND_FLOOR,
        decimal.ROUND_HALF_DOWN,
        decimal.ROUND_HALF_EVEN,
        decimal.ROUND_HALF_UP,
        decimal.ROUND_UP,
    }
)

MAX_AMOUNT = Decimal(10**18)
"""Amounts must be smaller than this in magnitude (a quintillion đồng — far beyond any
real amount), so that every sum and product is computed exactly in :data:`MONEY_CONTEXT`."""

MAX_AMOUNT_TEXT = 64
"""The longest amount text (``str``) accepted, in characters. The longest amount in
range is 18 digits, a sign, a point and a few decimals (about 25 characters); 64 leaves
room for digit-group underscores and trailing zeros, while a megabyte of leading zeros
is refused before it is parsed, copied or kept."""

MONEY_CONTEXT = Context(
    prec=60,
    rounding=ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[InvalidOperation],
)
"""The decimal context for all money arithmetic. The library never uses the caller's
thread-local context: every operation passes this context explicitly (``ctx.add(a, b)``,
``quantize(..., context=...)``), so an application that sets ``getcontext().prec = 5``,
a small ``Emax`` or traps such as ``Inexact`` for its own work changes no amount, total
or text the library produces. Treat it as read-only."""


_WHOLE_CURRENCIES = frozenset(code for code, minor in CURRENCIES.items() if minor == 0)
_MAX_DIGITS = len(str(MAX_AMOUNT)) - 1  # 18: the longest digit string below MAX_AMOUNT


def _check_currency(currency: object) -> str:
    if not isinstance(currency, str) or currency not in _CURRENCY_TABLE:
        msg = f"unknown ISO 4217 currency {currency!r}; supported: {', '.join(CURRENCIES)}"
        raise ValidationError("currency", msg)
    return currency


def _shown(value: object) -> str:
    """Strings quoted, numbers plain; cut short either way."""
    if isinstance(value, str):
        return shown(value)
    # A Decimal is shown by our context, not the caller's (which may say "1e+30").
    text = MONEY_CONTEXT.to_sci_string(value) if isinstance(value, Decimal) else str(value)
    return text if len(text) <= 60 else f"{text[:57]}..."


def _too_long(text: str) -> ValidationError:
    msg = (
        f"an amount text of {len(text)} characters is too long; at most "
        f"{MAX_AMOUNT_TEXT} are accepted (got {shown(text[:20])}...)"
    )
    return ValidationError("amount", msg)


def _to_decimal(amount: object) -> Decimal:
    if type(amount) is str:  # the common case (JSON); Decimal() itself accepts spaces and "_"
        if len(amount) > MAX_AMOUNT_TEXT:
            raise _too_long(amount)
        try:
            value = Decimal(amount)
        except InvalidOperation:
            msg = f"not a decimal number: {_shown(amount)}"
            raise ValidationError("amount", msg) from None
        if not value.is_finite():
            msg = f"amount must be finite, got {value}"
            raise ValidationError("amount", msg)
        return value
    if isinstance(amount, bool):
        msg = f"a bool is not an amount (got {amount!r})"
        raise ValidationError("amount", msg)
    if isinstance(amount, float):
        msg = f"a float cannot be money exactly; pass a str, int or Decimal (got {amount!r})"
        raise ValidationError("amount", msg)
    if isinstance(amount, Decimal):
        value = amount
    elif isinstance(amount, int):
        value = Decimal(amount)
    elif isinstance(amount, str):
        if len(amount) > MAX_AMOUNT_TEXT:
            raise _too_long(amount)
        try:
            value = Decimal(amount)
        except InvalidOperation:
            msg = f"not a decimal number: {_shown(amount)}"
            raise ValidationError("amount", msg) from None
    else:
        msg = f"expected str, int or Decimal, got {type(amount).__name__}"
        raise ValidationError("amount", msg)
    if not value.is_finite():
        msg = f"amount must be finite, got {value}"
        raise ValidationError("amount", msg)
    return value


def _in_range(value: Decimal, path: str = "amount") -> Decimal:
    if value.copy_abs() >= MAX_AMOUNT:
        msg = f"{_shown(value)} is out of range; money amounts stay below 10^18 in magnitude"
        raise ValidationError(path, msg)
    return value


@attrs.frozen(init=False, order=False, repr=False)
class Money:
    """An exact amount of one currency.

    Args:
        amount: a ``str``, ``int`` or ``Decimal``; floats are refused.
        currency: an ISO 4217 code, ``"VND"`` by default.

    Raises:
        ValidationError: for a float, a non-finite value, an amount text longer than
            :data:`MAX_AMOUNT_TEXT`, an unknown currency, or more decimal places than
            the currency's minor unit (use :meth:`rounded`).
        CurrencyMismatchError: when two currencies meet in ``+``, ``-`` or a comparison.
    """

    amount: Decimal
    currency: str = DEFAULT_CURRENCY

    def __init__(self, amount: MoneyInput, currency: str = DEFAULT_CURRENCY) -> None:
        if (
            type(amount) is str
            and type(currency) is str
            and currency in _WHOLE_CURRENCIES
            and 0 < len(amount) <= _MAX_DIGITS
            and amount.isdigit()
            and amount.isascii()
        ):
            # At most 18 ASCII digits of a currency without minor units (how JSON holds
            # đồng): finite, in range, non-negative and already quantised, so the general
            # path below would return Decimal(amount) unchanged.
            _set_amount(self, Decimal(amount))
            _set_currency(self, currency)
            return
        exponent = _EXPONENTS.get(currency) if type(currency) is str else None
        if exponent is None:
            exponent = _EXPONENTS[_check_currency(currency)]  # raises: lists supported codes
        value = _in_range(_to_decimal(amount))
        quantised = value.quantize(exponent, context=MONEY_CONTEXT)
        if quantised != value:
            msg = (
                f"{_shown(value)} has more decimal places than {currency} allows "
                f"({CURRENCIES[currency]}); round it with Money.rounded(...)"
            )
            raise ValidationError("amount", msg)
        if not quantised:
            quantised = quantised.copy_abs()  # no "-0"
        _set_amount(self, quantised)
        _set_currency(self, currency)

    @classmethod
    def rounded(
        cls, amount: MoneyInput, currency: str = DEFAULT_CURRENCY, rounding: str = ROUND_HALF_EVEN
    ) -> Money:
        """Build money, rounding ``amount`` to the currency's minor unit.

        ``rounding`` is a :mod:`decimal` rounding mode (banker's rounding by default).

        >>> Money.rounded("10.005", "USD")
        Money('10.00', 'USD')
        """
        code = _check_currency(currency)
        if type(rounding) is not str or rounding not in _ROUNDINGS:
            shown_value = _shown(rounding) if type(rounding) is str else type(rounding).__name__
            msg = (
                f"expected a decimal rounding mode ({', '.join(sorted(_ROUNDINGS))}), "
                f"got {shown_value}"
            )
            raise ValidationError("rounding", msg)
        value = _in_range(_to_decimal(amount))
        return cls(value.quantize(_EXPONENTS[code], rounding=rounding, context=MONEY_CONTEXT), code)

    @classmethod
    def zero(cls, currency: str = DEFAULT_CURRENCY) -> Money:
        """Zero in ``currency``; the start value for ``sum()``.

        >>> sum([Money("1.50", "USD")], Money.zero("USD"))
        Money('1.50', 'USD')
        """
        return cls(0, currency)

    # -- arithmetic -------------------------------------------------------------------
    # The operands are typed precisely, so a type checker rejects ``Money + 5`` or
    # ``Money < 5``. At run time a wrong operand returns ``NotImplemented`` (Python's
    # operator protocol: another type may still handle it) and Python raises its usual
    # ``TypeError`` — a programming error, not bad data, so not a library error.
    def _same(self, other: Money, op: str) -> None:
        if other.currency != self.currency:
            msg = f"cannot {op} {self.currency} and {other.currency}; convert first"
            raise CurrencyMismatchError("currency", msg)

    def __add__(self, other: Money) -> Money:
        if type(other) is Money or isinstance(other, Money):
            self._same(other, "add")
            return _exact(MONEY_CONTEXT.add(self.amount, other.amount), self.currency)
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self  # the integer 0 plain sum() starts from
        return NotImplemented

    def __radd__(self, other: int) -> Money:
        """``0 + money``: lets plain ``sum(moneys)`` work (it starts from the integer 0).

        Typed ``int`` because ``sum()``'s signature asks for that; any other integer
        returns ``NotImplemented`` (a ``TypeError``) at run time.
        """
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: Money) -> Money:
        if type(other) is Money or isinstance(other, Money):
            self._same(other, "subtract")
            return _exact(MONEY_CONTEXT.subtract(self.amount, other.amount), self.currency)
        return NotImplemented

    def __mul__(self, factor: int | Decimal) -> Money:
        """Multiply by an ``int`` or ``Decimal``, rounding half-even to the currency."""
        if isinstance(factor, bool) or not isinstance(factor, (int, Decimal)):
            return NotImplemented
        product = MONEY_CONTEXT.multiply(self.amount, _in_range(_to_decimal(factor), "factor"))
        return Money.rounded(product, self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(self.amount.copy_negate(), self.currency)

    def __abs__(self) -> Money:
        return Money(self.amount.copy_abs(), self.currency)

    def __bool__(self) -> bool:
        return not self.amount.is_zero()

    def _cmp(self, other: object) -> Decimal | None:
        if not isinstance(other, Money):
            return None
        self._same(other, "compare")
        return other.amount

    def __lt__(self, other: Money) -> bool:
        value = self._cmp(other)
        return NotImplemented if value is None else self.amount < value

    def __le__(self, other: Money) -> bool:
        value = self._cmp(other)
        return NotImplemented if value is None else self.amount <= value

    def __gt__(self, other: Money) -> bool:
        value = self._cmp(other)
        return NotImplemented if value is None else self.amount > value

    def __ge__(self, other: Money) -> bool:
        value = self._cmp(other)
        return NotImplemented if value is None else self.amount >= value

    # -- display ----------------------------------------------------------------------
    @property
    def symbol(self) -> str:
        """The currency's display symbol, e.g. ``₫``."""
        return _CURRENCY_TABLE[self.currency][1]

    def format(self, lang: str = "vi") -> str:
        """Format for people: ``20.000.000 ₫`` in Vietnamese, ``₫20,000,000`` in English.

        >>> Money("-1234.5", "USD").format("vi"), Money("-1234.5", "USD").format("en")
        ('-1.234,50 $', '-$1,234.50')
        """
        code = check_lang(lang)
        minor = CURRENCIES[self.currency]
        sign = "-" if self.amount < 0 else ""
        # copy_abs, not abs(): abs() rounds in the caller's context. The amount already
        # has exactly ``minor`` decimals, so the format spec rounds nothing either.
        text = f"{self.amount.copy_abs():,.{minor}f}"  # 1,234.50
        if code == "vi":
            text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
            return f"{sign}{text} {self.symbol}"
        return f"{sign}{self.symbol}{text}"

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def __repr__(self) -> str:
        return f"Money({str(self.amount)!r}, {self.currency!r})"


# The slots' own setters (what ``__attrs_init__`` does for a frozen class, without the
# per-call look-up): ``Money.__init__`` stores the amount it has just checked.
_set_amount = Money.__dict__["amount"].__set__
_set_currency = Money.__dict__["currency"].__set__


def _exact(amount: Decimal, currency: str) -> Money:
    """Money from the exact sum or difference of two amounts of ``currency``.

    Both already have the currency's exponent, and so does their exact sum (60 digits
    hold any two amounts below 10^18), which is never ``-0`` when rounding half-even:
    only the range is left to check, not the decimal places (twice as fast as
    ``Money(...)``).
    """
    money = object.__new__(Money)
    _set_amount(money, _in_range(amount))
    _set_currency(money, currency)
    return money
