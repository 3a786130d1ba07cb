"""Duplicate detection: match rules as data, blocking, scores with their reasons.

A :class:`MatchRules` value lists weighted :class:`MatchRule` nodes — exact on the
normalised phone (E.164), e-mail and tax code, on the birth date and on today's province
(a pre-July-2025 province name counts as the province it is part of now), fuzzy on the
name (Vietnamese names compared with and without diacritics: "đ" folds to "d" and tone
marks are dropped) and on the street address. Comparing two customers adds the weights
of the rules that fire; a pair whose score reaches the threshold is a :class:`Match`,
which says which rules fired on which values, in Vietnamese or English.

>>> from datetime import datetime, timezone
>>> from khachhang import Customer, Person
>>> from khachhang.parties import Address, ContactPoint
>>> t = datetime(2026, 1, 5, tzinfo=timezone.utc)
>>> a = Customer("c-1", Person("Nguyễn Văn Đức", contacts=[ContactPoint.phone("0901234567")],
...     address=Address("Bình Dương")), created_at=t)
>>> b = Customer("c-2", Person("Nguyen Van Duc", contacts=[ContactPoint.phone("+84 901 234 567")],
...     address=Address("TP.HCM")), created_at=t)
>>> match = DEFAULT_RULES.compare(a, b)
>>> match.score, match.is_duplicate
(105, True)
>>> print(match.explain("en"))
c-1 ~ c-2: score 105 (threshold 60)
- Phone number: '+84901234567' = '+84901234567' (+60)
- Name / legal name: 'Nguyễn Văn Đức' ~ 'Nguyen Van Duc', 100% similar (+35)
- Province: 'Bình Dương' ~ 'TP. Hồ Chí Minh': both TP. Hồ Chí Minh today (+10)

Finding duplicates in a book (:func:`find_duplicates`) never compares every pair:
candidate pairs come only from shared *blocking keys* — a phone, an e-mail, a tax code,
or the folded family and given name together with what must agree for a name match to
count (the birth date; the province or the house number). Each customer yields a bounded
number ``k`` of keys, so with ``n`` customers and blocks of sizes ``b`` the cost is
``O(n·k + Σ b²)``: a block of at most ``max_block`` customers is compared pair by pair
(``b·(b-1)/2``); a larger block (a shared switchboard number, a generic mailbox) is never
skipped silently — it is reported in :attr:`DuplicateReport.oversized` and compared only
between neighbours in its sorted order (``window`` each), ``O(b·window)``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date

import attrs

from khachhang._checks import (
    as_collection,
    check_items,
    check_key,
    check_type,
    clean_text,
    shown,
)
from khachhang.customers import Customer
from khachhang.errors import ValidationError
from khachhang.labels import BilingualEnum, check_lang
from khachhang.parties import FORMER_PROVINCES, ContactKind, Person

__all__ = [
    "DEFAULT_RULES",
    "MAX_WEIGHT",
    "Block",
    "DuplicateReport",
    "Hit",
    "Match",
    "MatchKind",
    "MatchRule",
    "MatchRules",
    "find_duplicates",
    "fold_name",
    "jaro_winkler",
    "name_similarity",
]

MAX_WEIGHT = 1000
"""The largest weight one rule may carry."""

_MAX_TEXT = 1000  # a value shown in a hit or a key: a name, an address, an e-mail


class MatchKind(BilingualEnum):
    """What a match rule compares.

    >>> MatchKind.TAX_CODE.label(), MatchKind.TAX_CODE.label("en")
    ('Mã số thuế', 'Tax code')
    """

    PHONE = ("phone", "Số điện thoại", "Phone number")
    EMAIL = ("email", "Địa chỉ Email", "Email address")
    TAX_CODE = ("tax_code", "Mã số thuế", "Tax code")
    BIRTH_DATE = ("birth_date", "Ngày sinh", "Date of birth")
    PROVINCE = ("province", "Tỉnh/thành phố", "Province")
    NAME = ("name", "Họ tên / tên pháp lý", "Name / legal name")
    ADDRESS = ("address", "Địa chỉ", "Address")

    @property
    def fuzzy(self) -> bool:
        """True for the kinds compared by similarity (name, address)."""
        return self in _FUZZY


_FUZZY = frozenset({MatchKind.NAME, MatchKind.ADDRESS})


def _int_in(path: str, value: object, low: int, high: int) -> int:
    if type(value) is not int:
        msg = f"expected an int from {low} to {high}, got {shown(value)}"
        raise ValidationError(path, msg)
    if not low <= value <= high:
        raise ValidationError(path, f"must be from {low} to {high}, got {value}")
    return value


@attrs.frozen
class MatchRule:
    """One piece of evidence that two customers are the same: what to compare, its weight.

    Args:
        kind: what is compared (:class:`MatchKind`).
        weight: the points the rule adds to a pair's score when it fires (1 to 1000).
        min_similarity: for a fuzzy kind (name, address), the similarity in percent
            (1 to 100) at which the rule fires; an exact kind takes only 100.

    >>> MatchRule(MatchKind.NAME, 30, min_similarity=88).kind.fuzzy
    True
    >>> MatchRule(MatchKind.PHONE, 60, min_similarity=90)
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: min_similarity: phone is compared exactly: ...
    """

    kind: MatchKind
    weight: int
    min_similarity: int = 100

    def __attrs_post_init__(self) -> None:
        check_type("kind", self.kind, MatchKind)
        _int_in("weight", self.weight, 1, MAX_WEIGHT)
        _int_in("min_similarity", self.min_similarity, 1, 100)
        if not self.kind.fuzzy and self.min_similarity != 100:
            msg = f"{self.kind.value} is compared exactly: min_similarity must be 100"
            raise ValidationError("min_similarity", msg)


def _rules(values: Iterable[MatchRule]) -> tuple[MatchRule, ...]:
    return check_items("rules", as_collection("rules", values), MatchRule)


@attrs.frozen
class MatchRules:
    """A set of weighted match rules, a threshold, and the blocking limits.

    Args:
        rules: at most one rule per :class:`MatchKind`.
        threshold: the score (sum of fired weights) at which a pair is a duplicate;
            at most the sum of all weights (a threshold no pair can reach is refused).
        max_block: the largest block compared pair by pair (2 to 100,000).
        window: how many neighbours each customer of a larger block is compared with
            (1 to 1,000).

    >>> rules = MatchRules([MatchRule(MatchKind.EMAIL, 50)], threshold=50)
    >>> MatchRules([MatchRule(MatchKind.EMAIL, 50)], threshold=60)
    Traceback (most recent call last):
    ...
    khachhang.errors.ValidationError: threshold: 60 is more than all weights together (50)...
    """

    rules: tuple[MatchRule, ...] = attrs.field(converter=_rules)
    threshold: int
    max_block: int = 200
    window: int = 10

    def __attrs_post_init__(self) -> None:
        if not self.rules:
            raise ValidationError("rules", "needs at least one rule")
        seen: dict[MatchKind, int] = {}
        for i, rule in enumerate(self.rules):
            if rule.kind in seen:
                msg = f"a second {rule.kind.value} rule (the first is rules[{seen[rule.kind]}])"
                raise ValidationError(f"rules[{i}].kind", msg)
            seen[rule.kind] = i
        total = sum(rule.weight for rule in self.rules)
        _int_in("threshold", self.threshold, 1, MAX_WEIGHT * len(MatchKind))
        if self.threshold > total:
            msg = (
                f"{self.threshold} is more than all weights together ({total}): no pair reaches it"
            )
            raise ValidationError("threshold", msg)
        _int_in("max_block", self.max_block, 2, 100_000)
        _int_in("window", self.window, 1, 1000)

    def rule(self, kind: MatchKind) -> MatchRule | None:
        """The rule of ``kind``, if there is one."""
        return next((rule for rule in self.rules if rule.kind is kind), None)

    def compare(self, first: Customer, second: Customer) -> Match:
        """Score ``first`` against ``second`` and say why (every rule that fired).

        Raises:
            ValidationError: either is not a :class:`~khachhang.customers.Customer`.
        """
        a = _features(check_type("first", first, Customer))
        b = _features(check_type("second", second, Customer))
        return _score(self, a, b)


# --- names ---------------------------------------------------------------------------

_FOLD = str.maketrans({"đ": "d", "Đ": "D"})
# After NFD every Vietnamese tone and vowel mark is a combining diacritic (U+0300-U+036F).
_MARKS = dict.fromkeys(range(0x300, 0x370))
_NOT_WORD = re.compile(r"[\W_]+")


@functools.lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    bare = unicodedata.normalize("NFD", text.translate(_FOLD)).translate(_MARKS)
    return " ".join(_NOT_WORD.sub(" ", bare.lower()).split())


def fold_name(text: str) -> str:
    """``text`` without diacritics, lower case, words of letters and digits only.

    "Đ" and "đ" fold to "d", tone and vowel marks are dropped, punctuation becomes a
    space: two spellings of one Vietnamese name, with and without diacritics, fold alike.

    >>> fold_name("  Nguyễn Thị  Đào-Ngọc "), fold_name("NGUYEN THI DAO NGOC")
    ('nguyen thi dao ngoc', 'nguyen thi dao ngoc')
    """
    return _fold(check_type("text", text, str))


def jaro_winkler(first: str, second: str) -> float:
    """The Jaro-Winkler similarity of two strings, from 0.0 (nothing alike) to 1.0 (equal).

    >>> round(jaro_winkler("martha", "marhta"), 4), jaro_winkler("an", "an")
    (0.9611, 1.0)
    """
    if first == second:
        return 1.0
    n, m = len(first), len(second)
    if not n or not m:
        return 0.0
    reach = max(max(n, m) // 2 - 1, 0)
    taken = [False] * m
    matched: list[str] = []
    for i, ch in enumerate(first):
        for j in range(max(0, i - reach), min(m, i + reach + 1)):
            if not taken[j] and second[j] == ch:
                taken[j] = True
                matched.append(ch)
                break
    common = len(matched)
    if not common:
        return 0.0
    other = [second[j] for j in range(m) if taken[j]]
    transpositions = sum(x != y for x, y in zip(matched, other, strict=True)) // 2
    jaro = (common / n + common / m + (common - transpositions) / common) / 3
    prefix = 0
    for x, y in zip(first[:4], second[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


_token_memo: dict[tuple[str, str], float] = {}


def _token_similarity(x: str, y: str) -> float:
    """Two folded words: equal, or (both longer than 3 letters) Jaro-Winkler.

    Short words are names in their own right ("An" and "Anh" are two names), so they
    only match when equal.
    """
    if x == y:
        return 1.0
    if len(x) <= 3 or len(y) <= 3:
        return 0.0
    key = (x, y) if x < y else (y, x)
    found = _token_memo.get(key)
    if found is None:
        if len(_token_memo) > 100_000:  # bounded: a book has a few thousand distinct words
            _token_memo.clear()
        found = _token_memo[key] = jaro_winkler(x, y)
    return found


def _token_score(a: Sequence[str], b: Sequence[str], *, shorter: bool = True) -> float:
    """Monge-Elkan: each word of ``a`` (of the shorter name) against its best partner."""
    if shorter and len(a) > len(b):
        a, b = b, a
    if not a:
        return 0.0
    total = 0.0
    for x in a:
        best = 0.0
        for y in b:
            s = _token_similarity(x, y)
            if s > best:
                best = s
                if s == 1.0:
                    break
        total += best
    return total / len(a)


def _percent(value: float) -> int:
    return min(100, max(0, int(value * 100 + 1e-9)))


def _both_ways(a: Sequence[str], b: Sequence[str]) -> float:
    """Monge-Elkan both ways, averaged: extra words on either side count against."""
    if not a or not b:
        return 0.0
    return (_token_score(a, b, shorter=False) + _token_score(b, a, shorter=False)) / 2


# Words of an organisation's legal form: they say what kind of firm, not which one.
_LEGAL_FORMS = frozenset(
    {
        *("cong", "ty", "tnhh", "co", "phan", "cp", "mtv", "dntn", "doanh", "nghiep"),
        *("tu", "nhan", "tap", "doan", "chi", "nhanh", "hop", "tac", "xa", "htx"),
        *("jsc", "ltd", "corp", "llc"),
    }
)


def _person_score(a: Sequence[str], b: Sequence[str]) -> float:
    """A Vietnamese name is family, middle, given: compared in place, given name first.

    Weights 0.45 given, 0.35 family, 0.2 middle; a middle name left out on one side
    counts 0.9 (a common way of writing a name), unlike a different one. A name in
    another order ("Văn An Nguyễn") is caught by the word-by-word score, at 90%.
    """
    if len(a) < 2 or len(b) < 2:
        return _token_score(a, b)
    middle_a, middle_b = a[1:-1], b[1:-1]
    if middle_a and middle_b:
        middle = _both_ways(middle_a, middle_b)
    else:
        middle = 1.0 if not middle_a and not middle_b else 0.9
    placed = (
        0.45 * _token_similarity(a[-1], b[-1]) + 0.35 * _token_similarity(a[0], b[0]) + 0.2 * middle
    )
    return max(placed, 0.9 * _both_ways(a, b))


def _organization_score(a: Sequence[str], b: Sequence[str]) -> float:
    """Legal-form words dropped ("Công ty TNHH"), then the words compared both ways."""
    core_a = [w for w in a if w not in _LEGAL_FORMS] or list(a)
    core_b = [w for w in b if w not in _LEGAL_FORMS] or list(b)
    return _both_ways(core_a, core_b)


def name_similarity(first: str, second: str, *, organization: bool = False) -> int:
    """How alike two names are, in percent, with and without diacritics.

    Both are folded (:func:`fold_name`) and compared word by word; short words (at most
    three letters) match only when equal ("An" and "Anh" are two names), longer ones by
    :func:`jaro_winkler` (so a typo still matches). A person's name is read as family,
    middle and given name: the given and family names weigh most, a left-out middle name
    costs little, a different one costs its share. An organisation's name is compared
    without its legal-form words (``organization=True``).

    >>> name_similarity("Nguyễn Văn Đức", "nguyen van duc")
    100
    >>> name_similarity("Trần Thị Ngọc Hân", "Tran Ngoc Han"), name_similarity("Lê An", "Lê Văn An")
    (95, 98)
    >>> name_similarity("Lê Văn An", "Lê Văn Anh"), name_similarity("Lê Minh Oanh", "Lê Kim Oanh")
    (60, 80)
    >>> name_similarity("Công ty TNHH Điện máy Bảo Tín", "Công ty CP Dệt may Bảo Tín",
    ...                 organization=True)
    75
    """
    check_type("first", first, str)
    check_type("second", second, str)
    check_type("organization", organization, bool)
    a, b = fold_name(first).split(), fold_name(second).split()
    if a == b:
        return 100
    return _percent(_organization_score(a, b) if organization else _person_score(a, b))


# --- what one customer offers to compare ---------------------------------------------


@attrs.frozen
class _Features:
    index: int
    customer: Customer
    phones: frozenset[str]
    emails: Mapping[str, str]  # lower-cased -> as written
    tax_code: str | None
    name: str
    tokens: tuple[str, ...]
    province: str | None  # today's province
    written_province: str | None
    address: str  # folded street and ward
    written_address: str
    birth_date: date | None
    organization: bool


def _features(customer: Customer, index: int = 0) -> _Features:
    party = customer.party
    phones: set[str] = set()
    emails: dict[str, str] = {}
    for contact in party.contacts:
        if contact.kind is ContactKind.PHONE:
            phones.add(contact.value)
        elif contact.kind is ContactKind.EMAIL:
            emails.setdefault(contact.value.lower(), contact.value)
    address = party.address
    province = written = None
    folded_address = written_address = ""
    if address is not None:
        written = address.province
        province = FORMER_PROVINCES.get(written, written) if address.country == "VN" else written
        written_address = ", ".join(p for p in (address.street, address.ward) if p)
        folded_address = fold_name(written_address)
    if isinstance(party, Person):
        name, tax, born = party.full_name, None, party.birth_date
    else:
        name, tax, born = party.legal_name, party.tax_code, None
    folded = fold_name(name)
    return _Features(
        index,
        customer,
        frozenset(phones),
        emails,
        tax,
        name,
        tuple(folded.split()),
        province,
        written,
        folded_address,
        written_address,
        born,
        not isinstance(party, Person),
    )


# --- results ----------------------------------------------------------------------------


@attrs.frozen
class Hit:
    """One rule that fired for a pair: its kind and weight, the two values, how alike.

    >>> print(Hit(MatchKind.EMAIL, 50, "an@x.vn", "AN@x.vn").describe("vi"))
    Địa chỉ Email: 'an@x.vn' = 'AN@x.vn' (+50)
    """

    kind: MatchKind
    weight: int
    first: str
    second: str
    similarity: int = 100
    note: str = ""

    def __attrs_post_init__(self) -> None:
        check_type("kind", self.kind, MatchKind)
        _int_in("weight", self.weight, 1, MAX_WEIGHT)
        for name in ("first", "second", "note"):
            text = clean_text(name, getattr(self, name), max_len=_MAX_TEXT, allow_empty=True)
            object.__setattr__(self, name, text)
        _int_in("similarity", self.similarity, 0, 100)

    def describe(self, lang: str = "vi") -> str:
        """One line: what matched, on which values, and the points it added."""
        vi = check_lang(lang) == "vi"
        head = f"{self.kind.label(lang)}: {self.first!r}"
        if self.kind.fuzzy:
            alike = "giống" if vi else "similar"
            body = f"{head} ~ {self.second!r}, {self.similarity}% {alike}"
        elif self.kind is MatchKind.PROVINCE and self.first != self.second:
            today = "đều thuộc" if vi else "both"
            now = "ngày nay" if vi else "today"
            body = f"{head} ~ {self.second!r}: {today} {self.note} {now}"
        else:
            body = f"{head} = {self.second!r}"
        return f"{body} (+{self.weight})"


def _hits(values: Iterable[Hit]) -> tuple[Hit, ...]:
    return check_items("hits", as_collection("hits", values), Hit)


@attrs.frozen
class Match:
    """Two customers compared: their score, the threshold, and every rule that fired.

    ``is_duplicate`` when the score reaches the threshold of the rules that scored it;
    the score is always the sum of the hits' weights.

    >>> hit = Hit(MatchKind.PHONE, 60, "+84901234567", "+84901234567")
    >>> m = Match("KH-1", "KH-2", 60, 60, [hit])
    >>> m.is_duplicate, m.ids
    (True, ('KH-1', 'KH-2'))
    >>> print(m.explain("en"))
    KH-1 ~ KH-2: score 60 (threshold 60)
    - Phone number: '+84901234567' = '+84901234567' (+60)
    """

    first_id: str
    second_id: str
    score: int
    threshold: int
    hits: tuple[Hit, ...] = attrs.field(default=(), converter=_hits)

    def __attrs_post_init__(self) -> None:
        check_key("first_id", self.first_id)
        check_key("second_id", self.second_id)
        _int_in("threshold", self.threshold, 1, MAX_WEIGHT * len(MatchKind))
        _int_in("score", self.score, 0, MAX_WEIGHT * len(MatchKind))
        kinds = [hit.kind for hit in self.hits]
        if len(set(kinds)) != len(kinds):
            raise ValidationError("hits", "one hit per kind of rule at most")
        total = sum(hit.weight for hit in self.hits)
        if self.score != total:
            msg = f"is {self.score} but the hits add up to {total}"
            raise ValidationError("score", msg)

    @property
    def is_duplicate(self) -> bool:
        """True when the score reaches the threshold."""
        return self.score >= self.threshold

    @property
    def ids(self) -> tuple[str, str]:
        """``(first_id, second_id)``."""
        return (self.first_id, self.second_id)

    def explain(self, lang: str = "vi") -> str:
        """Why the two match: a header line and one line per fired rule, in ``lang``."""
        vi = check_lang(lang) == "vi"
        word = ("điểm", "ngưỡng") if vi else ("score", "threshold")
        head = (
            f"{self.first_id} ~ {self.second_id}: {word[0]} {self.score} "
            f"({word[1]} {self.threshold})"
        )
        return "\n".join([head, *(f"- {hit.describe(lang)}" for hit in self.hits)])


@attrs.frozen
class Block:
    """A blocking key shared by more customers than ``max_block``: compared by window only.

    ``key`` reads ``"phone:+84..."``, ``"email:..."``, ``"tax_code:..."``,
    ``"name:<family> <given>|born:<date>"``, ``"name:<family> <given>@<province>#<house>"``
    or ``"born:<date>@<province>"``.

    >>> Block("phone:+842838221234", 412).size
    412
    """

    key: str
    size: int

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "key", clean_text("key", self.key, max_len=_MAX_TEXT))
        _int_in("size", self.size, 2, 2**62)


def _matches(values: Iterable[Match]) -> tuple[Match, ...]:
    return check_items("matches", as_collection("matches", values), Match)


def _blocks(values: Iterable[Block]) -> tuple[Block, ...]:
    return check_items("oversized", as_collection("oversized", values), Block)


@attrs.frozen
class DuplicateReport:
    """What :func:`find_duplicates` found and how much it compared.

    Attributes:
        matches: the pairs at or above the threshold, in input order of the first.
        customers: how many customers were searched.
        compared: how many distinct pairs were scored.
        oversized: the blocks larger than ``max_block``, biggest first (never skipped:
            compared by sorted window).

    >>> hit = Hit(MatchKind.EMAIL, 50, "an@x.vn", "an@x.vn")
    >>> report = DuplicateReport([Match("a", "b", 50, 50, [hit])], customers=3, compared=1)
    >>> report.groups()
    (('a', 'b'),)
    """

    matches: tuple[Match, ...] = attrs.field(converter=_matches)
    customers: int
    compared: int
    oversized: tuple[Block, ...] = attrs.field(default=(), converter=_blocks)

    def __attrs_post_init__(self) -> None:
        _int_in("customers", self.customers, 0, 2**62)
        _int_in("compared", self.compared, 0, 2**62)

    def groups(self) -> tuple[tuple[str, ...], ...]:
        """The duplicate clusters: ids linked by matches, transitively (union-find).

        Each group is sorted, groups by their first id.
        """
        parent: dict[str, str] = {}

        def root(x: str) -> str:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for match in self.matches:
            ra, rb = root(match.first_id), root(match.second_id)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        clusters: dict[str, list[str]] = {}
        for x in parent:
            clusters.setdefault(root(x), []).append(x)
        return tuple(sorted(tuple(sorted(ids)) for ids in clusters.values()))


# --- scoring -------------------------------------------------------------------------


def _score(rules: MatchRules, a: _Features, b: _Features) -> Match:
    hits: list[Hit] = []
    score = 0
    for rule in rules.rules:
        hit = _fire(rule, a, b)
        if hit is not None:
            hits.append(hit)
            score += rule.weight
    return Match(a.customer.id, b.customer.id, score, rules.threshold, tuple(hits))


_COST = {MatchKind.NAME: 1, MatchKind.ADDRESS: 2}


def _plan(rules: MatchRules) -> tuple[tuple[int, MatchRule, int], ...]:
    """The rules cheapest first (exact, then name, then address), each with its place in
    ``rules`` and the weight still to come after it, to stop a pair that cannot reach
    the threshold any more."""
    order = sorted(enumerate(rules.rules), key=lambda item: (_COST.get(item[1].kind, 0), item[0]))
    plan = []
    rest = sum(rule.weight for rule in rules.rules)
    for index, rule in order:
        rest -= rule.weight
        plan.append((index, rule, rest))
    return tuple(plan)


def _score_duplicate(
    plan: tuple[tuple[int, MatchRule, int], ...], threshold: int, a: _Features, b: _Features
) -> Match | None:
    """The pair's :class:`Match` when it reaches ``threshold``, else ``None`` (as soon as
    the weights still to come cannot lift it there: a match is always fully scored)."""
    fired: list[tuple[int, Hit]] = []
    score = 0
    for index, rule, rest in plan:
        hit = _fire(rule, a, b)
        if hit is not None:
            fired.append((index, hit))
            score += rule.weight
        elif score + rest < threshold:
            return None
    if score < threshold:
        return None
    fired.sort(key=lambda item: item[0])
    hits = tuple(hit for _, hit in fired)
    return Match(a.customer.id, b.customer.id, score, threshold, hits)


def _fire(rule: MatchRule, a: _Features, b: _Features) -> Hit | None:
    kind, weight = rule.kind, rule.weight
    if kind is MatchKind.PHONE:
        shared = a.phones & b.phones
        if shared:
            value = min(shared)
            return Hit(kind, weight, value, value)
        return None
    if kind is MatchKind.EMAIL:
        keys = a.emails.keys() & b.emails.keys()
        if keys:
            key = min(keys)
            return Hit(kind, weight, a.emails[key], b.emails[key])
        return None
    if kind is MatchKind.TAX_CODE:
        if a.tax_code is not None and a.tax_code == b.tax_code:
            return Hit(kind, weight, a.tax_code, b.tax_code)
        return None
    if kind is MatchKind.BIRTH_DATE:
        if a.birth_date is not None and a.birth_date == b.birth_date:
            shown_date = a.birth_date.isoformat()
            return Hit(kind, weight, shown_date, shown_date)
        return None
    if kind is MatchKind.PROVINCE:
        if a.province is not None and a.province == b.province:
            wa, wb = a.written_province or "", b.written_province or ""
            return Hit(kind, weight, wa, wb, note=a.province)
        return None
    if kind is MatchKind.NAME:
        if a.tokens == b.tokens:
            similarity = 100
        elif a.organization or b.organization:
            similarity = _percent(_organization_score(a.tokens, b.tokens))
        else:
            similarity = _percent(_person_score(a.tokens, b.tokens))
        if similarity >= rule.min_similarity:
            return Hit(kind, weight, a.customer.name, b.customer.name, similarity)
        return None
    # ADDRESS: street and ward, only within one province today
    if not a.address or not b.address or a.province != b.province:
        return None
    similarity = _percent(_both_ways(a.address.split(), b.address.split()))
    if similarity >= rule.min_similarity:
        return Hit(kind, weight, a.written_address, b.written_address, similarity)
    return None


# --- blocking ------------------------------------------------------------------------


def _keys(rules: MatchRules, f: _Features) -> Iterator[str]:
    kinds = {rule.kind for rule in rules.rules}
    if MatchKind.PHONE in kinds:
        for phone in f.phones:
            yield f"phone:{phone}"
    if MatchKind.EMAIL in kinds:
        for email in f.emails:
            yield f"email:{email}"
    if MatchKind.TAX_CODE in kinds and f.tax_code is not None:
        yield f"tax_code:{f.tax_code}"
    if MatchKind.NAME in kinds and f.tokens:
        yield from _name_keys(rules, f)


def _name_keys(rules: MatchRules, f: _Features) -> Iterator[str]:
    """The name's keys: the name blocked with what must agree with it for a match.

    Without a shared phone, e-mail or tax code a pair reaches the threshold on its name
    plus the birth date, the province or the address, so the folded family and given
    name are blocked with the birth date, and with the province (when name and province
    suffice) or else the house number (the first word of the street address, which a
    similar address almost always shares). A typo in the name itself is caught by the
    birth date within a province.
    """
    name = f"{f.tokens[0]} {f.tokens[-1]}"
    weight = {rule.kind: rule.weight for rule in rules.rules}
    need = rules.threshold - weight[MatchKind.NAME]
    if need <= 0:  # the name alone is enough
        yield f"name:{name}"
        return
    if MatchKind.BIRTH_DATE in weight and f.birth_date is not None:
        born = f.birth_date.isoformat()
        yield f"name:{name}|born:{born}"
        if MatchKind.PROVINCE in weight and f.province is not None:
            yield f"born:{born}@{f.province}"
    if f.province is None:
        return
    if weight.get(MatchKind.PROVINCE, 0) >= need:
        yield f"name:{name}@{f.province}"
    elif MatchKind.ADDRESS in weight and f.address:
        yield f"name:{name}@{f.province}#{f.address.split()[0]}"


def find_duplicates(customers: Iterable[Customer], rules: MatchRules) -> DuplicateReport:
    """Every pair of ``customers`` that ``rules`` call duplicates, found by blocking.

    Only customers sharing a blocking key are compared: the same phone, e-mail (case
    folded) or tax code, or the same folded family and given name with the same birth
    date, or in the same province today with the same house number (or the province
    alone, when name and province reach the threshold), or the same birth date in the
    same province (a typo in the name); keys only of kinds the rules have. Each pair is
    scored once, however many keys it shares. A block larger than ``rules.max_block``
    is reported in :attr:`DuplicateReport.oversized` and compared between sorted
    neighbours only.

    Cost: ``O(n·k)`` to build the blocks (``k`` keys per customer, a handful) plus one
    comparison per candidate pair: ``b·(b-1)/2`` for a block of ``b ≤ max_block``,
    ``b·window`` for a larger one, instead of ``n·(n-1)/2``; 105,000 customers cost
    about 82,000 comparisons in ``benchmarks/bench_dedupe.py``. Pairs that share no key
    are never compared: a typo in the family or given name with no shared contact and
    no birth date in common is missed (see the benchmark for recall).

    >>> from datetime import datetime, timezone
    >>> from khachhang import Customer, Person
    >>> t = datetime(2026, 1, 5, tzinfo=timezone.utc)
    >>> book = [Customer(f"c-{i}", Person(name), created_at=t) for i, name in
    ...         enumerate(["Phạm Thị Hoa", "Pham Thi Hoa", "Lê Minh"])]
    >>> rules = MatchRules([MatchRule(MatchKind.NAME, 30, min_similarity=90)], threshold=30)
    >>> report = find_duplicates(book, rules)
    >>> [m.ids for m in report.matches], report.compared
    ([('c-0', 'c-1')], 1)

    Raises:
        ValidationError: an item is not a Customer (named ``customers[i]``), or
            ``rules`` is not :class:`MatchRules`.
    """
    check_type("rules", rules, MatchRules)
    items = check_items("customers", as_collection("customers", customers), Customer)
    features = [_features(c, i) for i, c in enumerate(items)]
    blocks: dict[str, list[int]] = {}
    for f in features:
        for key in _keys(rules, f):
            blocks.setdefault(key, []).append(f.index)
    seen: set[int] = set()
    n = len(features)
    matches: list[tuple[int, int, Match]] = []
    oversized: list[Block] = []
    threshold = rules.threshold
    plan = _plan(rules)

    def visit(i: int, j: int) -> None:
        if i > j:
            i, j = j, i
        pair = i * n + j
        if pair in seen:
            return
        seen.add(pair)
        match = _score_duplicate(plan, threshold, features[i], features[j])
        if match is not None:
            matches.append((i, j, match))

    for key, members in blocks.items():
        size = len(members)
        if size < 2:
            continue
        if size <= rules.max_block:
            for x in range(size):
                for y in range(x + 1, size):
                    visit(members[x], members[y])
            continue
        oversized.append(Block(key, size))
        ordered = sorted(members, key=lambda i: (features[i].tokens, features[i].customer.id))
        for x in range(size):
            for y in range(x + 1, min(size, x + 1 + rules.window)):
                visit(ordered[x], ordered[y])
    matches.sort(key=lambda item: (item[0], item[1]))
    oversized.sort(key=lambda block: (-block.size, block.key))
    return DuplicateReport(
        tuple(m for _, _, m in matches), len(features), len(seen), tuple(oversized)
    )


DEFAULT_RULES = MatchRules(
    (
        MatchRule(MatchKind.PHONE, 60),
        MatchRule(MatchKind.EMAIL, 50),
        MatchRule(MatchKind.TAX_CODE, 70),
        MatchRule(MatchKind.NAME, 35, min_similarity=88),
        MatchRule(MatchKind.BIRTH_DATE, 25),
        MatchRule(MatchKind.PROVINCE, 10),
        MatchRule(MatchKind.ADDRESS, 20, min_similarity=85),
    ),
    threshold=60,
)
"""The rules the library starts from: a shared phone, e-mail or tax code is enough on
its own; a similar name needs the same birth date, or the same province and a similar
street address (a common name alone, or with the province, is not enough)."""
