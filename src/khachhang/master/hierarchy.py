"""Account hierarchy: a parent company and its branches and subsidiaries.

A :class:`Hierarchy` is a set of :class:`AccountLink` values, each naming a child
customer's parent: every child has at most one parent and no chain of parents loops back
(a loop raises :class:`~khachhang.errors.CycleError` naming it). The group of a customer
is everyone under the same top parent; roll-up queries (money spent across the group,
the group's contacts) run over customers and contact books passed in, so the hierarchy
stays a small value and the application keeps its own store.

A branch's tax code is the parent's ten digits, a dash and three more
(``0101234565-001``): :meth:`Hierarchy.from_tax_codes` reads the branch links from the
codes, and :meth:`Hierarchy.check_tax_codes` refuses a branch link the codes contradict.

>>> h = Hierarchy([AccountLink("KH-2", "KH-1", LinkKind.BRANCH),
...                AccountLink("KH-3", "KH-1"), AccountLink("KH-4", "KH-3")])
>>> h.root_of("KH-4"), h.depth("KH-4"), h.members("KH-4")
('KH-1', 2, ('KH-1', 'KH-2', 'KH-3', 'KH-4'))
>>> h.with_link(AccountLink("KH-1", "KH-4"))
Traceback (most recent call last):
...
khachhang.errors.CycleError: links: cycle KH-1 -> KH-4 -> KH-3 -> KH-1: a company cannot own itself
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from khachhang._checks import as_collection, check_items, check_key, check_type
from khachhang.customers import Customer
from khachhang.errors import CurrencyMismatchError, CycleError, ValidationError
from khachhang.labels import BilingualEnum
from khachhang.master.contacts import Contact, ContactBook
from khachhang.money import MAX_AMOUNT, MONEY_CONTEXT, Money
from khachhang.parties import Organization

__all__ = ["AccountLink", "Hierarchy", "LinkKind"]


class LinkKind(BilingualEnum):
    """How a child account belongs to its parent."""

    BRANCH = ("branch", "Chi nhánh (đơn vị phụ thuộc)", "Branch (dependent unit)")
    SUBSIDIARY = ("subsidiary", "Công ty con", "Subsidiary")
    REPRESENTATIVE_OFFICE = (
        "representative_office",
        "Văn phòng đại diện",
        "Representative office",
    )


@attrs.frozen
class AccountLink:
    """``child_id`` belongs to ``parent_id`` as a branch, subsidiary or office."""

    child_id: str
    parent_id: str
    kind: LinkKind = LinkKind.SUBSIDIARY

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "child_id", check_key("child_id", self.child_id))
        object.__setattr__(self, "parent_id", check_key("parent_id", self.parent_id))
        check_type("kind", self.kind, LinkKind)
        if self.child_id == self.parent_id:
            raise CycleError("parent_id", (self.child_id, self.parent_id))


def _links(values: Iterable[AccountLink]) -> tuple[AccountLink, ...]:
    return check_items("links", as_collection("links", values), AccountLink)


def _find_cycle(parent: Mapping[str, str]) -> tuple[str, ...] | None:
    """A loop of parent links, if there is one: linear time (each id is walked once)."""
    done: set[str] = set()
    for start in parent:
        path: list[str] = []
        on_path: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done:
            if node in on_path:
                loop = path[on_path[node] :]
                first = loop.index(min(loop))  # told from the smallest id: one spelling
                loop = loop[first:] + loop[:first]
                return (*loop, loop[0])
            on_path[node] = len(path)
            path.append(node)
            node = parent.get(node)
        done.update(path)
    return None


@attrs.frozen
class Hierarchy:
    """Parent links between customers: each child once, no loops.

    Operations return a new hierarchy; a refused one raises and changes nothing.
    """

    links: tuple[AccountLink, ...] = attrs.field(default=(), converter=_links)
    _parent: dict[str, str] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _children: dict[str, tuple[str, ...]] = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        parent: dict[str, str] = {}
        children: dict[str, list[str]] = {}
        for i, link in enumerate(self.links):
            if link.child_id in parent:
                msg = (
                    f"{link.child_id!r} already belongs to {parent[link.child_id]!r}; "
                    "an account has at most one parent"
                )
                raise ValidationError(f"links[{i}].child_id", msg)
            parent[link.child_id] = link.parent_id
            children.setdefault(link.parent_id, []).append(link.child_id)
        cycle = _find_cycle(parent)
        if cycle is not None:
            raise CycleError("links", cycle)
        object.__setattr__(self, "_parent", parent)
        object.__setattr__(self, "_children", {k: tuple(sorted(v)) for k, v in children.items()})

    # -- building ---------------------------------------------------------------------
    def with_link(self, link: AccountLink) -> Hierarchy:
        """A hierarchy with ``link``, replacing the child's previous parent link."""
        check_type("link", link, AccountLink)
        kept = tuple(x for x in self.links if x.child_id != link.child_id)
        return Hierarchy((*kept, link))

    def without_link(self, child_id: str) -> Hierarchy:
        """A hierarchy in which ``child_id`` has no parent (it heads its own group)."""
        return Hierarchy(tuple(x for x in self.links if x.child_id != child_id))

    @classmethod
    def from_tax_codes(cls, customers: Iterable[Customer]) -> Hierarchy:
        """Branch links read from tax codes: ``0101234565-001`` belongs to ``0101234565``.

        A branch whose head office is not among ``customers`` gets no link.

        >>> from datetime import datetime, timezone
        >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> head = Customer("KH-1", Organization("Công ty Ánh Dương", tax_code="0101234565"),
        ...                 created_at=t)
        >>> branch = Customer("KH-2", Organization("Ánh Dương - CN Đà Nẵng",
        ...                   tax_code="0101234565-001"), created_at=t)
        >>> Hierarchy.from_tax_codes([branch, head]).links
        (AccountLink(child_id='KH-2', parent_id='KH-1', kind=LinkKind.BRANCH),)
        """
        items = check_items("customers", as_collection("customers", customers), Customer)
        heads: dict[str, str] = {}
        for customer in items:
            code = _tax_code(customer)
            if code is not None and "-" not in code and len(code) == 10:
                heads.setdefault(code, customer.id)
        links = []
        for customer in items:
            code = _tax_code(customer)
            if code is not None and "-" in code and code[:10] in heads:
                links.append(AccountLink(customer.id, heads[code[:10]], LinkKind.BRANCH))
        return cls(links)

    def check_tax_codes(self, customers: Iterable[Customer]) -> None:
        """Refuse a branch link whose tax codes disagree (the branch's first ten digits
        are not the parent's code); links without both codes pass."""
        codes = {c.id: _tax_code(c) for c in check_items("customers", customers, Customer)}
        for i, link in enumerate(self.links):
            child, parent = codes.get(link.child_id), codes.get(link.parent_id)
            if link.kind is not LinkKind.BRANCH or child is None or parent is None:
                continue
            if "-" not in child or child[:10] != parent:
                msg = (
                    f"branch {link.child_id!r} has tax code {child}, which is not "
                    f"{parent}-NNN (its parent {link.parent_id!r}'s code and a branch suffix)"
                )
                raise ValidationError(f"links[{i}]", msg)

    # -- queries ----------------------------------------------------------------------
    def parent_of(self, account_id: str) -> str | None:
        """The direct parent of ``account_id``, if any."""
        return self._parent.get(account_id)

    def children_of(self, account_id: str) -> tuple[str, ...]:
        """The direct children of ``account_id``, sorted."""
        return self._children.get(account_id, ())

    def ancestors(self, account_id: str) -> tuple[str, ...]:
        """The parents of ``account_id``, nearest first, up to the top."""
        out = []
        node = self._parent.get(account_id)
        while node is not None:
            out.append(node)
            node = self._parent.get(node)
        return tuple(out)

    def root_of(self, account_id: str) -> str:
        """The top parent of ``account_id``'s group (itself when it has no parent)."""
        up = self.ancestors(account_id)
        return up[-1] if up else account_id

    def depth(self, account_id: str) -> int:
        """How many links up to the top (0 for a top parent)."""
        return len(self.ancestors(account_id))

    def descendants(self, account_id: str) -> tuple[str, ...]:
        """Everyone under ``account_id``, breadth first (children sorted)."""
        out: list[str] = []
        level = list(self.children_of(account_id))
        while level:
            out.extend(level)
            level = [c for node in level for c in self.children_of(node)]
        return tuple(out)

    def members(self, account_id: str) -> tuple[str, ...]:
        """Everyone in ``account_id``'s group: the top parent, then all under it."""
        root = self.root_of(account_id)
        return (root, *self.descendants(root))

    # -- roll-ups ---------------------------------------------------------------------
    def total_spent(self, account_id: str, customers: Iterable[Customer], currency: str) -> Money:
        """What the whole group of ``account_id`` spent, in ``currency``.

        Members missing from ``customers`` count as nothing; a member whose book is in
        another currency raises :class:`~khachhang.errors.CurrencyMismatchError` (no
        exchange rate is guessed).
        """
        zero = Money.zero(currency)
        group = set(self.members(account_id))
        total = Decimal(0)
        for customer in check_items("customers", as_collection("customers", customers), Customer):
            if customer.id not in group:
                continue
            if customer.currency != zero.currency:
                msg = (
                    f"{customer.id!r} keeps its book in {customer.currency}, the group "
                    f"total is in {zero.currency}"
                )
                raise CurrencyMismatchError(f"customers[{customer.id}].currency", msg)
            total = MONEY_CONTEXT.add(total, customer.total_spent.amount)
        if total >= MAX_AMOUNT:
            raise ValidationError("customers", f"group total {total} is beyond 10^18")
        return Money(total, zero.currency)

    def group_contacts(self, account_id: str, books: Iterable[ContactBook]) -> tuple[Contact, ...]:
        """Every contact of every member of ``account_id``'s group, in member order."""
        by_org: dict[str, list[Contact]] = {}
        for book in check_items("books", as_collection("books", books), ContactBook):
            by_org.setdefault(book.organization_id, []).extend(book.contacts)
        return tuple(c for member in self.members(account_id) for c in by_org.get(member, ()))


def _tax_code(customer: Customer) -> str | None:
    party = customer.party
    return party.tax_code if isinstance(party, Organization) else None
