"""Finding duplicates in 10,000 and 100,000 customers, with precision and recall.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_dedupe.py                  # 10k and 100k
    PYTHONPATH=src python benchmarks/bench_dedupe.py --sizes 10000 --repeat 3

Each book is ``sample_book(n)`` plus seeded duplicates: ``--share`` of the customers
(5% by default) get a second record written the way people re-enter a customer —
diacritics dropped or the name in capitals, a middle name left out, a typo in one word
of the name, a pre-July-2025 province for the same place, a phone or e-mail kept or
dropped (each contact kept with probability 0.6, an e-mail possibly in other case),
the birth date kept with probability 0.8. The seeded pairs are the truth; every other
pair found counts against precision (the sample book itself holds some look-alikes:
organisations whose generic ``lienhe@<brand>`` addresses collide).

Reported: the time of :func:`khachhang.master.find_duplicates` with the default rules
(best of ``--repeat``, the book built beforehand and not timed), how many pairs were
compared (against ``n²/2``), the oversized blocks, and precision/recall on the seeded
pairs.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import attrs

_SRC = Path(__file__).resolve().parent.parent / "src"
if _SRC.is_dir() and str(_SRC) not in sys.path:
    sys.path.insert(0, str(_SRC))

from khachhang import Customer  # noqa: E402
from khachhang.master import DEFAULT_RULES, find_duplicates  # noqa: E402
from khachhang.parties import (  # noqa: E402
    FORMER_PROVINCES,
    Address,
    ContactKind,
    ContactPoint,
    Organization,
    Person,
)
from khachhang.sample import SAMPLE_AS_OF, sample_book  # noqa: E402

_OLD_NAMES: dict[str, list[str]] = {}
for _old, _new in FORMER_PROVINCES.items():
    if _old != _new:
        _OLD_NAMES.setdefault(_new, []).append(_old)


def _strip(text: str) -> str:
    import unicodedata

    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in bare if not unicodedata.combining(c)))


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _name(rng: random.Random, name: str, person: bool) -> str:
    words = name.split()
    if person and len(words) > 2 and rng.random() < 0.15:
        words = [words[0], words[-1]]  # the middle name left out
    if rng.random() < 0.15:
        k = rng.randrange(len(words))
        words[k] = _typo(rng, words[k])
    text = " ".join(words)
    roll = rng.random()
    if roll < 0.5:
        text = _strip(text)
    elif roll < 0.6:
        text = text.upper()
    return text


def _address(rng: random.Random, address: Address | None) -> Address | None:
    if address is None or rng.random() < 0.3:
        return None
    province = address.current_province
    if address.country == "VN" and rng.random() < 0.3 and _OLD_NAMES.get(province):
        return attrs.evolve(address, province=rng.choice(_OLD_NAMES[province]))
    return address


def _contacts(rng: random.Random, contacts: tuple[ContactPoint, ...]) -> list[ContactPoint]:
    kept = []
    for contact in contacts:
        if rng.random() >= 0.6:
            continue
        value = contact.value
        if contact.kind is ContactKind.EMAIL and rng.random() < 0.3:
            value = value.upper()
        kept.append(ContactPoint(contact.kind, value, primary=contact.primary))
    return kept


def variant(rng: random.Random, customer: Customer, new_id: str) -> Customer:
    """A second record of ``customer``, as someone would re-enter it."""
    party = customer.party
    contacts = _contacts(rng, party.contacts)
    if isinstance(party, Person):
        new_party: Person | Organization = Person(
            _name(rng, party.full_name, True),
            gender=party.gender,
            birth_date=party.birth_date if rng.random() < 0.8 else None,
            contacts=contacts,
            address=_address(rng, party.address),
        )
    else:
        new_party = attrs.evolve(
            party,
            legal_name=_name(rng, party.legal_name, False),
            tax_code=party.tax_code if rng.random() < 0.7 else None,
            contacts=contacts,
            address=_address(rng, party.address),
        )
    created = min(customer.created_at + timedelta(days=rng.randint(1, 400)), SAMPLE_AS_OF)
    return Customer(new_id, new_party, created, scope=customer.scope, roles=customer.roles)


def seeded_book(
    n: int, share: float, seed: int = 2026
) -> tuple[list[Customer], set[frozenset[str]]]:
    """``sample_book(n)`` plus a variant of ``share`` of its customers, shuffled."""
    rng = random.Random(seed)
    book = list(sample_book(n))
    truth: set[frozenset[str]] = set()
    for k, customer in enumerate(rng.sample(book, int(n * share))):
        twin = variant(rng, customer, f"DUP-{k:06d}")
        book.append(twin)
        truth.add(frozenset((customer.id, twin.id)))
    rng.shuffle(book)
    return book, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--share", type=float, default=0.05)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}")
    rules = DEFAULT_RULES
    print(f"rules: threshold {rules.threshold}, max_block {rules.max_block}, window {rules.window}")
    print()
    print(
        "| customers | seeded pairs | time (best) | pairs compared | vs n²/2 | oversized "
        "blocks | found | precision | precision (people) | recall |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        built = time.perf_counter()
        book, truth = seeded_book(n, args.share)
        built = time.perf_counter() - built
        best = float("inf")
        report = None
        for _ in range(args.repeat):
            gc.collect()
            start = time.perf_counter()
            report = find_duplicates(book, rules)
            best = min(best, time.perf_counter() - start)
        assert report is not None
        found = {frozenset(m.ids) for m in report.matches}
        hits = len(found & truth)
        precision = hits / len(found) if found else 1.0
        recall = hits / len(truth) if truth else 1.0
        total = len(book) * (len(book) - 1) // 2
        by_id = {c.id: c for c in book}
        people = {p for p in found if all(isinstance(by_id[i].party, Person) for i in p)}
        people_precision = len(people & truth) / len(people) if people else 1.0
        print(
            f"| {len(book):,} | {len(truth):,} | {best:.2f} s | {report.compared:,} | "
            f"{report.compared / total:.5%} | {len(report.oversized)} | {len(found):,} | "
            f"{precision:.3f} | {people_precision:.3f} | {recall:.3f} |"
        )
        biggest = ", ".join(f"{b.key} ({b.size})" for b in report.oversized[:3])
        if biggest:
            print(f"<!-- biggest oversized blocks: {biggest} -->")
        print(f"<!-- book built in {built:.1f} s (not timed) -->")
        false = [m for m in report.matches if frozenset(m.ids) not in truth]
        kinds = Counter("+".join(h.kind.value for h in m.hits) for m in false)
        shown = ", ".join(f"{k} ({v})" for k, v in kinds.most_common(4))
        print(f"<!-- false positives by the rules that fired: {shown} -->")
        missed = sorted(truth - found, key=sorted)[:3]
        for pair in missed:
            a, b = (by_id[i] for i in sorted(pair))
            print(f"<!-- missed: {a.name!r} / {b.name!r} -->")


if __name__ == "__main__":
    main()
