"""One spelling for time: moves take ``at=``, queries ``as_of=``, both keyword-only."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

import khachhang
from khachhang.care.planning.touchpoints import QuietHours
from khachhang.care.service.business_calendar import BusinessCalendar
from khachhang.care.service.economics import run_rate_clv
from khachhang.care.service.internal import InternalActivity, InternalActivityKind
from khachhang.care.service.loyalty import EntryKind, LedgerEntry, LoyaltyProgram, PointsLedger
from khachhang.customers import Customer
from khachhang.parties import Person
from khachhang.segmentation import DEFAULT_REGISTRY, F
from khachhang.segmentation.evaluate import predicate

# A time argument: an instant, a date or a time of day, or a parameter named like one.
TIME_TYPE = re.compile(r"\b(datetime|date|time)\b")
TIME_NAME = {"as_of", "at", "when", "moment", "until", "on", "now", "day", "since"}

# Where a time argument stays positional, and why: it is the data the call is about
# (a date to look up, the operands of arithmetic on working time), not "now".
POSITIONAL = {
    "BusinessCalendar.is_working_day.day": "the calendar date looked up",
    "BusinessCalendar.segments.day": "the calendar date looked up",
    "BusinessCalendar.business_time.start": "operands: working time from start to end",
    "BusinessCalendar.business_time.end": "operands: working time from start to end",
    "BusinessCalendar.add.start": "operand: start plus working time",
    "BusinessCalendar.passes.start": "operands: when working time in [start, end) passes",
    "BusinessCalendar.passes.end": "operands: when working time in [start, end) passes",
    "LoyaltyProgram.expiry.earned_at": "the lot's own earning time, data",
    "HolidayGreeting.from_mapping.holidays": "a mapping of dates, data",
    "on_anniversary.anchor": "the date whose anniversaries are greeted, data",
    "Period.key.day": "the calendar date bucketed",
    # Strategies take the bounds of what they draw, positionally as st.datetimes does.
    "aware_datetimes.min_value": "a bound of the drawn instants",
    "aware_datetimes.max_value": "a bound of the drawn instants",
    "purchases.min_at": "a bound of the drawn purchase times",
    "purchases.max_at": "a bound of the drawn purchase times",
    "lifecycle_events.min_at": "a bound of the drawn event times",
    "lifecycle_events.max_at": "a bound of the drawn event times",
    "persons.born_between": "the bounds of the drawn birth dates",
    "complaints.received": "a strategy of arrival times, not an instant",
    "proposals.received": "a strategy of arrival times, not an instant",
    # Hypothesis calls a state machine's rules with keywords drawn from its strategies.
    "BuyingProcessMachine.start.at": "a Hypothesis rule, not an API",
}
# The state-machine aggregates are reshaped on their own branch (h12-fsm); drop this
# once it is merged so the law covers them too.
ELSEWHERE = {
    "khachhang.fsm",
    "khachhang.customers",
    "khachhang.buying.process",
    "khachhang.care.service.complaints",
    "khachhang.care.planning.workflows",
}

T = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
D = T.date()


def _public_functions() -> Iterator[tuple[str, str, Callable[..., Any]]]:
    for info in pkgutil.walk_packages(khachhang.__path__, "khachhang."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts[1:]) or parts[1] == "cli":
            continue
        if info.name in ELSEWHERE:
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            home = getattr(obj, "__module__", None) or ""
            if home != module.__name__ and not home.startswith(f"{module.__name__}._"):
                continue  # a re-export of a public module's name: checked there
            if inspect.isfunction(obj):
                yield module.__name__, name, obj
            elif inspect.isclass(obj):
                for attr, value in vars(obj).items():
                    func = getattr(value, "__func__", value)
                    if not attr.startswith("_") and inspect.isfunction(func):
                        yield module.__name__, f"{name}.{attr}", func


def _positional_time_arguments(qualname: str, func: Callable[..., Any]) -> list[str]:
    found = []
    for p in inspect.signature(func).parameters.values():
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) or p.name in ("self", "cls"):
            continue
        if p.name in TIME_NAME or TIME_TYPE.search(str(p.annotation)):
            found.append(f"{qualname}.{p.name}")
    return found


def test_the_convention_check_sees_the_public_api() -> None:
    """Guards the law below against passing vacuously."""
    names = {q for _, q, _ in _public_functions()}
    assert {"SlaClock.elapsed", "PointsLedger.balance", "Person.age", "predicate"} <= names
    assert _positional_time_arguments("f", lambda x, as_of: None) == ["f.as_of"]


def test_no_public_call_takes_a_time_positionally() -> None:
    """Every instant is named: ``at=`` for a move or a placement, ``as_of=`` for a query."""
    found = [
        f"{module}:{arg}"
        for module, qualname, func in _public_functions()
        for arg in _positional_time_arguments(qualname, func)
        if arg not in POSITIONAL
    ]
    assert not found, "make these keyword-only (at= / as_of=): " + ", ".join(found)


def test_every_exception_is_still_there() -> None:
    """An entry of POSITIONAL that no longer matches anything is stale."""
    found = {
        arg
        for _, qualname, func in _public_functions()
        for arg in _positional_time_arguments(qualname, func)
    }
    assert set(POSITIONAL) <= found


def _ledger() -> PointsLedger:
    return PointsLedger("c-1", (LedgerEntry(EntryKind.EARN, 100, T),))


def _buyer() -> Customer:
    return Customer("c-1", Person("An"), created_at=T)


def _training() -> InternalActivity:
    return InternalActivity("k", InternalActivityKind.TRAINING, "x")


# mypy refuses each of these too (call-arg): the checker and the runtime agree.
_OLD_SPELLINGS: dict[str, Callable[[], object]] = {
    "Person.age_on(on)": lambda: Person("An").age(date(2026, 1, 1)),  # type: ignore[call-arg]
    "QuietHours.contains(moment)": lambda: QuietHours().contains(time(22)),  # type: ignore[call-arg]
    "QuietHours.move(moment)": lambda: QuietHours().move(T),  # type: ignore[call-arg]
    "BusinessCalendar.is_open(at)": lambda: BusinessCalendar().is_open(T),  # type: ignore[call-arg]
    "PointsLedger.balance(as_of)": lambda: _ledger().balance(T),  # type: ignore[call-arg]
    "PointsLedger.expired(as_of)": lambda: _ledger().expired(T),  # type: ignore[call-arg]
    "LoyaltyProgram.tier_for(customer, as_of)": lambda: LoyaltyProgram().tier_for(_buyer(), T),  # type: ignore[call-arg]
    "predicate(rule, as_of)": lambda: predicate(F.orders > 0, T),  # type: ignore[call-arg]
    "Field.bind(as_of)": lambda: DEFAULT_REGISTRY["orders"].bind(T),  # type: ignore[call-arg]
    "run_rate_clv(customer, as_of)": lambda: run_rate_clv(_buyer(), T, lifespan_years=Decimal(1)),  # type: ignore[call-arg]
    "InternalActivity.dates(start, end)": lambda: _training().dates(D, D),  # type: ignore[call-arg]
}


@pytest.mark.parametrize("call", _OLD_SPELLINGS.values(), ids=list(_OLD_SPELLINGS))
def test_the_old_positional_spellings_are_refused(call: Callable[[], object]) -> None:
    """Not a silent misreading: Python refuses the positional instant outright."""
    with pytest.raises(TypeError, match="positional argument"):
        call()


def test_the_new_spellings_answer_as_before() -> None:
    """Spot checks that the keyword spellings give the documented answers."""
    assert Person("An", birth_date=date(1990, 5, 17)).age(as_of=date(2025, 5, 16)) == 34
    assert QuietHours().contains(at=time(22))
    assert QuietHours().move(at=T.replace(hour=22)) == T.replace(hour=8) + timedelta(days=1)
    assert BusinessCalendar(tz="UTC").is_open(at=T)
    assert _ledger().balance(as_of=T) == 100
