"""Straight-line hooks for purchases and line items, most of a customer's JSON."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import attrs
import cattrs

from khachhang.customers import LineItem, Purchase, PurchaseChannel
from khachhang.money import Money
from khachhang.serde._scalars import (
    _enum_hook,
    _structure_datetime,
    _structure_int,
    _structure_money,
    _structure_str,
)
from khachhang.serde._unions import strict_structure_fn


def configure_line_items(conv: cattrs.Converter) -> None:
    """Straight-line hooks for ``LineItem`` and ``Purchase``, most of a customer's JSON.

    They take only the plainest form of valid data (exact types, no missing or extra key)
    and build the objects with their constructors, which validate as always; anything else
    goes to cattrs' generated hooks. So they refuse whatever those refuse, and accept
    nothing more (a property test compares them with a converter without them). When a
    shortcut refuses, the generated hook runs on the same data only to report every
    problem with its path; it cannot turn the refusal into a result. The shortcuts inline
    the library's hooks for strings, integers, datetimes, money and the channel, so they
    stand aside while an application's hook replaces any of those.
    """

    def inlined(*hooks: tuple[Any, Callable[..., Any]]) -> bool:
        return all(conv.get_structure_hook(t) is hook for t, hook in hooks)

    def line_item_factory(cls: Any) -> Callable[[Any, Any], LineItem]:
        generic = strict_structure_fn(LineItem, conv)
        if not inlined((str, _structure_str), (int, _structure_int), (Money, _structure_money)):
            return generic

        def line_item(value: Any, cls: type[LineItem]) -> LineItem:
            if type(value) is dict and len(value) == 4:
                sku, name = value.get("sku"), value.get("name")
                quantity, price = value.get("quantity"), value.get("unit_price")
                if type(sku) is str and type(name) is str and type(quantity) is int and price:
                    try:
                        return LineItem(sku, name, quantity, _structure_money(price, Money))
                    except Exception as exc:
                        _explain(generic, value, cls, exc)
            return generic(value, cls)

        return line_item

    def purchase_factory(cls: Any) -> Callable[[Any, Any], Purchase]:
        generic = strict_structure_fn(Purchase, conv)
        if not inlined(
            (str, _structure_str),
            (datetime, _structure_datetime),
            (Money, _structure_money),
            (PurchaseChannel, _enum_hook(PurchaseChannel)),
        ):
            return generic
        item_hook = conv.get_structure_hook(LineItem)
        channels = {channel.value: channel for channel in PurchaseChannel}
        default_channel = getattr(attrs.fields(Purchase).channel.default, "value", None)
        purchase_keys = frozenset(a.name for a in attrs.fields(Purchase))

        def purchase(value: Any, cls: type[Purchase]) -> Purchase:
            if type(value) is dict and value.keys() <= purchase_keys:
                ident, at, amount = value.get("id"), value.get("at"), value.get("amount")
                channel = value.get("channel", default_channel)
                items = value.get("items", ())
                if (
                    type(ident) is str
                    and type(at) is str
                    and amount
                    and type(channel) is str
                    and channel in channels
                    and type(items) is list
                ):
                    try:
                        return Purchase(
                            ident,
                            _structure_datetime(at, datetime),
                            _structure_money(amount, Money),
                            channels[channel],
                            tuple([item_hook(item, LineItem) for item in items]),
                        )
                    except Exception as exc:
                        _explain(generic, value, cls, exc)
            return generic(value, cls)

        return purchase

    conv.register_structure_hook_factory(lambda t: t is LineItem, line_item_factory)
    conv.register_structure_hook_factory(lambda t: t is Purchase, purchase_factory)


def _explain(
    generic: Callable[[Any, Any], object], value: object, cls: type, exc: Exception
) -> None:
    """Raise the generated hook's report for data a shortcut refused (never return)."""
    generic(value, cls)  # raises with every problem and its path
    raise exc  # the generated hook accepted it: the shortcut's refusal stands
