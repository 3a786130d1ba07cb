"""Benchmark khachhang's Customer against the same model in pydantic v2 and msgspec.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_models.py            # the full run
    PYTHONPATH=src python benchmarks/bench_models.py --quick    # smoke run (N=5,000, 3 repeats)
    PYTHONPATH=src python benchmarks/bench_models.py --profile  # + cProfile of khachhang

(``src`` is also put on ``sys.path`` automatically when it is next to ``benchmarks/``.)

What is measured, all in one process and one run so the ratios are comparable:

1. building N customers from the same precomputed raw tuples with constructors;
2. ``to_dict``/``from_dict`` vs pydantic ``model_dump(mode="json")``/``model_validate``
   vs ``msgspec.to_builtins``/``msgspec.convert``;
3. ``to_json``/``from_json`` vs ``model_dump_json``/``model_validate_json`` vs
   ``msgspec.json`` ``Encoder.encode``/``Decoder.decode``;
4. import time, each statement in fresh interpreters (median of many runs).

Sections 1-3 run every variant with the garbage collector ON and with it OFF
(``gc.disable()`` around the timed region); repetitions are interleaved across variants
so that load from other processes hits every variant alike. Figures are medians in
objects per second; "vs kh" is the variant's speed divided by khachhang's (``2.00x`` =
twice as fast as khachhang, ``0.50x`` = half as fast).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import gc
import json
import os
import platform
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parent
_SRC = _HERE.parent / "src"

SEED = 20250701
DEFAULT_N = 5_000
DEFAULT_REPEAT = 5
QUICK_N = 5_000
QUICK_REPEAT = 3

# --- realistic raw data -------------------------------------------------------------------
#
# One raw customer is a nested tuple of plain values (str, Decimal, date, aware datetime;
# enums by their string value), generated once and shared by every library, so each
# library builds exactly the same content. Values are already in khachhang's canonical
# form (NFC names, canonical province spellings, lower-case e-mail domains) except phone
# numbers, which are written the way people type them; khachhang and the
# phone-validating peers turn them into E.164.

_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng")
_FAMILY += ("Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
_MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thu", "Ngọc", "Thanh", "Quang", "Gia")
_GIVEN = ("An", "Bình", "Châu", "Dũng", "Hà", "Hải", "Hạnh", "Hương", "Khánh", "Lan")
_GIVEN += ("Linh", "Long", "Mai", "Minh", "Nam", "Phong", "Phương", "Quân", "Sơn", "Tâm")
_GIVEN += ("Thảo", "Trang", "Tuấn", "Vy", "Yến")
_ASCII = str.maketrans("ăâđêôơưĂÂĐÊÔƠƯ", "aadeoouAADEOOU")
_MOBILE = ("90", "91", "93", "94", "96", "97", "98", "32", "33", "34", "35", "36", "37")
_MOBILE += ("38", "39", "70", "76", "77", "78", "79", "81", "82", "83", "84", "85", "86")
_MOBILE += ("88", "56", "58", "59")
_DOMAINS = ("gmail.com", "yahoo.com.vn", "fpt.vn", "viettel.vn", "outlook.com", "hotmail.com")
_PROVINCES = ("Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Bình Dương")
_PROVINCES += ("Khánh Hòa", "Nghệ An", "Lâm Đồng", "Quảng Ninh", "Đồng Nai", "Huế", "An Giang")
_WARDS = ("Phường Bến Thành", "Phường Hoàn Kiếm", "Phường Hải Châu", "Xã Tân Phú")
_WARDS += ("Phường Ninh Kiều", "Phường Lê Chân", "Xã Phú Hòa", "Phường Vĩnh Hải")
_DISTRICTS = ("Quận 1", "Ba Đình", "Hải Châu", "Ninh Kiều", "Thủ Dầu Một", "Nha Trang")
_STREETS = ("Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt")
_STREETS += ("Điện Biên Phủ", "Võ Văn Tần", "Pasteur", "Hùng Vương")
_PRODUCTS = ("Gạo ST25 5kg", "Cà phê Trung Nguyên 500g", "Nước mắm Phú Quốc 1L")
_PRODUCTS += ("Bánh pía Sóc Trăng", "Trà Thái Nguyên 200g", "Áo dài lụa", "Nón lá Huế")
_PRODUCTS += ("Điện thoại Vsmart", "Nồi cơm điện Sunhouse", "Quạt điện Asia")
_TAGS = ("vip", "hanoi", "zalo", "newsletter", "tet-2025", "khach-quen", "b2c", "hcm")
_CHANNELS = ("in_store", "online", "phone", "sales_rep", "distributor", "marketplace")
_SOURCES = ("advertising", "paid_ads", "referral", "social_network", "search", "event")
_SOURCES += ("networking", "telemarketing", "content", "walk_in", "other")
_ICT = datetime.timezone(datetime.timedelta(hours=7), "ICT")
_EPOCH = datetime.datetime(2022, 1, 1, 8, 0, tzinfo=_ICT)

RawCustomer = tuple[Any, ...]


def _phone(rng: random.Random) -> str:
    digits = rng.choice(_MOBILE) + f"{rng.randrange(10_000_000):07d}"
    style = rng.randrange(4)
    if style == 0:
        return f"0{digits[:3]} {digits[3:6]} {digits[6:]}"
    if style == 1:
        return f"0{digits[:3]}.{digits[3:6]}.{digits[6:]}"
    if style == 2:
        return f"+84 {digits[:2]} {digits[2:5]} {digits[5:]}"
    return f"0{digits}"


def _consents(rng: random.Random, channels: Sequence[str]) -> tuple[str, ...]:
    return tuple(c for c in channels if rng.random() < 0.5)


def raw_customer(rng: random.Random, i: int) -> RawCustomer:
    """One customer's raw fields: ~2 contacts, 3 purchases of 1-2 items each."""
    family, given = rng.choice(_FAMILY), rng.choice(_GIVEN)
    full_name = f"{family} {rng.choice(_MIDDLE)} {given}"
    gender = rng.choice(("male", "female", "female", "male", "other", None))
    birth = (
        datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(20_000))
        if rng.random() < 0.7
        else None
    )
    contacts = [("phone", _phone(rng), _consents(rng, ("call", "sms", "social")), "", True)]
    extra = rng.choice((0, 1, 1, 2))  # 1 + 1 on average: ~2 contacts per customer
    if extra >= 1:
        local = f"{given}.{family}{rng.randrange(1, 1000)}".translate(_ASCII).lower()
        local = local.encode("ascii", "ignore").decode()
        email = f"{local}@{rng.choice(_DOMAINS)}"
        contacts.append(("email", email, _consents(rng, ("email",)), "", True))
    if extra >= 2:  # a second number, e.g. for Zalo
        contacts.append(("phone", _phone(rng), _consents(rng, ("social",)), "Zalo", False))
    address = (
        rng.choice(_PROVINCES),
        rng.choice(_WARDS),
        rng.choice(_DISTRICTS) if rng.random() < 0.4 else None,
        f"{rng.randrange(1, 400)} {rng.choice(_STREETS)}",
        "VN",
    )
    person = (full_name, gender, birth, tuple(contacts), address)
    created = _EPOCH + datetime.timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
    purchases = []
    at = created
    for k in range(3):
        at += datetime.timedelta(days=rng.randrange(1, 120), minutes=rng.randrange(1440))
        items = tuple(
            (
                f"SKU-{rng.randrange(100_000):05d}",
                rng.choice(_PRODUCTS),
                rng.randrange(1, 6),
                Decimal(rng.randrange(10, 5_000) * 1_000),
                "VND",
            )
            for _ in range(rng.randrange(1, 3))
        )
        total = sum(qty * price for _, _, qty, price, _ in items)
        amount = total * (100 - rng.choice((0, 0, 5, 10))) // 100 // 1000 * 1000
        purchases.append((f"o-{i}-{k}", at, Decimal(amount), "VND", rng.choice(_CHANNELS), items))
    roles = tuple(rng.sample(("end_user", "buyer", "referrer"), rng.randrange(1, 3)))
    # Drawn as before, so the rest of the data is unchanged; but without a lifecycle log
    # the customer is a prospect (Customer refuses a lifecycle its log does not explain).
    rng.choice(("current", "current", "loyal"))
    return (
        f"c-{i:06d}",
        person,
        created,
        "external",
        roles,
        "prospect",
        rng.choice(_SOURCES) if rng.random() < 0.8 else None,
        tuple(purchases),
        tuple(rng.sample(_TAGS, rng.randrange(0, 4))),
        "VND",
        Decimal(rng.randrange(5, 80) * 1_000_000) if rng.random() < 0.5 else None,
    )


def make_raw(n: int, seed: int = SEED) -> list[RawCustomer]:
    rng = random.Random(seed)
    return [raw_customer(rng, i) for i in range(n)]


# --- builders: raw tuple -> model, via each library's constructors ------------------------


def _members(enum_cls: Any) -> dict[Any, Any]:
    """value -> member, plus None -> None (a dict look-up, the cheapest mapping)."""
    return {None: None, **{m.value: m for m in enum_cls}}


def khachhang_builder() -> Callable[[RawCustomer], Any]:
    from khachhang.customers import AcquisitionSource, Customer, LineItem, Purchase
    from khachhang.customers import PurchaseChannel as Channel
    from khachhang.kinds import Lifecycle, Role, Scope
    from khachhang.money import Money
    from khachhang.parties import Address, ContactChannel, ContactKind, ContactPoint, Gender, Person

    gender_, kind_, chan_ = _members(Gender), _members(ContactKind), _members(ContactChannel)
    scope_, role_, life_ = _members(Scope), _members(Role), _members(Lifecycle)
    source_, pchan_ = _members(AcquisitionSource), _members(Channel)

    def build(raw: RawCustomer) -> Any:
        cid, person, created, scope, roles, life, source, purchases, tags, cur, income = raw
        name, gender, birth, contacts, (prov, ward, district, street, country) = person
        return Customer(
            cid,
            Person(
                name,
                gender_[gender],
                birth,
                [
                    ContactPoint(kind_[k], v, frozenset([chan_[c] for c in cs]), lab, prim)
                    for k, v, cs, lab, prim in contacts
                ],
                Address(prov, ward, district, street, country),
            ),
            created,
            scope=scope_[scope],
            roles=[role_[r] for r in roles],
            lifecycle=life_[life],
            acquisition_source=source_[source],
            purchases=[
                Purchase(
                    pid,
                    at,
                    Money(amount, pcur),
                    pchan_[chan],
                    [LineItem(sku, nm, qty, Money(price, c)) for sku, nm, qty, price, c in items],
                )
                for pid, at, amount, pcur, chan, items in purchases
            ],
            tags=tags,
            currency=cur,
            income=None if income is None else Money(income, cur),
        )

    return build


def pydantic_builder(*, phones: bool) -> Callable[[RawCustomer], Any]:
    import peers

    money, item, purchase, address = (
        peers.PdMoney,
        peers.PdLineItem,
        peers.PdPurchase,
        peers.PdAddress,
    )
    if phones:
        contact, person, customer = (
            peers.PdPhoneContactPoint,
            peers.PdPhonePerson,
            peers.PdPhoneCustomer,
        )
    else:
        contact, person, customer = peers.PdContactPoint, peers.PdPerson, peers.PdCustomer

    def build(raw: RawCustomer) -> Any:
        cid, party, created, scope, roles, life, source, purchases, tags, cur, income = raw
        name, gender, birth, contacts, (prov, ward, district, street, country) = party
        return customer(
            id=cid,
            party=person(
                full_name=name,
                gender=gender,
                birth_date=birth,
                contacts=[
                    contact(kind=k, value=v, consents=cs, label=lab, primary=prim)
                    for k, v, cs, lab, prim in contacts
                ],
                address=address(
                    province=prov, ward=ward, district=district, street=street, country=country
                ),
            ),
            created_at=created,
            scope=scope,
            roles=roles,
            lifecycle=life,
            acquisition_source=source,
            purchases=[
                purchase(
                    id=pid,
                    at=at,
                    amount=money(amount=amount, currency=pcur),
                    channel=chan,
                    items=[
                        item(sku=sku, name=nm, quantity=qty, unit_price=money(amount=p, currency=c))
                        for sku, nm, qty, p, c in items
                    ],
                )
                for pid, at, amount, pcur, chan, items in purchases
            ],
            tags=tags,
            currency=cur,
            income=None if income is None else money(amount=income, currency=cur),
        )

    return build


def msgspec_builder(*, phones: bool) -> Callable[[RawCustomer], Any]:
    import peers

    money, item, purchase, address = (
        peers.MsMoney,
        peers.MsLineItem,
        peers.MsPurchase,
        peers.MsAddress,
    )
    if phones:
        contact, person, customer = (
            peers.MsPhoneContactPoint,
            peers.MsPhonePerson,
            peers.MsPhoneCustomer,
        )
    else:
        contact, person, customer = peers.MsContactPoint, peers.MsPerson, peers.MsCustomer
    gender_, kind_ = _members(peers.Gender), _members(peers.ContactKind)
    chan_, scope_ = _members(peers.ContactChannel), _members(peers.Scope)
    role_, life_ = _members(peers.Role), _members(peers.Lifecycle)
    source_, pchan_ = _members(peers.AcquisitionSource), _members(peers.PurchaseChannel)

    def build(raw: RawCustomer) -> Any:
        cid, party, created, scope, roles, life, source, purchases, tags, cur, income = raw
        name, gender, birth, contacts, (prov, ward, district, street, country) = party
        return customer(
            cid,
            person(
                name,
                gender_[gender],
                birth,
                [
                    contact(kind_[k], v, frozenset([chan_[c] for c in cs]), lab, prim)
                    for k, v, cs, lab, prim in contacts
                ],
                address(prov, ward, district, street, country),
            ),
            created,
            scope_[scope],
            frozenset([role_[r] for r in roles]),
            life_[life],
            source_[source],
            [
                purchase(
                    pid,
                    at,
                    money(amount, pcur),
                    pchan_[chan],
                    [item(sku, nm, qty, money(price, c)) for sku, nm, qty, price, c in items],
                )
                for pid, at, amount, pcur, chan, items in purchases
            ],
            frozenset(tags),
            cur,
            None if income is None else money(income, cur),
        )

    return build


# --- timing -------------------------------------------------------------------------------


def _time_once(
    fn: Callable[[Sequence[Any]], list[Any]], items: Sequence[Any], gc_off: bool
) -> float:
    gc.collect()
    if gc_off:
        gc.disable()
    try:
        start = time.perf_counter()
        out = fn(items)  # results stay alive until the clock stops, as in a real bulk load
        elapsed = time.perf_counter() - start
    finally:
        gc.enable()
    del out
    return elapsed


Variant = tuple[str, Callable[[Sequence[Any]], list[Any]], Sequence[Any]]


def measure(variants: Sequence[Variant], repeat: int) -> dict[str, dict[str, float]]:
    """Median objects/s of each variant with GC on and off; repetitions interleaved."""
    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(repeat):
        for gc_state in ("on", "off"):
            for name, fn, items in variants:
                elapsed = _time_once(fn, items, gc_off=gc_state == "off")
                times.setdefault((name, gc_state), []).append(len(items) / elapsed)
    return {
        name: {g: statistics.median(times[name, g]) for g in ("on", "off")}
        for name, _, _ in variants
    }


def _print_table(title: str, result: dict[str, dict[str, float]], base: str) -> None:
    print(f"\n{title}")
    print(f"  {'variant':<44}{'GC on /s':>12}{'vs kh':>8}{'GC off /s':>13}{'vs kh':>8}")
    for name, rates in result.items():
        on, off = rates["on"], rates["off"]
        ratio_on, ratio_off = on / result[base]["on"], off / result[base]["off"]
        print(f"  {name:<44}{on:>12,.0f}{ratio_on:>7.2f}x{off:>13,.0f}{ratio_off:>7.2f}x")


def _round_trip(dump: dict[str, float], load: dict[str, float]) -> dict[str, float]:
    """Objects/s of dump-then-load: the harmonic combination of the two rates."""
    return {g: 1 / (1 / dump[g] + 1 / load[g]) for g in ("on", "off")}


# --- import time --------------------------------------------------------------------------

IMPORTS: tuple[tuple[str, str], ...] = (
    ("import khachhang", "import khachhang"),
    ("from khachhang import Customer, to_json", "from khachhang import Customer, to_json"),
    ("import attrs, cattrs, dateutil", "import attrs, cattrs, dateutil"),
    (
        "import attrs, cattrs, dateutil.relativedelta, phonenumbers",
        "import attrs, cattrs, dateutil.relativedelta, phonenumbers",
    ),
    ("import pydantic", "import pydantic"),
    ("from pydantic import BaseModel", "from pydantic import BaseModel"),
    ("import msgspec", "import msgspec"),
)


def _child_env(pycache: str | None = None) -> dict[str, str]:
    """The child's environment: ``src`` on the path and, with ``pycache``, bytecode caching.

    This environment may set ``PYTHONDONTWRITEBYTECODE=1``; then khachhang (run from
    source, never installed) would be compiled from source in every child while the
    installed libraries load their ``.pyc`` files. Caching bytecode under a temporary
    ``PYTHONPYCACHEPREFIX`` (outside the repository) compares like with like, as after a
    normal install.
    """
    env = dict(os.environ)
    path = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(_SRC) if not path else f"{_SRC}{os.pathsep}{path}"
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def _import_ms(stmt: str, env: dict[str, str]) -> float:
    code = (
        f"import time\n_t = time.perf_counter()\n{stmt}\nprint((time.perf_counter() - _t) * 1000)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip())


def measure_imports(repeat: int, pycache: str) -> dict[str, float]:
    """Median milliseconds of each import statement, each run in a fresh interpreter.

    The clock runs inside the child around the statement only, so interpreter start-up
    (identical for every statement) is excluded. One warm-up run per statement first
    writes the bytecode cache (see :func:`_child_env`).
    """
    env = _child_env(pycache)
    for _, stmt in IMPORTS:
        _import_ms(stmt, env)
    samples: dict[str, list[float]] = {label: [] for label, _ in IMPORTS}
    for _ in range(repeat):
        for label, stmt in IMPORTS:
            samples[label].append(_import_ms(stmt, env))
    return {label: statistics.median(values) for label, values in samples.items()}


def import_breakdown(stmt: str, pycache: str, top: int = 14) -> list[tuple[int, int, str]]:
    """``python -X importtime``: modules imported at top level (depth 0), by cumulative us.

    Also returns one summary row, ``khachhang.* (own code, self time)``.
    """
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", stmt],
        env=_child_env(pycache),
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    own = 0
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative, raw_name = line[len("import time:") :].split("|")
        name = raw_name.strip()
        if name == "khachhang" or name.startswith("khachhang."):
            own += int(self_us)
        if len(raw_name) - len(raw_name.lstrip()) <= 1:  # depth 0
            rows.append((int(cumulative), int(self_us), name))
    rows = sorted(rows, reverse=True)[:top]
    rows.append((own, own, "khachhang.* (own code, self time)"))
    return rows


# --- profile ------------------------------------------------------------------------------

_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("phonenumbers", "phonenumbers (parse / is_valid / format)"),
    ("<attrs generated", "attrs generated __init__ (incl. converters' call sites)"),
    ("cattrs", "cattrs (dispatch, generated structure/unstructure code)"),
    ("<cattrs generated", "cattrs (dispatch, generated structure/unstructure code)"),
    ("json/", "json module (dumps / loads)"),
    ("_json", "json module (dumps / loads)"),
    ("khachhang/serde/", "khachhang serde hooks"),
    ("khachhang/parties.py", "khachhang parties (post_init, names, provinces, e-mail)"),
    ("khachhang/customers.py", "khachhang customers (post_init, converters)"),
    ("khachhang/money.py", "khachhang Money.__init__"),
    ("khachhang/_checks.py", "khachhang _checks (check_type, clean_text)"),
    ("khachhang/fsm.py", "khachhang fsm (require_aware)"),
    ("re/", "re (regex matching)"),
    ("enum.py", "enum"),
    ("decimal", "decimal"),
)


def _category(filename: str, func: str) -> str:
    path = filename.replace(os.sep, "/")
    for marker, label in _CATEGORIES:
        if marker in path:
            return label
    if filename == "~":
        return f"builtins: {func.strip('<>').split(' of ')[0]}"
    return f"other: {Path(filename).name}"


def profile(label: str, fn: Callable[[], object], top: int = 10) -> None:
    """cProfile ``fn`` and print where its time goes, by library and by function."""
    prof = cProfile.Profile()
    gc.collect()
    prof.enable()
    fn()
    prof.disable()
    stats = pstats.Stats(prof)
    entries = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for (_, _, tt, _, _) in entries.values())
    by_cat: dict[str, float] = {}
    for (filename, _, func), (_, _, tt, _, _) in entries.items():
        key = _category(filename, func)
        by_cat[key] = by_cat.get(key, 0.0) + tt
    print(f"\n  cProfile: {label}  (own time {total:.2f}s under the profiler)")
    print("    by library (own time, % of total):")
    for key, tt in sorted(by_cat.items(), key=lambda kv: -kv[1])[:top]:
        print(f"      {100 * tt / total:5.1f}%  {key}")
    print("    by function (own time; cumulative):")
    rows = sorted(entries.items(), key=lambda kv: -kv[1][2])[:top]
    for (filename, line, func), (_, calls, tt, ct, _) in rows:
        where = f"{Path(filename).name}:{line}" if filename != "~" else "builtin"
        share = 100 * tt / total
        print(f"      {share:5.1f}%  cum {100 * ct / total:5.1f}%  {calls:>8}  {func}  ({where})")


def decompose(
    raw: Sequence[RawCustomer],
    build: Callable[[RawCustomer], Any],
    objs: Sequence[Any],
    dicts: Sequence[Any],
    texts: Sequence[str],
    repeat: int = 3,
) -> None:
    """Where khachhang's time goes, without a profiler's distortion (GC off, medians).

    Each step is timed alone, per customer: the phonenumbers work khachhang does, the
    constructors (all validation), ``from_dict`` (cattrs + hooks + constructors), the
    ``json`` module alone, and the conversions around it.
    """
    from khachhang.customers import Customer
    from khachhang.parties import normalize_phone
    from khachhang.serde import from_dict, from_json, to_dict, to_json

    phones = [c[1] for r in raw for c in r[1][3] if c[0] == "phone"]
    steps: dict[str, Callable[[], object]] = {
        "normalize_phone (phonenumbers) for its phones": lambda: [
            normalize_phone(p) for p in phones
        ],
        "constructors (all model validation)": lambda: [build(x) for x in raw],
        "from_dict": lambda: [from_dict(d, Customer) for d in dicts],
        "json.loads(parse_float=Decimal)": lambda: [
            json.loads(t, parse_float=Decimal) for t in texts
        ],
        "from_json": lambda: [from_json(t, Customer) for t in texts],
        "to_dict": lambda: [to_dict(o) for o in objs],
        "json.dumps of to_dict's output": lambda: [
            json.dumps(d, ensure_ascii=False, separators=(",", ":")) for d in dicts
        ],
        "to_json": lambda: [to_json(o) for o in objs],
    }
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is optional
        pass
    else:  # what a faster JSON codec would leave (amounts are strings, so no floats)
        steps["orjson.loads (for comparison)"] = lambda: [orjson.loads(t) for t in texts]
        steps["orjson.dumps of to_dict's output (for comparison)"] = lambda: [
            orjson.dumps(d) for d in dicts
        ]
    n = len(raw)
    us: dict[str, float] = {}
    for name, step in steps.items():
        samples = []
        for _ in range(repeat):
            samples.append(_time_once(lambda _xs, step=step: step(), (), gc_off=True))
        us[name] = statistics.median(samples) / n * 1e6
    print(f"\n[decomposition] khachhang, {n:,} customers, GC off, median of {repeat} (us/customer)")
    for name, value in us.items():
        print(f"  {value:8.1f} us  {name}")
    load, build_us = us["from_dict"], us["constructors (all model validation)"]
    phone_us = us["normalize_phone (phonenumbers) for its phones"]
    print(
        f"  from_dict = {100 * phone_us / load:.0f}% phonenumbers"
        f" + {100 * (build_us - phone_us) / load:.0f}% other constructor validation"
        f" + {100 * (load - build_us) / load:.0f}% cattrs structuring and serde hooks"
    )
    jl = us["json.loads(parse_float=Decimal)"]
    print(f"  from_json = {100 * jl / us['from_json']:.0f}% json.loads + the rest from_dict")
    jd = us["json.dumps of to_dict's output"]
    print(
        f"  to_json = {100 * us['to_dict'] / us['to_json']:.0f}% to_dict"
        f" + {100 * jd / us['to_json']:.0f}% json.dumps"
    )


# --- main ---------------------------------------------------------------------------------


def _versions() -> str:
    names = ("attrs", "cattrs", "python-dateutil", "phonenumbers", "pydantic", "pydantic-core")
    names += ("msgspec",)
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    import khachhang

    return f"khachhang {khachhang.__version__}, " + ", ".join(found)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=None, help=f"customers (default {DEFAULT_N:,})")
    parser.add_argument("--repeat", type=int, default=None, help="repeats per variant (5)")
    parser.add_argument("--quick", action="store_true", help="smoke run: N=5,000, 3 repeats")
    parser.add_argument("--import-repeat", type=int, default=None, help="fresh interpreters (21)")
    parser.add_argument("--profile", action="store_true", help="cProfile khachhang afterwards")
    parser.add_argument("--skip-imports", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="also write results here")
    args = parser.parse_args(argv)
    n = args.n or (QUICK_N if args.quick else DEFAULT_N)
    repeat = args.repeat or (QUICK_REPEAT if args.quick else DEFAULT_REPEAT)
    import_repeat = args.import_repeat or (7 if args.quick else 21)

    if str(_SRC) not in sys.path and (_SRC / "khachhang").is_dir():
        sys.path.insert(0, str(_SRC))
    if str(_HERE) not in sys.path:
        sys.path.insert(0, str(_HERE))
    import msgspec
    import peers

    from khachhang.customers import Customer
    from khachhang.serde import from_dict, from_json, to_dict, to_json

    print("khachhang model benchmark")
    print(
        f"  Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU(s)"
    )
    print(f"  {_versions()}")
    print(
        f"  N = {n:,} customers, median of {repeat} interleaved repeats; "
        f"GC thresholds {gc.get_threshold()}"
    )
    print("  rates are objects/s; 'vs kh' = variant speed / khachhang speed")
    started = time.perf_counter()

    raw = make_raw(n)
    n_contacts = sum(len(r[1][3]) for r in raw) / n
    n_phones = sum(c[0] == "phone" for r in raw for c in r[1][3]) / n
    n_items = sum(len(p[5]) for r in raw for p in r[7]) / n
    print(
        f"  data: {n_contacts:.2f} contacts ({n_phones:.2f} phones), 3 purchases, "
        f"{n_items:.2f} line items per customer (random.Random({SEED}))"
    )

    kh_build = khachhang_builder()
    pd_build, pdp_build = pydantic_builder(phones=False), pydantic_builder(phones=True)
    ms_build, msp_build = msgspec_builder(phones=False), msgspec_builder(phones=True)
    results: dict[str, Any] = {}

    # 1. construction ------------------------------------------------------------------
    construct = measure(
        [
            (
                "khachhang (constructors, validates phones)",
                lambda xs: [kh_build(x) for x in xs],
                raw,
            ),
            ("pydantic v2 (plain)", lambda xs: [pd_build(x) for x in xs], raw),
            ("pydantic v2 + phonenumbers validator", lambda xs: [pdp_build(x) for x in xs], raw),
            ("msgspec Struct (no validation)", lambda xs: [ms_build(x) for x in xs], raw),
            (
                "msgspec Struct + phonenumbers __post_init__",
                lambda xs: [msp_build(x) for x in xs],
                raw,
            ),
        ],
        repeat,
    )
    _print_table(
        f"[1] construct {n:,} customers from raw tuples", construct, base=next(iter(construct))
    )
    results["construct"] = construct

    # objects and documents for the serde sections: identical content in every library
    kh_objs = [kh_build(x) for x in raw]
    pdp_objs = [pdp_build(x) for x in raw]
    msp_objs = [msp_build(x) for x in raw]
    pd_objs = [peers.PdCustomer.model_validate(o.model_dump()) for o in pdp_objs]
    ms_objs = [msgspec.convert(msgspec.to_builtins(o), peers.MsCustomer) for o in msp_objs]
    assert [c.party.contacts[0].value for c in kh_objs[:50]] == [
        c.party.contacts[0].value for c in pd_objs[:50]
    ]
    kh_dicts = [to_dict(o) for o in kh_objs]
    pd_dicts = [o.model_dump(mode="json") for o in pd_objs]
    ms_dicts = [msgspec.to_builtins(o) for o in ms_objs]
    kh_json = [to_json(o) for o in kh_objs]
    pd_json = [o.model_dump_json() for o in pd_objs]
    ms_enc = msgspec.json.Encoder()
    ms_json = [ms_enc.encode(o) for o in ms_objs]
    ms_dec = msgspec.json.Decoder(peers.MsCustomer)
    msp_dec = msgspec.json.Decoder(peers.MsPhoneCustomer)
    assert from_json(kh_json[0], Customer) == kh_objs[0]
    assert ms_dec.decode(ms_json[0]) == ms_objs[0]
    assert peers.PdCustomer.model_validate_json(pd_json[0]) == pd_objs[0]
    sizes = {
        "khachhang": statistics.mean(len(s.encode()) for s in kh_json),
        "pydantic": statistics.mean(len(s.encode()) for s in pd_json),
        "msgspec": statistics.mean(len(b) for b in ms_json),
    }
    print(
        "\n  JSON document size per customer (bytes): "
        + ", ".join(f"{k} {v:,.0f}" for k, v in sizes.items())
    )

    pd_cls, pdp_cls = peers.PdCustomer, peers.PdPhoneCustomer
    ms_cls, msp_cls = peers.MsCustomer, peers.MsPhoneCustomer

    # 2. dicts ---------------------------------------------------------------------------
    dump = measure(
        [
            ("khachhang to_dict", lambda xs: [to_dict(x) for x in xs], kh_objs),
            (
                "pydantic model_dump(mode='json')",
                lambda xs: [x.model_dump(mode="json") for x in xs],
                pd_objs,
            ),
            ("msgspec.to_builtins", lambda xs: [msgspec.to_builtins(x) for x in xs], ms_objs),
        ],
        repeat,
    )
    _print_table("[2a] to dict (JSON-compatible builtins)", dump, base="khachhang to_dict")
    load = measure(
        [
            ("khachhang from_dict", lambda xs: [from_dict(x, Customer) for x in xs], kh_dicts),
            (
                "pydantic model_validate (plain)",
                lambda xs: [pd_cls.model_validate(x) for x in xs],
                pd_dicts,
            ),
            (
                "pydantic model_validate + phonenumbers",
                lambda xs: [pdp_cls.model_validate(x) for x in xs],
                pd_dicts,
            ),
            (
                "msgspec.convert (plain)",
                lambda xs: [msgspec.convert(x, ms_cls) for x in xs],
                ms_dicts,
            ),
            (
                "msgspec.convert + phonenumbers",
                lambda xs: [msgspec.convert(x, msp_cls) for x in xs],
                ms_dicts,
            ),
        ],
        repeat,
    )
    _print_table("[2b] from dict (validating load)", load, base="khachhang from_dict")
    dict_rt = {
        "khachhang": _round_trip(dump["khachhang to_dict"], load["khachhang from_dict"]),
        "pydantic (plain)": _round_trip(
            dump["pydantic model_dump(mode='json')"], load["pydantic model_validate (plain)"]
        ),
        "pydantic + phonenumbers": _round_trip(
            dump["pydantic model_dump(mode='json')"], load["pydantic model_validate + phonenumbers"]
        ),
        "msgspec (plain)": _round_trip(
            dump["msgspec.to_builtins"], load["msgspec.convert (plain)"]
        ),
        "msgspec + phonenumbers": _round_trip(
            dump["msgspec.to_builtins"], load["msgspec.convert + phonenumbers"]
        ),
    }
    _print_table("[2c] dict round trip (dump + load)", dict_rt, base="khachhang")
    results.update(dict_dump=dump, dict_load=load, dict_round_trip=dict_rt)

    # 3. JSON ----------------------------------------------------------------------------
    jdump = measure(
        [
            ("khachhang to_json", lambda xs: [to_json(x) for x in xs], kh_objs),
            ("pydantic model_dump_json", lambda xs: [x.model_dump_json() for x in xs], pd_objs),
            ("msgspec.json Encoder.encode", lambda xs: [ms_enc.encode(x) for x in xs], ms_objs),
        ],
        repeat,
    )
    _print_table("[3a] to JSON", jdump, base="khachhang to_json")
    jload = measure(
        [
            ("khachhang from_json", lambda xs: [from_json(x, Customer) for x in xs], kh_json),
            (
                "pydantic model_validate_json (plain)",
                lambda xs: [pd_cls.model_validate_json(x) for x in xs],
                pd_json,
            ),
            (
                "pydantic model_validate_json + phonenumbers",
                lambda xs: [pdp_cls.model_validate_json(x) for x in xs],
                pd_json,
            ),
            (
                "msgspec.json Decoder.decode (plain)",
                lambda xs: [ms_dec.decode(x) for x in xs],
                ms_json,
            ),
            (
                "msgspec.json Decoder.decode + phonenumbers",
                lambda xs: [msp_dec.decode(x) for x in xs],
                ms_json,
            ),
            # The floor of any pure-Python loader: the standard library's C parser alone.
            ("stdlib json.loads alone (no model)", lambda xs: [json.loads(x) for x in xs], kh_json),
        ],
        repeat,
    )
    _print_table("[3b] from JSON (validating load)", jload, base="khachhang from_json")
    json_rt = {
        "khachhang": _round_trip(jdump["khachhang to_json"], jload["khachhang from_json"]),
        "pydantic (plain)": _round_trip(
            jdump["pydantic model_dump_json"], jload["pydantic model_validate_json (plain)"]
        ),
        "pydantic + phonenumbers": _round_trip(
            jdump["pydantic model_dump_json"], jload["pydantic model_validate_json + phonenumbers"]
        ),
        "msgspec (plain)": _round_trip(
            jdump["msgspec.json Encoder.encode"], jload["msgspec.json Decoder.decode (plain)"]
        ),
        "msgspec + phonenumbers": _round_trip(
            jdump["msgspec.json Encoder.encode"],
            jload["msgspec.json Decoder.decode + phonenumbers"],
        ),
    }
    _print_table("[3c] JSON round trip (dump + load)", json_rt, base="khachhang")
    results.update(json_dump=jdump, json_load=jload, json_round_trip=json_rt)
    print(f"\n  sections 1-3 took {time.perf_counter() - started:.0f}s")

    # 4. imports -------------------------------------------------------------------------
    imports: dict[str, float] = {}
    if not args.skip_imports:
        with tempfile.TemporaryDirectory(prefix="khachhang-bench-pycache-") as pycache:
            imports = measure_imports(import_repeat, pycache)
            breakdown = import_breakdown("from khachhang import Customer, to_json", pycache)
        base = imports["import attrs, cattrs, dateutil"]
        print(
            f"\n[4] import time, median of {import_repeat} fresh interpreters "
            "(ms, statement only; 'vs base' = / import attrs, cattrs, dateutil)"
        )
        for label, ms in imports.items():
            print(f"  {label:<60}{ms:>8.1f} ms{ms / base:>7.2f}x")
        print(
            "\n  -X importtime (inflates times), depth-0 modules of "
            "'from khachhang import Customer, to_json' (cumulative / self, ms):"
        )
        for cumulative, self_us, name in breakdown:
            print(f"    {cumulative / 1000:8.1f} {self_us / 1000:8.1f}  {name}")
        results["imports_ms"] = imports

    # targets ----------------------------------------------------------------------------
    print("\nTargets")
    for gc_state in ("on", "off"):
        for peer in ("pydantic (plain)", "pydantic + phonenumbers"):
            for what, rt in (("dict", dict_rt), ("JSON", json_rt)):
                kh, other = rt["khachhang"][gc_state], rt[peer][gc_state]
                verdict = "MET" if kh > other else "NOT MET"
                print(
                    f"  {what} round trip faster than {peer}, GC {gc_state}: "
                    f"{kh / other:.2f}x -> {verdict}"
                )
        for peer in ("msgspec (plain)", "msgspec + phonenumbers"):
            factor = json_rt[peer][gc_state] / json_rt["khachhang"][gc_state]
            verdict = "MET" if factor <= 4 else "NOT MET"
            print(
                f"  JSON round trip within 4x of {peer}, GC {gc_state}: "
                f"msgspec is {factor:.1f}x faster -> {verdict}"
            )
    if imports:
        base = imports["import attrs, cattrs, dateutil"]
        for label in ("import khachhang", "from khachhang import Customer, to_json"):
            factor = imports[label] / base
            verdict = "MET" if factor <= 1.2 else "NOT MET"
            print(f"  '{label}' within 1.2x of attrs+cattrs+dateutil: {factor:.2f}x -> {verdict}")

    if args.json:
        args.json.write_text(json.dumps(results, indent=2))

    if args.profile:
        decompose(raw, kh_build, kh_objs, kh_dicts, kh_json)
        sample = min(n, 3_000)
        print(f"\n[profile] khachhang, {sample:,} customers, GC on")
        profile("construct (constructors)", lambda: [kh_build(x) for x in raw[:sample]])
        profile("from_dict", lambda: [from_dict(x, Customer) for x in kh_dicts[:sample]])
        profile("to_dict", lambda: [to_dict(x) for x in kh_objs[:sample]])
        profile("from_json", lambda: [from_json(x, Customer) for x in kh_json[:sample]])
        profile("to_json", lambda: [to_json(x) for x in kh_objs[:sample]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
