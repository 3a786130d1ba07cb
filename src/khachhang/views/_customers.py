"""The customer card (HTML) and its short IPython text."""

from __future__ import annotations

from khachhang._format import format_date, format_datetime, format_number
from khachhang.customers import Customer
from khachhang.labels import check_lang
from khachhang.views._html import Html, check_limit, esc, fields, mask, table, view, word


def customer_html(c: Customer, lang: str = "vi", *, purchases: int = 5) -> str:
    """A card for notebooks: kind, lifecycle, masked contacts and the latest purchases.

    Contact values are personal data, so only their channel and a masked value are
    shown; at most ``purchases`` of the latest purchases are listed. Every text is
    HTML-escaped.

    >>> from datetime import datetime, timezone
    >>> from khachhang import Person
    >>> t = datetime(2026, 1, 5, tzinfo=timezone.utc)
    >>> card = customer_html(Customer("c-1", Person("O'Reilly & <Co>"), created_at=t))
    >>> "O&#x27;Reilly &amp; &lt;Co&gt;" in card, "Vòng đời khách hàng" in card
    (True, True)
    """
    lang = check_lang(lang)
    limit = check_limit("purchases", purchases)
    none = word("none", lang)
    party = c.party
    kind = [c.scope.label(lang), c.party_type.label(lang)]
    if c.market is not None:
        kind.append(c.market.label(lang))
    address = party.address
    contacts = []
    for point in party.contacts:
        consents = ", ".join(sorted(ch.label(lang) for ch in point.consents))
        shown_consent = f" ({word('consent', lang)}: {consents})" if consents else ""
        contacts.append(f"{point.kind.label(lang)}: {mask(point.value)}{shown_consent}")
    last = c.last_purchase_at
    rows: list[tuple[object, object]] = [
        (word("id", lang), c.id),
        (word("name", lang), c.name),
        (word("kind", lang), " · ".join(kind)),
        (word("roles", lang), ", ".join(sorted(r.label(lang) for r in c.roles)) or none),
        (word("lifecycle", lang), c.lifecycle.label(lang)),
        (word("province", lang), address.current_province if address else none),
        (word("contacts", lang), Html("<br>".join(esc(x) for x in contacts)) if contacts else none),
        (word("source", lang), c.acquisition_source.label(lang) if c.acquisition_source else none),
        (word("tags", lang), ", ".join(sorted(c.tags)) or none),
        (word("created", lang), format_date(c.created_at, lang)),
        (word("orders", lang), format_number(c.orders, lang)),
        (word("spent", lang), c.total_spent.format(lang)),
        (word("last", lang), format_datetime(last, lang) if last is not None else none),
    ]
    parts = [fields(rows, caption=c.name)]
    if c.purchases and limit > 0:
        recent = c.purchases[-limit:][::-1]
        heads = [word(k, lang) for k in ("id", "at", "channel", "amount", "items")]
        parts.append(
            table(
                heads,
                (
                    (
                        p.id,
                        format_datetime(p.at, lang),
                        p.channel.label(lang),
                        p.amount.format(lang),
                        len(p.items),
                    )
                    for p in recent
                ),
                caption=word("recent", lang),
            )
        )
        hidden = len(c.purchases) - len(recent)
        if hidden:
            parts.append(
                Html(f"<p><small>{esc(word('earlier', lang).format(n=hidden))}</small></p>")
            )
    return view("".join(parts))


def customer_text(c: Customer) -> str:
    """IPython's ``text/plain`` next to the card: short and free of contact values
    (``repr`` lists every contact and purchase)."""
    return (
        f"Customer(id={c.id!r}, name={c.name!r}, lifecycle={c.lifecycle}, "
        f"orders={c.orders}, total_spent={c.total_spent.format('en')!r})"
    )
